"""``linkstatus.json``, typed: read and validate it, write it atomically, lock it.

One model for every reader: the tracker and the site both call :func:`load`, which returns a
frozen :class:`LinkStatus` or raises :class:`StateError` naming the file, the link and the
field. Only the tracker writes the file (:func:`save`). The module imports nothing but the
standard library, so the site can use it without loading the tracker's HTTP client.

The file is deterministic (sorted keys, two-space indent, trailing newline, UTC times with
``Z``). :func:`save` writes it with the project's one atomic writer,
:func:`tools.files.write_atomic` (temporary file in the same folder, fsynced, renamed), so a
crash, Ctrl-C or a full disk leaves either the old file or the new one; the new file keeps the
old one's permissions (0644 for a new file). A file that
cannot be read is an error and is never overwritten. :func:`locked` takes an advisory lock
(``flock`` on ``.NAME.lock`` beside the file) so that two trackers never interleave a read
and a write of the same history.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from tools.errors import AtlasError
from tools.files import NEW_FILE_MODE, write_atomic
from tools.vocab import LinkState, Verdict

VERSION = 1
STATES = LinkState.values()
VERDICTS = Verdict.values()


class StateError(AtlasError):
    """The history file cannot be used (unreadable, not JSON, wrong shape, locked)."""


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


@dataclass(frozen=True)
class Check:
    """One check in a link's history."""

    at: str
    verdict: str
    http_status: int | None = None
    elapsed_ms: int | None = None


@dataclass(frozen=True)
class Fingerprint:
    """The page as it was when last good: its title and 64-bit simhash (16 hex digits)."""

    title: str | None
    simhash: str
    at: str | None = None


@dataclass(frozen=True)
class Entry:
    """One URL's state across runs (see :mod:`tools.linkcheck.history` for the rules)."""

    state: str = "unknown"
    resources: tuple[str, ...] = ()
    first_seen: str | None = None
    last_checked: str | None = None
    last_ok: str | None = None
    verdict: str | None = None
    http_status: int | None = None
    final_url: str | None = None
    detail: str = ""
    consecutive_failures: int = 0
    failing_since: str | None = None
    history: tuple[Check, ...] = ()
    fingerprint: Fingerprint | None = None
    archive_url: str | None = None
    archive_timestamp: str | None = None
    archive_checked_at: str | None = None  # when the archive was last asked (hit or miss)


@dataclass(frozen=True)
class LinkStatus:
    """Every URL's entry, and when the tracker last wrote the file (None if never)."""

    updated_at: str | None = None
    links: dict[str, Entry] = field(default_factory=dict)
    version: int = VERSION

    def get(self, url: str | None) -> Entry | None:
        """The entry of ``url``, or None when it was never checked (or there is no URL)."""
        return self.links.get(url) if url else None


# ---------------------------------------------------------------------------- reading


def _typed(where: str, key: str, value: Any, kind: type | tuple[type, ...], null: bool) -> Any:
    if value is None and null:
        return None
    if isinstance(value, bool) or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise StateError(
            f"{where}.{key} must be {names}{' or null' if null else ''}, not {value!r}"
        )
    return value


def _time(where: str, key: str, value: Any) -> str | None:
    if value is None:
        return None
    parse_time(_typed(where, key, value, str, False), f"{where}.{key}")
    return value


def _verdict(where: str, value: Any, null: bool) -> str | None:
    if value is None and null:
        return None
    if value not in VERDICTS:
        raise StateError(f"{where}.verdict is {value!r}, not one of {', '.join(VERDICTS)}")
    return str(value)


def _check(where: str, item: Any) -> Check:
    if not isinstance(item, dict):
        raise StateError(f"{where} must be an object, not {item!r}")
    return Check(
        at=_time(where, "at", _typed(where, "at", item.get("at"), str, False)) or "",
        verdict=_verdict(where, item.get("verdict"), False) or "",
        http_status=_typed(where, "http_status", item.get("http_status"), int, True),
        elapsed_ms=_typed(where, "elapsed_ms", item.get("elapsed_ms"), int, True),
    )


