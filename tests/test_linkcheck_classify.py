"""Verdicts from real responses of local servers (tools/linkcheck/classify.py)."""

from __future__ import annotations

import socket

import pytest
from conftest_linkcheck import Reply, Site, check, check_one, fast_settings, page
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.linkcheck import classify
from tools.linkcheck.classify import Body, Screened, is_home, is_login_url, says_not_found
from tools.linkcheck.fetch import Chain, Response
from tools.linkcheck.htmltext import parse

pytest_plugins = ("conftest_linkcheck",)


def test_ok_with_title(sites):
    s = sites()
    s.routes["/a"] = Reply(body=page("Attention explained", "queries keys values"))
    r = check_one(s.url("/a"))
    assert (r.verdict, r.http_status, r.title) == ("ok", 200, "Attention explained")


def test_404_and_410_are_broken(sites):
    s = sites()
    s.routes["/gone"] = Reply(410, "gone")
    assert check_one(s.url("/missing")).verdict == "broken"
    r = check_one(s.url("/gone"))
    assert (r.verdict, r.http_status) == ("broken", 410)


def test_permanent_redirect_is_a_move_temporary_is_not(sites):
    s = sites()
    s.routes["/new"] = Reply(body=page("New home", "the article lives here now"))
    s.routes["/old301"] = Reply(301, headers={"Location": "/new"})
    s.routes["/old308"] = Reply(308, headers={"Location": s.url("/new")})
    s.routes["/tmp302"] = Reply(302, headers={"Location": "/new"})
    s.routes["/tmp307"] = Reply(307, headers={"Location": "/new"})
    for path in ("/old301", "/old308"):
        r = check_one(s.url(path), fast_settings(probe_siblings=False))
        assert (r.verdict, r.final_url) == ("redirected", s.url("/new"))
    for path in ("/tmp302", "/tmp307"):
        r = check_one(s.url(path), fast_settings(probe_siblings=False))
        assert (r.verdict, r.final_url) == ("ok", s.url("/new"))


def test_redirect_to_root_is_soft_404(sites):
    s = sites()
    s.routes["/"] = Reply(body=page("News top", "today's headlines"))
    s.routes["/2019/article-1"] = Reply(301, headers={"Location": "/"})
    r = check_one(s.url("/2019/article-1"))
    assert r.verdict == "soft-404" and "home page" in r.detail


def test_not_found_wording_in_english_and_japanese(sites):
    s = sites()
    s.routes["/en"] = Reply(body=page("Oops! Page not found", "try the search box"))
    s.routes["/ja"] = Reply(body=page("お探しのページは見つかりませんでした", "トップへ戻る"))
    s.routes["/sj"] = Reply(
        body=page("ページが見つかりません", "削除", "shift_jis"),
        headers={"Content-Type": "text/html"},
    )
    for path in ("/en", "/ja", "/sj"):
        assert check_one(s.url(path)).verdict == "soft-404", path


def test_parked_domain_is_soft_404_without_history(sites):
    s = sites()
    s.routes["/post"] = Reply(
        body=page("example-blog.com", "This domain is for sale! Buy this domain today.")
    )
    r = check_one(s.url("/post"))
    assert r.verdict == "soft-404" and "parked" in r.detail


def test_restricted_401_403_challenge_login_paywall(sites):
    s = sites()
    s.routes["/401"] = Reply(401, "auth", {"WWW-Authenticate": "Basic"})
    s.routes["/403"] = Reply(
        403, page("Just a moment...", "checking"), {"cf-mitigated": "challenge"}
    )
    s.routes["/503cf"] = Reply(
        503, page("Just a moment...", "checking"), {"cf-mitigated": "challenge"}
    )
    s.routes["/members"] = Reply(302, headers={"Location": "/m/signin?redirect=/members"})
    s.routes["/m/signin?redirect=/members"] = Reply(body=page("Sign in", "email"))
    s.routes["/paid"] = Reply(
        body=page(
            "Deep dive",
            '<script type="application/ld+json">{"isAccessibleForFree": "False"}</script>',
        )
    )
    s.routes["/nikkei"] = Reply(body=page("自己注意機構", "この記事は有料会員限定です"))
    expected = {"/401": "HTTP 401", "/403": "bot challenge", "/503cf": "bot challenge",
                "/members": "sign-in page", "/paid": "paywall", "/nikkei": "paywall"}  # fmt: skip
    for path, words in expected.items():
        r = check_one(s.url(path), fast_settings(probe_siblings=False))
        assert r.verdict == "restricted", (path, r)
        assert words in r.detail, (path, r.detail)


