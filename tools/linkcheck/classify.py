"""From what came back to one verdict per URL.

The rules, in order: no answer (address refused, DNS, refused connection, loop, timeout; a
TLS failure is ``restricted``, see below); then the final status (404/410 broken; 401/403/407
and the refusals servers reserve for robots, 406 from mod_security, 451, LinkedIn's 999 and
Cloudflare's 503 with ``cf-mitigated``, restricted; 429/5xx transient); then what the page says
(not-found wording in its title or first headings, a parked domain, a login page or a paywall,
a bot challenge); then how we got there (a redirect into a sign-in or cookie-consent
interstitial is ``restricted`` and named, never reported with the interstitial's title as if it
were the page; a redirect to the site's home page is a soft 404; a first hop that is a 301/308
is a move, a 302/307 is not).

TLS: a certificate a robot cannot verify is not proof that the page is gone. A chain missing
its intermediate opens in browsers (they fetch it through AIA or have it cached); an expired,
self-signed or wrong-host certificate shows a warning a reader can click through. So every TLS
failure is ``restricted`` (a person should look), with a detail that names what failed; never
``broken``.

Not-found wording is matched as phrases ("page not found", "404 not found", "error 404",
"ページが見つかりません" ...), never a bare number: "Article 404" is a title, not an error. The random-sibling probe and the drift check need more
than one response and live in :mod:`.soft404` and :mod:`.check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from tools.linkcheck.fetch import PERMANENT_CODES, Chain, Response
from tools.linkcheck.htmltext import Page, parse

_NOT_FOUND = re.compile(
    r"\bnot\s+found\b|^\s*404\s*(?:$|[-–—|:])|\b404\s+(?:error|page)\b|\berror\s*:?\s*404\b"
    r"|\bhttp\s+404\b|\bpage\s+(does\s+not|doesn't|no\s+longer)\s+exists?\b"
    r"|\bno\s+longer\s+available\b|\bcan(?:not|'t|’t)\s+be\s+found\b|\bcould\s+not\s+be\s+found\b"
    r"|\bpage\s+unavailable\b|\bpage\s+has\s+been\s+(removed|deleted)\b"
    r"|ページが見つかりません|見つかりませんでした|お探しのページ|ページは存在しません|存在しないページ"
    r"|ページが存在しません|削除されました|公開を終了|掲載を終了|掲載期間が終了|ページがありません"
    r"|指定されたページ|アクセスしようとしたページ",
    re.I,
)


class Screened:
    """A pattern searched for only in a text that holds one of the words it needs.

    Each alternative of the pattern holds one of ``needs`` literally (tested), so a text
    without any of them cannot match. Python's ``re`` tries every alternative at every
    position: on the benchmark's pages (2.4 KB, none holding the words) :data:`_PARKED` took
    33 to 40 us and :data:`_PAYWALL` 25 to 31 us a page, screened 10 us and 5.5 us (best of 7
    passes over 200 pages).
    """

    def __init__(self, pattern: str, needs: tuple[str, ...]):
        self.regex = re.compile(pattern)
        self.needs = needs

    def search(self, text: str) -> re.Match[str] | None:
        """``regex.search(text)``, skipped when no needed word is in ``text``."""
        if not any(word in text for word in self.needs):
            return None
        return self.regex.search(text)


_PARKED = Screened(
    r"this\s+domain\s+(name\s+)?(is|may\s+be)\s+for\s+sale|buy\s+this\s+domain|domain\s+is\s+parked"
    r"|parked\s+(free|domain)|sedoparking|parkingcrew|bodis\.com|hugedomains|afternic"
    r"|dan\.com/buy-domain|window\.location\.href\s*=\s*[\"']/lander"
    r"|このドメインは(売り|販売|お名前\.com)|ドメインパーキング|ドメインは購入可能",
    ("domain", "parked", "parking", "bodis", "afternic", "/lander", "ドメイン"),
)
_PAYWALL = Screened(
    r"\"isaccessibleforfree\"\s*:\s*\"?false|class=[\"'][^\"']*\bpaywall|id=[\"']paywall"
    r"|member-only\s+story|members[- ]only\s+(story|content|article)"
    r"|subscribe\s+to\s+(continue|keep)\s+reading|有料会員|会員限定|会員登録が必要|ログインが必要",
    ("isaccessibleforfree", "paywall", "member", "subscribe", "会員", "ログインが必要"),
)
_CHALLENGE = re.compile(
    r"just\s+a\s+moment|attention\s+required|checking\s+your\s+browser|captcha|ddos-guard"
    r"|access\s+denied|are\s+you\s+a\s+robot|verify\s+you\s+are\s+human",
    re.I,
)
_LOGIN_PATH = re.compile(
    r"(^|/)(log-?in|sign-?in|sign_in|signin|auth|sso|session|oauth2?|accounts?/login)(/|$|\.|\?)",
    re.I,
)
_LOGIN_HOST = re.compile(r"^(login|signin|accounts?|auth|sso|id)\.", re.I)
_CONSENT_URL = re.compile(
    r"(^|[/.])(consent|cookie-?(check|consent|wall)|gdpr|privacy-?gate(way)?|cmp)([/.?]|$)", re.I
)
_CONSENT_TITLE = re.compile(
    r"before\s+you\s+continue|cookie\s+(consent|settings|preferences)|we\s+value\s+your\s+privacy"
    r"|(enable|allow)\s+cookies|cookies?\s+(are\s+)?required|cookie\s+check|クッキー|cookieの",
    re.I,
)
_LOGIN_TITLE = re.compile(r"\b(sign\s*in|log\s*in|login)\b|ログイン|サインイン|会員登録", re.I)
_PASSWORD_FIELD = re.compile(r"<input\b[^>]{0,200}\btype\s*=\s*[\"']?password")
# _PARKED, _PAYWALL and _PASSWORD_FIELD are lower case and run on Page.lower: a
# case-insensitive search over a whole page cost about 7 times as much (0.6 ms a page).
BOT_REFUSALS = {
    406: "refused to a non-browser client (a web firewall such as mod_security)",
    451: "unavailable for legal reasons, or refused to robots",
    999: "refused to robots (LinkedIn-style)",
}
_HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.php", "/ja", "/en", "/ja/", "/en/"}

FAILURES = ("broken", "soft-404")


@dataclass
class Verdict:
    """The verdict on one URL with what supports it."""

    verdict: str
    detail: str
    http_status: int | None = None
    final_url: str | None = None
    title: str | None = None
    page: Page | None = None
    parked: bool = False
    elapsed_ms: int | None = None  # time on the network (queueing for a polite slot excluded)
    error_kind: str | None = None  # FetchError.kind when no answer came back


def is_login_url(url: str) -> bool:
    """Whether a URL looks like a sign-in page."""
    parts = urlsplit(url)
    return bool(_LOGIN_PATH.search(parts.path) or _LOGIN_HOST.match(parts.hostname or ""))


def is_home(url: str) -> bool:
    """Whether a URL is a site's front page."""
    parts = urlsplit(url)
    return parts.path in _HOME_PATHS and not parts.query


