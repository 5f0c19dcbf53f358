"""What every demo module promises (ARCHITECTURE.md, "Demo modules"), checked over the registry:
the same run twice, narration in both languages, figures per language, metrics as JSON, and
every claim its texts make true on seeds 0, 1 and 2."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from demo_helpers import SEEDS, result_of

from demos.framework import registry
from demos.framework.core import LANGS, NOTICE, metrics_json
from demos.framework.plotting import svg_bytes

# Each demo's tests share one xdist worker, so its results (demo_helpers.result_of, cached per
# process) are computed once per run rather than once per worker.
IDS = [pytest.param(d, marks=pytest.mark.xdist_group(f"demo-{d}"), id=d) for d in registry.DEMO_IDS]
KANA = re.compile(r"[\u3040-\u30ff]")


@pytest.mark.parametrize("demo_id", IDS)
def test_same_seed_same_result(demo_id: str) -> None:
    result = result_of(demo_id, 0)
    again = registry.get(demo_id).run(device="cpu", seed=0)
    assert again.lines == result.lines
    assert again.metrics == result.metrics
    assert again.arrays.keys() == result.arrays.keys()
    for name, array in result.arrays.items():
        np.testing.assert_array_equal(again.arrays[name], array, err_msg=name)


@pytest.mark.parametrize("demo_id", IDS)
def test_narration_in_both_languages_without_mismatch(demo_id: str) -> None:
    result = result_of(demo_id, 0)
    assert result.demo_id == demo_id and result.device == "cpu"
    assert set(result.lines) == set(LANGS)
    for lang in LANGS:
        lines = result.lines[lang]
        assert f"== {NOTICE[lang]} ==" in lines
        assert all(isinstance(line, str) and "\n" not in line for line in lines)
        assert "(MISMATCH)" not in "\n".join(lines) and "(不一致)" not in "\n".join(lines)


@pytest.mark.parametrize("demo_id", IDS)
def test_japanese_narration_is_written_in_japanese(demo_id: str) -> None:
    result = result_of(demo_id, 0)
    ja = result.lines["ja"]
    headings = [line for line in ja if line.startswith("== ")]
    assert headings and all(KANA.search(h) or re.search(r"[\u4e00-\u9fff]", h) for h in headings)
    assert len([line for line in ja if KANA.search(line)]) >= 3
    assert ja != result.lines["en"]


@pytest.mark.parametrize("demo_id", IDS)
def test_figures_per_language_are_byte_stable_with_alt_text(demo_id: str) -> None:
    module, result = registry.get(demo_id), result_of(demo_id, 0)
    stems, svgs = {}, {}
    for lang in LANGS:
        figs = module.figures(result, lang)
        assert figs
        stems[lang] = [stem for stem, _, _ in figs]
        svgs[lang] = [svg_bytes(fig) for _, fig, _ in figs]
        for (stem, _, alt), svg in zip(figs, svgs[lang], strict=True):
            assert stem.isidentifier() and alt["ja"].strip() and alt["en"].strip()
            assert b"<svg" in svg
    assert stems["en"] == stems["ja"]
    # The languages differ only in words: drawing one of them again is the stability check.
    assert [svg_bytes(fig) for _, fig, _ in module.figures(result, "ja")] == svgs["ja"]


@pytest.mark.parametrize("demo_id", IDS)
def test_explorer_views_are_named_in_both_languages(demo_id: str) -> None:
    for view in result_of(demo_id, 0).explorer:
        assert set(view.name) == set(LANGS) and all(view.name.values())
        rows = view.query_tokens or view.tokens
        for weights in view.heads.values():
            assert weights.shape == (len(rows), len(view.tokens))
            np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("demo_id", IDS)
def test_metrics_are_plain_json_numbers(demo_id: str) -> None:
    result = result_of(demo_id, 0)
    assert result.metrics
    assert json.loads(metrics_json(result)) == result.metrics


@pytest.mark.parametrize("demo_id", IDS)
def test_the_demo_makes_claims(demo_id: str) -> None:
    claims = getattr(registry.get(demo_id), "claims", None)
    assert callable(claims)
    made = claims(result_of(demo_id, 0))
    assert made and all(isinstance(k, str) for k in made)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("demo_id", IDS)
def test_every_claim_holds_on_seeds_0_1_2(demo_id: str, seed: int) -> None:
    claims = getattr(registry.get(demo_id), "claims", None)
    if claims is None:
        pytest.skip(f"{demo_id} makes no claims yet (see test_the_demo_makes_claims)")
    made = claims(result_of(demo_id, seed))
    assert all(type(v) is bool for v in made.values()), made
    assert [name for name, ok in made.items() if not ok] == []
