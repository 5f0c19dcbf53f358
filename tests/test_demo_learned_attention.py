"""learned_attention: training reaches the stated accuracy and moves the pronoun's attention."""

from __future__ import annotations

import numpy as np
import pytest

from demos import learned_attention as demo
from demos.core import DemoResult, generator


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


def test_reaches_the_stated_accuracy(result: DemoResult) -> None:
    assert result.metrics["accuracy_before"] < 0.3
    assert result.metrics["accuracy_after"] >= demo.TARGET_ACCURACY


def test_most_attention_moves_to_the_antecedent(result: DemoResult) -> None:
    # Before training the pronoun spreads its weight over 12 tokens (about 1/12 each).
    assert result.metrics["attention_on_antecedent_before"] < 0.2
    assert result.metrics["attention_on_antecedent_after"] > 0.5
    # The held-out showcase sentence: 'it' looks at 'animal', not at 'street'.
    assert result.metrics["showcase_attention_animal"] > 0.5
    assert result.metrics["showcase_attention_street"] < 0.1
    assert result.metrics["swapped_attention_animal"] > 0.5
    assert result.metrics["showcase_predicts_animal"] == 1
    row = result.arrays["attention_after"][demo.PRON]
    assert int(np.argmax(row)) == demo.N1


def test_other_seed_also_learns() -> None:
    other = demo.run(device="cpu", seed=1)
    assert other.metrics["accuracy_after"] >= demo.TARGET_ACCURACY
    assert other.metrics["attention_on_antecedent_after"] > 0.5


def test_showcase_is_held_out_of_training() -> None:
    ids, targets = demo.sample(generator(0), 3000)
    index = {w: i for i, w in enumerate(demo.VOCAB)}
    animal, street = index["animal"], index["street"]
    pairs = {(a, b) for a, b in zip(ids[:, demo.N1], ids[:, demo.N2], strict=True)}
    assert (animal, street) not in pairs and (street, animal) not in pairs
    # The pronoun always matches the class of the target noun.
    pron = {index[p]: c for c, p in demo.PRONOUN.items()}
    for row, target in zip(ids, targets, strict=True):
        assert demo.VOCAB[target] in demo.CLASSES[pron[row[demo.PRON]]]
        assert target in (row[demo.N1], row[demo.N2])


def test_explorer_and_figure(result: DemoResult) -> None:
    from demos.plotting import svg_bytes

    assert [v.name["en"] for v in result.explorer] == [
        "before training",
        "after training",
        "after training, nouns swapped",
    ]
    for view in result.explorer:
        (weights,) = view.heads.values()
        assert weights.shape == (len(view.tokens),) * 2
        np.testing.assert_allclose(weights.sum(-1), 1, atol=1e-9)
    ((stem, fig, alt),) = demo.figures(result)
    assert stem == "before_after" and set(alt) == {"ja", "en"}
    assert svg_bytes(fig)
