"""The site generator: golden files for the fixture catalogue, determinism, hostile input.

Set ATLAS_UPDATE_GOLDEN=1 to rewrite tests/golden/site after an intended change, then review the
diff before committing it.
"""

from __future__ import annotations

import html
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from site_fixture import FIXTURE, GOLDEN, HOSTILE, REPO, hostile_catalogue, make_root

from tools.catalog import load
from tools.linkcheck.linkstatus import StateError
from tools.linkcheck.linkstatus import load as load_linkstatus
from tools.site import markdown
from tools.site.generate import GENERATED_FILES, Layout, api_json, generate
from tools.site.inputs import SiteError, load_demo

UPDATE = os.environ.get("ATLAS_UPDATE_GOLDEN") == "1"


def _generated(root: Path) -> dict[str, bytes]:
    """Every generated Markdown file under docs/, by path relative to docs/."""
    found = {}
    for lang in ("ja", "en"):
        docs = root / "build" / "docs" / lang
        for path in sorted(docs.rglob("*.md")):
            rel = path.relative_to(docs).as_posix()
            if rel in ("_home.md", "about.md", "contributing.md"):
                continue
            found[f"{lang}/{rel}"] = path.read_bytes()
    return found


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    return make_root(tmp_path)


def test_generated_pages_match_golden_files(root: Path) -> None:
    catalogue = load(root / "resources.yaml")
    generate(catalogue, Layout.at(root))
    produced = _generated(root)
    produced["api/resources.json"] = api_json(
        catalogue, load_linkstatus(root / "linkstatus.json")
    ).encode("utf-8")
    if UPDATE:
        for rel, data in produced.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    golden = {
        p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()
    }
    assert sorted(produced) == sorted(golden), "generated file set differs from the golden set"
    for rel, data in produced.items():
        assert data == golden[rel], f"{rel} differs from tests/golden/site/{rel}"


def test_every_page_exists_in_both_languages(root: Path) -> None:
    generate(load(root / "resources.yaml"), Layout.at(root))
    for lang in ("ja", "en"):
        docs = root / "build" / "docs" / lang
        for name in GENERATED_FILES:
            assert (docs / name).is_file(), f"{lang}/{name} missing"
        for rid in ("first-guide", "second-lecture", "missing-notes", "gone-paper"):
            assert (docs / "resources" / f"{rid}.md").is_file()
        assert (docs / "assets/demos/multi_head/explorer.json").is_file()
        assert (docs / "assets/demos/multi_head/heads.svg").is_file()
    ja = _generated(root)
    assert sorted(k[3:] for k in ja if k.startswith("ja/")) == sorted(
        k[3:] for k in ja if k.startswith("en/")
    )


def test_second_run_writes_nothing_and_stale_pages_go(root: Path) -> None:
    catalogue = load(root / "resources.yaml")
    layout = Layout.at(root)
    first = generate(catalogue, layout)
    assert first.written and not first.removed
    again = generate(catalogue, layout)
    assert again.written == [] and again.unchanged == len(first.written)
    smaller = replace(
        catalogue,
        resources=tuple(r for r in catalogue.resources if r.id != "gone-paper"),
    )
    report = generate(smaller, layout)
    assert "build/docs/ja/resources/gone-paper.md" in report.removed
    assert "build/docs/en/resources/gone-paper.md" in report.removed
    assert not (root / "build/docs/ja/resources/gone-paper.md").exists()
    assert (root / "docs/ja/about.md").is_file(), "hand-written pages must survive"
    assert (root / "build/docs/ja/about.md").is_file(), "and be copied next to the generated ones"


def test_without_linkstatus_or_renderings_everything_is_unchecked(tmp_path: Path) -> None:
    root = make_root(tmp_path, linkstatus=None, renderings=None)
    generate(load(root / "resources.yaml"), Layout.at(root))
    catalogue = (root / "build/docs/en/catalogue.md").read_text(encoding="utf-8")
    states = re.findall(r'data-state="([a-z]+)" markdown', catalogue)
    assert sorted(states) == ["lost", "unchecked", "unchecked", "unchecked"]
    page = (root / "build/docs/en/resources/first-guide.md").read_text(encoding="utf-8")
    assert "Not checked yet</span>" in page
    assert "python -m demos run multi_head" in page
    assert "atlas-explorer" not in page and "=== " not in page
    masks = (root / "build/docs/en/resources/second-lecture.md").read_text(encoding="utf-8")
    assert "Masks &#40;fixture&#41;" in masks, (
        "title read from the demo module without importing it"
    )
    assert not (root / "build/docs/en/assets/demos").exists()


