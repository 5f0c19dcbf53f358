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
    EnglishOnlyNarrator,
    Explorer,
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
EMBED, HIDDEN, ATTN = 16, 32, 32
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


class Seq2Seq(nn.Module):
    """Word-wise encoder, GRU decoder fed ``[previous word; context]``.

    The output adds a read-out of the context to a read-out of the state (no product of the
    two), which keeps the model from naming a word it did not look at by elimination.
    """

    def __init__(self, src_vocab: int, tgt_vocab: int):
        super().__init__()
        self.src_emb = nn.Embedding(src_vocab, EMBED)
        self.tgt_emb = nn.Embedding(tgt_vocab, EMBED)
        enc_dim = HIDDEN
        self.encoder = nn.Sequential(nn.Linear(EMBED, HIDDEN), nn.Tanh())
        self.attention = AdditiveAttention(HIDDEN, enc_dim, ATTN)
        self.cell = nn.GRUCell(EMBED + enc_dim, HIDDEN)
        self.out = nn.Linear(enc_dim, tgt_vocab)
        self.out_state = nn.Linear(HIDDEN, tgt_vocab)
        # A learned start state (the same for every sentence): the first query can then ask
        # for "the subject" without carrying any information about this particular source.
        self.s0 = nn.Parameter(torch.zeros(HIDDEN))

    def encode(self, src: torch.Tensor) -> torch.Tensor:
        """``src`` ``(B, T_src)`` -> annotations ``(B, T_src, HIDDEN)``, one per word."""
        return self.encoder(self.src_emb(src))

    def decode_step(
        self, prev: torch.Tensor, s: torch.Tensor, h: torch.Tensor, padding_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """One output word: attend with the old state, update the state, predict.

        Args:
            prev: Previous target word ids, ``(B,)``.
            s: Previous decoder state, ``(B, HIDDEN)``.
            h: Encoder annotations, ``(B, T_src, HIDDEN)``.
            padding_mask: ``(B, T_src)``, True for real source tokens.

        Returns:
            ``(logits (B, tgt_vocab), new state (B, HIDDEN), weights (B, T_src))``.
        """
        e = self.tgt_emb(prev)  # (B, EMBED)
        context, weights = self.attention(s, h, padding_mask)  # (B, HIDDEN), (B, T_src)
        s = self.cell(torch.cat([e, context], dim=-1), s)  # (B, HIDDEN)
        logits = self.out(context) + self.out_state(s)  # (B, tgt_vocab)
        return logits, s, weights

    def forward(
        self, src: torch.Tensor, padding_mask: torch.Tensor, tgt_in: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Teacher forcing on inputs ``tgt_in`` ``(B, T_tgt)``.

        Returns:
            ``(logits (B, T_tgt, tgt_vocab), weights (B, T_tgt, T_src))``.
        """
        h = self.encode(src)
        s = self.s0.expand(src.shape[0], HIDDEN)  # (B, HIDDEN): the same for every sentence
        logits, weights = [], []
        for t in range(tgt_in.shape[1]):
            step_logits, s, step_weights = self.decode_step(tgt_in[:, t], s, h, padding_mask)
            logits.append(step_logits)
            weights.append(step_weights)
        return torch.stack(logits, dim=1), torch.stack(weights, dim=1)

    @torch.no_grad()
    def translate(
        self, src: torch.Tensor, bos: int, eos: int, max_len: int = 10
    ) -> tuple[list[int], torch.Tensor, list[torch.Tensor]]:
        """Greedy decoding of one sentence ``src`` ``(1, T_src)``.

        Returns:
            ``(word ids, weights (T_out, T_src), decoder states used as queries)``.
        """
        mask = torch.ones_like(src, dtype=torch.bool)
        h = self.encode(src)
        s = self.s0[None]  # (1, HIDDEN)
        prev = torch.tensor([bos], device=src.device)
        words, rows, queries = [], [], []
        for _ in range(max_len):
            queries.append(s[0].clone())
            logits, s, weights = self.decode_step(prev, s, h, mask)
            prev = logits.argmax(-1)
            words.append(int(prev))
            rows.append(weights[0])
            if int(prev) == eos:
                break
        return words, torch.stack(rows), queries


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


@torch.no_grad()
def evaluate(
    model: Seq2Seq, rng: np.random.Generator, src_vocab: list[str], tgt_vocab: list[str]
) -> tuple[float, float, float]:
    """Teacher-forced check on fresh sentences.

    Returns:
        ``(sentence accuracy, share of content words whose argmax weight is on their gold
        source word, mean weight on the gold source words)``.
    """
    sents = sample_sentences(rng, EVAL_SENTENCES, set())
    src, lengths, tgt_in, tgt_out = _batch(sents, src_vocab, tgt_vocab)
    device = model.s0.device
    mask = make_padding_mask(lengths, src.shape[1], device)  # (B, T_src)
    logits, weights = model(
        torch.tensor(src, device=device), mask, torch.tensor(tgt_in, device=device)
    )
    pred = to_numpy(logits.argmax(-1))  # (B, T_tgt)
    w = to_numpy(weights)  # (B, T_tgt, T_src)
    right = ((pred == tgt_out) | (tgt_out == 0)).all(axis=1)
    hits, gold_weight = [], []
    for b, sent in enumerate(sents):
        for i, g in enumerate(translate_by_rule(*sent)[2]):
            if g is not None:
                hits.append(int(np.argmax(w[b, i])) in g)
                gold_weight.append(w[b, i, sorted(g)].sum())
    return float(right.mean()), float(np.mean(hits)), float(np.mean(gold_weight))


def _both(text: str) -> dict[str, str]:
    return {"en": text, "ja": text}


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

    n = EnglishOnlyNarrator()
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
                name=_both(f"decoder -> encoder attention: {WORD_SEP.join(s_words)}"),
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


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, object, dict[str, str]]]:
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
