"""The O(n^2) cost of attention: naive vs chunked with an online softmax vs PyTorch SDPA."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from contextlib import nullcontext

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from demos import reference
from demos.core import DemoResult, EnglishOnlyNarrator, cpu_threads, seed_everything
from demos.plotting import new_figure
from demos.torch_attention import chunked_attention, naive_attention

ID = "attention_at_scale"
TITLE = {"ja": "長い系列での注意:O(n²) のコスト", "en": "Attention at scale: the O(n^2) cost"}
SUMMARY = {
    "ja": (
        "素朴な注意は n × n のスコア行列を丸ごと持つので、系列長 n を 2 倍にするとメモリは 4 倍に"
        "なります。キーとクエリをブロックに分け、オンライン softmax(最大値と分母を走りながら"
        "更新する方法、FlashAttention の考え方)で計算すると、答えは同じまま追加メモリは n に"
        "比例するだけになります。素朴な実装・ブロック実装・PyTorch の "
        "scaled_dot_product_attention の一致と、実測したピークメモリを n = 256〜2048 で比べます"
        "(時間の比較は make bench で)。"
    ),
    "en": (
        "Naive attention holds the whole n x n score matrix, so doubling the sequence length n "
        "quadruples the memory. Computing it block by block with an online softmax (keep a "
        "running maximum and denominator: the FlashAttention idea) gives the same answer while "
        "the extra memory only grows in proportion to n. For n = 256 to 2048 we check that the "
        "naive, the chunked and PyTorch's scaled_dot_product_attention agree, and measure the "
        "peak memory of each way (timings: make bench)."
    ),
}
RESOURCES = ("devopedia-transformer", "smerity-gnmt-architecture")
CODE = {
    "PyTorch (chunked)": "demos.torch_attention:chunked_attention",
    "NumPy (chunked)": "demos.reference:chunked_attention",
}

SIZES = (256, 512, 1024, 2048)
HEAD_DIM = 64
CHUNK = 128
TOL = 1e-5
MEMORY_QUANTUM = 16 * 1024


def peak_bytes(fn: Callable[..., object], *args: object) -> int:
    """Peak bytes allocated while ``fn(*args)`` runs, beyond what existed before, rounded.

    NumPy reports its array buffers to tracemalloc, so this measures the algorithm's real
    working memory; PyTorch's CPU allocator does not, which is why memory is measured on the
    NumPy twins of the two algorithms. Python's own small allocations add a few hundred bytes
    of noise, so the result is rounded to :data:`MEMORY_QUANTUM` bytes to be the same on
    every run.
    """
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        fn(*args)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
        gc.enable()
    return int(round(peak / MEMORY_QUANTUM)) * MEMORY_QUANTUM


def _mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:8.2f} MiB"


def run(device: str = "cpu", seed: int = 0) -> DemoResult:
    """Check naive, chunked and SDPA attention agree, and measure peak memory as n grows."""
    seed_everything(seed)
    rng = np.random.default_rng(seed)
    diffs_chunked, diffs_sdpa, diffs_causal, naive_mem, chunked_mem = [], [], [], [], []
    warm = rng.standard_normal((CHUNK, HEAD_DIM)).astype(np.float32)
    for fn in (reference.naive_attention, reference.chunked_attention):
        peak_bytes(fn, warm, warm, warm)  # first calls allocate NumPy's lazy internals
    for n_tok in SIZES:
        q_np, k_np, v_np = (
            rng.standard_normal((n_tok, HEAD_DIM)).astype(np.float32) for _ in range(3)
        )
        q, k, v = (torch.tensor(a, device=device)[None, None] for a in (q_np, k_np, v_np))
        with torch.no_grad(), cpu_threads(1) if device == "cpu" else nullcontext():
            y_naive = naive_attention(q, k, v)  # (1, 1, n, head_dim)
            y_chunked = chunked_attention(q, k, v, chunk_size=CHUNK)
            y_sdpa = F.scaled_dot_product_attention(q, k, v)
            y_causal = chunked_attention(q, k, v, chunk_size=CHUNK, causal=True)
            y_causal_ref = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        diffs_chunked.append(float((y_chunked - y_naive).abs().max()))
        diffs_sdpa.append(float((y_sdpa - y_naive).abs().max()))
        diffs_causal.append(float((y_causal - y_causal_ref).abs().max()))
        naive_mem.append(peak_bytes(reference.naive_attention, q_np, k_np, v_np))
        chunked_mem.append(peak_bytes(reference.chunked_attention, q_np, k_np, v_np, CHUNK))

    # Ratio of successive increments: 4 for a cost a + b n^2, 2 for a + b n (the constant
    # part, the input copies and one block of scores, cancels out).
    growth_naive = (naive_mem[-1] - naive_mem[-2]) / (naive_mem[-2] - naive_mem[-3])
    growth_chunked = (chunked_mem[-1] - chunked_mem[-2]) / (chunked_mem[-2] - chunked_mem[-3])
    n = EnglishOnlyNarrator()
    n.heading("The cost")
    n.say(f"One head, head_dim = {HEAD_DIM}, float32. For n tokens the naive way builds")
    n.say("scores = q @ k.T of shape (n, n): n^2 numbers, then a softmax over each row.")
    for n_tok in SIZES:
        n.say(f"  n = {n_tok:>5}: the score matrix alone is {_mib(n_tok * n_tok * 4)}")
    n.heading("Chunked attention with an online softmax")
    n.say(f"Take {CHUNK} queries and {CHUNK} keys at a time. For each query row keep a running")
    n.say("max m, a running denominator and a running weighted sum of values; when a new block")
    n.say("raises the max, multiply the old sums by exp(m_old - m_new). At the end divide.")
    n.say(f"Only a ({CHUNK}, {CHUNK}) block of scores exists at any moment.")
    n.heading("Same answer")
    for n_tok, dc, ds, dz in zip(SIZES, diffs_chunked, diffs_sdpa, diffs_causal, strict=True):
        n.say(f"n = {n_tok}:")
        n.check("  chunked vs naive", dc, TOL)
        n.check("  PyTorch SDPA vs naive", ds, TOL)
        n.check("  chunked causal vs SDPA causal", dz, TOL)
    n.heading("Peak extra memory (measured, NumPy twins, tracemalloc)")
    n.say(f"{'n':>6}  {'naive':>12}  {'chunked':>12}")
    for n_tok, a, b in zip(SIZES, naive_mem, chunked_mem, strict=True):
        n.say(f"{n_tok:>6}  {_mib(a):>12}  {_mib(b):>12}")
    n.say("Growth of the memory when n doubles, relative to the previous doubling")
    n.say(f"(n = {SIZES[-3]} -> {SIZES[-2]} -> {SIZES[-1]}; 4 means quadratic, 2 means linear):")
    n.say(f"  naive   x{growth_naive:.2f}")
    n.say(
        f"  chunked x{growth_chunked:.2f}  (the output and running sums; the block size is fixed)"
    )
    n.notice(
        "The n x n matrix is what makes long sequences expensive, not the arithmetic of the\n"
        "softmax: the online softmax gives the exact same result without ever holding it.\n"
        "Time still grows as n^2 (every query meets every key); on a GPU, doing the blocks in\n"
        "fast on-chip memory is what FlashAttention adds. Run make bench for timings."
    )
    return DemoResult(
        demo_id=ID,
        device=device,
        seed=seed,
        lines=n.lines,
        arrays={
            "sizes": np.array(SIZES),
            "naive_peak_bytes": np.array(naive_mem, dtype=np.float64),
            "chunked_peak_bytes": np.array(chunked_mem, dtype=np.float64),
        },
        metrics={
            "max_diff_chunked": max(diffs_chunked),
            "max_diff_sdpa": max(diffs_sdpa),
            "max_diff_causal": max(diffs_causal),
            "memory_growth_naive": growth_naive,
            "memory_growth_chunked": growth_chunked,
        },
        explorer=[],
    )


def figures(result: DemoResult, lang: str = "en") -> list[tuple[str, Figure, dict[str, str]]]:
    """Peak memory against n on log-log axes."""
    sizes = result.arrays["sizes"]
    fig = new_figure(5.5, 4.0)
    ax = fig.subplots()
    ax.loglog(
        sizes, result.arrays["naive_peak_bytes"] / 2**20, "o-", label="naive (n x n scores)", base=2
    )
    ax.loglog(
        sizes,
        result.arrays["chunked_peak_bytes"] / 2**20,
        "s-",
        label=f"chunked ({CHUNK} x {CHUNK} blocks)",
        base=2,
    )
    ax.set_xlabel("sequence length n")
    ax.set_ylabel("peak extra memory (MiB)")
    ax.set_title("Attention memory: quadratic vs linear", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
    alt = {
        "ja": "系列長 n に対するピークメモリ(両対数)。素朴な注意は n² に、ブロック計算は n に比例して増える。",
        "en": "Peak memory against sequence length n on log-log axes: naive attention grows as "
        "n^2, the chunked version as n.",
    }
    return [("memory", fig, alt)]
