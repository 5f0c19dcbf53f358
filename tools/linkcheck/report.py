"""What a run tells people: a text report, an issue body in Markdown, JSON, GitHub annotations."""

from __future__ import annotations

import sys
from collections import Counter
from typing import TYPE_CHECKING, TextIO

from tools.linkcheck import VERDICTS
from tools.linkcheck.results import Result

if TYPE_CHECKING:
    from tools.linkcheck.history import Change

PROBLEMS = ("broken", "soft-404", "blocked", "drifted", "restricted", "transient")
_ERRORS = ("broken", "soft-404", "blocked")


def summary(results: list[Result]) -> str:
    """One line: how many URLs got each verdict."""
    counts = Counter(r.verdict for r in results)
    parts = [f"{counts[v]} {v}" for v in VERDICTS if counts[v]]
    return f"{len(results)} URLs checked: " + (", ".join(parts) if parts else "nothing to check")


def text(results: list[Result], changes: list[Change] | None = None) -> str:
    """The readable report: the problems, the state changes, then the summary."""
    out: list[str] = []
    for r in results:
        if r.verdict in ("ok",):
            continue
        status = f" [{r.http_status}]" if r.http_status is not None else ""
        owner = f" ({', '.join(r.resources)})" if r.resources else ""
        out.append(f"{r.verdict:<10} {r.url}{status}{owner}")
        if r.detail:
            out.append(f"           {r.detail}")
        if r.archive_url:
            out.append(f"           archived copy: {r.archive_url}")
    for c in changes or []:
        if c.old is not None:
            out.append(f"state      {c.url}: {c.old} -> {c.new}")
    out.append(summary(results))
    return "\n".join(out) + "\n"


def _cell(value: object) -> str:
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")


def markdown(results: list[Result], changes: list[Change], when: str) -> str:
    """An issue body: links whose state changed, then the links that need a look."""
    by_url = {r.url: r for r in results}
    out = [f"Link check of {when}: {summary(results)}.", ""]
    moved = [
        c
        for c in changes
        if c.old != c.new and (c.old is not None or c.new not in ("alive", "unknown"))
    ]
    if moved:
        out += [
            "## State changes",
            "",
            "| link | resource | state | verdict | detail | archived copy |",
        ]
        out.append("|---|---|---|---|---|---|")
        for c in moved:
            r = by_url.get(c.url)
            res = ", ".join(r.resources) if r else ""
            verdict = r.verdict if r else ""
            detail = r.detail if r else ""
            archive = f"[copy]({r.archive_url})" if r and r.archive_url else ""
            out.append(
                f"| {_cell(c.url)} | {_cell(res)} | {c.old or 'new'} → **{c.new}** | {verdict} "
                f"| {_cell(detail)} | {archive} |"
            )
        out.append("")
    problems = [r for r in results if r.verdict in PROBLEMS]
    if problems:
        out += ["## Needs a look", ""]
        for r in problems:
            owner = f" ({', '.join(r.resources)})" if r.resources else ""
            out.append(f"- **{r.verdict}** {r.url}{owner}: {_cell(r.detail)}")
        out.append("")
    if not moved and not problems:
        out += ["No link changed state and none needs a look.", ""]
    return "\n".join(out)


def json_document(results: list[Result], checked_at: str) -> str:
    """The public JSON report (sorted keys, two-space indent, trailing newline).

    The text is exactly ``json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)``, but
    the results are laid out here around the C encoder's scalars: with ``indent`` the standard
    library falls back to its pure-Python encoder, which made writing the report the slowest
    step after the last answer.
    """
    import json

    rows = [r.to_json() for r in results]
    if not all(isinstance(v, _SCALARS) for row in rows for v in row.values()):
        doc = {"version": 1, "checked_at": checked_at, "results": rows}
        return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    # With scalars only, the C encoder lays out the rows when its item separator carries the
    # newline and indent; a "}" followed by that separator and "{" can only be a row boundary
    # (strings escape their newlines), and gets the shallower indent of the list.
    sep = ",\n      "
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(sep, ": ")).encode
    if rows and all(rows):
        inner = encode(rows)[2:-2].replace("}" + sep + "{", "\n    },\n    {\n      ")
        body = "[\n    {\n      " + inner + "\n    }\n  ]"
    else:
        body = json.dumps(rows, indent=2).replace("\n", "\n  ")  # no rows, or an empty one
    at = json.dumps(checked_at, ensure_ascii=False)
    return f'{{\n  "checked_at": {at},\n  "results": {body},\n  "version": 1\n}}\n'


_SCALARS = (str, int, type(None))  # what Result.to_json holds (bool is an int, floats are not)


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def annotations(results: list[Result], file: str, newly_dead: set[str] | None = None) -> list[str]:
    """GitHub workflow commands pointing at each problem's line in the catalogue."""
    out = []
    for r in results:
        if r.line is None or (r.verdict not in PROBLEMS and r.verdict != "redirected"):
            continue
        level = "error" if r.verdict in _ERRORS or r.url in (newly_dead or set()) else "warning"
        title = _escape(f"link {r.verdict}", prop=True)
        msg = _escape(f"{r.url}: {r.detail}" + (f" (state: {r.state})" if r.state else ""))
        out.append(f"::{level} file={_escape(file, True)},line={r.line},title={title}::{msg}")
    return out


class ProgressBar:
    """A one-line progress bar on a terminal's stderr; silent elsewhere."""

    def __init__(self, stream: TextIO = sys.stderr, enabled: bool = True, width: int = 30):
        self.stream = stream
        self.enabled = enabled
        self.width = width

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or not total:
            return
        filled = int(self.width * done / total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}")
        if done == total:
            self.stream.write("\r" + " " * (self.width + 24) + "\r")
        self.stream.flush()
