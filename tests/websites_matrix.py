"""Fake real-world websites for tests/test_linkcheck_websites.py: one loopback host per case.

Each :class:`Case` is one behaviour seen on real websites (a transport quirk, a redirect habit,
a soft-404 template, a bot wall ...), played by a raw asyncio server on its own loopback address
and port (127.0.9.10, 127.0.9.11, ...; Linux routes all of 127/8 to ``lo``; the ports come from
the kernel, so nothing else on the machine can be in the way). A case's handler gets every
request and answers it by writing bytes: ``async def handler(req, writer, case) -> bool``,
True to keep the connection for the next request. Unknown paths get a plain 404 unless the
handler answers every path, so that the tracker's sibling probe learns that the host has real
404s. ``urls`` lists what to check on the host: (path, the verdicts we accept, why).

To add a case, write its handler under the section it belongs to and register it with
``@case(name, what, urls, check)``; the test picks it up by its name.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import gzip
import random
import re
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

Result = dict[str, Any]  # one entry of the tracker's JSON report
Check = Callable[[Result], str | None]  # an extra complaint about a result, or None


@dataclass
class Req:
    method: str
    path: str
    headers: dict[str, str]
    conn_no: int  # requests on this connection before this one
    host_no: int  # requests to this host before this one


class Url(NamedTuple):
    suffix: str  # path (query, fragment) on the case's host; see url_for for the @ prefixes
    expected: frozenset[str]  # the verdicts we accept
    note: str


Handler = Callable[[Req, asyncio.StreamWriter, "Case"], Awaitable[bool]]


@dataclass
class Case:
    name: str
    what: str
    handler: Handler
    urls: list[Url]
    check: Check | None = None
    ip: str = ""
    port: int = 0
    requests: int = 0
    counter: Counter[tuple[str, str]] = field(default_factory=Counter)  # (method, path) -> n

    @property
    def base(self) -> str:
        return f"http://{self.ip}:{self.port}"


CASES: list[Case] = []
BY_NAME: dict[str, Case] = {}

OK = frozenset({"ok"})
RED = frozenset({"redirected"})
OKR = frozenset({"ok", "redirected"})
BROKEN = frozenset({"broken"})
SOFT = frozenset({"soft-404"})
RESTR = frozenset({"restricted"})
TRANS = frozenset({"transient"})

UrlSpec = tuple[str, frozenset[str], str]


def case(
    name: str, what: str, urls: Iterable[UrlSpec], check: Check | None = None
) -> Callable[[Handler], Handler]:
    """Register a handler as the case ``name``."""

    def register(fn: Handler) -> Handler:
        assert name not in BY_NAME, name
        c = Case(name, what, fn, [Url(*u) for u in urls], check=check)
        CASES.append(c)
        BY_NAME[name] = c
        return fn

    return register


def base(name: str) -> str:
    """Scheme, address and port of another case's host (known once the servers are up)."""
    return BY_NAME[name].base


def url_for(c: Case, suffix: str) -> str:
    """The URL to check: ``@USERINFO/p`` puts user:pw@ before the host, ``@UPPER/p`` spells
    the scheme in capitals; anything else is a path on the case's host."""
    if suffix.startswith("@USERINFO"):
        return f"http://user:pw@{c.ip}:{c.port}" + suffix.removeprefix("@USERINFO")
    if suffix.startswith("@UPPER"):
        return f"HTTP://{c.ip}:{c.port}" + suffix.removeprefix("@UPPER")
    return c.base + suffix


def title_is(expected: str) -> Check:
    def check(r: Result) -> str | None:
        got = r.get("title")
        return None if got == expected else f"title {got!r}, expected {expected!r}"

    return check


def final_endswith(end: str) -> Check:
    def check(r: Result) -> str | None:
        final = r.get("final_url") or ""
        return None if final.endswith(end) else f"final_url {final!r} does not end with {end!r}"

    return check


# ----------------------------------------------------------------------------- answers


def head(status: str, headers: Iterable[tuple[str, str]] = (), version: str = "HTTP/1.1") -> bytes:
    """A status line and header block; ``status`` may lack its reason phrase."""
    lines = [f"{version} {status}".rstrip()]
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def html(title: str, body: str = "", extra_head: str = "") -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{extra_head}"
        f"</head><body>{body}</body></html>"
    )


WORDS = (
    "attention lets each token look at every other token and weigh them by similarity of queries "
    "and keys the weights come from a softmax over scaled dot products and the output is a "
    "weighted sum of values multi head attention repeats this with several learned projections"
).split()


def article(title: str, seed: int = 0, n: int = 250, extra: str = "") -> str:
    """A blog article: navigation, a title, a few hundred words, a footer."""
    rng = random.Random(seed)
    text = " ".join(rng.choice(WORDS) for _ in range(n))
    return html(
        title,
        f"<header><nav>Home Blog About</nav></header><main><h1>{title}</h1>"
        f"<p>{text}</p>{extra}</main><footer>(c) Example</footer>",
    )


TOPICS = (
    "transformer bert gpt rnn cnn vision speech tokenizer embedding seq2seq gan diffusion "
    "optimizer dropout normalisation encoding search distillation quantization pruning"
).split()


def sidebar(rnd: random.Random) -> str:
    """A 'popular articles' widget that differs on every request, as many themes have."""
    items = "".join(
        f"<li><a href='/p/{rnd.randrange(10**6)}'>{rnd.choice(TOPICS)} {rnd.choice(TOPICS)} "
        f"guide part {rnd.randrange(100)} with {rnd.choice(TOPICS)} examples and notes</a></li>"
        for _ in range(12)
    )
    return f"<aside><h3>Popular</h3><ul>{items}</ul></aside>"


