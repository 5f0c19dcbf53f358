"""qkv_step_by_step: Raimi Karim's worked example reproduced exactly, then scaled by 1/sqrt(d_k)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from demo_helpers import result_of

from demos.framework.core import DemoResult
from demos.gallery import qkv_step_by_step as demo


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return result_of(demo.ID, 0)


def test_article_inputs_and_weights_give_its_keys_queries_values() -> None:
    # The constants are the article's; its derived matrices follow from them by hand.
    np.testing.assert_array_equal(demo.X @ demo.W_K, demo.ARTICLE_KEYS)
    np.testing.assert_array_equal(demo.X @ demo.W_Q, demo.ARTICLE_QUERIES)
    np.testing.assert_array_equal(demo.X @ demo.W_V, demo.ARTICLE_VALUES)
    assert demo.X.shape == (3, 4) and demo.W_K.shape == demo.W_Q.shape == demo.W_V.shape == (4, 3)


def test_reproduces_the_article_exactly(result: DemoResult) -> None:
    a = result.arrays
    np.testing.assert_array_equal(a["k_unscaled"], demo.ARTICLE_KEYS)
    np.testing.assert_array_equal(a["q_unscaled"], demo.ARTICLE_QUERIES)
    np.testing.assert_array_equal(a["v_unscaled"], demo.ARTICLE_VALUES)
    # Unscaled: the article's scores for query 1 are [2, 4, 4], not divided by sqrt(3).
    np.testing.assert_array_equal(a["scores_unscaled"][0], [2.0, 4.0, 4.0])
    np.testing.assert_array_equal(a["scores_unscaled"], [[2, 4, 4], [4, 16, 12], [4, 12, 10]])
    # The article's code prints its outputs to four decimals.
    np.testing.assert_allclose(a["output_unscaled"], demo.ARTICLE_OUTPUTS, atol=5e-5, rtol=0)
    np.testing.assert_allclose(a["weights_unscaled"][0], [0.0634, 0.4683, 0.4683], atol=5e-5)
    # Its figures use weights approximated to one decimal, and the outputs those give.
    np.testing.assert_allclose(a["weights_unscaled"], demo.ARTICLE_ROUNDED_WEIGHTS, atol=0.07)
    np.testing.assert_allclose(
        demo.ARTICLE_ROUNDED_WEIGHTS @ a["v_unscaled"], demo.ARTICLE_ROUNDED_OUTPUTS, atol=1e-12
    )
    # Step 4 of the article: weighted values of input 1 sum to its output.
    np.testing.assert_allclose(a["weighted_unscaled"][0].sum(axis=0), a["output_unscaled"][0])
    assert result.metrics["reproduction_max_error"] <= demo.REPRODUCTION_TOLERANCE


def test_scaled_variant_divides_by_sqrt_d_k(result: DemoResult) -> None:
    a = result.arrays
    e = np.exp(a["scores_unscaled"] / np.sqrt(demo.D_K))
    np.testing.assert_allclose(a["weights_scaled"], e / e.sum(axis=1, keepdims=True), atol=1e-12)
    np.testing.assert_allclose(a["output_scaled"], a["weights_scaled"] @ a["v_scaled"], atol=1e-12)
    assert result.metrics["max_diff_sdpa_unscaled"] < 1e-9
    assert result.metrics["max_diff_sdpa_scaled"] < 1e-9
    assert result.metrics["max_diff_reference"] < 1e-9


def test_narration_names_the_source_and_states_the_measured_numbers(result: DemoResult) -> None:
    en, ja = "\n".join(result.lines["en"]), "\n".join(result.lines["ja"])
    for text in (en, ja):
        assert "Raimi Karim" in text and "Illustrated: Self-Attention" in text
        for value in result.metrics["max_weight_scaled"]:
            assert f"{value:.4f}" in text
        assert f"{result.metrics['random_d64_max_weight_unscaled']:.3f}" in text
    assert "です" in ja and "MISMATCH" not in en + ja


def test_metrics_are_json_and_weights_in_unit_interval(result: DemoResult) -> None:
    json.dumps(result.metrics, sort_keys=True)
    for key in ("max_weight_unscaled", "max_weight_scaled"):
        assert all(0 <= v <= 1 for v in result.metrics[key])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_figure_labels_in_each_language(result: DemoResult, lang: str) -> None:
    ((stem, fig, alt),) = demo.figures(result, lang)
    texts = [t.get_text() for ax in fig.axes for t in (ax.title, *ax.get_xticklabels())]
    assert demo.TOKEN_LABELS[lang][0] in texts
    for value in result.metrics["max_weight_scaled"]:
        assert f"{value:.2f}" in alt["en"] and f"{value:.2f}" in alt["ja"]
