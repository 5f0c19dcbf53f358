"""The random-sibling probe for soft 404s (after Bar-Yossef et al., WWW 2004).

If a made-up path next to the target answers like the target (same page after redirects, or a
nearly identical text fingerprint), the server answers everything with the same page and the
target's 200 proves nothing. One probe per host and path shape (depth, extension, trailing
slash), shared by every URL of that shape, so the cost is one request per host in the common
case, not one per URL. URLs with a query string are not probed: a made-up query is too often
ignored by the server, which would make real pages look like soft 404s.

The probe is not sent when another URL of the same shape on that host has already got a plain
404 or 410 (no redirect): the server has then shown how it answers a path that is not there,
which is what the probe would learn, and the pages judged after that get their answer at once.
Otherwise it is sent as soon as the first page of its shape has been read, so the host's pages
get their verdicts as their answers come in. It used to wait until the host had nothing else
queued or running, to give a 404 every chance to make it unnecessary; then every page of a host
without dead links waited for the host's last answer, and at the end of the benchmark
(``bench/bench_linkcheck.py``) up to 800 pages of 16 hosts were finished together. From the
servers' last answer to the report written, seven runs each on a very busy machine: a median of
16 ms before (up to 65 ms when the hosts finished together), 11 ms after.

The probe is part of checking the page that needs it, as a same-host redirect hop is: it follows
that page's answer at once, within the page's turn (it takes a free slot of the host, so the
host's concurrency limit holds, but books no turn of the host's interval; a retry does wait for
a turn). A host sees at
most one probe per path shape in a run. When it took a turn of its own, it added one interval
(50 ms at the defaults) to every host without dead links: on the benchmark, the busiest host's
first to last request took 2.50 s (51 turns) against lychee's 2.46 s (50), the difference
between the two tools' wall times at that point.
"""

from __future__ import annotations

import asyncio
import string
from dataclasses import dataclass
from posixpath import splitext
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

from tools.linkcheck.fetch import Chain, Client, Deadline
from tools.linkcheck.settings import Settings

if TYPE_CHECKING:
    import random

    from tools.linkcheck.htmltext import Page

ShapeKey = tuple[str, str, int, int, str, bool]


@dataclass(frozen=True)
class ProbeAnswer:
    """How the made-up sibling answered (``status`` None when it got no answer)."""

    url: str
    status: int | None
    final_url: str | None
    simhash: int | None
    digest: bytes | None = None  # of the body's bytes: tells an identical shell apart
    shingles: int = 0  # how many the simhash was made of (see MIN_SHINGLES)
    title: str = ""
    unnamed: int | None = None  # when the title names it: the simhash without its name


# A page whose title and text make fewer shingles than this (fewer than 10 words, or about 10
# CJK characters) has too little text to fingerprint: its simhash is a title or a "Loading"
# and, empty, is 0 for every page. Two such pages coming out close proves nothing, and a
# title that names the page moves a few-shingle simhash as much as another page would.
MIN_SHINGLES = 8


def shape(url: str) -> ShapeKey | None:
    """The cache key of a URL's path shape, or None when the URL is not worth probing."""
    from tools.linkcheck.classify import is_home  # loaded once the first answers are in

    parts = urlsplit(url)
    if parts.query or is_home(url):
        return None
    segments = [s for s in parts.path.split("/") if s]
    ext = splitext(segments[-1])[1].lower() if segments else ""
    return (
        parts.scheme,
        (parts.hostname or "").lower(),
        parts.port or 0,
        len(segments),
        ext,
        parts.path.endswith("/"),
    )


