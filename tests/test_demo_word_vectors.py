"""word_vectors: toy embeddings, dot product and cosine, raw similarity as weights."""

from __future__ import annotations

import numpy as np
import pytest

from demos.framework.core import DemoResult
from demos.gallery import word_vectors as demo


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


def test_similar_words_are_closer(result: DemoResult) -> None:
    m = result.metrics
    assert m["cos_king_queen"] > 0.5 > 0.2 > m["cos_king_apple"]
    assert m["analogy_is_queen"] == 1.0


def test_raw_similarity_is_symmetric_and_self_heavy(result: DemoResult) -> None:
    assert result.metrics["asymmetry"] < 1e-5
    assert result.metrics["self_weight_mean"] > 2 / len(demo.WORDS)
    cos = result.arrays["cosine"]
    np.testing.assert_allclose(np.diag(cos), 1.0, atol=1e-5)
    np.testing.assert_allclose(result.arrays["weights"].sum(axis=1), 1.0, atol=1e-5)


def test_other_seed_other_vectors(result: DemoResult) -> None:
    other = demo.run(device="cpu", seed=1)
    assert not np.allclose(other.arrays["embeddings"], result.arrays["embeddings"])
