"""``linkstatus.json``: each link's state across runs, and the rules that move it.

States: ``alive`` (last check ok), ``moved`` (permanent redirect to a working page),
``restricted`` (reachable, not readable by a robot), ``drifted`` (answers, but no longer the
page we listed), ``failing`` (broken or soft 404, not yet confirmed), ``dead`` (confirmed),
``unknown`` (never got a verdict that says anything).

- A link that worked becomes ``dead`` only after ``dead_after_failures`` failing checks in a row
  spread over at least ``dead_after_hours`` (the Internet Archive's bot waits for 3 failures 3
  days apart). A link never seen working is ``dead`` at its first failure: there is nothing to
  confirm.
- Any success (ok, redirected) resets the count. ``transient`` and ``blocked`` answers never
  move the state (they say nothing about the link); they are still kept in the history.
- The fingerprint (title and simhash) is the one of the last good check; drift is judged
  against it.

The file is deterministic (sorted keys, two-space indent, trailing newline, UTC times with
``Z``) and written to a temporary file in the same folder, fsynced, then renamed over the old
one, so a crash, Ctrl-C or a full disk leaves either the old file or the new one. A file that
cannot be read is an error, and is never overwritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.errors import AtlasError
from tools.linkcheck.results import Result
from tools.linkcheck.settings import Settings

STATES = ("alive", "failing", "dead", "restricted", "moved", "drifted", "unknown")
VERSION = 1


class StateError(AtlasError):
    """The history file cannot be used (unreadable, not JSON, wrong shape)."""


@dataclass(frozen=True)
class Change:
    """A link whose state changed in this run."""

    url: str
    old: str | None
    new: str


def iso(t: dt.datetime) -> str:
    """A UTC time as ISO 8601 with ``Z`` (seconds precision)."""
    return t.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str, where: str = "time") -> dt.datetime:
    """Read a time written by :func:`iso` (or any ISO 8601 time; naive means UTC).

    Raises:
        StateError: when ``value`` is not a time.
    """
    try:
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError) as exc:
        raise StateError(f"{where}: {value!r} is not an ISO 8601 time") from exc
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def empty() -> dict[str, Any]:
    """A history with no links."""
    return {"version": VERSION, "updated_at": None, "links": {}}


def load(path: str | Path) -> dict[str, Any]:
    """Read the history; a missing file is an empty history.

    Raises:
        StateError: naming the file and what is wrong with it.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return empty()
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"{path}: cannot read the link history: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(
            f"{path}:{exc.lineno}: the link history is not valid JSON ({exc.msg}, column "
            f"{exc.colno}); fix or remove it, it will not be overwritten"
        ) from exc
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise StateError(f"{path}: not a version {VERSION} link history")
    links = data.get("links")
    if not isinstance(links, dict):
        raise StateError(f"{path}: 'links' must be an object of URL -> entry")
    for url, entry in links.items():
        if not isinstance(entry, dict):
            raise StateError(f"{path}: links[{url!r}] must be an object")
        if entry.get("state") not in STATES:
            raise StateError(
                f"{path}: links[{url!r}].state is {entry.get('state')!r}, not one of {', '.join(STATES)}"
            )
        for key in ("first_seen", "last_checked"):
            if entry.get(key) is not None:
                parse_time(entry[key], f"{path}: links[{url!r}].{key}")
        if entry.get("failing_since") is not None:
            parse_time(entry["failing_since"], f"{path}: links[{url!r}].failing_since")
        if not isinstance(entry.get("history", []), list):
            raise StateError(f"{path}: links[{url!r}].history must be a list")
    return data


def _new_entry(now: str) -> dict[str, Any]:
    return {
        "resources": [],
        "first_seen": now,
        "last_checked": None,
        "last_ok": None,
        "state": "unknown",
        "verdict": None,
        "http_status": None,
        "final_url": None,
        "detail": "",
        "consecutive_failures": 0,
        "failing_since": None,
        "history": [],
        "fingerprint": None,
        "archive_url": None,
        "archive_timestamp": None,
    }


def update(
    state: dict[str, Any], results: list[Result], now: dt.datetime, settings: Settings
) -> list[Change]:
    """Apply one run's results to the history (in place) and fill each result's state.

    Args:
        state: a history from :func:`load`.
        results: this run's verdicts.
        now: the time of the run (injected in tests).
        settings: the confirmation rule and the history cap.

    Returns:
        The links whose state changed, in the order of ``results``.
    """
    stamp = iso(now)
    links: dict[str, Any] = state.setdefault("links", {})
    changes: list[Change] = []
    for r in results:
        entry = links.get(r.url)
        fresh = entry is None
        if entry is None:
            entry = links[r.url] = _new_entry(stamp)
        old = entry["state"]
        entry["resources"] = sorted(set(entry.get("resources", [])) | set(r.resources))
        entry["last_checked"] = stamp
        entry.update(
            verdict=r.verdict, http_status=r.http_status, final_url=r.final_url, detail=r.detail
        )
        history = entry.setdefault("history", [])
        history.append(
            {
                "at": stamp,
                "verdict": r.verdict,
                "http_status": r.http_status,
                "elapsed_ms": r.elapsed_ms,
            }
        )
        del history[: max(0, len(history) - settings.history_cap)]
        _move(entry, r, now, stamp, settings)
        if r.archive_url:
            entry["archive_url"], entry["archive_timestamp"] = r.archive_url, r.archive_timestamp
        r.previous_state = None if fresh else old
        r.state = entry["state"]
        r.archive_url = entry.get("archive_url")
        r.archive_timestamp = entry.get("archive_timestamp")
        if fresh or old != entry["state"]:
            changes.append(Change(r.url, None if fresh else old, entry["state"]))
    state["updated_at"] = stamp
    state["version"] = VERSION
    return changes


def _move(entry: dict[str, Any], r: Result, now: dt.datetime, stamp: str, s: Settings) -> None:
    v = r.verdict
    if v in ("ok", "redirected"):
        entry.update(state="alive" if v == "ok" else "moved", last_ok=stamp)
        entry.update(consecutive_failures=0, failing_since=None)
        if r.simhash is not None:
            entry["fingerprint"] = {"title": r.title, "simhash": r.simhash, "at": stamp}
    elif v in ("restricted", "drifted"):
        entry.update(state=v, consecutive_failures=0, failing_since=None)
    elif v in ("broken", "soft-404"):
        entry["consecutive_failures"] = int(entry.get("consecutive_failures") or 0) + 1
        entry["failing_since"] = entry.get("failing_since") or stamp
        span = now - parse_time(entry["failing_since"])
        confirmed = entry["consecutive_failures"] >= s.dead_after_failures and span >= dt.timedelta(
            hours=s.dead_after_hours
        )
        entry["state"] = "dead" if entry.get("last_ok") is None or confirmed else "failing"
    # transient and blocked: the state stays where it was


def dumps(state: dict[str, Any]) -> str:
    """The history as deterministic JSON text."""
    return json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def save(path: str | Path, state: dict[str, Any]) -> None:
    """Write the history atomically (see :func:`write_atomic`).

    Raises:
        StateError: when it cannot be written; the old file is then left as it was.
    """
    write_atomic(path, dumps(state).encode("utf-8"))


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new one, never a mix.

    The bytes go to a temporary file in the same folder, which is fsynced and renamed over
    ``path``; on any failure (full disk, Ctrl-C) the temporary file is removed.

    Raises:
        StateError: when it cannot be written; the old file is then left as it was.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise StateError(f"{path}: cannot write: {exc}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise StateError(f"{path}: cannot write ({exc}); the old file is unchanged") from exc
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
