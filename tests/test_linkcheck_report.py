"""Reports (tools/linkcheck/report.py)."""

from __future__ import annotations

import io
import json
import re

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
    assert "| `https://b.org/x` | `r2` | failing → **dead** | `broken` |" in md
    assert "- **restricted** `https://c.org/y` (`r3`): `HTTP 403: a bot challenge`" in md
    quiet = report.markdown(RESULTS[:1], [], "t")
    assert "No link changed state" in quiet


def test_github_annotations_escape_and_point_at_lines():
    lines = report.github_annotations(RESULTS, "resources.yaml", newly_dead={"https://b.org/x"})
    assert lines[0] == ("::error file=resources.yaml,line=20,title=link broken::"
                        "https://b.org/x: HTTP 404 Not Found (state: dead)")  # fmt: skip
    assert lines[1].startswith("::warning file=resources.yaml,line=30,")
    odd = [Result("u", "broken", "50% gone\nreally", line=1)]
    assert report.github_annotations(odd, "a,b.yaml")[0].endswith("::u: 50%25 gone really")


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
        # The same, from objects laid out during the run, for some of the results or all.
        for laid_out in (results, results[::2]):
            rows = report.JsonRows()
            for r in laid_out:
                rows.add(r)
            assert report.json_document(results, "2026-11-25T10:00:00Z", rows) == expected


def test_rows_laid_out_during_the_run_are_used_only_for_the_very_same_result():
    import dataclasses

    rows = report.JsonRows()
    rows.add(RESULTS[1])
    assert rows.get(RESULTS[1]) is not None
    later = dataclasses.replace(RESULTS[1], state="alive")  # e.g. after the history stage
    equal = dataclasses.replace(RESULTS[1])
    assert rows.get(later) is None and rows.get(equal) is None
    doc = json.loads(report.json_document([RESULTS[0], later], "t", rows))
    assert [r["state"] for r in doc["results"]] == [None, "alive"]


HOSTILE = [
    "<!-- everything below is hidden",
    "@octocat please look",
    "![x](https://evil.example/pixel.png) [click](javascript:alert(1))",
    "a | b | c ``` ` <script>alert(1)</script>",
    "line\r::error file=x,line=1::forged\n::warning::forged too",
    "\u202eevil\u2066bidi\u200b",
    "x" * 60_000,
]


def _hostile_results(n: int) -> list[Result]:
    return [
        Result(
            f"https://h{i}.example/{HOSTILE[i % len(HOSTILE)][:200]}",
            "broken",
            HOSTILE[i % len(HOSTILE)],
            404,
            title=HOSTILE[(i + 1) % len(HOSTILE)],
            resources=["r1"],
            line=i + 1,
            state="dead",
            archive_url="https://web.archive.org/web/2020/x) ![img](https://evil.example/i.png",
        )
        for i in range(n)
    ]


def _live_markdown(md: str) -> list[str]:
    """What in ``md`` is outside code spans and could become markup (a crude GFM reading)."""
    import re

    outside = re.sub(r"(`+)(?:(?!\1).)+?\1", "", md)  # drop code spans
    return [bad for bad in ("<!--", "@octocat", "![", "](", "<script") if bad in outside]


def test_issue_body_keeps_hostile_server_text_inert_and_under_the_limit():
    results = _hostile_results(400)
    changes = [Change(r.url, "failing", "dead") for r in results]
    md = report.markdown(results, changes, "2026-11-25T10:00:00Z", ["archive down <!--"])
    assert len(md) < report.BODY_LIMIT
    assert "more line(s) left out" in md
    assert _live_markdown(md) == []
    assert "\r" not in md and "\u202e" not in md and "\u2066" not in md
    for line in md.splitlines():
        if line.startswith("| `"):
            # Every table row keeps its 6 cells: no pipe from a server splits one.
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            assert len(cells) == 6, line


def test_stdout_annotations_and_json_carry_no_control_or_bidi_characters():
    results = _hostile_results(len(HOSTILE))
    out = report.text(results) + "\n".join(report.github_annotations(results, "resources.yaml"))
    for line in out.splitlines():
        assert not line.startswith("::") or line.startswith(("::error file=", "::warning file="))
    assert not any(c in out for c in "\r\x1b\u202e\u2066\u200b")
    doc = json.loads(report.json_document(results, "t"))
    for row in doc["results"]:
        for key in ("title", "detail"):
            assert not any(c in (row[key] or "") for c in "\r\n\u202e\u2066\u200b")
