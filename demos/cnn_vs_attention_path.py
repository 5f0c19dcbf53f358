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

from demos.core import (
    DemoResult,
    EnglishOnlyNarrator,
    Explorer,
    format_array,
    precise_dtype,
    seed_everything,
    to_numpy,
)
from demos.torch_attention import MultiHeadSelfAttention, causal_mask

ID = "cnn_vs_attention_path"
TITLE = {
    "ja": "畳み込みと自己注意の経路長: 遠い位置に届くまで何層必要か",
    "en": "Path length: convolutions vs self-attention",
}
SUMMARY = {
    "ja": (
        "位置 0 の入力が位置 n-1 の出力に影響できるようになるまで、何層が必要かを実測します。"
        "カーネル幅 k の畳み込みを積み重ねた場合(通常・中心揃え・膨張つき)と自己注意 1 層を比べ、"
        "ヤコビアンが初めてゼロでなくなる深さが受容野の公式 ceil((n-1)/(k-1)) や "
        "ceil(log_k n) と一致すること、自己注意では n によらず 1 層で届くことを確かめます。"
    ),
    "en": (
        "How many layers before the input at position 0 can affect the output at position n-1? "
        "We stack convolutions of kernel width k (causal, centred and dilated) and compare them "
        "with a single self-attention layer. The depth at which the Jacobian first becomes "
        "non-zero matches the receptive-field formulas ceil((n-1)/(k-1)) and ceil(log_k n); "
        "self-attention needs one layer whatever n is."
    ),
}
RESOURCES = ("nishio-attention-scrapbox", "ryobot-transformer-explained")
CODE = {
    "measure": "demos.cnn_vs_attention_path:layers_to_connect",
    "formula": "demos.cnn_vs_attention_path:formula_layers",
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
        for conv in self.convs:
            span = (self.k - 1) * conv.dilation[0]
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

    Returns:
        The depth (1-based), or 0 when even the full stack does not connect them.
    """
    x = torch.randn(1, CHANNELS, n, device=device, dtype=dtype, requires_grad=True)
    outs = stack(x)
    for depth, out in enumerate(outs, start=1):
        (grad,) = torch.autograd.grad(out[0, :, n - 1].sum(), x, retain_graph=True)
        if bool((grad[0, :, 0] != 0).any()):
            return depth
    return 0


def jacobian_reach(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> np.ndarray:
    """``|d out_j / d in_i|`` summed over channels, shape ``(n_out, n_in)``; ``x`` is ``(n, C)``."""
    jac = torch.autograd.functional.jacobian(fn, x)  # (n, C, n, C)
    return to_numpy(jac.abs().sum(dim=(1, 3)))


def _both(text: str) -> dict[str, str]:
    return {"en": text, "ja": text}


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Measure the path length of convolution stacks and of one self-attention layer."""
    seed_everything(seed)
    dtype = precise_dtype(device)
    n_ = EnglishOnlyNarrator()
    n_.heading("The question")
    n_.say(
        "A convolution mixes each position only with its k neighbours, so information from\n"
        "position 0 needs several layers to travel to position n-1. Self-attention compares\n"
        "every pair of positions directly. We measure the number of layers from the Jacobian:\n"
        "d out[n-1] / d in[0] is exactly zero until some path connects the two positions."
    )
    n_.say(f"kernel k = {KERNEL}, channels = {CHANNELS}, tanh between layers, random weights")

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

    n_.heading("Layers until position 0 reaches position n-1 (measured / formula)")
    rows = [*KINDS, "attention"]
    n_.say("  " + "kind".ljust(12) + "".join(f"n={n}".rjust(10) for n in LENGTHS))
    for i, kind in enumerate(rows):
        cells = "".join(f"{measured[i, j]:>5} / {formula[i, j]:<2}" for j in range(len(LENGTHS)))
        n_.say(("  " + kind.ljust(12) + cells).rstrip())
    n_.say(
        "causal:   ceil((n-1)/(k-1))        grows linearly with n\n"
        "centred:  ceil((n-1)/((k-1)/2))    half the reach to the left, twice the layers\n"
        "dilated:  ceil(log_k n)            dilations 1, k, k^2, ... grow the reach geometrically\n"
        "attention: 1                       every query sees every key in one step"
    )
    ok = "yes" if metrics["all_match_formula"] == 1.0 else "NO"
    n_.say(f"every measurement equals its formula: {ok}")

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
        f"Who can influence whom: n = {n}, {JACOBIAN_DEPTH} conv layers vs 1 attention layer"
    )
    n_.say("Each row is an output position, each column an input position; 1 = non-zero Jacobian.")
    arrays: dict[str, np.ndarray] = {"measured": measured, "formula": formula}
    for kind, jac in reach.items():
        connected = (jac > 0).astype(np.int64)
        arrays[f"reach_{kind}"] = connected
        metrics[f"reach_row_last_{kind}"] = float(connected[-1].sum())
        label = f"{kind} conv x{JACOBIAN_DEPTH}" if kind != "attention" else "attention x1"
        n_.say(
            f"{label}: output {n - 1} depends on inputs {format_array(np.flatnonzero(connected[-1]))}"
        )
    attn_weights = attn(x[None], causal_mask(n, device))[1][0]  # (n_head, n, n)

    n_.notice(
        "The Transformer paper's table lists a maximum path length of O(n/k) for contiguous\n"
        "convolutions, O(log_k n) for dilated ones and O(1) for self-attention: here those are\n"
        "not asymptotics but exact layer counts. The price of the one-step path is that\n"
        "attention compares all n x n pairs in every layer."
    )
    tokens = [f"p{i}" for i in range(8)]
    explorer = [
        Explorer(
            name=_both("one causal self-attention layer (random weights, first 8 positions)"),
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


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, object, dict[str, str]]]:
    """Layers needed vs n, and who-influences-whom maps for two conv layers vs one attention."""
    from demos.plotting import heatmap, new_figure

    fig = new_figure(5.0, 3.6)
    ax = fig.add_subplot()
    lengths = np.array(LENGTHS)
    for i, kind in enumerate([*KINDS, "attention"]):
        ax.plot(lengths, result.arrays["formula"][i], "-", lw=1, label=f"{kind} (formula)")
        ax.plot(lengths, result.arrays["measured"][i], "o", ms=4, color=ax.lines[-1].get_color())
    ax.set_xscale("log", base=2)
    ax.set_xticks(lengths, [str(n) for n in LENGTHS])
    ax.set_xlabel("sequence length n")
    ax.set_ylabel("layers until 0 reaches n-1")
    ax.set_title(f"Path length, kernel k={KERNEL} (dots: measured from the Jacobian)", fontsize=9)
    ax.legend(fontsize=7)
    alt_layers = {
        "ja": (
            "系列長 n に対して、位置 0 が位置 n-1 に届くまでの層数。通常の畳み込みは n に比例して"
            "増え、膨張畳み込みは対数的に増え、自己注意は常に 1 層。点は実測、線は公式。"
        ),
        "en": (
            "Layers needed for position 0 to reach position n-1 as n grows: linear for plain "
            "convolutions, logarithmic for dilated ones, always one for self-attention. Dots are "
            "measured, lines are the formulas."
        ),
    }
    fig2 = new_figure(9.0, 3.2)
    labels = [str(i) for i in range(JACOBIAN_N)]
    for i, (kind, title) in enumerate(
        [
            ("causal", f"causal conv, {JACOBIAN_DEPTH} layers"),
            ("dilated", f"dilated conv, {JACOBIAN_DEPTH} layers"),
            ("attention", "causal self-attention, 1 layer"),
        ]
    ):
        ax = fig2.add_subplot(1, 3, i + 1)
        heatmap(ax, result.arrays[f"reach_{kind}"], None, None, title, colorbar=False, vmax=1)
        ax.set_xlabel("input position")
        ax.set_ylabel("output position")
        ax.set_xticks(range(0, JACOBIAN_N, 5), labels[::5])
        ax.set_yticks(range(0, JACOBIAN_N, 5), labels[::5])
    alt_reach = {
        "ja": (
            f"長さ {JACOBIAN_N} の系列で、どの入力位置がどの出力位置に影響するか(ヤコビアンが"
            "ゼロでない所が塗られる)。畳み込み 2 層は対角線付近の帯だけ、自己注意 1 層は"
            "下三角全体に届く。"
        ),
        "en": (
            f"Which input positions influence which outputs for a length-{JACOBIAN_N} sequence "
            "(filled where the Jacobian is non-zero): two convolution layers cover a narrow band "
            "near the diagonal, one self-attention layer covers the whole lower triangle."
        ),
    }
    return [("path_length", fig, alt_layers), ("reach", fig2, alt_reach)]
