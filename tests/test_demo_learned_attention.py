"""learned_attention: 'the' learns to attend to its own noun to choose der, die or das."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from demo_helpers import result_of

from demos.framework.core import DemoResult, generator
from demos.gallery import learned_attention as demo


def result_for(seed: int) -> DemoResult:
    return result_of(demo.ID, seed)


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return result_for(0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_article_attends_to_its_noun_on_held_out_sentences(seed: int) -> None:
    m = result_for(seed).metrics
    assert m["article_noun_weight_init"] < 0.3  # spread over about 7 tokens
    assert m["heldout_accuracy_init"] < 0.5  # three articles: chance is 1/3
    assert m["article_noun_weight"] > 0.9
    assert m["heldout_accuracy"] > 0.95
    assert m["article_modifier_noun_weight"] < 0.05


def test_held_out_pairs_never_reach_training() -> None:
    batch = demo.sample(generator(0), 2000, held_out=False)
    words = np.array(demo.VOCAB)[batch["ids"]]
    rows = np.arange(len(words))[:, None]
    nouns = words[rows, batch["nouns"]]  # (N, 2)
    assert not {tuple(p) for p in nouns} & demo.HELD_OUT
    for first, second in demo.SHOWCASE:
        assert (first[-1], second[-1]) in demo.HELD_OUT
    # Every noun still appears in training, as the first and as the second noun.
    assert set(nouns[:, 0]) == set(nouns[:, 1]) == set(demo.ALL_NOUNS)


def test_targets_follow_the_gender_of_the_last_noun() -> None:
    batch = demo.sample(generator(3), 500, held_out=True)
    words = np.array(demo.VOCAB)[batch["ids"]]
    rows = np.arange(len(words))[:, None]
    assert (words[rows, batch["articles"]] == "the").all()
    for noun_row, target_row in zip(words[rows, batch["nouns"]], batch["targets"], strict=True):
        assert [demo.GENDER[w] for w in noun_row] == [demo.ARTICLES[t] for t in target_row]
    modifiers = batch["modifier"]
    assert (modifiers >= 0).any()
    has = modifiers >= 0
    assert all(w in demo.GENDER for w in words[rows, np.maximum(modifiers, 0)][has])
    # A modifier noun stands right before its head noun.
    assert (modifiers[has] == batch["nouns"][has] - 1).all()
    # German facts used by the narration.
    assert demo.GENDER["animal"] == "das" and demo.GENDER["street"] == "die"
    assert demo.GENDER["door"] == "die" and demo.GENDER["dog"] == "der"


def test_padding_gets_no_attention() -> None:
    torch.manual_seed(0)
    model = demo.ArticleModel().double()
    s = demo.encode(("the", "dog"), ("the", "cat"))
    _, att = model(torch.tensor(s["ids"][None]), torch.tensor(s["articles"][None]))
    L = len(s["words"])
    assert L < demo.T and (att[0, :, L:] == 0).all()
    torch.testing.assert_close(att.sum(-1), torch.ones_like(att.sum(-1)))


def test_explorer_views_are_held_out_sentences(result: DemoResult) -> None:
    views = result.explorer
    assert len(views) == len(demo.SHOWCASE) + 1
    for view, (first, second) in zip(views, demo.SHOWCASE, strict=False):
        assert view.tokens == [*first, "and", *second]
        assert set(view.name) == {"en", "ja"}
    assert "random weights" in views[-1].name["en"] and "ランダムな重み" in views[-1].name["ja"]


def test_metrics_json_and_narration_numbers(result: DemoResult) -> None:
    json.dumps(result.metrics, sort_keys=True)
    for key in ("article_noun_weight", "heldout_accuracy", "article_noun_weight_init"):
        assert 0 <= result.metrics[key] <= 1
        value = f"{result.metrics[key]:.3f}"
        assert value in "\n".join(result.lines["en"]) and value in "\n".join(result.lines["ja"])
    assert "です" in "\n".join(result.lines["ja"])


@pytest.mark.parametrize(
    ("lang", "untrained"), [("en", "random weights"), ("ja", "ランダムな重み")]
)
def test_figure_says_random_weights_and_shares_a_scale(
    result: DemoResult, lang: str, untrained: str
) -> None:
    ((stem, fig, alt),) = demo.figures(result, lang)
    titles = [ax.get_title() for ax in fig.axes]
    assert sum(untrained in t for t in titles) == len(demo.SHOWCASE)
    clims = {ax.images[0].get_clim() for ax in fig.axes if ax.images}
    assert clims == {(0.0, 1.0)}
    m = result.metrics
    assert f"{m['article_noun_weight']:.2f}" in alt["en"]
    assert f"{m['article_noun_weight']:.2f}" in alt["ja"]


def test_score_parts_add_up_to_the_attention() -> None:
    torch.manual_seed(1)
    model = demo.ArticleModel().double()
    first, second = demo.SHOWCASE[-1]
    parts = demo.score_parts(model, first, second)
    s = demo.encode(first, second)
    with torch.no_grad():
        _, att = model(torch.tensor(s["ids"][None]), torch.tensor(s["articles"][None]))
    L = len(s["words"])
    scores = parts["word"] + parts["position"]  # (2, L)
    expected = np.exp(scores - scores.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(att[0].numpy()[s["articles"], :L], expected, atol=1e-12)


def test_narration_explains_the_score_parts(result: DemoResult) -> None:
    en = "\n".join(result.lines["en"])
    assert "position part is highest at its own noun" in en
    assert result.metrics["position_part_peak_is_own_noun"] == [1, 1]
