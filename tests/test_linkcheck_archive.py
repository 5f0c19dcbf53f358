"""Archive copies from a fake Wayback Machine (tools/linkcheck/archive.py)."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

from conftest_linkcheck import Reply, check, fast_settings

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
