"""The HTTP client (tools/linkcheck/fetch.py): politeness, retries, deadlines, bodies, URLs."""

from __future__ import annotations

import email.utils
import time

from conftest_linkcheck import Reply, check, check_one, fast_settings, page

from tools.linkcheck.fetch import is_file_path, prepare, retry_after

pytest_plugins = ("conftest_linkcheck",)


def test_per_host_interval_and_concurrency(sites):
    s = sites()
    s.default = Reply(body=page("p", "x"), delay=0.05)
    urls = [s.url(f"/p{i}?q=1") for i in range(12)]  # a query: no sibling probe
    check(urls, fast_settings(host_interval=0.1, host_concurrency=3))
    starts = sorted(r.at for r in s.requests)
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 12
    # Arrival times carry the server threads' scheduling jitter: judge the span and the median.
    assert starts[-1] - starts[0] >= 11 * 0.1 * 0.9, gaps
    assert sorted(gaps)[len(gaps) // 2] >= 0.09, gaps
    assert s.max_active <= 3


def test_concurrency_limit_without_interval(sites):
    s = sites()
    s.default = Reply(body=page("p", "x"), delay=0.2)
    check([s.url(f"/c{i}?x") for i in range(8)], fast_settings(host_concurrency=2))
    assert s.max_active == 2


def test_retry_after_seconds_and_http_date(sites):
    s = sites()
    calls = {"/s": 0, "/d": 0}

    def limited(path: str, header: str):
        def route(seen):
            calls[path] += 1
            if calls[path] == 1:
                return Reply(429, "wait", {"Retry-After": header})
            return Reply(body=page("fine", "ok now"))

        return route

    s.routes["/s"] = limited("/s", "1")
    r = check_one(s.url("/s"))
    gap = s.requests[1].at - s.requests[0].at
    assert r.verdict == "ok" and gap >= 0.9
    date = email.utils.formatdate(time.time() + 2, usegmt=True)
    s.routes["/d"] = limited("/d", date)
    r = check_one(s.url("/d"))
    d = [x.at for x in s.requests if x.path == "/d"]
    gap = d[1] - d[0]
    assert r.verdict == "ok" and gap >= 0.9


def test_retry_after_longer_than_we_wait_gives_up(sites):
    s = sites()
    s.routes["/x"] = Reply(503, "busy", {"Retry-After": "3600"})
    r = check_one(s.url("/x"))
    assert r.verdict == "transient" and "Retry-After" in r.detail
    assert len(s.requests) == 1


def test_no_retry_for_404_and_retry_for_reset(sites):
    s = sites()
    check_one(s.url("/nothing"), fast_settings(max_retries=3))
    assert s.paths() == ["/nothing"]
    s.routes["/drop"] = Reply(drop=True)
    r = check_one(s.url("/drop"), fast_settings(max_retries=2))
    assert r.verdict == "transient"
    assert s.paths().count("/drop") == 3


def test_read_timeout_and_trickle_deadline(sites):
    s = sites()
    s.routes["/slow"] = Reply(body=page("slow"), delay=3)
    s.routes["/trickle"] = Reply(body=b"x" * 10_000, trickle=0.05)
    t0 = time.monotonic()
    r = check_one(s.url("/slow"), fast_settings(read_timeout=0.5, max_retries=0))
    assert r.verdict == "transient" and "timed out" in r.detail
    r = check_one(s.url("/trickle"), fast_settings(request_deadline=1.0, max_retries=0))
    assert r.verdict == "transient" and "deadline" in r.detail
    assert time.monotonic() - t0 < 4


def test_bounded_body_gzip_deflate_chunked(sites):
    s = sites()
    big = page("Big page", "word " * 400_000)  # about 2 MB
    s.routes["/big"] = Reply(body=big)
    s.routes["/gz"] = Reply(body=page("Gzipped title", "text"), encoding="gzip")
    s.routes["/df"] = Reply(body=page("Deflated title", "text"), encoding="deflate")
    s.routes["/ch"] = Reply(body=page("Chunked title", "text " * 2000), encoding="chunked")
    s.routes["/bomb"] = Reply(body=b"<title>bomb</title>" + b"\0" * 50_000_000, encoding="gzip")
    settings = fast_settings(max_body=64 * 1024, probe_siblings=False)
    results = check([s.url(p) for p in ("/big", "/gz", "/df", "/ch", "/bomb")], settings)
    assert [r.title for r in results] == [
        "Big page",
        "Gzipped title",
        "Deflated title",
        "Chunked title",
        "bomb",
    ]
    assert all(r.verdict == "ok" for r in results)
    assert s.requests[0].headers["accept-encoding"] == "gzip, deflate"


def test_user_agent_encoded_paths_idn_and_fragment(sites):
    s = sites()
    s.default = Reply(body=page("any", "page"))
    check(
        [s.url("/nishio/注意機構#section"), s.url("/a%20b/c d?q=é")],
        fast_settings(probe_siblings=False),
    )
    paths = sorted(s.paths())  # both requests run at once: the server sees them in any order
    assert paths == ["/a%20b/c%20d?q=%C3%A9", "/nishio/%E6%B3%A8%E6%84%8F%E6%A9%9F%E6%A7%8B"]
    assert "AttentionAtlas" in s.requests[0].headers["user-agent"]
    assert prepare("http://Bücher.example/ä#x").url == "http://xn--bcher-kva.example/%C3%A4"


def test_head_for_files_with_get_fallback(sites):
    s = sites()
    s.routes["/paper.pdf"] = Reply(body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"})

    def no_head(seen):
        if seen.method == "HEAD":
            return Reply(405, "no HEAD")
        return Reply(body=b"%PDF", headers={"Content-Type": "application/pdf"})

    s.routes["/slides.pdf"] = no_head
    results = check([s.url("/paper.pdf"), s.url("/slides.pdf")])
    assert [r.verdict for r in results] == ["ok", "ok"]
    assert sorted((x.method, x.path) for x in s.requests) == [
        ("GET", "/slides.pdf"), ("HEAD", "/paper.pdf"), ("HEAD", "/slides.pdf")
    ]  # fmt: skip
    assert is_file_path("https://x.org/a/b.PDF") and not is_file_path("https://x.org/a/b.html")


def test_retry_after_parsing():
    assert retry_after("5") == 5.0
    assert retry_after(None) is None and retry_after("soon") is None
    assert 9 <= retry_after(email.utils.formatdate(1000.0 + 10, usegmt=True), now=1000.0) <= 10


def test_run_deadline_turns_unfinished_links_into_transient(sites):
    s = sites()
    s.routes["/quick?x"] = Reply(body=page("quick"))
    s.routes["/stuck?x"] = Reply(body=page("stuck"), delay=3)
    t0 = time.monotonic()
    results = check(
        [s.url("/quick?x"), s.url("/stuck?x")], fast_settings(run_deadline=0.5, read_timeout=10)
    )
    assert time.monotonic() - t0 < 2
    assert [r.verdict for r in results] == ["ok", "transient"]
    assert "run deadline" in results[1].detail


def test_https_verifies_the_name_and_connects_to_the_resolved_address(tls_files):
    from conftest_linkcheck import Site

    site = Site("127.0.0.1", tls=tls_files)
    try:
        site.routes["/secure?x"] = Reply(body=page("Secure page", "over TLS"))
        url = f"https://localhost:{site.port}/secure?x"
        r = check_one(url)
        assert r.verdict == "broken" and "TLS" in r.detail  # our test CA is not trusted
        r = check_one(url, fast_settings(ca_file=tls_files[0]))
        assert (r.verdict, r.title) == ("ok", "Secure page")
        assert site.requests[-1].headers["host"] == f"localhost:{site.port}"
    finally:
        site.close()
