"""The random-sibling probe (tools/linkcheck/soft404.py)."""

from __future__ import annotations

import asyncio
import random
import time

from conftest_linkcheck import FakeClock, Reply, check, fast_settings, page

from tools.linkcheck.fetch import Client
from tools.linkcheck.soft404 import SiblingProbe, shape, sibling

pytest_plugins = ("conftest_linkcheck",)


def test_catch_all_server_is_soft_404_with_one_probe_per_shape(sites):
    s = sites()
    # The same page for every path, as a catch-all server sends it: with the path echoed in a
    # link, so the bytes differ while the text is the same.
    s.default = lambda seen: Reply(
        body=page("Welcome to our blog", "latest posts and more " * 20)
        + f'<link rel="canonical" href="{seen.path}">'.encode()
    )
    urls = [s.url(f"/posts/{i}") for i in range(6)]
    results = check(urls, rng=random.Random(1))
    assert {r.verdict for r in results} == {"soft-404"}
    assert "made-up sibling" in results[0].detail
    assert len(s.requests) == 6 + 1  # one probe for the shape /posts/<x>


def test_a_single_page_app_shell_is_ok_but_not_verified(sites):
    s = sites()
    shell = (
        b'<!doctype html><html><head><title>Docs</title><script src="/app.js"></script></head>'
        b'<body><div id="root"></div></body></html>'
    )
    s.default = Reply(body=shell)  # byte-identical for every path: the script fills it in
    results = check([s.url("/guide/attention"), s.url("/guide/heads")], rng=random.Random(2))
    assert [r.verdict for r in results] == ["ok", "ok"]
    assert all("content could not be verified" in r.detail for r in results)


def test_real_pages_on_a_server_with_real_404s_are_ok(sites):
    s = sites()
    for i in range(5):
        s.routes[f"/posts/{i}"] = Reply(body=page(f"Post {i}", f"distinct text number {i} " * 30))
    results = check([s.url(f"/posts/{i}") for i in range(5)])
    assert [r.verdict for r in results] == ["ok"] * 5
    probes = [p for p in s.paths() if p.startswith("/posts/zz")]
    assert len(probes) == 1


def test_probe_landing_on_the_same_page_after_redirect(sites):
    s = sites()
    s.routes["/browse"] = Reply(body=page("Browse courses", "this course is not offered now"))
    s.routes["/learn/old-course/"] = Reply(302, headers={"Location": "/browse"})

    def anything(seen):
        if seen.path.startswith("/learn/"):
            return Reply(302, headers={"Location": "/browse"})
        return Reply(404, "no")

    s.default = anything
    r = check([s.url("/learn/old-course/")])[0]
    assert r.verdict == "soft-404" and "lands on the same page" in r.detail


def test_shape_and_sibling():
    rng = random.Random(0)
    url = "https://x.org/a/b/page.html"
    sib = sibling(url, rng)
    assert sib.startswith("https://x.org/a/b/zz") and sib.endswith(".html")
    assert shape(url) == shape(sib)
    assert sibling("https://x.org/dir/item/", rng).endswith("/")
    assert shape("https://x.org/") is None and shape("https://x.org/watch?v=1") is None


def test_no_probe_when_a_same_shape_url_already_got_a_real_404(sites):
    s = sites()
    for i in range(4):  # the pages answer after the 404, as on a site whose pages are slow
        body = page(f"Post {i}", f"distinct text number {i} " * 30)
        s.routes[f"/posts/{i}"] = Reply(body=body, delay=0.3)
    urls = [s.url(f"/posts/{i}") for i in range(4)] + [s.url("/posts/deleted")]
    results = check(urls)
    assert [r.verdict for r in results] == ["ok"] * 4 + ["broken"]
    assert not [p for p in s.paths() if p.startswith("/posts/zz")]
    assert len(s.requests) == 5


