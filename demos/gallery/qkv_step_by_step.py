"""Self-attention by hand: Raimi Karim's worked example, then what 1/sqrt(d_k) changes.

The inputs, the three weight matrices and the unscaled dot products are the worked example of
Raimi Karim's article "Illustrated: Self-Attention" (Towards Data Science, 2019): three inputs of
four numbers, ``W_K``, ``W_Q`` and ``W_V`` of shape 4 x 3, scores ``Q K^T`` without the division by
``sqrt(d_k)``. The article rounds the softmax to one decimal for its figures and prints the exact
outputs from its code; both are reproduced here. The second half is ours: the same example
divided by ``sqrt(d_k)``, as in the Transformer, and what that does to the weights.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from demos.attention import reference
from demos.framework.core import (
    DemoResult,
    Explorer,
    Narrator,
    format_number,
    precise_dtype,
    to_numpy,
)
from demos.framework.plotting import heatmap, new_figure

ID = "qkv_step_by_step"
TITLE = {
    "ja": "Q・K・Vを手で計算する(Raimi Karimの計算例)",
    "en": "Query, key and value, step by step (Raimi Karim's worked example)",
}
SUMMARY = {
    "ja": (
        "Raimi Karimの「Illustrated: Self-Attention」にある計算例(4次元の入力3つ、4×3の"
        "W_K・W_Q・W_V)をそのまま再現します。キー・クエリ・バリュー、√d_kで割らない内積スコア、"
        "softmax、重み付きのバリュー、出力を1段ずつ表示し、記事の数値と一致することを確かめます。"
        "続いて同じ例を√d_kで割って計算し直し、どの行でも重みの最大値が下がって分布が平らに"
        "なることを示します。"
    ),
    "en": (
        "Raimi Karim's worked example from 'Illustrated: Self-Attention' (three inputs of four "
        "numbers, 4 x 3 weights W_K, W_Q and W_V), reproduced exactly: keys, queries, values, "
        "the dot-product scores without any division by sqrt(d_k), the softmax, the weighted "
        "values and the outputs, each checked against the article's numbers. Then the same "
        "example divided by sqrt(d_k): in every row the largest weight goes down and the "
        "weights spread out."
    ),
}
CODE = {
    "NumPy": "demos.attention.reference:scaled_dot_product_attention",
    "PyTorch": "demos.attention.torch_attention:scaled_dot_product_attention",
}

# Facts from Raimi Karim, "Illustrated: Self-Attention" (2019): its inputs and weights.
TOKENS = ["Input 1", "Input 2", "Input 3"]
X = np.array([[1, 0, 1, 0], [0, 2, 0, 2], [1, 1, 1, 1]], dtype=np.float64)
W_K = np.array([[0, 0, 1], [1, 1, 0], [0, 1, 0], [1, 1, 0]], dtype=np.float64)
W_Q = np.array([[1, 0, 1], [1, 0, 0], [0, 0, 1], [0, 1, 1]], dtype=np.float64)
W_V = np.array([[0, 2, 0], [0, 3, 0], [1, 0, 3], [1, 1, 0]], dtype=np.float64)
# The article's own results: the keys, queries and values it derives, the unscaled scores, the
# softmax rounded to one decimal for its figures, the outputs with those rounded weights, and the
# outputs its code prints with the exact softmax (four decimals).
ARTICLE_KEYS = np.array([[0, 1, 1], [4, 4, 0], [2, 3, 1]], dtype=np.float64)
ARTICLE_QUERIES = np.array([[1, 0, 2], [2, 2, 2], [2, 1, 3]], dtype=np.float64)
ARTICLE_VALUES = np.array([[1, 2, 3], [2, 8, 0], [2, 6, 3]], dtype=np.float64)
ARTICLE_SCORES_1 = np.array([2, 4, 4], dtype=np.float64)  # query 1 against the three keys
ARTICLE_ROUNDED_WEIGHTS = np.array([[0.0, 0.5, 0.5], [0.0, 1.0, 0.0], [0.0, 0.9, 0.1]])
ARTICLE_ROUNDED_OUTPUTS = np.array([[2.0, 7.0, 1.5], [2.0, 8.0, 0.0], [2.0, 7.8, 0.3]])
ARTICLE_OUTPUTS = np.array(
    [[1.9366, 6.6831, 1.5951], [2.0000, 7.9640, 0.0540], [1.9997, 7.7599, 0.3584]]
)
D_K = W_K.shape[1]
REPRODUCTION_TOLERANCE = 5e-5  # the article prints four decimals
CHECK_TOLERANCE = 1e-9
LARGE_D_K = 64


def attention(
    x: torch.Tensor, w_q: torch.Tensor, w_k: torch.Tensor, w_v: torch.Tensor, scale: float
) -> dict[str, torch.Tensor]:
    """Every intermediate of one head of self-attention, with ``scores * scale`` before softmax.

    Args:
        x: Inputs ``(T, d_model)``.
        w_q: Query weights ``(d_model, d_k)``.
        w_k: Key weights ``(d_model, d_k)``.
        w_v: Value weights ``(d_model, d_v)``.
        scale: 1 for the article's example, ``1 / sqrt(d_k)`` for the Transformer's.

    Returns:
        ``q``, ``k``, ``v``, ``scores``, ``weights``, ``weighted`` ``(T_q, T_k, d_v)`` and
        ``output`` ``(T, d_v)``.
    """
    q = x @ w_q  # (T, d_k)
    k = x @ w_k  # (T, d_k)
    v = x @ w_v  # (T, d_v)
    scores = q @ k.T  # (T, T): row i = query i against every key
    weights = torch.softmax(scores * scale, dim=-1)  # (T, T): rows sum to 1
    weighted = weights[:, :, None] * v[None, :, :]  # (T_q, T_k, d_v): each value times its weight
    output = weighted.sum(dim=1)  # (T, d_v)
    return {
        "q": q,
        "k": k,
        "v": v,
        "scores": scores,
        "weights": weights,
        "weighted": weighted,
        "output": output,
    }


def _large_d_k(seed: int, d_k: int = LARGE_D_K, samples: int = 2000) -> tuple[float, float]:
    """Mean largest softmax weight over 3 keys for random unit-variance q, k of width ``d_k``.

    Returns ``(without scaling, with 1/sqrt(d_k))``.
    """
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((samples, 1, d_k))  # (S, 1, d_k)
    k = rng.standard_normal((samples, 3, d_k))  # (S, 3, d_k)
    scores = (q * k).sum(-1)  # (S, 3)
    plain = reference.softmax(scores, axis=-1).max(-1).mean()
    scaled = reference.softmax(scores / math.sqrt(d_k), axis=-1).max(-1).mean()
    return float(plain), float(scaled)


def _vec(row: np.ndarray, precision: int) -> str:
    return "[" + ", ".join(format_number(x, precision) for x in row) + "]"


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Reproduce the article's example, then the same with 1/sqrt(d_k).

    The example is fixed: ``seed`` changes nothing (it is accepted like every demo's).
    """
    dtype = precise_dtype(device)
    x, w_q, w_k, w_v = (torch.tensor(a, dtype=dtype, device=device) for a in (X, W_Q, W_K, W_V))
    plain = attention(x, w_q, w_k, w_v, scale=1.0)
    scaled = attention(x, w_q, w_k, w_v, scale=1.0 / math.sqrt(D_K))
    a = {name: to_numpy(t).astype(np.float64) for name, t in plain.items()}
    s = {name: to_numpy(t).astype(np.float64) for name, t in scaled.items()}

    repro = {
        "keys": np.abs(a["k"] - ARTICLE_KEYS).max(),
        "queries": np.abs(a["q"] - ARTICLE_QUERIES).max(),
        "values": np.abs(a["v"] - ARTICLE_VALUES).max(),
        "scores": np.abs(a["scores"][0] - ARTICLE_SCORES_1).max(),
        "outputs": np.abs(a["output"] - ARTICLE_OUTPUTS).max(),
        "rounded_outputs": np.abs(ARTICLE_ROUNDED_WEIGHTS @ a["v"] - ARTICLE_ROUNDED_OUTPUTS).max(),
    }
    sdpa_plain = F.scaled_dot_product_attention(
        plain["q"][None], plain["k"][None], plain["v"][None], scale=1.0
    )[0]  # (T, d_v)
    sdpa_scaled = F.scaled_dot_product_attention(
        scaled["q"][None], scaled["k"][None], scaled["v"][None]
    )[0]  # (T, d_v): PyTorch's default scale is 1/sqrt(d_k)
    ref_out, _ = reference.scaled_dot_product_attention(X @ W_Q, X @ W_K, X @ W_V)
    diff_plain = float((plain["output"] - sdpa_plain).abs().max())
    diff_scaled = float((scaled["output"] - sdpa_scaled).abs().max())
    diff_ref = float(np.abs(s["output"] - ref_out).max())

    max_plain, max_scaled = a["weights"].max(axis=1), s["weights"].max(axis=1)
    repro_error = float(max(repro.values()))
    output_change = float(np.abs(s["output"] - a["output"]).max())
    approx_error = float(np.abs(a["weights"] - ARTICLE_ROUNDED_WEIGHTS).max())
    metrics: dict[str, float | int | list] = {
        "reproduction_max_error": repro_error,
        "max_diff_sdpa_unscaled": diff_plain,
        "max_diff_sdpa_scaled": diff_scaled,
        "max_diff_reference": diff_ref,
        "max_weight_unscaled": [float(v) for v in max_plain],
        "max_weight_scaled": [float(v) for v in max_scaled],
        "weight_on_input_1_unscaled": [float(v) for v in a["weights"][:, 0]],
        "weight_on_input_1_scaled": [float(v) for v in s["weights"][:, 0]],
        "output_change_max": output_change,
        "article_approximation_max_error": approx_error,
    }
    large_plain, large_scaled = _large_d_k(seed)
    metrics["random_d64_max_weight_unscaled"] = large_plain
    metrics["random_d64_max_weight_scaled"] = large_scaled

    n = Narrator()
    n.heading("Where the numbers come from", "数値の出典")
    n.say(
        "The inputs, the weights and the unscaled scores below are Raimi Karim's worked example\n"
        "in 'Illustrated: Self-Attention' (2019). Every matrix is computed here and compared\n"
        "with the numbers printed in that article.",
        "以下の入力・重み・スケーリングなしのスコアは、Raimi Karim の記事「Illustrated: "
        "Self-Attention」(2019 年)の計算例です。\nここではすべての行列を計算し直し、記事に"
        "載っている数値と突き合わせます。",
    )
    n.heading("Inputs and weights", "入力と重み")
    n.say(
        f"Three inputs of d_model = {X.shape[1]} numbers (one row each), and three weight\n"
        f"matrices of shape (d_model, d_k) = ({X.shape[1]}, {D_K}).",
        f"入力は d_model = {X.shape[1]} 個の数からなるベクトルが 3 つ(1 行に 1 つ)、重み行列は"
        f"\n(d_model, d_k) = ({X.shape[1]}, {D_K}) の形のものが 3 つです。",
    )
    n.show("X", X, precision=0)
    n.show("W_K", W_K, precision=0)
    n.show("W_Q", W_Q, precision=0)
    n.show("W_V", W_V, precision=0)
    n.heading("Step 1: keys, queries, values", "ステップ 1: キー・クエリ・バリュー")
    n.say(
        "Each input is multiplied by the three matrices.",
        "各入力に 3 つの行列をそれぞれ掛けます。",
    )
    n.show("K = X @ W_K", a["k"], precision=0)
    n.show("Q = X @ W_Q", a["q"], precision=0)
    n.show("V = X @ W_V", a["v"], precision=0)
    n.heading("Step 2: scores (not divided by sqrt(d_k))", "ステップ 2: スコア(√d_k で割らない)")
    n.say(
        "Row i, column j: query i . key j. The article uses these raw dot products.",
        "i 行 j 列はクエリ i とキー j の内積です。記事はこの内積をそのまま使います。",
    )
    n.show("scores = Q @ K.T", a["scores"], precision=0)
    n.heading("Step 3: softmax, row by row", "ステップ 3: 行ごとの softmax")
    n.show("weights = softmax(scores)", a["weights"], precision=4)
    approx = " ".join(_vec(r, 1) for r in ARTICLE_ROUNDED_WEIGHTS)
    gap = format_number(approx_error, 4)
    n.say(
        f"For its figures the article approximates them as {approx}\n"
        f"(at most {gap} away from the exact weights).",
        f"記事の図では、これを {approx} と近似しています\n(正確な重みとの差は最大 {gap})。",
    )
    n.heading("Step 4: weighted values, summed", "ステップ 4: 重み付きのバリューを足す")
    w1 = a["weights"][0]
    n.say(
        "Input 1: "
        + " + ".join(f"{format_number(w1[j], 4)} * {_vec(a['v'][j], 0)}" for j in range(3))
        + f" = {_vec(a['output'][0], 4)}",
        "入力 1: "
        + " + ".join(f"{format_number(w1[j], 4)} * {_vec(a['v'][j], 0)}" for j in range(3))
        + f" = {_vec(a['output'][0], 4)}",
    )
    rounded_out = ARTICLE_ROUNDED_WEIGHTS @ a["v"]
    n.say(
        "with the article's rounded weights the outputs are "
        + "  ".join(_vec(r, 1) for r in rounded_out),
        "記事の丸めた重みを使うと出力は " + "  ".join(_vec(r, 1) for r in rounded_out) + " です。",
    )
    n.show("output = weights @ V", a["output"], precision=4)
    n.check(
        "every matrix vs the article's printed numbers",
        "すべての行列と記事に載っている数値の差",
        repro_error,
        REPRODUCTION_TOLERANCE,
    )
    n.check(
        "vs scaled_dot_product_attention(scale=1)",
        "scaled_dot_product_attention(scale=1) との差",
        diff_plain,
        CHECK_TOLERANCE,
    )

    n.heading("The same example divided by sqrt(d_k)", "同じ例を √d_k で割ると")
    n.say(
        f"The Transformer divides the scores by sqrt(d_k) = sqrt({D_K}) = "
        f"{format_number(math.sqrt(D_K), 3)} before the softmax.",
        f"Transformer は softmax の前にスコアを √d_k = √{D_K} = "
        f"{format_number(math.sqrt(D_K), 3)} で割ります。",
    )
    n.show("scores / sqrt(d_k)", a["scores"] / math.sqrt(D_K), precision=4)
    n.show("weights = softmax(scores / sqrt(d_k))", s["weights"], precision=4)
    n.show("output", s["output"], precision=4)
    for i, tok in enumerate(TOKENS):
        n.say(
            f"{tok}: largest weight {format_number(max_plain[i], 4)} -> "
            f"{format_number(max_scaled[i], 4)}, weight on Input 1 "
            f"{format_number(a['weights'][i, 0], 4)} -> {format_number(s['weights'][i, 0], 4)}",
            f"入力 {i + 1}: 最大の重み {format_number(max_plain[i], 4)} → "
            f"{format_number(max_scaled[i], 4)}、入力 1 への重み "
            f"{format_number(a['weights'][i, 0], 4)} → {format_number(s['weights'][i, 0], 4)}",
        )
    n.check(
        "vs scaled_dot_product_attention (default scale)",
        "scaled_dot_product_attention(既定のスケール)との差",
        diff_scaled,
        CHECK_TOLERANCE,
    )
    n.check(
        "vs the NumPy reference",
        "NumPy の参照実装との差",
        diff_ref,
        CHECK_TOLERANCE,
    )
    n.notice(
        "Dividing by sqrt(d_k) shrinks every score difference by the same factor, so in every\n"
        "row the largest weight goes down and the small weights go up: the outputs move\n"
        f"by up to {format_number(output_change, 4)}. With d_k = {LARGE_D_K}, random\nunit-variance queries and keys give "
        "scores whose spread grows like sqrt(d_k): over 3 keys the\nlargest weight averages "
        f"{format_number(large_plain, 3)} unscaled and {format_number(large_scaled, 3)} "
        "after dividing by sqrt(d_k).",
        "√d_k で割ると、スコアの差がどれも同じ割合で縮みます。そのため、どの行でも最大の重みは"
        "下がり、\n小さな重みは上がります。出力は最大で "
        f"{format_number(output_change, 4)} 変わります。"
        f"\nd_k = {LARGE_D_K} で分散 1 のランダムなクエリとキーを使うと、"
        "スコアのばらつきは √d_k に比例して大きくなり、\nキー 3 つに対する最大の重みの平均は"
        f"スケーリングなしで {format_number(large_plain, 3)}、√d_k で割ると "
        f"{format_number(large_scaled, 3)} です。",
    )
    arrays = {f"{k}_unscaled": v for k, v in a.items()} | {f"{k}_scaled": v for k, v in s.items()}
    explorer = [
        Explorer(
            {"en": "scores not scaled (the article)", "ja": "スケーリングなし(記事の計算)"},
            list(TOKENS),
            {"head 1": a["weights"]},
        ),
        Explorer(
            {"en": "scores / sqrt(d_k)", "ja": "スコア / √d_k"},
            list(TOKENS),
            {"head 1": s["weights"]},
        ),
    ]
    return DemoResult(ID, device, seed, n.lines, arrays, metrics, explorer)


