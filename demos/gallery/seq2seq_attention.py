"""Bahdanau's encoder-decoder with additive attention, trained on a toy translation task.

A bidirectional GRU reads the French-like source (the RNN arrows: one step at a time, in both
directions) and gives each word an annotation ``h_j``. A GRU decoder writes the English one word
at a time; before each word it scores every annotation with its previous state,
``v . tanh(W_s s_(i-1) + W_h h_j)`` (the attention line). A twin without attention, whose context
is the encoder's final states at every step, is trained on the same sentences and reported
beside it. Two held-out sentences show the learned alignment: a diagonal one, and
"la voiture rouge" -> "the red car", where the order flips.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import torch
from torch import nn

from demos.attention import reference
from demos.attention.torch_attention import padding_mask as make_padding_mask
from demos.framework.core import (
    DemoResult,
    Explorer,
    Narrator,
    cpu_threads,
    format_number,
    generator,
    precise_dtype,
    seed_everything,
    to_numpy,
)
from demos.framework.optim import Adam

ID = "seq2seq_attention"
TITLE = {
    "ja": "seq2seqと加法注意: 翻訳のアラインメントを見る",
    "en": "Seq2seq with additive attention: watch a translation align",
}
SUMMARY = {
    "ja": (
        "Bahdanauらのモデルを小さくして、フランス語風の短文を英語に訳す課題で数秒だけ訓練します。"
        "双方向GRUのエンコーダが原文を両方向から1語ずつ読み(RNNの矢印)、GRUのデコーダは"
        "訳語を1つ出す前に、1つ前の状態で原文の全位置を加法注意で採点します(注意の線)。"
        "注意を持たない同じ構成のモデルも並べて訓練します。訓練に出てこない2文を訳させ、"
        "内容を表す訳語がそれぞれ対応するフランス語の単語を見ていること、語順が入れ替わる"
        "「la voiture rouge」では対応が対角線から外れることをヒートマップで確かめます。"
    ),
    "en": (
        "A small version of Bahdanau's model is trained for a few seconds to translate short "
        "French-like sentences into English. A bidirectional GRU encoder reads the source word by "
        "word in both directions (the RNN arrows); before each English word the GRU decoder "
        "scores every source position with its previous state through additive attention (the "
        "attention line). A twin without attention is trained beside it. On two held-out "
        "sentences each English content word looks at the French word it translates, and in "
        "'la voiture rouge' the alignment leaves the diagonal where the word order flips."
    ),
}
CODE = {
    "PyTorch": "demos.gallery.seq2seq_attention:AdditiveAttention",
    "NumPy": "demos.attention.reference:additive_attention",
    "decoder step": "demos.gallery.seq2seq_attention:Seq2Seq.decode_step",
}

# Open classes are large on purpose: with only a handful of names a model can name the one
# it does not see ("none of the others, so Jane") instead of looking at it.
NAMES = (
    "Jane", "Paul", "Marie", "Jean", "Louis", "Sophie", "Emma", "Hugo", "Chloe", "Lucas",
    "Alice", "Leo", "Julie", "Tom", "Sarah", "Marc", "Anna", "Noah", "Lea", "Adam",
)  # fmt: skip
PLACE_VERBS = {"visite": "visits", "aime": "likes", "quitte": "leaves", "voit": "sees"}
THING_VERBS = {
    "aime": "likes", "voit": "sees", "dessine": "draws", "achete": "buys", "prend": "takes",
    "cherche": "wants",
}  # fmt: skip
VERBS = {**PLACE_VERBS, **THING_VERBS}
PLACES = {
    ("l'Afrique",): ("Africa",),
    ("la", "France"): ("France",),
    ("le", "Japon"): ("Japan",),
    ("l'Italie",): ("Italy",),
    ("le", "Canada"): ("Canada",),
    ("l'Espagne",): ("Spain",),
    ("la", "Chine"): ("China",),
    ("le", "Chili"): ("Chile",),
}
NOUNS = {"voiture": "car", "maison": "house", "fleur": "flower", "robe": "dress", "porte": "door"}
ADJECTIVES = {
    "rouge": "red",
    "bleue": "blue",
    "verte": "green",
    "noire": "black",
    "jaune": "yellow",
}
# The adjective follows the noun in French and precedes it in English; every pairing occurs, so
# the English adjective can only come from the French one.
THINGS = {
    ("la", noun, adj): ("the", ADJECTIVES[adj], NOUNS[noun]) for noun in NOUNS for adj in ADJECTIVES
}
MONTHS = {
    "janvier": "January", "fevrier": "February", "mars": "March", "avril": "April",
    "mai": "May", "juin": "June", "juillet": "July", "aout": "August",
    "septembre": "September", "octobre": "October", "novembre": "November",
    "decembre": "December",
}  # fmt: skip
SHOWCASE = ("Jane", "visite", ("l'Afrique",), "septembre")
SECOND = ("Paul", "aime", ("la", "voiture", "rouge"), "mai")
PAD, BOS, EOS = "<pad>", "<s>", "</s>"
# Sentences are shown with a visible separator between words: the tokens are what the model
# sees, and the separator keeps the example from reading as a quotation of its source.
WORD_SEP = " · "
EMBED, ENC_HIDDEN, HIDDEN, ATTN = 16, 16, 32, 32
STEPS = 150
BATCH = 64
LR = 1e-2
EVAL_SENTENCES = 200


def translate_by_rule(name: str, verb: str, obj: tuple[str, ...], month: str) -> tuple:
    """The toy grammar: returns ``(source words, target words, gold alignment)``.

    The gold alignment gives, for each target position (the end token included), the set of
    source positions it translates, or None for words the source does not decide ("in", "the",
    the end token): a decoder needs nothing from the source to write those, so their attention
    is free and is not scored.
    """
    src = [name, verb, *obj, "en", month]
    english = PLACES[obj] if obj in PLACES else THINGS[obj]  # type: ignore[index]
    verbs = PLACE_VERBS if obj in PLACES else THING_VERBS
    tgt = [name, verbs[verb], *english, "in", MONTHS[month]]
    o = 2  # where the object starts in the source
    if obj in PLACES:  # 'la France' -> 'France': either French word will do
        obj_align: list[set[int] | None] = [set(range(o, o + len(obj)))]
    else:  # la voiture rouge -> the red car: red -> rouge, car -> voiture
        obj_align = [None, {o + 2}, {o + 1}]
    n = len(obj)
    align = [{0}, {1}, *obj_align, None, {o + n + 1}, None]
    return src, tgt, align


def corpus_size() -> int:
    """How many different sentences the grammar can make."""
    objects = len(PLACE_VERBS) * len(PLACES) + len(THING_VERBS) * len(THINGS)
    return len(NAMES) * objects * len(MONTHS)


def sample_sentences(rng: np.random.Generator, count: int, held_out: set[tuple]) -> list[tuple]:
    """Draw ``count`` sentences: a place half the time, a thing otherwise; never ``held_out``."""
    places, things = list(PLACES), list(THINGS)
    names, months = list(NAMES), list(MONTHS)
    out: list[tuple] = []
    while len(out) < count:
        if rng.integers(2) == 0:
            verb = list(PLACE_VERBS)[rng.integers(len(PLACE_VERBS))]
            obj = places[rng.integers(len(places))]
        else:
            verb = list(THING_VERBS)[rng.integers(len(THING_VERBS))]
            obj = things[rng.integers(len(things))]
        sent = (names[rng.integers(len(names))], verb, obj, months[rng.integers(len(months))])
        if sent not in held_out:
            out.append(sent)
    return out


def vocabularies() -> tuple[list[str], list[str]]:
    """Source and target vocabularies, sorted, with the special tokens first."""
    src = {*NAMES, *VERBS, "en", *MONTHS, *(w for obj in [*PLACES, *THINGS] for w in obj)}
    tgt = {*NAMES, *VERBS.values(), "in", *MONTHS.values()}
    tgt |= {w for obj in [*PLACES.values(), *THINGS.values()] for w in obj}
    return [PAD, EOS, *sorted(src)], [PAD, BOS, EOS, *sorted(tgt)]


class AdditiveAttention(nn.Module):
    """Bahdanau attention: ``e_j = v . tanh(W_s s + W_h h_j)``, weights = softmax over j."""

    def __init__(self, dec_dim: int, enc_dim: int, attn_dim: int):
        super().__init__()
        self.W_s = nn.Linear(dec_dim, attn_dim, bias=False)
        self.W_h = nn.Linear(enc_dim, attn_dim, bias=False)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def forward(
        self, s: torch.Tensor, h: torch.Tensor, padding_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Attend from decoder state ``s`` ``(B, dec_dim)`` over encoder states ``h``.

        Args:
            s: The decoder's previous state, ``(B, dec_dim)``.
            h: Encoder annotations, ``(B, T_src, enc_dim)``.
            padding_mask: ``(B, T_src)``, True for real source tokens.

        Returns:
            ``(context (B, enc_dim), weights (B, T_src))``.
        """
        energies = self.v(torch.tanh(self.W_s(s)[:, None, :] + self.W_h(h)))  # (B, T_src, 1)
        energies = energies.squeeze(-1).masked_fill(~padding_mask, float("-inf"))  # (B, T_src)
        weights = torch.softmax(energies, dim=-1)  # (B, T_src)
        context = (weights[:, :, None] * h).sum(dim=1)  # (B, enc_dim)
        return context, weights


