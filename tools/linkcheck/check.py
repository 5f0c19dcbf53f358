"""Check a list of links concurrently: one verdict each, with drift and archive copies.

Each URL gets one GET (HEAD first for files that are not pages, see :mod:`.fetch`), the
classifier's verdict, the sibling probe when it answered with a page, the drift check against
the fingerprint remembered from its last good check, and, when it fails, the Wayback copy
(looked up once: a copy already in the history is kept).

When no host at all could be reached (every URL failed name resolution or connection, on
at least ``OUR_NETWORK_MIN_HOSTS`` hosts), the fault is our own network, not the links: those
verdicts become ``transient`` so that an outage on the runner cannot declare links dead.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
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
    after_start: Callable[[], object] | None = None,
) -> list[Result]:
    """Check every link; results come back in the order of ``links``.

    Args:
        links: what to check.
        settings: politeness, deadlines, thresholds, endpoints.
        known: the history's entries by URL (fingerprints for drift, archive copies).
        progress: called with (done, total) after each link.
        rng: the source of the sibling probe's made-up names.
        after_start: called once every link's first step has run (the first requests are on
            their way), for start-up work that can overlap with waiting for answers.
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

    tasks = [asyncio.ensure_future(one(link)) for link in links]
    if not tasks:
        return []
    asyncio.get_running_loop().call_soon(_warm_up, after_start)  # runs after the first steps
    try:
        _, pending = await asyncio.wait(tasks, timeout=settings.run_deadline)
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


def _warm_up(after_start: Callable[[], object] | None) -> None:
    import tools.linkcheck.classify  # noqa: F401  (needed by the first answer)

    if after_start is not None:
        after_start()


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
