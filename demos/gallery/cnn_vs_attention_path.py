"""Path length: how many layers until position 0 can change the output at position n-1.

Stacks of 1-D convolutions (kernel k; plain, centred, or dilated by k^l) are compared with one
self-attention layer. The answer is measured, not assumed: we differentiate the output at the last
position with respect to the input at the first one and look for the first depth where that
Jacobian block stops being exactly zero, then compare with the receptive-field formula.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from demos.attention.torch_attention import MultiHeadSelfAttention, causal_mask
from demos.framework.core import (
    DemoResult,
    Explorer,
    Narrator,
    format_array,
    pick,
    precise_dtype,
    seed_everything,
    tf32_off,
    to_numpy,
)

ID = "cnn_vs_attention_path"
TITLE = {
    "ja": "畳み込みと自己注意の経路長: 遠い位置に届くまで何層必要か",
    "en": "Path length: convolutions vs self-attention",
}
SUMMARY = {
    "ja": (
        "位置0の入力が位置n-1の出力に影響できるようになるまで、何層が必要かを実測します。"
        "カーネル幅kの畳み込みを積み重ねた場合(通常・中心揃え・膨張つき)と自己注意1層を比べ、"
        "ヤコビアンが初めてゼロでなくなる深さが受容野の公式ceil((n-1)/(k-1))や"
        "ceil(log_k n)と一致すること、自己注意ではnによらず1層で届くことを確かめます。"
    ),
    "en": (
        "How many layers before the input at position 0 can affect the output at position n-1? "
        "We stack convolutions of kernel width k (causal, centred and dilated) and compare them "
        "with a single self-attention layer. The depth at which the Jacobian first becomes "
        "non-zero matches the receptive-field formulas ceil((n-1)/(k-1)) and ceil(log_k n); "
        "self-attention needs one layer whatever n is."
    ),
}
CODE = {
    "measure": "demos.gallery.cnn_vs_attention_path:layers_to_connect",
    "formula": "demos.gallery.cnn_vs_attention_path:formula_layers",
}

KERNEL = 3
CHANNELS = 4
LENGTHS = (8, 16, 32, 64)
KINDS = ("causal", "centred", "dilated")
JACOBIAN_N = 16
JACOBIAN_DEPTH = 2


def dilation(kind: str, layer: int, k: int = KERNEL) -> int:
    """Dilation of layer ``layer`` (0-based): ``k**layer`` for "dilated", 1 otherwise."""
    return k**layer if kind == "dilated" else 1


class ConvStack(nn.Module):
    """1-D convolutions with tanh, padded so every layer keeps the length ``n``.

    "causal" and "dilated" pad on the left only (output i sees inputs up to i, as in WaveNet);
    "centred" pads both sides (output i sees (k-1)/2 inputs on each side).
    """

    def __init__(self, kind: str, depth: int, k: int = KERNEL, channels: int = CHANNELS):
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"unknown convolution kind {kind!r} (choose from {KINDS})")
        if kind == "centred" and k % 2 == 0:
            raise ValueError(f"a centred convolution needs an odd kernel, got k={k}")
        self.kind = kind
        self.k = k
        self.convs = nn.ModuleList(
            nn.Conv1d(channels, channels, k, dilation=dilation(kind, i, k)) for i in range(depth)
        )

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Run ``x`` of shape ``(B, C, n)``; return the output of every layer, each ``(B, C, n)``."""
        outs = []
        for i, conv in enumerate(self.convs):
            span = (self.k - 1) * dilation(self.kind, i, self.k)
            pad = (span, 0) if self.kind != "centred" else (span // 2, span // 2)
            x = torch.tanh(conv(nn.functional.pad(x, pad)))  # (B, C, n)
            outs.append(x)
        return outs


def formula_layers(kind: str, n: int, k: int = KERNEL) -> int:
    """Layers a convolution stack needs so that output n-1 depends on input 0.

    Causal: each layer reaches k-1 further back, so ``ceil((n-1)/(k-1))``. Centred: only
    (k-1)/2 of that is on the left, so ``ceil((n-1)/((k-1)/2))``. Dilated by ``k**l``: after L
    layers the reach is ``(k-1)(1 + k + ... + k**(L-1)) = k**L - 1``, so ``ceil(log_k n)``.
    """
    if kind == "causal":
        return -(-(n - 1) // (k - 1))
    if kind == "centred":
        return -(-(n - 1) // ((k - 1) // 2))
    if kind == "dilated":
        layers = 0
        while k**layers < n:
            layers += 1
        return layers
    raise ValueError(f"unknown convolution kind {kind!r} (choose from {KINDS})")


def layers_to_connect(stack: ConvStack, n: int, device: str, dtype: torch.dtype) -> int:
    """Smallest depth whose output at n-1 has a non-zero derivative w.r.t. the input at 0.

    Once a path exists it stays (every later layer keeps it), so the depth is found by
    bisection: about log2(depth) backward passes instead of one per layer.

    Returns:
        The depth (1-based), or 0 when even the full stack does not connect them.
    """
    x = torch.randn(1, CHANNELS, n, device=device, dtype=dtype, requires_grad=True)
    outs = stack(x)

    def connected(depth: int) -> bool:
        out = outs[depth - 1]  # (1, C, n)
        (grad,) = torch.autograd.grad(out[0, :, n - 1].sum(), x, retain_graph=True)
        return bool((grad[0, :, 0] != 0).any())

    lo, hi = 1, len(outs)
    if not connected(hi):
        return 0
    while lo < hi:
        mid = (lo + hi) // 2
        if connected(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def jacobian_reach(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> np.ndarray:
    """``|d out_j / d in_i|`` summed over channels, shape ``(n_out, n_in)``; ``x`` is ``(n, C)``."""
    jac = torch.autograd.functional.jacobian(fn, x)  # (n, C, n, C)
    return to_numpy(jac.abs().sum(dim=(1, 3)))


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Measure the path length of convolution stacks and of one self-attention layer."""
    with tf32_off():  # the measurement relies on exact zeros
        return _run(device, seed)


def _run(device: str, seed: int) -> DemoResult:
    seed_everything(seed)
    dtype = precise_dtype(device)
    n_ = Narrator()
    n_.heading("The question", "問い")
    n_.say(
        "A convolution mixes each position only with its k neighbours, so information from\n"
        "position 0 needs several layers to travel to position n-1. Self-attention compares\n"
        "pairs of positions directly. We measure the number of layers from the Jacobian:\n"
        "d out[n-1] / d in[0] is exactly zero until some path connects the two positions.",
        "畳み込みは各位置を近くの k 個の位置としか混ぜないので、位置 0 の情報が位置 n-1 に\n"
        "届くには何層も必要です。自己注意は位置の組を直接比べます。層の数はヤコビアンから\n"
        "実測します。d out[n-1] / d in[0] は、二つの位置をつなぐ経路ができるまで正確に 0 です。",
    )
    precision = str(dtype).removeprefix("torch.")
    n_.say(
        f"kernel k = {KERNEL}, channels = {CHANNELS}, tanh between layers, random weights\n"
        f"(untrained), {precision}, TF32 switched off: a zero below is an exact zero, not a "
        "rounded one.",
        f"カーネル幅 k = {KERNEL}、チャネル数 {CHANNELS}、層の間に tanh、重みはランダム(未学習)、\n"
        f"{precision} で計算し、TF32 は切っています。以下のゼロは丸めの結果ではなく正確なゼロです。",
    )

    torch.manual_seed(seed)
    # One layer more than the formula predicts for the longest n: a stack that never connects
    # the two ends would be measured as 0 and fail the comparison instead of looping on.
    stacks = {
        kind: ConvStack(kind, formula_layers(kind, max(LENGTHS)) + 1).to(device, dtype)
        for kind in KINDS
    }
    attn = MultiHeadSelfAttention(CHANNELS, 2).to(device, dtype)

    measured = np.zeros((len(KINDS) + 1, len(LENGTHS)), dtype=np.int64)
    formula = np.zeros_like(measured)
    metrics: dict[str, float] = {}
    for j, n in enumerate(LENGTHS):
        for i, kind in enumerate(KINDS):
            measured[i, j] = layers_to_connect(stacks[kind], n, device, dtype)
            formula[i, j] = formula_layers(kind, n)
            metrics[f"layers_{kind}_n{n}"] = float(measured[i, j])
            metrics[f"formula_{kind}_n{n}"] = float(formula[i, j])
        x = torch.randn(1, n, CHANNELS, device=device, dtype=dtype, requires_grad=True)
        y, _ = attn(x, causal_mask(n, device))  # (1, n, C); causal: only earlier positions
        (grad,) = torch.autograd.grad(y[0, n - 1].sum(), x)
        measured[-1, j] = 1 if bool((grad[0, 0] != 0).any()) else 0
        formula[-1, j] = 1
        metrics[f"layers_attention_n{n}"] = float(measured[-1, j])
        metrics[f"formula_attention_n{n}"] = 1.0
    metrics["all_match_formula"] = float((measured == formula).all())

    n_.heading(
        "Layers until position 0 reaches position n-1 (measured / formula)",
        "位置 0 が位置 n-1 に届くまでの層数(実測 / 公式)",
    )
    rows = [*KINDS, "attention"]
    header = "  " + "kind".ljust(12) + "".join(f"n={n}".rjust(10) for n in LENGTHS)
    n_.say(header, header)
    for i, kind in enumerate(rows):
        cells = "".join(f"{measured[i, j]:>5} / {formula[i, j]:<2}" for j in range(len(LENGTHS)))
        line = ("  " + kind.ljust(12) + cells).rstrip()
        n_.say(line, line)
    n_.say(
        "causal:   ceil((n-1)/(k-1))        grows linearly with n\n"
        "centred:  ceil((n-1)/((k-1)/2))    half the reach to the left, twice the layers\n"
        "dilated:  ceil(log_k n)            dilations 1, k, k^2, ... grow the reach geometrically\n"
        "attention: 1                       causal, yet the last query sees every earlier key\n"
        "                                   (0 .. n-1) directly",
        "causal:   ceil((n-1)/(k-1))        n に比例して増える\n"
        "centred:  ceil((n-1)/((k-1)/2))    左に届く幅が半分なので層は 2 倍\n"
        "dilated:  ceil(log_k n)            膨張率 1, k, k^2, ... で届く幅が指数的に広がる\n"
        "attention: 1                       因果マスクがあっても、最後のクエリはそれ以前の\n"
        "                                   すべてのキー(0 .. n-1)を直接見る",
    )
    ok = metrics["all_match_formula"] == 1.0
    n_.say(
        f"every measurement equals its formula: {'yes' if ok else 'NO'}",
        f"すべての実測値が公式と一致: {'はい' if ok else 'いいえ'}",
    )

    n = JACOBIAN_N
    x = torch.randn(n, CHANNELS, device=device, dtype=dtype)
    reach = {}
    for kind in ("causal", "dilated"):
        stack = stacks[kind]

        def conv_fn(inp: torch.Tensor, stack: ConvStack = stack) -> torch.Tensor:
            out = stack(inp.T[None])[JACOBIAN_DEPTH - 1]  # (1, C, n)
            return out[0].T  # (n, C)

        reach[kind] = jacobian_reach(conv_fn, x)

    def attn_fn(inp: torch.Tensor) -> torch.Tensor:
        return attn(inp[None], causal_mask(n, device))[0][0]  # (n, C)

    reach["attention"] = jacobian_reach(attn_fn, x)
    n_.heading(
        f"Who can influence whom: n = {n}, {JACOBIAN_DEPTH} conv layers vs 1 attention layer",
        f"どの位置がどの位置に影響できるか: n = {n}、畳み込み {JACOBIAN_DEPTH} 層と注意 1 層",
    )
    n_.say(
        "Each row is an output position, each column an input position; 1 = non-zero Jacobian.",
        "行が出力の位置、列が入力の位置で、1 はヤコビアンがゼロでないことを表します。",
    )
    arrays: dict[str, np.ndarray] = {"measured": measured, "formula": formula}
    for kind, jac in reach.items():
        connected = (jac > 0).astype(np.int64)
        arrays[f"reach_{kind}"] = connected
        metrics[f"reach_row_last_{kind}"] = float(connected[-1].sum())
        label = f"{kind} conv x{JACOBIAN_DEPTH}" if kind != "attention" else "attention x1"
        inputs = format_array(np.flatnonzero(connected[-1]))
        n_.say(
            f"{label}: output {n - 1} depends on inputs {inputs}",
            f"{label}: 出力 {n - 1} が依存する入力 {inputs}",
        )
    lower = np.tril(np.ones((n, n), dtype=np.int64))
    metrics["attention_reach_is_lower_triangle"] = int(
        np.array_equal(arrays["reach_attention"], lower)
    )
    attn_weights = attn(x[None], causal_mask(n, device))[1][0]  # (n_head, n, n)

    n_.notice(
        "The Transformer paper's table lists a maximum path length of O(n/k) for contiguous\n"
        "convolutions, O(log_k n) for dilated ones and O(1) for self-attention: here those are\n"
        "not asymptotics but exact layer counts. The price of the one-step path is that\n"
        "attention compares n x n pairs in every layer (about half of them, under a causal mask).",
        "Transformer の論文の表は、最大経路長を通常の畳み込みで O(n/k)、膨張畳み込みで\n"
        "O(log_k n)、自己注意で O(1) としています。ここではそれが漸近的な評価ではなく、\n"
        "正確な層の数として現れます。1 歩でつながる代わりに、注意は層ごとに n x n 個の組を\n"
        "比べます(因果マスクがあればその約半分です)。",
    )
    tokens = [f"p{i}" for i in range(8)]
    explorer = [
        Explorer(
            name={
                "en": "one causal self-attention layer (random weights, first 8 positions)",
                "ja": "因果的な自己注意 1 層(ランダムな重み、最初の 8 位置)",
            },
            tokens=tokens,
            heads={
                f"head {h + 1}": _renormalise(to_numpy(attn_weights[h])[:8, :8])
                for h in range(attn_weights.shape[0])
            },
        )
    ]
    return DemoResult(ID, device, seed, n_.lines, arrays, metrics, explorer)


def _renormalise(w: np.ndarray) -> np.ndarray:
    # The first 8 rows of a causal map only look at the first 8 keys, so this is a no-op in
    # exact arithmetic; it removes rounding so each row sums to 1 for the explorer.
    return w / w.sum(axis=-1, keepdims=True)


def claims(result: DemoResult) -> dict[str, bool]:
    """What the narration, summary and alt texts say about the numbers."""
    m = result.metrics
    n_max, n_min = max(LENGTHS), min(LENGTHS)
    n = JACOBIAN_N
    return {
        "every_measurement_matches_its_formula": m["all_match_formula"] == 1.0,
        "attention_needs_one_layer_for_every_n": all(
            m[f"layers_attention_n{k}"] == 1 for k in LENGTHS
        ),
        "causal_grows_with_n": m[f"layers_causal_n{n_max}"] > m[f"layers_causal_n{n_min}"] * 4,
        "dilated_needs_fewer_than_causal": all(
            m[f"layers_dilated_n{k}"] < m[f"layers_causal_n{k}"] for k in LENGTHS
        ),
        "two_conv_layers_reach_a_narrow_band": m["reach_row_last_causal"]
        == JACOBIAN_DEPTH * (KERNEL - 1) + 1,
        "last_query_sees_every_earlier_key": m["reach_row_last_attention"] == n,
        "attention_reach_is_the_lower_triangle": m["attention_reach_is_lower_triangle"] == 1,
    }


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, object, dict[str, str]]]:
    """Layers needed vs n, and who-influences-whom maps for two conv layers vs one attention."""
    # matplotlib only when drawing: see demos/framework/plotting.py
    from demos.framework.plotting import heatmap, mark_random_weights, new_figure

    fig = new_figure(5.0, 3.6)
    ax = fig.add_subplot()
    lengths = np.array(LENGTHS)
    formula_word = pick(lang, "formula", "公式")
    for i, kind in enumerate([*KINDS, "attention"]):
        ax.plot(lengths, result.arrays["formula"][i], "-", lw=1, label=f"{kind} ({formula_word})")
        ax.plot(lengths, result.arrays["measured"][i], "o", ms=4, color=ax.lines[-1].get_color())
    ax.set_xticks(lengths, [str(n) for n in LENGTHS])
    ax.set_xlabel(pick(lang, "sequence length n", "系列長 n"))
    ax.set_ylabel(pick(lang, "layers until 0 reaches n-1", "0 が n-1 に届くまでの層数"))
    ax.set_title(
        pick(
            lang,
            f"Path length, kernel k={KERNEL} (dots: measured from the Jacobian)",
            f"経路長、カーネル幅 k={KERNEL}(点: ヤコビアンからの実測)",
        ),
        fontsize=9,
    )
    ax.legend(fontsize=7)
    m = result.metrics
    n_max = max(LENGTHS)
    alt_layers = {
        "ja": (
            "系列長 n(線形の軸)に対して、位置 0 が位置 n-1 に届くまでの層数。n = "
            f"{n_max} では通常の畳み込みが {m[f'layers_causal_n{n_max}']:.0f} 層、膨張畳み込みが "
            f"{m[f'layers_dilated_n{n_max}']:.0f} 層、自己注意が "
            f"{m[f'layers_attention_n{n_max}']:.0f} 層。点は実測、線は公式で、すべて一致する。"
        ),
        "en": (
            "Layers needed for position 0 to reach position n-1 against n (linear axis): at "
            f"n = {n_max}, {m[f'layers_causal_n{n_max}']:.0f} for causal convolutions, "
            f"{m[f'layers_dilated_n{n_max}']:.0f} for dilated ones and "
            f"{m[f'layers_attention_n{n_max}']:.0f} for self-attention. Dots are measured, "
            "lines are the formulas, and they agree everywhere."
        ),
    }
    fig2 = new_figure(9.0, 3.4)
    labels = [str(i) for i in range(JACOBIAN_N)]
    titles = {
        "causal": pick(
            lang, f"causal conv, {JACOBIAN_DEPTH} layers", f"因果的な畳み込み {JACOBIAN_DEPTH} 層"
        ),
        "dilated": pick(
            lang, f"dilated conv, {JACOBIAN_DEPTH} layers", f"膨張畳み込み {JACOBIAN_DEPTH} 層"
        ),
        "attention": pick(lang, "causal self-attention, 1 layer", "因果的な自己注意 1 層"),
    }
    for i, kind in enumerate(("causal", "dilated", "attention")):
        ax = fig2.add_subplot(1, 3, i + 1)
        heatmap(
            ax, result.arrays[f"reach_{kind}"], None, None, titles[kind], colorbar=False, vmax=1
        )
        ax.set_xlabel(pick(lang, "input position", "入力の位置"))
        ax.set_ylabel(pick(lang, "output position", "出力の位置"))
        ax.set_xticks(range(0, JACOBIAN_N, 5), labels[::5])
        ax.set_yticks(range(0, JACOBIAN_N, 5), labels[::5])
    mark_random_weights(fig2, lang)
    band = int(m["reach_row_last_causal"])
    alt_reach = {
        "ja": (
            f"長さ {JACOBIAN_N} の系列で、どの入力位置がどの出力位置に影響するか(ヤコビアンが"
            "ゼロでない所が塗られる、ランダムな重み)。因果的な畳み込み 2 層では最後の出力に"
            f"届く入力は {band} 個の帯だけで、因果的な自己注意 1 層は下三角全体に届く。"
        ),
        "en": (
            f"Which input positions influence which outputs for a length-{JACOBIAN_N} sequence "
            "(filled where the Jacobian is non-zero; random weights): two causal convolution "
            f"layers let only a band of {band} inputs reach the last output, one causal "
            "self-attention layer covers the whole lower triangle."
        ),
    }
    return [("path_length", fig, alt_layers), ("reach", fig2, alt_reach)]
