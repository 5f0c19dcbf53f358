"""Real HTTP servers on loopback for the link tracker's tests.

Each :class:`Site` listens on its own loopback address (127.0.0.2, 127.0.0.3, ...; Linux routes
all of 127/8 to ``lo``), so the tracker sees distinct hosts. Routes answer with a :class:`Reply`
or a function of the request; every request received is recorded, so a test can assert that a
refused URL never reached the server. Test modules load it with
``pytest_plugins = ("conftest_linkcheck",)`` (for the ``sites`` fixture) and import the helpers.
PYTEST_DONT_REWRITE: it is imported before pytest registers it as a plugin.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import heapq
import itertools
import shutil
import socket
import ssl
import subprocess
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tools.linkcheck.check import check_links
from tools.linkcheck.results import Link, Result
from tools.linkcheck.settings import Settings


@dataclass
class Reply:
    """What a route answers."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line
    trickle: float | None = None  # seconds between body bytes
    encoding: str | None = None  # gzip | deflate | chunked
    drop: bool = False  # close the connection without answering


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    at: float


Route = Reply | Callable[[Seen], Reply]


def page(title: str, text: str = "", charset: str = "utf-8") -> bytes:
    """A small HTML page."""
    html = (
        f'<!doctype html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><h1>{title}</h1><p>{text}</p></body></html>"
    )
    return html.encode(charset)


NOT_FOUND = Reply(404, page("Not Found", "nothing here"), {"Content-Type": "text/html"})