def test_resource_page_shows_state_archive_and_lost_link(root: Path) -> None:
    generate(load(root / "resources.yaml"), Layout.at(root))
    gone = html.unescape(
        (root / "build/docs/en/resources/gone-paper.md").read_text(encoding="utf-8")
    )
    assert "https://web.archive.org/web/20201027000000/https://example.org/gone-paper" in gone
    assert 'data-state="dead"' in gone
    lost = (root / "build/docs/ja/resources/missing-notes.md").read_text(encoding="utf-8")
    assert '<div class="admonition lostlink">' in lost and "見つけるのを手伝う" in lost
    links = (root / "build/docs/en/links.md").read_text(encoding="utf-8")
    assert links.count('class="atlas-check"') == 1 + 3 + 4
    assert "2026-11-05" in html.unescape(links), "dead link shows since when it fails"


def test_hostile_text_never_reaches_markdown_as_html(root: Path) -> None:
    generate(hostile_catalogue(), Layout.at(root))
    for rel, data in _generated(root).items():
        # fenced blocks are shown as code, so what is inside them is inert
        page = re.sub(r"^(`{3,}).*?^\1", "", data.decode("utf-8"), flags=re.S | re.M)
        page = re.sub(r"\A---\n.*?\n---\n", "", page, flags=re.S)  # front matter is not Markdown
        unsafe_link = re.compile(r"(?<!\\)\]\(\s*<?\s*(java\s*script|data):", re.I)
        assert not unsafe_link.search(page), rel
        assert not re.search(r"^\s*\[[^\]]+\]:\s*(javascript|data):", page, re.I | re.M), rel
        assert 'href="javascript' not in page.lower() and 'href="data' not in page.lower(), rel
        assert "<script>alert" not in page and "<img src=x" not in page, rel
        assert "<svg onload" not in page and "<iframe" not in page, rel
        assert "<i onmouseover" not in page and "<b onclick" not in page, rel
        assert not re.search(r"(?<!\\)\{:? *on", page), rel
    page = (root / "build/docs/en/resources/first-guide.md").read_text(encoding="utf-8")
    assert (
        '<a href="https&#58;&#47;&#47;example&#46;org&#47;ok" rel="nofollow noopener noreferrer">'
        "ok</a>" in page
    ), "safe links survive"
    assert "<code>&#60;code&#62;</code>" in page, "code spans are code"
    assert "&#60;img src&#61;x onerror&#61;alert" in page, "the text is still there, as text"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("java\tscript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("//example.org/x", None),
        ("/relative", None),
        (None, None),
    ],
)
def test_safe_url(value: str | None, expected: str | None) -> None:
    assert markdown.safe_url(value) == expected


def test_text_and_prose_escaping() -> None:
    assert markdown.text("<b>*x*</b>\n [a](b)") == (
        "&#60;b&#62;&#42;x&#42;&#60;&#47;b&#62; &#91;a&#93;&#40;b&#41;"
    )
    assert markdown.one_line("a [b](javascript:x) c") == (
        "a &#91;b&#93;&#40;javascript&#58;x&#41; c"
    ), "markdown-it refuses the link: it stays text"
    assert markdown.one_line("[b](mailto:a@example.org)") == (
        '<a href="mailto&#58;a&#64;example&#46;org" rel="nofollow noopener noreferrer">b</a>'
    )
    assert markdown.one_line("x `<y>` *z* <w>") == (
        "x <code>&#60;y&#62;</code> <em>z</em> &#60;w&#62;"
    )
    assert markdown.prose("```\n<b>\n") == (
        '<div class="atlas-md"><pre><code>&#60;b&#62;&#10;</code></pre></div>'
    ), "an open fence ends with the field"
    assert markdown.prose('```{.x onclick="y"}\nz\n```') == (
        '<div class="atlas-md"><pre><code>z&#10;</code></pre></div>'
    )
    assert markdown.prose("~~~python\nz\n~~~") == (
        '<div class="atlas-md"><pre><code class="language&#45;python">z&#10;</code></pre></div>'
    )
    assert markdown.one_line("![img](https://t.example/p.png)") == (
        '&#33;<a href="https&#58;&#47;&#47;t&#46;example&#47;p&#46;png" '
        'rel="nofollow noopener noreferrer">img</a>'
    ), "no images: a link to it"
    assert markdown.prose("# not a heading\n\n- a\n- b") == (
        '<div class="atlas-md"><p>&#35; not a heading</p><ul><li>a</li><li>b</li></ul></div>'
    )
    assert markdown.fenced("a ``` b").startswith("````\n")
    assert HOSTILE["author"] not in markdown.text(HOSTILE["author"])


