"""The address policy: which hosts the tracker may connect to.

Contributors' URLs run in CI next to a cloud metadata endpoint, so a URL must never make us
talk to loopback, private, link-local, multicast, reserved or unspecified addresses. The rule
is applied to *addresses*, not spellings: the host is resolved first, every address it resolves
to is checked, and the client then connects to one of those checked addresses (never resolving
again, so DNS cannot change its answer in between). Literal spellings that resolvers accept
(``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``127.1``, ``[::ffff:7f00:1]``, full-width
digits, trailing dots) are parsed here as well, so they are refused without any lookup.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import unicodedata

from tools.errors import AtlasError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_BSD_IPV4 = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class AddressRefused(AtlasError):
    """The policy refuses this host; no request was sent."""

    def __init__(self, host: str, address: str, reason: str):
        self.host = host
        self.address = address
        self.reason = reason
        super().__init__(
            f"{host!r} resolves to {address} ({reason}): refused by the address policy"
        )


class ResolveFailed(AtlasError):
    """The host name does not resolve."""


def normalize_host(host: str) -> str:
    """The canonical ASCII spelling of a URL host: NFKC, lower case, no trailing dot, IDNA.

    Raises:
        AtlasError: when the name cannot be encoded (bad IDNA label).
    """
    h = unicodedata.normalize("NFKC", host).strip().lower()
    if h.startswith("[") and h.endswith("]"):
        return h
    h = h.rstrip(".")
    if h.isascii():
        return h
    import idna  # 3 ms of imports that ASCII names (and the first requests) never need

    try:
        return idna.encode(h, uts46=True).decode("ascii")
    except Exception:
        try:
            return h.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise AtlasError(f"host {host!r} is not a valid internationalised name: {exc}") from exc


def parse_literal(host: str) -> IPAddress | None:
    """The address a literal host stands for, in any spelling resolvers accept; else None."""
    h = normalize_host(host)
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    if ":" in h:
        try:
            return ipaddress.IPv6Address(h.split("%", 1)[0])
        except ValueError:
            return None
    if _BSD_IPV4.match(h):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(h))
        except OSError:
            return None
    return None


def refusal(address: IPAddress) -> str | None:
    """Why the policy refuses ``address`` (loopback, private ...), or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and address in _NAT64:
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is None and address.teredo is not None:
            inner = address.teredo[1]
        if inner is not None:
            why = refusal(inner)
            if why:
                return f"embeds {inner}: {why}"
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not globally reachable", not address.is_global),
    )
    for name, hit in checks:
        if hit:
            return name
    return None


class Resolver:
    """Resolves hosts once per run and applies the policy to every address.

    Args:
        allow_private: lift the policy (tests on loopback).
        allow_addresses: addresses allowed even though the policy refuses them (an internal
            mirror, a test server).
    """

    def __init__(self, allow_private: bool = False, allow_addresses: frozenset[str] = frozenset()):
        self.allow_private = allow_private
        self.allow_addresses = frozenset(str(ipaddress.ip_address(a)) for a in allow_addresses)
        self._cache: dict[tuple[str, int], asyncio.Future[list[str]]] = {}

    def check_literal(self, host: str) -> None:
        """Refuse a literal address or a local name before anything else happens."""
        if self.allow_private:
            return
        h = normalize_host(host)
        if h in _LOCAL_NAMES or h.endswith(".localhost"):
            raise AddressRefused(host, h, "loopback name")
        addr = parse_literal(h)
        if addr is not None and str(addr) not in self.allow_addresses:
            why = refusal(addr)
            if why:
                raise AddressRefused(host, str(addr), why)

    async def resolve(self, host: str, port: int) -> list[str]:
        """The checked addresses to connect to, in resolver order.

        Raises:
            AddressRefused: when any address the host resolves to is refused.
            ResolveFailed: when the name does not resolve.
        """
        key = (normalize_host(host), port)
        fut = self._cache.get(key)
        if fut is None:
            # A literal needs no lookup: answer at once, without a task that would let every
            # other queued coroutine run before the first connection is opened.
            self.check_literal(host)
            literal = parse_literal(key[0])
            if literal is not None:
                fut = asyncio.get_running_loop().create_future()
                fut.set_result([str(literal)])
            else:
                fut = asyncio.ensure_future(self._lookup(host, key[0], port))
            self._cache[key] = fut
        if fut.done():
            return list(fut.result())
        return list(await asyncio.shield(fut))

    async def _lookup(self, original: str, host: str, port: int) -> list[str]:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise ResolveFailed(f"{host!r} does not resolve: {exc}") from exc
        found: list[str] = []
        for *_, sockaddr in infos:
            addr = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if not self.allow_private and str(addr) not in self.allow_addresses:
                why = refusal(addr)
                if why:
                    raise AddressRefused(original, str(addr), why)
            if str(addr) not in found:
                found.append(str(addr))
        if not found:
            raise ResolveFailed(f"{host!r} has no address")
        return found
