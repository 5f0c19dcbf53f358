"""Benchmark: how long ``python -m tools.site build`` takes, and how it grows with the catalogue.

Part 1 builds the real catalogue (``resources.yaml``, ``linkstatus.json`` and the committed demo
renderings; the demos are not re-run) in a throw-away copy of the project, twice: a cold build
into an empty tree and a warm rebuild with nothing changed. Goal: 10 s.

Part 2 builds synthetic catalogues of 250, 500 and 1000 resources, made of the real (or fixture)
catalogue's resources copied under new ids, URLs and numbers. Goal: 1000 resources in 60 s, and
time per resource that stays flat (linear growth); the ratio of the largest to the smallest size's
time per resource is printed.

    python bench/bench_site.py [--sizes 250 500 1000] [--skip-real] [--skip-synthetic]
                               [--catalogue PATH] [--json FILE] [--strict]

Every build runs ``python -m tools.site --root COPY build`` in its own process, so the time is
what ``make site`` costs, Python start-up and imports included. Exit status 0, or 1 with
``--strict`` when a goal is missed or a build fails.
"""

from __future__ import annotations

import argparse
import copy as copy_module
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "site"
REAL_GOAL_S = 10.0
LARGE_GOAL_S = 60.0
LARGE_SIZE = 1000
SIZES = (250, 500, 1000)


def project_copy(dest: Path, catalogue: Path | None = None) -> Path:
    """A project root holding the committed site inputs, ready for ``tools.site --root``.

    Args:
        dest: an empty (or missing) folder.
        catalogue: the catalogue to put in it (default: the repository's, with its link states).

    Returns:
        ``dest``.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.base.yml", "mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("overrides", "site_assets"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name)
    for lang in ("ja", "en"):
        (dest / "docs" / lang).mkdir(parents=True)
        for page in (ROOT / "docs" / lang).glob("*.md"):
            shutil.copy2(page, dest / "docs" / lang / page.name)
    (dest / "demos" / "gallery").mkdir(parents=True)
    for module in (ROOT / "demos" / "gallery").glob("*.py"):
        shutil.copy2(module, dest / "demos" / "gallery" / module.name)
    if (ROOT / "demos" / "renderings").is_dir():
        shutil.copytree(ROOT / "demos" / "renderings", dest / "demos" / "renderings")
    if catalogue is None:
        shutil.copy2(ROOT / "resources.yaml", dest / "resources.yaml")
        if (ROOT / "linkstatus.json").is_file():
            shutil.copy2(ROOT / "linkstatus.json", dest / "linkstatus.json")
    else:
        shutil.copy2(catalogue, dest / "resources.yaml")
    return dest


def synthetic_catalogue(source: Path, size: int) -> dict[str, Any]:
    """A catalogue of ``size`` resources: the source's own, then copies under new ids.

    Copies keep every field (so each page is as rich as a real one) but get a unique id,
    URL and number; their ``related`` point at the same copy's resources; ranks stay on the
    originals only. Questions and learning paths keep naming the originals.

    Args:
        source: a valid catalogue file.
        size: how many resources the result has (at least the source's count).
    """
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    originals = data["resources"]
    if size < len(originals):
        raise SystemExit(
            f"--sizes: {size} is fewer than the {len(originals)} resources of {source}"
        )
    resources = list(originals)
    numbers = [r["number"] for r in originals if r.get("number") is not None]
    next_number = max(numbers, default=0) + 1
    copy = 0
    while len(resources) < size:
        copy += 1
        for r in originals:
            if len(resources) == size:
                break
            clone = copy_module.deepcopy(r)
            clone["id"] = f"{r['id']}-s{copy}"
            clone["number"] = next_number
            next_number += 1
            clone["rank"] = None
            if clone.get("url"):
                clone["url"] = f"https://synthetic.example/{copy}/{r['id']}"
            for i, alt in enumerate(clone.get("alternates") or []):
                alt["url"] = f"https://synthetic.example/{copy}/{r['id']}/alt{i}"
            clone["related"] = [f"{rid}-s{copy}" for rid in r.get("related") or []]
            resources.append(clone)
    present = {r["id"] for r in resources}  # the last copy may be partial
    for r in resources[len(originals) :]:
        r["related"] = [rid for rid in r["related"] if rid in present]
    data["resources"] = resources
    return data


def timed_build(root: Path) -> tuple[float, float]:
    """Run ``python -m tools.site --root ROOT build`` in a fresh process.

    Returns:
        (wall-clock seconds, CPU seconds of the build process): on a busy machine the CPU time
        shows what the build itself cost.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tools.site", "--root", str(root), "build"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"build of {root} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def count_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("index.html"))


