"""Numbers quoted from a demo's metrics: filled from metrics.json, never typed by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools.catalog import load
from tools.site.metrics import PLACEHOLDER, MetricError, fill_metrics

REPO = Path(__file__).resolve().parent.parent
METRICS = {"demo_a": {"weight": 0.8765, "head": [4, 2], "count": 3, "flag": [True]}}


def test_floats_two_decimals_ints_and_list_items() -> None:
    text = "w {metric:demo_a.weight}, L{metric:demo_a.head[0]} H{metric:demo_a.head[1]}, n {metric:demo_a.count}"
    assert fill_metrics(text, METRICS, "t") == "w 0.88, L4 H2, n 3"


@pytest.mark.parametrize(
    ("placeholder", "message"),
    [
        ("{metric:demo_b.weight}", "demo 'demo_b' has no metrics.json"),
        ("{metric:demo_a.nope}", "demo_a has no metric 'nope'"),
        ("{metric:demo_a.head[2]}", "head has no item 2"),
        ("{metric:demo_a.weight[0]}", "weight has no item 0"),
        ("{metric:demo_a.flag[0]}", "not a number"),
    ],
)
def test_a_wrong_placeholder_names_itself_and_where_it_is(placeholder: str, message: str) -> None:
    with pytest.raises(MetricError) as err:
        fill_metrics(f"see {placeholder}.", METRICS, "question 3 answer (en)")
    assert str(err.value).startswith(f"question 3 answer (en): {placeholder}: ")
    assert message in str(err.value)


def test_every_placeholder_in_the_catalogue_resolves_from_the_committed_renderings() -> None:
    cat = load(REPO / "resources.yaml")
    raw = (REPO / "resources.yaml").read_text(encoding="utf-8")
    used = {m.group(1) for m in PLACEHOLDER.finditer(raw)}
    assert used, "the catalogue quotes no demo metric (question 3 should)"
    metrics = {
        demo_id: json.loads((REPO / "demos" / "renderings" / demo_id / "metrics.json").read_text())
        for demo_id in used
    }
    for q in cat.questions:
        for lang in ("ja", "en"):
            filled = fill_metrics(q.answer.get(lang), metrics, f"question {q.number} ({lang})")
            assert "{metric:" not in filled
            if q.id == "learned-attention-in-layer-one":
                weight = metrics["pretrained_attention"]["article_noun_weight"]
                assert f"{weight:.2f}" in filled
                assert re.search(r"\{metric:", q.answer.get(lang))


def test_the_questions_page_quotes_the_computed_numbers(tmp_path: Path) -> None:
    from site_fixture import make_root

    from tools.site.generate import Layout, generate

    root = make_root(
        tmp_path,
        catalogue=REPO / "resources.yaml",
        linkstatus=None,
        renderings=REPO / "demos" / "renderings",
        demos=REPO / "demos" / "gallery",
    )
    generate(load(root / "resources.yaml"), Layout.at(root))
    metrics = json.loads(
        (REPO / "demos" / "renderings" / "pretrained_attention" / "metrics.json").read_text()
    )
    weight = f"{metrics['article_noun_weight']:.2f}".replace(".", "&#46;")
    layer, head = metrics["article_head"]
    for lang, phrase in (
        ("ja", f"第{layer}層のヘッド{head}"),
        ("en", f"head {head} of layer {layer}"),
    ):
        page = next((root / "build" / "docs" / lang).rglob("questions.md")).read_text()
        assert "{metric:" not in page
        assert phrase in page and weight in page
