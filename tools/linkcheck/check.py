"""Check a list of links concurrently: one verdict each, with drift and archive copies.

Each URL gets one GET (HEAD first for files that are not pages, see :mod:`.fetch`: one try
within the connect timeout, so that a server that never answers HEAD leaves the URL's
deadline to the GET), the classifier's verdict, the sibling probe when it answered with a
page, the drift check against the fingerprint remembered from its last good check (text and
title), the anchor of a URL with a ``#fragment`` on an HTML answer (on by default,
``check_fragments``), refreshes (the ``Refresh`` header, ``<meta http-equiv="refresh">``)
followed like redirects, and, as soon as it fails, the Wayback copy (concurrently with the
other checks; cached in the history, see :func:`tools.linkcheck.history.wants_archive`).

Links are started host by host (every host's first link, then every host's second ...), and
the rest of the list only once every host's first request has left (or half an interval has
passed), in batches of ``START_BATCH`` with a turn of the event loop in between; the modules
that only answers need (the classifier, the HTML parser, the history) are imported then, one
per turn of the loop, while the answers travel. Both were measured by removing them, with
``bench/bench_linkcheck.py`` (1000 URLs, 20 hosts, two busy cores). Every task started at
once: the servers saw the first request 130 ms after launch instead of 95 ms (median of 3),
and the run took 2.89 s instead of 2.81 s (2.82 s instead of 2.80 s with ``--no-archive``).
Every module imported at the top (here and in :mod:`.soft404` and :mod:`.video`): importing
the CLI took 100 ms instead of 89 ms (medians of 21, side by side, on a busy machine), and the
first request left that much later; the run's median of 3 (2.82 s, 2.82 s) was too noisy to
show it.

Pages are read one per turn of the event loop (:class:`OnePerTurn`). Every host's answers
come back about together, just as its next requests fall due, and a request due while a burst
of pages is being read left only after all of them; a request that leaves late pushes its
host's later turns back. Measured inside the run on the benchmark (``--no-archive``, two busy
cores, four runs each way, alternating): the last request of a host left a median of 54 ms
behind its 50 ms grid before, 28 ms after; the loop's timers fired late by 3.9 ms before and
2.7 ms after at the 90th percentile. The wall time, at that load, was too noisy to show it.
For the same reason the links are started 10 per turn of the loop, not 50: six runs each way
on a busy machine, a host's tenth request left a median of 45 ms behind its grid with 50, 20
ms with 10, and its last one 109 ms against 62 ms.

When no host at all could be reached (every URL failed name resolution or connection, on
at least ``OUR_NETWORK_MIN_HOSTS`` hosts), the fault is our own network, not the links: those
verdicts become ``transient`` so that an outage on the runner cannot declare links dead.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from tools.linkcheck.archive import Archive
from tools.linkcheck.fetch import (
    Chain,
    Client,
    Deadline,
    FetchError,
    Response,
    is_file_path,
    prepare,
)
from tools.linkcheck.results import Link, Result
from tools.linkcheck.settings import Settings
from tools.linkcheck.soft404 import SiblingProbe
from tools.linkcheck.video import check_video, youtube_id

if TYPE_CHECKING:
    import random

    from tools.linkcheck.classify import Verdict
    from tools.linkcheck.linkstatus import Entry

Progress = Callable[[int, int], None]
_NO_FALLBACK = ("blocked", "dns", "bad-url", "loop", "too-many-redirects")
_UNREACHABLE = ("dns", "connect")
OUR_NETWORK_MIN_HOSTS = 3
START_BATCH = 10  # links started per turn of the event loop (see the module docstring)
# What the first answer needs, loaded in steps once the first request has left (not before).
_PRELOAD = ("html.parser", "hashlib", "tools.linkcheck.htmltext", "tools.linkcheck.classify")


MAX_REFRESHES = 3  # refreshes (header or meta) followed per URL, like redirects


async def check_url(
    client: Client,
    probe: SiblingProbe | None,
    s: Settings,
    url: str,
    reading: OnePerTurn | None = None,
) -> Verdict:
    """The verdict on one ordinary (non-video) URL.

    ``reading``, when given, spaces the reading of pages out: one per turn of the loop.
    """
    deadline = Deadline(s.url_deadline)
    if s.method == "head" or (s.method == "auto" and is_file_path(url)):
        # HEAD gets one short try (servers that never answer HEAD exist): a hang must leave
        # the URL's deadline to the GET that follows.
        chain = await client.follow(url, "HEAD", _Within(deadline, s.connect_timeout))
        final = chain.final
        # HEAD is enough for a file, unless the answer is a web page: a .pdf path answering
        # 200 HTML may be a "not found" page, which only its body tells.
        if final is not None and final.status < 400 and not _html_answer(final):
            return classify(chain)
        if chain.error is not None and chain.error.kind in _NO_FALLBACK:
            return classify(chain)
    chain = await client.follow(url, "GET", deadline)
    if probe is not None and chain.final is not None:
        # A 404 counts as evidence at once, not after this page's turn to be read: the
        # probe is sent when the first page of its shape is read without such evidence.
        # (Only a 200 page follows a meta refresh, so no 404 is observed before one.)
        probe.observe(prepare(url).url, chain.final.status, len(chain.hops) > 1)
    if reading is not None:
        await reading.take()
    v = classify(chain)
    chain, v = await _follow_refreshes(client, chain, v, deadline)
    final = chain.final
    if probe is not None and v.verdict in ("ok", "redirected") and v.page is not None and final:
        why = await probe.judge(prepare(url).url, chain, v.page)
        if why is not None:
            v = replace(v, verdict=why.get("verdict", v.verdict), detail=why["detail"])
    if final is not None and final.cut_short and v.verdict in ("ok", "redirected"):
        v = replace(v, detail="; ".join(d for d in (v.detail, final.cut_short) if d))
    if s.check_fragments and v.verdict in ("ok", "redirected") and v.page is not None and final:
        v = _fragment(url, v, final, s)
    return v


class _Within(Deadline):
    """A budget of ``seconds`` that also ends with ``outer`` (it starts ``outer`` too).

    Its time is spent from ``outer``: what is left after it is what a later request gets.
    """

    def __init__(self, outer: Deadline, seconds: float):
        super().__init__(seconds)
        self.outer = outer

    def start(self) -> None:
        self.outer.start()
        super().start()

    def remaining(self) -> float:
        return min(super().remaining(), self.outer.remaining())


class OnePerTurn:
    """Lets one page be read (parsed, fingerprinted, classified) per turn of the event loop.

    Answers arrive in bursts, and each page costs a fraction of a millisecond of CPU: read one
    after another in the same turn, they hold back every request whose turn falls due meanwhile.
    Taken in turns, a request due now waits for one page's work at most.
    """

    def __init__(self) -> None:
        self._taken = False
        self._waiting: collections.deque[asyncio.Future[None]] = collections.deque()

    async def take(self) -> None:
        """Return when this turn of the loop has no page read in it yet."""
        loop = asyncio.get_running_loop()
        if self._taken:
            fut = loop.create_future()
            self._waiting.append(fut)
            try:
                await fut
            except asyncio.CancelledError:
                if fut.done() and not fut.cancelled():
                    self._pass_on()  # handed the turn just as it was cancelled: pass it on
                raise
        self._taken = True
        loop.call_soon(self._pass_on)  # at the next turn of the loop

    def _pass_on(self) -> None:
        while self._waiting:
            fut = self._waiting.popleft()
            if not fut.done():
                fut.set_result(None)
                return
        self._taken = False


def _html_answer(resp: Response) -> bool:
    return "html" in (resp.header("content-type") or "").lower()


async def _follow_refreshes(
    client: Client, chain: Chain, v: Verdict, deadline: Deadline
) -> tuple[Chain, Verdict]:
    """Follow refreshes like redirects, at most ``MAX_REFRESHES``.

    A refresh is a ``Refresh`` response header or a ``<meta http-equiv="refresh">`` (not one
    inside ``<noscript>``), within ``MAX_REFRESH_DELAY`` seconds, on a 200 answer. One back to
    an earlier URL of the chain is a loop, reported as a redirect loop is; one to the page's
    own URL reloads the page, which is the page itself. A page that sends the reader on at
    once (a delay of 0: jekyll-redirect-from's pages, a static host's "moved" page) has moved
    for good, as Google reads such a refresh: ``redirected``; a page shown first for a few
    seconds is a temporary detour: ``ok``, with the refresh in the detail.
    """
    instant = True
    for _ in range(MAX_REFRESHES):
        final = chain.final
        if final is None or final.status != 200:
            break
        how, found = _refresh(final, v)
        if found is None:
            break
        delay, target = found
        nxt = urljoin(final.url, target).split("#", 1)[0]
        if not nxt.startswith(("http://", "https://")):
            break
        with contextlib.suppress(FetchError):
            nxt = prepare(nxt).url  # as the hops' URLs are written, to compare with them
        if nxt == final.url:
            break
        if nxt in {h.url for h in chain.hops}:
            loop = FetchError("loop", nxt, f"redirect loop back to {nxt} by {how}")
            chain = Chain(chain.hops, loop, chain.requested)
            return chain, classify(chain)
        instant = instant and delay == 0
        more = await client.follow(nxt, "GET", deadline)
        chain = Chain([*chain.hops, *more.hops], more.error, chain.requested)
        v = classify(chain)
        if v.verdict in ("ok", "redirected"):
            if instant:
                v = replace(
                    v, verdict="redirected", detail=f"moved: {how} at once to {chain.final_url}"
                )
            else:
                v = replace(v, verdict="ok", detail=f"{how} leads to {chain.final_url}")
    return chain, v


def _refresh(final: Response, v: Verdict) -> tuple[str, tuple[float, str] | None]:
    """How the answer refreshes (in words), its delay and target, the header first.

    None for the delay and target: the answer does not refresh.
    """
    header = final.header("refresh")
    if header is not None:
        from tools.linkcheck.htmltext import parse_refresh  # loaded by the classifier by now

        found = parse_refresh(header)
        if found is not None:
            return "a Refresh header", found
    return "a meta refresh", v.page.meta_refresh() if v.page is not None else None


def _fragment(url: str, v: Verdict, final: Response, s: Settings) -> Verdict:
    """Check that ``#anchor`` names an ``id`` or ``name`` on the page (as browsers jump).

    Not looked up: ``#top`` and the empty fragment (the top of any HTML page, by the HTML
    standard), a client-side route (``#!``, ``#/``), a text fragment's directive (``:~:``
    and what follows it), and any fragment of an answer that is not HTML (``notes.txt#L5``
    answered as text/plain: browsers show the file and ignore it).
    """
    frag = urlsplit(url).fragment.partition(":~:")[0]
    if not frag or frag.startswith(("!", "/")) or v.page is None:
        return v
    ctype = final.header("content-type")
    if ctype is not None and "html" not in ctype.lower():
        return v
    wanted = {frag, unquote(frag)}
    if any(f.lower() == "top" for f in wanted):
        return v
    if wanted & v.page.ids or {f"user-content-{f}" for f in wanted} & v.page.ids:
        return v
    if final.truncated or final.cut_short:
        # Only part of the page was read: the anchor may be in the rest.
        read = (
            f"the first {s.max_body // 1024} KiB of the page"
            if final.truncated
            else f"the {len(final.body)} bytes of the page sent before the server closed"
        )
        note = f"the anchor #{frag} is not in {read}"
        return replace(v, detail="; ".join(d for d in (v.detail, note) if d))
    return replace(v, verdict="broken", detail=f"the anchor #{frag} is not on the page")


def classify(chain: Chain) -> Verdict:
    """:func:`tools.linkcheck.classify.classify`, loaded on first use.

    The first requests of a run leave before the classifier's modules (regular expressions,
    the HTML parser) are loaded; loading them then overlaps with waiting for the answers.
    """
    from tools.linkcheck.classify import classify as classify_chain

    return classify_chain(chain)


def _drift(v: Verdict, known: Entry | None, s: Settings) -> Verdict:
    from tools.linkcheck.htmltext import distance  # after the first requests (see above)

    fingerprint = known.fingerprint if known is not None else None
    if fingerprint is None:
        return v
    if v.parked:
        return replace(
            v, verdict="drifted", detail="the domain is now parked (for sale or ads only)"
        )
    if v.verdict not in ("ok", "redirected") or v.page is None:
        return v
    before = int(fingerprint.simhash, 16)
    d = distance(before, v.page.simhash)
    if d > s.drift_bits:
        return replace(
            v,
            verdict="drifted",
            detail=(
                f"the page differs from the one we listed ({d} of 64 fingerprint bits; title "
                f"{fingerprint.title!r} then, {v.title!r} now)"
            ),
        )
    if (
        fingerprint.title
        and v.title
        and _norm(fingerprint.title) != _norm(v.title)
        and d > s.drift_bits // 2
    ):
        # The text moved a little and the title changed: another page under the same URL.
        return replace(
            v,
            verdict="drifted",
            detail=f"the title changed ({fingerprint.title!r} then, {v.title!r} now) and "
            f"{d} of 64 fingerprint bits differ",
        )
    return v


def _norm(title: str) -> str:
    return " ".join(title.lower().split())


async def check_links(
    links: list[Link],
    settings: Settings,
    known: dict[str, Entry] | None = None,
    progress: Progress | None = None,
    rng: random.Random | None = None,
    preload: Sequence[str] = (),
    now: dt.datetime | None = None,
    notes: list[str] | None = None,
    fingerprints: bool = True,
    on_result: Callable[[Result], object] | None = None,
) -> list[Result]:
    """Check every link; results come back in the order of ``links``.

    Args:
        links: what to check.
        settings: politeness, deadlines, thresholds, endpoints.
        known: the history's entries by URL (fingerprints for drift, cached archive copies).
        progress: called with (done, total) after each link.
        rng: the source of the sibling probe's made-up names.
        preload: modules the caller needs after the run, imported while waiting for the
            first answers (as this module does with the classifier's).
        now: the run's time (archive cache ages); the clock when omitted.
        notes: where to add what the run learnt once (an unreachable archive).
        fingerprints: compute each page's simhash for the history (a run that keeps no
            history skips it; the sibling probe and drift still compute what they compare).
        on_result: called with each link's result as soon as it is known (before the
            run-wide verdict on our own network, which may replace it).
    """
    known = known or {}
    now = now or dt.datetime.now(dt.UTC)
    kinds: dict[str, str | None] = {}
    client = Client(settings)
    probe = SiblingProbe(client, settings, rng) if settings.probe_siblings else None
    archive = Archive(client, settings) if settings.archive else None
    reading = OnePerTurn()
    done = 0

    async def one(link: Link, host: str) -> Result:
        nonlocal done
        started = time.monotonic()
        entry = known.get(link.url)
        vid = youtube_id(link.url)
        if vid:
            v = await check_video(client, settings, link.url, vid)
        else:
            v = await check_url(client, probe, settings, link.url, reading)
        left[host] -= 1
        if not left[host]:
            client.release(link.url)  # its host's last link: see _host_by_host
        from tools.linkcheck.classify import FAILURES  # these three: after the first requests
        from tools.linkcheck.history import wants_archive
        from tools.linkcheck.htmltext import hex64

        v = _drift(v, entry, settings)
        kinds[link.url] = v.error_kind
        found: tuple[str, str] | None | bool = False
        failing = v.verdict in FAILURES or v.verdict == "drifted"
        if archive is not None and failing and wants_archive(entry, now, settings):
            found = await archive.lookup(link.url, link.added)
        done += 1
        if progress:
            progress(done, len(links))
        result = Result(
            url=link.url,
            verdict=v.verdict,
            detail=v.detail,
            http_status=v.http_status,
            final_url=v.final_url,
            title=v.title,
            elapsed_ms=v.elapsed_ms
            if v.elapsed_ms is not None
            else int((time.monotonic() - started) * 1000),
            resources=link.resources,
            line=link.line,
            simhash=hex64(v.page.simhash) if v.page is not None and fingerprints else None,
            archive_url=found[0] if isinstance(found, tuple) else None,
            archive_timestamp=found[1] if isinstance(found, tuple) else None,
            archive_checked=found is not False,
        )
        if on_result is not None:
            on_result(result)
        return result

    if not links:
        return []
    begun = time.monotonic()
    started: dict[int, asyncio.Task[Result]] = {}
    order, host_of = _host_by_host(links)
    left = collections.Counter(host_of)
    hosts = len(left)
    first_out = asyncio.Event()

    def sent(count: int) -> None:
        if count >= hosts:
            first_out.set()

    client.on_sent = sent

    async def start(indices: list[int]) -> None:
        for i in range(0, len(indices), START_BATCH):
            if i:
                await asyncio.sleep(0)  # the loop sends what the batches before made ready
            for n in indices[i : i + START_BATCH]:
                started[n] = asyncio.ensure_future(one(links[n], host_of[n]))

    # Every host's first request leaves before the rest of the list is set up and the modules
    # for the answers are loaded: both keep the loop busy, and a request that leaves late
    # pushes back every later turn on its host.
    await start(order[:hosts])
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(settings.host_interval / 2):
            await first_out.wait()
    _preload([*_PRELOAD, *preload])
    await start(order[hosts:])
    tasks = [started[n] for n in range(len(links))]
    deadline = settings.run_deadline
    if deadline is not None:
        deadline = max(0.0, deadline - (time.monotonic() - begun))
    try:
        _, pending = await asyncio.wait(tasks, timeout=deadline)
        for t in pending:
            t.cancel()
        if pending:
            await asyncio.wait(pending)
    finally:
        client.close()
    results = []
    for link, task in zip(links, tasks, strict=True):
        if task in pending or task.cancelled():
            results.append(
                Result(
                    link.url,
                    "transient",
                    "not finished within the run deadline",
                    resources=link.resources,
                    line=link.line,
                )
            )
        elif task.exception() is not None:
            results.append(
                Result(
                    link.url,
                    "transient",
                    f"checker error: {task.exception()!r}",
                    resources=link.resources,
                    line=link.line,
                )
            )
        else:
            results.append(task.result())
    if archive is not None and archive.down and notes is not None:
        notes.append(archive.down + "; no archive copy was looked up after that")
    return _network_down(results, kinds)


def _host_by_host(links: list[Link]) -> tuple[list[int], list[str]]:
    """The order to start the links in, and each link's host.

    Every host's first link, then every host's second ...; within a host the list's order is
    kept, as it is the order of that host's turns. The host is read from the text between
    ``//`` and the next ``/``, ``?`` or ``#`` (port and user included): it runs before the
    first request, where ``urlsplit`` took 6 ms for 1000 URLs. It also tells when a host's
    last link is done: its kept connections are closed then, not held open until every other
    host is done. (On the benchmark that also takes the closing of about 100 connections, 5 to
    6 ms, off the way from the last answer to the exit; the run's wall time did not resolve it.)
    """
    rank: dict[str, int] = {}
    keys = []
    host_of = []
    for n, link in enumerate(links):
        host = link.url.partition("//")[2]
        for end in "/?#":
            host = host.partition(end)[0]
        host = host.lower()
        host_of.append(host)
        keys.append((rank.get(host, 0), n))
        rank[host] = rank.get(host, 0) + 1
    return [n for _, n in sorted(keys)], host_of


def _preload(names: list[str]) -> None:
    """Import the first module, and the others later: the loop sends and reads in between."""
    if names:
        __import__(names[0])
        asyncio.get_running_loop().call_soon(_preload, names[1:])  # runs on the next turn


def _network_down(results: list[Result], kinds: dict[str, str | None]) -> list[Result]:
    if any(r.http_status is not None for r in results):
        return results  # something answered: the network works
    unreachable = {r.url for r in results if kinds.get(r.url) in _UNREACHABLE}
    if len({urlsplit(u).hostname for u in unreachable}) < OUR_NETWORK_MIN_HOSTS:
        return results
    return [
        replace(
            r,
            verdict="transient",
            detail=f"no host could be reached, so our own network looks down ({r.detail})",
            archive_url=None,
            archive_timestamp=None,
            archive_checked=False,
        )
        if r.url in unreachable
        else r
        for r in results
    ]
