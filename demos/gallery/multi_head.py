"""Multi-head attention from scratch, equal to torch.nn.MultiheadAttention with the same weights."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from demos.attention import reference
from demos.attention.torch_attention import MultiHeadSelfAttention, padding_mask
from demos.framework.core import DemoResult, Explorer, Narrator, seed_everything, to_numpy
from demos.framework.plotting import heatmap, mark_random_weights, new_figure

ID = "multi_head"
TITLE = {"ja": "マルチヘッド注意をゼロから", "en": "Multi-head attention from scratch"}
SUMMARY = {
    "ja": (
        "論文と同じ大きさ(D=512, h=8, 各ヘッド64次元)で、長さの違う3文のバッチにマルチヘッド"
        "自己注意をかけます。テンソルの形が(B, S, D)から(B, h, S, 64)へ分かれ、(B, h, S, S)の"
        "重みを経て(B, S, D)に戻るまでを1行ずつ表示し、手書きの実装が同じ重みを入れた"
        "torch.nn.MultiheadAttentionとNumPyの参照実装に一致することを確かめます。"
        "Sはバッチ内で最も長い文の長さで、短い文はパディングしてマスクします。"
    ),
    "en": (
        "Multi-head self-attention at the paper's size (D=512, h=8, 64 dimensions per head) on a "
        "batch of three sentences of different lengths. Each line follows a tensor's shape from "
        "(B, S, D) to (B, h, S, 64), through the (B, h, S, S) weights, and back to (B, S, D), "
        "and the hand-written module is shown to agree with torch.nn.MultiheadAttention holding "
        "the same weights and with the NumPy reference. S is the longest sentence in the batch; "
        "shorter ones are padded and the padding is masked."
    ),
}
CODE = {
    "PyTorch": "demos.attention.torch_attention:MultiHeadSelfAttention",
    "NumPy": "demos.attention.reference:multi_head_attention",
}

SENTENCES = [
    ["a", "robot", "reads", "the", "long", "report"],
    ["birds", "sing"],
    ["the", "report", "was", "long"],
]
PAD = "<pad>"
D_MODEL = 512
N_HEAD = 8
TOL_FLOAT32 = 1e-5


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Run hand-written and PyTorch multi-head attention on a padded batch and compare them."""
    seed_everything(seed)
    rng = np.random.default_rng(seed)
    vocab = sorted({w for s in SENTENCES for w in s})
    table = rng.standard_normal((len(vocab), D_MODEL))
    lengths = [len(s) for s in SENTENCES]
    B, S = len(SENTENCES), max(lengths)
    x_np = np.zeros((B, S, D_MODEL))
    for b, sentence in enumerate(SENTENCES):
        for t, word in enumerate(sentence):
            x_np[b, t] = table[vocab.index(word)]
    head_dim = D_MODEL // N_HEAD

    mine = MultiHeadSelfAttention(D_MODEL, N_HEAD)  # initialised on the CPU: same on any device
    theirs = nn.MultiheadAttention(D_MODEL, N_HEAD, batch_first=True)
    mine.copy_into_torch(theirs)
    mine, theirs = mine.to(device).eval(), theirs.to(device).eval()
    x = torch.tensor(x_np, dtype=torch.float32, device=device)  # (B, S, D)
    keep = padding_mask(lengths, S, device)  # (B, S), True = real token
    with torch.no_grad():
        qkv = mine.c_attn(x)  # (B, S, 3D)
        y, att = mine(x, padding_mask=keep)  # (B, S, D), (B, h, S, S)
        y_torch, att_torch = theirs(
            x, x, x, key_padding_mask=~keep, need_weights=True, average_attn_weights=False
        )
    ref_y, _ = reference.multi_head_attention(
        x_np, mine.cpu().double().params_numpy(), N_HEAD, padding_mask=to_numpy(keep.cpu())
    )
    real = to_numpy(keep)[:, :, None]  # padded query rows are ignored downstream
    y_n, att_n = to_numpy(y), to_numpy(att)
    diff_torch = float(np.abs((y_n - to_numpy(y_torch)) * real).max())
    diff_att = float(np.abs(att_n - to_numpy(att_torch)).max())
    diff_ref = float(np.abs((y_n - ref_y) * real).max())
    pad_weight = float((att_n * ~to_numpy(keep)[:, None, None, :]).max())
    n_params = sum(p.numel() for p in mine.parameters())

    T0 = lengths[0]
    maps = att_n[0, :, :T0, :T0]  # (h, T0, T0): sentence 0, every head
    head_gap = min(
        float(np.abs(maps[a] - maps[b]).sum(axis=-1).max())
        for a in range(N_HEAD)
        for b in range(a + 1, N_HEAD)
    )

    n = Narrator()
    n.heading("The batch", "バッチ")
    for b, sentence in enumerate(SENTENCES):
        words = " ".join(sentence + [PAD] * (S - len(sentence)))
        n.say(f"sentence {b}: {words}", f"文 {b}: {words}")
    n.say(
        f"B = {B} sentences, S = {S} (the longest one), D = {D_MODEL}, h = {N_HEAD} heads,\n"
        f"head_dim = D / h = {head_dim}. The weights are random (untrained): this demo is about\n"
        "shapes and agreement, not about what trained heads learn.",
        f"B = {B} 文、S = {S}(最も長い文)、D = {D_MODEL}、ヘッド数 h = {N_HEAD}、\n"
        f"head_dim = D / h = {head_dim} です。重みはランダム(未学習)です。このデモで見るのは\n"
        "テンソルの形と実装どうしの一致で、学習したヘッドが何を覚えるかではありません。",
    )
    n.heading("Shapes, step by step", "形を一歩ずつ追う")
    shapes = [
        f"x                        {tuple(x.shape)}   (B, S, D)",
        f"qkv = x @ W_qkv.T + b    {tuple(qkv.shape)}  (B, S, 3D)",
        f"q, k, v = split(qkv)     3 x ({B}, {S}, {D_MODEL})",
        f"q.view(B, S, h, head_dim) ({B}, {S}, {N_HEAD}, {head_dim})",
        f"  .transpose(1, 2)       ({B}, {N_HEAD}, {S}, {head_dim})  (B, h, S, head_dim)",
        f"att = q @ k.T / sqrt({head_dim})  {tuple(att.shape)}  (B, h, S, S)",
        f"att @ v                  ({B}, {N_HEAD}, {S}, {head_dim})",
        f"  .transpose(1, 2).view  ({B}, {S}, {D_MODEL})",
        f"y = out_proj(...)        {tuple(y.shape)}   (B, S, D)",
    ]
    n.say("\n".join(shapes), "\n".join(shapes))
    w_qkv, w_o = tuple(mine.c_attn.weight.shape), tuple(mine.c_proj.weight.shape)
    n.say(
        f"parameters: W_qkv {w_qkv}, W_o {w_o}, {n_params:,} in all: the same count for\n"
        "1 head or 8, the heads only split the width.",
        f"パラメータ: W_qkv {w_qkv}、W_o {w_o}、合計 {n_params:,} 個。ヘッドが 1 個でも 8 個でも\n"
        "数は同じで、ヘッドは幅を分け合うだけです。",
    )
    n.heading("Padding", "パディング")
    n.show("padding_mask (True = real token)", keep.int())
    n.say(
        f"largest weight any head puts on a {PAD} key: {pad_weight:.1f}",
        f"どのヘッドでも {PAD} のキーに置かれた最大の重み: {pad_weight:.1f}",
    )
    n.heading("The first sentence, head by head", "最初の文をヘッドごとに")
    n.say(
        f"Weights of '{SENTENCES[0][1]}' (row 1) over the keys, per head:",
        f"'{SENTENCES[0][1]}'(行 1)が各キーに置く重み(ヘッドごと):",
    )
    for h in range(N_HEAD):
        row = " ".join(f"{w:.2f}" for w in att_n[0, h, 1, :T0])
        n.say(f"  head {h}: {row}", f"  head {h}: {row}")
    n.say(
        "Each head has its own W_Q, W_K slice, so each spreads its weight differently: the\n"
        f"two most alike heads still differ by {head_gap:.2f} in some row (sum of |differences|).",
        "ヘッドごとに W_Q, W_K の別々の切れ端を持つので、重みの置き方も違います。最も似た\n"
        f"二つのヘッドでも、ある行では差の絶対値の和が {head_gap:.2f} あります。",
    )
    n.heading("Check against PyTorch and NumPy", "PyTorch と NumPy で確かめる")
    n.check(
        "output vs nn.MultiheadAttention (float32)",
        "出力と nn.MultiheadAttention(float32)",
        diff_torch,
        TOL_FLOAT32,
    )
    n.check(
        "per-head weights vs nn.MultiheadAttention",
        "ヘッドごとの重みと nn.MultiheadAttention",
        diff_att,
        TOL_FLOAT32,
    )
    n.check(
        "output vs NumPy reference (float64)",
        "出力と NumPy の参照実装(float64)",
        diff_ref,
        TOL_FLOAT32,
    )
    n.notice(
        "Multi-head attention is one big projection cut into h slices: every head attends in its\n"
        "own 64-dimensional subspace, then the slices are put back side by side and mixed by W_o.\n"
        "The padded positions get exactly zero weight, so a short sentence is unaffected by the\n"
        "batch it travels in.",
        "マルチヘッド注意は、一つの大きな射影を h 個に切り分けたものです。各ヘッドは自分の\n"
        "64 次元の部分空間で注意をとり、切れ端は再び横に並べられて W_o で混ぜられます。\n"
        "パディングの位置の重みはちょうど 0 なので、短い文は一緒に運ばれるバッチの影響を\n"
        "受けません。",
    )
    tokens0 = SENTENCES[0]
    heads = {f"head {h}": att_n[0, h, :T0, :T0] for h in range(N_HEAD)}
    return DemoResult(
        demo_id=ID,
        device=device,
        seed=seed,
        lines=n.lines,
        arrays={"attention": att_n, "output": y_n, "padding_mask": to_numpy(keep)},
        metrics={
            "max_diff_torch": diff_torch,
            "max_diff_torch_weights": diff_att,
            "max_diff_reference": diff_ref,
            "max_weight_on_padding": pad_weight,
            "n_params": n_params,
            "min_head_difference": head_gap,
        },
        explorer=[
            Explorer(
                {
                    "en": f"sentence 0, {N_HEAD} heads (random weights)",
                    "ja": f"文 0、{N_HEAD} ヘッド(ランダムな重み)",
                },
                list(tokens0),
                heads,
            )
        ],
    )