def test_the_probe_goes_early_so_pages_need_not_wait_for_the_hosts_last_answer(sites):
    s = sites()
    for i in range(6):
        s.routes[f"/posts/{i}"] = Reply(body=page(f"Post {i}", f"distinct text number {i} " * 30))
    results = check([s.url(f"/posts/{i}") for i in range(6)], fast_settings(host_interval=0.3))
    assert [r.verdict for r in results] == ["ok"] * 6
    paths = s.paths()
    # One probe, sent as soon as the first page was read (the first page answers at once; the
    # second URL's turn is 0.3 s later): the pages need not wait for the host's last answer.
    assert len(paths) == 7 and paths[1].startswith("/posts/zz"), paths


def test_the_probe_rides_in_the_turn_of_the_page_that_needs_it(sites):
    """Like a same-host redirect hop, the probe books no turn of its own: the host's URLs keep
    their grid (one interval each), the probe adds no interval to the host's run."""
    s = sites()
    for i in range(3):
        s.routes[f"/posts/{i}"] = Reply(body=page(f"Post {i}", f"distinct text number {i} " * 30))
    interval = 10.0
    clock = FakeClock()

    async def go() -> tuple[list[float], int]:
        settings = fast_settings(host_interval=interval)
        client = Client(settings, clock=clock.now, sleep=clock.sleep)
        probe = SiblingProbe(client, settings, random.Random(3))
        left: list[float] = []
        try:
            first = await client.follow(s.url("/posts/0"))
            left.append(clock.now())
            assert await probe.judge(s.url("/posts/0"), first, None) is None
            left.append(clock.now())  # the probe went at once, no turn waited for
            for i in (1, 2):
                await client.follow(s.url(f"/posts/{i}"))
                left.append(clock.now())
            return left, probe.probes_sent
        finally:
            client.close()

    ((left, sent),) = asyncio.run(clock.run(go()))
    assert sent == 1 and [p for p in s.paths() if p.startswith("/posts/zz")]
    assert left == [0.0, 0.0, interval, 2 * interval], left


def test_the_probes_own_404_does_not_reorder_its_hosts_queue(sites):
    s = sites()
    for i in range(4):
        s.routes[f"/posts/{i}"] = Reply(body=page(f"Post {i}", f"distinct text number {i} " * 30))
    for i in (1, 2):
        s.routes[f"/old/{i}"] = Reply(301, headers={"Location": f"/posts/{i}"})
    order = ["/posts/0", "/posts/1", "/old/1", "/posts/2", "/old/2", "/posts/3"]
    results = check([s.url(p) for p in order], fast_settings(host_concurrency=1))
    assert [r.verdict for r in results] == ["ok", "ok", "redirected", "ok", "redirected", "ok"]
    # A real 404 puts its folder's queued links first; the made-up sibling's expected 404
    # says nothing about that folder, so the list's order holds.
    assert len([p for p in s.paths() if p.startswith("/posts/zz")]) == 1
    assert _first_visits([p for p in s.paths() if not p.startswith("/posts/zz")]) == order


def _first_visits(paths: list[str]) -> list[str]:
    """The paths in the order of their first request (a redirect's hop repeats one)."""
    out: list[str] = []
    for p in paths:
        if p not in out:
            out.append(p)
    return out


def test_a_page_after_a_real_404_does_not_wait_for_the_host_to_go_idle(sites):
    s = sites()
    s.routes["/posts/slow"] = Reply(body=page("Slow", "takes its time"), delay=1.5)
    s.routes["/posts/1"] = Reply(body=page("Post 1", "some words " * 20))

    async def go() -> tuple[float, int]:
        client = Client(fast_settings())
        probe = SiblingProbe(client, client.settings, random.Random(1))
        try:
            slow = asyncio.ensure_future(client.follow(s.url("/posts/slow")))
            missing = await client.follow(s.url("/posts/missing"))
            probe.observe(s.url("/posts/missing"), missing.hops[-1].status, False)
            chain = await client.follow(s.url("/posts/1"))
            t0 = time.monotonic()
            why = await probe.judge(s.url("/posts/1"), chain, None)
            waited = time.monotonic() - t0
            assert why is None and not slow.done()  # judged while the host is still busy
            await slow
            return waited, probe.probes_sent
        finally:
            client.close()

    waited, sent = asyncio.run(go())
    assert waited < 1.0 and sent == 0  # the slow page takes 1.5 s
