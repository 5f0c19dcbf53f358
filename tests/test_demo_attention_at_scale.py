"""attention_at_scale: chunked (online softmax) equals naive; memory linear vs quadratic."""

from __future__ import annotations

import numpy as np
import pytest

from demos.framework.core import DemoResult
from demos.gallery import attention_at_scale as demo


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


def test_chunked_equals_naive_and_sdpa(result: DemoResult) -> None:
    assert result.metrics["max_diff_chunked"] < 1e-5
    assert result.metrics["max_diff_sdpa"] < 1e-5
    assert result.metrics["max_diff_causal"] < 1e-5


def test_memory_grows_linearly_for_chunked_quadratically_for_naive(result: DemoResult) -> None:
    assert 1.5 < result.metrics["memory_growth_chunked"] < 2.5
    assert 3.5 < result.metrics["memory_growth_naive"] < 4.5
    naive, chunked = result.arrays["naive_peak_bytes"], result.arrays["chunked_peak_bytes"]
    assert (naive[-1] / chunked[-1]) > 20
    assert naive[-1] >= 4 * 2048 * 2048  # at least the float32 score matrix


def test_peak_bytes_measures_numpy_allocations() -> None:
    n = 1024
    measured = demo.peak_bytes(np.ones, (n, n))
    assert abs(measured - 8 * n * n) <= demo.MEMORY_QUANTUM
