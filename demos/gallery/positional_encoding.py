"""Sinusoidal positional encodings, and why self-attention needs them."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from demos.attention import reference
from demos.attention.torch_attention import MultiHeadSelfAttention
from demos.framework.core import (
    DemoResult,
    Explorer,
    Narrator,
    format_number,
    pick,
    seed_everything,
    to_numpy,
)
from demos.framework.plotting import heatmap, new_figure

ID = "positional_encoding"
TITLE = {"ja": "位置エンコーディング", "en": "Positional encoding"}
SUMMARY = {
    "ja": (
        "Transformerの正弦波による位置エンコーディングを図にし、位置の差だけで内積が決まる"
        "性質を確かめます。次に、位置情報がなければ自己注意は並べ替えに対して同変である"
        "(入力の順番を入れ替えると出力も同じように入れ替わるだけ)ことを数値で示します。"
        "「dog bites man」と「man bites dog」でdogの出力が完全に一致し、位置エンコーディングを"
        "足すと初めて区別できるようになります。"
    ),
    "en": (
        "The Transformer's sinusoidal positional encodings as a picture, with a check that the "
        "dot product of two encodings depends only on how far apart the positions are. Then the "
        "reason they exist, in numbers: without them self-attention is permutation-equivariant "
        "(shuffle the input and the output is shuffled the same way, nothing more). 'dog' gets "
        "exactly the same output in 'dog bites man' and 'man bites dog'; only after adding the "
        "encodings can the model tell the two apart."
    ),
}
CODE = {"NumPy": "demos.attention.reference:sinusoidal_positional_encoding"}

T_PLOT = 64
C_PLOT = 64
C_MODEL = 16
N_HEAD = 2
ORDER_A = ["dog", "bites", "man"]
ORDER_B = ["man", "bites", "dog"]
TOL = 1e-5


def _view(words: list[str]) -> dict[str, str]:
    text = " ".join(words)
    return {
        "en": f"{text} (with positions, random weights)",
        "ja": f"{text}(位置あり、ランダムな重み)",
    }


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Draw the encodings and show that without them word order is invisible."""
    seed_everything(seed)
    rng = np.random.default_rng(seed)
    pe_plot = reference.sinusoidal_positional_encoding(T_PLOT, C_PLOT)  # (T, C)
    gram = pe_plot @ pe_plot.T  # (T, T)
    offsets = (1, 5, 20)
    spread = {k: float(np.ptp(np.diag(gram, k))) for k in offsets}

    vocab = {w: rng.standard_normal(C_MODEL) for w in sorted(set(ORDER_A))}
    attn = MultiHeadSelfAttention(C_MODEL, N_HEAD).to(device).eval()
    pe = torch.tensor(
        reference.sinusoidal_positional_encoding(3, C_MODEL), dtype=torch.float32, device=device
    )  # (T, C)

    def embed(words: list[str]) -> torch.Tensor:
        return torch.tensor(np.stack([vocab[w] for w in words]), dtype=torch.float32, device=device)

    xa, xb = embed(ORDER_A), embed(ORDER_B)  # (T, C) each
    perm = torch.tensor([ORDER_A.index(w) for w in ORDER_B], device=device)
    with torch.no_grad():
        ya, att_a = attn(xa[None])  # (1, T, C), (1, h, T, T)
        yb, att_b = attn(xb[None])
        ya_pe, att_a_pe = attn((xa + pe)[None])
        yb_pe, att_b_pe = attn((xb + pe)[None])
    equivariance = float((ya[0][perm] - yb[0]).abs().max())
    dog_a, dog_b = ORDER_A.index("dog"), ORDER_B.index("dog")
    dog_diff = float((ya[0, dog_a] - yb[0, dog_b]).norm())
    dog_diff_pe = float((ya_pe[0, dog_a] - yb_pe[0, dog_b]).norm())
    dog_norm = float(ya_pe[0, dog_a].norm())

    n = Narrator()
    n.heading("Sinusoidal encodings", "正弦波の位置エンコーディング")
    formula = "PE[pos, 2i] = sin(pos / 10000^(2i/C)), PE[pos, 2i+1] = cos(pos / 10000^(2i/C))"
    n.say(formula, formula)
    n.say(
        f"One row per position, {C_PLOT} columns; early columns wiggle fast, late ones slowly.",
        f"位置ごとに 1 行、列は {C_PLOT} 本です。前の列ほど速く、後ろの列ほどゆっくり振動します。",
    )
    n.show(f"PE[:4, :6] (of {T_PLOT} x {C_PLOT})", pe_plot[:4, :6], precision=3)
    n.heading("Distance, not absolute position", "絶対位置ではなく距離")
    n.say(
        "PE[p] . PE[p+k] is the same for every p: it depends only on the offset k.",
        "PE[p] . PE[p+k] はどの p でも同じで、ずれ k だけで決まります。",
    )
    for k in offsets:
        flat = spread[k] < 1e-10
        value = format_number(gram[0, k], 3)
        n.say(
            f"  k = {k:>2}: PE[p].PE[p+k] = {value} for every p "
            f"({'varies by less than 1e-10' if flat else 'VARIES'})",
            f"  k = {k:>2}: どの p でも PE[p].PE[p+k] = {value}"
            f"({'ばらつきは 1e-10 未満' if flat else 'ばらつきあり'})",
        )
    n.heading("Without positions, order is invisible", "位置がなければ語順は見えない")
    n.say(
        f"One self-attention layer (C = {C_MODEL}, {N_HEAD} heads), random weights (untrained).\n"
        f"Input A: {' '.join(ORDER_A)}    Input B: {' '.join(ORDER_B)} (the same words, reordered)",
        f"自己注意 1 層(C = {C_MODEL}、ヘッド {N_HEAD} 個)、重みはランダム(未学習)です。\n"
        f"入力 A: {' '.join(ORDER_A)}    入力 B: {' '.join(ORDER_B)}(同じ単語を並べ替えたもの)",
    )
    n.check(
        "output B vs output A reordered the same way",
        "出力 B と、同じように並べ替えた出力 A",
        equivariance,
        TOL,
    )
    n.say(
        "Self-attention is permutation-equivariant: it only sees a bag of words.",
        "自己注意は並べ替えに対して同変で、単語の袋(順序のない集まり)しか見ていません。",
    )
    n.say(
        f"|out('dog' in A) - out('dog' in B)| = {format_number(dog_diff, 4)}\n"
        "'dog' the biter and 'dog' the bitten get the same vector.",
        f"|out(A の 'dog') - out(B の 'dog')| = {format_number(dog_diff, 4)}\n"
        "噛む側の 'dog' と噛まれる側の 'dog' が同じベクトルになります。",
    )
    n.heading("With positions added", "位置を足すと")
    n.say(
        "x + PE: the same word now carries where it stands.\n"
        f"|out('dog' in A) - out('dog' in B)| = {format_number(dog_diff_pe, 3)} "
        f"(the vector itself has length {format_number(dog_norm, 3)})",
        "x + PE: 同じ単語でも、どこに立っているかを持ち運ぶようになります。\n"
        f"|out(A の 'dog') - out(B の 'dog')| = {format_number(dog_diff_pe, 3)}"
        f"(ベクトル自体の長さは {format_number(dog_norm, 3)})",
    )
    n.show("weights in A with positions, head 0", att_a_pe[0, 0], precision=3)
    n.show("weights in B with positions, head 0", att_b_pe[0, 0], precision=3)
    n.notice(
        "Attention compares every token with every other one and sums; a sum does not care about\n"
        "order. Adding a position signal to each token is what lets 'dog bites man' and 'man\n"
        "bites dog' mean different things, and the sinusoids make relative offsets easy to read.",
        "注意はすべてのトークンを互いに比べて足し合わせますが、和は順序を気にしません。\n"
        "各トークンに位置の信号を足すことで、'dog bites man' と 'man bites dog' が別の意味を\n"
        "持てるようになります。正弦波を使うと、相対的なずれも読み取りやすくなります。",
    )
    heads_a = {f"head {h}": to_numpy(att_a_pe[0, h]) for h in range(N_HEAD)}
    heads_b = {f"head {h}": to_numpy(att_b_pe[0, h]) for h in range(N_HEAD)}
    return DemoResult(
        demo_id=ID,
        device=device,
        seed=seed,
        lines=n.lines,
        arrays={
            "pe": pe_plot,
            "gram": gram,
            "weights_a": to_numpy(att_a),
            "weights_b": to_numpy(att_b),
            "weights_a_pe": to_numpy(att_a_pe),
            "weights_b_pe": to_numpy(att_b_pe),
        },
        metrics={
            "equivariance_error": equivariance,
            "dog_diff_without_pe": dog_diff,
            "dog_diff_with_pe": dog_diff_pe,
            "offset_spread_max": max(spread.values()),
            "dog_norm_with_pe": dog_norm,
        },
        explorer=[
            Explorer(_view(ORDER_A), list(ORDER_A), heads_a),
            Explorer(_view(ORDER_B), list(ORDER_B), heads_b),
        ],
    )