def _interstitial(chain: Chain, page: Page | None) -> tuple[str, str] | None:
    """A sign-in or cookie-consent page that a redirect led to instead of the page."""
    final = chain.hops[-1]
    title = page.title if page else ""
    if any(_CONSENT_URL.search(urlsplit(h.url).path or "") for h in chain.hops[1:]) or (
        title and _CONSENT_TITLE.search(title)
    ):
        return "cookie-consent interstitial", final.url
    host = urlsplit(final.url).hostname or ""
    if _CONSENT_URL.search(host):
        return "cookie-consent interstitial", final.url
    if page is not None and (
        (title and _LOGIN_TITLE.search(title)) or _PASSWORD_FIELD.search(page.lower)
    ):
        return "sign-in page", final.url
    return None


def not_found_wording(page: Page) -> str | None:
    """The title or heading that says "not found", in English or Japanese."""
    for text in [page.title, *page.headings[:3]]:
        if text and _NOT_FOUND.search(text):
            return text
    return None


def is_parked(page: Page) -> bool:
    """Whether a page is a parked domain (for sale, ads only)."""
    return bool(_PARKED.search(page.lower))


def error_verdict(chain: Chain) -> Verdict:
    """The verdict for a chain that ended without an answer."""
    err = chain.error
    assert err is not None
    status = chain.hops[-1].status if chain.hops else None
    kind = err.kind
    if kind == "blocked":
        verdict = "blocked"
    elif kind == "tls":
        verdict = "restricted"  # see the module docstring: browsers may open it
    elif kind in ("dns", "connect", "loop", "too-many-redirects", "bad-url"):
        verdict = "broken"
    else:
        verdict = "transient"
    where = f" (after {len(chain.hops)} redirect(s))" if chain.hops else ""
    return Verdict(verdict, f"{err.detail}{where}", status, err.url, error_kind=kind)