def claims(result: DemoResult) -> dict[str, bool]:
    """The statements the narration makes about the numbers."""
    m = result.metrics
    return {
        "reproduces_the_article": m["reproduction_max_error"] <= REPRODUCTION_TOLERANCE,
        "scaling_lowers_every_largest_weight": all(
            after < before
            for before, after in zip(m["max_weight_unscaled"], m["max_weight_scaled"], strict=True)
        ),
        "scaling_raises_the_smallest_weight": bool(
            (
                result.arrays["weights_scaled"].min(axis=1)
                > result.arrays["weights_unscaled"].min(axis=1)
            ).all()
        ),
        "large_d_k_saturates_without_scaling": m["random_d64_max_weight_unscaled"] > 0.9
        and m["random_d64_max_weight_scaled"] < 0.8,
        "agrees_with_pytorch": max(m["max_diff_sdpa_unscaled"], m["max_diff_sdpa_scaled"])
        <= CHECK_TOLERANCE,
    }


LABELS = {
    "en": {
        "scores": "scores = Q K^T (not scaled)",
        "plain": "softmax(scores): the article",
        "scaled": "softmax(scores / sqrt(d_k))",
        "query": "query",
        "key": "key",
    },
    "ja": {
        "scores": "スコア Q K^T(スケーリングなし)",
        "plain": "softmax(スコア): 記事の計算",
        "scaled": "softmax(スコア / √d_k)",
        "query": "クエリ",
        "key": "キー",
    },
}
TOKEN_LABELS = {"en": TOKENS, "ja": ["入力 1", "入力 2", "入力 3"]}


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """The unscaled scores, and the weights without and with 1/sqrt(d_k) on one colour scale."""
    t, tokens = LABELS[lang], TOKEN_LABELS[lang]
    a = result.arrays
    fig = new_figure(11.0, 3.6)
    left, mid, right = fig.subplots(1, 3)
    heatmap(left, a["scores_unscaled"], tokens, tokens, t["scores"], vmin=0.0, fmt="{:.0f}")
    heatmap(mid, a["weights_unscaled"], tokens, tokens, t["plain"], vmin=0, vmax=1)
    heatmap(right, a["weights_scaled"], tokens, tokens, t["scaled"], vmin=0, vmax=1)
    for ax in (left, mid, right):
        ax.set_xlabel(t["key"], fontsize=8)
        ax.set_ylabel(t["query"], fontsize=8)
    m = result.metrics
    before = ", ".join(format_number(v, 2) for v in m["max_weight_unscaled"])
    after = ", ".join(format_number(v, 2) for v in m["max_weight_scaled"])
    alt = {
        "en": (
            "Raimi Karim's worked example: the unscaled scores Q K^T (left), their softmax as in "
            "the article (middle) and the softmax after dividing by sqrt(d_k) (right), both on "
            f"one colour scale from 0 to 1. The largest weight of each row goes from {before} "
            f"to {after}."
        ),
        "ja": (
            "Raimi Karim の計算例。左はスケーリングなしのスコア Q K^T、中央は記事と同じ softmax、"
            "右は √d_k で割ってからの softmax で、中央と右は 0 から 1 の同じ色の尺度です。"
            f"各行の最大の重みは {before} から {after} に下がります。"
        ),
    }
    return [("scores_and_weights", fig, alt)]
