"""Sinusoidal positional encodings, and why self-attention needs them."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from demos import reference
from demos.core import (
    DemoResult,
    EnglishOnlyNarrator,
    Explorer,
    format_number,
    seed_everything,
    to_numpy,
)
from demos.plotting import heatmap, new_figure
from demos.torch_attention import MultiHeadSelfAttention

ID = "positional_encoding"
TITLE = {"ja": "位置エンコーディング", "en": "Positional encoding"}
SUMMARY = {
    "ja": (
        "Transformer の正弦波による位置エンコーディングを図にし、位置の差だけで内積が決まる"
        "性質を確かめます。次に、位置情報がなければ自己注意は並べ替えに対して同変である"
        "(入力の順番を入れ替えると出力も同じように入れ替わるだけ)ことを数値で示します。"
        "「dog bites man」と「man bites dog」で dog の出力が完全に一致し、位置エンコーディングを"
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
RESOURCES = ("illustrated-transformer", "ryobot-transformer-explained")
CODE = {"NumPy": "demos.reference:sinusoidal_positional_encoding"}

T_PLOT = 64
C_PLOT = 64
C_MODEL = 16
N_HEAD = 2
ORDER_A = ["dog", "bites", "man"]
ORDER_B = ["man", "bites", "dog"]
TOL = 1e-5


def _both(text: str) -> dict[str, str]:
    return {"en": text, "ja": text}


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

    n = EnglishOnlyNarrator()
    n.heading("Sinusoidal encodings")
    n.say("PE[pos, 2i] = sin(pos / 10000^(2i/C)), PE[pos, 2i+1] = cos(pos / 10000^(2i/C))")
    n.say(f"One row per position, {C_PLOT} columns; early columns wiggle fast, late ones slowly.")
    n.show(f"PE[:4, :6] (of {T_PLOT} x {C_PLOT})", pe_plot[:4, :6], precision=3)
    n.heading("Distance, not absolute position")
    n.say("PE[p] . PE[p+k] is the same for every p: it depends only on the offset k.")
    for k in offsets:
        n.say(
            f"  k = {k:>2}: PE[p].PE[p+k] = {format_number(gram[0, k], 3)} for every p "
            f"({'varies by less than 1e-10' if spread[k] < 1e-10 else 'VARIES'})"
        )
    n.heading("Without positions, order is invisible")
    n.say(f"One self-attention layer (C = {C_MODEL}, {N_HEAD} heads), random weights.")
    n.say(
        f"Input A: {' '.join(ORDER_A)}    Input B: {' '.join(ORDER_B)} (the same words, reordered)"
    )
    n.check("output B vs output A reordered the same way", equivariance, TOL)
    n.say("Self-attention is permutation-equivariant: it only sees a bag of words.")
    n.say(f"|out('dog' in A) - out('dog' in B)| = {format_number(dog_diff, 4)}")
    n.say("'dog' the biter and 'dog' the bitten get the same vector.")
    n.heading("With positions added")
    n.say("x + PE: the same word now carries where it stands.")
    n.say(
        f"|out('dog' in A) - out('dog' in B)| = {format_number(dog_diff_pe, 3)} "
        f"(the vector itself has length {format_number(dog_norm, 3)})"
    )
    n.show("weights in A with positions, head 0", att_a_pe[0, 0], precision=3)
    n.show("weights in B with positions, head 0", att_b_pe[0, 0], precision=3)
    n.notice(
        "Attention compares every token with every other one and sums; a sum does not care about\n"
        "order. Adding a position signal to each token is what lets 'dog bites man' and 'man\n"
        "bites dog' mean different things, and the sinusoids make relative offsets easy to read."
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
        },
        explorer=[
            Explorer(_both(" ".join(ORDER_A) + " (with positions)"), list(ORDER_A), heads_a),
            Explorer(_both(" ".join(ORDER_B) + " (with positions)"), list(ORDER_B), heads_b),
        ],
    )


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """The encoding matrix and the dot products between positions."""
    fig = new_figure(10.0, 4.0)
    left, right = fig.subplots(1, 2)
    heatmap(
        left,
        result.arrays["pe"],
        None,
        None,
        "PE (rows: position, columns: dimension)",
        vmin=-1,
        vmax=1,
        cmap="RdBu_r",
    )
    left.set_xlabel("dimension")
    left.set_ylabel("position")
    heatmap(right, result.arrays["gram"], None, None, "PE[p] . PE[q]", vmin=None, cmap="viridis")
    right.set_xlabel("position q")
    right.set_ylabel("position p")
    alt = {
        "ja": "正弦波の位置エンコーディング(左:行が位置、列が次元)と、位置どうしの内積(右)。"
        "内積は対角線に平行な帯になり、位置の差だけで決まる。",
        "en": "Sinusoidal positional encodings (left: rows are positions, columns dimensions) and "
        "the dot products between positions (right), which form bands parallel to the diagonal: "
        "they depend only on the offset.",
    }
    return [("encodings", fig, alt)]