def test_5xx_and_429_are_transient_after_retries(sites):
    s = sites()
    s.routes["/500"] = Reply(500, "boom")
    s.routes["/429"] = Reply(429, "slow down")
    for path in ("/500", "/429"):
        r = check_one(s.url(path), fast_settings(max_retries=2))
        assert r.verdict == "transient"
        assert s.paths().count(path) == 3


def test_refused_connection_and_dns_failure_are_broken():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        r = check_one(f"http://127.0.0.1:{port}/")
    assert r.verdict == "broken" and "refused" in r.detail
    r = check_one("http://no-such-host.invalid/page")
    assert r.verdict == "broken" and "resolve" in r.detail


def test_redirect_loop_and_too_many_redirects_are_broken(sites):
    s = sites()
    s.routes["/a"] = Reply(301, headers={"Location": "/b"})
    s.routes["/b"] = Reply(301, headers={"Location": "/a"})
    for i in range(15):
        s.routes[f"/r{i}"] = Reply(302, headers={"Location": f"/r{i + 1}"})
    r = check_one(s.url("/a"))
    assert r.verdict == "broken" and "loop" in r.detail
    r = check_one(s.url("/r0"), fast_settings(max_redirects=10))
    assert r.verdict == "broken" and "redirects" in r.detail
    assert len(s.paths()) == 2 + 11


def test_helpers():
    assert is_login_url("https://medium.com/m/signin?x=1")
    assert is_login_url("https://accounts.example.com/x")
    assert not is_login_url("https://example.com/blog/login-tips-for-beginners")
    assert is_home("https://example.com/") and is_home("https://example.com/index.html")
    assert not is_home("https://example.com/a")


def test_nothing_reachable_means_our_network_is_down_not_the_links(sites):
    ports = []
    for _ in range(3):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
    hosts = ["127.0.0.1", "127.0.0.1.", "2130706433"]  # three spellings: three host names
    urls = [f"http://{h}:{p}/x" for h, p in zip(hosts, ports, strict=True)]
    results = check(urls)
    assert {r.verdict for r in results} == {"transient"}
    assert "network looks down" in results[0].detail
    s = sites()
    s.routes["/up"] = Reply(body=page("up", "fine"))
    results = check([*urls, s.url("/up")])
    assert [r.verdict for r in results] == ["broken", "broken", "broken", "ok"]


def test_bot_refusals_are_restricted_and_other_4xx_keep_their_reason(sites):
    s = sites()
    s.routes["/modsec"] = Reply(406, "Not Acceptable")
    s.routes["/linkedin"] = Reply(999, "")
    s.routes["/legal"] = Reply(451, "")
    s.routes["/cf"] = Reply(503, page("Just a moment..."), {"cf-mitigated": "challenge"})
    s.routes["/teapot"] = Reply(418, "")
    paths = ["/modsec", "/linkedin", "/legal", "/cf", "/teapot"]
    results = check([s.url(p) for p in paths], fast_settings(probe_siblings=False))
    assert [r.verdict for r in results] == ["restricted"] * 4 + ["broken"]
    assert "mod_security" in results[0].detail and "LinkedIn" in results[1].detail
    assert "challenge" in results[3].detail
    # A 4xx is not "without a usable Location" (the >= 300 test that caught every 4xx).
    assert "Location" not in results[4].detail and results[4].detail.startswith("HTTP 418")


@pytest.mark.parametrize(
    ("cert", "words"),
    [
        ("no-intermediate", "incomplete chain: an intermediate certificate is missing"),
        ("expired", "the certificate has expired"),
        ("self-signed", "self-signed"),
        ("wrong-host", "the certificate is for another host"),
    ],
)
def test_tls_failures_are_restricted_and_say_what_failed(pki, cert, words):
    good = Site("127.0.0.1", tls=(pki["good"], pki["key"]))
    bad = Site("127.0.0.1", tls=(pki[cert], pki["key"]))
    for s in (good, bad):
        s.default = Reply(body=page("Secure page", "text"))
    try:
        settings = fast_settings(ca_file=pki["root"], probe_siblings=False)
        ok, failed = check([good.url("/a"), bad.url("/a")], settings)
    finally:
        good.close()
        bad.close()
    assert (ok.verdict, ok.title) == ("ok", "Secure page")  # the full chain verifies
    assert failed.verdict == "restricted" and words in failed.detail, failed.detail


