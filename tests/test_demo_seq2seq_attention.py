"""seq2seq_attention: the trained encoder-decoder translates and aligns the held-out sentences."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from demos import reference
from demos import seq2seq_attention as demo
from demos.core import DemoResult, generator


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return demo.run(device="cpu", seed=0)


def test_translates_the_held_out_sentences(result: DemoResult) -> None:
    assert result.metrics["showcase_translation_correct"] == 1
    assert result.metrics["reorder_translation_correct"] == 1
    assert result.metrics["test_sentence_accuracy"] >= 0.95
    text = "\n".join(result.lines["en"])
    expected = " · ".join([*demo.translate_by_rule(*demo.SHOWCASE)[1], "</s>"])
    assert f"output: {expected}   (correct)" in text


def test_alignment_follows_the_words(result: DemoResult) -> None:
    # Every content word of the showcase looks hardest at its French word.
    assert result.metrics["showcase_alignment_accuracy"] == 1
    w = result.arrays["showcase_weights"]  # rows: the 5 English words and </s>
    for row, col in [(0, 0), (1, 1), (2, 2), (4, 4)]:
        assert int(np.argmax(w[row])) == col and w[row, col] > 0.5
    assert result.metrics["test_content_alignment_accuracy"] >= 0.9
    assert result.metrics["test_content_gold_weight"] >= 0.8
    # The reordering: 'red' is the 4th output word, 'rouge' the 5th source word.
    assert result.metrics["reorder_alignment_accuracy"] >= 0.6


def test_matches_the_numpy_reference(result: DemoResult) -> None:
    assert result.metrics["max_abs_diff_vs_numpy_reference"] < 1e-10
    torch.manual_seed(0)
    attn = demo.AdditiveAttention(5, 4, 3).double()
    s, h = torch.randn(2, 5, dtype=torch.float64), torch.randn(2, 6, 4, dtype=torch.float64)
    mask = torch.tensor([[True] * 6, [True] * 4 + [False] * 2])
    context, weights = attn(s, h, mask)
    for b in range(2):
        n = int(mask[b].sum())
        ref_c, ref_w = reference.additive_attention(
            s[b].numpy(),
            h[b, :n].numpy(),
            h[b, :n].numpy(),
            attn.W_s.weight.detach().numpy(),
            attn.W_h.weight.detach().numpy(),
            attn.v.weight.detach().numpy()[0],
        )
        np.testing.assert_allclose(weights[b, :n].detach().numpy(), ref_w, atol=1e-12)
        np.testing.assert_allclose(context[b].detach().numpy(), ref_c, atol=1e-12)
    assert (weights[1, 4:] == 0).all()  # padding gets exactly zero weight


def test_grammar_and_held_out_sentences() -> None:
    src, tgt, gold = demo.translate_by_rule(*demo.SECOND)
    assert " ".join(src) == "Paul aime la voiture rouge en mai"
    assert " ".join(tgt) == "Paul likes the red car in May"
    assert gold[3] == {4} and gold[4] == {3}  # red <- rouge, car <- voiture
    assert len(gold) == len(tgt) + 1
    sents = demo.sample_sentences(generator(0), 2000, {demo.SHOWCASE, demo.SECOND})
    assert demo.SHOWCASE not in sents and demo.SECOND not in sents
    src_vocab, tgt_vocab = demo.vocabularies()
    for sent in sents[:200]:
        s, t, _ = demo.translate_by_rule(*sent)
        assert set(s) <= set(src_vocab) and set(t) <= set(tgt_vocab)


def test_explorer_and_figure(result: DemoResult) -> None:
    from demos.plotting import svg_bytes

    assert len(result.explorer) == 2
    for view in result.explorer:
        (weights,) = view.heads.values()
        assert view.query_tokens is not None
        assert weights.shape == (len(view.query_tokens), len(view.tokens))
        np.testing.assert_allclose(weights.sum(-1), 1, atol=1e-9)
    ((stem, fig, alt),) = demo.figures(result)
    assert stem == "alignment" and set(alt) == {"ja", "en"}
    assert svg_bytes(fig)
