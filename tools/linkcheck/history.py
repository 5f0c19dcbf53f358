"""The rules that move each link's state across runs (the file itself: :mod:`.linkstatus`).

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
- Archive copies are cached: one found is not looked up again for ``archive_hit_days``, a miss
  is asked again after ``archive_miss_days`` (:func:`wants_archive`).

:func:`update` is a pure function of the old history, the run's results and the clock: it
returns a new history, new results (with their state) and the changes, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from tools.linkcheck.linkstatus import (
    Check,
    Entry,
    Fingerprint,
    LinkStatus,
    StateError,
    iso,
    parse_time,
)
from tools.linkcheck.results import Result
from tools.linkcheck.settings import Settings

__all__ = ["Change", "StateError", "update", "wants_archive"]


@dataclass(frozen=True)
class Change:
    """A link whose state changed in this run."""

    url: str
    old: str | None
    new: str


def wants_archive(entry: Entry | None, now: dt.datetime, s: Settings) -> bool:
    """Whether to ask the archive about a failing link, given what the history remembers."""
    if entry is None or entry.archive_checked_at is None:
        return entry is None or entry.archive_url is None
    age = now - parse_time(entry.archive_checked_at)
    days = s.archive_hit_days if entry.archive_url else s.archive_miss_days
    return age >= dt.timedelta(days=days)


def update(
    status: LinkStatus, results: list[Result], now: dt.datetime, settings: Settings
) -> tuple[LinkStatus, list[Result], list[Change]]:
    """Apply one run's results to the history.

    Args:
        status: the history from :func:`tools.linkcheck.linkstatus.load`.
        results: this run's verdicts.
        now: the time of the run (injected in tests).
        settings: the confirmation rule and the history cap.

    Returns:
        The new history, the results with their ``state`` (and the archive copy the history
        keeps), and the links whose state changed, in the order of ``results``.
    """
    stamp = iso(now)
    links = dict(status.links)
    out: list[Result] = []
    changes: list[Change] = []
    for r in results:
        old_entry = links.get(r.url)
        entry = old_entry or Entry(first_seen=stamp)
        history = (*entry.history, Check(stamp, r.verdict, r.http_status, r.elapsed_ms))
        entry = replace(
            entry,
            resources=tuple(sorted(set(entry.resources) | set(r.resources))),
            last_checked=stamp,
            verdict=r.verdict,
            http_status=r.http_status,
            final_url=r.final_url,
            detail=r.detail,
            history=history[max(0, len(history) - settings.history_cap) :],
        )
        entry = _move(entry, r, now, stamp, settings)
        if r.archive_checked:
            entry = replace(entry, archive_checked_at=stamp)
            if r.archive_url:
                entry = replace(
                    entry, archive_url=r.archive_url, archive_timestamp=r.archive_timestamp
                )
        links[r.url] = entry
        out.append(
            replace(
                r,
                state=entry.state,
                archive_url=entry.archive_url,
                archive_timestamp=entry.archive_timestamp,
            )
        )
        if old_entry is None or old_entry.state != entry.state:
            changes.append(Change(r.url, old_entry.state if old_entry else None, entry.state))
    return LinkStatus(updated_at=stamp, links=links), out, changes


def _move(entry: Entry, r: Result, now: dt.datetime, stamp: str, s: Settings) -> Entry:
    v = r.verdict
    if v in ("ok", "redirected"):
        entry = replace(
            entry,
            state="alive" if v == "ok" else "moved",
            last_ok=stamp,
            consecutive_failures=0,
            failing_since=None,
        )
        if r.simhash is not None:
            entry = replace(entry, fingerprint=Fingerprint(r.title, r.simhash, stamp))
        return entry
    if v in ("restricted", "drifted"):
        return replace(entry, state=v, consecutive_failures=0, failing_since=None)
    if v in ("broken", "soft-404"):
        failures = entry.consecutive_failures + 1
        since = entry.failing_since or stamp
        confirmed = failures >= s.dead_after_failures and now - parse_time(since) >= dt.timedelta(
            hours=s.dead_after_hours
        )
        state = "dead" if entry.last_ok is None or confirmed else "failing"
        return replace(entry, state=state, consecutive_failures=failures, failing_since=since)
    return entry  # transient and blocked: the state stays where it was