def _entry(where: str, raw: Any) -> Entry:
    if not isinstance(raw, dict):
        raise StateError(f"{where} must be an object, not {raw!r}")
    unknown = set(raw) - {f.name for f in fields(Entry)}
    if unknown:
        raise StateError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    state = raw.get("state")
    if state not in STATES:
        raise StateError(f"{where}.state is {state!r}, not one of {', '.join(STATES)}")
    resources = _typed(where, "resources", raw.get("resources", []), list, False)
    history = _typed(where, "history", raw.get("history", []), list, False)
    fp = _typed(where, "fingerprint", raw.get("fingerprint"), dict, True)
    fingerprint = None
    if fp is not None:
        simhash = _typed(f"{where}.fingerprint", "simhash", fp.get("simhash"), str, False)
        try:
            int(simhash, 16)
        except ValueError as exc:
            raise StateError(
                f"{where}.fingerprint.simhash is not hexadecimal: {simhash!r}"
            ) from exc
        fingerprint = Fingerprint(
            title=_typed(f"{where}.fingerprint", "title", fp.get("title"), str, True),
            simhash=simhash,
            at=_time(f"{where}.fingerprint", "at", fp.get("at")),
        )
    return Entry(
        state=state,
        resources=tuple(_typed(where, "resources[]", r, str, False) for r in resources),
        first_seen=_time(where, "first_seen", raw.get("first_seen")),
        last_checked=_time(where, "last_checked", raw.get("last_checked")),
        last_ok=_time(where, "last_ok", raw.get("last_ok")),
        verdict=_verdict(where, raw.get("verdict"), True),
        http_status=_typed(where, "http_status", raw.get("http_status"), int, True),
        final_url=_typed(where, "final_url", raw.get("final_url"), str, True),
        detail=_typed(where, "detail", raw.get("detail", ""), str, True) or "",
        consecutive_failures=_typed(
            where, "consecutive_failures", raw.get("consecutive_failures", 0), int, False
        ),
        failing_since=_time(where, "failing_since", raw.get("failing_since")),
        history=tuple(_check(f"{where}.history[{i}]", c) for i, c in enumerate(history)),
        fingerprint=fingerprint,
        archive_url=_typed(where, "archive_url", raw.get("archive_url"), str, True),
        archive_timestamp=_typed(
            where, "archive_timestamp", raw.get("archive_timestamp"), str, True
        ),
        archive_checked_at=_time(where, "archive_checked_at", raw.get("archive_checked_at")),
    )


def from_json(data: Any, where: str = "linkstatus.json") -> LinkStatus:
    """Validate a decoded ``linkstatus.json`` document.

    Raises:
        StateError: naming the link and the field that is wrong.
    """
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise StateError(f"{where}: not a version {VERSION} link history")
    links = data.get("links")
    if not isinstance(links, dict):
        raise StateError(f"{where}: 'links' must be an object of URL -> entry")
    return LinkStatus(
        updated_at=_time(where, "updated_at", data.get("updated_at")),
        links={url: _entry(f"{where}: links[{url!r}]", e) for url, e in sorted(links.items())},
    )


def load(path: str | Path) -> LinkStatus:
    """Read and validate ``linkstatus.json``; a missing file is an empty history.

    This is the one reader: the site calls it too.

    Raises:
        StateError: naming the file and what is wrong with it.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LinkStatus()
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"{path}: cannot read the link history: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(
            f"{path}:{exc.lineno}: the link history is not valid JSON ({exc.msg}, column "
            f"{exc.colno}); fix or remove it, it will not be overwritten"
        ) from exc
    except RecursionError as exc:
        raise StateError(f"{path}: the link history is nested too deeply") from exc
    return from_json(data, str(path))


# ---------------------------------------------------------------------------- writing


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def to_json(status: LinkStatus) -> dict[str, Any]:
    """The document :func:`dumps` writes (plain dicts and lists)."""
    return {
        "version": status.version,
        "updated_at": status.updated_at,
        "links": {url: _plain(e) for url, e in status.links.items()},
    }


def dumps(status: LinkStatus) -> str:
    """The history as deterministic JSON text."""
    return json.dumps(to_json(status), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def save(path: str | Path, status: LinkStatus) -> None:
    """Write the history atomically and durably (see :func:`tools.files.write_atomic`).

    Raises:
        tools.files.WriteError: when it cannot be written; the old file is left as it was.
    """
    write_atomic(path, dumps(status).encode("utf-8"))


# ---------------------------------------------------------------------------- locking


@contextlib.contextmanager
def locked(
    path: str | Path, wait: float, on_wait: Callable[[str], object] | None = None
) -> Iterator[None]:
    """Hold the advisory lock of a history file (``flock`` on ``.NAME.lock`` beside it).

    Args:
        path: the history file.
        wait: seconds to wait for another holder before giving up (0: do not wait).
        on_wait: called once with a message when the lock is busy and we wait.

    Raises:
        StateError: when another process still holds the lock after ``wait`` seconds.
    """
    import fcntl  # POSIX only: the site reads this module on any system, only the lock needs it

    path = Path(path)
    lock_path = path.with_name(f".{path.name}.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, NEW_FILE_MODE)
    except OSError as exc:
        raise StateError(f"{path}: cannot create the lock file {lock_path}: {exc}") from exc
    try:
        end = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= end:
                    raise StateError(
                        f"{path}: another link tracker is using this history (lock "
                        f"{lock_path}); gave up after {wait:g} s (--lock-wait)"
                    ) from None
                if not told and on_wait is not None:
                    on_wait(f"{path}: another link tracker is using it; waiting up to {wait:g} s")
                    told = True
                time.sleep(min(0.1, max(0.0, end - time.monotonic())))
        yield
    finally:
        os.close(fd)  # closing releases the lock