def claims(result: DemoResult) -> dict[str, bool]:
    """What the narration and alt text say about the numbers."""
    m = result.metrics
    return {
        "matches_torch": max(m["max_diff_torch"], m["max_diff_torch_weights"]) < TOL_FLOAT32,
        "matches_numpy_reference": m["max_diff_reference"] < TOL_FLOAT32,
        "padding_gets_exactly_zero": m["max_weight_on_padding"] == 0.0,
        "same_parameter_count_as_one_head": m["n_params"] == 4 * D_MODEL * D_MODEL + 4 * D_MODEL,
        "heads_spread_weight_differently": m["min_head_difference"] > 0.05,
    }


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """The eight heads' attention maps for the first sentence, on one scale with a colour bar."""
    att = result.arrays["attention"]
    tokens = SENTENCES[0]
    T = len(tokens)
    fig = new_figure(10.5, 5.4)
    axes = fig.subplots(2, 4)
    top = float(att[0, :, :T, :T].max())  # one colour scale for all heads, so they compare

    for h, ax in enumerate(axes.flat):
        image = heatmap(
            ax,
            att[0, h, :T, :T],
            tokens,
            tokens,
            f"head {h}",
            vmax=top,
            annotate=False,
            colorbar=False,
        )
    fig.colorbar(image, ax=list(axes.flat), shrink=0.8)
    mark_random_weights(fig, lang)
    alt = {
        "ja": "1 文目(6 単語)に対する 8 つのヘッドの注意マップ(ランダムな重み、共通の色の尺度"
        f"と色の棒)。最も似た二つのヘッドでも、ある行で差の絶対値の和が "
        f"{result.metrics['min_head_difference']:.2f} あり、ヘッドごとに重みの置き方が異なる。",
        "en": "Attention maps of the eight heads for the first sentence (six words), random "
        "weights, on one colour scale with a colour bar; even the two most alike heads differ "
        f"by {result.metrics['min_head_difference']:.2f} (sum of absolute differences) in some "
        "row.",
    }
    return [("heads", fig, alt)]
