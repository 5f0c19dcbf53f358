"""A tiny BERT-style encoder: [CLS]/[SEP], segments, bidirectional attention, masked words.

Each example is ``[CLS] A [SEP] B [SEP]`` where segment B repeats segment A word for word, and
one word in A or in B is replaced by [MASK]. To fill it in, the model has to find the same
position in the other segment, which is to the right when the mask is in A: only an encoder
that attends in both directions can do that. The same model trained with a causal mask
(a GPT-style decoder) shows what is lost.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from demos.attention.torch_attention import TransformerEncoderLayer, causal_mask
from demos.framework.core import (
    DemoResult,
    Explorer,
    Narrator,
    cpu_threads,
    format_number,
    generator,
    pick,
    precise_dtype,
    seed_everything,
    to_numpy,
)
from demos.framework.optim import Adam

ID = "bert_style_encoder"
TITLE = {
    "ja": "BERT風の小さなエンコーダ: 層ごと・ヘッドごとの注意",
    "en": "A tiny BERT-style encoder: attention per layer and head",
}
SUMMARY = {
    "ja": (
        "[CLS]と[SEP]で2つの区間をつなぐBERT型の入力を、2層2ヘッドの小さな双方向"
        "エンコーダで数秒だけ訓練します。課題は隠された単語([MASK])の穴埋めで、答えはもう"
        "一方の区間の同じ位置にあります。層とヘッドごとの注意マップで答えを探しに行くヘッドを"
        "観察し、因果マスク付き(GPT型)では右側を見られないため前半の穴が埋まらないことを"
        "比べます。"
    ),
    "en": (
        "A BERT-style input, two segments joined by [CLS] and [SEP], goes through a tiny "
        "bidirectional encoder (2 layers, 2 heads) trained for a few seconds to fill in a "
        "[MASK]ed word whose answer sits at the same position in the other segment. The "
        "attention maps per layer and head show the heads looking up the answer; the same model "
        "with a causal mask (GPT-style) cannot look right and fails on masks in the first "
        "segment."
    ),
}
CODE = {
    "model": "demos.gallery.bert_style_encoder:TinyBert",
    "examples": "demos.gallery.bert_style_encoder:make_batch",
}

WORDS = (
    "the", "cat", "dog", "sat", "ran", "on", "mat", "big", "red", "old", "saw", "bird",
)  # fmt: skip
SPECIAL = ("[PAD]", "[CLS]", "[SEP]", "[MASK]")
VOCAB = (*SPECIAL, *WORDS)
SEG_LEN = 5
T = 1 + SEG_LEN + 1 + SEG_LEN + 1
A_START, B_START = 1, 2 + SEG_LEN
N_EMBD, N_HEAD, N_LAYER = 32, 2, 2
STEPS = 150
BATCH = 64
LR = 3e-3
SHOWCASE = ("the", "big", "cat", "sat", "on")
SHOWCASE_MASK = A_START + 2  # "cat" in segment A: the answer is to the right, in segment B


def tokens_of(words: tuple[str, ...] | list[str], masked: int) -> list[str]:
    """``[CLS] A [SEP] A [SEP]`` with position ``masked`` replaced by [MASK]."""
    toks = ["[CLS]", *words, "[SEP]", *words, "[SEP]"]
    toks[masked] = "[MASK]"
    return toks


SEGMENTS = np.array([0] * (2 + SEG_LEN) + [1] * (SEG_LEN + 1))


def make_batch(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random examples: ``(token ids (count, T), masked position (count,), answer id (count,))``.

    Segment A is ``SEG_LEN`` random words, segment B repeats it, one word of either is masked.
    """
    index = {w: i for i, w in enumerate(VOCAB)}
    words = rng.integers(len(SPECIAL), len(VOCAB), size=(count, SEG_LEN))
    ids = np.empty((count, T), dtype=np.int64)
    ids[:, 0] = index["[CLS]"]
    ids[:, A_START : A_START + SEG_LEN] = words
    ids[:, A_START + SEG_LEN] = index["[SEP]"]
    ids[:, B_START : B_START + SEG_LEN] = words
    ids[:, -1] = index["[SEP]"]
    offset = rng.integers(SEG_LEN, size=count)
    in_b = rng.integers(2, size=count).astype(bool)
    masked = np.where(in_b, B_START, A_START) + offset
    answers = ids[np.arange(count), masked].copy()
    ids[np.arange(count), masked] = index["[MASK]"]
    return ids, masked, answers


