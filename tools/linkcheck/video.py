"""YouTube links, checked through oEmbed and the thumbnail instead of the watch page.

A watch page answers 200 even for a deleted video, so it says nothing. What the probes say
(see the resource facts; no single probe is enough):

- oEmbed 200 with JSON: the video is public and embeddable -> ``ok`` (its title comes along).
- oEmbed 200 with a non-JSON body (seen as a bare "Forbidden") or 403: private -> ``restricted``.
- oEmbed 401: embedding is disabled; the thumbnail tells a public video (200 -> still ``ok``)
  from one nobody can see (404 -> ``restricted``, a person should look).
- oEmbed 404 or 400: removed -> ``broken`` (thumbnails can outlive a terminated account, so a
  surviving thumbnail does not save it; it is mentioned in the detail).
- 429, 5xx, timeouts: ``transient``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

from tools.linkcheck.fetch import Client, Deadline, FetchError
from tools.linkcheck.settings import Settings

if TYPE_CHECKING:
    from tools.linkcheck.classify import Verdict

_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_HOSTS = ("youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com")
_NOCOOKIE = ("youtube-nocookie.com", "www.youtube-nocookie.com")


def youtube_id(url: str) -> str | None:
    """The video id of a YouTube watch, short, live, embed or youtu.be URL; None otherwise."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    segments = [s for s in parts.path.split("/") if s]
    vid = None
    if host in ("youtu.be", "www.youtu.be") and segments:
        vid = segments[0]
    elif host in _HOSTS + _NOCOOKIE:
        if segments == ["watch"]:
            vid = next(iter(parse_qs(parts.query).get("v", [])), None)
        elif len(segments) >= 2 and segments[0] in ("shorts", "embed", "live", "v", "e"):
            vid = segments[1]
    return vid if vid and _ID.match(vid) else None


async def _status(client: Client, url: str, deadline: Deadline) -> tuple[int | None, bytes, str]:
    try:
        resp = await client.request(url, "GET", deadline, trusted=True)
    except FetchError as exc:
        return None, b"", exc.detail
    return resp.status, resp.body, resp.reason


async def check_video(client: Client, settings: Settings, url: str, vid: str) -> Verdict:
    """The verdict on a YouTube video URL from its oEmbed answer and, when needed, thumbnail."""
    from tools.linkcheck.classify import Verdict  # after the first requests (check.py)

    deadline = Deadline(settings.url_deadline)
    watch = f"https://www.youtube.com/watch?v={vid}"
    query = urlencode({"url": watch, "format": "json"})
    sep = "&" if "?" in settings.oembed_endpoint else "?"
    status, body, reason = await _status(
        client, f"{settings.oembed_endpoint}{sep}{query}", deadline
    )
    v = Verdict("ok", "", status, url)
    if status is None:
        v.verdict, v.detail = "transient", f"oEmbed got no answer: {reason}"
        return v
    if status == 200:
        import json  # 2 ms of imports, needed only for a video link's answer

        try:
            info = json.loads(body.decode("utf-8", "replace"))
            v.title = str(info.get("title") or "") or None
            v.detail = "public video (oEmbed)"
        except (ValueError, AttributeError):
            v.verdict, v.detail = "restricted", "oEmbed answers without data: a private video"
        return v
    if status == 429 or status >= 500:
        v.verdict, v.detail = "transient", f"oEmbed answered HTTP {status}"
        return v
    if status == 403:
        v.verdict, v.detail = "restricted", "oEmbed answered 403: a private video"
        return v
    thumb_url = settings.thumbnail_endpoint.replace("{id}", vid)
    thumb, _, thumb_reason = await _status(client, thumb_url, deadline)
    if status == 401:
        if thumb == 200:
            v.verdict, v.detail = "ok", "embedding disabled, but the video is public"
        elif thumb is None or thumb == 429 or thumb >= 500:
            v.verdict, v.detail = (
                "transient",
                f"embedding disabled; thumbnail: {thumb or thumb_reason}",
            )
        else:
            v.verdict = "restricted"
            v.detail = f"embedding disabled and no thumbnail (HTTP {thumb}): private or hidden"
        return v
    if status in (400, 404, 410):
        v.verdict = "broken"
        v.detail = f"video removed (oEmbed HTTP {status}"
        v.detail += ", thumbnail survives)" if thumb == 200 else ")"
        return v
    v.verdict, v.detail = "broken", f"oEmbed answered HTTP {status}"
    return v
