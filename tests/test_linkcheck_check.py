"""Checking a list of links (tools/linkcheck/check.py): start order, results order, preloading."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest_linkcheck import Reply, check, fast_settings, page

from tools.linkcheck.check import _host_by_host
from tools.linkcheck.results import Link

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ("conftest_linkcheck",)


def test_links_start_host_by_host_keeping_each_hosts_order():
    urls = ["https://a.org/1", "https://a.org/2", "https://a.org/3", "https://b.org/1",
            "https://B.org/2", "https://c.org/1", "http://[::1", "https://a.org/4"]  # fmt: skip
    order, host_of = _host_by_host([Link(u) for u in urls])
    assert host_of == ["a.org", "a.org", "a.org", "b.org", "b.org", "c.org", "[::1", "a.org"]
    assert [urls[n] for n in order] == [
        "https://a.org/1", "https://b.org/1", "https://c.org/1", "http://[::1",
        "https://a.org/2", "https://B.org/2",
        "https://a.org/3",
        "https://a.org/4",
    ]  # fmt: skip


def test_the_start_order_groups_hosts_as_urlsplit_does():
    from urllib.parse import urlsplit

    urls = ["https://d.org?q=1", "https://d.org#top", "https://D.org/x", "http://d.org:8080/",
            "https://u:p@d.org/a", "https://d.org:443/b", "https://xn--bcher-kva.example/",
            "https://e.org", "https://e.org/?a#b", "http://[2001:db8::1]:81/p", "mailto:x@y"]  # fmt: skip
    order, host_of = _host_by_host([Link(u) for u in urls])
    netlocs = [urlsplit(u).netloc.lower() for u in urls]
    assert host_of == netlocs
    rank = [sum(netlocs[m] == netlocs[n] for m in range(n)) for n in range(len(urls))]
    assert [rank[n] for n in order] == sorted(rank)  # every host's first, then second ...


def test_results_keep_the_lists_order_across_hosts_and_batches(sites):
    a, b = sites(), sites()
    a.default = Reply(body=page("A page", "on host a"))
    b.default = Reply(body=page("B page", "on host b"))
    b.routes["/gone/7?x"] = Reply(404, page("Not Found"))
    urls = [a.url(f"/p/{i}?x") for i in range(60)] + [b.url(f"/gone/{i}?x") for i in range(10)]
    results = check(urls, fast_settings())
    assert [r.url for r in results] == urls
    assert [r.verdict for r in results[60:]] == ["ok"] * 7 + ["broken"] + ["ok"] * 2
    assert len(a.requests) == 60 and len(b.requests) == 10


def test_a_hosts_connections_close_once_its_last_link_is_checked(sites):
    done, slow = sites(), sites()
    done.connection = "keep-alive"  # its connections stay open for reuse ...
    done.default = Reply(body=page("Page", "text"))
    slow.default = Reply(body=page("Slow page", "text"), delay=1.5)
    urls = [done.url(f"/p/{i}") for i in range(3)] + [slow.url("/p/0")]
    results = check(urls, fast_settings(probe_siblings=False))
    assert [r.verdict for r in results] == ["ok"] * 4
    # ... until its last link is checked: closed while the slow host is still answering.
    answered = slow.requests[0].at + 1.5
    early = [t for t in done.ended if t < answered - 0.5]
    assert len(early) == done.connections >= 1, (done.ended, answered)


def test_after_a_404_the_hosts_links_in_that_folder_are_checked_first(sites):
    s = sites()
    s.default = Reply(body=page("Page", "text"))
    for n in range(0, 20, 2):
        s.routes[f"/gone/{n}"] = Reply(404, page("Not Found"))
    urls = [s.url(f"/gone/{n}" if n % 2 == 0 else f"/page/{n}") for n in range(20)]
    results = check(urls, fast_settings(host_concurrency=1, probe_siblings=False))
    assert [r.verdict for r in results] == ["broken", "ok"] * 10
    # One slot: /gone/0's 404 is known before the slot passes on, so /gone/ goes first.
    gone, pages = [f"/gone/{n}" for n in range(0, 20, 2)], [f"/page/{n}" for n in range(1, 20, 2)]
    assert s.paths() == gone + pages


def test_modules_asked_for_are_loaded_during_the_run(sites):
    s = sites()
    s.default = Reply(body=page("Page", "text"))
    code = textwrap.dedent(
        f"""
        import asyncio, sys
        from tools.linkcheck.check import check_links
        from tools.linkcheck.results import Link
        from tools.linkcheck.settings import Settings

        before = [m in sys.modules for m in ("tools.linkcheck.history", "tools.linkcheck.classify")]
        links = [Link("{s.url("/a?x")}")]
        settings = Settings(allow_private=True, archive=False)
        results = asyncio.run(check_links(links, settings, preload=("tools.linkcheck.history",)))
        after = [m in sys.modules for m in ("tools.linkcheck.history", "tools.linkcheck.classify")]
        print(before, after, results[0].verdict)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[False,", "False]", "[True,", "True]", "ok"]


