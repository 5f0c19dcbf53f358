"""attention_variants: every compatibility x distribution pair, checked against NumPy and theory."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from demos.framework.core import DemoResult
from demos.gallery import attention_variants as demo


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


def test_other_seed_other_input(result: DemoResult) -> None:
    other = demo.run(device="cpu", seed=1)
    assert not np.allclose(other.arrays["embeddings"], result.arrays["embeddings"])


def test_torch_matches_numpy(result: DemoResult) -> None:
    # float64 on both sides; the sparsemax twins use different algorithms (sort vs bisection).
    assert result.metrics["max_abs_diff_torch_vs_numpy"] < 1e-9


def test_distribution_properties(result: DemoResult) -> None:
    for f in demo.COMPATIBILITIES:
        key = f.replace(" ", "_")
        assert result.metrics[f"row_sum_max_dev_{key}_softmax"] < 1e-12
        assert result.metrics[f"row_sum_max_dev_{key}_sparsemax"] < 1e-12
        assert result.metrics[f"zeros_{key}_softmax"] == 0
        assert (result.arrays[f"weights_{key}_sparsemax"] >= 0).all()
    assert result.metrics["sparsemax_zeros_total"] > 0
    assert result.metrics["sigmoid_row_sum_max_dev"] > 0.5


def test_compatibility_relations(result: DemoResult) -> None:
    assert result.metrics["scaled_equals_dot_over_sqrt_d"] < 1e-12
    assert result.metrics["cosine_abs_max"] <= 1 + 1e-12
    # Scaling by 1/sqrt(d) makes the softmax flatter for the shown query.
    assert (
        result.metrics["entropy_query_scaled_dot_softmax"]
        > result.metrics["entropy_query_dot_softmax"]
    )


def test_sparsemax_is_the_simplex_projection() -> None:
    rng = np.random.default_rng(3)
    z = rng.normal(size=(50, 7)) * 2
    p = demo.sparsemax(torch.tensor(z)).numpy()
    np.testing.assert_allclose(p.sum(-1), 1, atol=1e-12)
    # Projection optimality: no other point of the simplex is closer to z (sampled check).
    for row in range(z.shape[0]):
        best = np.sum((p[row] - z[row]) ** 2)
        others = rng.dirichlet(np.ones(7), size=200)
        assert (np.sum((others - z[row]) ** 2, axis=1) >= best - 1e-12).all()
    np.testing.assert_allclose(p, demo.numpy_sparsemax(z), atol=1e-9)
    # Two equal top scores far above the rest share the mass evenly.
    np.testing.assert_allclose(
        demo.sparsemax(torch.tensor([5.0, 5.0, 0.0])).numpy(), [0.5, 0.5, 0.0]
    )


def test_unknown_names_are_rejected() -> None:
    x = torch.zeros(2, 3)
    with pytest.raises(ValueError, match="'bilinear'"):
        demo.compatibility("bilinear", x, x, {})
    with pytest.raises(ValueError, match="'entmax'"):
        demo.distribution("entmax", x)


def test_narration_and_explorer(result: DemoResult) -> None:
    text = "\n".join(result.lines["en"])
    assert "== What to notice ==" in text
    assert "sparsemax" in text and "sigmoid" in text
    (view,) = result.explorer
    assert view.tokens == demo.TOKENS
    assert len(view.heads) == len(demo.COMPATIBILITIES) * 2  # sigmoid rows do not sum to 1
    for label, weights in view.heads.items():
        assert weights.shape == (len(demo.TOKENS),) * 2, label
        np.testing.assert_allclose(weights.sum(-1), 1, atol=1e-9, err_msg=label)
    assert math.isclose(result.metrics["cosine_abs_max"], 1.0, abs_tol=1e-12)


def test_figures(result: DemoResult) -> None:
    from demos.framework.plotting import svg_bytes

    figs = demo.figures(result)
    assert [stem for stem, _, _ in figs] == ["variants"]
    for _, _, alt in figs:
        assert set(alt) == {"ja", "en"} and all(alt.values())
    # Byte-stable: two fresh renderings of the same result are identical.
    assert [svg_bytes(f) for _, f, _ in figs] == [svg_bytes(f) for _, f, _ in demo.figures(result)]
