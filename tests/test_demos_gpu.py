"""CUDA and MPS parity: every demo gives the CPU's numbers on the accelerator, within tolerance.

Skipped, with the reason, where the device is absent. Tolerances: arrays and metrics compared
with atol 1e-3 + rtol 1e-3 (float32 kernels on GPUs reorder sums and may use TF32-free but
differently blocked matmuls); demos that train a model are compared on their outcome metrics
with a looser tolerance, because small differences grow over training steps. The narration is
not compared line by line: it prints rounded numbers, which may flip in the last digit.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from demos import registry
from demos.core import available_devices
from demos.torch_attention import MultiHeadSelfAttention, chunked_attention, naive_attention

DEVICES = [
    pytest.param(
        d,
        marks=[
            pytest.mark.gpu,
            pytest.mark.skipif(d not in available_devices(), reason=f"no {d.upper()} device here"),
        ],
        id=d,
    )
    for d in ("cuda", "mps")
]
ATOL = 1e-3
RTOL = 1e-3
# Demos that train: compare outcome metrics only (name -> tolerance), not every weight.
TRAINED = {
    "seq2seq_attention": 0.05,
    "bert_style_encoder": 0.05,
    "learned_attention": 0.05,
    "image_self_attention": 0.05,
    "similarity_vs_projection": 0.05,
}
# Metrics that are differences from a reference: on a GPU they only need to stay small.
SMALL_PREFIXES = ("max_diff", "max_abs_diff", "equivariance_error", "asymmetry", "max_row_sum")


def _compare_metrics(cpu: dict[str, float], dev: dict[str, float], tol: float) -> None:
    assert cpu.keys() == dev.keys()
    for name, value in cpu.items():
        if name.startswith(SMALL_PREFIXES):
            assert dev[name] < max(10 * abs(value), 1e-4), name
        else:
            assert dev[name] == pytest.approx(value, abs=tol, rel=tol), name


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("demo_id", registry.DEMO_IDS)
def test_demo_matches_cpu(demo_id: str, device: str) -> None:
    module = registry.get(demo_id)
    cpu = module.run(device="cpu", seed=0)
    dev = module.run(device=device, seed=0)
    assert dev.device == device
    if demo_id in TRAINED:
        _compare_metrics(cpu.metrics, dev.metrics, TRAINED[demo_id])
        return
    _compare_metrics(cpu.metrics, dev.metrics, ATOL)
    assert cpu.arrays.keys() == dev.arrays.keys()
    for name, array in cpu.arrays.items():
        other = dev.arrays[name]
        assert isinstance(other, np.ndarray), f"{name} is not a CPU numpy array"
        if array.dtype.kind in "fc":
            np.testing.assert_allclose(other, array, atol=ATOL, rtol=RTOL, err_msg=name)
        else:
            np.testing.assert_array_equal(other, array, err_msg=name)
    assert [v.tokens for v in cpu.explorer] == [v.tokens for v in dev.explorer]


@pytest.mark.parametrize("device", DEVICES)
def test_kernels_match_cpu(device: str) -> None:
    torch.manual_seed(0)
    q, k, v = (torch.randn(2, 4, 300, 64) for _ in range(3))
    expected = naive_attention(q, k, v, causal=True)
    got = chunked_attention(q.to(device), k.to(device), v.to(device), 64, causal=True).cpu()
    torch.testing.assert_close(got, expected, atol=1e-4, rtol=1e-4)
    mha = MultiHeadSelfAttention(64, 8)
    x = torch.randn(2, 10, 64)
    with torch.no_grad():
        y_cpu, _ = mha(x)
        y_dev, _ = mha.to(device)(x.to(device))
    torch.testing.assert_close(y_dev.cpu(), y_cpu, atol=1e-4, rtol=1e-4)
