"""positional_encoding: sinusoids, and permutation equivariance without them."""

from __future__ import annotations

import numpy as np
import pytest

from demos.framework.core import DemoResult
from demos.gallery import positional_encoding as demo


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


def test_without_positions_attention_is_permutation_equivariant(result: DemoResult) -> None:
    assert result.metrics["equivariance_error"] < 1e-5
    assert result.metrics["dog_diff_without_pe"] < 1e-5


def test_with_positions_order_matters(result: DemoResult) -> None:
    assert result.metrics["dog_diff_with_pe"] > 0.05
    assert not np.allclose(
        result.arrays["weights_a_pe"][0, 0],
        result.arrays["weights_b_pe"][0, 0][::-1, ::-1],
        atol=1e-3,
    )


def test_encodings_depend_on_offset_only(result: DemoResult) -> None:
    assert result.metrics["offset_spread_max"] < 1e-10
    pe = result.arrays["pe"]
    assert pe.shape == (demo.T_PLOT, demo.C_PLOT)
    assert np.abs(pe).max() <= 1.0
