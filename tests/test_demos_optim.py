"""demos.framework.optim: the demos' Adam makes torch.optim.Adam's updates, bit for bit, without
importing torch._dynamo."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from demos.framework.core import DemoError
from demos.framework.optim import Adam


def _pair() -> tuple[torch.nn.Module, torch.nn.Module]:
    torch.manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 3))
    mine = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 3))
    ref, mine = ref.double(), mine.double()
    mine.load_state_dict(ref.state_dict())
    return ref, mine


def _loss(model: torch.nn.Module, step: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    gen = torch.Generator().manual_seed(step)
    x = torch.randn(11, 5, dtype=torch.float64, generator=gen) * (0.01 if step % 2 else 1.0)
    return (model(x.to(dtype)) ** 2).sum()


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_same_bits_as_torch_adam_with_a_learning_rate_per_step(dtype: torch.dtype) -> None:
    ref, mine = _pair()
    ref, mine = ref.to(dtype), mine.to(dtype)
    start = mine[0].weight.detach().clone()
    torch_adam = torch.optim.Adam(ref.parameters(), lr=0.01)
    adam = Adam(mine.parameters(), lr=0.01)
    for step in range(25):
        lr = 0.01 * (1 + step % 3)
        for group in torch_adam.param_groups:
            group["lr"] = lr
        for model, opt in ((ref, torch_adam), (mine, adam)):
            opt.zero_grad()
            _loss(model, step, dtype).backward()
        torch_adam.step()
        adam.step(lr)
        assert all(p.grad is None for p in mine.parameters())
    for p, q in zip(ref.parameters(), mine.parameters(), strict=True):
        assert torch.equal(q, p)
    assert (mine[0].weight - start).abs().max() > 1e-3  # it did train


def test_clipping_is_clip_grad_norm_then_adam() -> None:
    """With ``max_norm``, the update is torch.optim.Adam's after ``clip_grad_norm_``, with the
    norm both above and below the clip (the norm is summed in another order: not bit for bit)."""
    ref, mine = _pair()
    torch_adam = torch.optim.Adam(ref.parameters(), lr=0.01)
    adam = Adam(mine.parameters())
    for step in range(20):
        for model in (ref, mine):
            _loss(model, step).backward()
        torch.nn.utils.clip_grad_norm_(ref.parameters(), 0.5)
        torch_adam.step()
        torch_adam.zero_grad()
        adam.step(0.01, 0.5)
    for p, q in zip(ref.parameters(), mine.parameters(), strict=True):
        torch.testing.assert_close(q, p, atol=1e-12, rtol=1e-12)


def test_parameters_keep_their_own_memory() -> None:
    """No parameter becomes a view of another buffer (cuDNN manages a GRU's weights itself)."""
    _, mine = _pair()
    before = [p.data_ptr() for p in mine.parameters()]
    adam = Adam(mine.parameters())
    _loss(mine, 0).backward()
    adam.step()
    assert [p.data_ptr() for p in mine.parameters()] == before


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(DemoError, match="no parameters"):
        Adam([])
    with pytest.raises(DemoError, match="require a gradient"):
        Adam([torch.zeros(3)])


def test_a_fresh_process_trains_without_importing_dynamo() -> None:
    code = (
        "import sys, torch\n"
        "from demos.framework.optim import Adam\n"
        "w = torch.zeros(3, requires_grad=True)\n"
        "opt = Adam([w], lr=0.1)\n"
        "((w - 1) ** 2).sum().backward()\n"
        "opt.step()\n"
        "assert abs(w[0].item() - 0.1) < 1e-6, w  # Adam's first step: lr along the sign\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"
