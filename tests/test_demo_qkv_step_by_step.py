"""qkv_step_by_step: every intermediate of self-attention on three tokens."""

from __future__ import annotations

import numpy as np
import pytest

from demos import qkv_step_by_step as demo
from demos.core import DemoResult


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


def test_agrees_with_torch_sdpa_and_numpy(result: DemoResult) -> None:
    assert result.metrics["max_diff_sdpa"] < 1e-5
    assert result.metrics["max_diff_reference"] < 1e-5
    assert result.metrics["max_row_sum_error"] < 1e-6


def test_intermediates_follow_from_each_other(result: DemoResult) -> None:
    a = result.arrays
    scores = a["q"] @ a["k"].T
    np.testing.assert_allclose(a["scores"], scores, atol=1e-5)
    e = np.exp(scores / np.sqrt(demo.D_K))
    np.testing.assert_allclose(a["weights"], e / e.sum(axis=1, keepdims=True), atol=1e-6)
    np.testing.assert_allclose(a["output"], a["weights"] @ a["v"], atol=1e-6)
    assert a["x"].shape == (3, demo.D_MODEL) and a["q"].shape == (3, demo.D_K)
    assert not (a["x"].sum(axis=1) == 0).any()


def test_every_step_is_printed(result: DemoResult) -> None:
    text = "\n".join(result.lines["en"])
    for step in ("Step 1", "Step 2", "Step 3", "Step 4", "Step 5", "Q = X @ W_Q (3, 3):"):
        assert step in text
    assert "(MISMATCH)" not in text
