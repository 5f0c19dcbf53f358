"""Padding and causal masks, and what -inf does to a softmax."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from demos.attention.torch_attention import causal_mask, padding_mask, scaled_dot_product_attention
from demos.framework.core import DemoResult, Explorer, Narrator, pick, seed_everything, to_numpy
from demos.framework.plotting import heatmap, new_figure

ID = "masks"
TITLE = {"ja": "パディングマスクと因果マスク", "en": "Padding and causal masks"}
SUMMARY = {
    "ja": (
        "長さの違う3文をまとめて処理するときのパディングマスクと、先の単語を見せないための"
        "因果マスクを作り、スコアに −infを入れるとsoftmaxの重みがちょうど0になることを"
        "確かめます。マスクした結果は、パディングなしで1文ずつ計算した結果と一致し、"
        "PyTorchのscaled_dot_product_attentionとも一致します。すべてのキーを隠した行が"
        "NaNになる落とし穴も示します。"
    ),
    "en": (
        "Three sentences of different lengths share one padded batch: a padding mask hides the "
        "filler, and a causal mask hides the words that come later. Writing -inf into a score "
        "makes its softmax weight exactly zero, so the masked batch gives the same numbers as "
        "each sentence computed alone without padding, and the same as PyTorch's "
        "scaled_dot_product_attention. We also show the trap: a row with every key hidden "
        "turns into NaN."
    ),
}
CODE = {"PyTorch": "demos.attention.torch_attention:scaled_dot_product_attention"}

SENTENCES = [["she", "reads", "a", "book", "today"], ["he", "sleeps"], ["we", "cook", "rice"]]
PAD = "<pad>"
HEAD_DIM = 8
TOL = 1e-5


def _softmax_row(scores: list[float], device: str) -> np.ndarray:
    return to_numpy(torch.softmax(torch.tensor(scores, device=device), dim=-1))


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Build padding and causal masks for a padded batch and check what they do."""
    seed_everything(seed)
    rng = np.random.default_rng(seed)
    lengths = [len(s) for s in SENTENCES]
    B, T = len(SENTENCES), max(lengths)
    q_np, k_np, v_np = (rng.standard_normal((B, 1, T, HEAD_DIM)) for _ in range(3))
    q, k, v = (torch.tensor(a, dtype=torch.float32, device=device) for a in (q_np, k_np, v_np))

    keep = padding_mask(lengths, T, device)  # (B, T): True = real token
    causal = causal_mask(T, device)  # (T, T): True = key not in the future
    _, att_pad = scaled_dot_product_attention(q, k, v, padding_mask=keep)  # (B, 1, T, T)
    y, att = scaled_dot_product_attention(q, k, v, causal, keep)  # (B, 1, T, T)
    both = causal[None, None] & keep[:, None, None, :]  # (B, 1, T, T)
    y_sdpa = F.scaled_dot_product_attention(q, k, v, attn_mask=both)

    real_rows = to_numpy(keep)[:, None, :, None]
    diff_sdpa = float(np.abs((to_numpy(y) - to_numpy(y_sdpa)) * real_rows).max())
    diff_alone = 0.0
    for b, L in enumerate(lengths):
        y_alone, _ = scaled_dot_product_attention(
            q[b : b + 1, :, :L], k[b : b + 1, :, :L], v[b : b + 1, :, :L], causal_mask(L, device)
        )  # (1, 1, L, HEAD_DIM): the sentence on its own, no padding at all
        diff_alone = max(diff_alone, float((y[b : b + 1, :, :L] - y_alone).abs().max()))
    att_n, att_pad_n = to_numpy(att), to_numpy(att_pad)
    hidden_pad = ~to_numpy(keep)[:, None, None, :]
    hidden_future = ~to_numpy(causal)[None, None]
    on_pad = float(np.abs(att_n * hidden_pad).max())
    on_future = float(np.abs(att_n * hidden_future).max())

    demo_scores = [2.0, 1.0, 0.5]
    plain = _softmax_row(demo_scores, device)
    masked = _softmax_row([2.0, 1.0, float("-inf")], device)
    big_negative = _softmax_row([2.0, 1.0, -1e9], device)
    all_hidden = _softmax_row([float("-inf")] * 3, device)
    nan_count = int(np.isnan(all_hidden).sum())

    n = Narrator()
    n.heading("A padded batch", "パディングしたバッチ")
    for b, s in enumerate(SENTENCES):
        words = " ".join(s + [PAD] * (T - len(s)))
        n.say(
            f"sentence {b}: {words}   (length {len(s)})",
            f"文 {b}: {words}   (長さ {len(s)})",
        )
    n.say(
        f"q, k, v: {tuple(q.shape)} = (B, heads, T, head_dim), T = {T} = the longest sentence",
        f"q, k, v: {tuple(q.shape)} = (B, heads, T, head_dim)。T = {T} は最も長い文の長さです",
    )
    n.heading("What -inf does to a softmax", "-inf が softmax にすること")
    n.say(
        "softmax(x)_j = exp(x_j) / sum_i exp(x_i), and exp(-inf) = 0.",
        "softmax(x)_j = exp(x_j) / sum_i exp(x_i) で、exp(-inf) = 0 です。",
    )
    n.show("softmax([2, 1, 0.5])", plain)
    n.show("softmax([2, 1, -inf])", masked)
    n.say(
        "The hidden entry gets exactly 0 and the rest share the whole weight.",
        "隠した成分の重みはちょうど 0 になり、残りの成分が重みのすべてを分け合います。",
    )
    n.show("softmax([2, 1, -1e9])", big_negative)
    n.say(
        "A very large negative number works too (exp underflows to 0).",
        "非常に大きな負の数でも同じです(exp がアンダーフローして 0 になります)。",
    )
    n.show("softmax([-inf, -inf, -inf])", all_hidden)
    n.say(
        f"A row with every key hidden is 0/0: {nan_count} NaN values. Every query must keep\n"
        "at least one key; with a causal mask each token keeps itself.",
        f"すべてのキーを隠した行は 0/0 になり、NaN が {nan_count} 個出ます。どのクエリにも\n"
        "少なくとも一つはキーを残す必要があります。因果マスクなら各トークンが自分自身を残します。",
    )
    n.heading("Padding mask: hide the filler keys", "パディングマスク: 埋め草のキーを隠す")
    n.show("padding_mask (B, T), 1 = real token", keep.int())
    n.show("weights of sentence 1 (padding mask only)", att_pad_n[1, 0], precision=3)
    L1 = len(SENTENCES[1])
    n.say(
        f"Columns {L1}..{T - 1} are <pad>: zero weight. Rows {L1}..{T - 1} are padded queries;\n"
        "their outputs are computed but never used.",
        f"列 {L1}..{T - 1} は <pad> なので重みは 0 です。行 {L1}..{T - 1} はパディングのクエリで、\n"
        "出力は計算されますが使われません。",
    )
    n.heading("Causal mask: hide the future", "因果マスク: 未来を隠す")
    n.show("causal_mask (T, T), 1 = may attend", causal.int())
    n.heading("Both masks together", "二つのマスクを合わせる")
    n.say(
        "A key is visible when it is a real token AND not in the future:",
        "キーが見えるのは、本物のトークンで、しかも未来にないときだけです。",
    )
    n.show("mask of sentence 2", both[2, 0].int())
    n.show("weights of sentence 2", att_n[2, 0], precision=3)
    n.say(
        f"largest weight on a padded key: {on_pad:.1f}\n"
        f"largest weight on a future key: {on_future:.1f}",
        f"パディングのキーに置かれた最大の重み: {on_pad:.1f}\n"
        f"未来のキーに置かれた最大の重み: {on_future:.1f}",
    )
    n.heading("Checks", "確認")
    n.check(
        "masked batch vs each sentence alone, unpadded",
        "マスクしたバッチと、パディングなしで 1 文ずつ計算した結果",
        diff_alone,
        TOL,
    )
    n.check(
        "vs torch.nn.functional.scaled_dot_product_attention",
        "torch.nn.functional.scaled_dot_product_attention との比較",
        diff_sdpa,
        TOL,
    )
    n.notice(
        "Masks act on the scores, before the softmax: a -inf score becomes a weight of exactly\n"
        "zero. That is why padding changes nothing for the real tokens, and why a decoder\n"
        "trained with a causal mask never peeks at the word it has to predict.",
        "マスクは softmax の前のスコアに働きます。スコアが -inf なら重みはちょうど 0 です。\n"
        "だからパディングは本物のトークンの結果を何も変えず、因果マスクで学習したデコーダは\n"
        "予測すべき単語を決して覗き見ません。",
    )
    explorer = []
    for b, s in enumerate(SENTENCES):
        L = len(s)
        explorer.append(
            Explorer(
                {"en": f"sentence {b}: {' '.join(s)}", "ja": f"文 {b}: {' '.join(s)}"},
                list(s),
                {"causal + padding": att_n[b, 0, :L, :L], "padding only": att_pad_n[b, 0, :L, :L]},
            )
        )
    return DemoResult(
        demo_id=ID,
        device=device,
        seed=seed,
        lines=n.lines,
        arrays={
            "padding_mask": to_numpy(keep),
            "causal_mask": to_numpy(causal),
            "weights": att_n,
            "weights_padding_only": att_pad_n,
            "softmax_masked": masked,
        },
        metrics={
            "max_weight_on_padding": on_pad,
            "max_weight_on_future": on_future,
            "max_diff_alone": diff_alone,
            "max_diff_sdpa": diff_sdpa,
            "nan_in_fully_masked_row": nan_count,
            "masked_softmax_zero": float(masked[2]),
        },
        explorer=explorer,
    )


