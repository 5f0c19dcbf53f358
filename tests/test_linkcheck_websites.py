"""The tracker against fake real-world websites: one CLI run, one verdict check per behaviour.

The matrix (tests/websites_matrix.py) plays a hundred-odd behaviours of real websites on
loopback, each on a host of its own: transport quirks (HTTP/1.0 bodies that end at close,
chunk extensions, folded header lines, a gzip bomb, a reset in the middle of a body),
redirect habits (chains, loops, relative and protocol-relative Locations, a removed article
sent to the front page, meta refreshes), HEAD oddities, status codes and bot walls, soft-404
templates in English and Japanese next to real articles that only talk about errors,
fragments and URL spellings. The module-scoped fixture starts every server, runs
``python -m tools.linkcheck`` once over all the URLs (in a subprocess, as a person would), and
each test then checks one case's verdicts against what we decided a link checker should say.

To add a case: write a handler in tests/websites_matrix.py and register it with
``@case(name, what, [(path, expected verdicts, why)], check)``; it becomes the test
``test_website[name]``. A behaviour that needs a timeout to pass (seconds of waiting) belongs
in the unit tests instead, with shortened settings: the whole run here should stay a few
seconds long. Left out for that reason, and covered there:

- a body that trickles a byte every 2 s forever (it waits for the 90 s URL deadline):
  tests/test_linkcheck_fetch.py::test_first_byte_may_take_until_the_request_deadline_later_reads_do_not
- a HEAD that never answers before the GET is tried (it waits for the 10 s connect timeout):
  tests/test_linkcheck_check.py::test_a_head_that_hangs_gets_one_short_try_then_get_has_the_deadline

dup_content_length's server keeps the connection for the next request instead of holding it
silent (which kept the sibling probe waiting for a read timeout); the client side of it is
tests/test_linkcheck_fetch.py::test_identical_content_lengths_count_as_one_and_differing_ones_are_refused.

Six cases are judgement calls, where a person could want another verdict; the expectation is
the verdict we chose, and its note (in the matrix) says why: headers_then_close_no_body and
s204 (ok), redirect_category (redirected), js_redirect (ok), head_lies_pdf (ok) and
gh_pages_spa_404 (broken).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from websites_matrix import BY_NAME, CASES, Case, Servers, url_for

ROOT = Path(__file__).resolve().parent.parent
NAMES = [c.name for c in CASES]

# Cases whose verdict today is down to chance, with the reason. They still run (XFAIL or XPASS).
# One run for every test of this file: under pytest-xdist (make test), one worker takes them all.
pytestmark = pytest.mark.xdist_group("linkcheck-websites")


@dataclass
class Run:
    results: dict[str, dict[str, Any]]  # by the URL as written in the URL file
    seconds: float

    def __repr__(self) -> str:  # what pytest shows of the fixture when a test fails
        return f"Run({len(self.results)} results in {self.seconds:.1f} s)"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """Every case's server up, and the tracker's CLI run once over every case's URLs."""
    folder = tmp_path_factory.mktemp("websites")
    with Servers(CASES):
        urls = [url_for(c, u.suffix) for c in CASES for u in c.urls]
        assert len(set(urls)) == len(urls), "two cases check the same URL"
        (folder / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
        out = folder / "out.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith("LINKCHECK_")}
        env.update(PYTHONPATH=str(ROOT), CI="true", GITHUB_ACTIONS="false")
        cmd = [
            sys.executable, "-m", "tools.linkcheck", "--urls", str(folder / "urls.txt"),
            "--json", str(out), "--allow-private", "--no-archive", "--fail-on", "never",
            "--quiet",
        ]  # fmt: skip
        start = time.monotonic()
        p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        seconds = time.monotonic() - start
    assert p.returncode == 0 and out.exists(), f"exit {p.returncode}\n{p.stdout}\n{p.stderr}"
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    # The report keeps the input's order and one result per URL.
    assert len(results) == len(urls), (len(results), len(urls))
    yield Run(dict(zip(urls, results, strict=True)), seconds)


def describe(r: dict[str, Any]) -> str:
    parts = [f"got {r.get('verdict')!r} (HTTP {r.get('http_status')}): {r.get('detail') or ''}"]
    if r.get("title"):
        parts.append(f"title {r['title']!r}")
    if r.get("final_url") and r.get("final_url") != r.get("url"):
        parts.append(f"final_url {r['final_url']}")
    return "; ".join(parts)


@pytest.mark.parametrize("name", NAMES)
def test_website(run: Run, name: str) -> None:
    c: Case = BY_NAME[name]
    wrong = []
    for u in c.urls:
        url = url_for(c, u.suffix)
        r = run.results[url]
        complaint = None
        if r["verdict"] not in u.expected:
            complaint = f"expected {' or '.join(sorted(u.expected))}"
        elif c.check is not None:
            complaint = c.check(r)
        if complaint:
            why = f" ({u.note})" if u.note else ""
            wrong.append(f"{u.suffix}: {complaint}{why}; {describe(r)}")
    assert not wrong, f"{name}, {c.what}:\n  " + "\n  ".join(wrong)


def test_the_run_is_quick(run: Run) -> None:
    # Every case answers at once or after a wait of at most 3 s (Retry-After); a run much
    # longer than that waited for a timeout that a case here should not need.
    assert run.seconds < 60, f"the tracker took {run.seconds:.1f} s"