def test_not_found_wording_is_a_phrase_not_a_number(sites):
    s = sites()
    s.routes["/article"] = Reply(body=page("Article 404: attention heads explained", "text " * 50))
    s.routes["/e1"] = Reply(body=page("404 Not Found", "nothing"))
    s.routes["/e2"] = Reply(body=page("Error 404 | Example blog", "nothing"))
    s.routes["/e3"] = Reply(body=page("404 - Example blog", "nothing"))
    s.routes["/e4"] = Reply(body=page("お探しのページは見つかりませんでした", "なし"))
    paths = ["/article", "/e1", "/e2", "/e3", "/e4"]
    results = check([s.url(p) for p in paths], fast_settings(probe_siblings=False))
    assert [r.verdict for r in results] == ["ok"] + ["soft-404"] * 4


def test_redirects_into_consent_or_sign_in_interstitials_are_named(sites):
    s = sites()
    s.routes["/post"] = Reply(302, headers={"Location": "/consent?continue=/post"})
    s.routes["/consent?continue=/post"] = Reply(body=page("Before you continue", "accept all"))
    s.routes["/check"] = Reply(302, headers={"Location": "/cc?r=/check"})
    s.routes["/cc?r=/check"] = Reply(body=page("Cookies are required", "please enable cookies"))
    s.routes["/story"] = Reply(302, headers={"Location": "/members-area"})
    s.routes["/members-area"] = Reply(
        body=page("Members", "") + b'<form><input type="password" name="pw"></form>'
    )
    paths = ["/post", "/check", "/story"]
    results = check([s.url(p) for p in paths], fast_settings(probe_siblings=False))
    assert [r.verdict for r in results] == ["restricted"] * 3
    assert "cookie-consent interstitial titled 'Before you continue'" in results[0].detail
    assert "cookie-consent interstitial" in results[1].detail
    assert "sign-in page" in results[2].detail  # the URL does not say "login"
    assert all(r.title is None for r in results)  # never the interstitial's title as the page's


def test_meta_refresh_is_followed_like_a_redirect(sites):
    s = sites()
    s.routes["/moved"] = Reply(body=b'<meta http-equiv="refresh" content="0; url=/gone">')
    s.routes["/hop"] = Reply(body=b'<meta http-equiv="refresh" content="0;URL=\'/real\'">')
    s.routes["/real"] = Reply(body=page("The real page", "content"))
    s.routes["/loop"] = Reply(body=b'<meta http-equiv="refresh" content="0; url=/loop">')
    s.routes["/shown"] = Reply(body=b'<meta http-equiv="refresh" content="3; url=/real">')
    urls = [s.url(p) for p in ("/moved", "/hop", "/loop", "/shown")]
    results = check(urls, fast_settings(probe_siblings=False))
    assert results[0].verdict == "broken" and results[0].http_status == 404
    # At once: the page has moved, as a 301 says (and as Google reads it).
    assert (results[1].verdict, results[1].title) == ("redirected", "The real page")
    assert results[1].detail == f"moved: a meta refresh at once to {s.url('/real')}"
    assert results[1].final_url == s.url("/real")
    assert results[2].verdict == "ok"  # a refresh to itself is not followed forever
    # After a few seconds on the page: a detour, the link itself is fine.
    assert (results[3].verdict, results[3].title) == ("ok", "The real page")
    assert results[3].detail == f"a meta refresh leads to {s.url('/real')}"


def test_head_is_not_trusted_for_an_html_answer_to_a_file_path(sites):
    s = sites()
    s.routes["/paper.pdf"] = Reply(body=page("Page not found", "sorry"))
    s.routes["/real.pdf"] = Reply(body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"})
    results = check([s.url("/paper.pdf"), s.url("/real.pdf")], fast_settings(probe_siblings=False))
    assert [r.verdict for r in results] == ["soft-404", "ok"]
    assert s.paths("GET") == ["/paper.pdf"]  # the PDF needed only HEAD


def test_fragments_must_name_an_anchor_on_the_page(sites):
    s = sites()
    s.routes["/doc"] = Reply(
        body=page("Doc", "text")
        + b'<h2 id="multi-head">x</h2><a name="old"></a><h3 id="user-content-gh">y</h3>'
    )
    urls = [
        s.url(u) for u in ("/doc#multi-head", "/doc#old", "/doc#gh", "/doc#missing", "/doc#/route")
    ]
    results = check(urls, fast_settings(probe_siblings=False))
    assert [r.verdict for r in results] == ["ok", "ok", "ok", "broken", "ok"]
    assert results[3].detail == "the anchor #missing is not on the page"
    off = check([urls[3]], fast_settings(probe_siblings=False, check_fragments=False))
    assert off[0].verdict == "ok"


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression's source."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 1
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*out, pattern[start:]]


