"""What a run tells people: a text report, an issue body in Markdown, JSON, GitHub annotations."""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import TYPE_CHECKING, TextIO

from tools.linkcheck.linkstatus import VERDICTS
from tools.linkcheck.results import Result
from tools.linkcheck.text import clean, code

if TYPE_CHECKING:
    from tools.linkcheck.history import Change

PROBLEMS = ("broken", "soft-404", "blocked", "drifted", "restricted", "transient")
# Verdicts that fail a run under the "broken" policy and are errors in annotations.
BROKEN_VERDICTS = ("broken", "soft-404", "blocked")


def summary(results: list[Result]) -> str:
    """One line: how many URLs got each verdict."""
    counts = Counter(r.verdict for r in results)
    parts = [f"{counts[v]} {v}" for v in VERDICTS if counts[v]]
    return f"{len(results)} URLs checked: " + (", ".join(parts) if parts else "nothing to check")


def text(results: list[Result], changes: list[Change] | None = None) -> str:
    """The readable report: the problems, the state changes, then the summary.

    Every field is cleaned again here (no control character, bidi override or newline can
    reach the terminal or the Actions log, where ``::`` at a line start is a command).
    """
    out: list[str] = []
    for r in results:
        if r.verdict in ("ok",):
            continue
        status = f" [{r.http_status}]" if r.http_status is not None else ""
        owner = f" ({', '.join(r.resources)})" if r.resources else ""
        out.append(clean(f"{r.verdict:<10} {r.url}{status}{owner}", 2000))
        if r.detail:
            out.append(f"           {clean(r.detail, 2000)}")
        if r.archive_url:
            out.append(f"           archived copy: {clean(r.archive_url, 2000)}")
    for c in changes or []:
        if c.old is not None:
            out.append(clean(f"state      {c.url}: {c.old} -> {c.new}", 2000))
    out.append(summary(results))
    return "\n".join(out) + "\n"


BODY_LIMIT = 65_536  # GitHub refuses a longer issue body
_BODY_BUDGET = 60_000  # what the rows may use, leaving room for the note and the summary


def markdown(
    results: list[Result], changes: list[Change], when: str, notes: list[str] | None = None
) -> str:
    """An issue body: links whose state changed, then the links that need a look.

    Nothing a server sent is live: URLs, titles, details and archive links are inert code
    spans (see :func:`tools.linkcheck.text.code`), so no HTML comment, mention, link or image
    can open. The body stays under GitHub's limit whatever the input: rows that would pass
    ``_BODY_BUDGET`` are left out, with a note saying how many.
    """
    by_url = {r.url: r for r in results}
    out = [f"Link check of {clean(when)}: {summary(results)}.", ""]
    for note in notes or []:
        out += [f"> Note: {code(note, 500, in_table=False)}", ""]
    size = sum(len(line) + 1 for line in out)
    left_out = 0

    def add(line: str) -> bool:
        nonlocal size, left_out
        if size + len(line) + 1 > _BODY_BUDGET:
            left_out += 1
            return False
        out.append(line)
        size += len(line) + 1
        return True

    moved = [
        c
        for c in changes
        if c.old != c.new and (c.old is not None or c.new not in ("alive", "unknown"))
    ]
    if moved:
        add("## State changes")
        add("")
        add("| link | resource | state | verdict | detail | archived copy |")
        add("|---|---|---|---|---|---|")
        for c in moved:
            r = by_url.get(c.url)
            add(
                f"| {code(c.url, 500)} | {code(', '.join(r.resources) if r else '')} "
                f"| {c.old or 'new'} → **{c.new}** | {code(r.verdict if r else '')} "
                f"| {code(r.detail if r else '')} | {code(r.archive_url if r else '', 500)} |"
            )
        add("")
    problems = [r for r in results if r.verdict in PROBLEMS]
    if problems:
        add("## Needs a look")
        add("")
        for r in problems:
            owner = f" ({code(', '.join(r.resources), in_table=False)})" if r.resources else ""
            add(
                f"- **{r.verdict}** {code(r.url, 500, in_table=False)}{owner}: "
                f"{code(r.detail, in_table=False)}"
            )
        add("")
    if not moved and not problems:
        out += ["No link changed state and none needs a look.", ""]
    if left_out:
        out += [
            f"*{left_out} more line(s) left out: an issue body is limited to {BODY_LIMIT:,} "
            "characters. The run's `linkcheck.json` has every result.*",
            "",
        ]
    return "\n".join(out)


