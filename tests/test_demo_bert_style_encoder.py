"""bert_style_encoder: bidirectional attention solves masks on both sides, causal only on one."""

from __future__ import annotations

import numpy as np
import pytest

from demos.framework.core import DemoResult, generator
from demos.gallery import bert_style_encoder as demo


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


def test_bidirectional_encoder_fills_both_segments(result: DemoResult) -> None:
    m = result.metrics
    assert m["bidirectional_accuracy_mask_in_a"] >= 0.95
    assert m["bidirectional_accuracy_mask_in_b"] >= 0.95
    assert m["bidirectional_best_head_weight_on_mirror"] > 0.8
    assert m["showcase_predicts_cat"] == 1


def test_causal_twin_cannot_look_right(result: DemoResult) -> None:
    m = result.metrics
    chance = 1 / len(demo.WORDS)
    assert m["causal_accuracy_mask_in_a"] < 3 * chance
    assert m["causal_accuracy_mask_in_b"] > 0.9


def test_attention_maps_per_layer_and_head(result: DemoResult) -> None:
    assert [v.name["en"] for v in result.explorer] == [
        f"layer {i + 1}" for i in range(demo.N_LAYER)
    ]
    for i, view in enumerate(result.explorer):
        assert view.tokens[0] == "[CLS]" and view.tokens.count("[SEP]") == 2
        assert view.tokens[demo.SHOWCASE_MASK] == "[MASK]"
        assert list(view.heads) == [f"head {h + 1}" for h in range(demo.N_HEAD)]
        np.testing.assert_array_equal(
            np.stack(list(view.heads.values())), result.arrays[f"layer{i + 1}"]
        )
    # No mask: the [MASK] in segment A gives real weight to keys on its right.
    row = result.arrays["layer1"][:, demo.SHOWCASE_MASK]  # (n_head, T)
    assert row[:, demo.SHOWCASE_MASK + 1 :].sum(axis=-1).max() > 0.5


def test_examples_are_built_as_described() -> None:
    ids, masked, answers = demo.make_batch(generator(0), 400)
    index = {w: i for i, w in enumerate(demo.VOCAB)}
    assert (ids[:, 0] == index["[CLS]"]).all()
    assert (ids[np.arange(400), masked] == index["[MASK]"]).all()
    # The answer sits at the mirror position of the other segment.
    assert (ids[np.arange(400), demo.mirror(masked)] == answers).all()
    assert 0.3 < (masked < demo.B_START).mean() < 0.7
    assert (
        demo.tokens_of(demo.SHOWCASE, demo.SHOWCASE_MASK)[demo.mirror(demo.SHOWCASE_MASK)] == "cat"
    )