_SEARCHED = ["_PARKED", "_PAYWALL_MARKUP", "_PAYWALL_WORDS", "_CHALLENGE_MARKUP", "_NOT_FOUND_TEXT"]


def test_every_screened_pattern_is_tested():
    found = {name for name, value in vars(classify).items() if isinstance(value, Screened)}
    assert found == {*_SEARCHED, "_NOT_FOUND"}  # _NOT_FOUND: fullmatch, tested with texts below


@pytest.mark.parametrize("name", _SEARCHED)
def test_every_alternative_of_a_screened_pattern_holds_a_needed_word(name):
    screened = getattr(classify, name)
    alternatives = _alternatives(screened.regex.pattern)
    assert len(alternatives) >= 3
    for alt in alternatives:
        assert any(word in alt.replace("\\", "") for word in screened.needs), alt


# Pieces of texts: what each pattern matches, near misses, and filler.
_PIECES = [
    "this domain is for sale", "this domain name may be for sale", "buy this domain",
    "domain is parked", "parked free", "parked domain", "sedoparking", "parkingcrew",
    "bodis.com", "hugedomains", "afternic", "dan.com/buy-domain",
    "window.location.href = '/lander", "このドメインは売り", "ドメインパーキング",
    "ドメインは購入可能", '"isaccessibleforfree": "false', "class='x paywall", 'id="paywall',
    "member-only story", "members only content", "members-only article",
    "subscribe to keep reading", "有料会員", "会員限定", "会員登録が必要", "ログインが必要",
    "domain", "parked", "member", "subscribe", "会員", "ドメイン", "pay wall", "for sale",
    "_cf_chl_opt", "/cdn-cgi/challenge-platform/", "g-recaptcha", "h-captcha",
    "_incapsula_resource", "captcha-delivery.com", "challenge", "captcha",
    "the page you requested could not be found", "page not found", "404 not found",
    "we can't find that page", "ページが見つかりません", "記事は存在しません", "found", "exist",
    " ", "\n", "attention", "<p>", "sale", "only", "story", "lander", "com",
]  # fmt: skip
# Pieces of titles and headings: not-found messages, their decorations and near misses.
_TITLE_PIECES = [
    "404", "error", "oops", "sorry", "page", "not", "found", "the page you are looking for",
    "does not exist", "can't be found", "we couldn't find that page", "no longer available",
    "http", "エラー", "ページ", "が", "見つかりません", "お探しの", "は", "存在しません", "削除",
    "されました", "掲載", "終了しました", "可能性があります", "移動した", "unavailable", "removed",
    " ", "!", "「", "」", ":", "article", "how to fix", "errors", "in nginx",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=8), max_size=12))
def test_screened_patterns_find_what_their_regular_expressions_find(parts):
    text = "".join(parts).lower()
    for name in _SEARCHED:
        screened = getattr(classify, name)
        assert bool(screened.search(text)) == bool(screened.regex.search(text)), text


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_TITLE_PIECES) | st.text(max_size=6), max_size=8))
def test_the_not_found_screen_never_hides_a_message(parts):
    text = classify._normal("".join(parts))
    assert bool(classify._NOT_FOUND.fullmatch(text)) == bool(
        classify._NOT_FOUND.regex.fullmatch(text)
    ), text


# --- what a page says: whole title segments and headings, short pages ------------------

_ARTICLE_TEXT = " ".join(["queries keys and values weigh every token by similarity"] * 25)


def _article(title: str, extra: str = "", words: str = _ARTICLE_TEXT) -> bytes:
    """An article of about 250 words, with a nav, a sidebar box and a footer."""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<header><nav>Home Blog About</nav></header><main><h1>{title}</h1><p>{words}</p>"
        f"{extra}</main><footer>(c) Example</footer></body></html>"
    ).encode()


