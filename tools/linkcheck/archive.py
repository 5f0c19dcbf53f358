"""The Wayback Machine copy of a failing link: the snapshot closest to the date it was added.

The availability API (``?url=...&timestamp=YYYYMMDD``, which answers the capture closest
to that date, before or after) and, at the same time, ``/web/<timestamp>/<url>``, which
redirects to the nearest capture (its ``Location`` names the snapshot): the API is rate-limited
and sometimes answers empty for archived pages, so its miss is not the last word. Both endpoints are settings, so tests use a local
fake archive.

:class:`Archive` runs the look-ups of one run: each starts as soon as its link fails, while the
other links are still being checked, through the archive host's own pace (``archive_concurrency``
at once, ``archive_interval`` apart: the archive is one host asked about many others). When the
archive cannot be reached at all (DNS, refused connection, TLS, timeout), that is noticed once:
the other look-ups are not sent, and the run says so once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from urllib.parse import urlencode

from tools.linkcheck.fetch import Client, Deadline, FetchError
from tools.linkcheck.settings import Settings

_SNAPSHOT = re.compile(r"/web/(\d{4,14})[a-z_]*/")
_UNREACHABLE = ("dns", "connect", "tls", "timeout", "deadline", "blocked")


class Archive:
    """The archive look-ups of one run, sharing the client, a pace and a circuit breaker."""

    def __init__(self, client: Client, settings: Settings):
        self.client = client
        self.settings = settings
        self.down: str | None = None  # why the archive is unreachable, once it is known
        self.asked = 0
        self._turns = asyncio.Semaphore(settings.archive_concurrency)
        client.set_pace(
            settings.archive_endpoint, settings.archive_concurrency, settings.archive_interval
        )
        client.set_pace(
            settings.archive_web, settings.archive_concurrency, settings.archive_interval
        )

    async def lookup(self, url: str, added: dt.date | None) -> tuple[str, str] | None | bool:
        """The archived copy of ``url``; None when there is none; False when not asked."""
        async with self._turns:  # a look-up queued behind a failing one is then not sent
            if self.down is not None:
                return False
            self.asked += 1
            try:
                return await lookup(self.client, self.settings, url, added)
            except FetchError as exc:
                if exc.kind in _UNREACHABLE:
                    self.down = self.down or f"the archive cannot be reached ({exc.detail})"
                return False


async def lookup(
    client: Client, settings: Settings, url: str, added: dt.date | None
) -> tuple[str, str] | None:
    """Find an archived copy of ``url``.

    Both endpoints are asked at once (the fallback is a HEAD on another host): a miss then
    costs one round trip instead of two. The availability API's snapshot wins when it has one.

    Args:
        client: the HTTP client (the archive is a trusted endpoint: no address policy).
        settings: ``archive_endpoint`` and ``archive_web``.
        url: the link that fails.
        added: when the link entered the catalogue (None: the newest capture).

    Returns:
        (snapshot URL, 14-digit timestamp), or None when the archive has nothing.

    Raises:
        FetchError: when neither endpoint gave an answer.
    """
    stamp = (added or dt.date.today()).strftime("%Y%m%d")
    deadline = Deadline(settings.url_deadline)
    api = asyncio.ensure_future(_from_api(client, settings, url, stamp, deadline))
    web = asyncio.ensure_future(_from_web(client, settings, url, stamp, deadline))
    try:
        try:
            found = await api
        except FetchError:
            found = None
            await asyncio.wait([web])
            if web.exception() is not None:
                raise
        if found is not None:
            return found
        return await web
    finally:
        for task in (api, web):
            if not task.done():
                task.cancel()
        await asyncio.gather(api, web, return_exceptions=True)


async def _from_api(
    client: Client, settings: Settings, url: str, stamp: str, deadline: Deadline
) -> tuple[str, str] | None:
    query = urlencode({"url": url, "timestamp": stamp})
    sep = "&" if "?" in settings.archive_endpoint else "?"
    resp = await client.request(f"{settings.archive_endpoint}{sep}{query}", "GET", deadline, True)
    if resp.status != 200:
        return None
    import json  # 2 ms of imports, needed only once a link has failed

    try:
        data = json.loads(resp.body.decode("utf-8", "replace"))
        closest = (data.get("archived_snapshots") or {}).get("closest") or {}
    except (ValueError, AttributeError):
        return None
    if (
        isinstance(closest, dict)
        and closest.get("available")
        and closest.get("url")
        and str(closest.get("status", "200")).startswith(("2", "3"))
    ):
        return str(closest["url"]), str(closest.get("timestamp", ""))
    return None


async def _from_web(
    client: Client, settings: Settings, url: str, stamp: str, deadline: Deadline
) -> tuple[str, str] | None:
    resp = await client.request(
        f"{settings.archive_web.rstrip('/')}/{stamp}/{url}", "HEAD", deadline, True
    )
    location = resp.location if resp.status in (301, 302, 303, 307, 308) else None
    if location:
        m = _SNAPSHOT.search(location)
        if m:
            return location, m.group(1)
    return None
