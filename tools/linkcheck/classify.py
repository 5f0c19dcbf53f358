"""From what came back to one verdict per URL.

The rules, in order: no answer (address refused, DNS, refused connection, loop, timeout; a
TLS failure is ``restricted``, see below); then the final status (404/410 broken; 401/403/407
and the refusals servers reserve for robots, 406 from mod_security, 451, LinkedIn's 999, and
any status that a bot-protection service marks as its challenge, restricted; 429/5xx
transient); then what the page says (a bot challenge, not-found wording, a parked domain, a
paywall); then how we got there (a redirect that ends on a sign-in or cookie-consent
interstitial is ``restricted`` and named, never reported with the interstitial's title as if
it were the page; a redirect to the site's front page is a soft 404; a first hop that is a
301/308 is a move, a 302/307 is not).

TLS: a certificate a robot cannot verify is not proof that the page is gone. A chain missing
its intermediate opens in browsers (they fetch it through AIA or have it cached); an expired,
self-signed or wrong-host certificate shows a warning a reader can click through. So every TLS
failure is ``restricted`` (a person should look), with a detail that names what failed; never
``broken``.

What a page says is judged by where the words are, not by the words alone: articles are
written about 404 errors, logins, cookies and CAPTCHAs. Not-found wording counts when a whole
title segment (the title cut at its site-name separators), the first ``<h1>`` or one of the
first headings *is* the error ("404", "Error 404", "Page not found", "ページが見つかりません"
...), never when the phrase is part of a longer title ("How to fix 404 Not Found errors"), and
never a bare number in a longer title ("Article 404"). In running text it counts only on a
short page (under :data:`SHORT_PAGE` words of main text, see :class:`Body`), where the
statement is the page. Sign-in and consent titles, challenge titles and members-only wording
follow the same rule; markup from a bot-protection vendor, a password field on a page that is
little more than its form, and structured paywall markers are the structural signals.

The random-sibling probe and the drift check need more than one response and live in
:mod:`.soft404` and :mod:`.check`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlsplit

from tools.linkcheck.fetch import PERMANENT_CODES, Chain, Response
from tools.linkcheck.htmltext import Page, parse, tokens


class Screened:
    """A pattern tried only on a text that holds one of the words it needs.

    Each alternative of a ``search`` pattern holds one of ``needs`` literally (tested), and a
    text a ``fullmatch`` pattern accepts holds one (tested with random texts), so a text
    without any of them cannot match. Python's ``re`` tries every alternative at every
    position: on the benchmark's pages (2.4 KB, none holding the words) :data:`_PARKED` took
    33 to 40 us and the paywall pattern 25 to 31 us a page, screened 10 us and 5.5 us (best of
    7 passes over 200 pages).
    """

    def __init__(self, pattern: str, needs: tuple[str, ...]):
        self.regex = re.compile(pattern)
        self.needs = needs

    def holds(self, text: str) -> bool:
        """Whether ``text`` holds one of the needed words (without it, nothing can match)."""
        return any(word in text for word in self.needs)

    def search(self, text: str) -> re.Match[str] | None:
        """``regex.search(text)``, skipped when no needed word is in ``text``."""
        return self.regex.search(text) if self.holds(text) else None

    def fullmatch(self, text: str) -> re.Match[str] | None:
        """``regex.fullmatch(text)``, skipped when no needed word is in ``text``."""
        return self.regex.fullmatch(text) if self.holds(text) else None


# Not-found wording, one vocabulary for titles, headings and text. Everything here runs on
# text made by _normal: lower case, straight apostrophes, punctuation turned into spaces.
_EN_SUBJECT = (
    r"(?:(?:the|this|that|your|requested|the\s+requested)\s+)?(?:web\s*)?"
    r"(?:page|url|file|document|article|post|blog\s+post|content|resource|entry|link|story|site)"
)
_EN_WHICH = (
    r"(?:\s+(?:that\s+)?(?:you(?:'re|\s+are|\s+were)\s+(?:looking\s+for|trying\s+to\s+"
    r"(?:reach|access|find|open|view|visit))|you\s+(?:requested|followed|clicked|tried\s+to\s+"
    r"(?:reach|access|find|open|view|visit))|requested))?"
)
_EN_GONE = (
    r"(?:(?:was|is|could|can)(?:\s*not|n't|'t)\s+(?:be\s+)?found|(?:was\s+|is\s+)?not\s+found"
    r"|(?:does|do)(?:\s*not|n't)\s+exist(?:\s+any\s*more)?|no\s+longer\s+exists"
    r"|(?:is\s+|has\s+been\s+)?no\s+longer\s+available|(?:is\s+|has\s+been\s+|was\s+)?(?:removed|deleted))"
)
_EN_WE_CANT = (
    r"(?:we|i)(?:\s+(?:can(?:\s*not|'t)|could(?:\s*not|n't)|did(?:\s*not|n't))|(?:'re|\s+are"
    r"|\s+were|\s+was)\s+unable\s+to)\s+find\s+(?:" + _EN_SUBJECT + _EN_WHICH + r"|what\s+you"
    r"(?:'re|\s+are|\s+were)\s+looking\s+for)"
)
_JA_SUBJECT = (
    r"(?:(?:お探し|お求め|ご指定|ご覧になろうとした)の|(?:ご指定いただいた|指定された|アクセスしようとした"
    r"|アクセスされた|アクセスいただいた|リクエストされた|要求された|該当する|この|該当の)\s*)?"
    r"(?:ページ|url|ファイル|記事|コンテンツ|投稿|エントリー?|ドキュメント|アドレス|リンク先)"
)
_JA_GONE = (
    r"(?:(?:見つかりません|存在しません|ありません|表示できません)(?:でした)?"
    r"|存在しないか\s*.{0,30}可能性があります|(?:(?:移動|変更)(?:または|もしくは|・|か)?\s*)?削除"
    r"(?:されました|された可能性があります)|移動した可能性があります|(?:公開|掲載)(?:期間)?(?:を|が|は)?"
    r"終了(?:しました|いたしました|しております)?|公開されていません)"
)
_STATEMENT = (
    rf"{_EN_SUBJECT}{_EN_WHICH}\s+{_EN_GONE}|{_EN_WE_CANT}"
    rf"|{_JA_SUBJECT}\s*(?:は|が|も)?\s*{_JA_GONE}"
)
_BARE = (
    r"not\s+found|no\s+longer\s+(?:available|exists)|(?:page|content)\s+unavailable"
    r"|見つかりません(?:でした)?|削除されました|(?:公開|掲載)(?:期間)?(?:を|が|は)?終了(?:しました|いたしました)?"
    r"|存在しない(?:ページ|url|記事)です"
)
_CODE = (
    r"(?:(?:http|error|エラー)\s*)?(?:error\s*)?#?\s*404(?:\s*(?:error|page|エラー|ページ))?"
    r"|(?:error|エラー)\s*(?:code\s*)?404"
)
_DECOR = (
    r"(?:oops|whoops|sorry|uh\s*-?\s*oh|hmm+|ouch|oh\s+no|ah|error|alas|apologies|yikes"
    r"|we're\s+sorry|we\s+are\s+sorry|(?:大変)?申し訳(?:ございません|ありません)(?:が|でした)?"
    r"|すみません|ごめんなさい|おっと|エラー)\s*"
)
_NOT_FOUND = Screened(
    rf"(?:{_DECOR})*(?:(?:{_CODE})(?:\s*(?:{_STATEMENT}|{_BARE}))?"
    rf"|(?:{_STATEMENT}|{_BARE})(?:\s*(?:{_CODE}))?)",
    (
        "404", "found", "exist", "find", "available", "removed", "deleted", "見つかりません",
        "存在し", "ありません", "できません", "削除", "終了", "公開されていません", "可能性",
    ),
)  # fmt: skip
# In running text (of a short page), only statements that say which page is missing.
_NOT_FOUND_TEXT = Screened(
    r"\b(?:(?:the|this|that|requested)\s+)?(?:page|url|file|document|article|post)"
    + _EN_WHICH
    + r"\s+(?:(?:was|is|could|can)(?:\s*not|n't|'t)\s+(?:be\s+)?found|(?:does|do)(?:\s*not|n't)\s+"
    r"exist|no\s+longer\s+exists)|\b" + _EN_WE_CANT + r"|\b404\s+(?:page\s+)?not\s+found"
    r"|(?:ページ|url|記事|ファイル)(?:は|が)\s*(?:見つかりません|存在しません|存在しないか|削除されました)",
    ("found", "exist", "find", "見つかりません", "存在し", "削除"),
)
_SEPARATORS = re.compile(r"\s[-~〜]\s|[|｜¦:：·•»«/／【】–—]")
_DECORATION = str.maketrans(
    {**dict.fromkeys('!?.,;。、！？…「」『』()（）[]［］"“”*♪', " "), "’": "'", "‘": "'"}
)
_TAG = re.compile(r"<[^>]*>")

_PARKED = Screened(
    r"this\s+domain\s+(name\s+)?(is|may\s+be)\s+for\s+sale|buy\s+this\s+domain|domain\s+is\s+parked"
    r"|parked\s+(free|domain)|sedoparking|parkingcrew|bodis\.com|hugedomains|afternic"
    r"|dan\.com/buy-domain|window\.location\.href\s*=\s*[\"']/lander"
    r"|このドメインは(売り|販売|お名前\.com)|ドメインパーキング|ドメインは購入可能",
    ("domain", "parked", "parking", "bodis", "afternic", "/lander", "ドメイン"),
)
# A publisher's structured declaration, or a paywall container (counted on a teaser only).
_PAYWALL_MARKUP = Screened(
    r"\"isaccessibleforfree\"\s*:\s*\"?(false)|class=[\"'][^\"']*\bpaywall|id=[\"']paywall",
    ("isaccessibleforfree", "paywall"),
)
# Words that say so, counted in the main text of a short page only: news sites put
# "有料会員登録" in every header and "ログインが必要" in every comment box.
_PAYWALL_WORDS = Screened(
    r"member-only\s+story|members[- ]only\s+(story|content|article)"
    r"|subscribe\s+to\s+(continue|keep)\s+reading|有料会員|会員限定|会員登録が必要|ログインが必要",
    ("member", "subscribe", "会員", "ログインが必要"),
)
# Markup of bot-protection vendors (in Page.lower), with the vendor each names. Only
# _cf_chl_opt is never on a real page; the rest (scripts injected into every page, CAPTCHA
# widgets of contact forms) count on a short page. (AWS WAF and Vercel say it in a header.)
_CHALLENGE_MARKERS = {
    "_cf_chl_opt": "Cloudflare",
    "/cdn-cgi/challenge-platform/": "Cloudflare",
    "challenges.cloudflare.com/turnstile": "Cloudflare Turnstile",
    "h-captcha": "hCaptcha",
    "hcaptcha.com/1/api.js": "hCaptcha",
    "g-recaptcha": "reCAPTCHA",
    "google.com/recaptcha/api.js": "reCAPTCHA",
    "_incapsula_resource": "Imperva Incapsula",
    "captcha-delivery.com": "DataDome",
}
_CHALLENGE_MARKUP = Screened(
    "|".join(re.escape(marker) for marker in _CHALLENGE_MARKERS),
    ("_cf_chl", "challenge", "captcha", "incapsula"),
)
_NEAR_EMPTY = 1000  # characters of a page's whole text: more, and it is not a challenge page
# Headers every answer of a vendor carries: they name it on an error status, nothing more.
_VENDOR_HEADERS = {"x-iinfo": "Imperva Incapsula", "x-datadome": "DataDome"}
_CHALLENGE_TITLE = re.compile(
    r"just\s+a\s+moment|attention\s+required|checking\s+your\s+browser(?:\s+before\s+accessing.*)?"
    r"|one\s+more\s+step|are\s+you\s+a\s+(?:robot|human)|robot\s+or\s+human|human\s+verification"
    r"|verify(?:ing)?\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human|(?:vercel\s+)?security\s+checkpoint"
    r"|security\s+check|bot\s+verification|pardon\s+our\s+interruption|ddos-guard|captcha"
)
_DENIED_TITLE = re.compile(r"access\s+denied|アクセスが拒否されました")
# On an error status the text may say it too (Page.text[:2000], case-insensitive).
_CHALLENGE_TEXT = re.compile(
    r"checking\s+your\s+browser|verify(?:ing)?\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human"
    r"|verifying\s+your\s+browser|are\s+you\s+a\s+robot|captcha|ddos-guard",
    re.I,
)
_LOGIN_PATH = re.compile(
    r"(^|/)(log-?in|sign-?in|sign_in|signin|oauth2?/authorize|accounts?/login|saml2?)(/|$|\.|\?)"
    r"|^/(auth|sso|session|oauth2?)(/|$|\.|\?)",
    re.I,
)
_LOGIN_HOST = re.compile(r"^(login|signin|accounts?|auth|sso|id)\.", re.I)
_CONSENT_URL = re.compile(
    r"(^|[/.])(consent|cookie-?(check|consent|wall)|gdpr|privacy-?gate(way)?|cmp)([/.?]|$)", re.I
)
_CONSENT_TITLE = re.compile(
    r"before\s+you\s+continue(?:\s+to\s+.+)?|cookie\s+(?:consent|settings|preferences|check)"
    r"|(?:we|this\s+site)\s+values?\s+your\s+privacy|(?:please\s+)?(?:enable|allow|accept)\s+cookies"
    r"|cookies?\s+(?:are\s+|is\s+)?(?:required|disabled|needed)|privacy\s+(?:consent|choices)"
    r"|(?:クッキー|cookie)(?:の(?:使用|利用|設定)(?:について|への同意)?|を有効にしてください|が無効です)"
)
_LOGIN_TITLE = re.compile(
    r"(?:please\s+|members?\s+|user\s+|account\s+)?(?:sign|log)\s*-?\s*(?:in|on)"
    r"(?:\s+(?:to|with|into)\s+.+|\s+or\s+(?:sign\s+up|register|create\s+an\s+account))?"
    r"|login(?:\s+(?:to|with)\s+.+)?|(?:sign|log)\s*in\s+(?:required|page)"
    r"|(?:会員)?ログイン(?:ページ|画面)?|サインイン|ログインが必要です|ログインしてください"
)
_PASSWORD_FIELD = re.compile(r"<input\b[^>]{0,200}\btype\s*=\s*[\"']?password")
# _PARKED, the paywall and challenge markup and _PASSWORD_FIELD are lower case and run on
# Page.lower: a case-insensitive search over a whole page cost about 7 times as much.
BOT_REFUSALS = {
    406: "refused to a non-browser client (a web firewall such as mod_security)",
    451: "unavailable for legal reasons, or refused to robots",
    999: "refused to robots (LinkedIn-style)",
}
_LANGUAGES = (
    "ja|en|zh|ko|de|fr|es|it|pt|ru|nl|pl|sv|da|fi|no|nb|cs|hu|tr|el|he|ar|hi|th|vi|id|ms|uk"
)
_HOME_PATH = re.compile(
    rf"/?(?:(?:{_LANGUAGES})(?:[-_][a-z]{{2,4}})?(?:/|$))?"
    r"(?:(?:index|default|top|home)(?:\.[a-z0-9]{1,5})?/?)?",
    re.I,
)
# Elements that are not a page's main text: its chrome (navigation, sidebars, header, footer),
# its forms and what is not text.
_CHROME = re.compile(
    r"<(!--|(?:head|title|nav|header|footer|aside|form|script|style|noscript|template|svg|select"
    r"|button)\b)",
    re.I,
)
SHORT_PAGE = 80  # words (a CJK character counts as one) of main text: a page with fewer is short
TEASER = 150  # words of main text next to a paywall container: the article is cut off
_MAX_SHORT_TEXT = 8000  # characters of a page's whole text beyond which it is never short

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


class Body:
    """A page's main text: its visible text outside navigation, sidebars, header, footer, forms.

    Worked out only when a rule needs it (a few in a thousand pages): short pages are where a
    sentence, a password field or a CAPTCHA widget is the page rather than a part of it.
    """

    def __init__(self, page: Page):
        self.page = page

    @functools.cached_property
    def text(self) -> str:
        """The main text, whitespace collapsed (from the first 200,000 characters)."""
        raw = self.page.raw[:200_000]
        kept: list[str] = []
        pos = 0
        unclosed: set[str] = set()  # no end tag after the first one without: linear time
        for m in _CHROME.finditer(raw):
            if m.start() < pos:
                continue  # inside an element already left out
            kept.append(raw[pos : m.start()])
            name = m.group(1).lower()
            end = r"-->" if name == "!--" else rf"</{name}\s*>"
            close = None if name in unclosed else re.compile(end, re.I).search(raw, m.end())
            if close:
                pos = close.end()
            else:  # an unclosed element (</head> may be left out): only its tag goes
                unclosed.add(name)
                pos = raw.find(">", m.end()) + 1 or len(raw)
        kept.append(raw[pos:])
        return " ".join(unescape(_TAG.sub(" ", "".join(kept))).split())

    @functools.cached_property
    def short(self) -> bool:
        """Whether the page has fewer than :data:`SHORT_PAGE` words of main text."""
        return len(self.page.text) <= _MAX_SHORT_TEXT and _words(self.text) < SHORT_PAGE

    @functools.cached_property
    def teaser(self) -> bool:
        """Whether the main text is short enough to be an article cut off (:data:`TEASER`)."""
        return len(self.page.text) <= 4 * _MAX_SHORT_TEXT and _words(self.text) < TEASER


def _words(text: str) -> int:
    """Words of a text, a CJK character counting as one (htmltext's bigrams, one a character)."""
    return len(tokens(text))


def _normal(text: str) -> str:
    """Lower case, straight apostrophes, punctuation as spaces, whitespace collapsed."""
    return " ".join(text.translate(_DECORATION).lower().split())


def segments(title: str) -> list[str]:
    """A title cut at its site-name separators ("|", " - ", ":", "｜", "–" ...)."""
    return [s for s in _SEPARATORS.split(title) if s.strip()]


def says_not_found(text: str) -> bool:
    """Whether a whole title segment or heading is a not-found message (decorations allowed)."""
    low = text.lower()  # screened before _normal: it keeps every needed word
    return _NOT_FOUND.holds(low) and bool(_NOT_FOUND.fullmatch(_normal(text)))


def is_login_url(url: str) -> bool:
    """Whether a URL looks like a sign-in page."""
    parts = urlsplit(url)
    return bool(_LOGIN_PATH.search(parts.path) or _LOGIN_HOST.match(parts.hostname or ""))


def is_home(url: str) -> bool:
    """Whether a URL is a site's front page, with any query.

    The root, a language's root and an index page under either: ``/``, ``/ja/``, ``/en-us``,
    ``/index.html``, ``/ja/index.html``, ``/default.aspx``, ``/top/``, ``/home``.
    """
    return _HOME_PATH.fullmatch(urlsplit(url).path) is not None


@functools.lru_cache(maxsize=64)
def _normal_segments(title: str) -> tuple[tuple[str, str], ...]:
    """Each segment of a title with its :func:`_normal` form (a page asks up to four times)."""
    return tuple((seg.strip(), _normal(seg)) for seg in segments(title))


def _front_requested(url: str) -> bool:
    """Whether the URL asked for is a front page: a query names other content (``/?p=123``)."""
    return is_home(url) and not urlsplit(url).query


def _whole(title: str, pattern: re.Pattern[str] | Screened) -> str | None:
    """The segment of ``title`` that ``pattern`` matches whole (after :func:`_normal`)."""
    for seg, normal in _normal_segments(title):
        if pattern.fullmatch(normal):
            return seg
    return None


def not_found_wording(page: Page, body: Body | None = None) -> str | None:
    """The title segment, heading or short page's sentence that says "not found".

    Args:
        page: the page read.
        body: its main text, when the caller has one already.

    Returns:
        The words that say it (a whole title segment, the first ``<h1>``, one of the first
        three headings, or a statement in the main text of a short page), or None.
    """
    low = page.title.lower()
    seg = _NOT_FOUND.holds(low) and _whole(page.title, _NOT_FOUND)
    if seg:
        return seg
    for heading in [*page.headings[:3], page.h1]:
        if heading and says_not_found(heading):
            return heading
    if len(page.text) > _MAX_SHORT_TEXT:
        return None
    low = page.text.lower()
    if not _NOT_FOUND_TEXT.holds(low):
        return None
    body = body or Body(page)
    if not body.short:
        return None
    m = _NOT_FOUND_TEXT.search(_normal(body.text))
    return m.group(0) if m else None


def is_parked(page: Page) -> bool:
    """Whether a page is a parked domain (for sale, ads only)."""
    return bool(_PARKED.search(page.lower))


def challenge_vendor(final: Response, page: Page | None, body: Body | None) -> str | None:
    """Who answered with a bot challenge instead of the page ("" when nobody is named).

    Args:
        final: the last answer.
        page: its page, if it was HTML.
        body: the page's main text (worked out only if a rule needs it).

    Returns:
        The vendor ("Cloudflare", "AWS WAF" ...), "" for a challenge that names none, or None
        when the answer is not a challenge.
    """
    vendor = final.challenged_by
    if vendor is not None:
        return vendor
    error = final.status >= 400
    named = ""
    if error:
        named = next((v for h, v in _VENDOR_HEADERS.items() if final.header(h) is not None), "")
    if page is None or body is None:
        return named if named else None
    if error:
        m = _CHALLENGE_MARKUP.search(page.lower)
        if m:
            return _CHALLENGE_MARKERS[m.group(0)]
        said = _whole(page.title, _CHALLENGE_TITLE) or _CHALLENGE_TEXT.search(page.text[:2000])
        return named if said or named else None
    # A page that is little more than its title: "CAPTCHA - Wikipedia" is an article.
    if len(page.text) > _NEAR_EMPTY:
        return None
    m = _CHALLENGE_MARKUP.search(page.lower)
    if m and (m.group(0) == "_cf_chl_opt" or body.short):
        return _CHALLENGE_MARKERS[m.group(0)]
    if (_whole(page.title, _CHALLENGE_TITLE) or _whole(page.title, _DENIED_TITLE)) and body.short:
        return ""
    return None


def _challenge_detail(vendor: str, what: str = "a bot challenge") -> str:
    return what + (f" ({vendor})" if vendor else "")


def _refusal(final: Response, page: Page | None) -> str:
    """Why a 401/403/407 or a robots' refusal was given, as far as the answer says."""
    status = final.status
    if status == 403 and page is not None and "<code>accessdenied</code>" in page.lower:
        return (
            "Amazon S3 AccessDenied (a private object, or a key that does not exist in a bucket "
            "that does not list its keys)"
        )
    return BOT_REFUSALS.get(status, "not readable by a robot")


def _interstitial(final: Response, page: Page | None, body: Body | None) -> str | None:
    """What sign-in or cookie-consent page a redirect ended on instead of the page, if any.

    Only the final page is judged: a single sign-on check that bounces back to the article
    passed through a login URL, and the article is what was seen.
    """
    parts = urlsplit(final.url)
    if _CONSENT_URL.search(parts.path or "") or _CONSENT_URL.search(parts.hostname or ""):
        return "cookie-consent interstitial"
    if is_login_url(final.url):
        return "sign-in page"
    if page is None:
        return None
    if page.title and _whole(page.title, _CONSENT_TITLE):
        return "cookie-consent interstitial"
    if page.title and _whole(page.title, _LOGIN_TITLE):
        return "sign-in page"
    if body is not None and _PASSWORD_FIELD.search(page.lower) and body.short:
        return "sign-in page"
    return None


def _paywalled(page: Page, body: Body) -> bool:
    """Whether a page is behind a paywall or members-only wall."""
    m = _PAYWALL_MARKUP.search(page.lower)
    if m and (m.group(1) or body.teaser):
        return True
    return (
        bool(_PAYWALL_WORDS.search(page.lower))
        and body.short
        and bool(_PAYWALL_WORDS.search(body.text.lower()))
    )


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
    body = Body(page) if page is not None else None
    title = page.title if page and page.title else None
    v = Verdict("ok", "", status, final.url, title, page, elapsed_ms=chain.elapsed_ms)
    redirected = len(chain.hops) > 1
    if status in (404, 410):
        v.verdict, v.detail = "broken", f"HTTP {status} {final.reason}".strip()
        return v
    vendor = challenge_vendor(final, page, body)
    if status in (401, 403, 407) or status in BOT_REFUSALS:
        v.verdict = "restricted"
        why = _challenge_detail(vendor) if vendor is not None else _refusal(final, page)
        v.detail = f"HTTP {status}: {why}"
        login = next((h.url for h in chain.hops[1:] if is_login_url(h.url)), None)
        if login:
            v.detail += f", via the login page {login}"
        return v
    if vendor is not None:
        v.verdict = "restricted"
        v.detail = (
            _challenge_detail(vendor, "a bot challenge page")
            if status == 200
            else f"HTTP {status}: {_challenge_detail(vendor)}"
        )
        return v
    if status == 429 or status >= 500:
        v.verdict = "transient"
        v.detail = f"HTTP {status} {final.reason}".strip() + " after retries"
        return v
    if 300 <= status < 400:
        v.verdict, v.detail = "broken", f"HTTP {status} without a usable Location"
        return v
    if status >= 400:
        v.verdict, v.detail = "broken", f"HTTP {status} {final.reason}".strip()
        return v
    kind = _interstitial(final, page, body) if redirected else None
    if kind:
        shown = f" titled {title!r}" if title else ""
        v.verdict, v.title, v.page = "restricted", None, None
        v.detail = f"redirected to a {kind}{shown} at {final.url}: the page itself was not seen"
        return v
    if redirected and not _front_requested(chain.requested) and is_home(final.url):
        v.verdict, v.detail = "soft-404", f"redirected to the site's home page {final.url}"
        return v
    if page is not None and body is not None:
        wording = not_found_wording(page, body)
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
        if _paywalled(page, body):
            v.verdict, v.detail = "restricted", "behind a paywall or members-only wall"
            return v
    if redirected and chain.hops[0].status in PERMANENT_CODES:
        v.verdict = "redirected"
        v.detail = f"moved permanently (HTTP {chain.hops[0].status}) to {final.url}"
        return v
    if redirected:
        v.detail = f"temporary redirect (HTTP {chain.hops[0].status}) to {final.url}"
    return v
