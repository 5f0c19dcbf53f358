"""``python -m tools.validate [PATH ...]``: report every problem in a catalogue, write nothing.

Prints each problem as ``PATH:LINE: message`` and each style warning as
``PATH:LINE: warning: message`` (sorted by line) on stdout, and a one-line summary on stderr.
Warnings never change the exit status. Exit status: 0 valid, 1 invalid, 2 when a file cannot be read or the usage is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.catalog import DEFAULT_PATH, CatalogueReadError, Problem, check, inspect

__all__ = ["check", "main", "default_path"]

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def default_path() -> Path:
    """``resources.yaml`` in the working folder when there is one, else the repository's."""
    here = Path("resources.yaml")
    return here if here.exists() else DEFAULT_PATH


def iso_date(text: str) -> dt.date:
    """An argparse type: ``YYYY-MM-DD`` to a date, or a usage error that quotes the text."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


_UNPRINTABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


def printable(text: str) -> str:
    """``text`` with control, bidi and lone-surrogate characters shown as ``\\uXXXX`` escapes.

    Messages quote the file's content; this keeps them one line on any terminal and encodable.
    """
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _text(problem: Problem, level: str) -> str:
    shown = (
        problem
        if level == "error"
        else f"{problem.path}:{problem.line}: warning: {problem.message}"
    )
    return printable(str(shown))


def _github(problem: Problem, level: str = "error") -> str:
    message = printable(problem.message).replace("%", "%25")
    path = printable(problem.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
    return f"::{level} file={path},line={max(problem.line, 1)}::{message}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the validator; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.validate",
        description="Check resources.yaml against every catalogue rule. Writes nothing.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="catalogue files (default: resources.yaml)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="'github' prints workflow annotations (::error file=...,line=...::) instead",
    )
    parser.add_argument(
        "--today",
        type=iso_date,
        default=None,
        help="the date 'in the future' is measured against (default: today)",
    )
    args = parser.parse_args(argv)
    paths = args.paths or [default_path()]
    unreadable = invalid = problems_total = 0
    summary = ""
    for path in paths:
        try:
            found = inspect(path, today=args.today)
        except CatalogueReadError as err:
            unreadable += 1
            for problem in err.problems:
                print(printable(f"{problem.path}: {problem.message}"), file=sys.stderr)
            continue
        problems, catalogue = found.problems, found.catalogue
        notes = [(p, "error") for p in problems] + [(w, "warning") for w in found.warnings]
        for note, level in sorted(notes, key=lambda item: item[0].line):
            print(_github(note, level) if args.format == "github" else _text(note, level))
        if problems:
            invalid += 1
            problems_total += len(problems)
        elif catalogue is not None and len(paths) == 1:
            summary = (
                f"{path}: valid ({_plural(len(catalogue.resources), 'resource')}, "
                f"{_plural(len(catalogue.extras), 'extra')}, "
                f"{_plural(len(catalogue.questions), 'question')}, "
                f"{_plural(len(catalogue.paths), 'path')})"
            )
            if found.warnings:
                summary += f", {_plural(len(found.warnings), 'style warning')}"
    if invalid:
        counted = f"{_plural(problems_total, 'problem')} found"
        if len(paths) == 1:
            summary = f"{paths[0]}: {counted}"
        else:
            summary = f"{counted} in {invalid} of {_plural(len(paths), 'file')}"
    elif not summary and not unreadable:
        summary = f"{_plural(len(paths), 'file')} valid"
    if summary:
        print(summary, file=sys.stderr)
    if unreadable:
        return EXIT_UNREADABLE
    return EXIT_INVALID if invalid else EXIT_VALID


def run() -> int:
    """``main`` for the command line: a reader that closes the pipe early is not an error."""
    try:
        return main()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_VALID


if __name__ == "__main__":
    sys.exit(run())