def test_bad_inputs_name_the_file_and_the_value(tmp_path: Path) -> None:
    status = tmp_path / "linkstatus.json"
    sleeping = '{"version": 1, "links": {"https://a.example/": {"state": "sleeping"}}}'
    status.write_text(sleeping, encoding="utf-8")
    with pytest.raises(StateError, match=r"linkstatus\.json.*'sleeping'"):
        load_linkstatus(status)
    status.write_text("{not json", encoding="utf-8")
    with pytest.raises(StateError, match="not valid JSON"):
        load_linkstatus(status)
    folder = tmp_path / "renderings" / "multi_head"
    folder.mkdir(parents=True)
    meta = json.loads((FIXTURE / "renderings/multi_head/meta.json").read_text(encoding="utf-8"))
    meta["figures"][0]["file"] = "../../secret.svg"
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(SiteError, match=r"meta\.json.*figures\[0\]\.file.*plain file name"):
        load_demo("multi_head", tmp_path / "renderings", tmp_path)


def test_ids_that_are_not_slugs_are_refused(root: Path) -> None:
    catalogue = load(root / "resources.yaml")
    evil = replace(catalogue.resources[0], id="../../escape")
    with pytest.raises(SiteError, match=r"resource id '\.\./\.\./escape' is not a slug"):
        generate(replace(catalogue, resources=(evil,) + catalogue.resources[1:]), Layout.at(root))
    assert not (root / "docs" / "escape.md").exists()
    assert not (root / "build" / "docs" / "escape.md").exists()
    path = catalogue.paths[0]
    step = replace(path.steps[0], demo="../../../outside")
    evil_path = replace(path, steps=(step,) + path.steps[1:])
    with pytest.raises(SiteError, match=r"demo id '\.\./\.\./\.\./outside' is not"):
        generate(replace(catalogue, paths=(evil_path,) + catalogue.paths[1:]), Layout.at(root))


def test_missing_home_intro_is_a_clear_error(root: Path) -> None:
    (root / "docs/en/_home.md").unlink()
    with pytest.raises(SiteError, match=r"docs/en/_home\.md: the hand-written home introduction"):
        generate(load(root / "resources.yaml"), Layout.at(root))


def test_cli_generate_is_deterministic(root: Path) -> None:
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tools.site", "--root", str(root), "generate"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = run()
    assert first.returncode == 0, first.stderr
    pages = _generated(root)
    second = run()
    assert second.returncode == 0 and "0 written" in second.stdout
    assert _generated(root) == pages
    assert not (root / "site").exists(), "generate writes Markdown only"
    usage = subprocess.run(
        [sys.executable, "-m", "tools.site", "publish"], cwd=REPO, capture_output=True, timeout=60
    )
    assert usage.returncode == 2


def test_generated_pages_live_apart_from_hand_written_ones(root: Path) -> None:
    before = sorted(p.relative_to(root).as_posix() for p in (root / "docs").rglob("*"))
    generate(load(root / "resources.yaml"), Layout.at(root))
    after = sorted(p.relative_to(root).as_posix() for p in (root / "docs").rglob("*"))
    assert after == before, "generation wrote into docs/"
    built = root / "build" / "docs" / "en"
    assert (built / "index.md").is_file() and (built / "about.md").is_file()
    assert not (built / "_home.md").exists()
    # A stray file in the build tree (a page removed from docs/, say) does not outlive the next run.
    (built / "stray.md").write_text("old", encoding="utf-8")
    report = generate(load(root / "resources.yaml"), Layout.at(root))
    assert "build/docs/en/stray.md" in report.removed and not (built / "stray.md").exists()