def _verdict(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> tuple:
    """Verdict and detail of one answer, without the network (what classify reads of a page)."""
    hdrs = {"content-type": "text/html; charset=utf-8", **(headers or {})}
    answer = Response("http://example.org/x", "GET", status, "", hdrs, body)
    v = classify.classify(Chain([answer], requested=answer.url))
    return v.verdict, v.detail


@pytest.mark.parametrize(
    "text",
    [
        "404", "Error 404", "404 Not Found", "404 error", "Page not found", "Oops! Page not found",
        "Not Found", "File not found", "ページが見つかりません", "お探しのページは見つかりませんでした。",
        "404エラー", "記事が見つかりません", "指定されたURLは存在しません", "HTTP 404",
        "The page you are looking for does not exist", "We can’t find that page",
        "Sorry, we couldn't find that page", "Oops! That page can’t be found.",
        "This page no longer exists", "大変申し訳ございません。ページが見つかりません",
        "掲載期間が終了しました", "404 Page Not Found", "Error 404 not found",
    ],
)  # fmt: skip
def test_error_messages_are_not_found_wording(text):
    assert says_not_found(text)


@pytest.mark.parametrize(
    "text",
    [
        "How to fix 404 Not Found errors in Nginx", "「ページが見つかりません」と表示されるときの対処法",
        "Chrome 120でWeb SQLが削除されました", "Why Python 2 is no longer available on macOS",
        "Article 404", "Not found in translation: attention", "Page", "Error handling in Rust",
        "大変申し訳ございません", "Sorry", "Found in space", "Attention explained",
    ],
)  # fmt: skip
def test_titles_about_errors_are_not_not_found_wording(text):
    assert not says_not_found(text)


_PHRASES = [
    "404 Not Found", "Page not found", "ページが見つかりません", "削除されました", "no longer available",
    "does not exist", "Error 404", "404", "not found", "見つかりませんでした",
]  # fmt: skip
_BEFORE = ["How to fix", "Why the", "Chrome 120で", "Understanding", "「見出し", "When you see"]
_AFTER = ["errors in Nginx", "on macOS", "と表示されるときの対処法", "explained", "」の意味"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_BEFORE), st.sampled_from(_PHRASES), st.sampled_from(_AFTER), st.booleans())
def test_a_phrase_inside_a_longer_title_is_never_not_found(before, phrase, after, both):
    title = f"{before} {phrase} {after}" if both else f"{before} {phrase}"
    page = parse(_article(title), "text/html; charset=utf-8")
    assert classify.not_found_wording(page) is None, title
    if both:
        page = parse(_article(f"{phrase} {after}"), "text/html; charset=utf-8")
        assert classify.not_found_wording(page) is None


@pytest.mark.parametrize(
    ("title", "said"),
    [
        ("Error 404 | Example blog", "Error 404"),
        ("記事が見つかりません - サンプルブログ", "記事が見つかりません"),
        ("404エラー｜サンプル商事", "404エラー"),
        ("Acme — Page not found", "Page not found"),
        ("Sorry, the page you are looking for does not exist ¦ Acme",
         "Sorry, the page you are looking for does not exist"),
    ],
)  # fmt: skip
def test_a_whole_title_segment_says_it(title, said):
    page = parse(_article(title, words="x"), "text/html; charset=utf-8")
    assert classify.not_found_wording(page) == said


def test_the_first_h1_is_read_wherever_it_is(sites):
    s = sites()
    nav = "<header><h2>Menu</h2><h2>Search</h2><h2>Categories</h2></header>"
    s.routes["/gone"] = Reply(
        body=f"<title>Acme Blog</title>{nav}<main><h1>Page not <em>found</em></h1></main>"
    )
    s.routes["/status-codes"] = Reply(
        body=f"<title>Status codes</title>{nav}<h1>Status codes</h1><h2>404 Not Found</h2>"
        f"<p>{_ARTICLE_TEXT}</p>"
    )
    gone, article = check(
        [s.url("/gone"), s.url("/status-codes")], fast_settings(probe_siblings=False)
    )
    assert (gone.verdict, article.verdict) == ("soft-404", "ok")
    assert "Page not found" in gone.detail