class BiGRUEncoder(nn.Module):
    """Bahdanau's encoder: a forward and a backward GRU read the sentence.

    The annotation of word j is ``h_j = [forward state after j; backward state after j]``: the
    forward arrow has read words 1..j, the backward arrow words j..T, so ``h_j`` is centred on
    word j but knows the whole sentence.
    """

    def __init__(self, vocab: int):
        super().__init__()
        self.emb = nn.Embedding(vocab, EMBED)
        self.rnn = nn.GRU(EMBED, ENC_HIDDEN, batch_first=True, bidirectional=True)

    def forward(self, src: torch.Tensor, lengths: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        """``src`` ``(B, T_src)`` -> ``(annotations (B, T_src, 2 * ENC_HIDDEN), summary)``.

        ``summary`` ``(B, 2 * ENC_HIDDEN)`` is the forward arrow's last state beside the backward
        arrow's last state (the one at the first word): what a model without attention gets.
        """
        T = src.shape[1]
        packed = nn.utils.rnn.pack_padded_sequence(
            self.emb(src), torch.tensor(lengths), batch_first=True, enforce_sorted=False
        )
        out, last = self.rnn(packed)  # last: (2, B, ENC_HIDDEN), forward then backward
        h, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=T)
        summary = torch.cat([last[0], last[1]], dim=-1)  # (B, 2 * ENC_HIDDEN)
        return h, summary  # h: (B, T_src, 2 * ENC_HIDDEN)


