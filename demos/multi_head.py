"""Multi-head attention from scratch, equal to torch.nn.MultiheadAttention with the same weights."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from demos import reference
from demos.core import DemoResult, EnglishOnlyNarrator, Explorer, seed_everything, to_numpy
from demos.plotting import heatmap, new_figure
from demos.torch_attention import MultiHeadSelfAttention, padding_mask

ID = "multi_head"
TITLE = {"ja": "マルチヘッド注意をゼロから", "en": "Multi-head attention from scratch"}
SUMMARY = {
    "ja": (
        "論文と同じ大きさ(D=512, h=8, 各ヘッド 64 次元)で、長さの違う 3 文のバッチにマルチヘッド"
        "自己注意をかけます。テンソルの形が (B, S, D) から (B, h, S, 64) へ分かれ、(B, h, S, S) の"
        "重みを経て (B, S, D) に戻るまでを 1 行ずつ表示し、手書きの実装が同じ重みを入れた "
        "torch.nn.MultiheadAttention と NumPy の参照実装に一致することを確かめます。"
        "S はバッチ内で最も長い文の長さで、短い文はパディングしてマスクします。"
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
RESOURCES = (
    "ryobot-transformer-explained",
    "lionbridge-transformer",
    "illustrated-transformer",
    "devopedia-transformer",
)
CODE = {
    "PyTorch": "demos.torch_attention:MultiHeadSelfAttention",
    "NumPy": "demos.reference:multi_head_attention",
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
TOL_FLOAT64 = 1e-10


def _both(text: str) -> dict[str, str]:
    return {"en": text, "ja": text}


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
    ref_y, ref_att = reference.multi_head_attention(
        x_np, mine.cpu().double().params_numpy(), N_HEAD, padding_mask=to_numpy(keep.cpu())
    )
    real = to_numpy(keep)[:, :, None]  # padded query rows are ignored downstream
    y_n, att_n = to_numpy(y), to_numpy(att)
    diff_torch = float(np.abs((y_n - to_numpy(y_torch)) * real).max())
    diff_att = float(np.abs(att_n - to_numpy(att_torch)).max())
    diff_ref = float(np.abs((y_n - ref_y) * real).max())
    pad_weight = float((att_n * ~to_numpy(keep)[:, None, None, :]).max())
    n_params = sum(p.numel() for p in mine.parameters())

    n = EnglishOnlyNarrator()
    n.heading("The batch")
    for b, sentence in enumerate(SENTENCES):
        n.say(f"sentence {b}: {' '.join(sentence + [PAD] * (S - len(sentence)))}")
    n.say(f"B = {B} sentences, S = {S} (the longest one), D = {D_MODEL}, h = {N_HEAD} heads,")
    n.say(f"head_dim = D / h = {head_dim}.")
    n.heading("Shapes, step by step")
    n.say(f"x                        {tuple(x.shape)}   (B, S, D) word vectors")
    n.say(f"qkv = x @ W_qkv.T + b    {tuple(qkv.shape)}  (B, S, 3D) queries, keys, values stacked")
    n.say(f"q, k, v = split(qkv)     3 x ({B}, {S}, {D_MODEL})")
    n.say(f"q.view(B, S, h, head_dim) ({B}, {S}, {N_HEAD}, {head_dim})")
    n.say(f"  .transpose(1, 2)       ({B}, {N_HEAD}, {S}, {head_dim})  (B, h, S, head_dim)")
    n.say(f"att = q @ k.T / sqrt({head_dim})  {tuple(att.shape)}  (B, h, S, S), one map per head")
    n.say(f"att @ v                  ({B}, {N_HEAD}, {S}, {head_dim})")
    n.say(f"  .transpose(1, 2).view  ({B}, {S}, {D_MODEL})  heads side by side again")
    n.say(f"y = out_proj(...)        {tuple(y.shape)}   (B, S, D)")
    n.say(
        f"parameters: W_qkv {tuple(mine.c_attn.weight.shape)}, W_o {tuple(mine.c_proj.weight.shape)},"
    )
    n.say(f"{n_params:,} in all: the same count for 1 head or 8, the heads only split the width.")
    n.heading("Padding")
    n.show("padding_mask (True = real token)", keep.int())
    n.say(f"largest weight any head puts on a {PAD} key: {pad_weight:.1f}")
    n.heading("The first sentence, head by head")
    n.say(f"Weights of '{SENTENCES[0][1]}' (row 1) over the keys, per head:")
    for h in range(N_HEAD):
        row = " ".join(f"{w:.2f}" for w in att_n[0, h, 1, : lengths[0]])
        n.say(f"  head {h}: {row}")
    n.say("Each head has its own W_Q, W_K slice, so each spreads its weight differently.")
    n.heading("Check against PyTorch and NumPy")
    n.check("output vs nn.MultiheadAttention (float32)", diff_torch, TOL_FLOAT32)
    n.check("per-head weights vs nn.MultiheadAttention", diff_att, TOL_FLOAT32)
    n.check("output vs NumPy reference (float64)", diff_ref, TOL_FLOAT32)
    n.notice(
        "Multi-head attention is one big projection cut into h slices: every head attends in its\n"
        "own 64-dimensional subspace, then the slices are put back side by side and mixed by W_o.\n"
        "The padded positions get exactly zero weight, so a short sentence is unaffected by the\n"
        "batch it travels in."
    )
    tokens0 = SENTENCES[0]
    T0 = len(tokens0)
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
            "n_params": float(n_params),
        },
        explorer=[Explorer(_both(f"sentence 0, {N_HEAD} heads"), list(tokens0), heads)],
    )


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """The eight heads' attention maps for the first sentence."""
    att = result.arrays["attention"]
    tokens = SENTENCES[0]
    T = len(tokens)
    fig = new_figure(10.0, 5.2)
    axes = fig.subplots(2, 4)
    top = float(att[0, :, :T, :T].max())  # one colour scale for all heads, so they compare
    for h, ax in enumerate(axes.flat):
        heatmap(
            ax,
            att[0, h, :T, :T],
            tokens,
            tokens,
            f"head {h}",
            vmax=top,
            annotate=False,
            colorbar=False,
        )
    alt = {
        "ja": "1 文目(6 単語)に対する 8 つのヘッドの注意マップ(共通の色の尺度)。"
        "ヘッドごとに重みの置き方が異なる。",
        "en": "Attention maps of the eight heads for the first sentence (six words), on one "
        "colour scale; each head spreads its weight differently.",
    }
    return [("heads", fig, alt)]