def claims(result: DemoResult) -> dict[str, bool]:
    """What the summary, narration and alt text say about the numbers."""
    m = result.metrics
    return {
        "hidden_keys_get_exactly_zero": m["max_weight_on_padding"] == 0.0
        and m["max_weight_on_future"] == 0.0
        and m["masked_softmax_zero"] == 0.0,
        "padding_changes_nothing": m["max_diff_alone"] < TOL,
        "same_as_torch_sdpa": m["max_diff_sdpa"] < TOL,
        "fully_masked_row_is_nan": m["nan_in_fully_masked_row"] == 3,
    }


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """The two masks and the weights of a padded sentence under both, on one 0-1 scale."""
    labels = SENTENCES[2] + [PAD] * (result.arrays["causal_mask"].shape[0] - len(SENTENCES[2]))
    fig = new_figure(11.0, 3.8)
    a, b, c = fig.subplots(1, 3)
    pad_rows = np.broadcast_to(result.arrays["padding_mask"][2], (len(labels), len(labels)))
    heatmap(
        a,
        pad_rows,
        labels,
        labels,
        pick(lang, "padding mask (sentence 2)", "パディングマスク(文 2)"),
        vmax=1,
        colorbar=False,
        fmt="{:.0f}",
    )
    heatmap(
        b,
        result.arrays["causal_mask"],
        labels,
        labels,
        pick(lang, "causal mask", "因果マスク"),
        vmax=1,
        colorbar=False,
        fmt="{:.0f}",
    )
    heatmap(
        c,
        result.arrays["weights"][2, 0],
        labels,
        labels,
        pick(
            lang, "weights with both masks (random q, k)", "両方のマスクを適用した重み(乱数の q, k)"
        ),
        vmax=1,
    )
    alt = {
        "ja": "文 2(we cook rice + パディング 2 つ)のパディングマスク、因果マスク、両方を適用した"
        "注意の重み(q と k は乱数、3 枚とも 0〜1 の同じ色の尺度)。隠したキーの重みはちょうど 0。",
        "en": "For sentence 2 (we cook rice plus two pads): the padding mask, the causal mask, and "
        "the attention weights with both applied (random q and k; all three on one 0-1 colour "
        "scale); hidden keys get exactly zero weight.",
    }
    return [("masks", fig, alt)]
