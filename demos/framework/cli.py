"""Command line: ``python -m demos list|run|render|check``.

Errors a user can cause (unknown id, missing device, a seed NumPy or torch cannot take) print one
line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from demos.framework import registry, render
from demos.framework.core import (
    DEVICES,
    LANGS,
    DemoError,
    check_device_name,
    metrics_json,
    parse_seed,
    resolve_device,
)

EXIT_USAGE = 2
AUTO_REASON = {"cuda": "CUDA found", "mps": "no CUDA, MPS found", "cpu": "no CUDA or MPS"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m demos", description="Runnable self-attention demos."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_list = sub.add_parser("list", help="list the demos (id and title)")
    p_list.add_argument("--lang", choices=LANGS, default="en")
    p_run = sub.add_parser("run", help="run one demo and print its narrated output")
    p_run.add_argument("id")
    p_run.add_argument("--device", default="auto", help=f"one of {', '.join(DEVICES)}")
    # Parsed by parse_seed, not argparse, so a bad seed is one line like every other error.
    p_run.add_argument("--seed", default="0", help="an integer from 0 to 2**32 - 1")
    p_run.add_argument("--lang", choices=LANGS, default="en", help="language of the narration")
    p_run.add_argument(
        "--json", action="store_true", help="print the run's metrics as JSON instead"
    )
    p_run.add_argument(
        "--sentence",
        default=None,
        help="your own sentence (demos that read one: pretrained_attention)",
    )
    p_render = sub.add_parser("render", help="write demos/renderings/<id>/ for the site")
    p_render.add_argument("ids", nargs="*", metavar="ID", help="only these demos (default: all)")
    p_render.add_argument("--out", type=Path, default=None)
    p_render.add_argument("--force", action="store_true", help="render even when unchanged")
    p_check = sub.add_parser("check", help="exit 1 if a committed rendering is stale")
    p_check.add_argument("--out", type=Path, default=None)
    return parser


def _list(lang: str) -> int:
    for demo_id in registry.DEMO_IDS:
        print(f"{demo_id}\t{render.demo_title(demo_id, lang)}")
    return 0


def _run(
    demo_id: str, device: str, seed_text: str, lang: str, as_json: bool, sentence: str | None
) -> int:
    seed = parse_seed(seed_text)
    # Mistyped names fail at once, before the demo (and torch) is imported.
    registry.check_id(demo_id)
    check_device_name(device)
    module = registry.get(demo_id)
    extra = {}
    if sentence is not None:
        if "sentence" not in inspect.signature(module.run).parameters:
            raise DemoError(f"demo {demo_id!r} does not read a --sentence")
        extra["sentence"] = sentence
    chosen = resolve_device(device)
    if device == "auto" and not as_json:
        print(f"device: {chosen} (auto: {AUTO_REASON[chosen]})")
    result = module.run(device=chosen, seed=seed, **extra)
    if as_json:
        sys.stdout.write(metrics_json(result))
    else:
        print("\n".join(result.lines[lang]))
    return 0


def _render(out: Path | None, force: bool, only: Sequence[str]) -> int:
    ids = list(dict.fromkeys(only)) if only else list(registry.DEMO_IDS)
    for demo_id in ids:
        registry.check_id(demo_id)  # unknown ids fail before anything is written
    for demo_id in ids:
        status = render.render_demo(demo_id, out or render.RENDERINGS, force=force)
        print(f"{demo_id}: {status}")
    return 0


def _check(out: Path | None) -> int:
    stale = render.stale_demos(out or render.RENDERINGS)
    for demo_id, reason in stale:
        print(f"{demo_id}: stale ({reason}); run: python -m demos render {demo_id}")
    if not stale:
        print(f"all {len(registry.DEMO_IDS)} renderings are fresh")
    return 1 if stale else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return _list(args.lang)
        if args.command == "run":
            return _run(args.id, args.device, args.seed, args.lang, args.json, args.sentence)
        if args.command == "render":
            return _render(args.out, args.force, args.ids)
        return _check(args.out)
    except DemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader stopped early (`python -m demos run X | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
