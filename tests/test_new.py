"""``python -m tools.new``: the printed entry validates once its TODO texts are written."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from catalogue_helpers import TODAY, VALID, line_of, valid_text

from tools.catalog import check
from tools.new import guess_access, guess_lang, guess_type, main, skeleton, slug_from_url

REPO = Path(__file__).resolve().parent.parent


def _with_entry(folder: Path, entry: str) -> Path:
    """The valid fixture with ``entry`` pasted at the end of its ``resources:`` list."""
    text = valid_text()
    assert text.count("\nextras:\n") == 1
    path = folder / "resources.yaml"
    path.write_text(text.replace("\nextras:\n", "\n" + entry + "extras:\n"), encoding="utf-8")
    return path


def _fill_todos(entry: str) -> str:
    return re.sub(r"TODO:[^\"'\]\n]*", "Written by a curator.", entry)


@pytest.mark.parametrize(
    ("url", "type_"),
    [
        ("https://www.youtube.com/watch?v=g5DSLeJozdw", "video"),
        ("https://youtu.be/g5DSLeJozdw", "video"),
        ("https://arxiv.org/abs/1805.08318", "paper"),
        ("https://speakerdeck.com/someone/some-talk", "slides"),
        ("https://www.coursera.org/learn/nlp-sequence-models", "course"),
        ("https://devopedia.org/transformer-neural-network-architecture", "wiki"),
        ("https://jalammar.github.io/illustrated-transformer/", "blog"),
        ("https://notyoutube.com/watch?v=x", "blog"),
    ],
)
def test_type_is_guessed_from_the_host(url, type_) -> None:
    assert guess_type(url) == type_


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://www.youtube.com/watch?v=g5DSLeJozdw", "youtube-g5dslejozdw"),
        ("https://youtu.be/T35ba_VXkMY", "youtube-t35ba-vxkmy"),
        ("https://arxiv.org/abs/1805.08318v2", "arxiv-1805-08318"),
        (
            "https://towardsdatascience.com/illustrated-self-attention-2d627e33b20a",
            "illustrated-self-attention",
        ),
        ("https://smerity.com/articles/2016/google_nmt_arch.html", "google-nmt-arch"),
        ("http://deeplearning.hatenablog.com/entry/transformer", "transformer"),
        ("https://jalammar.github.io/illustrated-transformer/", "illustrated-transformer"),
        ("https://example.org/", "example"),
        ("https://scrapbox.io/nishio/注意機構", "nishio"),
    ],
)
def test_id_comes_from_the_url_slug(url, slug) -> None:
    assert slug_from_url(url) == slug


def test_language_and_access_guesses() -> None:
    assert guess_lang("https://xtech.nikkei.com/atcl/x/") == "ja"
    assert guess_lang("https://qiita.com/u/items/1") == "ja"
    assert guess_lang("https://arxiv.org/abs/1") == "en"
    assert guess_access("https://www.coursera.org/learn/x") == "registration"
    assert guess_access("https://arxiv.org/abs/1") == "free"


def test_filled_skeleton_validates_in_a_catalogue(tmp_path) -> None:
    entry = skeleton(
        "https://arxiv.org/abs/1706.03762",
        topics=["transformer"],
        authors=["Ashish Vaswani", "Noam Shazeer"],
        year=2017,
        demos=["multi_head"],
        added=dt.date(2026, 11, 1),
    )
    path = _with_entry(tmp_path, _fill_todos(entry))
    assert check(path, today=TODAY) == []
    assert "    type: paper\n" in entry and "  - id: arxiv-1706-03762\n" in entry


def test_unfilled_skeleton_only_reports_placeholders(tmp_path) -> None:
    entry = skeleton("https://speakerdeck.com/someone/attention-talk", added=TODAY)
    path = _with_entry(tmp_path, entry)
    problems = check(path, today=TODAY)
    where = "resource 'attention-talk'"
    assert [str(p) for p in problems] == [
        f"{path}:{line_of(path, snippet)}: placeholder text left in {where} {field}"
        for snippet, field in [
            ("TODO: the title", "title"),
            ("TODO: 一行", "summary.ja"),
            ("TODO: what it is", "summary.en"),
            ("TODO: なぜ", "why.ja"),
            ("TODO: why it helps", "why.en"),
            ("TODO: 見どころ", "highlights.ja[0]"),
            ("TODO: what to look at", "highlights.en[0]"),
        ]
    ]


def test_options_fill_the_entry(tmp_path, capsys) -> None:
    code = main(
        [
            "https://example.org/posts/attention?utm_source=feed",
            "--id",
            "example-attention",
            "--title",
            "Attention: a note",
            "--type",
            "article",
            "--lang",
            "ja",
            "--level",
            "advanced",
            "--topic",
            "seq2seq",
            "--topic",
            "transformer",
            "--author",
            "A. Person",
            "--year",
            "2024",
            "--added",
            "2026-11-02",
            "--demo",
            "masks",
        ]
    )
    assert code == 0
    entry = capsys.readouterr().out
    assert entry.startswith("  - id: example-attention\n    rank: null\n")
    for line in [
        "    title: 'Attention: a note'",
        "    url: https://example.org/posts/attention?utm_source=feed",
        "    authors: [A. Person]",
        "    year: 2024",
        "    type: article",
        "    lang: ja",
        "    level: advanced",
        "    topics: [seq2seq, transformer]",
        "    added: 2026-11-02",
        "    demos: [masks]",
    ]:
        assert line + "\n" in entry
    assert check(_with_entry(tmp_path, _fill_todos(entry)), today=TODAY) == []


def test_indent_option(tmp_path, capsys) -> None:
    assert main(["https://example.org/a", "--indent", "0"]) == 0
    entry = capsys.readouterr().out
    assert entry.startswith("- id: a\n  rank: null\n")


def test_added_defaults_to_today(capsys) -> None:
    assert main(["https://example.org/a"]) == 0
    assert f"    added: {dt.date.today().isoformat()}\n" in capsys.readouterr().out


def test_check_finds_a_normalised_duplicate(capsys) -> None:
    url = "HTTP://JALAMMAR.github.io/illustrated-transformer?utm_campaign=x#part-2"
    assert main([url, "--check", str(VALID)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    line = line_of(valid_text(), "url: https://jalammar.github.io/illustrated-transformer/")
    assert err == (
        f"{VALID}:{line}: already catalogued as illustrated-transformer: "
        "https://jalammar.github.io/illustrated-transformer/\n"
    )


def test_check_finds_alternates_and_extras(capsys) -> None:
    assert (
        main(["https://tips-memo.com/translation-jayalmmar-attention/", "--check", str(VALID)]) == 1
    )
    assert "already catalogued as tips-memo-attention" in capsys.readouterr().err
    assert (
        main(["https://tips-memo.com/translation-jayalmmar-transformer", "--check", str(VALID)])
        == 1
    )
    assert "already catalogued as illustrated-transformer" in capsys.readouterr().err


def test_check_new_url_prints_entry_with_a_free_id(capsys) -> None:
    assert main(["https://example.org/visualizing-nmt/", "--check", str(VALID)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("  - id: visualizing-nmt-2\n")
    assert err == f"{VALID}: https://example.org/visualizing-nmt/ is not catalogued yet\n"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/x", "/relative/page", "https://exa mple.org"]
)
def test_bad_url_exits_2(url, capsys) -> None:
    assert main([url]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"error: {url!r} is not an absolute http(s) URL")


def test_check_with_missing_catalogue_exits_2(tmp_path, capsys) -> None:
    assert main(["https://example.org/a", "--check", str(tmp_path / "none.yaml")]) == 2
    assert "cannot read the catalogue" in capsys.readouterr().err


def test_cli_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tools.new", "https://www.youtube.com/watch?v=T35ba_VXkMY"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("  - id: youtube-t35ba-vxkmy\n")
    assert "    type: video\n" in done.stdout


def test_skeleton_follows_the_schema_declaration() -> None:
    from tools.schema import RESOURCE

    entry = skeleton("https://example.org/a", added=TODAY)
    keys = re.findall(r"^(?:  - |    )([a-z_]+):", entry, flags=re.MULTILINE)
    assert keys == [f.name for f in RESOURCE.fields if f.in_skeleton]
    assert set(RESOURCE.required) <= set(keys)
