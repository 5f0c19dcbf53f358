"""Checks every demo module must pass, shared by the tests/test_demo_<id>.py files."""

from __future__ import annotations

from types import ModuleType

import numpy as np

from demos.core import DemoResult
from demos.plotting import svg_bytes


def assert_same_result_twice(demo: ModuleType, result: DemoResult) -> None:
    """Run ``demo`` again on the CPU with ``result``'s seed: lines, metrics, arrays identical."""
    again = demo.run(device="cpu", seed=result.seed)
    assert again.lines == result.lines
    assert again.metrics == result.metrics
    assert again.arrays.keys() == result.arrays.keys()
    for name, array in result.arrays.items():
        np.testing.assert_array_equal(again.arrays[name], array, err_msg=name)


def assert_narration_figures_and_explorer(demo: ModuleType, result: DemoResult) -> None:
    """The result is well formed: narration lines, byte-stable figures, explorer rows sum to 1."""
    assert result.demo_id == demo.ID and result.device == "cpu"
    assert "== What to notice ==" in result.lines
    assert all(isinstance(line, str) and "\n" not in line for line in result.lines)
    assert "(MISMATCH)" not in "\n".join(result.lines)
    figs, again = demo.figures(result), demo.figures(result)
    assert figs
    for (stem, fig, alt), (_, fig_again, _) in zip(figs, again, strict=True):
        assert stem.isidentifier() and alt["ja"] and alt["en"]
        svg = svg_bytes(fig)
        assert svg == svg_bytes(fig_again) and b"<svg" in svg
    for view in result.explorer:
        rows = view.query_tokens or view.tokens
        for weights in view.heads.values():
            assert weights.shape == (len(rows), len(view.tokens))
            np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)
