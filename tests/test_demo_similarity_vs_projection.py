"""similarity_vs_projection: identity, random and learned W_Q, W_K."""

from __future__ import annotations

import pytest

from demos.framework.core import DemoResult
from demos.gallery import similarity_vs_projection as demo


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


def test_identity_follows_similarity(result: DemoResult) -> None:
    m = result.metrics
    assert m["cosine_correlation_identity"] > 0.8
    assert m["same_category_mass_identity"] > 0.7


def test_projections_break_the_link(result: DemoResult) -> None:
    m = result.metrics
    assert abs(m["cosine_correlation_random"]) < m["cosine_correlation_identity"] - 0.3
    assert m["same_category_mass_learned"] < 0.1
    assert m["cosine_correlation_learned"] < 0
    assert m["final_loss"] < 0.1 < result.arrays["losses"][0]


def test_explorer_has_the_three_settings(result: DemoResult) -> None:
    assert list(result.explorer[0].heads) == ["identity", "random", "learned"]