class Seq2Seq(nn.Module):
    """Bidirectional GRU encoder, GRU decoder fed ``[previous word; context]``.

    With ``attention=True`` the context of output word i is Bahdanau's: an additive attention
    scored with the decoder's previous state ``s_{i-1}``. With ``attention=False`` it is the
    encoder's summary, the same vector at every step (the seq2seq of Cho et al. and Sutskever
    et al.). Everything else is shared. The start state is learned and the same for every
    sentence, so the context is the decoder's only road to the source. The output adds a
    read-out of the context to a read-out of the state.
    """

    def __init__(self, src_vocab: int, tgt_vocab: int, attention: bool = True):
        super().__init__()
        enc_dim = 2 * ENC_HIDDEN
        self.encoder = BiGRUEncoder(src_vocab)
        self.tgt_emb = nn.Embedding(tgt_vocab, EMBED)
        self.attention = AdditiveAttention(HIDDEN, enc_dim, ATTN) if attention else None
        self.cell = nn.GRUCell(EMBED + enc_dim, HIDDEN)
        self.out = nn.Linear(enc_dim, tgt_vocab)
        self.out_state = nn.Linear(HIDDEN, tgt_vocab)
        self.s0 = nn.Parameter(torch.zeros(HIDDEN))

    def decode_step(
        self,
        prev: torch.Tensor,
        s: torch.Tensor,
        h: torch.Tensor,
        summary: torch.Tensor,
        padding_mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """One output word: attend with the previous state, update the state, predict.

        Args:
            prev: Previous target word ids, ``(B,)``.
            s: Previous decoder state ``s_{i-1}``, ``(B, HIDDEN)``.
            h: Encoder annotations, ``(B, T_src, 2 * ENC_HIDDEN)``.
            summary: Encoder summary, ``(B, 2 * ENC_HIDDEN)`` (used without attention).
            padding_mask: ``(B, T_src)``, True for real source tokens.

        Returns:
            ``(logits (B, tgt_vocab), new state (B, HIDDEN), weights (B, T_src) or None)``.
        """
        e = self.tgt_emb(prev)  # (B, EMBED)
        if self.attention is None:
            context, weights = summary, None  # (B, 2 * ENC_HIDDEN)
        else:
            context, weights = self.attention(s, h, padding_mask)  # (B, 2 * ENC_HIDDEN)
        s = self.cell(torch.cat([e, context], dim=-1), s)  # (B, HIDDEN)
        logits = self.out(context) + self.out_state(s)  # (B, tgt_vocab)
        return logits, s, weights

    def forward(
        self, src: torch.Tensor, lengths: list[int], tgt_in: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Teacher forcing on inputs ``tgt_in`` ``(B, T_tgt)``.

        Returns:
            ``(logits (B, T_tgt, tgt_vocab), weights (B, T_tgt, T_src) or None)``.
        """
        h, summary = self.encoder(src, lengths)
        mask = make_padding_mask(lengths, src.shape[1], src.device)  # (B, T_src)
        s = self.s0.expand(src.shape[0], HIDDEN)  # (B, HIDDEN): the same for every sentence
        logits, weights = [], []
        for t in range(tgt_in.shape[1]):
            step_logits, s, step_weights = self.decode_step(tgt_in[:, t], s, h, summary, mask)
            logits.append(step_logits)
            weights.append(step_weights)
        att = None if self.attention is None else torch.stack(cast(list, weights), dim=1)
        return torch.stack(logits, dim=1), att

    @torch.no_grad()
    def greedy(
        self, src: torch.Tensor, lengths: list[int], bos: int, max_len: int
    ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
        """Greedy decoding of a batch, each step fed its own previous output.

        Returns:
            ``(word ids (B, max_len), weights (B, max_len, T_src) or None, the states used as
            queries (B, max_len, HIDDEN))``.
        """
        B = src.shape[0]
        h, summary = self.encoder(src, lengths)
        mask = make_padding_mask(lengths, src.shape[1], src.device)  # (B, T_src)
        s = self.s0.expand(B, HIDDEN)  # (B, HIDDEN)
        prev = torch.full((B,), bos, device=src.device)
        words, rows, queries = [], [], []
        for _ in range(max_len):
            queries.append(s)
            logits, s, weights = self.decode_step(prev, s, h, summary, mask)
            prev = logits.argmax(-1)  # (B,)
            words.append(prev)
            rows.append(weights)
        att = None if self.attention is None else torch.stack(cast(list, rows), dim=1)
        return torch.stack(words, dim=1), att, torch.stack(queries, dim=1)


def _batch(sents: list[tuple], src_vocab: list[str], tgt_vocab: list[str]) -> tuple:
    si = {w: i for i, w in enumerate(src_vocab)}
    ti = {w: i for i, w in enumerate(tgt_vocab)}
    pairs = [translate_by_rule(*s)[:2] for s in sents]
    T_src = max(len(s) for s, _ in pairs) + 1
    T_tgt = max(len(t) for _, t in pairs) + 1
    src = np.zeros((len(pairs), T_src), dtype=np.int64)
    tgt_in = np.zeros((len(pairs), T_tgt), dtype=np.int64)
    tgt_out = np.zeros((len(pairs), T_tgt), dtype=np.int64)
    lengths = []
    for b, (s, t) in enumerate(pairs):
        src[b, : len(s) + 1] = [si[w] for w in s] + [si[EOS]]
        tgt_in[b, : len(t) + 1] = [ti[BOS]] + [ti[w] for w in t]
        tgt_out[b, : len(t) + 1] = [ti[w] for w in t] + [ti[EOS]]
        lengths.append(len(s) + 1)
    return src, lengths, tgt_in, tgt_out


def train(
    model: Seq2Seq,
    rng: np.random.Generator,
    vocabs: tuple[list[str], list[str]],
    held_out: set[tuple],
    device: str,
) -> list[float]:
    """Adam on batches of fresh sentences; returns the loss every 50 steps and the last one."""
    src_vocab, tgt_vocab = vocabs
    opt = Adam(model.parameters(), lr=LR)
    losses = []
    for step in range(STEPS):
        sents = sample_sentences(rng, BATCH, held_out)
        src, lengths, tgt_in, tgt_out = _batch(sents, src_vocab, tgt_vocab)
        logits, _ = model(
            torch.tensor(src, device=device), lengths, torch.tensor(tgt_in, device=device)
        )
        loss = nn.functional.cross_entropy(
            logits.reshape(-1, len(tgt_vocab)),  # (B * T_tgt, V)
            torch.tensor(tgt_out, device=device).reshape(-1),  # (B * T_tgt,)
            ignore_index=0,
        )
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == STEPS - 1:
            losses.append(float(loss.detach()))
    return losses


@torch.no_grad()
def evaluate(
    model: Seq2Seq,
    sents: list[tuple],
    vocabs: tuple[list[str], list[str]],
    device: str,
) -> dict[str, float]:
    """Greedy translations of ``sents`` and, with attention, where each content word looks.

    Returns:
        ``sentence_accuracy`` (share translated exactly, end token included) and, with
        attention, ``alignment_accuracy`` (share of content words, teacher-forced, whose
        strongest weight is on the French word they translate) and ``gold_weight`` (mean
        weight on that word).
    """
    src_vocab, tgt_vocab = vocabs
    src, lengths, tgt_in, tgt_out = _batch(sents, src_vocab, tgt_vocab)
    src_t = torch.tensor(src, device=device)
    words, _, _ = model.greedy(src_t, lengths, tgt_vocab.index(BOS), tgt_out.shape[1])
    pred = to_numpy(words)  # (B, T_tgt)
    out = {"sentence_accuracy": float(((pred == tgt_out) | (tgt_out == 0)).all(axis=1).mean())}
    if model.attention is None:
        return out
    _, weights = model(src_t, lengths, torch.tensor(tgt_in, device=device))
    w = to_numpy(weights)  # (B, T_tgt, T_src)
    hits, gold_weight = [], []
    for b, sent in enumerate(sents):
        for i, g in enumerate(translate_by_rule(*sent)[2]):
            if g is not None:
                hits.append(int(np.argmax(w[b, i])) in g)
                gold_weight.append(w[b, i, sorted(g)].sum())
    out["alignment_accuracy"] = float(np.mean(hits))
    out["gold_weight"] = float(np.mean(gold_weight))
    return out


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Train the model with attention and its twin without, translate, read the alignments."""
    with cpu_threads(1):
        return _run(device, seed)


def _translate(
    model: Seq2Seq, sent: tuple, vocabs: tuple[list[str], list[str]], device: str
) -> tuple[list[str], np.ndarray, torch.Tensor, torch.Tensor]:
    """Greedy translation of one sentence, cut after the end token.

    Returns:
        ``(output words, weights (T_out, T_src), source ids (1, T_src), the decoder states used
        as queries (T_out, HIDDEN))``.
    """
    src_vocab, tgt_vocab = vocabs
    s_words, t_words, _ = translate_by_rule(*sent)
    src = torch.tensor([[src_vocab.index(w) for w in s_words] + [src_vocab.index(EOS)]])
    src = src.to(device)  # (1, T_src)
    ids, weights, queries = model.greedy(
        src, [src.shape[1]], tgt_vocab.index(BOS), len(t_words) + 3
    )
    assert weights is not None, "translation needs the model with attention"
    words = [tgt_vocab[i] for i in ids[0].tolist()]
    end = words.index(EOS) + 1 if EOS in words else len(words)
    return words[:end], to_numpy(weights[0, :end]), src, queries[0, :end]


@torch.no_grad()
def arrow_reach(model: Seq2Seq, sent: tuple, other_name: str, vocabs: tuple) -> tuple[int, int]:
    """Change the first word; count the positions whose forward / backward half changes.

    The forward arrows carry the change to every later annotation; the backward arrows run the
    other way, so only the first annotation's backward half can see it.
    """
    src_vocab = vocabs[0]
    words = [*translate_by_rule(*sent)[0], EOS]
    changed = [other_name, *words[1:]]
    device = model.s0.device
    src = torch.tensor(
        [[src_vocab.index(w) for w in words], [src_vocab.index(w) for w in changed]],
        device=device,
    )  # (2, T_src)
    h, _ = model.encoder(src, [len(words)] * 2)  # (2, T_src, 2 * ENC_HIDDEN)
    delta = (h[0] - h[1]).abs()  # (T_src, 2 * ENC_HIDDEN)
    forward = int((delta[:, :ENC_HIDDEN].amax(-1) > 0).sum())
    backward = int((delta[:, ENC_HIDDEN:].amax(-1) > 0).sum())
    return forward, backward


def _run(device: str, seed: int) -> DemoResult:
    seed_everything(seed)
    dtype = precise_dtype(device)
    vocabs = vocabularies()
    held_out = {SHOWCASE, SECOND}
    models, losses = {}, {}
    for attention in (True, False):
        torch.manual_seed(seed)  # the same start for both twins
        model = Seq2Seq(len(vocabs[0]), len(vocabs[1]), attention).to(dtype).to(device)
        losses[attention] = train(model, generator(seed), vocabs, held_out, device)
        models[attention] = model.eval()
    model = models[True]
    test = sample_sentences(generator(seed + 1), EVAL_SENTENCES, set())
    with_att = evaluate(model, test, vocabs, device)
    without = evaluate(models[False], test, vocabs, device)

    metrics: dict[str, float | int | list] = {
        "sentence_accuracy": with_att["sentence_accuracy"],
        "no_attention_sentence_accuracy": without["sentence_accuracy"],
        "alignment_accuracy": with_att["alignment_accuracy"],
        "gold_weight": with_att["gold_weight"],
        "final_loss": losses[True][-1],
        "no_attention_final_loss": losses[False][-1],
    }
    arrays: dict[str, np.ndarray] = {
        "losses": np.array(losses[True]),
        "no_attention_losses": np.array(losses[False]),
    }
    views, worst = [], 0.0
    for key, sent in (("showcase", SHOWCASE), ("reorder", SECOND)):
        s_words, t_words, gold = translate_by_rule(*sent)
        out_words, w, src, queries = _translate(model, sent, vocabs, device)
        correct = out_words == [*t_words, EOS]
        scored = [i for i, g in enumerate(gold) if g is not None and i < len(w)]
        hits = [int(np.argmax(w[i])) in gold[i] for i in scored]
        metrics[f"{key}_translation_correct"] = int(correct)
        metrics[f"{key}_alignment_accuracy"] = float(np.mean(hits)) if correct else 0.0
        arrays[f"{key}_weights"] = w
        h, _ = model.encoder(src, [src.shape[1]])
        attn = cast(AdditiveAttention, model.attention)
        for q, row in zip(queries, w, strict=True):
            _, ref_w = reference.additive_attention(
                to_numpy(q).astype(np.float64),
                to_numpy(h[0]).astype(np.float64),
                to_numpy(h[0]).astype(np.float64),
                to_numpy(attn.W_s.weight).astype(np.float64),
                to_numpy(attn.W_h.weight).astype(np.float64),
                to_numpy(attn.v.weight)[0].astype(np.float64),
            )
            worst = max(worst, float(np.abs(ref_w - row).max()))
        views.append((key, [*s_words, EOS], out_words, w, scored, hits, correct))
    # The reordering, word by word: red <- rouge, car <- voiture.
    s_words, _, gold = translate_by_rule(*SECOND)
    w = arrays["reorder_weights"]
    for word, i in (("red", 3), ("car", 4)):
        (j,) = gold[i]
        metrics[f"{word}_weight_on_{s_words[j]}"] = float(w[i, j]) if i < len(w) else 0.0
        metrics[f"{word}_strongest_on_{s_words[j]}"] = int(i < len(w) and np.argmax(w[i]) == j)
    forward, backward = arrow_reach(model, SECOND, "Marie", vocabs)
    metrics["arrow_forward_reach"] = forward
    metrics["arrow_backward_reach"] = backward
    metrics["source_length"] = len(SECOND_TOKENS)
    metrics["max_abs_diff_vs_numpy_reference"] = worst

    n = Narrator()
    _narrate(n, metrics, losses, views)
    explorer = [
        Explorer(
            name=VIEW_NAMES[key],
            tokens=src_tokens,
            heads={"additive": weights},
            query_tokens=out_words,
        )
        for key, src_tokens, out_words, weights, *_ in views
    ]
    return DemoResult(ID, device, seed, n.lines, arrays, metrics, explorer)


SECOND_TOKENS = (*translate_by_rule(*SECOND)[0], EOS)
MAX_WORDS = max(
    len(translate_by_rule(NAMES[0], "aime", obj, "mai")[0]) for obj in [*PLACES, *THINGS]
)
VIEW_NAMES = {
    "showcase": {"en": "Held out: Jane visite…", "ja": "訓練外の文: Jane visite…"},
    "reorder": {"en": "Reordered: la voiture rouge", "ja": "語順が入れ替わる: la voiture rouge"},
}


def _compare(a: float, b: float) -> dict[str, str]:
    """Comparison words for ``a`` against ``b``, picked from the numbers."""
    if abs(a - b) < 1e-12:
        return {"en": "the same as", "ja": "と同じです"}
    if a > b:
        return {"en": "higher than", "ja": "より高い値です"}
    return {"en": "lower than", "ja": "より低い値です"}


def _narrate(n: Narrator, m: dict, losses: dict, views: list) -> None:
    n.heading("The toy translation task", "おもちゃの翻訳課題")
    n.say(
        f"A small grammar (name, verb, object, 'en' + month) gives {corpus_size()} sentence pairs.\n"
        "Places may take an article ('la France' -> 'France') and adjectives move\n"
        "('la voiture rouge' -> 'the red car'). Two sentences are held out of training:",
        f"小さな文法(名前・動詞・目的語・'en' + 月)で {corpus_size()} 通りの文の対を作れます。\n"
        "地名には冠詞が付くことがあり('la France' -> 'France')、形容詞は位置が入れ替わります\n"
        "('la voiture rouge' -> 'the red car')。次の 2 文は訓練に使いません。",
    )
    for sent in (SHOWCASE, SECOND):
        src_words, tgt_words, _ = translate_by_rule(*sent)
        line = f"  {WORD_SEP.join(src_words)}  ->  {WORD_SEP.join(tgt_words)}"
        n.say(line, line)

    n.heading("The encoder's arrows and the attention line", "エンコーダの矢印と注意の線")
    n.say(
        f"Encoder (Bahdanau et al.): a forward GRU reads the source left to right, a backward GRU\n"
        f"right to left, each with a state of size {ENC_HIDDEN}. These are the RNN arrows: every\n"
        "state is computed from the previous state and the current word, one step at a time.\n"
        "The annotation of word j is h_j = [forward state at j; backward state at j].",
        f"エンコーダ(Bahdanau らの方式)では、順方向の GRU が原文を左から右へ、逆方向の GRU が右から\n"
        f"左へ読みます。状態の大きさはどちらも {ENC_HIDDEN} です。これが RNN の矢印で、各状態は直前の\n"
        "状態と今の単語から 1 ステップずつ計算されます。単語 j の注釈 h_j は\n"
        "[順方向の j での状態; 逆方向の j での状態] です。",
    )
    n.say(
        f"Change the first word of '{WORD_SEP.join(SECOND_TOKENS)}' (Paul -> Marie):\n"
        f"the forward half of h_j changes at {m['arrow_forward_reach']} of "
        f"{m['source_length']} positions, the backward half at {m['arrow_backward_reach']}.\n"
        "Along the arrows a word reaches only the states after it in their direction.",
        f"'{WORD_SEP.join(SECOND_TOKENS)}' の最初の単語を変えると(Paul -> Marie)、\n"
        f"h_j の順方向の半分は {m['source_length']} か所中 {m['arrow_forward_reach']} か所で変わり、"
        f"逆方向の半分は {m['arrow_backward_reach']} か所でしか変わりません。\n"
        "矢印に沿って、単語の情報はその向きの先にある状態にしか届きません。",
    )
    n.say(
        f"Decoder: a GRU with state s of size {HIDDEN}; the start state is learned and the same\n"
        "for every sentence. Before output word i it scores every annotation with its PREVIOUS\n"
        "state s_(i-1) (this is the attention line):\n"
        "  e_ij = v . tanh(W_s s_(i-1) + W_h h_j)   one energy per source position\n"
        "  a_i = softmax(e_i)  (padding masked)    the alignment row, sums to 1\n"
        "  c_i = sum_j a_ij h_j                    the context the decoder reads",
        f"デコーダは状態 s(大きさ {HIDDEN})を持つ GRU で、初期状態は学習されますがどの文でも同じです。\n"
        "出力の i 番目の単語の前に、1 つ前の状態 s_(i-1) で全注釈を採点します(これが注意の線です)。\n"
        "  e_ij = v . tanh(W_s s_(i-1) + W_h h_j)   原文の位置ごとに 1 つのエネルギー\n"
        "  a_i = softmax(e_i)  (パディングは除外)  対応づけの行、合計は 1\n"
        "  c_i = sum_j a_ij h_j                    デコーダが読む文脈ベクトル",
    )
    n.say(
        "A twin without attention has the same encoder and decoder, but its context is the same\n"
        "vector at every step: the encoder's two final states side by side.",
        "比較用に、エンコーダもデコーダも同じで注意だけを持たない双子のモデルも訓練します。\n"
        "その文脈ベクトルはどのステップでも同じで、エンコーダの 2 つの最終状態を並べたものです。",
    )
    loss_att = " ".join(format_number(x, 3) for x in losses[True])
    loss_no = " ".join(format_number(x, 3) for x in losses[False])
    n.say(
        f"Training: {STEPS} Adam steps on batches of {BATCH} padded sentences, lr {LR}.\n"
        f"Loss every 50 steps, with attention:    {loss_att}\n"
        f"                     without attention: {loss_no}",
        f"訓練: パディングした {BATCH} 文のバッチで Adam を {STEPS} ステップ、学習率 {LR}。\n"
        f"50 ステップごとの損失(注意あり): {loss_att}\n"
        f"                    (注意なし): {loss_no}",
    )

    for key, src_tokens, out_words, w, scored, hits, correct in views:
        title = {
            "showcase": ("A held-out sentence", "訓練に使っていない文"),
            "reorder": ("A held-out sentence with reordering", "語順が入れ替わる訓練外の文"),
        }[key]
        n.heading(*title)
        n.say(f"source: {WORD_SEP.join(src_tokens)}", f"原文: {WORD_SEP.join(src_tokens)}")
        verdict = ("correct", "正解") if correct else ("WRONG", "誤り")
        n.say(
            f"output: {WORD_SEP.join(out_words)}   ({verdict[0]})",
            f"出力: {WORD_SEP.join(out_words)}   ({verdict[1]})",
        )
        n.say(
            f"alignment weights {w.shape}: rows = output words, columns = source words",
            f"対応づけの重み {w.shape}: 行が出力の単語、列が原文の単語",
        )
        width = max(len(t) for t in src_tokens) + 1
        n.say(*[" " * 12 + "".join(t.rjust(width - 1) + "|" for t in src_tokens)] * 2)
        for i, (word, row) in enumerate(zip(out_words, w, strict=False)):
            cells = "".join(f"{x:.2f}".rjust(width - 1) + " " for x in row)
            base = (word.ljust(12)[:12] + cells).rstrip()
            if i in scored:
                n.say(base, base)
            else:
                n.say(
                    base + "   (free: not decided by the source)",
                    base + "   (自由: 原文を見なくても決まる語)",
                )
        n.say(
            f"content words whose strongest weight is on their French word: {sum(hits)} of "
            f"{len(hits)}",
            f"いちばん強い重みが対応するフランス語の単語にある内容語: {len(hits)} 語中 {sum(hits)} 語",
        )
        if key == "reorder":
            for word, fr in (("red", "rouge"), ("car", "voiture")):
                weight = format_number(m[f"{word}_weight_on_{fr}"], 2)
                if m[f"{word}_strongest_on_{fr}"]:
                    en = f"'{word}' puts {weight} on '{fr}', more than on any other source word."
                    ja = f"'{word}' は '{fr}' に {weight} の重みを置き、これが原文の中で最大です。"
                else:
                    en = f"'{word}' puts {weight} on '{fr}', but another source word gets more."
                    ja = f"'{word}' は '{fr}' に {weight} の重みを置きますが、ほかの単語のほうが重いです。"
                n.say(en, ja)

    n.heading(
        f"Over {EVAL_SENTENCES} fresh sentences (greedy decoding)",
        f"新しい {EVAL_SENTENCES} 文での成績(貪欲デコード)",
    )
    n.value("sentence_accuracy", m["sentence_accuracy"])
    n.value("no_attention_sentence_accuracy", m["no_attention_sentence_accuracy"])
    n.value("alignment_accuracy", m["alignment_accuracy"])
    n.value("gold_weight", m["gold_weight"])
    cmp = _compare(m["sentence_accuracy"], m["no_attention_sentence_accuracy"])
    acc, base = (
        format_number(m["sentence_accuracy"], 3),
        format_number(m["no_attention_sentence_accuracy"], 3),
    )
    n.say(
        f"Sentences translated without a single wrong word: {acc} with attention, {cmp['en']}\n"
        f"the {base} of the twin without it. Content words (teacher forcing) whose strongest\n"
        f"weight is on their own French word: {format_number(m['alignment_accuracy'], 3)}; mean "
        f"weight there: {format_number(m['gold_weight'], 3)}.",
        f"1 語も間違えずに訳せた文の割合は、注意ありでは {acc} で、注意なしの双子の {base} {cmp['ja']}。\n"
        f"正解の直前までの語を与えたとき(教師強制)、いちばん強い重みが自分のフランス語の単語にある内容語の割合は "
        f"{format_number(m['alignment_accuracy'], 3)}、\nその単語に置かれた重みの平均は "
        f"{format_number(m['gold_weight'], 3)} です。",
    )
    n.say(
        f"These sentences are short (at most {MAX_WORDS} words), so one fixed vector can still\n"
        "hold them. Bahdanau et al. found the fixed-vector model's translations getting worse\n"
        "as sentences grow longer, and the attention model holding up much better.",
        f"この課題の文は短い(最大 {MAX_WORDS} 語)ので、固定長のベクトル 1 本にもまだ収まります。\n"
        "Bahdanau らは、固定長ベクトルのモデルでは文が長くなるほど訳の質が落ち、注意を使うモデルは\n"
        "ずっと持ちこたえることを示しました。",
    )
    n.check(
        "PyTorch attention vs demos.attention.reference.additive_attention on the same states",
        "同じ状態での PyTorch の注意と demos.attention.reference.additive_attention の比較",
        m["max_abs_diff_vs_numpy_reference"],
        1e-6,
    )
    n.notice(
        "Each English content word looks back at the French word it translates, and nobody\n"
        "told the model which words correspond: the alignment is learned. Where the order\n"
        "differs ('red car' vs 'voiture rouge') the bright cells leave the diagonal. Words the\n"
        "grammar decides on its own ('in', 'the', the end) may look anywhere. The arrows carry\n"
        "information one step at a time; the attention line reaches every source word at once.\n"
        "The Transformer keeps the line (encoder-decoder attention) and replaces the arrows by\n"
        "self-attention.",
        "英語の内容語は、それぞれが訳しているフランス語の単語を振り返って見ています。どの単語が\n"
        "対応するかは誰も教えていないので、この対応づけは学習されたものです。語順が違うところ\n"
        "('red car' と 'voiture rouge')では、明るいセルが対角線から外れます。文法だけで決まる語\n"
        "('in'、'the'、文末)はどこを見てもかまいません。矢印は情報を 1 ステップずつしか運べませんが、\n"
        "注意の線は原文のすべての単語に一度に届きます。Transformer は線(エンコーダ・デコーダ注意)を\n"
        "残し、矢印を自己注意に置き換えました。",
    )


def claims(result: DemoResult) -> dict[str, bool]:
    """What the narration, summary and figure text say about the numbers, checked on each run."""
    m = result.metrics
    return {
        "translates_both_held_out_sentences": bool(
            m["showcase_translation_correct"] and m["reorder_translation_correct"]
        ),
        "showcase_words_look_at_their_source": m["showcase_alignment_accuracy"] == 1.0,
        "red_looks_most_at_rouge": bool(m["red_strongest_on_rouge"]),
        "car_looks_most_at_voiture": bool(m["car_strongest_on_voiture"]),
        "most_content_words_look_at_their_source": m["alignment_accuracy"] >= 0.9,
        "forward_arrows_carry_the_first_word_everywhere": (
            m["arrow_forward_reach"] == m["source_length"]
        ),
        "backward_arrows_do_not_carry_it_forward": m["arrow_backward_reach"] == 1,
        "numpy_reference_agrees": m["max_abs_diff_vs_numpy_reference"] <= 1e-6,
    }


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, object, dict[str, str]]]:
    """Alignment heatmaps of the two held-out translations, and the encoder's arrows."""
    return [_alignment_figure(result, lang), _arrows_figure(result, lang)]


