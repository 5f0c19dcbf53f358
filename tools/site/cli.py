"""``python -m tools.site generate|build|serve``: a thin command line over the site modules.

Exit status: 0 on success, 1 when the catalogue, an input or a build is wrong (the message says
which file and what), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from tools.catalog import AtlasError, load
from tools.site.build import build_site
from tools.site.generate import Layout, generate
from tools.site.serve import INTERVAL, serve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.site",
        description="Generate and build the bilingual Attention Atlas site.",
    )
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="project root (default: current folder)"
    )
    parser.add_argument("--catalogue", type=Path, help="catalogue (default: ROOT/resources.yaml)")
    parser.add_argument(
        "--linkstatus", type=Path, help="link states (default: ROOT/linkstatus.json)"
    )
    parser.add_argument(
        "--renderings", type=Path, help="demo renderings (default: ROOT/demos/renderings)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "generate", help="write the pages MkDocs reads into build/docs/ja and build/docs/en"
    )
    sub.add_parser("build", help="generate, then build both languages strictly into site/")
    serve = sub.add_parser("serve", help="build, serve on 127.0.0.1, rebuild on changes")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument(
        "--interval", type=float, default=INTERVAL, help="seconds between change checks"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    root = args.root.resolve()
    layout = Layout.at(
        root,
        catalogue=args.catalogue,
        linkstatus=args.linkstatus,
        renderings=args.renderings,
    )
    try:
        if args.command == "generate":
            report = generate(load(layout.catalogue), layout)
            print(
                f"generated: {len(report.written)} written, {report.unchanged} unchanged, "
                f"{len(report.removed)} removed"
            )
        elif args.command == "build":
            result = build_site(layout)
            times = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
            print(f"site built in {result.site}: {times}")
        else:
            serve(layout, host=args.host, port=args.port, interval=args.interval)
    except AtlasError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0
