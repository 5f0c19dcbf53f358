"""Archive copies from a fake Wayback Machine (tools/linkcheck/archive.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from urllib.parse import parse_qs, urlsplit

from conftest_linkcheck import Reply, check, fast_settings, page

from tools.linkcheck.results import Link

pytest_plugins = ("conftest_linkcheck",)


def test_availability_api_then_web_fallback(sites):
    target, archive = sites(), sites()
    asked = []

    def available(seen):
        q = parse_qs(urlsplit(seen.path).query)
        asked.append((q["url"][0], q["timestamp"][0]))
        if q["url"][0].endswith("/kept"):
            snap = {"available": True, "url": f"http://archive.test/web/20201020000000/{q['url'][0]}",
                    "timestamp": "20201020000000", "status": "200"}  # fmt: skip
            return Reply(200, json.dumps({"archived_snapshots": {"closest": snap}}))
        return Reply(200, json.dumps({"archived_snapshots": {}}))

    def web(seen):
        if seen.path.endswith("/fallback"):
            return Reply(
                302, headers={"Location": "/web/20190101123456/" + seen.path.split("/", 3)[3]}
            )
        return Reply(404, "none")

    archive.routes = {}
    archive.default = lambda seen: (
        available(seen) if seen.path.startswith("/wayback") else web(seen)
    )
    settings = fast_settings(
        archive=True,
        archive_endpoint=archive.url("/wayback/available"),
        archive_web=archive.url("/web/"),
    )
    links = [
        Link(target.url(p), added=dt.date(2020, 10, 27)) for p in ("/kept", "/fallback", "/none")
    ]
    results = check(links, settings)
    assert [r.verdict for r in results] == ["broken"] * 3
    assert results[0].archive_url == f"http://archive.test/web/20201020000000/{target.url('/kept')}"
    assert results[0].archive_timestamp == "20201020000000"
    assert results[1].archive_url.startswith(archive.url("/web/20190101123456/"))
    assert results[1].archive_timestamp == "20190101123456"
    assert results[2].archive_url is None
    assert {ts for _, ts in asked} == {"20201027"}


def test_no_lookup_for_working_links_or_when_disabled(sites):
    target, archive = sites(), sites()
    target.routes["/fine?x"] = Reply(body="<title>fine</title>")
    settings = fast_settings(archive=True, archive_endpoint=archive.url("/wayback/available"),
                             archive_web=archive.url("/web/"))  # fmt: skip
    check([target.url("/fine?x")], settings)
    check([target.url("/gone")], fast_settings(archive=False))
    assert archive.requests == []


def test_lookups_start_as_soon_as_a_link_fails_while_others_are_checked(sites):
    target, archive = sites(), sites()
    target.routes["/gone"] = Reply(404, "gone")
    target.default = Reply(body=page("Fine", "text"))
    archive.default = Reply(200, json.dumps({"archived_snapshots": {}}))
    settings = fast_settings(
        archive=True,
        host_interval=0.25,  # the five pages take a second on this host
        probe_siblings=False,
        archive_endpoint=archive.url("/wayback/available"),
        archive_web=archive.url("/web/"),
    )
    urls = [target.url("/gone")] + [target.url(f"/p{i}") for i in range(5)]
    check(urls, settings)
    last_check = max(r.at for r in target.requests)
    assert archive.requests and archive.requests[0].at < last_check - 0.4


def test_an_unreachable_archive_is_noticed_once(raw_sites, sites):
    target = sites()
    hang = threading.Event()
    archive = raw_sites(lambda head, sock: hang.wait(10))  # accepts, never answers
    settings = fast_settings(
        archive=True,
        archive_concurrency=1,
        probe_siblings=False,
        request_deadline=0.5,
        max_retries=0,
        archive_endpoint=archive.url("/wayback/available"),
        archive_web=archive.url("/web/"),
    )
    notes: list[str] = []
    try:
        results = check([target.url(f"/gone{i}") for i in range(6)], settings, notes=notes)
    finally:
        hang.set()
    assert [r.verdict for r in results] == ["broken"] * 6
    assert all(r.archive_url is None and not r.archive_checked for r in results)
    # One look-up (the API and the /web/ fallback, asked at once) for whichever link failed
    # first; the other five not sent.
    assert len(archive.heads) == 2
    asked = {m.group() for h in archive.heads if (m := re.search(rb"gone\d", h))}
    assert len(asked) == 1
    assert len(notes) == 1 and "archive cannot be reached" in notes[0]


def test_catalogue_links_carry_the_best_snapshot_date(tmp_path):
    # The date rule itself lives in the model (tests/test_catalog.py); here: the tracker uses it.
    from tools.catalog import load
    from tools.linkcheck.targets import from_catalogue

    cat = load()
    by_url = {link.url: link for link in from_catalogue(cat)}
    for resource in cat.resources:
        if resource.url:
            assert by_url[resource.url].added == resource.archive_date() or (
                len(by_url[resource.url].resources) > 1
            )
