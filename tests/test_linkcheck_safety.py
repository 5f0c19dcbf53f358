"""The address policy (tools/linkcheck/safety.py): every spelling refused, no request sent."""

from __future__ import annotations

import asyncio
import socket

import pytest
from conftest_linkcheck import Reply, check, check_one, fast_settings, page

from tools.linkcheck.safety import AddressRefused, Resolver, parse_literal, refusal

LOOPBACK_SPELLINGS = [
    "127.0.0.1", "2130706433", "0x7f000001", "0x7f.0.0.1", "0x7f.1", "0177.0.0.1", "0177.1",
    "127.1", "127.0.1", "127.0.0.1.", "１２７.０.０.１", "[::1]", "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:7f00:1]", "localhost", "LOCALHOST.", "api.localhost",
]  # fmt: skip
OTHER_REFUSED = {
    "0.0.0.0": "unspecified", "0": "unspecified", "[::]": "unspecified",
    "10.1.2.3": "private", "172.16.0.1": "private", "192.168.1.1": "private",
    "169.254.169.254": "link-local", "[fe80::1]": "link-local", "224.0.0.1": "multicast",
    "[ff02::1]": "multicast", "240.0.0.1": "private", "100.64.0.1": "not globally reachable",
    "[64:ff9b::a9fe:a9fe]": "link-local", "[2002:a9fe:a9fe::]": "link-local",
    "0xa9fea9fe": "link-local", "2852039166": "link-local",
}  # fmt: skip

pytest_plugins = ("conftest_linkcheck",)


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_loopback_spellings_are_refused(host):
    with pytest.raises(AddressRefused):
        Resolver().check_literal(host)


@pytest.mark.parametrize(("host", "why"), sorted(OTHER_REFUSED.items()))
def test_other_refused_ranges(host, why):
    addr = parse_literal(host)
    assert addr is not None and why in refusal(addr)


def test_public_addresses_pass():
    for host in ("8.8.8.8", "[2606:4700::1111]", "134744072"):
        assert refusal(parse_literal(host)) is None
    assert parse_literal("example.com") is None


def test_every_spelling_of_a_live_server_is_blocked_and_nothing_arrives(sites):
    s = sites()
    s.routes["/"] = Reply(body=page("secret admin", "metadata"))
    a, b, c, d = (int(x) for x in s.host.split("."))
    n = (a << 24) | (b << 16) | (c << 8) | d
    spellings = [s.host, str(n), hex(n), f"0x{a:x}.{b}.{c}.{d}", f"0{a:o}.{b}.{c}.{d}",
                 f"{a}.{(b << 16) | (c << 8) | d}", f"{s.host}.", f"[::ffff:{s.host}]"]  # fmt: skip
    urls = [f"http://{h}:{s.port}/" for h in spellings]
    results = check(urls, fast_settings(allow_private=False))
    assert [r.verdict for r in results] == ["blocked"] * len(urls)
    assert s.requests == []
    # the same server is reachable once the policy is lifted (the spellings do reach it)
    assert check_one(urls[1]).verdict == "ok"


def test_redirect_hop_to_a_refused_address_is_blocked(sites):
    front, inner = sites(), sites()
    inner.routes["/admin"] = Reply(body=page("internal", "keys"))
    n = int.from_bytes(socket.inet_aton(inner.host), "big")
    front.routes["/go"] = Reply(302, headers={"Location": f"http://{n}:{inner.port}/admin"})
    front.routes["/go2"] = Reply(301, headers={"Location": inner.url("/admin")})
    settings = fast_settings(allow_private=False, allow_addresses=frozenset({front.host}))
    for path in ("/go", "/go2"):
        r = check_one(front.url(path), settings)
        assert r.verdict == "blocked", r
    assert inner.requests == []
    assert front.paths() == ["/go", "/go2"]


def test_names_are_checked_after_resolution():
    # "localhost" resolves through the system resolver; the refused address is reported
    resolver = Resolver()

    async def go() -> None:
        with pytest.raises(AddressRefused) as info:
            await resolver._lookup("localhost", "localhost", 80)
        assert info.value.reason

    resolver.check_literal("example.com")  # a name alone is not refused before resolution
    try:
        socket.getaddrinfo("localhost", 80)
    except socket.gaierror:
        pytest.skip("no resolver for localhost here")
    asyncio.run(go())