class Site:
    """A threaded HTTP server on one loopback address, with routes and a request log.

    ``connection`` says what happens after an answer: ``close`` (announced with a
    ``Connection: close`` header), ``keep-alive`` (the connection stays open for the next
    request), or ``silent-close`` (closed without announcing it, like a server whose idle
    timeout ends a kept connection). ``connections`` counts the connections accepted,
    ``accepted`` says when, ``ended`` when each one ended (either side closed it).
    """

    def __init__(self, host: str, tls: tuple[str, str] | None = None):
        self.host = host
        self.scheme = "https" if tls else "http"
        self.routes: dict[str, Route] = {}
        self.default: Route = NOT_FOUND
        self.requests: list[Seen] = []
        self.connection = "close"
        self.connections = 0
        self.accepted: list[float] = []  # when each connection was accepted (monotonic)
        self.ended: list[float] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                with site._lock:
                    site.connections += 1
                    site.accepted.append(time.monotonic())

            def finish(self) -> None:
                super().finish()
                with site._lock:
                    site.ended.append(time.monotonic())

            def _serve(self) -> None:
                seen = Seen(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    time.monotonic(),
                )
                with site._lock:
                    site.requests.append(seen)
                    site.active += 1
                    site.max_active = max(site.max_active, site.active)
                done = [False]

                def finished() -> None:  # before the answer leaves: the client may send the
                    if not done[0]:  # next request as soon as it has read this one
                        done[0] = True
                        with site._lock:
                            site.active -= 1

                try:
                    route = site.routes.get(self.path, site.default)
                    reply = route(seen) if callable(route) else route
                    self._answer(reply, finished)
                finally:
                    finished()

            def _answer(self, r: Reply, finished: Callable[[], None] = lambda: None) -> None:
                if r.delay:
                    time.sleep(r.delay)
                finished()
                if r.drop:
                    self.close_connection = True
                    return
                body = r.body.encode() if isinstance(r.body, str) else r.body
                headers = {"Content-Type": "text/html; charset=utf-8", **r.headers}
                if r.encoding == "gzip":
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                elif r.encoding == "deflate":
                    body = zlib.compress(body)
                    headers["Content-Encoding"] = "deflate"
                self.send_response(r.status)
                for k, v in headers.items():
                    self.send_header(k, v)
                chunked = r.encoding == "chunked"
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                elif "Content-Length" not in headers:  # a route may announce a wrong length
                    self.send_header("Content-Length", str(len(body)))
                if site.connection == "close":
                    self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = site.connection != "keep-alive"
                if self.command == "HEAD":
                    return
                try:
                    if chunked:
                        for i in range(0, len(body), 1000):
                            part = body[i : i + 1000]
                            self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                        self.wfile.write(b"0\r\n\r\n")
                    elif r.trickle is not None:
                        for i in range(len(body)):
                            self.wfile.write(body[i : i + 1])
                            self.wfile.flush()
                            time.sleep(r.trickle)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = _serve
            do_HEAD = _serve

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.005,), daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self, method: str | None = None) -> list[str]:
        return [r.path for r in self.requests if method is None or r.method == method]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class RawSite:
    """A TCP server on one loopback address that answers with whatever bytes a test writes.

    ``answer(request_head, sock)`` is called once per connection, after the request's head has
    been read; it writes raw bytes (malformed, huge, bare-LF ...) and the connection is then
    closed. For answers :class:`Site` cannot produce.
    """

    def __init__(self, host: str, answer: Callable[[bytes, socket.socket], None]):
        self.host = host
        self.answer = answer
        self.heads: list[bytes] = []
        self.sock = socket.create_server((host, 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            head = b""
            try:
                while b"\r\n\r\n" not in head:
                    data = conn.recv(65536)
                    if not data:
                        return
                    head += data
                self.heads.append(head)
                self.answer(head, conn)
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self.thread.join(1)
        self.sock.close()


class ConnectProxy:
    """An HTTP CONNECT proxy on loopback that records the authorities it tunnels to."""

    def __init__(self, host: str):
        self.tunnels: list[str] = []

        def answer(head: bytes, sock: socket.socket) -> None:
            line = head.split(b"\r\n", 1)[0].decode()
            method, authority, _ = line.split(" ", 2)
            self.tunnels.append(authority)
            if method != "CONNECT":
                sock.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            name, _, port = authority.rpartition(":")
            upstream = socket.create_connection(
                ("127.0.0.1" if name == "localhost" else name, int(port)), timeout=5
            )
            sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self._pipe(sock, upstream)

        self.site = RawSite(host, answer)
        self.url = f"http://{host}:{self.site.port}"

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        def one_way(src: socket.socket, dst: socket.socket) -> None:
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                with contextlib.suppress(OSError):
                    dst.shutdown(socket.SHUT_WR)

        back = threading.Thread(target=one_way, args=(b, a), daemon=True)
        back.start()
        one_way(a, b)
        back.join(5)
        b.close()

    def close(self) -> None:
        self.site.close()


class FakeClock:
    """Virtual time for schedule tests: ``sleep`` waits until :meth:`run` advances the clock.

    :meth:`run` lets every runnable task run, then jumps to the earliest sleeper's wake-up
    time, so a schedule of seconds runs in milliseconds and no bound depends on the machine.
    """

    def __init__(self) -> None:
        self.t = 0.0
        self.slept: list[float] = []
        self._waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        fut = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (self.t + max(0.0, seconds), next(self._seq), fut))
        await fut

    async def run(self, *coros: object) -> list[object]:
        tasks = [asyncio.ensure_future(c) for c in coros]  # type: ignore[arg-type]
        while not all(t.done() for t in tasks):
            for _ in range(50):  # let every task that can run reach its next sleep
                await asyncio.sleep(0)
            if self._waiters and not all(t.done() for t in tasks):
                when, _, fut = heapq.heappop(self._waiters)
                self.t = max(self.t, when)
                fut.set_result(None)
        return [t.result() for t in tasks]


_addresses = itertools.count(2)


def _next_address() -> str:
    n = next(_addresses)
    return f"127.0.{n // 250}.{n % 250 + 2}"


@pytest.fixture
def raw_sites() -> Iterator[Callable[[Callable[[bytes, socket.socket], None]], RawSite]]:
    """A factory of :class:`RawSite` servers, each on a fresh loopback address."""
    made: list[RawSite] = []

    def make(answer: Callable[[bytes, socket.socket], None]) -> RawSite:
        site = RawSite(_next_address(), answer)
        made.append(site)
        return site

    yield make
    for s in made:
        s.close()


@pytest.fixture
def sites() -> Iterator[Callable[[], Site]]:
    """A factory of sites, each on a fresh loopback address, closed after the test."""
    made: list[Site] = []

    def make() -> Site:
        site = Site(_next_address())
        made.append(site)
        return site

    yield make
    for s in made:
        s.close()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for ``localhost`` and 127.0.0.1 (cert, key), made by openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A test root CA, an intermediate, and server certificates for 127.0.0.1 (made by openssl).

    Keys: ``root`` (the CA file to trust), ``key`` (every server key), and the certificate
    files ``good`` (leaf and intermediate), ``no-intermediate`` (leaf alone: the chain is
    incomplete), ``expired``, ``self-signed`` and ``wrong-host`` (for other.example).
    """
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    d = tmp_path_factory.mktemp("pki")

    def ssl_(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    ca_ext = [
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]
    ssl_("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", "root.key",
         "-out", "root.pem", "-subj", "/CN=Atlas Test Root", *ca_ext)  # fmt: skip
    (d / "ca.ext").write_text(
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
    )
    ssl_("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "mid.key", "-out", "mid.csr",
         "-subj", "/CN=Atlas Test Intermediate")  # fmt: skip
    ssl_("x509", "-req", "-in", "mid.csr", "-CA", "root.pem", "-CAkey", "root.key",
         "-CAcreateserial", "-days", "2", "-extfile", "ca.ext", "-out", "mid.pem")  # fmt: skip
    ssl_("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "leaf.csr",
         "-subj", "/CN=127.0.0.1")  # fmt: skip
    (d / "ip.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    (d / "other.ext").write_text("subjectAltName=DNS:other.example\n")

    def leaf(name: str, ca: str, days: str, ext: str) -> None:
        ssl_("x509", "-req", "-in", "leaf.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
             "-CAcreateserial", "-days", days, "-extfile", ext, "-out", f"{name}.pem")  # fmt: skip

    leaf("leaf-mid", "mid", "2", "ip.ext")
    leaf("expired", "root", "-1", "ip.ext")
    leaf("wrong-host", "root", "2", "other.ext")
    ssl_("req", "-x509", "-key", "key.pem", "-days", "2", "-out", "self-signed.pem",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")  # fmt: skip
    (d / "good.pem").write_text((d / "leaf-mid.pem").read_text() + (d / "mid.pem").read_text())
    files = {"root": "root.pem", "key": "key.pem", "good": "good.pem",
             "no-intermediate": "leaf-mid.pem", "expired": "expired.pem",
             "self-signed": "self-signed.pem", "wrong-host": "wrong-host.pem"}  # fmt: skip
    return {k: str(d / v) for k, v in files.items()}


def fast_settings(**overrides: object) -> Settings:
    """Settings for loopback tests: no politeness delays, quick retries, no archive."""
    s = Settings(
        allow_private=True,
        host_interval=0.0,
        retry_backoff=0.01,
        archive=False,
        connect_timeout=2.0,
        read_timeout=2.0,
        request_deadline=5.0,
        url_deadline=10.0,
    )
    for k, v in overrides.items():
        setattr(s, k, v)
    return s


def check(
    urls: list[str] | list[Link], settings: Settings | None = None, **kw: object
) -> list[Result]:
    """Run the checker on URLs (or links) and return the results in order."""
    links = [u if isinstance(u, Link) else Link(u) for u in urls]
    return asyncio.run(check_links(links, settings or fast_settings(), **kw))  # type: ignore[arg-type]


def check_one(url: str, settings: Settings | None = None, **kw: object) -> Result:
    return check([url], settings, **kw)[0]