def bench_real(work: Path) -> dict[str, Any]:
    root = project_copy(work / "real")
    cold, cold_cpu = timed_build(root)
    warm, warm_cpu = timed_build(root)
    from tools.catalog import load

    n = len(load(root / "resources.yaml").resources)
    pages = count_pages(root / "site")
    ok = cold <= REAL_GOAL_S
    print(
        f"real catalogue: {n} resources, {pages} pages: cold build {cold:.2f} s "
        f"(CPU {cold_cpu:.2f} s), rebuild {warm:.2f} s (CPU {warm_cpu:.2f} s); "
        f"goal <= {REAL_GOAL_S:.0f} s: {'PASS' if ok else 'FAIL'}"
    )
    return {
        "resources": n,
        "pages": pages,
        "cold_s": cold,
        "cold_cpu_s": cold_cpu,
        "warm_s": warm,
        "warm_cpu_s": warm_cpu,
        "ok": ok,
    }


def bench_synthetic(work: Path, source: Path, sizes: list[int]) -> dict[str, Any]:
    rows = []
    for size in sizes:
        folder = work / f"synthetic-{size}"
        folder.mkdir()
        path = folder / "catalogue.yaml"
        text = yaml.safe_dump(
            synthetic_catalogue(source, size), allow_unicode=True, sort_keys=False
        )
        path.write_text(text, encoding="utf-8")
        root = project_copy(folder / "project", catalogue=path)
        seconds, cpu = timed_build(root)
        pages = count_pages(root / "site")
        per = seconds / size * 1000
        rows.append(
            {
                "resources": size,
                "pages": pages,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "ms_per_resource": per,
                "cpu_ms_per_resource": cpu / size * 1000,
            }
        )
        print(
            f"synthetic {size:5d} resources, {pages:5d} pages: {seconds:7.2f} s "
            f"({per:5.1f} ms/resource), CPU {cpu:7.2f} s ({cpu / size * 1000:5.1f} ms/resource)"
        )
        shutil.rmtree(folder)
    result: dict[str, Any] = {"rows": rows}
    if len(rows) >= 2:
        growth = rows[-1]["ms_per_resource"] / rows[0]["ms_per_resource"]
        cpu_growth = rows[-1]["cpu_ms_per_resource"] / rows[0]["cpu_ms_per_resource"]
        result["per_resource_ratio"] = growth
        result["cpu_per_resource_ratio"] = cpu_growth
        print(
            f"time per resource, {rows[-1]['resources']} vs {rows[0]['resources']}: "
            f"wall x{growth:.2f}, CPU x{cpu_growth:.2f} (1.0 = linear; below 1 = the start-up "
            "cost spread thinner; well above 1 = worse than linear)"
        )
    large = [r for r in rows if r["resources"] == LARGE_SIZE]
    if large:
        ok = large[0]["seconds"] <= LARGE_GOAL_S
        result["ok"] = ok
        print(f"{LARGE_SIZE} resources: goal <= {LARGE_GOAL_S:.0f} s: {'PASS' if ok else 'FAIL'}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument(
        "--catalogue", type=Path, help="source of the synthetic copies (default: resources.yaml)"
    )
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    real = ROOT / "resources.yaml"
    source = args.catalogue or (real if real.is_file() else FIXTURE / "resources.yaml")
    report: dict[str, Any] = {"cpus": os.cpu_count()}
    failed = False
    with tempfile.TemporaryDirectory(prefix="atlas-bench-site-") as tmp:
        work = Path(tmp)
        if not args.skip_real:
            if real.is_file():
                report["real"] = bench_real(work)
                failed |= not report["real"]["ok"]
            else:
                print("real catalogue: no resources.yaml, skipped")
        if not args.skip_synthetic:
            print(f"synthetic catalogues copied from {source.relative_to(ROOT)}")
            report["synthetic"] = bench_synthetic(work, source, sorted(args.sizes))
            failed |= not report["synthetic"].get("ok", True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
