"""Galassi et al.'s general attention model: compatibility functions times distribution functions.

One input (six tokens, small random embeddings), five ways to score a query against the keys
(dot, scaled dot, general, additive, cosine) and three ways to turn scores into weights (softmax,
sparsemax, sigmoid). Everything runs in PyTorch on the chosen device and is checked against a
NumPy version of the same formulas.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from demos.attention import reference
from demos.framework.core import (
    DemoResult,
    Explorer,
    Narrator,
    format_array,
    format_number,
    generator,
    pick,
    precise_dtype,
    seed_everything,
    to_numpy,
)

ID = "attention_variants"
TITLE = {
    "ja": "注意の変種: 互換性関数と分布関数の組み合わせ",
    "en": "Attention variants: compatibility and distribution functions",
}
SUMMARY = {
    "ja": (
        "Galassiらのサーベイが示す「注意の一般形」を、同じ入力の上で動かします。"
        "クエリとキーの相性を測る関数(内積、スケール付き内積、一般形、加法、コサイン)と、"
        "得点を重みに変える関数(softmax、sparsemax、sigmoid)を総当たりで組み合わせ、"
        "重みの鋭さ、正確なゼロ、合計が1にならない場合を数値と図で比べます。"
    ),
    "en": (
        "The general attention model from Galassi et al.'s survey, run on one shared input. "
        "Five compatibility functions (dot, scaled dot, general, additive, cosine) are crossed "
        "with three distribution functions (softmax, sparsemax, sigmoid), so you can compare how "
        "sharp the weights get, where sparsemax puts exact zeros, and why sigmoid weights need "
        "not sum to one."
    ),
}
CODE = {
    "compatibility": "demos.gallery.attention_variants:compatibility",
    "distribution": "demos.gallery.attention_variants:distribution",
    "sparsemax": "demos.gallery.attention_variants:sparsemax",
}

TOKENS = ["the", "cat", "sat", "on", "the", "mat"]
EMBED_DIM = 4
ATTN_DIM = 4
QUERY = 2  # "sat": a verb looking at its subject and its place
COMPATIBILITIES = ("dot", "scaled dot", "general", "additive", "cosine")
DISTRIBUTIONS = ("softmax", "sparsemax", "sigmoid")


def sparsemax(scores: torch.Tensor) -> torch.Tensor:
    """Sparsemax along the last dimension: the Euclidean projection onto the simplex.

    Martins and Astudillo (2016): sort the scores, find the largest support size ``k`` with
    ``1 + k z_(k) > sum_{j<=k} z_(j)``, set the threshold ``tau`` so the kept scores sum to one.

    Args:
        scores: Any shape ``(..., T)``.

    Returns:
        Weights of the same shape, non-negative, summing to one along the last dimension,
        with exact zeros for scores below the threshold.
    """
    z, _ = torch.sort(scores, dim=-1, descending=True)  # (..., T)
    T = scores.shape[-1]
    k = torch.arange(1, T + 1, device=scores.device, dtype=scores.dtype)  # (T,)
    cumsum = torch.cumsum(z, dim=-1)  # (..., T)
    in_support = 1 + k * z > cumsum  # (..., T), True for a prefix of the sorted scores
    support = in_support.sum(dim=-1, keepdim=True)  # (..., 1)
    tau = (torch.gather(cumsum, -1, support - 1) - 1) / support.to(scores.dtype)  # (..., 1)
    return torch.clamp(scores - tau, min=0)


def compatibility(
    name: str, q: torch.Tensor, k: torch.Tensor, params: dict[str, torch.Tensor]
) -> torch.Tensor:
    """Score every query against every key.

    Args:
        name: One of :data:`COMPATIBILITIES`.
        q: Queries, shape ``(T_q, d)``.
        k: Keys, shape ``(T_k, d)``.
        params: ``W`` ``(d, d)`` for "general"; ``W_q``, ``W_k`` ``(d_a, d)`` and ``v``
            ``(d_a,)`` for "additive".

    Returns:
        Energies, shape ``(T_q, T_k)``.

    Raises:
        ValueError: ``name`` is not a known compatibility function.
    """
    d = q.shape[-1]
    if name == "dot":
        return q @ k.T  # (T_q, T_k)
    if name == "scaled dot":
        return q @ k.T / math.sqrt(d)
    if name == "general":
        return q @ params["W"] @ k.T  # q^T W k for every pair
    if name == "additive":
        qa = q @ params["W_q"].T  # (T_q, d_a)
        ka = k @ params["W_k"].T  # (T_k, d_a)
        return torch.tanh(qa[:, None, :] + ka[None, :, :]) @ params["v"]  # (T_q, T_k)
    if name == "cosine":
        qn = q / q.norm(dim=-1, keepdim=True)
        kn = k / k.norm(dim=-1, keepdim=True)
        return qn @ kn.T
    raise ValueError(f"unknown compatibility function {name!r} (choose from {COMPATIBILITIES})")


def distribution(name: str, energies: torch.Tensor) -> torch.Tensor:
    """Turn energies into attention weights along the last dimension.

    Args:
        name: One of :data:`DISTRIBUTIONS`.
        energies: Shape ``(..., T_k)``.

    Raises:
        ValueError: ``name`` is not a known distribution function.
    """
    if name == "softmax":
        return torch.softmax(energies, dim=-1)
    if name == "sparsemax":
        return sparsemax(energies)
    if name == "sigmoid":
        return torch.sigmoid(energies)
    raise ValueError(f"unknown distribution function {name!r} (choose from {DISTRIBUTIONS})")


def numpy_compatibility(
    name: str, q: np.ndarray, k: np.ndarray, params: dict[str, np.ndarray]
) -> np.ndarray:
    """The NumPy twin of :func:`compatibility` (additive goes through
    ``demos.attention.reference``)."""
    if name == "dot":
        return q @ k.T
    if name == "scaled dot":
        return q @ k.T / math.sqrt(q.shape[-1])
    if name == "general":
        return q @ params["W"] @ k.T
    if name == "additive":
        qa = q @ params["W_q"].T
        ka = k @ params["W_k"].T
        return np.tanh(qa[:, None, :] + ka[None, :, :]) @ params["v"]
    if name == "cosine":
        return (q / np.linalg.norm(q, axis=-1, keepdims=True)) @ (
            k / np.linalg.norm(k, axis=-1, keepdims=True)
        ).T
    raise ValueError(f"unknown compatibility function {name!r} (choose from {COMPATIBILITIES})")


def numpy_sparsemax(scores: np.ndarray, iterations: int = 100) -> np.ndarray:
    """Sparsemax by bisection on the threshold (a different algorithm than the sort-based one).

    The threshold ``tau`` solves ``sum(max(z - tau, 0)) = 1``; the left side falls as ``tau``
    grows, so bisection between ``max(z) - 1`` and ``max(z)`` finds it.
    """
    lo = scores.max(axis=-1, keepdims=True) - 1.0
    hi = scores.max(axis=-1, keepdims=True)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        too_low = np.clip(scores - mid, 0, None).sum(axis=-1, keepdims=True) > 1
        lo = np.where(too_low, mid, lo)
        hi = np.where(too_low, hi, mid)
    return np.clip(scores - (lo + hi) / 2, 0, None)


def numpy_distribution(name: str, energies: np.ndarray) -> np.ndarray:
    """The NumPy twin of :func:`distribution`."""
    if name == "softmax":
        return reference.softmax(energies, axis=-1)
    if name == "sparsemax":
        return numpy_sparsemax(energies)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-energies))
    raise ValueError(f"unknown distribution function {name!r} (choose from {DISTRIBUTIONS})")


def _entropy(p: np.ndarray) -> float:
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def _slug(name: str) -> str:
    return name.replace(" ", "_")


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Score one input with every compatibility function and every distribution function."""
    seed_everything(seed)
    rng = generator(seed)
    dtype = precise_dtype(device)
    vocab = sorted(set(TOKENS))
    table = {word: rng.normal(size=EMBED_DIM) for word in vocab}
    x_np = np.stack([table[t] for t in TOKENS])  # (T, d)
    params_np = {
        "W": rng.normal(size=(EMBED_DIM, EMBED_DIM)) / math.sqrt(EMBED_DIM),
        "W_q": rng.normal(size=(ATTN_DIM, EMBED_DIM)) / math.sqrt(EMBED_DIM),
        "W_k": rng.normal(size=(ATTN_DIM, EMBED_DIM)) / math.sqrt(EMBED_DIM),
        "v": rng.normal(size=ATTN_DIM),
    }
    x = torch.tensor(x_np, dtype=dtype, device=device)
    params = {name: torch.tensor(p, dtype=dtype, device=device) for name, p in params_np.items()}

    n = Narrator()
    T = len(TOKENS)
    n.heading("The general attention model", "注意の一般形")
    n.say(
        "Galassi et al. split attention into parts: a compatibility function f(q, K) gives one\n"
        "energy per key, a distribution function g turns energies into weights a, and the\n"
        "context is the weighted sum of the values. Here keys = values = the token embeddings\n"
        "and every token is also a query (self-attention without projections).",
        "Galassi らは注意を部品に分けて説明しています。互換性関数 f(q, K) がキーごとに\n"
        "エネルギーを一つ出し、分布関数 g がそれを重み a に変え、文脈ベクトルは値の重み付き和\n"
        "になります。ここではキー = 値 = トークンの埋め込みとし、どのトークンもクエリに\n"
        "なります(射影のない自己注意です)。",
    )
    n.say(
        f"tokens: {' '.join(TOKENS)}   T = {T}, d = {EMBED_DIM}",
        f"トークン: {' '.join(TOKENS)}   T = {T}, d = {EMBED_DIM}",
    )
    n.show("embeddings X", x_np)
    n.say(
        f"The query shown below is token {QUERY} ({TOKENS[QUERY]!r}).",
        f"以下で示すクエリはトークン {QUERY}({TOKENS[QUERY]!r})です。",
    )

    arrays: dict[str, np.ndarray] = {"embeddings": x_np}
    metrics: dict[str, float] = {}
    worst_diff = 0.0
    heads: dict[str, np.ndarray] = {}
    n.heading(
        f"Compatibility functions: energies of query {TOKENS[QUERY]!r}, shape ({T},)",
        f"互換性関数: クエリ {TOKENS[QUERY]!r} のエネルギー、形 ({T},)",
    )
    for f in COMPATIBILITIES:
        energies = compatibility(f, x, x, params)  # (T, T)
        e_np = to_numpy(energies)
        worst_diff = max(
            worst_diff, float(np.abs(e_np - numpy_compatibility(f, x_np, x_np, params_np)).max())
        )
        arrays[f"energies_{_slug(f)}"] = e_np
        n.show(f"  {f}", e_np[QUERY])
        for g in DISTRIBUTIONS:
            w_np = to_numpy(distribution(g, energies))
            worst_diff = max(worst_diff, float(np.abs(w_np - numpy_distribution(g, e_np)).max()))
            arrays[f"weights_{_slug(f)}_{g}"] = w_np
            key = f"{_slug(f)}_{g}"
            metrics[f"row_sum_max_dev_{key}"] = float(np.abs(w_np.sum(-1) - 1).max())
            metrics[f"zeros_{key}"] = float((w_np == 0).sum())
            metrics[f"entropy_query_{key}"] = _entropy(w_np[QUERY])
            if g != "sigmoid":
                heads[f"{f} + {g}"] = w_np
    same = np.array([[a == b for b in TOKENS] for a in TOKENS])  # "the" appears twice
    own_dot = int(sum(same[i, np.argmax(arrays["energies_dot"][i])] for i in range(T)))
    own_cos = int(sum(same[i, np.argmax(arrays["energies_cosine"][i])] for i in range(T)))
    metrics["own_best_match_dot"] = own_dot
    metrics["own_best_match_cosine"] = own_cos
    n.say(
        f"With no projections q = k. Under dot, {own_dot} of {T} tokens are their own best match:\n"
        "x_i . x_j can beat x_i . x_i when x_j is longer, so a long key wins even if it points\n"
        f"elsewhere. Under cosine, {own_cos} of {T} are (cos(x, x) = 1 is the largest possible).\n"
        "scaled dot is the dot ranking divided by sqrt(d); general and additive bring their own\n"
        "parameters (random here), so their ranking can differ from raw similarity altogether.",
        f"射影がないので q = k です。内積では {T} 個中 {own_dot} 個のトークンで、自分自身が最も\n"
        "相性のよいキーになります。x_j が長ければ x_i . x_j が x_i . x_i を上回るので、向きが\n"
        "違っても長いキーが勝つのです。コサインでは cos(x, x) = 1 が取りうる最大値なので、\n"
        f"{T} 個中 {own_cos} 個が自分自身を選びます。スケール付き内積は内積を sqrt(d) で割るだけで\n"
        "順位は同じです。一般形と加法はそれぞれ独自のパラメータ(ここではランダム)を持つので、\n"
        "順位が生の類似度とまったく違うこともあります。",
    )

    n.heading(
        f"Distribution functions: weights of query {TOKENS[QUERY]!r}, shape ({T},)",
        f"分布関数: クエリ {TOKENS[QUERY]!r} の重み、形 ({T},)",
    )
    for g in DISTRIBUTIONS:
        n.say(f"-- {g} --", f"-- {g} --")
        for f in COMPATIBILITIES:
            w = arrays[f"weights_{_slug(f)}_{g}"][QUERY]
            row = f"  {f:<10} {format_array(w)}"
            n.say(f"{row}  sum {format_number(w.sum())}", f"{row}  合計 {format_number(w.sum())}")

    dot_d = arrays["energies_dot"] / math.sqrt(EMBED_DIM)
    metrics["scaled_equals_dot_over_sqrt_d"] = float(
        np.abs(dot_d - arrays["energies_scaled_dot"]).max()
    )
    metrics["cosine_abs_max"] = float(np.abs(arrays["energies_cosine"]).max())
    metrics["max_abs_diff_torch_vs_numpy"] = worst_diff
    sparse_zeros = sum(metrics[f"zeros_{_slug(f)}_sparsemax"] for f in COMPATIBILITIES)
    metrics["sparsemax_zeros_total"] = sparse_zeros
    sig_dev = max(metrics[f"row_sum_max_dev_{_slug(f)}_sigmoid"] for f in COMPATIBILITIES)
    metrics["sigmoid_row_sum_max_dev"] = sig_dev

    metrics["sparsemax_zeros_query"] = int(
        sum((arrays[f"weights_{_slug(f)}_sparsemax"][QUERY] == 0).sum() for f in COMPATIBILITIES)
    )
    softmax_zeros = int(sum(metrics[f"zeros_{_slug(f)}_softmax"] for f in COMPATIBILITIES))
    metrics["softmax_zeros_total"] = softmax_zeros
    n.heading("Key numbers", "主な数値")
    ent_dot = metrics["entropy_query_dot_softmax"]
    ent_scaled = metrics["entropy_query_scaled_dot_softmax"]
    n.value("H(softmax(dot))", ent_dot)
    n.value("H(softmax(scaled dot))", ent_scaled)
    n.value("log T", math.log(T))
    n.say(
        "H is the entropy of the query's weights; log T is the largest it can be (uniform).",
        "H はクエリの重みのエントロピーで、log T がその最大値(一様な重み)です。",
    )
    n.say(
        f"exact zeros from sparsemax (all queries, all 5 functions): {int(sparse_zeros)}",
        f"sparsemax が出した正確なゼロ(全クエリ、5 つの関数すべて): {int(sparse_zeros)} 個",
    )
    n.say(
        f"exact zeros from softmax: {softmax_zeros}",
        f"softmax が出した正確なゼロ: {softmax_zeros} 個",
    )
    n.value("max |row sum - 1| (sigmoid)", sig_dev)
    close = "< 1e-6" if worst_diff < 1e-6 else f"{worst_diff:.2e}"
    n.say(
        f"PyTorch ({device}) vs NumPy, largest difference: {close}",
        f"PyTorch({device})と NumPy の差の最大値: {close}",
    )
    n.notice(
        "'Attention' is a family, not one formula. Dividing by sqrt(d) flattens the softmax\n"
        f"(entropy {format_number(ent_dot, 2)} -> {format_number(ent_scaled, 2)}); sparsemax cuts "
        "weak keys to exactly 0; sigmoid scores each\n"
        "key on its own, so the weights no longer compete and do not sum to 1. The Transformer's\n"
        "choice is one cell of this table: scaled dot + softmax.",
        "「注意」は一つの式ではなく、式の家族です。sqrt(d) で割ると softmax が平らになり\n"
        f"(エントロピー {format_number(ent_dot, 2)} → {format_number(ent_scaled, 2)})、sparsemax は"
        "弱いキーの重みを正確に 0 にし、\nsigmoid はキーを一つずつ独立に採点するので、重みどうしが"
        "競わず合計も 1 になりません。\nTransformer が選んだのは、この表の一マス、スケール付き内積 + "
        "softmax です。",
    )
    explorer = [
        Explorer(
            name={"en": "compatibility + distribution", "ja": "互換性関数 + 分布関数"},
            tokens=list(TOKENS),
            heads=heads,
        )
    ]
    return DemoResult(ID, device, seed, n.lines, arrays, metrics, explorer)


