"""Check a list of links concurrently: one verdict each, with drift and archive copies.

Each URL gets one GET (HEAD first for files that are not pages, see :mod:`.fetch`), the
classifier's verdict, the sibling probe when it answered with a page, the drift check against
the fingerprint remembered from its last good check, and, when it fails, the Wayback copy
(looked up once: a copy already in the history is kept).

Links are started host by host (every host's first link, then every host's second ...) and
in batches, the rest of the list only once every host's first request has left; the modules
that only answers need (the classifier, the HTML parser) are imported then, one per turn of
the event loop, while the answers travel.

When no host at all could be reached (every URL failed name resolution or connection, on
at least ``OUR_NETWORK_MIN_HOSTS`` hosts), the fault is our own network, not the links: those
verdicts become ``transient`` so that an outage on the runner cannot declare links dead.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tools.linkcheck.fetch import Chain, Client, Deadline, FetchError, is_file_path, prepare
from tools.linkcheck.results import Link, Result
from tools.linkcheck.settings import Settings
from tools.linkcheck.soft404 import SiblingProbe
from tools.linkcheck.video import youtube_id

if TYPE_CHECKING:
    import random

    from tools.linkcheck.classify import Verdict

Progress = Callable[[int, int], None]
_NO_FALLBACK = ("blocked", "dns", "bad-url", "loop", "too-many-redirects")
_UNREACHABLE = ("dns", "connect")
OUR_NETWORK_MIN_HOSTS = 3
START_BATCH = 50  # links started per turn of the event loop
# What the first answer needs, loaded in steps once the first request has left (not before).
_PRELOAD = ("html.parser", "hashlib", "tools.linkcheck.htmltext", "tools.linkcheck.classify")


async def check_url(client: Client, probe: SiblingProbe | None, s: Settings, url: str) -> Verdict:
    """The verdict on one ordinary (non-video) URL."""
    deadline = Deadline(s.url_deadline)
    if s.method == "head" or (s.method == "auto" and is_file_path(url)):
        chain = await client.follow(url, "HEAD", deadline)
        if chain.error is None and chain.hops[-1].status < 400:
            return classify(chain)
        if chain.error is not None and chain.error.kind in _NO_FALLBACK:
            return classify(chain)
    chain = await client.follow(url, "GET", deadline)
    v = classify(chain)
    final = chain.final
    if probe is not None and final is not None:
        probe.observe(prepare(url).url, final.status, len(chain.hops) > 1)
    if probe is not None and v.verdict in ("ok", "redirected") and v.page is not None and final:
        why = await probe.judge(prepare(url).url, chain, v.page.simhash)
        if why:
            v.verdict, v.detail = "soft-404", why
    return v


def classify(chain: Chain) -> Verdict:
    """:func:`tools.linkcheck.classify.classify`, loaded on first use.

    The first requests of a run leave before the classifier's modules (regular expressions,
    the HTML parser) are loaded; loading them then overlaps with waiting for the answers.
    """
    from tools.linkcheck.classify import classify as classify_chain

    return classify_chain(chain)


def _drift(v: Verdict, known: dict[str, Any] | None, s: Settings) -> None:
    from tools.linkcheck.htmltext import distance

    fingerprint = (known or {}).get("fingerprint") or {}
    if not fingerprint.get("simhash"):
        return
    if v.parked:
        v.verdict, v.detail = "drifted", "the domain is now parked (for sale or ads only)"
        return
    if v.verdict not in ("ok", "redirected") or v.page is None:
        return
    try:
        before = int(fingerprint["simhash"], 16)
    except (TypeError, ValueError):
        return
    d = distance(before, v.page.simhash)
    if d > s.drift_bits:
        v.verdict = "drifted"
        v.detail = (
            f"the page differs from the one we listed ({d} of 64 fingerprint bits; title "
            f"{fingerprint.get('title')!r} then, {v.title!r} now)"
        )


async def check_links(
    links: list[Link],
    settings: Settings,
    known: dict[str, dict[str, Any]] | None = None,
    progress: Progress | None = None,
    rng: random.Random | None = None,
    preload: Sequence[str] = (),
) -> list[Result]:
    """Check every link; results come back in the order of ``links``.

    Args:
        links: what to check.
        settings: politeness, deadlines, thresholds, endpoints.
        known: the history's entries by URL (fingerprints for drift, archive copies).
        progress: called with (done, total) after each link.
        rng: the source of the sibling probe's made-up names.
        preload: modules the caller needs after the run, imported while waiting for the
            first answers (as this module does with the classifier's).
    """
    known = known or {}
    kinds: dict[str, str | None] = {}
    client = Client(settings)
    probe = SiblingProbe(client, settings, rng) if settings.probe_siblings else None
    done = 0

    async def one(link: Link) -> Result:
        nonlocal done
        started = time.monotonic()
        entry = known.get(link.url)
        vid = youtube_id(link.url)
        if vid:
            from tools.linkcheck.video import check_video

            v = await check_video(client, settings, link.url, vid)
        else:
            v = await check_url(client, probe, settings, link.url)
        from tools.linkcheck.classify import FAILURES
        from tools.linkcheck.htmltext import hex64

        _drift(v, entry, settings)
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
            resources=list(link.resources),
            line=link.line,
            simhash=hex64(v.page.simhash) if v.page is not None else None,
        )
        kinds[link.url] = v.error_kind
        failing = v.verdict in FAILURES or v.verdict == "drifted"
        if settings.archive and failing and not (entry or {}).get("archive_url"):
            from tools.linkcheck.archive import lookup

            try:
                found = await lookup(client, settings, link.url, link.added)
            except FetchError:
                found = None
            if found:
                result.archive_url, result.archive_timestamp = found
        done += 1
        if progress:
            progress(done, len(links))
        return result

    if not links:
        return []
    begun = time.monotonic()
    started: dict[int, asyncio.Task[Result]] = {}
    order, hosts = _host_by_host(links)
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
                started[n] = asyncio.ensure_future(one(links[n]))

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
                    resources=list(link.resources),
                    line=link.line,
                )
            )
        elif task.exception() is not None:
            exc = task.exception()
            results.append(
                Result(
                    link.url,
                    "transient",
                    f"checker error: {exc!r}",
                    resources=list(link.resources),
                    line=link.line,
                )
            )
        else:
            results.append(task.result())
    _network_down(results, kinds)
    return results


def _host_by_host(links: list[Link]) -> tuple[list[int], int]:
    """The order to start the links in, and the number of hosts.

    Every host's first link, then every host's second ...; within a host the list's order is
    kept, as it is the order of that host's turns.
    """
    rank: dict[str, int] = {}
    keys = []
    for n, link in enumerate(links):
        try:
            host = urlsplit(link.url).netloc.lower()
        except ValueError:
            host = ""
        keys.append((rank.get(host, 0), n))
        rank[host] = rank.get(host, 0) + 1
    return [n for _, n in sorted(keys)], len(rank)


def _preload(names: list[str]) -> None:
    """Import the first module, and the others later: the loop sends and reads in between."""
    if names:
        __import__(names[0])
        asyncio.get_running_loop().call_soon(_preload, names[1:])  # runs on the next turn


def _network_down(results: list[Result], kinds: dict[str, str | None]) -> None:
    if any(r.http_status is not None for r in results):
        return  # something answered: the network works
    unreachable = [r for r in results if kinds.get(r.url) in _UNREACHABLE]
    if len({urlsplit(r.url).hostname for r in unreachable}) < OUR_NETWORK_MIN_HOSTS:
        return
    for r in unreachable:
        r.verdict = "transient"
        r.detail = f"no host could be reached, so our own network looks down ({r.detail})"
        r.archive_url = r.archive_timestamp = None
