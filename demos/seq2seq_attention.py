"""Additive (Bahdanau) attention in a small encoder-decoder, trained on a toy translation task.

An encoder turns each French-like word into an annotation ``h_j``; a GRU decoder writes the
English one word at a time and, before each word, scores every annotation with
``v . tanh(W_s s + W_h h_j)``. The decoder's start state is the same for every sentence, so
attention is its only road to the source. The encoder is word-wise (no RNN) so that each
annotation is its own word and the heatmap can be read directly; Bahdanau's bidirectional RNN
mixes neighbours into every annotation, which blurs a small model's map. After about a second of
training the alignment for "Jane · visite · l'Afrique · en · septembre" (held out of training) is the
diagonal you would draw by hand, and "la voiture rouge" -> "the red car" shows a reordering.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from demos import reference
from demos.core import (
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
from demos.torch_attention import padding_mask as make_padding_mask

ID = "seq2seq_attention"
TITLE = {
    "ja": "seq2seq と加法注意: 翻訳のアラインメントを見る",
    "en": "Seq2seq with additive attention: watch a translation align",
}
SUMMARY = {
    "ja": (
        "単語ごとのエンコーダと GRU デコーダからなる小さなモデルに Bahdanau 型の加法注意を付け、"
        "フランス語風の短文を英語に訳す課題で数秒だけ訓練します。デコーダは出力の 1 語ごとに"
        "入力の全位置を採点し、その重みで文脈ベクトルを作ります。訓練に出てこない "
        "「Jane · visite · l'Afrique · en · septembre」を訳させ、対応づけのヒートマップを描きます。"
    ),
    "en": (
        "A small encoder-decoder (a word-wise encoder and a GRU decoder) with Bahdanau's "
        "additive attention is trained for a few seconds to translate short French-like sentences into "
        "English. For every output word the decoder scores all source positions and mixes them "
        "into a context vector. It then translates the held-out sentence 'Jane · visite · "
        "l'Afrique · en · septembre', and the alignment heatmap shows which source word each "
        "English word used."
    ),
}
RESOURCES = (
    "visualizing-nmt",
    "nnc-attention-video",
    "smerity-gnmt-architecture",
    "coursera-self-attention",
    "transformer-by-feel",
)
CODE = {
    "PyTorch": "demos.seq2seq_attention:AdditiveAttention",
    "NumPy": "demos.reference:additive_attention",
    "decoder step": "demos.seq2seq_attention:Seq2Seq.decode_step",
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
    english = {**PLACES, **THINGS}[obj]
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

    def forward(
        self, src: torch.Tensor, lengths: list[int]
    ) -> tuple[torch.Tensor, torch.Tensor]:
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
        att = torch.stack(weights, dim=1) if self.attention is not None else None
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
        att = torch.stack(rows, dim=1) if self.attention is not None else None
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
    opt = torch.optim.Adam(model.parameters(), lr=LR)
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
    """Train the encoder-decoder, translate the held-out sentences, read the alignments."""
    with cpu_threads(1):
        return _run(device, seed)


def _run(device: str, seed: int) -> DemoResult:
    seed_everything(seed)
    rng = generator(seed)
    dtype = precise_dtype(device)
    src_vocab, tgt_vocab = vocabularies()
    held_out = {SHOWCASE, SECOND}
    torch.manual_seed(seed)
    model = Seq2Seq(len(src_vocab), len(tgt_vocab)).to(dtype).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    losses = []
    for step in range(STEPS):
        sents = sample_sentences(rng, BATCH, held_out)
        src, lengths, tgt_in, tgt_out = _batch(sents, src_vocab, tgt_vocab)
        mask = make_padding_mask(lengths, src.shape[1], device)  # (B, T_src)
        logits, _ = model(
            torch.tensor(src, device=device), mask, torch.tensor(tgt_in, device=device)
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

    model.eval()
    test_acc, test_align, test_gold = evaluate(model, generator(seed + 1), src_vocab, tgt_vocab)

    n = Narrator()
    n.heading("The toy translation task")
    n.say(
        f"A small grammar (name, verb, object, 'en' + month) gives {corpus_size()} sentence pairs.\n"
        "Places may take an article ('la France' -> 'France') and adjectives move\n"
        "('la voiture rouge' -> 'the red car'). Two sentences are held out of training:"
    )
    for sent in (SHOWCASE, SECOND):
        src_words, tgt_words, _ = translate_by_rule(*sent)
        n.say(f"  {WORD_SEP.join(src_words)}  ->  {WORD_SEP.join(tgt_words)}")
    n.say(
        f"Encoder: one annotation h_j per source word, size {HIDDEN}.\n"
        f"Decoder: GRU with state s of size {HIDDEN}; the start state is the same for every\n"
        "sentence, so the source reaches the decoder only through attention. Per output word:\n"
        "  e_j = v . tanh(W_s s + W_h h_j)      one energy per source position\n"
        "  a = softmax(e)  (padding masked)    the alignment row, sums to 1\n"
        "  c = sum_j a_j h_j                    the context the decoder reads"
    )
    n.say(
        f"Training: {STEPS} Adam steps on batches of {BATCH} padded sentences, lr {LR}.\n"
        "Loss every 50 steps: " + " ".join(format_number(x, 3) for x in losses)
    )

    si = {w: i for i, w in enumerate(src_vocab)}
    metrics: dict[str, float] = {
        "final_loss": losses[-1],
        "test_sentence_accuracy": test_acc,
        "test_content_alignment_accuracy": test_align,
        "test_content_gold_weight": test_gold,
    }
    arrays: dict[str, np.ndarray] = {"losses": np.array(losses)}
    explorer = []
    worst = 0.0
    for key, sent in (("showcase", SHOWCASE), ("reorder", SECOND)):
        s_words, t_words, gold = translate_by_rule(*sent)
        src = torch.tensor([[si[w] for w in s_words] + [si[EOS]]], device=device)
        ids, weights, queries = model.translate(src, tgt_vocab.index(BOS), tgt_vocab.index(EOS))
        out_words = [tgt_vocab[i] for i in ids]
        w = to_numpy(weights)  # (T_out, T_src)
        correct = out_words == [*t_words, EOS]
        scored = [i for i, g in enumerate(gold) if g is not None and i < len(w)]
        hits = [int(np.argmax(w[i])) in gold[i] for i in scored]
        metrics[f"{key}_translation_correct"] = float(correct)
        metrics[f"{key}_alignment_accuracy"] = float(np.mean(hits)) if correct else 0.0
        arrays[f"{key}_weights"] = w
        src_tokens = [*s_words, EOS]
        h = model.encode(src)[0]  # (T_src, HIDDEN)
        for i, q in enumerate(queries):
            _, ref_w = reference.additive_attention(
                to_numpy(q).astype(np.float64),
                to_numpy(h).astype(np.float64),
                to_numpy(h).astype(np.float64),
                to_numpy(model.attention.W_s.weight).astype(np.float64),
                to_numpy(model.attention.W_h.weight).astype(np.float64),
                to_numpy(model.attention.v.weight)[0].astype(np.float64),
            )
            worst = max(worst, float(np.abs(ref_w - w[i]).max()))
        n.heading(f"Translating a held-out sentence ({key})")
        n.say(f"source: {WORD_SEP.join(src_tokens)}")
        n.say(f"output: {WORD_SEP.join(out_words)}   ({'correct' if correct else 'WRONG'})")
        n.say(f"alignment weights {w.shape}: rows = output words, columns = source words")
        width = max(len(t) for t in src_tokens) + 1
        n.say(" " * 12 + "".join(t.rjust(width - 1) + "|" for t in src_tokens))
        for i, (word, row) in enumerate(zip(out_words, w, strict=False)):
            mark = "" if i in scored else "   (free: not decided by the source)"
            cells = "".join(f"{x:.2f}".rjust(width - 1) + " " for x in row)
            n.say((word.ljust(12)[:12] + cells).rstrip() + mark)
        n.say(
            f"content words whose strongest weight is on their French word: {sum(hits)} of "
            f"{len(hits)}"
        )
        explorer.append(
            Explorer(
                name=f"decoder -> encoder attention: {WORD_SEP.join(s_words)}",
                tokens=src_tokens,
                heads={"additive": w},
                query_tokens=out_words,
            )
        )
    metrics["max_abs_diff_vs_numpy_reference"] = worst
    n.heading(f"Over {EVAL_SENTENCES} fresh sentences (teacher forcing)")
    n.value("sentences translated without a single wrong word", test_acc)
    n.value("content words whose strongest weight is on their French word", test_align)
    n.value("mean weight on the right French word", test_gold)
    n.say(
        "PyTorch attention vs demos.reference.additive_attention on the same states: "
        + ("agree (< 1e-6)" if worst < 1e-6 else f"differ by {worst:.2e}")
    )
    n.notice(
        "Each English content word looks back at the French word it translates, and nobody\n"
        "told the model which words correspond: the alignment is learned. Where the order\n"
        "differs ('red car' vs 'voiture rouge') the bright cells leave the diagonal. Words the\n"
        "grammar decides on its own ('in', 'the', the end) may look anywhere. This is the step\n"
        "from plain seq2seq (one vector for the whole source) to attention; the Transformer\n"
        "later applies the same look-up inside one sentence: self-attention."
    )
    return DemoResult(ID, device, seed, n.lines, arrays, metrics, explorer)


def figures(result: DemoResult) -> list[tuple[str, object, dict[str, str]]]:
    """Alignment heatmaps of the two held-out translations."""
    from demos.plotting import heatmap, new_figure

    fig = new_figure(9.0, 4.0)
    for i, key in enumerate(("showcase", "reorder")):
        view = result.explorer[i]
        ax = fig.add_subplot(1, 2, i + 1)
        title = "held-out sentence" if key == "showcase" else "held-out, with reordering"
        heatmap(ax, result.arrays[f"{key}_weights"], view.query_tokens, view.tokens, title)
        ax.set_xlabel("source (French)")
        ax.set_ylabel("output (English)")
    alt = {
        "ja": (
            "訓練に使っていない 2 文の対応づけ(注意の重み)。左の「Jane · visite · l'Afrique · en · "
            "septembre」ではほぼ対角線上が明るく、右の la voiture rouge では red が rouge を、"
            "car が voiture を見るため対角線から外れる。"
        ),
        "en": (
            "Alignment weights for two held-out sentences. Left, 'Jane · visite · l'Afrique · en · "
            "septembre': bright cells along the diagonal. Right, 'la voiture rouge': 'red' looks "
            "at 'rouge' and 'car' at 'voiture', off the diagonal."
        ),
    }
    return [("alignment", fig, alt)]
