"""URLs in one place: what counts as a usable link, and when two links are the same page.

Built on ``rfc3986`` (parsing, validation and the RFC's syntax-based normalisation: case of
scheme and host, case of percent-escapes, dot segments), with our domain rules on top for
duplicate detection: http and https alike, default ports, user info, fragments, tracking
parameters and trailing slashes dropped, the query sorted. Escapes of *unreserved* characters
are decoded (``%7E`` is ``~``, RFC 3986 section 6.2.2.2); escapes of *reserved* ones are kept,
because ``/a%2Fb`` and ``/a/b`` are different resources.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import rfc3986
from rfc3986.exceptions import InvalidComponentsError, MissingComponentError, RFC3986Exception

HTTP_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": "80", "https": "443"}
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid"}
    | {"mc_eid", "_ga", "_gl", "ref_src", "ref_url", "si", "spm", "share", "sharing"}
)
"""Query keys that only say where a click came from (plus every ``utm_*`` key)."""

_UNRESERVED_ESCAPE = re.compile(r"%(2[DdEe]|5[Ff]|7[Ee]|3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa])")


def _encoded(url: str) -> rfc3986.URIReference:
    """The URI of ``url`` (an IRI may hold non-ASCII text: it is UTF-8 percent-encoded)."""
    try:
        return rfc3986.iri_reference(url).encode()
    except (RFC3986Exception, UnicodeError, ValueError):
        return rfc3986.uri_reference(url)


def url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL (a short phrase), or None when it is one."""
    if any(ch.isspace() for ch in url):
        return "it contains whitespace"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as err:
        return f"it is malformed ({err})"
    if not parts.scheme:
        return "it is relative"
    if parts.scheme.lower() not in HTTP_SCHEMES:
        return f"its scheme is '{parts.scheme}:'"
    if not parts.hostname:
        return "it has no host"
    validator = (
        rfc3986.validators.Validator()
        .require_presence_of("scheme", "host")
        .check_validity_of("scheme", "userinfo", "host", "port", "path", "query", "fragment")
    )
    try:
        validator.validate(_encoded(url))
    except (MissingComponentError, InvalidComponentsError) as err:
        return f"it is malformed (invalid {', '.join(sorted(err.components))})"
    return None


def is_http_url(url: object) -> bool:
    """Whether ``url`` is a string holding an absolute http(s) URL (safe to put in an ``href``)."""
    return isinstance(url, str) and url_problem(url) is None


def _decode_unreserved(text: str) -> str:
    return _UNRESERVED_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _is_tracking(pair: str) -> bool:
    key = unquote(pair.split("=", 1)[0]).lower()
    return key.startswith("utm_") or key in TRACKING_PARAMS


def normalise_url(url: str) -> str:
    """A comparison key for ``url``: two URLs with the same key point at the same page.

    Args:
        url: an absolute http(s) URL (anything else is returned stripped, unchanged otherwise).

    Returns:
        The normalised form, only meant for comparison.
    """
    text = url.strip()
    if url_problem(text) is not None:
        return text
    uri = _encoded(text).normalize()
    scheme = (uri.scheme or "").lower()
    host = (uri.host or "").rstrip(".")
    port = uri.port if uri.port not in (None, "", DEFAULT_PORTS.get(scheme)) else None
    authority = f"{host}:{port}" if port else host
    path = _decode_unreserved(uri.path or "")
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    pairs = [p for p in (uri.query or "").split("&") if p and not _is_tracking(p)]
    query = "&".join(sorted(_decode_unreserved(p) for p in pairs))
    return f"https://{authority}{path}" + (f"?{query}" if query else "")
