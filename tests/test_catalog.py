"""``tools.catalog.load``: typed, frozen records that remember their lines; errors list every problem."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from catalogue_helpers import VALID, edited, line_of, valid_text

from tools.catalog import (
    Added,
    AtlasError,
    CatalogueError,
    CatalogueReadError,
    Text,
    TextList,
    Year,
    load,
)


def test_load_builds_typed_records() -> None:
    cat = load(VALID)
    assert [t.id for t in cat.topics] == ["self-attention", "transformer", "seq2seq"]
    assert cat.topic("seq2seq").label == Text("系列変換", "Sequence to sequence")
    first = cat.resource("illustrated-transformer")
    assert first.number == 12 and first.rank == 2 and first.year == Year(2018)
    assert first.added == Added(exact=dt.date(2020, 10, 27))
    assert first.authors == ("Jay Alammar",)
    assert first.topics == ("transformer", "self-attention")
    assert first.marks == ("starred", "celebrated")
    assert first.demos == ("multi_head", "qkv_step_by_step")
    assert first.highlights.en[0] == "The figure that splits each vector into Q, K and V"
    assert first.caveats == TextList((), ())
    assert first.url_reason is None and first.status_note is None
    (alternate,) = first.alternates
    assert (alternate.kind, alternate.lang, alternate.title, alternate.note) == (
        "translation",
        "ja",
        None,
        None,
    )
    assert [r.id for r in cat.ranked()] == ["visualizing-nmt", "illustrated-transformer"]


def test_nulls_and_optional_fields() -> None:
    lost = load(VALID).resource("ydc-nlp-ai-column")
    assert lost.url is None and lost.year == Year() and lost.rank is None
    assert lost.url_reason is not None and lost.url_reason.en.startswith("We do not know")
    assert lost.marks == () and lost.related == () and lost.alternates == ()
    assert lost.publisher == "YDC"
    assert lost.urls() == []


def test_lines_point_at_the_file() -> None:
    cat = load(VALID)
    text = valid_text()
    res = cat.resource("illustrated-transformer")
    assert res.line == line_of(text, "  - id: illustrated-transformer")
    assert res.lines["url"] == line_of(text, "    url: https://jalammar.github.io/illustrated-t")
    assert res.lines["why"] == line_of(text, "    why:\n      ja: 行列")
    assert res.alternates[0].line == line_of(text, '{url: "https://tips-memo.com/translation-jayal')
    assert cat.topic("transformer").line == line_of(text, "  - id: transformer")
    assert cat.questions[0].line == line_of(text, "  - id: cnn-path-length")
    assert cat.paths[0].steps[1].line == line_of(text, "      - resource: illustrated-transformer")
    extra = cat.extras[1]
    assert extra.lines["url"] == line_of(text, "url: https://tips-memo.com/translation-jayalmmar-a")
    assert (
        "https://tips-memo.com/translation-jayalmmar-attention",
        extra.id,
        extra.lines["url"],
    ) in (cat.all_urls())


def test_extras_questions_paths() -> None:
    cat = load(VALID)
    source, translation = cat.extras
    assert source.kind == "source" and source.added == Added(dt.date(2020, 10, 27))
    assert source.authors == ("enoughspacefor",) and source.resource is None
    assert translation.resource == "visualizing-nmt" and translation.authors == ()
    (question,) = cat.questions
    assert question.number == 2 and question.answered_in_article is False
    assert question.about == ("illustrated-transformer",)
    assert question.answer.en.endswith("for the numbers.\n")
    (path,) = cat.paths
    assert path.level == "beginner"
    assert [(s.resource, s.demo) for s in path.steps] == [
        ("visualizing-nmt", "seq2seq_attention"),
        ("illustrated-transformer", None),
    ]


def test_records_are_frozen() -> None:
    res = load(VALID).resources[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.title = "changed"  # type: ignore[misc]


def test_load_raises_with_every_problem(tmp_path) -> None:
    path = edited(
        tmp_path,
        ("version: 1\n", "version: 2\n"),
        ("related: [visualizing-nmt]", "related: [nowhere]"),
    )
    with pytest.raises(CatalogueError) as caught:
        load(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2: version must be 1, not 2",
        f"{path}:{line_of(path, 'related: [nowhere]')}: "
        "resource 'illustrated-transformer' related: unknown resource 'nowhere'",
    ]
    assert str(caught.value).count("\n") == 1
    assert isinstance(caught.value, AtlasError)


def test_load_reports_yaml_syntax_errors(tmp_path) -> None:
    path = tmp_path / "resources.yaml"
    path.write_text("version: 1\ntopics: [a\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load(path)
    (problem,) = caught.value.problems
    assert problem.line == 3 and problem.message.startswith("YAML syntax error:")


def test_yaml_duplicate_keys_are_not_silently_dropped(tmp_path) -> None:
    path = edited(
        tmp_path,
        (
            "    year: 2018\n    type: blog\n    lang: en\n    access: free\n    level: beginner\n    topics: [transformer",
            "    year: 2018\n    year: 2017\n    type: blog\n    lang: en\n    access: free\n    level: beginner\n    topics: [transformer",
        ),
    )
    with pytest.raises(CatalogueError) as caught:
        load(path)
    first = line_of(path, "    year: 2018\n    year: 2017")
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:{first + 1}: resource 'illustrated-transformer': duplicate key 'year' "
        f"(first at line {first})"
    ]


def test_load_missing_file_is_a_read_error(tmp_path) -> None:
    with pytest.raises(CatalogueReadError) as caught:
        load(tmp_path / "absent.yaml")
    assert isinstance(caught.value, CatalogueError)
    (problem,) = caught.value.problems
    assert problem.message == "cannot read the catalogue: No such file or directory"


def test_load_accepts_str_paths_and_keeps_the_path() -> None:
    cat = load(str(VALID))
    assert cat.path == Path(str(VALID))


def test_load_without_a_path_reads_the_repository_catalogue() -> None:
    repository = Path(__file__).resolve().parent.parent / "resources.yaml"
    assert [r.id for r in load().resources] == [r.id for r in load(repository).resources]


def test_demo_ids_come_from_the_registry() -> None:
    from demos.framework.registry import DEMO_IDS
    from tools.crossrules import known_demo_ids

    assert known_demo_ids() == tuple(DEMO_IDS)


@pytest.mark.parametrize(
    "source",
    ["", "DEMO_IDS = make()\n", "DEMO_IDS = (1, 2)\n", "def broken(:\n"],
    ids=["absent", "computed", "not-strings", "syntax-error"],
)
def test_unreadable_demo_registry_is_a_clear_error(tmp_path, source) -> None:
    from tools.crossrules import known_demo_ids

    registry = tmp_path / "registry.py"
    registry.write_text(source, encoding="utf-8")
    with pytest.raises(AtlasError, match="registry.py"):
        known_demo_ids(registry)


def test_annotated_demo_registry_is_read(tmp_path) -> None:
    from tools.crossrules import known_demo_ids

    registry = tmp_path / "registry.py"
    registry.write_text('X = 1\nDEMO_IDS: tuple[str, ...] = ("a", "b_c")\n', encoding="utf-8")
    assert known_demo_ids(registry) == ("a", "b_c")


def test_validating_imports_neither_numpy_nor_torch_nor_the_demos() -> None:
    code = (
        "import sys, tools.validate, tools.catalog; "
        "from tools.crossrules import known_demo_ids; known_demo_ids(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'torch', 'demos')))"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    assert done.stdout.strip() == "[]"


def test_unknown_and_approximate_facts_load(tmp_path) -> None:
    path = edited(
        tmp_path,
        ("    year: null\n", "    year: {approx: 2019}\n"),
        ("    lang: ja\n    access: free\n", "    lang: ja\n    access: unknown\n"),
        (
            "    added: 2020-10-27\n    summary: {ja: 自然言語",
            "    added: {on_or_before: 2022-09-24}\n    summary: {ja: 自然言語",
        ),
        ("    added: 2020-10-27\n    note", "    added: null\n    note"),
    )
    cat = load(path)
    column = cat.resource("ydc-nlp-ai-column")
    assert column.year_value == 2019 and column.year.approximate
    assert column.access == "unknown"
    assert column.added == Added(on_or_before=dt.date(2022, 9, 24))
    assert column.archive_date() == dt.date(2022, 9, 24)
    assert cat.extras[0].added == Added() and cat.extras[0].archive_date() is None
    exact = cat.resource("illustrated-transformer")
    assert exact.year_value == 2018 and not exact.year.approximate
    assert exact.archive_date() == dt.date(2020, 10, 27)


@pytest.mark.parametrize(
    ("year", "ja", "en"),
    [
        (Year(2018), "2018", "2018"),
        (Year(2019, approximate=True), "2019年ごろ", "c. 2019"),
        (Year(), "不明", "unknown"),
    ],
)
def test_year_display(year, ja, en) -> None:
    assert (year.text("ja"), year.text("en")) == (ja, en)


def test_exports_repeat_the_yaml_forms() -> None:
    assert [Year(2018).plain(), Year(2019, True).plain(), Year().plain()] == [
        2018,
        {"approx": 2019},
        None,
    ]
    assert Added(dt.date(2020, 10, 27)).plain() == "2020-10-27"
    assert Added(on_or_before=dt.date(2022, 9, 24)).plain() == {"on_or_before": "2022-09-24"}
    assert Added().plain() is None


D1, D2 = dt.date(2020, 10, 27), dt.date(2022, 9, 24)


@pytest.mark.parametrize(
    ("added", "archive", "ja", "en"),
    [
        (Added(exact=D1), D1, "2020-10-27", "2020-10-27"),
        (Added(on_or_before=D2), D2, "2022-09-24 以前", "on or before 2022-09-24"),
        (Added(on_or_after=D1), None, "2020-10-27 以降", "on or after 2020-10-27"),
        (
            Added(on_or_before=D2, on_or_after=D1),
            D2,
            "2020-10-27 から 2022-09-24 の間",
            "between 2020-10-27 and 2022-09-24",
        ),
        (Added(), None, "不明", "unknown"),
    ],
)
def test_added_archive_date_and_display(added, archive, ja, en) -> None:
    assert added.archive_date() == archive
    assert (added.text("ja"), added.text("en")) == (ja, en)
