"""Verdicts from real responses of local servers (tools/linkcheck/classify.py)."""

from __future__ import annotations

import socket

import pytest
from conftest_linkcheck import Reply, Site, check, check_one, fast_settings, page
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.linkcheck import classify
from tools.linkcheck.classify import is_home, is_login_url

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
    results = check(
        [s.url("/moved"), s.url("/hop"), s.url("/loop")], fast_settings(probe_siblings=False)
    )
    assert results[0].verdict == "broken" and results[0].http_status == 404
    assert (results[1].verdict, results[1].title) == ("ok", "The real page")
    assert "meta refresh" in results[1].detail
    assert results[2].verdict == "ok"  # a refresh to itself is not followed forever


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


@pytest.mark.parametrize("name", ["_PARKED", "_PAYWALL"])
def test_every_alternative_of_a_screened_pattern_holds_a_needed_word(name):
    screened = getattr(classify, name)
    alternatives = _alternatives(screened.regex.pattern)
    assert len(alternatives) > 5
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
    " ", "\n", "attention", "<p>", "sale", "only", "story", "lander", "com",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=8), max_size=12))
def test_screened_patterns_find_what_their_regular_expressions_find(parts):
    text = "".join(parts).lower()
    for screened in (classify._PARKED, classify._PAYWALL):
        assert bool(screened.search(text)) == bool(screened.regex.search(text)), text