async def send(
    w: asyncio.StreamWriter,
    status: str,
    body: bytes | str = b"",
    headers: Iterable[tuple[str, str]] = (),
    ctype: str | None = "text/html; charset=utf-8",
    version: str = "HTTP/1.1",
    length: bool = True,
    close: bool = False,
    method: str = "GET",
) -> bool:
    """Write one answer; True (keep the connection) when its end is known and not closed."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    hs = list(headers)
    if ctype:
        hs.insert(0, ("Content-Type", ctype))
    if length:
        hs.append(("Content-Length", str(len(data))))
    if close:
        hs.append(("Connection", "close"))
    w.write(head(status, hs, version) + (b"" if method == "HEAD" else data))
    await w.drain()
    return length and not close


async def not_found(w: asyncio.StreamWriter, req: Req) -> bool:
    return await send(
        w, "404 Not Found", html("404 Not Found", "<h1>Not Found</h1>"), method=req.method
    )


def reset(w: asyncio.StreamWriter) -> None:
    """Close with a RST instead of a FIN."""
    sock = w.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    w.transport.abort()


def http_date(delta: float) -> str:
    return email.utils.formatdate(time.time() + delta, usegmt=True)


# ----------------------------------------------------------------------------- the servers


async def _serve_connection(c: Case, r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
    conn_no = 0
    try:
        while True:
            try:
                raw = await r.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            lines = raw.decode("latin-1").split("\r\n")
            method, path, _ = ([*lines[0].split(" "), "", "", ""])[:3]
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
            req = Req(method, path, headers, conn_no, c.requests)
            c.requests += 1
            c.counter[(method, path)] += 1
            conn_no += 1
            if not await c.handler(req, w, c):
                return
    except OSError:  # ConnectionError included: the client went away
        pass
    finally:
        w.close()


def address(i: int) -> str:
    """The loopback address of the i-th case."""
    return f"127.0.{9 + i // 200}.{10 + i % 200}"


class Servers:
    """Every case's server, on an event loop in a thread of its own (a context manager)."""

    def __init__(self, cases: list[Case]) -> None:
        self.cases = cases
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.servers: list[asyncio.Server] = []

    async def _start(self) -> None:
        for i, c in enumerate(self.cases):
            c.ip = address(i)
            srv = await asyncio.start_server(functools.partial(_serve_connection, c), c.ip, 0)
            self.servers.append(srv)
            c.port = srv.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        for srv in self.servers:
            srv.close()
        me = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not me]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __enter__(self) -> Servers:
        gzip_bomb()  # built once, before the servers answer (half a second of CPU)
        self.thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=60)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(timeout=30)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=30)
            if not self.thread.is_alive():
                self.loop.close()


# ============================================================== A. transport and framing