def claims(result: DemoResult) -> dict[str, bool]:
    """What the narration and alt text say about the numbers."""
    m = result.metrics
    return {
        "scaling_flattens_softmax": (
            m["entropy_query_scaled_dot_softmax"] > m["entropy_query_dot_softmax"]
        ),
        "cosine_every_token_own_best": m["own_best_match_cosine"] == len(TOKENS),
        "sparsemax_makes_zeros": m["sparsemax_zeros_total"] > 0 and m["sparsemax_zeros_query"] > 0,
        "softmax_makes_no_zeros": m["softmax_zeros_total"] == 0,
        "sigmoid_rows_do_not_sum_to_one": m["sigmoid_row_sum_max_dev"] > 0.1,
        "scaled_is_dot_over_sqrt_d": m["scaled_equals_dot_over_sqrt_d"] < 1e-12,
        "torch_matches_numpy": m["max_abs_diff_torch_vs_numpy"] < 1e-6,
    }


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, object, dict[str, str]]]:
    """One grid: for the query token, the weights of every compatibility x distribution pair."""
    # matplotlib only when drawing: see demos/framework/plotting.py
    from demos.framework.plotting import heatmap, mark_random_weights, new_figure

    rows, labels = [], []
    for g in DISTRIBUTIONS:
        for f in COMPATIBILITIES:
            rows.append(result.arrays[f"weights_{_slug(f)}_{g}"][QUERY])
            labels.append(f"{f} / {g}")
    fig = new_figure(6.0, 6.0)
    ax = fig.add_subplot()
    heatmap(
        ax,
        np.stack(rows),
        labels,
        TOKENS,
        pick(
            lang,
            f"Weights of query {TOKENS[QUERY]!r}: compatibility / distribution",
            f"クエリ {TOKENS[QUERY]!r} の重み: 互換性関数 / 分布関数",
        ),
        annotate=True,
        vmax=1.0,
    )
    mark_random_weights(fig, lang)  # random embeddings; general and additive: random parameters
    zeros = result.metrics["sparsemax_zeros_query"]
    alt = {
        "ja": (
            f"クエリ {TOKENS[QUERY]!r} の注意重み。行は互換性関数と分布関数の組み合わせ 15 通り、"
            "列は 6 つのトークン(埋め込みと一般形・加法のパラメータはランダム)。"
            f"sparsemax の 5 行には正確なゼロが合わせて {zeros} 個あり、"
            "sigmoid の行は合計が 1 になりません。"
        ),
        "en": (
            f"Attention weights of the query {TOKENS[QUERY]!r}: 15 rows, one per compatibility and "
            "distribution pair, 6 token columns (random embeddings; random parameters for general "
            f"and additive). The five sparsemax rows hold {zeros} exact zeros "
            "between them; sigmoid rows do not sum to one."
        ),
    }
    return [("variants", fig, alt)]