def mirror(position: np.ndarray | int) -> np.ndarray | int:
    """The same word's position in the other segment."""
    return np.where(position >= B_START, position - (SEG_LEN + 1), position + (SEG_LEN + 1))


class TinyBert(nn.Module):
    """Token + position + segment embeddings, ``N_LAYER`` encoder layers, a word predictor."""

    def __init__(self) -> None:
        super().__init__()
        self.tok = nn.Embedding(len(VOCAB), N_EMBD)
        self.pos = nn.Embedding(T, N_EMBD)
        self.seg = nn.Embedding(2, N_EMBD)
        self.layers = nn.ModuleList(
            TransformerEncoderLayer(N_EMBD, N_HEAD, ff_mult=2) for _ in range(N_LAYER)
        )
        self.head = nn.Linear(N_EMBD, len(VOCAB))
        for emb in (self.tok, self.pos, self.seg):
            nn.init.normal_(emb.weight, std=0.3)

    def forward(
        self, idx: torch.Tensor, causal: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """``idx`` ``(B, T)`` -> ``(logits (B, T, V), [attention (B, n_head, T, T)] per layer)``.

        Args:
            idx: Token ids.
            causal: A ``causal_mask`` ``(T, T)`` to turn the encoder into a left-to-right model,
                or None for BERT's bidirectional attention.
        """
        positions = torch.arange(idx.shape[1], device=idx.device)
        segments = torch.as_tensor(SEGMENTS, device=idx.device)
        x = self.tok(idx) + self.pos(positions) + self.seg(segments)  # (B, T, C)
        maps = []
        for layer in self.layers:
            x, att = layer(x, causal_mask=causal)  # (B, T, C), (B, n_head, T, T)
            maps.append(att)
        return self.head(x), maps


def train(
    model: TinyBert, rng: np.random.Generator, device: str, causal: torch.Tensor | None
) -> list[float]:
    """Masked-word training; returns the loss every 50 steps."""
    opt = Adam(model.parameters(), lr=LR)
    losses = []
    for step in range(STEPS):
        ids, masked, answers = make_batch(rng, BATCH)
        logits, _ = model(torch.tensor(ids, device=device), causal)
        rows = torch.arange(BATCH, device=device)
        picked = logits[rows, torch.tensor(masked, device=device)]  # (B, V)
        loss = nn.functional.cross_entropy(picked, torch.tensor(answers, device=device))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == STEPS - 1:
            losses.append(float(loss.detach()))
    return losses


@torch.no_grad()
def evaluate(
    model: TinyBert, ids: np.ndarray, masked: np.ndarray, answers: np.ndarray, device: str,
    causal: torch.Tensor | None,
) -> dict[str, float]:  # fmt: skip
    """Accuracy for masks in A and in B, and the best head's weight from [MASK] to its mirror."""
    logits, maps = model(torch.tensor(ids, device=device), causal)
    pred = to_numpy(logits.argmax(-1))[np.arange(len(ids)), masked]
    in_a = masked < B_START
    out = {
        "accuracy_mask_in_a": float((pred == answers)[in_a].mean()),
        "accuracy_mask_in_b": float((pred == answers)[~in_a].mean()),
    }
    best = 0.0
    for att in maps:
        a = to_numpy(att)[np.arange(len(ids)), :, masked]  # (N, n_head, T)
        on_mirror = a[np.arange(len(ids)), :, mirror(masked)]  # (N, n_head)
        best = max(best, float(on_mirror.mean(axis=0).max()))
    out["best_head_weight_on_mirror"] = best
    return out


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Train the bidirectional encoder and its causal twin; read the attention maps."""
    with cpu_threads(1):
        return _run(device, seed)


def _run(device: str, seed: int) -> DemoResult:
    seed_everything(seed)
    dtype = precise_dtype(device)
    test = make_batch(generator(seed + 1), 500)
    results, models, losses = {}, {}, {}
    for kind in ("bidirectional", "causal"):
        torch.manual_seed(seed)
        model = TinyBert().to(dtype).to(device)
        causal = causal_mask(T, device) if kind == "causal" else None
        losses[kind] = train(model, generator(seed), device, causal)
        model.eval()
        results[kind] = evaluate(model, *test, device, causal)
        models[kind] = model

    index = {w: i for i, w in enumerate(VOCAB)}
    show = tokens_of(SHOWCASE, SHOWCASE_MASK)
    with torch.no_grad():
        logits, maps = models["bidirectional"](
            torch.tensor([[index[t] for t in show]], device=device)
        )
    probs = to_numpy(torch.softmax(logits[0, SHOWCASE_MASK], -1))
    maps_np = [to_numpy(a[0]) for a in maps]  # each (n_head, T, T)

    n = Narrator()
    n.heading("Input and task", "入力と課題")
    n.say(
        "BERT reads two segments at once: [CLS] segment A [SEP] segment B [SEP], with a\n"
        "segment embedding (0 for A, 1 for B) added to every token and position embedding.\n"
        "Here B repeats A, and one word is hidden behind [MASK]; the answer is the word at the\n"
        "same position in the other segment (to the right if the mask is in A).",
        "BERT は二つの区間を一度に読みます。[CLS] 区間 A [SEP] 区間 B [SEP] の形で、各トークン\n"
        "と位置の埋め込みに区間の埋め込み(A なら 0、B なら 1)を足します。ここでは B が A を\n"
        "繰り返し、一つの単語が [MASK] で隠されています。答えはもう一方の区間の同じ位置にある\n"
        "単語です(マスクが A にあれば右側にあります)。",
    )
    n.say(f"example: {' '.join(show)}", f"例: {' '.join(show)}")
    n.say(
        f"model: {N_LAYER} encoder layers, {N_HEAD} heads, C = {N_EMBD}, T = {T}, "
        f"vocabulary {len(VOCAB)}; {STEPS} Adam steps, batches of {BATCH}\n"
        f"attention maps per layer: shape (B, n_head, T, T) = (1, {N_HEAD}, {T}, {T})",
        f"モデル: エンコーダ {N_LAYER} 層、ヘッド {N_HEAD} 個、C = {N_EMBD}、T = {T}、"
        f"語彙 {len(VOCAB)} 語。Adam で {STEPS} ステップ、バッチは {BATCH} 例\n"
        f"層ごとの注意マップの形: (B, n_head, T, T) = (1, {N_HEAD}, {T}, {T})",
    )
    for kind in ("bidirectional", "causal"):
        if kind == "bidirectional":
            n.heading("bidirectional attention (BERT)", "双方向の注意(BERT)")
        else:
            n.heading("causal attention (GPT-style)", "因果的な注意(GPT 型)")
        curve = " ".join(format_number(x, 3) for x in losses[kind])
        n.say(f"loss every 50 steps: {curve}", f"50 ステップごとの損失: {curve}")
        r = results[kind]
        n.say(
            "accuracy, mask in segment A (answer to the right): "
            f"{format_number(r['accuracy_mask_in_a'])}\n"
            "accuracy, mask in segment B (answer to the left): "
            f"{format_number(r['accuracy_mask_in_b'])}\n"
            "best head's mean weight from [MASK] to the answer: "
            f"{format_number(r['best_head_weight_on_mirror'])}",
            f"正解率(マスクが区間 A、答えは右): {format_number(r['accuracy_mask_in_a'])}\n"
            f"正解率(マスクが区間 B、答えは左): {format_number(r['accuracy_mask_in_b'])}\n"
            "[MASK] から答えへの重みの平均(最もよく見るヘッド): "
            f"{format_number(r['best_head_weight_on_mirror'])}",
        )
    chance = format_number(1 / len(WORDS))
    n.say(
        f"chance level: 1/{len(WORDS)} = {chance}",
        f"当てずっぽうの正解率: 1/{len(WORDS)} = {chance}",
    )

    n.heading(
        "Who looks where (bidirectional model, the example above)",
        "どこを見ているか(双方向モデル、上の例)",
    )
    special = {"[CLS]": [0], "[SEP]": [A_START + SEG_LEN, T - 1]}
    head_stats = {}
    for layer, att in enumerate(maps_np, start=1):
        for h in range(N_HEAD):
            a = att[h]  # (T, T)
            stats = {
                "to [CLS]": float(a[:, special["[CLS]"]].sum(-1).mean()),
                "to [SEP]": float(a[:, special["[SEP]"]].sum(-1).mean()),
                "to itself": float(np.diag(a).mean()),
                "to the mirror": float(
                    np.mean([a[i, mirror(i)] for i in range(1, T - 1) if i != A_START + SEG_LEN])
                ),
            }
            head_stats[(layer, h + 1)] = stats
            parts = "  ".join(f"{k} {format_number(v, 2)}" for k, v in stats.items())
            n.say(f"layer {layer} head {h + 1}: {parts}", f"layer {layer} head {h + 1}: {parts}")
    row = maps_np[0][:, SHOWCASE_MASK]  # (n_head, T)
    n.say(
        f"[MASK] at position {SHOWCASE_MASK} looks at (layer 1, per head):",
        f"位置 {SHOWCASE_MASK} の [MASK] が見ている先(第 1 層、ヘッドごと):",
    )
    for h in range(N_HEAD):
        top = np.argsort(-row[h])[:3]
        line = f"  head {h + 1}: " + ", ".join(
            f"{show[j]}@{j} {format_number(row[h, j], 2)}" for j in top
        )
        n.say(line, line)
    best = int(np.argmax(probs))
    n.say(
        f"prediction for [MASK]: {VOCAB[best]!r} (p = {format_number(probs[best])})",
        f"[MASK] の予測: {VOCAB[best]!r}(p = {format_number(probs[best])})",
    )
    r_bi, r_ca = results["bidirectional"], results["causal"]
    n.notice(
        "Nothing stops a BERT token from looking right: the [MASK] in segment A finds its answer\n"
        f"in segment B ({r_bi['accuracy_mask_in_a']:.0%} correct). A causal (left-to-right) model "
        f"cannot see it there, so it\nstays near chance ({r_ca['accuracy_mask_in_a']:.0%}) while "
        f"masks in B are still solved ({r_ca['accuracy_mask_in_b']:.0%}).\n"
        "What each head does is learned from the task. This toy model learns only a copy task,\n"
        'so its maps show that task. In BERT trained on real text, Clark et al. (2019, "What\n'
        'Does BERT Look At?") found both: many heads park their weight on [SEP] or [CLS], and\n'
        "some heads follow grammatical relations, such as a verb's direct object or a noun's\n"
        "determiner, far better than a baseline that looks at fixed offsets.",
        "BERT のトークンが右側を見ることを妨げるものはありません。区間 A の [MASK] は区間 B に\n"
        f"答えを見つけます(正解率 {r_bi['accuracy_mask_in_a']:.0%})。因果的な(左から右への)"
        "モデルにはそこが見えないので、\n"
        f"正解率は当てずっぽうに近いまま({r_ca['accuracy_mask_in_a']:.0%})ですが、区間 B の"
        f"マスクは解けます({r_ca['accuracy_mask_in_b']:.0%})。\n"
        "各ヘッドが何をするかは課題から学ばれます。この小さなモデルが学ぶのは写し取りの課題\n"
        "だけなので、マップにはその課題が現れます。実際の文章で学習した BERT については、\n"
        'Clark ら(2019、"What Does BERT Look At?")が両方を見つけています。多くのヘッドは\n'
        "重みを [SEP] や [CLS] に逃がし、一部のヘッドは動詞の直接目的語や名詞の限定詞のような\n"
        "文法上の関係を、決まった距離の位置を見るだけの基準よりはるかによく追っています。",
    )

    metrics: dict[str, float] = {}
    for kind, r in results.items():
        for key, value in r.items():
            metrics[f"{kind}_{key}"] = value
    metrics["showcase_predicts_cat"] = int(VOCAB[best] == SHOWCASE[SHOWCASE_MASK - A_START])
    to_answer = [att[:, SHOWCASE_MASK, mirror(SHOWCASE_MASK)] for att in maps_np]  # (n_head,)
    metrics["showcase_mask_to_answer_weight"] = float(max(w.max() for w in to_answer))
    for (layer, h), stats in head_stats.items():
        metrics[f"layer{layer}_head{h}_to_sep"] = stats["to [SEP]"]
    arrays = {f"layer{i + 1}": att for i, att in enumerate(maps_np)}
    explorer = [
        Explorer(
            name={"en": f"layer {i + 1}", "ja": f"第 {i + 1} 層"},
            tokens=list(show),
            heads={f"head {h + 1}": att[h] for h in range(N_HEAD)},
        )
        for i, att in enumerate(maps_np)
    ]
    return DemoResult(ID, device, seed, n.lines, arrays, metrics, explorer)


def claims(result: DemoResult) -> dict[str, bool]:
    """What the summary, narration and alt text say about the numbers."""
    m = result.metrics
    chance = 1 / len(WORDS)
    return {
        "bert_fills_masks_in_both_segments": m["bidirectional_accuracy_mask_in_a"] > 0.9
        and m["bidirectional_accuracy_mask_in_b"] > 0.9,
        "causal_model_near_chance_in_a": m["causal_accuracy_mask_in_a"] < 3 * chance,
        "causal_model_still_solves_b": m["causal_accuracy_mask_in_b"] > 0.9,
        "a_head_looks_up_the_answer": m["bidirectional_best_head_weight_on_mirror"] > 0.5,
        "showcase_predicts_cat": m["showcase_predicts_cat"] == 1,
        "showcase_mask_row_goes_to_cat": m["showcase_mask_to_answer_weight"] > 0.5,
    }


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, object, dict[str, str]]]:
    """A grid of attention maps: one row per layer, one column per head, one colour scale."""
    # matplotlib only when drawing: see demos/framework/plotting.py
    from demos.framework.plotting import heatmap, new_figure

    show = result.explorer[0].tokens
    fig = new_figure(4.4 * N_HEAD, 3.8 * N_LAYER)
    axes = []
    for i in range(N_LAYER):
        for h in range(N_HEAD):
            ax = fig.add_subplot(N_LAYER, N_HEAD, i * N_HEAD + h + 1)
            image = heatmap(
                ax,
                result.arrays[f"layer{i + 1}"][h],
                show,
                show,
                pick(lang, f"layer {i + 1}, head {h + 1}", f"第 {i + 1} 層、ヘッド {h + 1}"),
                annotate=False,
                vmin=0,
                vmax=1.0,
                colorbar=False,
            )
            axes.append(ax)
    fig.colorbar(image, ax=axes, shrink=0.6)
    w = result.metrics["showcase_mask_to_answer_weight"]
    alt = {
        "ja": (
            "学習後の 2 層 2 ヘッドの注意マップ(行がクエリ、列がキー、0〜1 の共通の色の尺度)。"
            "入力は [CLS] the big [MASK] sat on [SEP] the big cat sat on [SEP]。[MASK] の行は、"
            f"最もよく見るヘッドで重みの {w:.0%} を後半の区間の cat に置く。"
        ),
        "en": (
            "Trained attention maps of 2 layers x 2 heads (rows: queries, columns: keys, one 0-1 "
            "colour scale) for '[CLS] the big [MASK] sat on [SEP] the big cat sat on [SEP]'. In "
            f"the head that looks hardest, the [MASK] row puts {w:.0%} of its weight on 'cat' in "
            "the second segment."
        ),
    }
    return [("heads", fig, alt)]