def claims(result: DemoResult) -> dict[str, bool]:
    """What the summary, narration and alt text say about the numbers."""
    m = result.metrics
    return {
        "dot_product_depends_only_on_offset": m["offset_spread_max"] < 1e-10,
        "attention_is_permutation_equivariant": m["equivariance_error"] < TOL,
        "dog_identical_without_positions": m["dog_diff_without_pe"] < TOL,
        "positions_tell_the_dogs_apart": m["dog_diff_with_pe"] > 0.1 * m["dog_norm_with_pe"],
    }


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """The encoding matrix and the dot products between positions, both with ticks."""
    fig = new_figure(10.0, 4.2)
    left, right = fig.subplots(1, 2)
    heatmap(
        left,
        result.arrays["pe"],
        None,
        None,
        pick(lang, "PE (rows: position, columns: dimension)", "PE(行: 位置、列: 次元)"),
        diverging=True,
        vmin=-1,
        vmax=1,
    )
    left.set_xlabel(pick(lang, "dimension", "次元"))
    left.set_ylabel(pick(lang, "position", "位置"))
    heatmap(right, result.arrays["gram"], None, None, "PE[p] . PE[q]", diverging=True)
    right.set_xlabel(pick(lang, "position q", "位置 q"))
    right.set_ylabel(pick(lang, "position p", "位置 p"))
    ticks = list(range(0, T_PLOT, 16)) + [T_PLOT - 1]
    for ax in (left, right):
        ax.set_yticks(ticks, [str(t) for t in ticks], fontsize=8)
        ax.set_xticks(ticks, [str(t) for t in ticks], fontsize=8)
    alt = {
        "ja": f"正弦波の位置エンコーディング(左: {T_PLOT} 個の位置 x {C_PLOT} 次元)と、"
        "位置どうしの内積(右、0 を白にした色の尺度)。内積は対角線に平行な帯になり、"
        f"位置の差だけで決まる(同じ差でのばらつきは 1e-10 未満)。",
        "en": f"Sinusoidal positional encodings (left: {T_PLOT} positions x {C_PLOT} "
        "dimensions) and the dot products between positions (right, white at 0), which form "
        "bands parallel to the diagonal: they depend only on the offset (spread at one offset "
        "below 1e-10).",
    }
    return [("encodings", fig, alt)]
