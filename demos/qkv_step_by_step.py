"""Self-attention by hand on three tokens, every intermediate printed."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
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

ID = "qkv_step_by_step"
TITLE = {"ja": "Q・K・V を手で計算する", "en": "Query, key and value, step by step"}
SUMMARY = {
    "ja": (
        "3 トークンの小さな入力に対して、自己注意を 1 段ずつ計算します。入力に W_Q・W_K・W_V を"
        "掛けてクエリ・キー・バリューを作り、クエリとキーの内積でスコアを出し、√d_k で割って"
        "softmax で重みにし、その重みでバリューを平均します。途中の行列はすべて表示し、最後に"
        "NumPy の参照実装と PyTorch の scaled_dot_product_attention が同じ答えを出すことを確かめます。"
    ),
    "en": (
        "Self-attention computed one step at a time on a three-token input: multiply the inputs "
        "by W_Q, W_K and W_V to get queries, keys and values; score each query against every key "
        "with a dot product; divide by sqrt(d_k); turn each row into weights with a softmax; "
        "average the values with those weights. Every matrix along the way is printed, and the "
        "result is checked against the NumPy reference and PyTorch's "
        "scaled_dot_product_attention."
    ),
}
RESOURCES = (
    "illustrated-self-attention",
    "devopedia-attention-mechanism",
    "nikkei-robotics-self-attention",
)
CODE = {
    "NumPy": "demos.reference:scaled_dot_product_attention",
    "PyTorch": "demos.torch_attention:scaled_dot_product_attention",
}

TOKENS = ["the", "cat", "sat"]
D_MODEL = 4
D_K = 3


def _small_numbers(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Numbers with one decimal so a reader can redo the arithmetic by hand."""
    return np.round(rng.uniform(-1.0, 1.0, size=shape), 1)


def _both(text: str) -> dict[str, str]:
    return {"en": text, "ja": text}


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Compute self-attention step by step for three tokens."""
    seed_everything(seed)
    rng = np.random.default_rng(seed)
    x_np = rng.integers(0, 3, size=(len(TOKENS), D_MODEL)).astype(np.float64)
    while (x_np.sum(axis=1) == 0).any():  # an all-zero token would attend uniformly: redraw
        x_np = rng.integers(0, 3, size=(len(TOKENS), D_MODEL)).astype(np.float64)
    w_np = {name: _small_numbers(rng, (D_MODEL, D_K)) for name in ("q", "k", "v")}

    x = torch.tensor(x_np, dtype=torch.float32, device=device)  # (T, d_model)
    w_q, w_k, w_v = (torch.tensor(w_np[c], dtype=torch.float32, device=device) for c in "qkv")
    q = x @ w_q  # (T, d_k)
    k = x @ w_k  # (T, d_k)
    v = x @ w_v  # (T, d_k)
    scores = q @ k.T  # (T, T): row i = how well query i matches each key
    scaled = scores * (1.0 / math.sqrt(D_K))
    weights = torch.softmax(scaled, dim=-1)  # (T, T), rows sum to 1
    out = weights @ v  # (T, d_k)

    sdpa = F.scaled_dot_product_attention(q[None], k[None], v[None])[0]  # (T, d_k)
    ref_out, ref_w = reference.scaled_dot_product_attention(
        x_np @ w_np["q"], x_np @ w_np["k"], x_np @ w_np["v"]
    )
    diff_sdpa = float((out - sdpa).abs().max())
    diff_ref = float(np.abs(to_numpy(out) - ref_out).max())
    w_n = to_numpy(weights)

    n = EnglishOnlyNarrator()
    n.heading("Inputs")
    n.say(f"Three tokens {TOKENS}, each a vector of d_model = {D_MODEL} numbers (one row each).")
    n.show("X", x, precision=1)
    n.say(f"Three weight matrices of shape (d_model, d_k) = ({D_MODEL}, {D_K}):")
    n.show("W_Q", w_q, precision=1)
    n.show("W_K", w_k, precision=1)
    n.show("W_V", w_v, precision=1)
    n.heading("Step 1: queries, keys and values")
    n.say("Every token is projected three times: what it looks for (Q), how it can be found")
    n.say("(K), and what it hands over when found (V).")
    n.show("Q = X @ W_Q", q, precision=2)
    n.show("K = X @ W_K", k, precision=2)
    n.show("V = X @ W_V", v, precision=2)
    n.heading("Step 2: scores")
    n.say("Row i, column j: dot product of query i with key j.")
    n.show("scores = Q @ K.T", scores, precision=2)
    n.heading("Step 3: scale")
    n.say(f"Divide by sqrt(d_k) = sqrt({D_K}) = {format_number(math.sqrt(D_K), 3)} so the softmax")
    n.say("does not saturate when d_k is large.")
    n.show("scaled = scores / sqrt(d_k)", scaled, precision=3)
    n.heading("Step 4: softmax, row by row")
    n.show("weights", weights, precision=3)
    n.say("row sums: " + " ".join(format_number(s, 3) for s in w_n.sum(axis=1)))
    for i, tok in enumerate(TOKENS):
        top = int(np.argmax(w_n[i]))
        n.say(
            f"'{tok}' puts its largest weight ({format_number(w_n[i, top], 3)}) on '{TOKENS[top]}'"
        )
    n.heading("Step 5: weighted sum of the values")
    n.show("output = weights @ V", out, precision=3)
    n.say(
        "e.g. output[0] = "
        + " + ".join(f"{format_number(w_n[0, j], 3)} * V[{j}]" for j in range(len(TOKENS)))
    )
    n.heading("Check")
    n.check("vs torch.nn.functional.scaled_dot_product_attention", diff_sdpa, 1e-5)
    n.check("vs the NumPy reference (float64)", diff_ref, 1e-5)
    n.notice(
        "Each output row is a blend of the value vectors, mixed by how well that token's query\n"
        "matched every key. Nothing but matrix products, a division and a softmax: the weights\n"
        "W_Q, W_K, W_V are what training would learn."
    )
    return DemoResult(
        demo_id=ID,
        device=device,
        seed=seed,
        lines=n.lines,
        arrays={
            "x": x_np,
            "q": to_numpy(q),
            "k": to_numpy(k),
            "v": to_numpy(v),
            "scores": to_numpy(scores),
            "weights": w_n,
            "output": to_numpy(out),
            "reference_weights": ref_w,
        },
        metrics={
            "max_diff_sdpa": diff_sdpa,
            "max_diff_reference": diff_ref,
            "max_row_sum_error": float(np.abs(w_n.sum(axis=1) - 1).max()),
        },
        explorer=[Explorer(_both("self-attention"), list(TOKENS), {"single head": w_n})],
    )


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """Scores beside the softmax weights they turn into."""
    fig = new_figure(8.0, 3.4)
    left, right = fig.subplots(1, 2)
    heatmap(
        left, result.arrays["scores"], TOKENS, TOKENS, "scores = Q K^T", vmin=None, cmap="RdBu_r"
    )
    heatmap(
        right,
        result.arrays["weights"],
        TOKENS,
        TOKENS,
        "weights = softmax(scores / sqrt(d_k))",
        vmax=1,
    )
    alt = {
        "ja": "3 トークン(the, cat, sat)のスコア行列(左)と、√d_k で割って softmax した注意の重み(右)。",
        "en": "Scores of the three tokens the, cat, sat (left) and the attention weights after "
        "dividing by sqrt(d_k) and applying a softmax (right).",
    }
    return [("scores_and_weights", fig, alt)]