def test_a_short_page_is_read_for_the_statement_a_long_one_is_not():
    sidebar = "<aside><ul>" + "<li><a href=/p>popular guide part with examples</a></li>" * 15
    said = "<p>Sorry, the page you requested could not be found.</p>"
    short = _article("Acme Blog", said + sidebar + "</ul></aside>", words="")
    long = _article("Acme Blog", said, words=_ARTICLE_TEXT)
    ja = _article(
        "サンプル商事",
        "<p>お探しのページは存在しないか、移動・削除された可能性があります。</p>",
        words="",
    )
    assert _verdict(short)[0] == "soft-404"
    assert "the page you requested could not be found" in _verdict(short)[1]
    assert _verdict(long) == ("ok", "")
    assert _verdict(ja)[0] == "soft-404"


def test_main_text_leaves_out_chrome_forms_and_comments_in_linear_time():
    html = (
        "<head><title>t</title><nav>menu words</nav><main>Main <b>text</b><!-- hidden -->"
        "<form>user password</form><aside>side</aside>here</main><footer>foot</footer>"
    )
    assert Body(parse(html.encode())).text == "Main text here"
    unclosed = ("<nav>" * 40_000 + "<aside><!--" * 20_000).encode()
    body = Body(parse(unclosed))
    assert body.text == "" and body.short


# --- redirects to interstitials: only the final page is judged ----------------------------


def test_a_move_to_a_page_about_logins_or_cookies_is_a_move(sites):
    s = sites()
    box = "<aside><form action=/login><input name=u><input type='password' name=p></form></aside>"
    targets = {
        "/docs/auth/": _article("Authentication guide: tokens and scopes"),
        "/posts/sidebar/": _article("Attention explained", box),
        "/posts/react-login-form/": _article("Building a login form in React"),
        "/posts/http-cookie/": _article("HTTP Cookieの仕組みを図解する"),
    }
    for i, (path, body) in enumerate(targets.items()):
        s.routes[path] = Reply(body=body)
        s.routes[f"/old{i}"] = Reply(301, headers={"Location": path})
    s.routes["/a"] = Reply(302, headers={"Location": "/sso/login?passive=1&return=/a%3Fsso%3D1"})
    s.routes["/sso/login?passive=1&return=/a%3Fsso%3D1"] = Reply(302, headers={"Location": "/b"})
    s.routes["/b"] = Reply(body=_article("SSO Article"))
    urls = [s.url(f"/old{i}") for i in range(len(targets))] + [s.url("/a")]
    results = check(urls, fast_settings(probe_siblings=False))
    assert [r.verdict for r in results] == ["redirected"] * 4 + ["ok"], [r.detail for r in results]
    assert results[-1].title == "SSO Article"  # the article behind the single sign-on check


def test_sign_in_titles_are_whole_segments(sites):
    s = sites()
    titles = {
        "/s1": "Sign in",
        "/s2": "Log in to Example",
        "/s3": "ログイン | サンプル",
        "/s4": "Login - X",
    }
    for i, (path, title) in enumerate(titles.items()):
        s.routes[path] = Reply(body=_article(title))
        s.routes[f"/r{i}"] = Reply(302, headers={"Location": path})
    results = check([s.url(f"/r{i}") for i in range(4)], fast_settings(probe_siblings=False))
    assert [r.verdict for r in results] == ["restricted"] * 4
    assert all("sign-in page" in r.detail and r.title is None for r in results)


# --- bot challenges and paywalls ------------------------------------------------------------


def test_articles_about_captchas_access_denied_or_members_are_ok():
    pages = [
        _article("How reCAPTCHA v3 scores bots"),
        _article("Fixing Access Denied errors in S3"),
        _article("CAPTCHA - Wikipedia"),
        _article("Contact us", "<form><div class='g-recaptcha' data-sitekey=x></div></form>"),
        _article("自己注意機構とは何か", "<aside><a href=/reg>有料会員登録はこちら</a>"
                 "<ul><li>会員限定 次世代AIの動向</li></ul></aside>"),
        _article("Attentionを図で理解する",
                 "<section id='comments'><p>コメントを書くにはログインが必要です</p></section>"),
        _article("Metered", "<div class='paywall-modal'></div>"),
    ]  # fmt: skip
    assert [_verdict(p)[0] for p in pages] == ["ok"] * len(pages)