@case(
    "http10_close",
    "HTTP/1.0 200, no Content-Length, the body ends at close",
    [("/a", OK, "")],
    title_is("Plain Article"),
)
async def _http10_close(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    await send(w, "200 OK", article("Plain Article"), version="HTTP/1.0", length=False)
    return False


@case(
    "chunked_ext_trailer",
    "chunked with chunk extensions and trailer fields",
    [("/a", OK, "")],
    title_is("Chunked Article"),
)
async def _chunked_ext_trailer(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    body = article("Chunked Article").encode()
    w.write(
        head(
            "200 OK",
            [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked"), ("Trailer", "X-Sum")],
        )
    )
    for i in range(0, len(body), 300):
        part = body[i : i + 300]
        w.write(f'{len(part):X};ext=val;q="x y"\r\n'.encode() + part + b"\r\n")
    w.write(b"0;final=1\r\nX-Sum: abc\r\nX-Other: 1\r\n\r\n")
    await w.drain()
    return True


@case(
    "gzip_chunked",
    "gzip Content-Encoding inside chunked framing",
    [("/a", OK, "")],
    title_is("Gzip Chunked"),
)
async def _gzip_chunked(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    body = gzip.compress(article("Gzip Chunked").encode())
    w.write(
        head(
            "200 OK",
            [
                ("Content-Type", "text/html"),
                ("Content-Encoding", "gzip"),
                ("Transfer-Encoding", "chunked"),
            ],
        )
    )
    for i in range(0, len(body), 97):
        part = body[i : i + 97]
        w.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
    w.write(b"0\r\n\r\n")
    await w.drain()
    return True


@case(
    "cl_too_long",
    "Content-Length 2000 bytes more than the body, then close (browsers show the page)",
    [("/a", OK, "the page shows in browsers; its title was read")],
)
async def _cl_too_long(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    body = article("Truncated Article").encode()
    hs = [("Content-Type", "text/html"), ("Content-Length", str(len(body) + 2000))]
    w.write(head("200 OK", hs) + body)
    await w.drain()
    return False


@case(
    "reset_mid_body",
    "RST after 300 of 10000 body bytes, every time",
    [("/a", TRANS, "")],
)
async def _reset_mid_body(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    hs = [("Content-Type", "text/html"), ("Content-Length", "10000")]
    w.write(head("200 OK", hs) + article("Reset").encode()[:300])
    await w.drain()
    await asyncio.sleep(0.05)
    reset(w)
    return False


def _keep_alive_dies(kind: str) -> Handler:
    async def handler(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
        if req.conn_no >= 1:  # a second request on a kept connection: gone without an answer
            await asyncio.sleep(0.01)
            if kind == "rst":
                reset(w)
            return False
        if req.path in ("/p1", "/p2", "/p3"):
            return await send(w, "200 OK", article(f"Kept {req.path}", seed=int(req.path[-1])))
        return await not_found(w, req)

    return handler


THREE_PAGES = [("/p1", OK, ""), ("/p2", OK, ""), ("/p3", OK, "")]
case(
    "keepalive_drop_fin",
    "keep-alive implied by HTTP/1.1; the server closes (FIN) when a 2nd request comes on it",
    THREE_PAGES,
)(_keep_alive_dies("fin"))
case(
    "keepalive_drop_rst",
    "the same, with a RST on the 2nd request",
    THREE_PAGES,
)(_keep_alive_dies("rst"))


@case("continue_100", "100 Continue before the 200", [("/a", OK, "")])
async def _continue_100(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    w.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    return await send(w, "200 OK", article("After Continue"))


@case("early_hints_103", "103 Early Hints (with a Link field) before the 200", [("/a", OK, "")])
async def _early_hints_103(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    w.write(b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload; as=style\r\n\r\n")
    return await send(w, "200 OK", article("After Hints"))


@case("no_reason_200", "status line 'HTTP/1.1 200' without a reason phrase", [("/a", OK, "")])
async def _no_reason_200(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    return await send(w, "200", article("No Reason"))


@case("no_reason_404", "status line 'HTTP/1.1 404' without a reason phrase", [("/a", BROKEN, "")])
async def _no_reason_404(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    return await send(w, "404", html("Not here"))


@case(
    "obs_fold",
    "obs-fold continuation lines in the header block (the charset on a folded line)",
    [("/a", OK, "")],
    title_is("記事のタイトル"),
)
async def _obs_fold(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    body = (
        "<html><head><title>記事のタイトル</title></head><body><p>"
        + "注意機構の説明。" * 50
        + "</p></body></html>"
    ).encode("euc-jp")
    w.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html;\r\n charset=EUC-JP\r\nX-Long: a\r\n\tb\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    await w.drain()
    return True


@case(
    "dup_content_length",
    "two identical Content-Length fields; the connection stays open for the next request",
    [("/a", OK, "RFC 9110: identical duplicates may be taken as one")],
)
async def _dup_content_length(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    body = article("Dup CL").encode()
    n = len(body)
    w.write(
        f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {n}\r\n"
        f"Content-Length: {n}\r\n\r\n".encode()
        + body
    )
    await w.drain()
    # Kept open, as a keep-alive server does: a client that ignored both lengths would wait
    # for a close that never comes. (The audit's server slept for two minutes here instead of
    # reading the next request, which kept the sibling probe waiting for its read timeout.)
    return True


@case(
    "odd_case_headers",
    "field names and values in odd letter case",
    [("/a", OK, "")],
    title_is("Odd Case"),
)
async def _odd_case_headers(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    body = article("Odd Case").encode()
    w.write(
        f"HTTP/1.1 200 OK\r\ncontent-type: TEXT/HTML; CHARSET=UTF-8\r\nCONTENT-LENGTH: {len(body)}"
        f"\r\nconnection: Keep-Alive\r\n\r\n".encode()
        + body
    )
    await w.drain()
    return True


@case("huge_body_50mb", "200 with a 50 MB body", [("/a", OK, "the read stops at the cap")])
async def _huge_body_50mb(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    first = article("Huge Page").encode()
    total = 50 * 1024 * 1024
    w.write(head("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(total))]) + first)
    left = total - len(first)
    chunk = b"<p>" + b"a" * 65530 + b"</p>"
    while left > 0:
        piece = chunk[:left]
        w.write(piece)
        left -= len(piece)
        await w.drain()
    return False


_BOMB: list[bytes] = []


def gzip_bomb() -> bytes:
    """A gzip body that inflates to 100 MiB, 200 times the tracker's read cap."""
    if not _BOMB:
        co = zlib.compressobj(9, zlib.DEFLATED, 31)
        parts = [co.compress(article("Bomb Page").encode())]
        zeros = b"\0" * (1 << 20)
        parts += [co.compress(zeros) for _ in range(100)]
        parts.append(co.flush())
        _BOMB.append(b"".join(parts))
    return _BOMB[0]


@case("gzip_bomb", "a gzip body that inflates to 100 MiB", [("/a", OK, "bounded inflation")])
async def _gzip_bomb(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    return await send(w, "200 OK", gzip_bomb(), [("Content-Encoding", "gzip")])


@case(
    "wrong_content_encoding",
    "Content-Encoding: gzip on a plain HTML body",
    [("/a", frozenset({"broken", "transient"}), "browsers fail to decode it too")],
)
async def _wrong_content_encoding(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    return await send(w, "200 OK", article("Not Really Gzip"), [("Content-Encoding", "gzip")])


@case(
    "bogus_content_encoding",
    "Content-Encoding: UTF-8 (a charset where a coding belongs) on plain HTML",
    [("/a", OK, "browsers ignore a coding they do not know")],
)
async def _bogus_content_encoding(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    return await send(w, "200 OK", article("Bogus Coding"), [("Content-Encoding", "UTF-8")])


@case("no_content_type", "200 without Content-Type", [("/a", OK, "")], title_is("No Type"))
async def _no_content_type(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    return await send(w, "200 OK", article("No Type"), ctype=None)


XHTML_TEXT = " ".join(["self attention maps a sequence to a sequence of the same length"] * 20)


@case(
    "xhtml_bom",
    "a BOM, an XML declaration and XHTML served as application/xhtml+xml",
    [("/a", OK, "")],
    title_is("XHTML Page"),
)
async def _xhtml_bom(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    body = (
        "\ufeff<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html PUBLIC "
        "'-//W3C//DTD XHTML 1.0 Strict//EN' 'x'>\n<html xmlns='http://www.w3.org/1999/xhtml'>"
        f"<head><title>XHTML Page</title></head><body><p>{XHTML_TEXT}</p></body></html>"
    )
    return await send(w, "200 OK", body, ctype="application/xhtml+xml")


@case(
    "headers_then_close_no_body",
    "HTTP/1.1 200 with Content-Length 0: an empty page",
    [("/a", OK, "judgement call: an empty 200 is an answer; nothing says the page is gone")],
)
async def _headers_then_close_no_body(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    return await send(w, "200 OK", b"")


# ============================================================== B. redirects


def _redirect(status: str, location: str, target: str) -> Handler:
    async def handler(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
        if req.path == "/a":
            return await send(w, status, html("Moved"), [("Location", location)])
        if req.path == target:
            return await send(w, "200 OK", article("Target Page"))
        return await not_found(w, req)

    return handler


case("r303", "303 See Other to a 200", [("/a", OK, "")])(_redirect("303 See Other", "/b", "/b"))
case("r307", "307 to a 200", [("/a", OK, "")])(_redirect("307 Temporary Redirect", "/b", "/b"))
case("r308", "308 to a 200", [("/a", RED, "")])(_redirect("308 Permanent Redirect", "/b", "/b"))


@case(
    "rel_dotdot",
    "301 with Location '../new' from /x/y/old",
    [("/x/y/old", RED, "")],
    final_endswith("/x/new"),
)
async def _rel_dotdot(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/x/y/old":
        return await send(w, "301 Moved Permanently", b"", [("Location", "../new")])
    if req.path == "/x/new":
        return await send(w, "200 OK", article("Dotdot Target"))
    return await not_found(w, req)


@case(
    "rel_query",
    "302 with Location '?lang=en'",
    [("/page", OK, "")],
    final_endswith("/page?lang=en"),
)
async def _rel_query(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/page":
        return await send(w, "302 Found", b"", [("Location", "?lang=en")])
    if req.path == "/page?lang=en":
        return await send(w, "200 OK", article("Query Target"))
    return await not_found(w, req)


@case(
    "proto_relative",
    "301 with a protocol-relative Location to another host ('//host:port/b')",
    [("/a", RED, "")],
)
async def _proto_relative(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/a":
        other = base("r303").removeprefix("http:")
        return await send(w, "301 Moved Permanently", b"", [("Location", f"{other}/b")])
    return await not_found(w, req)


@case("loc_spaces", "301 with a raw space in Location ('/new page.html')", [("/a", RED, "")])
async def _loc_spaces(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/a":
        return await send(w, "301 Moved Permanently", b"", [("Location", "/new page.html")])
    if req.path == "/new%20page.html":
        return await send(w, "200 OK", article("Space Target"))
    return await not_found(w, req)


def _chain(n: int) -> Handler:
    async def handler(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
        if re.fullmatch(r"/h\d+", req.path):
            i = int(req.path[2:])
            if i < n:
                return await send(w, "302 Found", b"", [("Location", f"/h{i + 1}")])
            return await send(w, "200 OK", article(f"End of chain {n}"))
        return await not_found(w, req)

    return handler


case("chain5", "5 x 302, then a 200", [("/h0", OK, "")])(_chain(5))
case(
    "chain15",
    "15 x 302, then a 200 (browsers follow up to 20)",
    [("/h0", OK, "it opens in every browser")],
)(_chain(15))
case("chain25", "25 x 302, then a 200 (browsers give up at 20)", [("/h0", BROKEN, "")])(_chain(25))


@case("loop2", "A -> B -> A", [("/a", BROKEN, "")])
async def _loop2(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path in ("/a", "/b"):
        to = "/b" if req.path == "/a" else "/a"
        return await send(w, "302 Found", b"", [("Location", to)])
    return await not_found(w, req)


def _to_front_page(front: str) -> Handler:
    async def handler(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
        if req.path == "/blog/2019/05/old-post":
            return await send(w, "301 Moved Permanently", b"", [("Location", front)])
        if req.path.split("?")[0] == front.split("?")[0]:
            page = article("Sample Corp home", seed=5, extra=sidebar(random.Random()))
            return await send(w, "200 OK", page)
        return await not_found(w, req)

    return handler


OLD_POST = "/blog/2019/05/old-post"
case(
    "home_ja_index",
    "removed article: 301 to /ja/index.html (other unknown paths get real 404s)",
    [(OLD_POST, SOFT, "a redirect to the front page")],
)(_to_front_page("/ja/index.html"))
case(
    "home_default_aspx",
    "removed article: 301 to /default.aspx (an IIS front page)",
    [(OLD_POST, SOFT, "a redirect to the front page")],
)(_to_front_page("/default.aspx"))
case(
    "home_top",
    "removed article: 301 to /top/ (a common Japanese front page)",
    [(OLD_POST, SOFT, "a redirect to the front page")],
)(_to_front_page("/top/"))
case(
    "home_query",
    "removed article: 301 to /?removed=1",
    [(OLD_POST, SOFT, "the front page with a query")],
)(_to_front_page("/?removed=1"))
case(
    "home_root_spot",
    "removed article: 301 to /",
    [(OLD_POST, SOFT, "")],
)(_to_front_page("/"))


@case(
    "redirect_category",
    "removed article: 301 to its category listing /blog/ (other unknown paths 404)",
    [(OLD_POST, RED, "judgement call: a move to a listing may be a real reorganisation")],
)
async def _redirect_category(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == OLD_POST:
        return await send(w, "301 Moved Permanently", b"", [("Location", "/blog/")])
    if req.path == "/blog/":
        return await send(w, "200 OK", article("Blog - all posts", seed=9))
    return await not_found(w, req)


@case("r301_to_404", "301 to a 404", [("/a", BROKEN, "")])
async def _r301_to_404(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/a":
        return await send(w, "301 Moved Permanently", b"", [("Location", "/gone")])
    return await not_found(w, req)


@case("login_next_spot", "302 to /accounts/login/?next=/a", [("/a", RESTR, "")])
async def _login_next_spot(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/a":
        return await send(w, "302 Found", b"", [("Location", "/accounts/login/?next=/a")])
    if req.path.startswith("/accounts/login/"):
        form = "<form><input type='password' name=p></form>"
        return await send(w, "200 OK", html("Sign in", form))
    return await not_found(w, req)


@case(
    "trailing_slash_301",
    "301 from /article to /article/ (the canonical slash)",
    [("/article", OKR, "either is fine")],
)
async def _trailing_slash_301(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/article":
        return await send(w, "301 Moved Permanently", b"", [("Location", "/article/")])
    if req.path == "/article/":
        return await send(w, "200 OK", article("Slash Article"))
    return await not_found(w, req)


@case(
    "moved_to_auth_docs",
    "301 to a real documentation page under /docs/auth/ (about authentication)",
    [("/old-guide", RED, "a moved page, not a sign-in wall")],
)
async def _moved_to_auth_docs(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/old-guide":
        return await send(w, "301 Moved Permanently", b"", [("Location", "/docs/auth/")])
    if req.path == "/docs/auth/":
        return await send(w, "200 OK", article("Authentication guide: tokens and scopes"))
    return await not_found(w, req)


@case(
    "moved_sidebar_login",
    "301 to an article whose sidebar has a login box (a password field)",
    [("/old-post", RED, "forum and blog themes put a login box on every page")],
)
async def _moved_sidebar_login(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    box = (
        "<aside><h3>Members</h3><form action='/login' method=post><input type='text' name=u>"
        "<input type='password' name=p><button>Go</button></form></aside>"
    )
    if req.path == "/old-post":
        to = "/posts/attention-explained/"
        return await send(w, "301 Moved Permanently", b"", [("Location", to)])
    if req.path == "/posts/attention-explained/":
        return await send(w, "200 OK", article("Attention explained", extra=box))
    return await not_found(w, req)


def _moved_to(path: str, title: str) -> Handler:
    async def handler(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
        if req.path == "/old-post":
            return await send(w, "301 Moved Permanently", b"", [("Location", path)])
        if req.path == path:
            return await send(w, "200 OK", article(title))
        return await not_found(w, req)

    return handler


case(
    "moved_login_article",
    "301 to an article titled 'Building a login form in React'",
    [("/old-post", RED, "")],
)(_moved_to("/posts/react-login-form/", "Building a login form in React"))
case(
    "moved_cookie_article",
    "301 to an article about cookies, 'HTTP Cookieの仕組みを図解する'",
    [("/old-post", RED, "")],
)(_moved_to("/posts/http-cookie/", "HTTP Cookieの仕組みを図解する"))


@case(
    "refresh_header_to_404",
    "200 with a 'Refresh: 0; url=/gone' header; /gone is a 404",
    [("/a", BROKEN, "browsers follow the Refresh header")],
)
async def _refresh_header_to_404(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/a":
        return await send(w, "200 OK", html("Redirecting"), [("Refresh", "0; url=/gone")])
    return await not_found(w, req)


@case(
    "js_redirect",
    "200 'Redirecting…' page whose script sends the browser to an article on another host",
    [("/a", OK, "judgement call: scripts are not run (lychee does not run them either)")],
)
async def _js_redirect(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/a":
        to = base("r303") + "/b"
        script = f"<script>window.location.replace('{to}')</script><p>Redirecting…</p>"
        return await send(w, "200 OK", html("Redirecting…", script))
    return await not_found(w, req)


@case(
    "noscript_meta_refresh",
    "article with <noscript><meta refresh 0; url=/nojs.html></noscript>",
    [("/a", OK, "browsers with scripts on stay on the article")],
    final_endswith("/a"),
)
async def _noscript_meta_refresh(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/a":
        refresh = "<noscript><meta http-equiv='refresh' content='0; url=/nojs.html'></noscript>"
        page = article("Real Article").replace("</head>", refresh + "</head>")
        return await send(w, "200 OK", page)
    if req.path == "/nojs.html":
        return await send(w, "200 OK", html("Scripts needed", "<p>Turn scripts on.</p>"))
    return await not_found(w, req)


def _meta_refresh(content: str, target: str) -> Handler:
    async def handler(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
        if req.path == "/a":
            meta = f'<meta http-equiv="refresh" content="{content}">'
            return await send(w, "200 OK", html("Moved", extra_head=meta))
        if req.path == target:
            return await send(w, "200 OK", article("Refresh Target"))
        return await not_found(w, req)

    return handler


case(
    "meta_refresh_quoted",
    "meta refresh content=\"0;URL='/new-page'\"",
    [("/a", OKR, "")],
    final_endswith("/new-page"),
)(_meta_refresh("0;URL='/new-page'", "/new-page"))
case(
    "meta_refresh_spaces",
    'meta refresh content="0 ; url = /new-page2"',
    [("/a", OKR, "")],
    final_endswith("/new-page2"),
)(_meta_refresh("0 ; url = /new-page2", "/new-page2"))


@case(
    "meta_refresh_loop",
    "page A meta-refreshes to B, B to A",
    [("/a", BROKEN, "it never settles in a browser either")],
)
async def _meta_refresh_loop(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path in ("/a", "/b"):
        to = "/b" if req.path == "/a" else "/a"
        meta = f'<meta http-equiv="refresh" content="0; url={to}">'
        return await send(w, "200 OK", html("Loop", extra_head=meta))
    return await not_found(w, req)


@case("meta_refresh_home_spot", "an article meta-refreshes to /", [("/a/b", SOFT, "")])
async def _meta_refresh_home_spot(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/a/b":
        meta = '<meta http-equiv="refresh" content="0;url=/">'
        return await send(w, "200 OK", html("Moved", extra_head=meta))
    if req.path == "/":
        return await send(w, "200 OK", article("Home"))
    return await not_found(w, req)


# ============================================================== C. HEAD


def _pdf(head_mode: str) -> Handler:
    """A PDF at /paper.pdf whose HEAD answers ``head_mode``: a status line, or ``lies`` (HEAD
    says 200, GET says 404)."""

    async def handler(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
        if req.path != "/paper.pdf":
            return await not_found(w, req)
        if req.method == "HEAD":
            if head_mode == "lies":
                hs = [("Content-Length", "123456")]
                return await send(w, "200 OK", b"", hs, ctype="application/pdf", length=False)
            return await send(w, head_mode, html("no"), method="HEAD")
        if head_mode == "lies":
            return await not_found(w, req)
        return await send(w, "200 OK", b"%PDF-1.4\n" + b"0" * 5000, ctype="application/pdf")

    return handler


PAPER = "/paper.pdf"
case("head_405_pdf", ".pdf: HEAD 405, GET 200 application/pdf", [(PAPER, OK, "")])(
    _pdf("405 Method Not Allowed")
)
case("head_501_pdf", ".pdf: HEAD 501, GET 200", [(PAPER, OK, "")])(_pdf("501 Not Implemented"))
case("head_404_pdf", ".pdf: HEAD 404, GET 200", [(PAPER, OK, "")])(_pdf("404 Not Found"))
case(
    "head_lies_pdf",
    ".pdf: HEAD 200 application/pdf, GET 404",
    [(PAPER, OK, "judgement call: HEAD is trusted for a non-HTML answer to a file path")],
)(_pdf("lies"))


@case(
    "head_with_body_pdf",
    ".pdf: HEAD answered with a body (a server bug) on a kept connection; a 2nd URL on the host",
    [(PAPER, OK, ""), ("/other", OK, "")],
)
async def _head_with_body_pdf(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == PAPER:
        pdf = b"%PDF-" + b"x" * 35
        if req.method == "HEAD":
            hs = [("Content-Type", "application/pdf"), ("Content-Length", "40")]
            w.write(head("200 OK", hs) + pdf)
            await w.drain()
            return True
        return await send(w, "200 OK", pdf, ctype="application/pdf")
    if req.path == "/other":
        return await send(w, "200 OK", article("Other page"))
    return await not_found(w, req)


# ============================================================== D. status codes


def _status(
    status: str,
    headers: Iterable[tuple[str, str]] = (),
    body: str | bytes | None = None,
    ctype: str | None = "text/html; charset=utf-8",
) -> Handler:
    hs = list(headers)

    async def handler(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
        if req.path == "/a":
            answer = body if body is not None else html(status)
            return await send(w, status, answer, hs, ctype=ctype)
        return await not_found(w, req)

    return handler


case("s401_basic", "401 with WWW-Authenticate: Basic", [("/a", RESTR, "")])(
    _status("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="x"')])
)
case("s410", "410 Gone", [("/a", BROKEN, "")])(_status("410 Gone"))
case(
    "s204",
    "204 No Content",
    [("/a", OK, "judgement call: an empty answer is an answer; nothing says the page is gone")],
)(_status("204 No Content", body=b"", ctype=None))
case(
    "s418",
    "418 to robots",
    [("/a", frozenset({"restricted", "broken"}), "either reading is fair")],
)(_status("418 I'm a teapot"))
case("s599", "599, an unknown 5xx", [("/a", TRANS, "")])(_status("599 Network Timeout"))
case(
    "aws_waf_202",
    "AWS WAF challenge: 202 with x-amzn-waf-action: challenge, a page that only runs a script",
    [("/a", RESTR, "")],
)(
    _status(
        "202 Accepted",
        [("x-amzn-waf-action", "challenge")],
        body="<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title></title>"
        "<script src='/challenge.js'></script></head><body><div id='challenge-container'></div>"
        "<noscript><h1>Scripts are off</h1></noscript></body></html>",
    )
)
case(
    "aws_waf_405",
    "AWS WAF CAPTCHA: 405 with x-amzn-waf-action: captcha",
    [("/a", RESTR, "")],
)(
    _status(
        "405 Method Not Allowed",
        [("x-amzn-waf-action", "captcha")],
        body=html("", "<div id='captcha-container'></div><script src='/captcha.js'></script>"),
    )
)
case(
    "vercel_challenge_429",
    "Vercel's bot check: 429 with x-vercel-mitigated: challenge",
    [("/a", RESTR, "a bot challenge, not rate limiting")],
)(
    _status(
        "429 Too Many Requests",
        [("x-vercel-mitigated", "challenge"), ("x-vercel-id", "hnd1::abc"), ("Server", "Vercel")],
        body=html("Vercel Security Checkpoint", "<p>Checking your browser</p>"),
    )
)


@case(
    "incapsula_200",
    "Imperva Incapsula script challenge answered as a 200 (no text, a random resource id)",
    [("/a", RESTR, "")],
)
async def _incapsula_200(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path.startswith("/_Incapsula"):
        return await send(w, "200 OK", "var x=1;", ctype="application/javascript")
    rid = random.randrange(10**12)
    key = f"{random.getrandbits(128):032x},{random.getrandbits(128):032x}"
    page = (
        '<html>\r\n<head>\r\n<META NAME="robots" CONTENT="noindex,nofollow">\r\n'
        f'<script src="/_Incapsula_Resource?SWJIYLWA={key}&ns=1&cb={rid}" async></script>\r\n'
        "<body>\r\n</body></html>\r\n"
    )
    return await send(w, "200 OK", page, [("X-CDN", "Imperva"), ("X-Iinfo", str(rid))])


@case("flaky_500", "500 for the first request, 200 after", [("/a", OK, "")])
async def _flaky_500(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path != "/a":
        return await not_found(w, req)
    if c.counter[("GET", "/a")] == 1:
        return await send(w, "500 Internal Server Error", html("Error"))
    return await send(w, "200 OK", article("Flaky"))


def _retry_after(status: str, retry_after: Callable[[], str]) -> Handler:
    async def handler(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
        if req.path != "/a":
            return await not_found(w, req)
        if c.counter[("GET", "/a")] == 1:
            return await send(w, status, html("Busy"), [("Retry-After", retry_after())])
        return await send(w, "200 OK", article("After the wait"))

    return handler


case("s503_retry_secs", "503 with Retry-After: 2 once, then 200", [("/a", OK, "")])(
    _retry_after("503 Service Unavailable", lambda: "2")
)
case(
    "s503_retry_date", "503 with Retry-After: <HTTP date in 3 s> once, then 200", [("/a", OK, "")]
)(_retry_after("503 Service Unavailable", lambda: http_date(3)))
case(
    "s429_retry_date", "429 with Retry-After: <HTTP date in 2 s> once, then 200", [("/a", OK, "")]
)(_retry_after("429 Too Many Requests", lambda: http_date(2)))


# ============================================================== E. content


def _page(
    body: Callable[[Req], str | bytes],
    ctype: str = "text/html; charset=utf-8",
    every_path: bool = False,
    path: str = "/a",
) -> Handler:
    """A 200 page at ``path`` (or at every path), made by ``body`` for each request."""

    async def handler(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
        if req.path == path or every_path:
            return await send(w, "200 OK", body(req), ctype=ctype)
        return await not_found(w, req)

    return handler


def _not_found_page(title: str, h1: str, para: str, enc: str = "utf-8") -> Callable[[Req], bytes]:
    """A CMS's not-found page served as a 200 for every unknown path, with a random widget."""

    def body(req: Req) -> bytes:
        page = (
            f"<html><head><meta charset='{enc}'><title>{title}</title></head><body><header><nav>"
            f"ホーム 会社概要 お問い合わせ</nav></header><main><h1>{h1}</h1><p>{para}</p></main>"
            f"{sidebar(random.Random())}<footer>(c) Sample</footer></body></html>"
        )
        return page.encode(enc)

    return body


JA_GONE = "アクセスされたURLは存在しないか、移動・削除された可能性があります。"
case(
    "ja_404_eraa",
    "200 page titled '404エラー｜サンプル商事', h1 '大変申し訳ございません'",
    [("/news/2019/item123.html", SOFT, "")],
)(
    _page(
        _not_found_page("404エラー｜サンプル商事", "大変申し訳ございません", JA_GONE),
        every_path=True,
    )
)
case(
    "ja_kiji_notfound",
    "200 page titled '記事が見つかりません - サンプルブログ'",
    [("/entry/2019/05/01/old", SOFT, "")],
)(
    _page(
        _not_found_page(
            "記事が見つかりません - サンプルブログ",
            "記事が見つかりません",
            "URLが間違っているか、記事が非公開になった可能性があります。",
        ),
        every_path=True,
    )
)
case(
    "ja_url_sonzai",
    "200 page whose h1 is '指定されたURLは存在しません'",
    [("/products/old.html", SOFT, "")],
)(
    _page(
        _not_found_page(
            "サンプル商事", "指定されたURLは存在しません", "トップページからお探しください。"
        ),
        every_path=True,
    )
)
case(
    "en_doesnt_exist",
    "200 page titled 'Sorry, the page you are looking for does not exist | Acme'",
    [("/posts/old-post", SOFT, "")],
)(
    _page(
        _not_found_page(
            "Sorry, the page you are looking for does not exist | Acme", "Hmm.", "Try searching."
        ),
        every_path=True,
    )
)
case(
    "en_cant_find",
    "200 page whose h1 is 'We can’t find that page'",
    [("/posts/old-post", SOFT, "")],
)(
    _page(
        _not_found_page("Acme Blog", "We can’t find that page", "It may have moved."),
        every_path=True,
    )
)
case(
    "en_body_only",
    "200 page: title and h1 are the site's name, 'could not be found' only in a paragraph",
    [("/posts/old-post", SOFT, "")],
)(
    _page(
        _not_found_page(
            "Acme Blog", "Acme Blog", "Sorry, the page you requested could not be found."
        ),
        every_path=True,
    )
)


def _nav_h2s(req: Req) -> str:
    return (
        "<html><head><title>Acme Blog</title></head><body><header><h2>Menu</h2><h2>Search</h2>"
        "<h2>Categories</h2></header><main><h1>Page not found</h1></main>"
        + sidebar(random.Random())
        + "</body></html>"
    )


case(
    "h1_after_nav_h2s",
    "200 page: three navigation <h2>s before <h1>Page not found</h1>",
    [("/posts/old-post", SOFT, "")],
)(_page(_nav_h2s, every_path=True))


def _euc_jp_undeclared(req: Req) -> bytes:
    page = (
        "<html><head><title>お探しのページは見つかりませんでした</title></head><body><h1>"
        "ページが見つかりません</h1>" + sidebar(random.Random()) + "</body></html>"
    )
    return page.encode("euc-jp")


case(
    "eucjp_undeclared_notfound",
    "200 EUC-JP not-found page with no charset anywhere",
    [("/old/page.html", SOFT, "browsers detect EUC-JP")],
)(_page(_euc_jp_undeclared, ctype="text/html", every_path=True))


def _sjis_meta(req: Req) -> bytes:
    page = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=Shift_JIS'>"
        "<title>ページが見つかりません</title></head><body>"
        + sidebar(random.Random())
        + "</body></html>"
    )
    return page.encode("cp932")


case(
    "sjis_meta_notfound_spot",
    "Shift_JIS not-found page, the charset only in a <meta>",
    [("/old/page.html", SOFT, "")],
)(_page(_sjis_meta, ctype="text/html", every_path=True))


def _article_at(path: str, title: str, extra: str = "") -> Handler:
    return _page(lambda req: article(title, extra=extra), path=path)


# Real articles whose titles hold words that error, challenge or denial pages use.
for _name, _what, _path, _title in (
    ("article_about_404", "titled", "/posts/nginx-404", "How to fix 404 Not Found errors in Nginx"),
    (
        "article_ja_about_404",
        "titled",
        "/posts/ja-404",
        "「ページが見つかりません」と表示されるときの対処法",
    ),
    ("article_removed_news", "titled", "/news/websql", "Chrome 120でWeb SQLが削除されました"),
    (
        "article_no_longer_available",
        "whose h1 is",
        "/posts/py2",
        "Why Python 2 is no longer available on macOS",
    ),
    ("article_captcha", "titled", "/posts/recaptcha", "How reCAPTCHA v3 scores bots"),
    ("article_access_denied", "titled", "/posts/s3", "Fixing Access Denied errors in S3"),
):
    case(_name, f"a real article {_what} {_title!r}", [(_path, OK, "")])(_article_at(_path, _title))
case(
    "jp_news_member_nav",
    "a free Japanese news article; the header says '有料会員登録', teasers say '会員限定'",
    [("/atcl/column/123/", OK, "a free article")],
)(
    _article_at(
        "/atcl/column/123/",
        "自己注意機構とは何か",
        "<aside><a href='/reg'>有料会員登録はこちら</a><ul><li>会員限定 次世代AIの動向</li>"
        "<li>会員限定 ロボットの未来</li></ul></aside>",
    )
)
case(
    "comment_login_required",
    "a Japanese blog article; its comment box says 'コメントを書くにはログインが必要です'",
    [("/entry/2020/01/01/attention", OK, "")],
)(
    _article_at(
        "/entry/2020/01/01/attention",
        "Attentionを図で理解する",
        "<section id='comments'><p>コメントを書くにはログインが必要です</p></section>",
    )
)
case(
    "noindex_page",
    "200 article with <meta name=robots content=noindex>",
    [("/a", OK, "")],
)(
    _page(
        lambda req: article("Noindex Article").replace(
            "</head>", "<meta name='robots' content='noindex'></head>"
        )
    )
)


def _app_shell_with_nonce(req: Req) -> str:
    nonce = f"{random.getrandbits(128):032x}"
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>App</title>"
        f"<script nonce='{nonce}'>window.__REQ='{nonce}'</script></head><body>"
        f"<div id='root'></div><script nonce='{nonce}' src='/static/main.abc.js'></script>"
        f"</body></html>"
    )


case(
    "spa_shell_nonce",
    "a single-page app's shell (no text) with a new CSP nonce each time, at every path",
    [("/docs/attention", OK, "unverifiable, like identical shells: not a soft 404")],
)(_page(_app_shell_with_nonce, every_path=True))


def _notes_app_shell(req: Req) -> str:
    name = req.path.rsplit("/", 1)[-1]
    nav = (
        "A notes app for teams. Projects Settings Help Sign in New page Browse the pages of "
        "this project and the links between them Keyboard shortcuts "
    )
    return (
        f"<!doctype html><html><head><title>{name} - notes - Pages</title></head><body>"
        f"<div id='app'><noscript>{nav}</noscript><p>{nav} {nav}</p></div>"
        f"<script src='/app.js'></script></body></html>"
    )


case(
    "js_shell_title_differs",
    "a notes app: every path is a 200 with the same script shell, titled after the page",
    [("/team/Attention", OK, "an unverifiable shell, not a soft 404")],
)(_page(_notes_app_shell, every_path=True))
case(
    "suspended_everywhere",
    "a host's 'Account Suspended' 200 page at every path",
    [("/blog/post.html", frozenset({"soft-404", "broken"}), "")],
)(
    _page(
        lambda req: html(
            "Account Suspended",
            "<h1>Account Suspended</h1><p>This hosting account is on hold. Its owner should "
            "ask the hosting company.</p>",
        ),
        every_path=True,
    )
)
case(
    "nginx_default_everywhere",
    "nginx's 'Welcome to nginx!' default page at every path",
    [("/blog/post.html", frozenset({"soft-404", "broken"}), "")],
)(
    _page(
        lambda req: html(
            "Welcome to nginx!",
            "<h1>Welcome to nginx!</h1><p>The web server runs; no site is set up on it yet.</p>",
        ),
        every_path=True,
    )
)
case(
    "plain_text_notfound_200",
    "200 text/plain '404 page not found'",
    [("/api/doc", frozenset({"soft-404", "broken"}), "")],
)(_page(lambda req: b"404 page not found\n", ctype="text/plain; charset=utf-8", every_path=True))


# ============================================================== F. fragments

FRAGMENT_PAGE = article(
    "Fragments",
    extra="<h2 id='intro'>Intro</h2><a name='legacy'></a><h2 id='あ'>あ</h2>"
    "<h2 id='my section'>x</h2>",
)


@case(
    "fragments",
    "ids, name=, an encoded Japanese id, #top, a missing one",
    [
        ("/a#intro", OK, "id"),
        ("/b#legacy", OK, "a name="),
        ("/c#%E3%81%82", OK, "encoded id あ"),
        ("/d#あ", OK, "raw id あ"),
        ("/e#top", OK, "#top always scrolls to the top (HTML)"),
        ("/f#my%20section", OK, "an encoded space"),
        ("/g#nowhere", BROKEN, "missing"),
        ("/r#intro", RED, "a fragment after a 301"),
        ("/doc.pdf#page=3", OK, "PDF: not checked"),
        ("/h#Intro", BROKEN, "the case differs: browsers are case-sensitive"),
    ],
)
async def _fragments(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/r":
        return await send(w, "301 Moved Permanently", b"", [("Location", "/a")])
    if req.path == "/doc.pdf":
        return await send(w, "200 OK", b"%PDF-1.5", ctype="application/pdf", method=req.method)
    if req.path in ("/a", "/b", "/c", "/d", "/e", "/f", "/g", "/h"):
        return await send(w, "200 OK", FRAGMENT_PAGE)
    return await not_found(w, req)


# ============================================================== G. URL spellings

SPELLED = {
    "/%E8%A8%98%E4%BA%8B/%E6%B3%A8%E6%84%8F%E6%A9%9F%E6%A7%8B",
    "/my%20page.html",
    "/wiki/C%2B%2B",
    "/p",
}


@case(
    "url_spellings",
    "a raw Japanese path, a raw space, %2B kept, userinfo, a capitalised scheme",
    [
        ("/記事/注意機構", OK, "raw UTF-8 path"),
        ("/my page.html", OK, "raw space"),
        ("/wiki/C%2B%2B", OK, "%2B must stay encoded"),
        ("/q?x=a|b&y=é", OK, "query characters"),
        ("@USERINFO/p", OK, "user:pw@host"),
        ("@UPPER/p", OK, "HTTP://HOST"),
    ],
)
async def _url_spellings(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path in SPELLED or req.path.startswith("/q?x=a"):
        return await send(w, "200 OK", article("Spelled " + req.path[:20]))
    return await not_found(w, req)


# ============================================================== H. more soft 404s and walls

CATCH_ALL = html(
    "Acme Widgets",
    "<header><nav>Home Shop Blog About</nav></header><main><h1>Acme Widgets</h1><p>Hm, that "
    "address led nowhere. Search the shop or look at the newest widgets below.</p></main>"
    "<footer>(c) Acme</footer>",
)


@case(
    "catch_all_identical",
    "every unknown path: the same static 200 page (no not-found words in its title or h1)",
    [("/blog/2019/old-post.html", SOFT, "what the sibling probe is for")],
)
async def _catch_all_identical(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    return await send(w, "200 OK", CATCH_ALL)


@case(
    "redirect_to_error_identical",
    "every unknown path: 302 to /error?from=<path>, one static 200 page there",
    [("/blog/old-post", SOFT, "")],
)
async def _redirect_to_error_identical(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path.startswith("/error"):
        page = html("Acme", "<h1>Acme</h1><p>Something went wrong with that address.</p>")
        return await send(w, "200 OK", page)
    return await send(w, "302 Found", b"", [("Location", "/error?from=" + req.path)])


@case(
    "sso_bounce_back",
    "302 to /sso/login?passive=1 (a silent sign-in check), 302 back, then the article",
    [("/a", OK, "the article itself was seen")],
)
async def _sso_bounce_back(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/a":
        to = "/sso/login?passive=1&return=/a%3Fsso%3D1"
        return await send(w, "302 Found", b"", [("Location", to)])
    if req.path.startswith("/sso/login"):
        return await send(w, "302 Found", b"", [("Location", "/a?sso=1")])
    if req.path == "/a?sso=1":
        return await send(w, "200 OK", article("SSO Article"))
    return await not_found(w, req)


@case(
    "meta_refresh_domain_move",
    "a static site generator's redirect page: meta refresh 0 to another host",
    [("/2018/post/", RED, "an instant meta refresh counts as a permanent move")],
)
async def _meta_refresh_domain_move(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/2018/post/":
        to = base("r303") + "/b"
        page = (
            f"<!DOCTYPE html><html lang='en-US'><meta charset='utf-8'>"
            f"<title>Redirecting&hellip;</title><link rel='canonical' href='{to}'>"
            f"<script>location='{to}'</script><meta http-equiv='refresh' content='0; url={to}'>"
            f"<meta name='robots' content='noindex'><h1>Redirecting&hellip;</h1>"
            f"<a href='{to}'>Follow this link if nothing happens.</a></html>"
        )
        return await send(w, "200 OK", page)
    return await not_found(w, req)


@case(
    "gh_pages_spa_404",
    "a single-page app on GitHub Pages: a deep link answers 404 with a page whose script "
    "loads the app",
    [
        (
            "/app/docs/intro",
            BROKEN,
            "judgement call: the status says 404; only a script shows the app",
        )
    ],
)
async def _gh_pages_spa_404(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>My App</title><script>"
        "var p=location.pathname.slice(1);location.replace('/?route='+encodeURIComponent(p));"
        "</script></head><body></body></html>"
    )
    return await send(w, "404 Not Found", page)


@case(
    "frag_text_plain",
    "a text/plain file with #L5 (browsers ignore the fragment)",
    [("/notes.txt#L5", OK, "")],
)
async def _frag_text_plain(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.path == "/notes.txt":
        return await send(w, "200 OK", "line\n" * 20, ctype="text/plain; charset=utf-8")
    return await not_found(w, req)


case(
    "cf_530_origin_dns",
    "Cloudflare 530 'Origin DNS error' (the origin is gone for good)",
    [("/a", frozenset({"broken", "transient"}), "lasting, but a 5xx may pass")],
)(
    _status(
        "530 ",
        [("Server", "cloudflare"), ("CF-RAY", "abc-NRT")],
        body=html("Origin DNS error | example.com", "<h1>Error 1016</h1><p>Origin DNS error</p>"),
    )
)
case(
    "s3_403_missing_key",
    "an S3 static site: a missing object answers 403 AccessDenied in XML",
    [("/a", frozenset({"broken", "restricted"}), "either reading is fair")],
)(
    _status(
        "403 Forbidden",
        [("Server", "AmazonS3")],
        body="<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code>"
        "<Message>Access Denied</Message></Error>",
        ctype="application/xml",
    )
)


@case(
    "empty_reply_once",
    "the first connection closes without a byte (nginx's 444, a restart); then a 200",
    [("/a", OK, "")],
)
async def _empty_reply_once(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    if req.host_no == 0:
        return False
    if req.path == "/a":
        return await send(w, "200 OK", article("After an empty reply"))
    return await not_found(w, req)


@case(
    "h1_with_spans",
    "200 soft 404: <h1><span>404</span> Page <em>Not</em> Found</h1>, a random widget",
    [("/x/y", SOFT, "")],
)
async def _h1_with_spans(req: Req, w: asyncio.StreamWriter, c: Case) -> bool:
    page = (
        "<html><head><title>Acme</title></head><body><h1><span>404</span> Page <em>Not</em> "
        "Found</h1>" + sidebar(random.Random()) + "</body></html>"
    )
    return await send(w, "200 OK", page)


def _static_not_found_page(title: str, h1: str, para: str) -> Callable[[Req], bytes]:
    """The same not-found page with a fixed widget: identical bytes at every path."""
    page = _not_found_page(title, h1, para)(Req("GET", "/", {}, 0, 0))
    page = re.sub(
        rb"<aside.*?</aside>", b"<aside>Popular: transformers, BERT</aside>", page, flags=re.S
    )
    return lambda req: page


case(
    "ja_404_eraa_static",
    "the '404エラー' page as a static template (identical bytes at every path)",
    [("/news/2019/item123.html", SOFT, "the probe should catch it")],
)(
    _page(
        _static_not_found_page("404エラー｜サンプル商事", "大変申し訳ございません", JA_GONE),
        every_path=True,
    )
)
