"""seq2seq_attention: Bahdanau's encoder-decoder translates and aligns; its twin has no attention."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from demo_helpers import SEEDS, result_of

from demos.attention import reference
from demos.framework.core import DemoResult, format_number, generator
from demos.gallery import seq2seq_attention as demo


@pytest.fixture(scope="module")
def result() -> DemoResult:
    return result_of(demo.ID, 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_metrics_are_shares(seed: int) -> None:
    m = result_of(demo.ID, seed).metrics
    for key in (
        "sentence_accuracy",
        "no_attention_sentence_accuracy",
        "alignment_accuracy",
        "gold_weight",
        "red_weight_on_rouge",
        "car_weight_on_voiture",
    ):
        assert isinstance(m[key], float) and 0 <= m[key] <= 1, key
    assert m["sentence_accuracy"] >= 0.95
    assert m["alignment_accuracy"] >= 0.9


def test_the_narration_states_this_runs_numbers(result: DemoResult) -> None:
    m = result.metrics
    for lang in ("en", "ja"):
        text = "\n".join(result.lines[lang])
        assert format_number(m["alignment_accuracy"], 3) in text
        assert format_number(m["no_attention_sentence_accuracy"], 3) in text
        assert format_number(m["red_weight_on_rouge"], 2) in text
    expected = " · ".join([*demo.translate_by_rule(*demo.SHOWCASE)[1], "</s>"])
    assert f"output: {expected}   (correct)" in result.lines["en"]
    assert f"出力: {expected}   (正解)" in result.lines["ja"]


def test_the_reordering_flips_the_alignment(result: DemoResult) -> None:
    w = result.arrays["reorder_weights"]  # rows: Paul likes the red car in May </s>
    src = list(demo.SECOND_TOKENS)
    assert int(np.argmax(w[3])) == src.index("rouge")  # red
    assert int(np.argmax(w[4])) == src.index("voiture")  # car
    # The showcase is read along the diagonal.
    s = result.arrays["showcase_weights"]
    for row, col in [(0, 0), (1, 1), (2, 2), (4, 4)]:
        assert int(np.argmax(s[row])) == col


def test_encoder_arrows_run_both_ways() -> None:
    torch.manual_seed(0)
    src_vocab, tgt_vocab = demo.vocabularies()
    model = demo.Seq2Seq(len(src_vocab), len(tgt_vocab)).double()
    words = [*demo.translate_by_rule(*demo.SECOND)[0], demo.EOS]
    changed_last = [*words[:-2], "juin", demo.EOS]  # 'mai' -> 'juin', one before the end
    ids = torch.tensor([[src_vocab.index(w) for w in s] for s in (words, changed_last)])
    with torch.no_grad():
        h, _ = model.encoder(ids, [len(words)] * 2)
    delta = (h[0] - h[1]).abs()  # (T_src, 2 * ENC_HIDDEN)
    E = demo.ENC_HIDDEN
    changed_fwd = (delta[:, :E].amax(-1) > 0).tolist()
    changed_bwd = (delta[:, E:].amax(-1) > 0).tolist()
    T = len(words)
    assert changed_fwd == [False] * (T - 2) + [True, True]  # from the changed word on
    assert changed_bwd == [True] * (T - 1) + [False]  # everything before it, via the arrows
    # Untrained, the arrow count is structural: the same answer as the trained run's metric.
    assert demo.arrow_reach(model, demo.SECOND, "Marie", (src_vocab, tgt_vocab)) == (T, 1)


def test_padding_does_not_change_the_annotations() -> None:
    torch.manual_seed(1)
    src_vocab, tgt_vocab = demo.vocabularies()
    model = demo.Seq2Seq(len(src_vocab), len(tgt_vocab)).double()
    short = [*demo.translate_by_rule(*demo.SHOWCASE)[0], demo.EOS]
    long = [*demo.translate_by_rule(*demo.SECOND)[0], demo.EOS]
    ids = torch.zeros(2, len(long), dtype=torch.long)
    ids[0, : len(short)] = torch.tensor([src_vocab.index(w) for w in short])
    ids[1] = torch.tensor([src_vocab.index(w) for w in long])
    with torch.no_grad():
        h_batch, summary_batch = model.encoder(ids, [len(short), len(long)])
        h_alone, summary_alone = model.encoder(ids[:1, : len(short)], [len(short)])
    torch.testing.assert_close(h_batch[0, : len(short)], h_alone[0], rtol=0, atol=1e-12)
    torch.testing.assert_close(summary_batch[0], summary_alone[0], rtol=0, atol=1e-12)
    assert (h_batch[0, len(short) :] == 0).all()


def test_the_twin_has_no_attention() -> None:
    src_vocab, tgt_vocab = demo.vocabularies()
    twin = demo.Seq2Seq(len(src_vocab), len(tgt_vocab), attention=False).double()
    src, lengths, tgt_in, _ = demo._batch([demo.SHOWCASE, demo.SECOND], src_vocab, tgt_vocab)
    logits, weights = twin(torch.tensor(src), lengths, torch.tensor(tgt_in))
    assert weights is None and logits.shape[:2] == tgt_in.shape
    assert twin.attention is None


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
    assert demo.MAX_WORDS == max(len(demo.translate_by_rule(*s)[0]) for s in sents)


def test_explorer_views(result: DemoResult) -> None:
    assert len(result.explorer) == 2
    for view in result.explorer:
        assert set(view.name) == {"en", "ja"}
        assert all(len(name) <= 30 for name in view.name.values()), view.name
        (weights,) = view.heads.values()
        assert view.query_tokens is not None
        assert weights.shape == (len(view.query_tokens), len(view.tokens))
        np.testing.assert_allclose(weights.sum(-1), 1, atol=1e-9)


def test_figures_in_both_languages(result: DemoResult) -> None:
    from demos.framework.plotting import svg_bytes

    m = result.metrics
    for lang in ("en", "ja"):
        figs = demo.figures(result, lang)
        assert [stem for stem, _, _ in figs] == ["alignment", "encoder_arrows"]
        for _, fig, alt in figs:
            assert set(alt) == {"ja", "en"} and svg_bytes(fig)
        alt = figs[0][2]
        assert format_number(m["alignment_accuracy"], 2) in alt["en"]
        assert format_number(m["alignment_accuracy"], 2) in alt["ja"]
        assert format_number(m["car_weight_on_voiture"], 2) in alt[lang]
    ja_texts = [t.get_text() for t in demo.figures(result, "ja")[1][1].axes[0].texts]
    assert "順方向 GRU" in ja_texts and "逆方向 GRU" in ja_texts