def test_challenge_pages_and_paywalls_on_2xx():
    ld = '<script type="application/ld+json">{"isAccessibleForFree": false}</script>'
    cases = {
        _article("Just a moment...", words=""): "a bot challenge page",
        _article("Attention Required! | Cloudflare", words="one"): "a bot challenge page",
        _article("Access denied", words=""): "a bot challenge page",
        b"<script>window._cf_chl_opt={}</script>" + _article("x", words=_ARTICLE_TEXT[:900]): (
            "a bot challenge page (Cloudflare)"
        ),
        _article("Verify", "<div class='h-captcha' data-sitekey=x></div>", words=""): (
            "a bot challenge page (hCaptcha)"
        ),
        _article("Deep dive", ld): "behind a paywall",
        _article("Deep dive", "<div class='paywall'>Subscribe</div>", words="teaser " * 60): (
            "behind a paywall"
        ),
        _article("自己注意機構", "この記事は有料会員限定です", words=""): "behind a paywall",
    }
    for body, words in cases.items():
        verdict, detail = _verdict(body)
        assert verdict == "restricted" and detail.startswith(words), (body[:80], detail)


def test_bot_protection_vendors_are_restricted_and_named(sites):
    s = sites()
    empty = "<html><head><title></title></head><body></body></html>"
    incapsula = (
        '<html><head><META NAME="robots" CONTENT="noindex,nofollow"><script '
        'src="/_Incapsula_Resource?SWJIYLWA=5074a744&ns=1&cb=12" async></script><body></body></html>'
    )
    s.routes["/waf202"] = Reply(202, empty, {"x-amzn-waf-action": "challenge"})
    s.routes["/waf405"] = Reply(405, empty, {"x-amzn-waf-action": "captcha"})
    s.routes["/vercel"] = Reply(
        429, page("Vercel Security Checkpoint", "We're verifying your browser"),
        {"x-vercel-mitigated": "challenge"},
    )  # fmt: skip
    s.routes["/imperva"] = Reply(200, incapsula, {"X-Iinfo": "12-345"})
    s.routes["/datadome"] = Reply(403, empty, {"x-datadome": "protected", "x-dd-b": "1"})
    s.routes["/s3"] = Reply(
        403,
        "<?xml version='1.0'?><Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
        "</Error>",
        {"Content-Type": "application/xml", "Server": "AmazonS3"},
    )
    expected = {
        "/waf202": "HTTP 202: a bot challenge (AWS WAF)",
        "/waf405": "HTTP 405: a bot challenge (AWS WAF)",
        "/vercel": "HTTP 429: a bot challenge (Vercel)",
        "/imperva": "a bot challenge page (Imperva Incapsula)",
        "/datadome": "HTTP 403: a bot challenge (DataDome)",
        "/s3": "HTTP 403: Amazon S3 AccessDenied",
    }
    results = check([s.url(p) for p in expected], fast_settings(probe_siblings=False))
    for r, words in zip(results, expected.values(), strict=True):
        assert r.verdict == "restricted" and r.detail.startswith(words), r.detail
    assert "bot challenge" not in results[-1].detail


# --- front pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "home"),
    [
        ("/", True), ("", True), ("/index.html", True), ("/ja", True), ("/ja/", True),
        ("/ja/index.html", True), ("/en-US/", True), ("/default.aspx", True), ("/top/", True),
        ("/home", True), ("/?removed=1", True), ("/index.php?lang=ja", True),
        ("/a", False), ("/blog/", False), ("/javascript/", False), ("/topics/", False),
        ("/ai/", False), ("/ja/blog/", False), ("/homepage-design", False),
    ],
)  # fmt: skip
def test_front_pages(path, home):
    assert is_home("https://example.com" + path) is home


def test_redirects_to_a_front_page_are_soft_404_but_not_from_one(sites):
    s = sites()
    for path in ("/ja/index.html", "/default.aspx", "/top/", "/?removed=1", "/blog/"):
        s.routes[path] = Reply(body=_article("Sample Corp home"))
    for i, home in enumerate(("/ja/index.html", "/default.aspx", "/top/", "/?removed=1")):
        s.routes[f"/blog/2019/old-{i}"] = Reply(301, headers={"Location": home})
    s.routes["/blog/2019/old-c"] = Reply(301, headers={"Location": "/blog/"})
    s.routes["/index.htm"] = Reply(301, headers={"Location": "/top/"})
    paths = [f"/blog/2019/old-{i}" for i in range(4)] + ["/blog/2019/old-c", "/index.htm"]
    results = check([s.url(p) for p in paths], fast_settings(probe_siblings=False))
    assert [r.verdict for r in results] == ["soft-404"] * 4 + ["redirected"] * 2
