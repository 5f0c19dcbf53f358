"""CUDA and MPS parity: every demo gives the CPU's numbers on the accelerator, within tolerance.

Skipped, with the reason, where the device is absent. Every comparison runs with TF32 switched
off (``demos.framework.core.tf32_off``): TF32 rounds float32 matmul inputs to a 10-bit mantissa, and the
point here is that the same algorithm gives the same numbers.

Tolerances, per demo and per dtype (``TOLERANCE`` below):

- float64 demos (those using ``precise_dtype``) on CUDA: 1e-6. Only the order of float64 sums
  differs, which moves results by about 1e-12; 1e-6 leaves room for a tanh or exp chain.
- float32 demos, and every demo on MPS (no float64 there): 1e-3 absolute + 1e-3 relative, the
  spread of differently blocked float32 reductions over a few hundred terms.
- Trained demos on CUDA: outcome metrics within the tolerance listed in ``TRAINED`` (small
  differences grow over training steps), not every weight, plus every claim of the demo.
- Trained demos on MPS (float32 from the first step), and on CUDA those that train in float32
  on every device (``TRAINED_IN_FLOAT32``): only the claims, the statements the narration makes,
  which must hold on every seed. Individual metrics such as an accuracy over a few hundred
  examples may flip by one example; and hundreds of Adam steps in float32 turn a different
  order of sums into a different run (as between two CPUs).

The narration is not compared line by line: it prints rounded numbers, which may flip in the
last digit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from demos.attention.torch_attention import (
    MultiHeadSelfAttention,
    chunked_attention,
    naive_attention,
)
from demos.framework import registry
from demos.framework.core import available_devices, tf32_off

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
FLOAT64 = {
    "attention_variants",
    "bert_style_encoder",
    "cnn_vs_attention_path",
    "image_self_attention",
    "learned_attention",
    "qkv_step_by_step",
    "seq2seq_attention",
}
FLOAT64_TOL = 1e-6
FLOAT32_TOL = 1e-3
# Demos that train a model: outcome metrics on CUDA within this tolerance (absolute and
# relative); claims only on MPS.
TRAINED = {
    "seq2seq_attention": 0.05,
    "bert_style_encoder": 0.05,
    "learned_attention": 0.05,
    "similarity_vs_projection": 0.05,
    "image_self_attention": 0.05,
    "detr_object_queries": 0.05,
}
# Trained demos whose run is float32 on every device (see the module docstring).
TRAINED_IN_FLOAT32 = {"detr_object_queries"}
# Metrics that are differences from a reference: on a device they only need to stay small.
SMALL_PREFIXES = ("max_diff", "max_abs_diff", "equivariance_error", "asymmetry", "max_row_sum")


def tolerance(demo_id: str, device: str) -> float:
    """The array and metric tolerance of ``demo_id`` on ``device`` (see the module docstring)."""
    if device == "cuda" and demo_id in FLOAT64:
        return FLOAT64_TOL
    return FLOAT32_TOL


def _close(name: str, got: object, expected: object, tol: float) -> None:
    if isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), name
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            _close(f"{name}[{i}]", g, e, tol)
        return
    assert got == pytest.approx(expected, abs=tol, rel=tol), name


def _compare_metrics(cpu: dict, dev: dict, tol: float) -> None:
    assert cpu.keys() == dev.keys()
    for name, value in cpu.items():
        if name.startswith(SMALL_PREFIXES):
            assert dev[name] < max(10 * abs(value), 1e-4), name
        else:
            _close(name, dev[name], value, tol)


def _assert_claims(module, result) -> bool:
    """Assert every claim of the demo on ``result``; False when the demo makes none."""
    claims = getattr(module, "claims", None)
    if claims is None:
        return False
    made = claims(result)
    assert [name for name, ok in made.items() if not ok] == [], result.device
    return True


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("demo_id", registry.DEMO_IDS)
def test_demo_matches_cpu(demo_id: str, device: str) -> None:
    module = registry.get(demo_id)
    with tf32_off():
        cpu = module.run(device="cpu", seed=0)
        dev = module.run(device=device, seed=0)
    assert dev.device == device
    if demo_id in TRAINED:
        has_claims = _assert_claims(module, dev)
        if (device == "mps" or demo_id in TRAINED_IN_FLOAT32) and has_claims:
            return
        _compare_metrics(cpu.metrics, dev.metrics, TRAINED[demo_id])
        return
    tol = tolerance(demo_id, device)
    _assert_claims(module, dev)
    _compare_metrics(cpu.metrics, dev.metrics, tol)
    assert cpu.arrays.keys() == dev.arrays.keys()
    for name, array in cpu.arrays.items():
        other = dev.arrays[name]
        assert isinstance(other, np.ndarray), f"{name} is not a CPU numpy array"
        if array.dtype.kind in "fc":
            np.testing.assert_allclose(other, array, atol=tol, rtol=tol, err_msg=name)
        else:
            np.testing.assert_array_equal(other, array, err_msg=name)
    assert [v.tokens for v in cpu.explorer] == [v.tokens for v in dev.explorer]


@pytest.mark.parametrize("device", DEVICES)
def test_kernels_match_cpu(device: str) -> None:
    torch.manual_seed(0)
    q, k, v = (torch.randn(2, 4, 300, 64) for _ in range(3))
    expected = naive_attention(q, k, v, causal=True)
    with tf32_off():
        got = chunked_attention(q.to(device), k.to(device), v.to(device), 64, causal=True).cpu()
    torch.testing.assert_close(got, expected, atol=1e-4, rtol=1e-4)
    mha = MultiHeadSelfAttention(64, 8)
    x = torch.randn(2, 10, 64)
    with torch.no_grad(), tf32_off():
        y_cpu, _ = mha(x)
        y_dev, _ = mha.to(device)(x.to(device))
    torch.testing.assert_close(y_dev.cpu(), y_cpu, atol=1e-4, rtol=1e-4)


def test_tf32_off_switches_both_flags_and_restores_them() -> None:
    before = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    try:
        with tf32_off():
            assert not torch.backends.cuda.matmul.allow_tf32
            assert not torch.backends.cudnn.allow_tf32
        assert torch.backends.cuda.matmul.allow_tf32 and torch.backends.cudnn.allow_tf32
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = before


def test_the_float64_list_is_the_demos_that_use_precise_dtype() -> None:
    root = Path(__file__).resolve().parent.parent / "demos" / "gallery"
    uses = {d for d in registry.DEMO_IDS if "precise_dtype(" in (root / f"{d}.py").read_text()}
    assert uses == FLOAT64


def test_the_float32_training_list_is_the_demos_that_train_in_float32() -> None:
    trains_in_float32 = {
        d for d in TRAINED if getattr(registry.get(d), "TRAIN_DTYPE", None) is torch.float32
    }
    assert trains_in_float32 == TRAINED_IN_FLOAT32
