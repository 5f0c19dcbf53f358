"""Adam for the demos that train: ``torch.optim.Adam``'s update in a handful of operations.

Why not ``torch.optim.Adam`` itself: constructing the first optimiser of a process imports
``torch._dynamo``, 1.3 s on the 2-core machine (the Adam constructor alone, measured in a fresh
process), more than some demos take to train, and the gallery runs every demo in a process of its
own (``make bench``: 10 s a demo, 60 s for all). Its default CPU step also makes several
operations per parameter tensor, whose overhead exceeds their arithmetic at the demos' sizes.

Here the moments live in one flat vector: a step concatenates the gradients, updates the
moments with ``torch.optim.Adam``'s own formulas (its default single-tensor path, operation for
operation, so the parameters get the same bits: tested) and adds the update to every parameter
in one fused call. The parameters themselves are left alone, not turned into views of one
buffer, so a module that manages its own weights' memory (cuDNN's flattened GRU weights) keeps
doing so.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch

from demos.framework.core import DemoError


class Adam:
    """Adam (Kingma and Ba), as ``torch.optim.Adam(params, lr, betas, eps)`` with its defaults.

    Differences: the learning rate may be given per step, ``max_norm`` clips the gradients by
    their global norm first (as ``torch.nn.utils.clip_grad_norm_``), and a parameter without a
    gradient counts as a zero gradient (``torch.optim.Adam`` skips it) instead.
    """

    def __init__(
        self,
        params: Iterable[torch.Tensor],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        self.params = list(params)
        if not self.params:
            raise DemoError("Adam: no parameters to train")
        if not all(p.requires_grad for p in self.params):
            raise DemoError("Adam: every parameter must require a gradient")
        self.lr, self.betas, self.eps, self.t = lr, betas, eps, 0
        self.sizes = [p.numel() for p in self.params]
        first = self.params[0]
        n = sum(self.sizes)
        self.m = torch.zeros(n, dtype=first.dtype, device=first.device)  # (N,)
        self.v = torch.zeros_like(self.m)  # (N,)

    def zero_grad(self) -> None:
        """Forget the gradients (``set_to_none``, as ``torch.optim``'s default)."""
        for p in self.params:
            p.grad = None

    def _shaped(self, flat: torch.Tensor) -> list[torch.Tensor]:
        """``flat`` ``(N,)`` as one view per parameter, in the parameter's shape."""
        chunks = flat.split(self.sizes)
        return [chunk.view_as(p) for p, chunk in zip(self.params, chunks, strict=True)]

    @torch.no_grad()
    def step(self, lr: float | None = None, max_norm: float | None = None) -> None:
        """One update from the parameters' ``.grad``, which it then clears.

        Args:
            lr: this step's learning rate (default: the one given at construction).
            max_norm: clip the gradients to this global L2 norm first (default: no clipping).
        """
        lr = self.lr if lr is None else lr
        g = torch.cat(
            [(torch.zeros_like(p) if p.grad is None else p.grad).reshape(-1) for p in self.params]
        )  # (N,)
        if max_norm is not None:
            g = g * (max_norm / (g.norm() + 1e-6)).clamp(max=1.0)
        (b1, b2), self.t = self.betas, self.t + 1
        self.m.lerp_(g, 1 - b1)
        self.v.mul_(b2).addcmul_(g, g, value=1 - b2)
        denom = (self.v.sqrt() / (1 - b2**self.t) ** 0.5).add_(self.eps)  # (N,)
        step_size = lr / (1 - b1**self.t)
        torch._foreach_addcdiv_(self.params, self._shaped(self.m), self._shaped(denom), -step_size)
        self.zero_grad()
