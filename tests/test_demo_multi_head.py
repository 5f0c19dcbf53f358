"""multi_head: paper-sized multi-head attention equals nn.MultiheadAttention."""

from __future__ import annotations

import numpy as np
import pytest

from demos.framework.core import DemoResult
from demos.gallery import multi_head as demo


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


def test_equals_torch_and_numpy(result: DemoResult) -> None:
    assert result.metrics["max_diff_torch"] < 1e-5
    assert result.metrics["max_diff_torch_weights"] < 1e-5
    assert result.metrics["max_diff_reference"] < 1e-5


def test_real_shapes(result: DemoResult) -> None:
    B, S = len(demo.SENTENCES), max(len(s) for s in demo.SENTENCES)
    assert result.arrays["attention"].shape == (B, 8, S, S)
    assert result.arrays["output"].shape == (B, S, 512)
    assert result.metrics["n_params"] == 4 * 512 * 512 + 4 * 512
    text = "\n".join(result.lines["en"])
    assert "(3, 8, 6, 64)" in text and "(3, 6, 1536)" in text


def test_padding_gets_no_weight_and_heads_differ(result: DemoResult) -> None:
    assert result.metrics["max_weight_on_padding"] == 0.0
    att = result.arrays["attention"][0]
    assert len(result.explorer[0].heads) == 8
    assert not np.allclose(att[0], att[1], atol=1e-3)