def sibling(url: str, rng: random.Random) -> str:
    """A made-up URL next to ``url``: same folder, extension and trailing slash."""
    parts = urlsplit(url)
    trailing = parts.path.endswith("/")
    segments = [s for s in parts.path.split("/") if s]
    last = segments[-1] if segments else ""
    ext = splitext(last)[1]
    token = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(14))
    segments[-1:] = [f"zz{token}{ext}"]
    path = "/" + "/".join(segments) + ("/" if trailing else "")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class SiblingProbe:
    """Runs and caches sibling probes for one run.

    Args:
        client: the HTTP client (its politeness applies to probes too).
        settings: ``sibling_bits`` is how close fingerprints must be to count as the same page.
        rng: the source of made-up names (seeded in tests).
    """

    def __init__(self, client: Client, settings: Settings, rng: random.Random | None = None):
        self.client = client
        self.settings = settings
        self.rng = rng
        self._cache: dict[ShapeKey, asyncio.Future[ProbeAnswer]] = {}
        self._seen_404: dict[ShapeKey, str] = {}
        self._sending: set[ShapeKey] = set()
        self.probes_sent = 0

    def observe(self, url: str, status: int, redirected: bool) -> None:
        """Remember a plain 404/410 answer: evidence that this shape gets real not-founds."""
        key = shape(url)
        if key is not None and status in (404, 410) and not redirected:
            self._seen_404.setdefault(key, url)

    async def answer(self, url: str) -> ProbeAnswer | None:
        """The (cached) probe answer for ``url``'s shape; None when its shape is not probed."""
        key = shape(url)
        if key is None:
            return None
        fut = self._cache.get(key)
        if key in self._seen_404 and key not in self._sending and (fut is None or not fut.done()):
            # What the probe would learn, known now: the page need not wait for a probe.
            return self._not_found(key)
        if fut is None:
            if self.rng is None:
                import random  # 1 ms of imports, after the first requests: not before

                self.rng = random.Random()
            fut = asyncio.ensure_future(self._probe(key, sibling(url, self.rng)))
            self._cache[key] = fut
        return await asyncio.shield(fut)

    def _not_found(self, key: ShapeKey) -> ProbeAnswer:
        seen = self._seen_404[key]
        return ProbeAnswer(seen, 404, seen, None)

    async def _probe(self, key: ShapeKey, url: str) -> ProbeAnswer:
        from tools.linkcheck.htmltext import parse  # after the first requests (check.py)

        if key in self._seen_404:
            return self._not_found(key)
        self._sending.add(key)
        self.probes_sent += 1
        chain: Chain = await self.client.follow(
            url, "GET", Deadline(self.settings.url_deadline), probe=True
        )
        final = chain.final
        if final is None:
            return ProbeAnswer(url, None, None, None)
        page = parse(final.body, final.header("content-type")) if final.body else None
        return ProbeAnswer(
            url,
            final.status,
            final.url,
            page.simhash if page else None,
            _digest(final.body),
            page.shingle_count if page else 0,
            page.title if page else "",
            _unnamed(page, url) if page and _names(page.title, url) else None,
        )

    async def judge(self, url: str, chain: Chain, page: Page | None) -> dict[str, str] | None:
        """What the sibling says about ``url``: fields to change in its verdict, or None.

        ``{"verdict": "soft-404", "detail": ...}`` when the made-up sibling answers the same
        page (the same text, byte-identical or not). ``{"detail": ...}`` when the page has
        too little text to fingerprint (``MIN_SHINGLES``, visible text and title; a
        ``<noscript>`` is not visible) and the sibling answers a page too: that is a
        single-page app's shell, filled in by script for every path, or a bot check, and
        identical or near-identical shells prove nothing either way, so the page stays
        ``ok`` and says it could not be verified. A page with text whose bytes are the
        sibling's too is a catch-all page (a "not found" template, a suspended account, a
        server's default page), as much as one whose text is, and so are the same bytes
        that both were redirected to on one path (``/error?from=...``). The same text under
        titles that each name their own path (a notes app's shell, "Attention - team -
        Pages" and "zz... - team - Pages", the name maybe in the text too) is a shell too, not
        verified either way: compared with the names in, such pairs came out on either side
        of ``sibling_bits`` by the made-up name drawn, a verdict by chance. A page with text
        against a sibling without any is not the sibling's page: None.

        Args:
            url: the URL that was checked.
            chain: its redirects and final answer (a 2xx page).
            page: what was read from that page.
        """
        from tools.linkcheck.htmltext import distance  # after the first requests (check.py)

        probe = await self.answer(url)
        if probe is None or probe.status is None or not 200 <= probe.status < 300:
            return None
        redirected = len(chain.hops) > 1
        if redirected and probe.final_url == chain.final_url:
            return {
                "verdict": "soft-404",
                "detail": f"a made-up sibling ({probe.url}) lands on the same page {probe.final_url}",
            }
        final = chain.final
        if final is not None and probe.digest is not None and probe.digest == _digest(final.body):
            # Text, or both sent on to one path (``/error?from=...``): not a script's shell.
            same_path = (
                redirected
                and probe.final_url is not None
                and urlsplit(probe.final_url).path == urlsplit(chain.final_url or "").path
            )
            if same_path or (page is not None and page.shingle_count >= MIN_SHINGLES):
                return {
                    "verdict": "soft-404",
                    "detail": f"a made-up sibling ({probe.url}) gets this very page, byte for byte",
                }
            return {
                "detail": "content could not be verified: a made-up sibling "
                f"({probe.url}) gets the same bytes (a single-page app's shell, filled in by script)"
            }
        if page is not None and probe.simhash is not None:
            if page.shingle_count < MIN_SHINGLES:
                return {
                    "detail": "content could not be verified: the page has too little text to "
                    f"compare (under {MIN_SHINGLES + 2} words) and a made-up sibling "
                    f"({probe.url}) gets a page too (a script's shell, or a bot check)"
                }
            if probe.shingles < MIN_SHINGLES:
                return None  # text here, next to none there: not the sibling's page
            if (
                probe.unnamed is not None
                and page.title != probe.title
                and _names(page.title, url)
                and _names(probe.title, probe.url)
                and distance(_unnamed(page, url), probe.unnamed) <= self.settings.sibling_bits
            ):
                return {
                    "detail": "content could not be verified: a made-up sibling "
                    f"({probe.url}) gets the same text under a title that names it (an app's "
                    "shell that names each page and fills it in by script)"
                }
            d = distance(page.simhash, probe.simhash)
            if d <= self.settings.sibling_bits:
                return {
                    "verdict": "soft-404",
                    "detail": f"a made-up sibling ({probe.url}) answers the same page ({d} bits apart)",
                }
        return None


def _name(url: str) -> str:
    """The name a page goes by in its URL: the last segment of the path, without extension."""
    last = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    return splitext(last)[0].lower()


def _names(title: str, url: str) -> bool:
    """Whether ``title`` names the page by the last segment of its URL's path."""
    name = _name(url)
    return len(name) >= 2 and name in title.lower()


def _unnamed(page: Page, url: str) -> int:
    """The simhash of the page's title and text without its own name (see :func:`_names`)."""
    from tools.linkcheck.htmltext import simhash

    return simhash(f"{page.title}\n{page.text}".lower().replace(_name(url), " "))


def _digest(body: bytes) -> bytes | None:
    import hashlib  # loaded by the HTML reader by then; not before the first request

    return hashlib.blake2b(body, digest_size=16).digest() if body else None
