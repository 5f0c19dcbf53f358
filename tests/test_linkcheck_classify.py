"""Verdicts from real responses of local servers (tools/linkcheck/classify.py)."""

from __future__ import annotations

import socket

from conftest_linkcheck import Reply, check, check_one, fast_settings, page

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
                "/members": "login page", "/paid": "paywall", "/nikkei": "paywall"}  # fmt: skip
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
