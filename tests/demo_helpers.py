"""Demo results shared by the tests: each (demo, seed) runs once per test session."""

from __future__ import annotations

from functools import cache

from demos.framework import registry
from demos.framework.core import DemoResult

SEEDS = (0, 1, 2)


@cache
def result_of(demo_id: str, seed: int = 0) -> DemoResult:
    """The CPU result of ``demo_id`` for ``seed``, computed once (callers must not mutate it)."""
    return registry.get(demo_id).run(device="cpu", seed=seed)
