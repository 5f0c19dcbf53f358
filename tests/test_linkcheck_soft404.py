"""The random-sibling probe (tools/linkcheck/soft404.py)."""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from urllib.parse import unquote

from conftest_linkcheck import FakeClock, Reply, check, fast_settings, page
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.linkcheck.fetch import Chain, Client, Response
from tools.linkcheck.htmltext import parse
from tools.linkcheck.soft404 import MIN_SHINGLES, ProbeAnswer, SiblingProbe, shape, sibling

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


def test_a_static_catch_all_page_is_soft_404_byte_for_byte(sites):
    # The same bytes for every path, with text (a hosting provider's "suspended" page, a
    # server's default page, a "not found" template in words no pattern knows).
    s = sites()
    s.default = Reply(
        body=page(
            "Account Suspended",
            "this account has been suspended, contact the hosting "
            "provider of this site for more information about it",
        )  # fmt: skip
    )
    redirecting = sites()
    error = page("Acme", "nothing here")  # little text: the same path makes it one page

    def to_error(seen):  # type: ignore[no-untyped-def]
        if seen.path.startswith("/error?"):
            return Reply(body=error)
        return Reply(302, headers={"Location": f"/error?from={seen.path}"})

    redirecting.default = to_error
    results = check([s.url("/blog/post.html"), redirecting.url("/blog/old-post")])
    assert [r.verdict for r in results] == ["soft-404", "soft-404"], results
    assert all(r.detail.endswith("gets this very page, byte for byte") for r in results)


def test_a_single_page_app_shell_is_ok_but_not_verified(sites):
    s = sites()
    shell = (
        b'<!doctype html><html><head><title>Docs</title><script src="/app.js"></script></head>'
        b'<body><div id="root"></div></body></html>'
    )
    s.default = Reply(body=shell)  # byte-identical for every path: the script fills it in
    cra = sites()  # Create React App's shell: its only sentence is in a <noscript>
    cra.default = Reply(
        body=b"<!doctype html><html><head><title>React App</title></head><body><noscript>You "
        b'need to enable JavaScript to run this app.</noscript><div id="root"></div>'
        b'<script src="/static/js/main.js"></script></body></html>'
    )
    results = check(
        [s.url("/guide/attention"), s.url("/guide/heads"), cra.url("/docs/intro")],
        rng=random.Random(2),
    )
    assert [r.verdict for r in results] == ["ok", "ok", "ok"]
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


def test_near_empty_pages_are_not_verified_rather_than_soft_404(sites):
    s = sites()
    nonce = iter(range(10**6))

    def shell(seen):  # type: ignore[no-untyped-def]
        n = next(nonce)  # a nonce per answer: the bytes differ, the text is the same (none)
        return Reply(
            body=f"<!doctype html><html><head><title>App</title><script nonce='{n}'>window.r={n}"
            f"</script></head><body><div id='root'></div></body></html>"
        )

    s.default = shell
    bare = sites()
    bare.default = lambda seen: Reply(body=f"<html><body><!-- {next(nonce)} --></body></html>")
    results = check([s.url("/docs/attention"), bare.url("/a")], rng=random.Random(4))
    assert [r.verdict for r in results] == ["ok", "ok"]
    assert all(
        r.detail.startswith("content could not be verified: the page has too") for r in results
    )


def test_a_page_with_text_next_to_a_sibling_without_is_ok(sites):
    s = sites()
    s.routes["/posts/1"] = Reply(body=page("Post 1", "distinct text of a real post " * 10))
    s.default = Reply(body=b"<html><head><title>Blog</title></head><body></body></html>")
    r = check([s.url("/posts/1")], rng=random.Random(5))[0]
    assert (r.verdict, r.detail) == ("ok", "")


class _Answered(SiblingProbe):
    """A probe whose sibling answered ``body`` (no request is sent)."""

    def __init__(self, body: bytes):
        super().__init__(None, fast_settings())  # type: ignore[arg-type]
        self.body = body

    async def answer(self, url: str) -> ProbeAnswer | None:
        p = parse(self.body, "text/html")
        digest = hashlib.blake2b(self.body, digest_size=16).digest()
        return ProbeAnswer(
            "https://x.org/zz", 200, "https://x.org/zz", p.simhash, digest, p.shingle_count
        )


_FEW = st.lists(
    st.sampled_from(["app", "loading", "docs", "自己", "注意", "home", "x"]), max_size=9
)


@settings(max_examples=150, deadline=None)
@given(_FEW, _FEW, st.integers(0, 10**6))
def test_two_near_empty_pages_are_never_the_same_page(words, sibling_words, nonce):
    # Under 10 words (fewer than MIN_SHINGLES shingles) on the page: never a soft 404,
    # whatever the sibling says and however close their fingerprints come.
    body = f"<title>{' '.join(words)}</title><script>n={nonce}</script>".encode()
    sib = f"<title>{' '.join(sibling_words)}</title><script>n={nonce + 1}</script>".encode()
    chain = Chain(
        [Response("https://x.org/a", "GET", 200, "OK", {}, body)], requested="https://x.org/a"
    )
    for answer in (sib, body):  # a shell with a nonce, and the very same bytes
        why = asyncio.run(_Answered(answer).judge("https://x.org/a", chain, parse(body)))
        assert why is not None and "verdict" not in why
        assert why["detail"].startswith("content could not be verified")
    assert parse(body).shingle_count < MIN_SHINGLES


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["attention", "query", "key", "value", "head"]), min_size=10, max_size=60
    )
)
def test_the_same_text_of_ten_words_or_more_is_a_soft_404(words):
    text = " ".join(words)
    body = page("Blog", text) + b"<!-- a -->"
    sib = page("Blog", text) + b"<!-- b -->"  # other bytes, the same text
    chain = Chain(
        [Response("https://x.org/a", "GET", 200, "OK", {}, body)], requested="https://x.org/a"
    )
    for answer in (sib, body):  # the same text in other bytes, and the very same bytes
        why = asyncio.run(_Answered(answer).judge("https://x.org/a", chain, parse(body)))
        assert why is not None and why.get("verdict") == "soft-404", why


def test_a_shell_titled_after_each_page_is_not_verified_whatever_name_is_drawn(sites):
    # The same text at every path, the title naming the path: a notes app's shell. With the
    # title in the fingerprint, the made-up name drawn decided between ok and soft-404.
    s = sites()
    nav = "projects settings help new page browse the pages of this project and their links "
    s.default = lambda seen: Reply(
        body=page(f"{unquote(seen.path.rsplit('/', 1)[-1])} - team - Pages", nav * 3)
    )
    catch_all = sites()  # the same text under one title: a catch-all page, whatever is drawn
    catch_all.default = Reply(body=page("Team pages", nav * 3))
    for seed in range(12):
        ok, soft = check(
            [s.url("/team/%E6%B3%A8%E6%84%8F"), catch_all.url("/team/Attention")],
            rng=random.Random(seed),
        )
        assert ok.verdict == "ok" and "under a title that names it" in ok.detail, (seed, ok)
        assert soft.verdict == "soft-404", (seed, soft)