def test_bilingual_renderings_show_the_page_language(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    folder = root / "demos" / "renderings" / "multi_head"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    (folder / "output.txt").unlink()
    (folder / "heads.svg").rename(folder / "heads.en.svg")
    (folder / "heads.ja.svg").write_text((folder / "heads.en.svg").read_text(encoding="utf-8"))
    (folder / "output.en.txt").write_text("weights in English\n", encoding="utf-8")
    (folder / "output.ja.txt").write_text("日本語の重み\n", encoding="utf-8")
    meta["outputs"] = {"ja": "output.ja.txt", "en": "output.en.txt"}
    meta["figures"][0]["file"] = {"ja": "heads.ja.svg", "en": "heads.en.svg"}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    generate(load(root / "resources.yaml"), Layout.at(root))
    pages = {lang: "" for lang in ("ja", "en")}
    for lang in pages:
        for path in sorted((root / "build" / "docs" / lang).rglob("*.md")):
            text = path.read_text(encoding="utf-8")
            if "weights in English" in text or "日本語の重み" in text:
                pages[lang] += text
    assert "日本語の重み" in pages["ja"] and "weights in English" not in pages["ja"]
    assert "weights in English" in pages["en"] and "日本語の重み" not in pages["en"]
    assert "multi_head/heads.ja.svg" in pages["ja"] and "heads.en.svg" not in pages["ja"]
    assert "multi_head/heads.en.svg" in pages["en"] and "heads.ja.svg" not in pages["en"]
    for lang in ("ja", "en"):
        assert (root / "build" / "docs" / lang / "assets/demos/multi_head/heads.ja.svg").is_file()


class _Pages(http.server.BaseHTTPRequestHandler):
    """A loopback site: /guide answers a page, anything else 404."""

    def do_GET(self) -> None:  # noqa: N802 (the handler's name)
        found = self.path == "/guide"
        body = b"<!doctype html><title>A guide</title><p>queries, keys and values</p>"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_site_reads_the_history_the_tracker_writes(root: Path, tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        urls = tmp_path / "urls.txt"
        urls.write_text(f"{base}/guide\n{base}/gone\n", encoding="utf-8")
        tracker = subprocess.run(
            [sys.executable, "-m", "tools.linkcheck", "--urls", str(urls), "--allow-private",
             "--no-archive", "--no-probe", "--quiet", "--state", str(root / "linkstatus.json")],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    assert tracker.returncode == 1, tracker.stdout + tracker.stderr  # /gone is broken
    catalogue = load(root / "resources.yaml")
    first, second, *rest = catalogue.resources
    catalogue = replace(
        catalogue,
        resources=(replace(first, url=f"{base}/guide"), replace(second, url=f"{base}/gone"), *rest),
    )
    generate(catalogue, Layout.at(root))
    page = (root / "build/docs/en/resources/first-guide.md").read_text(encoding="utf-8")
    assert 'data-state="alive"' in page
    gone = (root / "build/docs/en/resources/second-lecture.md").read_text(encoding="utf-8")
    assert 'data-state="dead"' in gone, "a link that never worked is dead at once"


def test_a_bad_history_stops_the_site_build_with_file_link_and_field(root: Path) -> None:
    status = json.loads((root / "linkstatus.json").read_text(encoding="utf-8"))
    entry = status["links"]["https://example.org/gone-paper"]
    entry["history"][1]["verdict"] = "gone-fishing"
    (root / "linkstatus.json").write_text(json.dumps(status), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tools.site", "--root", str(root), "generate"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"error: {root / 'linkstatus.json'}: ")
    assert "links['https://example.org/gone-paper'].history[1].verdict is 'gone-fishing'" in (
        done.stderr
    )
    assert not (root / "build").exists(), "nothing is generated from a bad history"
