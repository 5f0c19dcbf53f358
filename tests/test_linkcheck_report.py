"""Reports (tools/linkcheck/report.py)."""

from __future__ import annotations

import io
import json

from tools.linkcheck import report
from tools.linkcheck.history import Change
from tools.linkcheck.results import Result

RESULTS = [
    Result("https://a.org/", "ok", http_status=200, resources=["r1"], line=10),
    Result(
        "https://b.org/x",
        "broken",
        "HTTP 404 Not Found",
        404,
        resources=["r2"],
        line=20,
        state="dead",
        archive_url="https://web.archive.org/web/2020/https://b.org/x",
    ),  # fmt: skip
    Result(
        "https://c.org/y", "restricted", "HTTP 403: a bot challenge", 403, resources=["r3"], line=30
    ),
]


def test_text_and_summary():
    out = report.text(RESULTS, [Change("https://b.org/x", "failing", "dead")])
    assert "broken     https://b.org/x [404] (r2)" in out
    assert "archived copy: https://web.archive.org/web/2020/https://b.org/x" in out
    assert "state      https://b.org/x: failing -> dead" in out
    assert out.rstrip().endswith("3 URLs checked: 1 ok, 1 broken, 1 restricted")
    assert "https://a.org/" not in out


def test_json_contract():
    doc = json.loads(report.json_document(RESULTS, "2026-11-25T10:00:00Z"))
    assert doc["version"] == 1 and doc["checked_at"] == "2026-11-25T10:00:00Z"
    keys = {"url", "resource", "verdict", "http_status", "final_url", "title", "detail", "state",
            "archive_url", "elapsed_ms"}  # fmt: skip
    assert all(set(r) == keys for r in doc["results"])
    assert doc["results"][1]["resource"] == "r2"


def test_markdown_issue_body():
    md = report.markdown(
        RESULTS, [Change("https://b.org/x", "failing", "dead")], "2026-11-25T10:00:00Z"
    )
    assert "| https://b.org/x | r2 | failing → **dead** | broken |" in md
    assert "- **restricted** https://c.org/y (r3): HTTP 403: a bot challenge" in md
    quiet = report.markdown(RESULTS[:1], [], "t")
    assert "No link changed state" in quiet


def test_github_annotations_escape_and_point_at_lines():
    lines = report.annotations(RESULTS, "resources.yaml", newly_dead={"https://b.org/x"})
    assert lines[0] == ("::error file=resources.yaml,line=20,title=link broken::"
                        "https://b.org/x: HTTP 404 Not Found (state: dead)")  # fmt: skip
    assert lines[1].startswith("::warning file=resources.yaml,line=30,")
    odd = [Result("u", "broken", "50% gone\nreally", line=1)]
    assert report.annotations(odd, "a,b.yaml")[0].endswith("::u: 50%25 gone%0Areally")


def test_progress_bar_only_when_enabled():
    buf = io.StringIO()
    report.ProgressBar(buf, enabled=False)(1, 2)
    assert buf.getvalue() == ""
    report.ProgressBar(buf, enabled=True, width=4)(1, 2)
    assert "[##..] 1/2" in buf.getvalue()


def test_json_document_is_byte_for_byte_the_standard_layout():
    tricky = [
        *RESULTS,
        Result(
            'https://d.org/"q"},\n      {x}',
            "soft-404",
            'a "quoted" detail},\n      {\twith a tab, é, 注意, \u2028 and \\',
            200,
            final_url="https://d.org/",
            title="}, {",
            elapsed_ms=12,
        ),
        Result("https://e.org/", "ok", resources=[]),
    ]
    for results in (tricky, tricky[:1], []):
        doc = {
            "version": 1,
            "checked_at": "2026-11-25T10:00:00Z",
            "results": [r.to_json() for r in results],
        }
        expected = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        assert report.json_document(results, "2026-11-25T10:00:00Z") == expected
