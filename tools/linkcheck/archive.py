"""The Wayback Machine copy of a failing link: the snapshot closest to the date it was added.

First the availability API (``?url=...&timestamp=YYYYMMDD``, which answers the capture closest
to that date, before or after); when it fails or finds nothing (it is rate-limited and sometimes
answers empty for archived pages), ``/web/<timestamp>/<url>``, which redirects to the nearest
capture: its ``Location`` names the snapshot. Both endpoints are settings, so tests use a local
fake archive.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urlencode

from tools.linkcheck.fetch import Client, Deadline, FetchError
from tools.linkcheck.settings import Settings

_SNAPSHOT = re.compile(r"/web/(\d{4,14})[a-z_]*/")


async def lookup(
    client: Client, settings: Settings, url: str, added: dt.date | None
) -> tuple[str, str] | None:
    """Find an archived copy of ``url``.

    Args:
        client: the HTTP client (the archive is a trusted endpoint: no address policy).
        settings: ``archive_endpoint`` and ``archive_web``.
        url: the link that fails.
        added: when the link entered the catalogue (None: the newest capture).

    Returns:
        (snapshot URL, 14-digit timestamp), or None when the archive has nothing.
    """
    stamp = (added or dt.date.today()).strftime("%Y%m%d")
    deadline = Deadline(settings.url_deadline)
    query = urlencode({"url": url, "timestamp": stamp})
    sep = "&" if "?" in settings.archive_endpoint else "?"
    try:
        resp = await client.request(
            f"{settings.archive_endpoint}{sep}{query}", "GET", deadline, True
        )
        if resp.status == 200:
            data = json.loads(resp.body.decode("utf-8", "replace"))
            closest = (data.get("archived_snapshots") or {}).get("closest") or {}
            if (
                closest.get("available")
                and closest.get("url")
                and str(closest.get("status", "200")).startswith(("2", "3"))
            ):
                return str(closest["url"]), str(closest.get("timestamp", ""))
    except (FetchError, ValueError, AttributeError):
        pass
    try:
        resp = await client.request(
            f"{settings.archive_web.rstrip('/')}/{stamp}/{url}", "HEAD", deadline, True
        )
    except FetchError:
        return None
    location = resp.location if resp.status in (301, 302, 303, 307, 308) else None
    if location:
        m = _SNAPSHOT.search(location)
        if m:
            return location, m.group(1)
    return None