def json_document(results: list[Result], checked_at: str, rows: JsonRows | None = None) -> str:
    """The public JSON report (sorted keys, two-space indent, trailing newline).

    The text is exactly ``json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)``, but
    each result's object is laid out by the C encoder (:func:`_row_text`): with ``indent`` the
    standard library falls back to its pure-Python encoder. For the benchmark's 1000 results,
    medians of 15 in a loop: 6.6 ms that way, 5.0 ms row by row here, 0.35 ms when every row
    was laid out during the run. ``rows`` holds those (:class:`JsonRows`); a result that is not
    the very one laid out there is laid out now.
    """
    texts = []
    for r in results:
        text = rows.get(r) if rows is not None else None
        if text is None:
            text = _row_text(r)
        if text is None:
            doc = {
                "version": 1,
                "checked_at": checked_at,
                "results": [r.to_json() for r in results],
            }
            return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        texts.append(text)
    body = "[\n    " + ",\n    ".join(texts) + "\n  ]" if texts else "[]"
    at = json.dumps(checked_at, ensure_ascii=False)
    return f'{{\n  "checked_at": {at},\n  "results": {body},\n  "version": 1\n}}\n'


class JsonRows:
    """Results' objects in the JSON report's layout, made as the results arrive.

    The run hands each result over while it waits for answers, so that the report is only
    joined after the last one: on the way from the benchmark's last answer to the exit, the
    JSON took 8 to 10 ms to make before, 1.2 to 1.6 ms since (timed inside four runs each).
    """

    def __init__(self) -> None:
        self._texts: dict[str, tuple[Result, str]] = {}

    def add(self, result: Result) -> None:
        """Lay out ``result`` now (nothing is kept for one that is not all scalars)."""
        text = _row_text(result)
        if text is not None:
            self._texts[result.url] = (result, text)

    def get(self, result: Result) -> str | None:
        """The layout of this very result (not of an equal or a later one), if made."""
        hit = self._texts.get(result.url)
        return hit[1] if hit is not None and hit[0] is result else None


_ROW_SEP = ",\n      "  # between two fields of a result: the newline and indent of its depth
_encode_row = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(_ROW_SEP, ": ")
).encode


def _row_text(result: Result) -> str | None:
    """One result's object as ``json.dumps(..., indent=2)`` lays it out inside the report.

    With scalars only, the C encoder lays it out when its item separator carries the newline
    and indent; only the braces need their own lines. None when a value is not a scalar.
    """
    row = result.to_json()
    if not row or not all(isinstance(v, _SCALARS) for v in row.values()):
        return None
    return "{\n      " + _encode_row(row)[1:-1] + "\n    }"


_SCALARS = (str, int, type(None))  # what Result.to_json holds (bool is an int, floats are not)


def _escape(value: str, prop: bool = False) -> str:
    value = clean(value, 2000).replace("%", "%25")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github_annotations(
    results: list[Result], file: str, newly_dead: set[str] | None = None
) -> list[str]:
    """GitHub workflow commands pointing at each problem's line in the catalogue."""
    out = []
    for r in results:
        if r.line is None or (r.verdict not in PROBLEMS and r.verdict != "redirected"):
            continue
        level = (
            "error" if r.verdict in BROKEN_VERDICTS or r.url in (newly_dead or set()) else "warning"
        )
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