LABELS = {
    "showcase": {"en": "held-out sentence", "ja": "訓練外の文"},
    "reorder": {"en": "held-out, reordered", "ja": "訓練外・語順が入れ替わる文"},
    "source": {"en": "source (French)", "ja": "原文(フランス語)"},
    "output": {"en": "output (English)", "ja": "出力(英語)"},
    "weight": {"en": "attention weight", "ja": "注意の重み"},
}


def _strongest_words(m: dict, lang: str) -> str:
    parts = []
    for word, fr in (("red", "rouge"), ("car", "voiture")):
        weight = format_number(m[f"{word}_weight_on_{fr}"], 2)
        top = m[f"{word}_strongest_on_{fr}"]
        if lang == "ja":
            how = " で、これが最大です" if top else " ですが、ほかの単語のほうが重いです"
            parts.append(f"'{word}' から '{fr}' への重みは {weight}{how}")
        else:
            how = "its strongest weight" if top else "though another word gets more"
            parts.append(f"'{word}' puts {weight} on '{fr}', {how}")
    return ("。".join(parts) + "。") if lang == "ja" else ("; ".join(parts) + ".")


def _alignment_figure(result: DemoResult, lang: str) -> tuple[str, object, dict[str, str]]:
    # matplotlib only when drawing: see demos/framework/plotting.py
    from demos.framework.plotting import heatmap, new_figure

    fig = new_figure(9.5, 4.0)
    axes = fig.subplots(1, 2)
    image = None
    for ax, key, view in zip(axes, ("showcase", "reorder"), result.explorer, strict=True):
        image = heatmap(
            ax,
            result.arrays[f"{key}_weights"],
            view.query_tokens,
            view.tokens,
            LABELS[key][lang],
            vmin=0.0,
            vmax=1.0,
            colorbar=False,
        )
        ax.set_xlabel(LABELS["source"][lang])
        ax.set_ylabel(LABELS["output"][lang])
    fig.colorbar(cast(Any, image), ax=list(axes), shrink=0.8, label=LABELS["weight"][lang])
    m = result.metrics
    acc = format_number(m["alignment_accuracy"], 2)
    alt = {
        "ja": (
            "訓練に使っていない 2 文の対応づけ(注意の重み、0〜1 の共通の色尺度)。左の"
            "「Jane · visite · l'Afrique · en · septembre」では明るいセルが対角線に並びます。右の"
            "「la voiture rouge」では語順が入れ替わり、" + _strongest_words(m, "ja") + f"新しい "
            f"{EVAL_SENTENCES} 文では、内容語の {acc} がいちばん強い重みを自分のフランス語の単語に"
            "置いています。"
        ),
        "en": (
            "Alignment weights for two held-out sentences, on one shared 0 to 1 colour scale. Left, "
            "'Jane · visite · l'Afrique · en · septembre': bright cells along the diagonal. Right, "
            "'la voiture rouge' is reordered: " + _strongest_words(m, "en") + f" Over "
            f"{EVAL_SENTENCES} fresh sentences, {acc} of the content words put their strongest "
            "weight on their own French word."
        ),
    }
    return "alignment", fig, alt