def classify(chain: Chain) -> Verdict:
    """One verdict for a request and its redirects (without the sibling probe or drift)."""
    if chain.error is not None:
        v = error_verdict(chain)
        v.elapsed_ms = chain.elapsed_ms
        return v
    final: Response = chain.hops[-1]
    status = final.status
    page = parse(final.body, final.header("content-type")) if final.body and final.is_html else None
    title = page.title if page and page.title else None
    v = Verdict("ok", "", status, final.url, title, page, elapsed_ms=chain.elapsed_ms)
    redirected = len(chain.hops) > 1
    login = next((h.url for h in chain.hops[1:] if is_login_url(h.url)), None)
    challenge = bool(final.header("cf-mitigated")) or bool(page and _CHALLENGE.search(page.title))
    if status >= 400 and page is not None and _CHALLENGE.search(page.text[:2000]):
        challenge = True
    if status in (401, 403, 407) or status in BOT_REFUSALS:
        v.verdict = "restricted"
        why = BOT_REFUSALS.get(status, "not readable by a robot")
        v.detail = f"HTTP {status}: " + ("a bot challenge" if challenge else why)
        if login:
            v.detail += f", via the login page {login}"
        return v
    if status in (404, 410):
        v.verdict, v.detail = "broken", f"HTTP {status} {final.reason}".strip()
        return v
    if status == 429 or status >= 500:
        if challenge:
            v.verdict, v.detail = "restricted", f"HTTP {status}: a bot challenge"
        else:
            v.verdict = "transient"
            v.detail = f"HTTP {status} {final.reason}".strip() + " after retries"
        return v
    if 300 <= status < 400:
        v.verdict, v.detail = "broken", f"HTTP {status} without a usable Location"
        return v
    if status >= 400:
        v.verdict, v.detail = "broken", f"HTTP {status} {final.reason}".strip()
        return v
    interstitial = _interstitial(chain, page) if redirected else None
    if login or interstitial:
        kind, where = ("sign-in page", login) if login else interstitial  # type: ignore[misc]
        shown = f" titled {title!r}" if title else ""
        v.verdict, v.title, v.page = "restricted", None, None
        v.detail = f"redirected to a {kind}{shown} at {where}: the page itself was not seen"
        return v
    if redirected and not is_home(chain.requested) and is_home(final.url):
        v.verdict, v.detail = "soft-404", f"redirected to the site's home page {final.url}"
        return v
    if page is not None:
        wording = not_found_wording(page)
        if wording:
            v.verdict, v.detail = "soft-404", f"the page says it is not there: {wording!r}"
            return v
        if is_parked(page):
            v.verdict, v.detail, v.parked = (
                "soft-404",
                "a parked domain (for sale or ads only)",
                True,
            )
            return v
        if challenge:
            v.verdict, v.detail = "restricted", "a bot challenge page"
            return v
        if _PAYWALL.search(page.lower):
            v.verdict, v.detail = "restricted", "behind a paywall or members-only wall"
            return v
    if redirected and chain.hops[0].status in PERMANENT_CODES:
        v.verdict = "redirected"
        v.detail = f"moved permanently (HTTP {chain.hops[0].status}) to {final.url}"
        return v
    if redirected:
        v.detail = f"temporary redirect (HTTP {chain.hops[0].status}) to {final.url}"
    return v
