"""A small HTTP/1.1 client on asyncio streams, polite per host, with hard deadlines.

Why our own client and not an HTTP library: the address policy must hold on every hop
(resolve, check every address, then connect to the checked address, with no second lookup in
between), reads must be bounded (the title and a fingerprint need the first part of a page,
never a whole file, and no compressed body may inflate without a bound), and a server that
trickles bytes must not hold the run. A measured comparison found httpx without a resolver
hook (its transport resolves names itself, so the checked address is not the one connected
to) and without bounded decompression, and aiohttp needing as much custom code (a custom
resolver, a connector, manual limits on reads and on inflation) as this module. So the client
stays ours, and the parts that well-kept libraries do well come from them:
``aiohappyeyeballs`` connects to the already-checked addresses (IPv6 and IPv4 raced after
0.25 s, not one 10 s timeout after another), ``brotli`` (optional) inflates ``br`` bodies
with a bound on its output, and ``http.cookiejar`` keeps the cookies of one URL's redirect
chain (a jar shared across URLs would grow until servers answer 431).

Requests and politeness:

- One request per URL in the common case: a GET whose body read stops after ``max_body`` bytes
  gives the status, the title and the fingerprint at once. ``method="auto"`` sends HEAD first
  only for paths that name a file that is not a page (``.pdf``, ``.zip``, images ...), and falls
  back to GET when HEAD fails or disagrees (405, 501, any other error status, a network error).
  ``method="head"`` does that for every URL; ``method="get"`` never sends HEAD.
- Per host (name and port): at most ``host_concurrency`` requests at once and at least
  ``host_interval`` seconds between the starts of two requests; a global limit on top. A
  redirect to the same host is followed at once, inside the slot of the request that caused it
  (what browsers and lychee do), so one URL costs one interval; so is the soft-404 probe, the
  one extra request per host and path shape that a page needs for its verdict (see
  :mod:`.soft404`). Until a host has kept a
  connection for reuse (its first answers), a request opens its connection while it waits for
  its turn (once the turn before has begun), so it leaves on its turn instead of a handshake
  later: a late request pushes every later turn of its host back (the interval is kept from
  when a request left). The handshake is not a request. Measured inside the run on the
  benchmark (``bench/bench_linkcheck.py``, ``--no-archive``, two busy cores, four runs each
  way): a host's last request left a median of 40 ms behind its 50 ms grid before, 25 ms
  after; from a turn to its request leaving, 0.4 to 0.6 ms on average before, 0.2 to 0.3 ms
  after. Opening ahead for every turn that found no idle connection opened 87 to 99
  connections instead of 60; opening ahead only until the host keeps one, 60, as before.
- Retries with exponential backoff for 5xx, 429, timeouts and resets (never for other 4xx,
  nor for a bot challenge: one marked by a header of :data:`CHALLENGE_HEADERS`, whatever its
  status, answers the same way each time and is no rate limit);
  ``Retry-After`` in seconds or as an HTTP date is honoured and delays the whole host. A wait
  longer than ``max_retry_after`` or than the URL's remaining deadline gives up at once.
- Deadlines: connect and read timeouts per operation, ``request_deadline`` per request and
  ``url_deadline`` per URL (the time spent queueing for a polite slot is not counted).
- gzip, deflate and (with the ``brotli`` package) br bodies are inflated with a bound on the
  output (no decompression bombs); chunked and close-delimited bodies obey the same caps as
  others: a chunk that announces a gigabyte is read in pieces and cut at the cap.
- Transport details real servers need: header lines ending in a bare LF, header blocks up to
  ``max_header_bytes`` (256 KiB), a ``Location`` in raw UTF-8 (Latin-1 when it is not UTF-8),
  a first byte that comes late (the status line may take until the request deadline; later
  reads get ``read_timeout`` each), cookies set along a redirect chain (a 302 to itself that
  sets a cookie is a session check, not a loop), a 429 without ``Retry-After`` slows the
  whole host down (its interval doubles, up to ``MAX_HOST_INTERVAL``), a ``Content-Length``
  sent twice with one value (RFC 9110, section 8.6; differing values are refused), and a body
  that the server ends early with an orderly close: browsers show such a page as far as it
  came, so it is read that far (``Response.cut_short`` says so, the connection is not kept);
  a reset, or a close before any byte of the body, stays an error.
- Our ACKs are not delayed (``TCP_QUICKACK`` after each request, on Linux): a server that
  writes its head and its body in two sends with Nagle's algorithm on (Python's http.server,
  among others) sends the body only once the head is acknowledged, and a delayed ACK (40 ms
  on Linux, on a kept connection) held a third of the benchmark's answers that long, the
  last one included (``bench/bench_linkcheck.py``, median of 3: 2.81 s before, 2.73 s after;
  from the last answer to the end of the run, about 60 ms before and 20 ms after).
- TLS failures say what failed (expired, self-signed, wrong host, incomplete chain); the
  classifier never calls them ``broken`` (see :mod:`.classify`).
- Connections are kept alive and reused for the next request to the same scheme, host and
  port, but only when the answer was read to its end (a body cut at ``max_body`` closes the
  connection) and only to an address that the address policy has just approved for the new
  request: every request resolves and checks its host first, a reused connection merely skips
  the handshake. A reused connection that the server closed meanwhile (it died before any
  byte of the answer) or whose answer is malformed is replaced by a fresh one, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import socket
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from urllib.parse import quote, urljoin, urlsplit

from tools.errors import AtlasError
from tools.linkcheck.safety import AddressRefused, ResolveFailed, Resolver, normalize_host
from tools.linkcheck.settings import Settings
from tools.linkcheck.text import clean

if TYPE_CHECKING:
    from http.cookiejar import CookieJar

try:
    import brotli  # optional: without it, br is not offered to servers
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

_T = TypeVar("_T")
REDIRECT_CODES = (301, 302, 303, 307, 308)
# Response headers that bot-protection services set only on a challenge, whatever its status
# (Cloudflare: 403 or 503; Vercel's Security Checkpoint: 429; AWS WAF: 202 or 405), with the
# vendor and the values that mean a challenge (None: any value).
CHALLENGE_HEADERS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "cf-mitigated": ("Cloudflare", ("challenge",)),
    "x-vercel-mitigated": ("Vercel", ("challenge",)),
    "x-amzn-waf-action": ("AWS WAF", ("challenge", "captcha")),
    "x-dd-b": ("DataDome", None),
}
PERMANENT_CODES = (301, 308)
_NOT_PAGES = (
    ".pdf", ".zip", ".gz", ".tgz", ".tar", ".7z", ".png", ".jpg", ".jpeg", ".gif", ".webp",
    ".svg", ".mp4", ".webm", ".mp3", ".wav", ".ppt", ".pptx", ".doc", ".docx", ".xls", ".xlsx",
    ".ipynb", ".bin", ".pt", ".pth", ".onnx", ".h5", ".npz", ".csv", ".parquet",
)  # fmt: skip
TIMER_SLACK = 0.002  # how late the loop's timers wake: see _Gate
MAX_HOST_INTERVAL = 5.0  # the slowest a bare 429 makes a host's pace (seconds between requests)
HAPPY_EYEBALLS_DELAY = 0.25  # RFC 8305's recommended head start for the first address family
MAX_COOKIES = 50  # Set-Cookie values kept per hop; more is a broken or hostile server
_TLS_PROBLEMS = {
    9: ("not-yet-valid", "the certificate is not valid yet"),
    10: ("expired", "the certificate has expired"),
    18: ("self-signed", "the certificate is self-signed"),
    19: ("self-signed", "the chain ends in a self-signed root that nobody trusts"),
    20: ("incomplete-chain", "incomplete chain: an intermediate certificate is missing"),
    21: ("incomplete-chain", "incomplete chain: an intermediate certificate is missing"),
    62: ("wrong-host", "the certificate is for another host name"),
    64: ("wrong-host", "the certificate is for another host address"),
}
_TRAILER_WAIT = 1.0  # seconds to wait for the end of a chunked body after its last chunk
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


class FetchError(AtlasError):
    """A request that got no HTTP answer.

    ``kind`` is one of: ``blocked``, ``dns``, ``connect``, ``tls``, ``timeout``, ``deadline``,
    ``reset``, ``protocol``, ``loop``, ``too-many-redirects``, ``bad-url``.
    """

    RETRYABLE = ("timeout", "reset", "connect")

    def __init__(self, kind: str, url: str, detail: str, tls_problem: str | None = None):
        self.kind = kind
        self.url = url
        self.detail = clean(detail)
        self.tls_problem = tls_problem  # for kind "tls": expired, self-signed, wrong-host ...
        super().__init__(f"{url}: {self.detail}")

    @property
    def retryable(self) -> bool:
        return self.kind in self.RETRYABLE


@dataclass(frozen=True)
class Target:
    """A URL ready to be requested: ASCII host, explicit port, encoded path, no fragment."""

    scheme: str
    host: str
    port: int
    path: str

    @property
    def url(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if self.port == default else f":{self.port}"
        return f"{self.scheme}://{host}{port}{self.path}"

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


@functools.lru_cache(maxsize=4096)
def prepare(url: str) -> Target:
    """Parse and normalise a URL: IDNA host, percent-encoded path and query, fragment dropped.

    Cached (a ``Target`` is immutable): a URL is prepared three times on its way through a
    check (its request, the probe's bookkeeping, its verdict), 13 us each time.

    Raises:
        FetchError: (kind ``bad-url``) for anything that is not a usable http(s) URL.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError("bad-url", url, f"not a valid URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("bad-url", url, f"scheme {scheme or '(none)'!r} is not http or https")
    if not parts.hostname:
        raise FetchError("bad-url", url, "no host")
    try:
        host = normalize_host(parts.hostname)
    except AtlasError as exc:
        raise FetchError("bad-url", url, str(exc)) from exc
    host = host.strip("[]")
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_QUERY_SAFE)
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def is_file_path(url: str) -> bool:
    """Whether a URL's path names a file that is not a web page (HEAD is enough for it)."""
    path = urlsplit(url).path.lower()
    return path.endswith(_NOT_PAGES)


@dataclass
class Response:
    """One HTTP answer (one hop), with at most ``max_body`` bytes of its decoded body."""

    url: str
    method: str
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes = b""
    truncated: bool = False
    address: str = ""
    elapsed_ms: int = 0
    cookies: tuple[str, ...] = ()  # the raw Set-Cookie values
    cut_short: str = ""  # how the body fell short of its framing (the server closed early)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def challenged_by(self) -> str | None:
        """The bot-protection service whose headers say it answered with a challenge, if any."""
        for name, (vendor, values) in CHALLENGE_HEADERS.items():
            value = self.header(name)
            if value is not None and (values is None or value.strip().lower() in values):
                return vendor
        return None

    @property
    def challenged(self) -> bool:
        """Whether a bot-protection service answered with a challenge instead of the page."""
        return self.challenged_by is not None

    @property
    def location(self) -> str | None:
        loc = self.header("location")
        return urljoin(self.url, loc.strip()).split("#", 1)[0] if loc else None

    @property
    def is_html(self) -> bool:
        ctype = (self.header("content-type") or "text/html").lower()
        return "html" in ctype or ctype.startswith("text/plain") or "xml" in ctype


@dataclass
class Chain:
    """A request and the redirects it led to; ``error`` set when the last hop got no answer."""

    hops: list[Response] = field(default_factory=list)
    error: FetchError | None = None
    requested: str = ""

    @property
    def final(self) -> Response | None:
        return self.hops[-1] if self.hops and self.error is None else None

    @property
    def final_url(self) -> str:
        if self.error is not None:
            return self.error.url
        return self.hops[-1].url if self.hops else self.requested

    @property
    def elapsed_ms(self) -> int:
        return sum(h.elapsed_ms for h in self.hops)


class Deadline:
    """A time budget that starts when first used."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._end: float | None = None

    def start(self) -> None:
        if self._end is None:
            self._end = time.monotonic() + self.seconds

    def remaining(self) -> float:
        if self._end is None:
            return self.seconds
        return self._end - time.monotonic()


class _Gate:
    """Concurrency and minimum interval for one host.

    Start times are booked on a fixed grid (the first request at once, then one every
    ``interval``), so the work done between requests does not add to the spacing. The grid is
    the plan; what the server sees is when a request leaves (:meth:`sent`, after a new
    connection's handshake, say): a turn never starts less than ``interval`` after the previous
    request left, so one that left late pushes the later turns back instead of arriving close
    behind. "Less than" is up to the precision of the loop's timers (``TIMER_SLACK``, 2 ms: 48
    ms between two requests at the default 50 ms; on average the grid's 50). The timers wake
    late every time (epoll sleeps in whole milliseconds, rounded up), and the slack must exceed
    how late they are on average, or every late turn pushes the grid back for good. Measured
    on this project's 2-core machine: an idle loop's timers woke 0.75 ms late at the median,
    1.3 ms at the 90th percentile and 2.15 ms at the 99th (1,500 sleeps); in the benchmark's
    run, 0.9 to 1.1 ms late on average. With a slack of 1 ms a host's turns drifted 0.15 ms
    each on average behind the grid (7 to 12 ms by its 50th request); the benchmark took 2.62
    to 2.64 s with 1 ms and 2.60 to 2.61 s with 2 ms (medians of 3, three pairs of runs,
    alternating).

    Turns are taken in the order they were booked, each once the one before has begun. Before,
    every booked turn slept until its own grid time; on a host running late each of them woke,
    found the previous request too recent and slept again, turn after turn: 7,200 timers for
    the benchmark's 1,116 requests (1,000 now) and turns taken out of order.

    Slots go first come, first served, except that once the host has answered 404 or 410 for
    a path, the queued requests in that path's folder go first: a site that dropped or moved a
    section fails a whole folder, and checking those links early starts their archive
    look-ups early, while the rest of the host is still being checked. The order is all that
    changes: the same requests, at the same pace. An urgent request (the soft-404 probe, see
    :mod:`.soft404`) goes before all of them, and its own 404 moves no folder forward.
    """

    def __init__(
        self,
        concurrency: int,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ):
        self.clock = clock  # injected in tests, with ``sleep``, to run schedules without waiting
        self.sleep = sleep
        self.free = concurrency
        # (arrival, folder, wake); an urgent request's arrival is negative
        self.waiting: list[tuple[int, str, asyncio.Future[None]]] = []
        self.arrivals = 0
        self.failed_folders: set[str] = set()
        self.interval = interval
        self.next_at = 0.0
        self.last_start = float("-inf")
        self.slowed_at = float("-inf")
        self._turn: asyncio.Future[None] | None = None  # the latest turn booked

    @contextlib.asynccontextmanager
    async def slot(self, folder: str = "", urgent: bool = False) -> AsyncIterator[None]:
        """One of the host's ``concurrency`` slots, for a request to a path in ``folder``.

        An ``urgent`` request (the sibling probe, which every page of its host waits for)
        gets the next slot that frees up, before the requests queued earlier.
        """
        await self._acquire(folder, urgent)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, folder: str, urgent: bool = False) -> None:
        if self.free > 0 and not self.waiting:
            self.free -= 1
            return
        self.arrivals += 1
        order = -self.arrivals if urgent else self.arrivals
        entry = (order, folder, asyncio.get_running_loop().create_future())
        self.waiting.append(entry)
        try:
            await entry[2]
        except asyncio.CancelledError:
            if entry[2].done() and not entry[2].cancelled():
                self._release()  # handed the slot just as it was cancelled: pass it on
            else:
                self.waiting.remove(entry)
            raise

    def _release(self) -> None:
        """Hand the slot to the next waiter: first those in a folder that already failed."""
        if not self.waiting:
            self.free += 1
            return
        entry = min(
            self.waiting, key=lambda e: (e[0] > 0, e[1] not in self.failed_folders, abs(e[0]))
        )
        self.waiting.remove(entry)
        entry[2].set_result(None)

    def failed(self, path: str) -> None:
        """Record a 404 or 410 for ``path``: its folder's other URLs are checked next."""
        self.failed_folders.add(folder_of(path))

    async def wait_turn(self, ahead: Callable[[], object] | None = None) -> None:
        """Wait for this request's turn; ``ahead`` is called once the turn before has begun.

        ``ahead`` prepares what the request needs (a new connection) while it waits, so that
        it leaves when its turn comes, not a handshake later.
        """
        now = self.clock()
        slot = max(now, self.next_at)
        self.next_at = slot + self.interval
        before, mine = self._turn, asyncio.get_running_loop().create_future()
        self._turn = mine
        try:
            if before is not None and not before.done():
                # Turns are taken in the order they were booked, each once the one before has
                # begun: when the host runs late, only the next turn sleeps, not every turn
                # whose grid time has passed (each would wake and sleep again, every turn).
                await asyncio.shield(before)
                now = self.clock()
            if ahead is not None:
                ahead()
            while True:
                slot = max(slot, self.last_start + self.interval - TIMER_SLACK)
                if slot <= now:
                    break
                await self.sleep(slot - now)
                now = self.clock()
            self.last_start = now
        finally:
            if not mine.done():
                mine.set_result(None)

    def sent(self) -> None:
        """Record that the request of the current turn has left (its bytes are written)."""
        self.last_start = max(self.last_start, self.clock())

    def push_back(self, seconds: float) -> None:
        self.next_at = max(self.next_at, self.clock() + seconds)

    def slow_down(self) -> float:
        """Double the host's interval (at least 0.25 s, at most ``MAX_HOST_INTERVAL``).

        The refusals of one burst count once: the pace doubles at most once per interval.
        """
        now = self.clock()
        if now - self.slowed_at >= self.interval:
            self.interval = min(MAX_HOST_INTERVAL, max(0.25, self.interval * 2))
            self.slowed_at = now
        return self.interval


def folder_of(path: str) -> str:
    """The folder part of a request path: ``/a/b/c?q`` is ``/a/b/``."""
    return path.split("?", 1)[0].rpartition("/")[0] + "/"


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    import email.utils  # 2 to 6 ms of imports, for the rare server that sends a date

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class _Conn:
    """An open connection, to ``address`` (one the address policy approved when it opened)."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    address: str
    used: bool = False  # an early connection taken by its request

    def usable(self) -> bool:
        return not self.writer.transport.is_closing() and not self.reader.at_eof()

    def close(self) -> None:
        self.writer.transport.abort()


class Client:
    """The tracker's HTTP client. Create it inside a running event loop; :meth:`close` it.

    Args:
        settings: politeness, deadlines and limits.
        resolver: the address policy (a fresh one from ``settings`` when omitted).
    """

    def __init__(
        self,
        settings: Settings,
        resolver: Resolver | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ):
        self.settings = settings
        self._clock = clock  # the schedule's clock and sleep: injected in tests
        self._sleep = sleep
        self.resolver = resolver or Resolver(settings.allow_private, settings.allow_addresses)
        self.trusted_resolver = Resolver(allow_private=True)
        self._gates: dict[tuple[str, int], _Gate] = {}
        self._global = asyncio.Semaphore(settings.max_concurrency)
        self._ssl: ssl.SSLContext | None = None
        self._idle: dict[tuple[str, str, int], list[_Conn]] = {}
        self.requests_sent = 0
        self.connections_opened = 0
        self.on_sent: Callable[[int], object] | None = None  # after each request has left

    def close(self) -> None:
        """Close the connections kept for reuse."""
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        self._idle.clear()

    def release(self, url: str) -> None:
        """Close the connections kept for ``url``'s host: the run needs it no more.

        A request to it later (a redirect from another host) opens a new one.
        """
        try:
            t = prepare(url)
        except FetchError:
            return
        for conn in self._idle.pop((t.scheme, t.host, t.port), ()):
            conn.close()

    def ssl_context(self) -> ssl.SSLContext:
        """The TLS context, created on first use (loading the CA store costs startup time)."""
        if self._ssl is None:
            self._ssl = ssl.create_default_context()
            if self.settings.ca_file:
                self._ssl.load_verify_locations(cafile=self.settings.ca_file)
        return self._ssl

    def set_pace(self, url: str, concurrency: int, interval: float) -> None:
        """Give ``url``'s host its own pace (the archive: one host asked about many)."""
        try:
            t = prepare(url)
        except FetchError:
            return
        self._gates[(t.host, t.port)] = _Gate(concurrency, interval, self._clock, self._sleep)

    def _gate(self, t: Target) -> _Gate:
        key = (t.host, t.port)
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = _Gate(
                self.settings.host_concurrency,
                self.settings.host_interval,
                self._clock,
                self._sleep,
            )
        return gate

    async def follow(
        self,
        url: str,
        method: str = "GET",
        deadline: Deadline | None = None,
        trusted: bool = False,
        probe: bool = False,
    ) -> Chain:
        """Request ``url`` and follow its redirects (at most ``max_redirects``, loops detected).

        Never raises for network trouble: the chain's ``error`` says what went wrong.
        ``probe``: a made-up URL (the soft-404 probe, which pages wait for), sent when a page
        of its host has just been read and needs it for its verdict. Like a same-host
        redirect, it goes at once, inside the turn of the URL that needs it (it takes the
        host's next free slot, before the requests queued earlier, but no turn of its own;
        a retry waits for a turn), and its 404 says nothing about its folder (see
        :class:`_Gate` and :mod:`.soft404`).
        """
        deadline = deadline or Deadline(self.settings.url_deadline)
        chain = Chain(requested=url)
        try:
            target = prepare(url)
        except FetchError as exc:
            chain.error = exc
            return chain
        jar = _Cookies()
        seen = {(target.url, "")}
        first = not probe  # the probe rides in the turn of the page that needs it
        while True:
            gate = self._gate(target)
            async with gate.slot(folder_of(target.path), urgent=probe):
                while True:
                    try:
                        resp = await self._with_retries(
                            target, method, deadline, trusted, gate, first, jar.header(target.url)
                        )
                    except FetchError as exc:
                        chain.error = exc
                        return chain
                    first = False
                    chain.hops.append(resp)
                    if resp.status in (404, 410) and not probe:
                        gate.failed(target.path)
                    jar.update(target.url, resp.cookies)
                    nxt = resp.location if resp.status in REDIRECT_CODES else None
                    if nxt is None:
                        return chain
                    if len(chain.hops) > self.settings.max_redirects:
                        chain.error = FetchError(
                            "too-many-redirects",
                            nxt,
                            f"more than {self.settings.max_redirects} redirects",
                        )
                        return chain
                    try:
                        new = prepare(nxt)
                    except FetchError as exc:
                        chain.error = exc
                        return chain
                    # Back to a URL with the same cookies is a loop; with new ones (a session
                    # or consent check that sets a cookie and redirects to itself) it is not.
                    key = (new.url, jar.header(new.url) or "")
                    if key in seen:
                        chain.error = FetchError("loop", nxt, f"redirect loop back to {new.url}")
                        return chain
                    seen.add(key)
                    if resp.status == 303:
                        method = "GET"
                    same_host = (new.host, new.port) == (target.host, target.port)
                    target = new
                    if not same_host:
                        first = True  # another host: leave this slot, queue politely there
                        break

    async def request(
        self, url: str, method: str = "GET", deadline: Deadline | None = None, trusted: bool = False
    ) -> Response:
        """One request (no redirects followed), polite and retried.

        Raises:
            FetchError: when no HTTP answer came back.
        """
        target = prepare(url)
        gate = self._gate(target)
        deadline = deadline or Deadline(self.settings.url_deadline)
        async with gate.slot():
            return await self._with_retries(target, method, deadline, trusted, gate)

    async def _with_retries(
        self,
        target: Target,
        method: str,
        deadline: Deadline,
        trusted: bool,
        gate: _Gate,
        wait_turn: bool = True,
        cookie: str | None = None,
    ) -> Response:
        s = self.settings
        attempt = 0
        while True:
            turn = wait_turn or attempt > 0  # a same-host redirect hop runs in its URL's turn
            early: list[asyncio.Task[_Conn]] = []  # a connection opened while waiting
            try:
                if turn:
                    ahead = functools.partial(self._open_ahead, target, trusted, early)
                    await gate.wait_turn(ahead)
                deadline.start()
                async with self._global:
                    resp = await self._once(
                        target,
                        method,
                        deadline,
                        trusted,
                        gate if turn else None,
                        cookie,
                        early[0] if early else None,
                    )
            except FetchError as exc:
                if not exc.retryable or attempt >= s.max_retries:
                    raise
                wait = s.retry_backoff * (2**attempt)
                if wait >= deadline.remaining():
                    raise
                attempt += 1
                await self._sleep(wait)
                continue
            finally:
                if early:  # even when cancelled while waiting: never a connection left open
                    self._settle(target, early[0])
            # A bot challenge (Cloudflare's, Vercel's 429 checkpoint) answers the same way each
            # time: it is not a rate limit, so it is neither retried nor slows the host down.
            retryable = not resp.challenged and (
                resp.status == 429 or (resp.status >= 500 and resp.status not in (501, 505))
            )
            if not retryable or attempt >= s.max_retries:
                return resp
            asked = retry_after(resp.header("retry-after"))
            wait = asked if asked is not None else s.retry_backoff * (2**attempt)
            if resp.status == 429 and asked is None:
                # A bare 429: the host wants fewer requests, not the same pace a bit later.
                wait = max(wait, gate.slow_down())
            if wait > s.max_retry_after or wait >= deadline.remaining():
                resp.reason = f"{resp.reason} (Retry-After {wait:.0f} s is longer than we wait)"
                return resp
            if asked is not None or resp.status == 429:
                gate.push_back(wait)
            attempt += 1
            await self._sleep(wait)

    async def _once(
        self,
        t: Target,
        method: str,
        deadline: Deadline,
        trusted: bool,
        turn: _Gate | None = None,
        cookie: str | None = None,
        early: asyncio.Task[_Conn] | None = None,
    ) -> Response:
        s = self.settings
        budget = min(s.request_deadline, deadline.remaining())
        if budget <= 0:
            raise FetchError(
                "deadline", t.url, f"gave up: the {s.url_deadline:.0f} s deadline passed"
            )
        addresses = await self._resolve(t, trusted)
        started = time.monotonic()
        try:
            async with asyncio.timeout(budget):
                resp = await self._exchange(t, method, addresses, turn, cookie, early)
        except TimeoutError as exc:
            raise FetchError(
                "timeout", t.url, f"no complete answer within {budget:.1f} s (request deadline)"
            ) from exc
        resp.elapsed_ms = int((time.monotonic() - started) * 1000)
        return resp

    async def _resolve(self, t: Target, trusted: bool) -> list[str]:
        resolver = self.trusted_resolver if trusted else self.resolver
        try:
            return await resolver.resolve(t.host, t.port)
        except AddressRefused as exc:
            raise FetchError("blocked", t.url, str(exc)) from exc
        except ResolveFailed as exc:
            raise FetchError("dns", t.url, str(exc)) from exc

    def _open_ahead(self, t: Target, trusted: bool, into: list[asyncio.Task[_Conn]]) -> None:
        """Open a connection for a request waiting for its turn, until the host keeps one.

        Once a connection to the host has been kept, answers bring connections back about as
        fast as turns come, and opening more ahead would only multiply them.
        """
        if (t.scheme, t.host, t.port) not in self._idle:
            into.append(asyncio.ensure_future(self._open(t, trusted)))

    async def _open(self, t: Target, trusted: bool) -> _Conn:
        return await self._connect(t, await self._resolve(t, trusted))

    def _settle(self, t: Target, early: asyncio.Task[_Conn]) -> None:
        """An early connection that its request did not use: kept for the next, or closed."""
        if not early.done():
            early.cancel()  # (a cancelled connect closes its socket)
        elif not early.cancelled() and early.exception() is None:
            conn = early.result()
            if not conn.used:
                conn.used = True
                self._keep(t, conn)  # closed there when it cannot be kept

    async def _connect(self, t: Target, addresses: list[str]) -> _Conn:
        """Connect to one of the checked ``addresses`` (Happy Eyeballs), then TLS if https."""
        s = self.settings
        if s.proxy:
            return await self._connect_via_proxy(t, addresses)
        infos = [
            (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, t.port, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, t.port))
            for a in addresses
        ]
        addr = addresses[0]
        try:
            async with asyncio.timeout(s.connect_timeout):  # no extra task, unlike wait_for
                if len(infos) == 1:  # nothing to race (a literal address, one A record)
                    sock = await _connect_one(infos[0])
                else:
                    import aiohappyeyeballs  # 50 ms of imports, paid only when there is a race

                    sock = await aiohappyeyeballs.start_connection(
                        infos, happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY, interleave=1
                    )
                addr = str(sock.getpeername()[0])
                reader, writer = await asyncio.open_connection(
                    sock=sock,
                    ssl=self.ssl_context() if t.scheme == "https" else None,
                    server_hostname=t.host if t.scheme == "https" else None,
                    limit=s.max_header_bytes,
                )
        except ssl.SSLCertVerificationError as exc:
            problem, words = _TLS_PROBLEMS.get(
                exc.verify_code, ("other", exc.verify_message or str(exc))
            )
            raise FetchError(
                "tls", t.url, f"TLS certificate refused ({addr}): {words}", problem
            ) from exc
        except ssl.SSLError as exc:
            raise FetchError(
                "tls", t.url, f"TLS handshake failed with {addr}: {exc.reason or exc}", "handshake"
            ) from exc
        except TimeoutError as exc:
            raise FetchError(
                "timeout", t.url, f"connect timed out after {s.connect_timeout} s"
            ) from exc
        except OSError as exc:
            raise FetchError("connect", t.url, f"connection refused or unreachable: {exc}") from exc
        self.connections_opened += 1
        return _Conn(reader, writer, addr)

    async def _connect_via_proxy(self, t: Target, addresses: list[str]) -> _Conn:
        """A tunnel through ``settings.proxy`` (HTTP CONNECT, by name), then TLS if https.

        The address policy was applied to our own resolution of the name (``addresses``); the
        proxy resolves the name again and may reach another address: the run warns once.
        """
        s = self.settings
        proxy = urlsplit(s.proxy or "")
        authority = f"[{t.host}]:{t.port}" if ":" in t.host else f"{t.host}:{t.port}"
        try:
            async with asyncio.timeout(s.connect_timeout):
                reader, writer = await asyncio.open_connection(
                    proxy.hostname, proxy.port or 8080, limit=s.max_header_bytes
                )
                writer.write(
                    f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n"
                    f"User-Agent: {s.user_agent}\r\n\r\n".encode("ascii")
                )
                _, status, reason, _, _ = await self._read_head(reader, t)
                if status != 200:
                    writer.transport.abort()
                    raise FetchError(
                        "connect", t.url, f"the proxy refused the tunnel: HTTP {status} {reason}"
                    )
                if t.scheme == "https":
                    await writer.start_tls(self.ssl_context(), server_hostname=t.host)
        except ssl.SSLCertVerificationError as exc:
            problem, words = _TLS_PROBLEMS.get(
                exc.verify_code, ("other", exc.verify_message or str(exc))
            )
            raise FetchError("tls", t.url, f"TLS certificate refused: {words}", problem) from exc
        except (TimeoutError, OSError, _Stale) as exc:
            raise FetchError("connect", t.url, f"the proxy {s.proxy} failed: {exc!r}") from exc
        self.connections_opened += 1
        return _Conn(reader, writer, addresses[0])

    def _reusable(self, t: Target, addresses: list[str]) -> _Conn | None:
        pool = self._idle.get((t.scheme, t.host, t.port))
        while pool:
            conn = pool.pop()
            if conn.address in addresses and conn.usable():
                return conn
            conn.close()
        return None

    def _keep(self, t: Target, conn: _Conn) -> None:
        pool = self._idle.setdefault((t.scheme, t.host, t.port), [])
        if len(pool) < self.settings.host_concurrency and conn.usable():
            pool.append(conn)
        else:
            conn.close()

    async def _exchange(
        self,
        t: Target,
        method: str,
        addresses: list[str],
        turn: _Gate | None = None,
        cookie: str | None = None,
        early: asyncio.Task[_Conn] | None = None,
    ) -> Response:
        conn = self._reusable(t, addresses)
        if conn is not None:
            try:
                return await self._exchange_on(conn, t, method, turn, cookie)
            except _Stale:
                pass  # the server closed it while it was idle: a fresh connection, once
            except FetchError as exc:
                if exc.kind != "protocol":
                    raise
                # Bytes left over from the previous answer (a server that sent more than it
                # announced) garble this one: a fresh connection tells which answer is wrong.
        conn = await self._fresh(t, addresses, early)
        try:
            return await self._exchange_on(conn, t, method, turn, cookie)
        except _Stale as exc:
            raise FetchError("reset", t.url, exc.detail) from exc

    async def _fresh(
        self, t: Target, addresses: list[str], early: asyncio.Task[_Conn] | None
    ) -> _Conn:
        """A new connection: the one opened while waiting for the turn, when there is one."""
        if early is not None:
            conn = await early  # its failure is this request's failure
            conn.used = True
            if conn.address in addresses:
                return conn
            conn.close()  # the name resolves elsewhere now: connect to what was just checked
        return await self._connect(t, addresses)

    async def _exchange_on(
        self,
        conn: _Conn,
        t: Target,
        method: str,
        turn: _Gate | None = None,
        cookie: str | None = None,
    ) -> Response:
        s = self.settings
        reader, writer = conn.reader, conn.writer
        self.requests_sent += 1
        keep = answered = False
        try:
            head = (
                f"{method} {t.path} HTTP/1.1\r\nHost: {t.host_header}\r\n"
                f"User-Agent: {s.user_agent}\r\n"
                "Accept: text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8\r\n"
                f"Accept-Language: ja,en;q=0.8\r\nAccept-Encoding: {_ACCEPT_ENCODING}\r\n"
                + (f"Cookie: {cookie}\r\n" if cookie else "")
                + "\r\n"
            )
            writer.write(head.encode("ascii"))
            await writer.drain()
            _quick_ack(writer)
            if turn is not None:
                turn.sent()
            if self.on_sent is not None:
                self.on_sent(self.requests_sent)
            version, status, reason, headers, cookies = await self._read_head(reader, t, True)
            answered = True
            while 100 <= status < 200:
                version, status, reason, headers, cookies = await self._read_head(reader, t)
            resp = Response(
                t.url, method, status, reason, headers, address=conn.address, cookies=cookies
            )
            complete = method == "HEAD" or status in (204, 304)
            if not complete and _wants_body(headers):
                body = await self._read_body(reader, headers, t)
                resp.body, resp.truncated = body.data, body.truncated
                resp.cut_short = body.cut_short
                complete = body.complete
            elif not complete:
                complete = not _chunked(headers) and _content_length(headers, t) == 0
            keep = (
                complete
                and version == "HTTP/1.1"
                and "close" not in headers.get("connection", "").lower()
            )
            return resp
        except _Stale as exc:
            if answered:
                raise FetchError("reset", t.url, exc.detail) from exc
            raise
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            if not answered:
                raise _Stale(f"connection dropped: {exc!r}") from exc
            raise FetchError("reset", t.url, f"connection dropped: {exc!r}") from exc
        except (ValueError, asyncio.LimitOverrunError) as exc:
            raise FetchError("protocol", t.url, f"malformed answer: {exc}") from exc
        finally:
            if keep:
                self._keep(t, conn)
            else:
                conn.close()

    async def _read(self, coro: Awaitable[_T], t: Target) -> _T:
        try:
            async with asyncio.timeout(self.settings.read_timeout):  # no task, unlike wait_for
                return await coro
        except TimeoutError as exc:
            raise FetchError(
                "timeout", t.url, f"read timed out after {self.settings.read_timeout} s"
            ) from exc

    async def _read_head(
        self, reader: asyncio.StreamReader, t: Target, first: bool = False
    ) -> tuple[str, int, str, dict[str, str], tuple[str, ...]]:
        """Status line and header fields, lines ending in CRLF or a bare LF.

        The first answer's status line may take until the request deadline (a slow server
        that thinks before its first byte); the rest of the head then gets ``read_timeout``,
        one timer for all its lines: a timer for each line cost 30 to 35 us more for a head of
        six lines (2,000 heads read side by side), about 40 ms of CPU on the benchmark's
        1,116 answers.
        """
        raw: list[bytes] = []
        if not (first and await self._head_lines(reader, t, raw, status_only=True)):
            await self._read(self._head_lines(reader, t, raw), t)
        lines = [_decode_header(b.rstrip(b"\r\n")) for b in raw]
        parts = lines[0].split(" ", 2)
        if (
            len(parts) < 2
            or not parts[0].startswith("HTTP/")
            or not (parts[1].isascii() and parts[1].isdigit())
        ):
            raise FetchError("protocol", t.url, f"not an HTTP status line: {lines[0][:80]!r}")
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for field_line in lines[1:]:
            name, sep, value = field_line.partition(":")
            if not sep:
                continue
            key = name.strip().lower()
            value = value.strip()
            if key == "set-cookie":
                if len(cookies) < MAX_COOKIES:
                    cookies.append(value)
                continue
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        reason = clean(parts[2], 200) if len(parts) > 2 else ""
        return parts[0], int(parts[1]), reason, headers, tuple(cookies)

    async def _head_lines(
        self, reader: asyncio.StreamReader, t: Target, raw: list[bytes], status_only: bool = False
    ) -> bool:
        """Read head lines into ``raw``: True once the blank line that ends the head is read.

        Stops early (False) at the end of the stream, or with ``status_only`` after the status
        line.
        """
        limit = self.settings.max_header_bytes
        size = sum(len(line) for line in raw)
        while True:
            try:
                line = await reader.readline()
            except ValueError as exc:  # a line longer than the stream's limit
                raise FetchError(
                    "protocol", t.url, f"a header line over {limit // 1024} KiB"
                ) from exc
            if not line:
                if not raw:
                    raise _Stale("connection closed before any answer")
                return False  # a server that closes right after its headers
            size += len(line)
            if size > limit:
                raise FetchError("protocol", t.url, f"headers larger than {limit // 1024} KiB")
            if line in (b"\r\n", b"\n"):
                if raw:
                    return True
                continue  # stray blank lines before the status line
            raw.append(line)
            if status_only:
                return False

    async def _read_body(
        self, reader: asyncio.StreamReader, headers: dict[str, str], t: Target
    ) -> _Body:
        """At most ``max_body`` decoded bytes of the body, and how its read ended."""
        limit = self.settings.max_body
        encoding = headers.get("content-encoding", "").strip().lower()
        inflater: Any = None  # zlib's, _Deflate or _Brotli: decompress(data, max_length)
        if encoding in ("gzip", "x-gzip"):
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            inflater = _Deflate()
        elif encoding == "br" and brotli is not None:
            inflater = _Brotli()
        out = bytearray()
        truncated = False
        end = _End()
        async for chunk in self._raw_chunks(reader, headers, t, end):
            if inflater is not None:
                try:
                    chunk = inflater.decompress(chunk, limit - len(out) + 1)
                except (zlib.error, _BrotliError) as exc:
                    raise FetchError("protocol", t.url, f"bad {encoding} body: {exc}") from exc
            out += chunk
            if len(out) > limit:
                truncated = True
                break
        return _Body(bytes(out[:limit]), truncated, end.complete and not truncated, end.cut_short)

    async def _raw_chunks(
        self, reader: asyncio.StreamReader, headers: dict[str, str], t: Target, end: _End
    ) -> AsyncIterator[bytes]:
        """The raw body in pieces; ``end`` says whether its framing says it is complete.

        A body that the server ends with an orderly close (FIN) before its framing's end, after
        at least one byte, ends here with ``end.cut_short`` saying so: browsers show such a
        page as far as it came. A close before any byte of the body, or a reset (an error
        from the socket, not an end of stream), is an error, retried like any reset.
        """
        cap = self.settings.max_body * 4  # raw bytes read at most, even when they inflate to little
        got = 0

        def closed(detail: str) -> None:
            if not got:
                raise FetchError("reset", t.url, f"body cut short: {detail}")
            end.cut_short = f"body cut short after {got} bytes: {detail}"

        if _chunked(headers):
            while got < cap:
                size_line = await self._read(reader.readline(), t)
                if not size_line:
                    closed("the server closed the connection before the last chunk")
                    return
                try:
                    size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                except ValueError as exc:
                    raise FetchError("protocol", t.url, "a bad chunk size line") from exc
                if size == 0:
                    # Trailer fields up to the empty line that ends the message; a server that
                    # never sends that line costs a short wait and the connection, not an error.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(_TRAILER_WAIT):
                            while (await reader.readline()).strip():
                                pass
                            end.complete = True
                    return
                # A chunk is read in pieces up to the cap, whatever size it announces.
                while size > 0 and got < cap:
                    data = await self._read(reader.read(min(size, 65536, cap - got)), t)
                    if not data:
                        closed("the server closed the connection inside a chunk")
                        return
                    size -= len(data)
                    got += len(data)
                    yield data
                if size > 0:
                    return  # cut at the cap: the connection is not reused
                await self._read(reader.readline(), t)
            return
        remaining = _content_length(headers, t)
        while got < cap and (remaining is None or remaining > 0):
            want = min(65536, cap - got) if remaining is None else min(65536, remaining, cap - got)
            data = await self._read(reader.read(want), t)
            if not data:
                if remaining:
                    closed(f"the server closed the connection {remaining} bytes early")
                return
            got += len(data)
            if remaining is not None:
                remaining -= len(data)
            yield data
        end.complete = remaining == 0


@dataclass
class _End:
    """How a body's read ended, as :meth:`Client._raw_chunks` found it."""

    complete: bool = False  # read to the end its framing announced: the connection is reusable
    cut_short: str = ""  # the server closed the connection before that end


class _Body(NamedTuple):
    data: bytes  # at most max_body decoded bytes
    truncated: bool  # cut at max_body
    complete: bool  # read to the end of its framing
    cut_short: str  # why it ends before its framing's end (see _End), or ""


def _chunked(headers: dict[str, str]) -> bool:
    return "chunked" in headers.get("transfer-encoding", "").lower()


def _content_length(headers: dict[str, str], t: Target) -> int | None:
    """The body's length from ``Content-Length``: None when absent or not a number.

    Repeated fields arrive joined by commas; RFC 9110 (section 8.6) lets a list of identical
    values count as one (some servers and proxies send the field twice). Differing values
    leave the body's end unknown, and browsers refuse such an answer.

    Raises:
        FetchError: (kind ``protocol``) for differing values.
    """
    value = headers.get("content-length")
    if value is None:
        return None
    values = {v.strip() for v in value.split(",")} - {""}
    if not values:
        return None
    if all(v.isascii() and v.isdigit() for v in values):
        lengths = {int(v) for v in values}
        if len(lengths) == 1:
            return lengths.pop()
    elif len(values) == 1:
        return None  # one value that is not a number: ignored, the body ends at the close
    raise FetchError("protocol", t.url, f"conflicting Content-Length values: {clean(value, 80)}")


class _Stale(Exception):
    """The connection closed before any byte of the answer (a kept one may have timed out)."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class _Deflate:
    """HTTP "deflate" is zlib-wrapped per the RFC, raw in some servers: accept both."""

    def __init__(self) -> None:
        self._obj: zlib._Decompress | None = None

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._obj is None:
            raw = not (
                len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            )
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
        return self._obj.decompress(data, max_length)


def _wants_body(headers: dict[str, str]) -> bool:
    ctype = headers.get("content-type", "").lower()
    return (
        not ctype
        or ctype.startswith("text/")
        or "html" in ctype
        or "json" in ctype
        or "xml" in ctype
    )


_ACCEPT_ENCODING = "gzip, deflate, br" if brotli is not None else "gzip, deflate"
_BrotliError: type[Exception] = brotli.error if brotli is not None else zlib.error


class _Brotli:
    """A brotli body, inflated to at most ``max_length`` bytes per call."""

    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def decompress(self, data: bytes, max_length: int) -> bytes:
        return bytes(self._obj.process(data, output_buffer_limit=max_length))


async def _connect_one(info: tuple[Any, ...]) -> socket.socket:
    """A non-blocking TCP socket connected to one checked address."""
    family, kind, proto, _, sockaddr = info
    sock = socket.socket(family, kind, proto)
    try:
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


def _quick_ack(writer: asyncio.StreamWriter) -> None:
    """Acknowledge the answer's first segment at once (see the module docstring)."""
    sock = writer.get_extra_info("socket")
    if sock is not None and hasattr(socket, "TCP_QUICKACK"):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def _decode_header(line: bytes) -> str:
    """A header line: UTF-8 when it is (raw UTF-8 Locations are common), else Latin-1."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")


class _Cookies:
    """The cookies of one URL's redirect chain (``http.cookiejar`` semantics), then dropped."""

    def __init__(self) -> None:
        self._jar: CookieJar | None = None

    def update(self, url: str, set_cookies: tuple[str, ...]) -> None:
        if not set_cookies:
            return
        import email.message  # 15 to 35 ms of imports, for the few chains that set cookies
        import urllib.request
        from http.cookiejar import CookieJar

        if self._jar is None:
            self._jar = CookieJar()
        msg = email.message.Message()
        for value in set_cookies:
            msg["Set-Cookie"] = value
        self._jar.extract_cookies(_CookieAnswer(msg), urllib.request.Request(url))  # type: ignore[arg-type]

    def header(self, url: str) -> str | None:
        if not self._jar:
            return None
        import urllib.request  # loaded by update() by then: a jar exists

        req = urllib.request.Request(url)
        self._jar.add_cookie_header(req)
        value = req.get_header("Cookie")
        return clean(value, 8192) if value else None


@dataclass(frozen=True)
class _CookieAnswer:
    """What ``CookieJar.extract_cookies`` reads from a response: its headers."""

    msg: Any  # email.message.Message

    def info(self) -> Any:
        return self.msg
