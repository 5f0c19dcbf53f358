"""masks: padding and causal masks, -inf in a softmax."""

from __future__ import annotations

import numpy as np
import pytest

from demos.framework.core import DemoResult
from demos.gallery import masks as demo


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


def test_masked_weights_are_exactly_zero(result: DemoResult) -> None:
    m = result.metrics
    assert m["max_weight_on_padding"] == 0.0
    assert m["max_weight_on_future"] == 0.0
    assert m["masked_softmax_zero"] == 0.0
    assert m["nan_in_fully_masked_row"] == 3.0


def test_padding_changes_nothing_and_matches_torch(result: DemoResult) -> None:
    assert result.metrics["max_diff_alone"] < 1e-5
    assert result.metrics["max_diff_sdpa"] < 1e-5


def test_masks_have_the_right_shape(result: DemoResult) -> None:
    keep = result.arrays["padding_mask"]
    assert keep.sum(axis=1).tolist() == [len(s) for s in demo.SENTENCES]
    causal = result.arrays["causal_mask"]
    assert np.array_equal(causal, np.tril(np.ones_like(causal)))
    assert len(result.explorer) == len(demo.SENTENCES)