def test_pages_that_arrive_together_are_read_one_per_turn_of_the_loop(sites, monkeypatch):
    import asyncio

    from tools.linkcheck import check as check_module
    from tools.linkcheck.check import check_links

    s = sites()
    for n in range(10):  # ten answers that arrive together
        s.routes[f"/p/{n}"] = Reply(body=page(f"Page {n}", f"words of page {n} " * 40), delay=0.3)
    turns = 0
    read_at: list[int] = []
    real = check_module.classify

    def classify(chain):  # type: ignore[no-untyped-def]
        read_at.append(turns)
        return real(chain)

    monkeypatch.setattr(check_module, "classify", classify)

    async def go() -> list[str]:
        nonlocal turns

        async def ticker() -> None:  # counts the turns of the loop
            nonlocal turns
            while True:
                turns += 1
                await asyncio.sleep(0)

        tick = asyncio.ensure_future(ticker())
        try:
            links = [Link(s.url(f"/p/{n}")) for n in range(10)]
            results = await check_links(links, fast_settings(probe_siblings=False))
            return [r.verdict for r in results]
        finally:
            tick.cancel()

    assert asyncio.run(go()) == ["ok"] * 10
    # A request due while they are read leaves after one page's work, not after all ten.
    assert len(read_at) == 10 and len(set(read_at)) == 10, read_at


def test_a_head_that_hangs_gets_one_short_try_then_get_has_the_deadline(sites):
    s = sites()

    def paper(seen):  # type: ignore[no-untyped-def]
        if seen.method == "HEAD":
            return Reply(delay=60.0)  # never answers in time
        return Reply(body=b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"})

    s.routes["/paper.pdf"] = paper
    # HEAD has the connect timeout (1 s) for one try; before, it used the whole URL deadline
    # (15 s per try, retried) and the GET never went.
    settings = fast_settings(connect_timeout=1.0, request_deadline=15.0, url_deadline=40.0)
    r = check([s.url("/paper.pdf")], settings)[0]
    assert (r.verdict, r.http_status) == ("ok", 200), r.detail
    assert s.paths("HEAD") == ["/paper.pdf"] and s.paths("GET") == ["/paper.pdf"]


def test_a_refresh_header_is_followed_like_a_meta_refresh(sites):
    s = sites()
    s.routes["/to-gone"] = Reply(body=page("Redirecting"), headers={"Refresh": "0; url=/gone"})
    s.routes["/to-real"] = Reply(body=page("Moved"), headers={"Refresh": "1;URL='/real'"})
    s.routes["/real"] = Reply(body=page("The real page", "content"))
    s.routes["/later"] = Reply(body=page("Stays"), headers={"Refresh": "600; url=/"})
    urls = [s.url(p) for p in ("/to-gone", "/to-real", "/later")]
    results = check(urls, fast_settings(probe_siblings=False))
    assert (results[0].verdict, results[0].http_status) == ("broken", 404)
    assert (results[1].verdict, results[1].title) == ("ok", "The real page")
    assert results[1].detail == f"a Refresh header leads to {s.url('/real')}"
    assert (results[2].verdict, results[2].title) == ("ok", "Stays")


def test_a_meta_refresh_inside_noscript_is_not_followed(sites):
    s = sites()
    s.routes["/a"] = Reply(
        body=b"<html><head><title>Real Article</title><noscript><meta http-equiv='refresh' "
        b"content='0; url=/nojs.html'></noscript></head><body><h1 id=x>Real Article</h1>"
        + b"<p>"
        + b"words of the article " * 20
        + b"</p></body></html>"
    )
    s.routes["/nojs.html"] = Reply(body=page("Please enable JavaScript"))
    r = check([s.url("/a")], fast_settings(probe_siblings=False))[0]
    assert (r.verdict, r.title, r.final_url, r.detail) == ("ok", "Real Article", s.url("/a"), "")
    assert s.paths() == ["/a"]


def test_a_refresh_loop_is_reported_as_a_redirect_loop(sites):
    s = sites()
    s.routes["/a"] = Reply(
        body=b'<title>Loop</title><meta http-equiv="refresh" content="0; url=/b">'
    )
    s.routes["/b"] = Reply(body=b"<title>Loop</title>", headers={"Refresh": "0; url=/a"})
    s.routes["/c"] = Reply(301, headers={"Location": "/d"})
    s.routes["/d"] = Reply(
        body=b'<title>Back</title><meta http-equiv="refresh" content="0;url=/c">'
    )
    results = check([s.url("/a"), s.url("/c")], fast_settings(probe_siblings=False))
    assert [r.verdict for r in results] == ["broken", "broken"]
    assert results[0].detail.startswith(f"redirect loop back to {s.url('/a')} by a Refresh header")
    assert results[1].detail.startswith(f"redirect loop back to {s.url('/c')} by a meta refresh")
    assert s.paths().count("/a") == 1  # not fetched again


def test_fragments_that_need_no_anchor(sites):
    s = sites()
    s.routes["/doc"] = Reply(body=page("Doc", "text") + b'<h2 id="intro">x</h2>')
    s.routes["/notes.txt"] = Reply(body=b"line\n" * 20, headers={"Content-Type": "text/plain"})
    s.routes["/data.xml"] = Reply(body=b"<a id='x'/>", headers={"Content-Type": "application/xml"})
    good = ["/doc#top", "/doc#TOP", "/doc#", "/doc#:~:text=attention", "/doc#intro:~:text=x",
            "/notes.txt#L5", "/data.xml#nowhere"]  # fmt: skip
    bad = ["/doc#topic", "/doc#nowhere:~:text=x"]
    results = check([s.url(u) for u in good + bad], fast_settings(probe_siblings=False))
    assert [r.verdict for r in results] == ["ok"] * len(good) + ["broken"] * len(bad)
    assert [r.detail for r in results[len(good) :]] == [
        "the anchor #topic is not on the page",
        "the anchor #nowhere is not on the page",
    ]
