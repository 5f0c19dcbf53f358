"""cnn_vs_attention_path: the measured path lengths equal the receptive-field formulas."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from demos.framework.core import DemoResult
from demos.gallery import cnn_vs_attention_path as demo


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


@pytest.mark.parametrize("n", demo.LENGTHS)
@pytest.mark.parametrize("kind", demo.KINDS)
def test_measured_equals_formula(result: DemoResult, kind: str, n: int) -> None:
    assert result.metrics[f"layers_{kind}_n{n}"] == result.metrics[f"formula_{kind}_n{n}"]


def test_formulas_by_hand() -> None:
    # k = 3: a causal layer reaches 2 back, a centred one 1, dilations 1, 3, 9 reach 2, 8, 26.
    assert [demo.formula_layers("causal", n) for n in (2, 3, 4, 64)] == [1, 1, 2, 32]
    assert [demo.formula_layers("centred", n) for n in (2, 3, 64)] == [1, 2, 63]
    assert [demo.formula_layers("dilated", n) for n in (2, 3, 4, 9, 10, 27, 28)] == [
        1, 1, 2, 2, 3, 3, 4,
    ]  # fmt: skip
    assert demo.formula_layers("causal", 17, k=5) == 4
    with pytest.raises(ValueError, match="'strided'"):
        demo.formula_layers("strided", 8)


def test_attention_connects_in_one_layer(result: DemoResult) -> None:
    for n in demo.LENGTHS:
        assert result.metrics[f"layers_attention_n{n}"] == 1
    assert result.metrics["all_match_formula"] == 1
    n = demo.JACOBIAN_N
    reach = result.arrays["reach_attention"]
    # Causal attention: output i depends on exactly the inputs 0..i.
    np.testing.assert_array_equal(reach, np.tril(np.ones((n, n), dtype=np.int64)))
    assert result.metrics["reach_row_last_causal"] == 1 + demo.JACOBIAN_DEPTH * (demo.KERNEL - 1)
    assert result.metrics["reach_row_last_dilated"] == demo.KERNEL**demo.JACOBIAN_DEPTH


def test_measurement_detects_a_short_stack() -> None:
    torch.manual_seed(0)
    stack = demo.ConvStack("causal", 3).double()
    assert demo.layers_to_connect(stack, 8, "cpu", torch.float64) == 0  # needs 4 layers
    assert demo.layers_to_connect(stack, 7, "cpu", torch.float64) == 3


def test_explorer_and_figures(result: DemoResult) -> None:
    from demos.framework.plotting import svg_bytes

    (view,) = result.explorer
    for weights in view.heads.values():
        np.testing.assert_allclose(weights.sum(-1), 1, atol=1e-12)
        assert np.allclose(np.triu(weights, 1), 0)
    figs = demo.figures(result)
    assert [stem for stem, _, _ in figs] == ["path_length", "reach"]
    for _, fig, alt in figs:
        assert set(alt) == {"ja", "en"}
        assert svg_bytes(fig)
