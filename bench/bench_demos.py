"""Benchmark: each demo's wall time, and attention's cost as the sequence grows.

Part 1 runs ``python -m demos run ID --device cpu`` for every demo in a fresh process, so the
time includes starting Python and importing torch; budget 10 s a demo and 60 s for all of them
(a 2-core CPU), printed as PASS or FAIL per line.

Part 2 (attention_at_scale) times naive attention, chunked attention with an online softmax and
PyTorch's scaled_dot_product_attention for n = 512 ... 8192 (one head, head_dim 64, float32)
and measures their peak extra memory: on the CPU each measurement runs in its own process and
reads the growth of the peak resident set size (``ru_maxrss``), with torch on one thread
unless ``--threads`` says otherwise; on CUDA it reads
``torch.cuda.max_memory_allocated``. Naive attention is skipped, and said so, where its score
matrices would not fit in the memory that is free.

    python bench/bench_demos.py [--skip-demos] [--skip-scale] [--sizes 512 1024 ...]
                                [--devices cpu cuda] [--threads N] [--strict]

Exit status 0, or 1 with ``--strict`` when a demo missed its budget.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_BUDGET_S = 10.0
ALL_BUDGET_S = 60.0
SIZES = (512, 1024, 2048, 4096, 8192)
HEAD_DIM = 64
CHUNK = 128
METHODS = ("naive", "chunked", "sdpa")
# Naive attention holds the scores, their exponentials and the weights at once (float32).
NAIVE_COPIES = 3


def _python() -> list[str]:
    return [sys.executable]


def bench_demos() -> bool:
    """Time every demo in a fresh process; print one PASS/FAIL line each. True if all pass."""
    sys.path.insert(0, str(ROOT))
    from demos.framework.registry import DEMO_IDS

    total, ok = 0.0, True
    print(f"demo wall time, fresh process, CPU (budget {DEMO_BUDGET_S:.0f} s each)")
    for demo_id in DEMO_IDS:
        start = time.perf_counter()
        proc = subprocess.run(
            [*_python(), "-m", "demos", "run", demo_id, "--device", "cpu"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - start
        total += elapsed
        passed = proc.returncode == 0 and elapsed <= DEMO_BUDGET_S
        ok &= passed
        note = (
            ""
            if proc.returncode == 0
            else f"  (exit {proc.returncode}: {proc.stderr.strip()[-200:]})"
        )
        print(f"  {'PASS' if passed else 'FAIL'}  {demo_id:<26} {elapsed:6.2f} s{note}")
    all_ok = total <= ALL_BUDGET_S
    print(
        f"  {'PASS' if all_ok else 'FAIL'}  {'all demos':<26} {total:6.2f} s (budget {ALL_BUDGET_S:.0f} s)"
    )
    return ok and all_ok


def _available_bytes(device: str) -> int:
    if device == "cuda":
        import torch

        return torch.cuda.mem_get_info()[0]
    with open("/proc/meminfo", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def worker(method: str, n: int, device: str, repeats: int, threads: int) -> dict[str, float]:
    """Time ``method`` at length ``n`` and measure its peak extra memory (runs in a child)."""
    sys.path.insert(0, str(ROOT))
    import torch

    if threads > 0:
        torch.set_num_threads(threads)
    import torch.nn.functional as F

    from demos.attention.torch_attention import chunked_attention, naive_attention

    fns = {
        "naive": lambda q, k, v: naive_attention(q, k, v),
        "chunked": lambda q, k, v: chunked_attention(q, k, v, chunk_size=CHUNK),
        "sdpa": lambda q, k, v: F.scaled_dot_product_attention(q, k, v),
    }
    fn = fns[method]
    gen = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(1, 1, n, HEAD_DIM, generator=gen).to(device) for _ in range(3))

    def sync() -> None:
        if device == "cuda":
            torch.cuda.synchronize()

    with torch.no_grad():
        fn(q[..., :256, :], k[..., :256, :], v[..., :256, :])  # warm-up on a small input
        sync()
        if device == "cuda":
            torch.cuda.reset_peak_memory_stats()
            base = torch.cuda.memory_allocated()
        else:
            base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            out = fn(q, k, v)
            sync()
            times.append(time.perf_counter() - start)
            del out
        if device == "cuda":
            peak = torch.cuda.max_memory_allocated() - base
        else:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base
    return {"seconds": statistics.median(times), "peak_bytes": max(peak, 0)}


def bench_scale(sizes: list[int], devices: list[str], threads: int) -> None:
    """Print naive vs chunked vs SDPA time and peak memory for each n and device."""
    import torch

    for device in devices:
        if device == "cuda" and not torch.cuda.is_available():
            print("\nattention_at_scale on cuda: skipped (no CUDA device here)")
            continue
        print(
            f"\nattention_at_scale on {device}: one head, head_dim {HEAD_DIM}, float32, chunk {CHUNK}"
        )
        print(f"  {'n':>6}  " + "  ".join(f"{m + ' time':>13}  {m + ' peak':>13}" for m in METHODS))
        for n in sizes:
            cells = []
            for method in METHODS:
                need = NAIVE_COPIES * n * n * 4
                if method == "naive" and need > 0.5 * _available_bytes(device):
                    cells.append(f"{'skipped':>13}  {'(no memory)':>13}")
                    print(
                        f"  note: naive at n={n} needs about {need / 2**30:.1f} GiB; "
                        f"skipped on {device}",
                        file=sys.stderr,
                    )
                    continue
                repeats = 3 if n <= 2048 else 1
                proc = subprocess.run(
                    [
                        *_python(),
                        __file__,
                        "--worker",
                        method,
                        str(n),
                        device,
                        str(repeats),
                        str(threads),
                    ],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                if proc.returncode != 0:
                    cells.append(f"{'error':>13}  {'':>13}")
                    print(f"  {method} n={n}: {proc.stderr.strip()[-300:]}", file=sys.stderr)
                    continue
                r = json.loads(proc.stdout)
                cells.append(
                    f"{r['seconds'] * 1000:>10.1f} ms  {r['peak_bytes'] / 2**20:>9.1f} MiB"
                )
            print(f"  {n:>6}  " + "  ".join(cells))
        print("  peak = extra memory during the call (CPU: growth of the process's peak RSS)")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-demos", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--devices", nargs="+", default=["cpu", "cuda"], choices=["cpu", "cuda"])
    parser.add_argument("--strict", action="store_true", help="exit 1 when a demo is over budget")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="CPU threads for torch in part 2 (default 1: stable timings, no spinning on a busy "
        "machine; 0: torch's default)",
    )
    parser.add_argument(
        "--worker", nargs=5, metavar=("METHOD", "N", "DEVICE", "REPEATS", "THREADS")
    )
    args = parser.parse_args(argv)
    if args.worker:
        method, n, device, repeats, threads = args.worker
        print(json.dumps(worker(method, int(n), device, int(repeats), int(threads))))
        return 0
    os.environ.setdefault("PYTHONHASHSEED", "0")
    ok = True
    if not args.skip_demos:
        ok = bench_demos()
    if not args.skip_scale:
        bench_scale(args.sizes, args.devices, args.threads)
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