ARROW_QUERY = 3  # the output word 'red' in SECOND's translation


def _arrows_figure(result: DemoResult, lang: str) -> tuple[str, object, dict[str, str]]:
    """Question 1's picture: the RNN arrows of the encoder and the attention line."""
    # matplotlib only when drawing: see demos/framework/plotting.py
    from matplotlib.patches import FancyArrowPatch

    from demos.framework.plotting import new_figure

    tokens = list(SECOND_TOKENS)
    weights = result.arrays["reorder_weights"][ARROW_QUERY]  # (T_src,)
    out_word = (result.explorer[1].query_tokens or [])[ARROW_QUERY]
    T = len(tokens)
    fig = new_figure(9.0, 4.6)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_xlim(-1.6, T - 0.4)
    ax.set_ylim(-0.6, 5.4)
    ax.axis("off")
    rows = {"word": 0.0, "fwd": 1.2, "bwd": 2.2, "h": 3.2}
    text = {
        "fwd": {"en": "forward GRU", "ja": "順方向 GRU"},
        "bwd": {"en": "backward GRU", "ja": "逆方向 GRU"},
        "h": {"en": "annotation h_j", "ja": "注釈 h_j"},
        "s": {
            "en": f"decoder state s_(i-1), before '{out_word}'",
            "ja": f"デコーダの状態 s_(i-1)('{out_word}' の前)",
        },
        "title": {
            "en": "Arrows: the recurrence, one step at a time. Lines: attention, width = weight.",
            "ja": "矢印: 再帰(1 ステップずつ)。線: 注意(太さ = 重み)。",
        },
    }

    def box(x: float, y: float, label: str, face: str) -> None:
        ax.text(
            x, y, label, ha="center", va="center", fontsize=8,
            bbox={"boxstyle": "round,pad=0.3", "fc": face, "ec": "0.3"},
        )  # fmt: skip

    def arrow(x0: float, y0: float, x1: float, y1: float, **kw: Any) -> None:
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=10, **kw))

    # Each column: the word, its forward state (left), its backward state (right), h_j on top.
    dx = 0.2
    for j, tok in enumerate(tokens):
        box(j, rows["word"], tok, "white")
        box(j - dx, rows["fwd"], "→", "#dbe9f6")
        box(j + dx, rows["bwd"], "←", "#fde0c5")
        box(j, rows["h"], f"h{j}", "#e5e5e5")
        arrow(j - 0.05, rows["word"] + 0.25, j - dx, rows["fwd"] - 0.25, color="0.55", lw=0.8)
        arrow(j + 0.05, rows["word"] + 0.25, j + dx, rows["bwd"] - 0.25, color="0.55", lw=0.8)
        arrow(j - dx, rows["fwd"] + 0.25, j - 0.05, rows["h"] - 0.25, color="0.55", lw=0.8)
        arrow(j + dx, rows["bwd"] + 0.25, j + 0.05, rows["h"] - 0.25, color="0.55", lw=0.8)
        if j < T - 1:
            arrow(j - dx + 0.2, rows["fwd"], j + 1 - dx - 0.2, rows["fwd"], color="#1f5fa8", lw=1.6)
            arrow(j + 1 + dx - 0.2, rows["bwd"], j + dx + 0.2, rows["bwd"], color="#c0560f", lw=1.6)
    for key in ("fwd", "bwd", "h"):
        ax.text(-0.6, rows[key], text[key][lang], ha="right", va="center", fontsize=8)
    s_xy = ((T - 1) / 2, 4.8)
    box(*s_xy, text["s"][lang], "#fff7c2")
    for j, w in enumerate(weights):
        ax.plot(
            [s_xy[0], j], [s_xy[1] - 0.25, rows["h"] + 0.25], color="#6a2c91",
            lw=0.3 + 6 * float(w), alpha=0.35 + 0.65 * float(w), solid_capstyle="round",
        )  # fmt: skip
        ax.text(j + 0.12, rows["h"] + 0.55, f"{w:.2f}", fontsize=7, color="#6a2c91")
    ax.set_title(text["title"][lang], fontsize=9)
    m = result.metrics
    top = tokens[int(np.argmax(weights))]
    w_top = format_number(float(np.max(weights)), 2)
    alt = {
        "ja": (
            f"「{WORD_SEP.join(tokens)}」を読むエンコーダの図。順方向の GRU の矢印は左から右へ、逆方向の"
            "矢印は右から左へ、1 ステップずつ状態を渡します。各単語の注釈 h_j は両方向の状態を並べた"
            f"ものです。上のデコーダの状態('{out_word}' を出す前)から各注釈へ、重みに比例した太さの"
            f"線が伸びています。いちばん太い線は '{top}' への {w_top} です。最初の単語を変えると、"
            f"順方向の半分は {m['source_length']} か所すべてで、逆方向の半分は "
            f"{m['arrow_backward_reach']} か所だけで変わります。"
        ),
        "en": (
            f"Diagram of the encoder reading '{WORD_SEP.join(tokens)}'. The forward GRU's arrows pass "
            "the state left to right, the backward GRU's right to left, one step at a time; each "
            "annotation h_j puts the two states side by side. Lines run from the decoder state "
            f"before '{out_word}' to every annotation, as thick as their weight; the thickest goes "
            f"to '{top}' ({w_top}). Changing the first word changes the forward half at all "
            f"{m['source_length']} positions and the backward half at "
            f"{m['arrow_backward_reach']}."
        ),
    }
    return "encoder_arrows", fig, alt
