"""linkstatus.json across runs with an injected clock (tools/linkcheck/history.py)."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from conftest_linkcheck import Reply, check, fast_settings, page

from tools.linkcheck import history
from tools.linkcheck.results import Result
from tools.linkcheck.settings import Settings

T0 = dt.datetime(2026, 11, 1, 10, 0, tzinfo=dt.UTC)

pytest_plugins = ("conftest_linkcheck",)


def run(state, verdict, at, url="https://x.org/a", **kw):
    r = Result(url, verdict, http_status=kw.pop("status", 200), resources=["r1"], **kw)
    changes = history.update(state, [r], at, Settings())
    return r, changes


def test_dead_only_after_three_failures_over_72_hours():
    state = history.empty()
    run(state, "ok", T0, simhash="00000000000000ff", title="A")
    r, _ = run(state, "broken", T0 + dt.timedelta(hours=1), status=404)
    assert r.state == "failing"
    r, _ = run(state, "broken", T0 + dt.timedelta(hours=2), status=404)
    r, _ = run(state, "broken", T0 + dt.timedelta(hours=3), status=404)
    assert r.state == "failing"  # three failures, but within three hours
    r, _ = run(state, "transient", T0 + dt.timedelta(hours=50), status=503)
    assert r.state == "failing"  # transient never moves the state
    r, changes = run(state, "broken", T0 + dt.timedelta(hours=74), status=404)
    assert r.state == "dead" and changes == [history.Change("https://x.org/a", "failing", "dead")]
    entry = state["links"]["https://x.org/a"]
    assert entry["consecutive_failures"] == 4
    assert entry["failing_since"] == "2026-11-01T11:00:00Z"
    assert entry["last_ok"] == "2026-11-01T10:00:00Z"
    assert entry["fingerprint"] == {
        "title": "A",
        "simhash": "00000000000000ff",
        "at": "2026-11-01T10:00:00Z",
    }


def test_any_success_resets():
    state = history.empty()
    run(state, "ok", T0)
    run(state, "soft-404", T0 + dt.timedelta(days=1))
    run(state, "soft-404", T0 + dt.timedelta(days=2))
    r, _ = run(state, "redirected", T0 + dt.timedelta(days=3))
    assert r.state == "moved"
    entry = state["links"]["https://x.org/a"]
    assert (entry["consecutive_failures"], entry["failing_since"]) == (0, None)
    r, _ = run(state, "broken", T0 + dt.timedelta(days=4))
    assert r.state == "failing"


def test_never_working_link_is_dead_at_once_and_transient_new_link_is_unknown():
    state = history.empty()
    r, changes = run(state, "broken", T0, url="https://x.org/new")
    assert r.state == "dead" and changes[0].old is None
    r, _ = run(state, "transient", T0, url="https://x.org/flaky")
    assert r.state == "unknown"
    r, _ = run(state, "restricted", T0, url="https://x.org/wall")
    assert r.state == "restricted"


def test_history_is_capped_and_file_is_deterministic(tmp_path):
    state = history.empty()
    for i in range(30):
        run(state, "ok", T0 + dt.timedelta(days=i))
    entry = state["links"]["https://x.org/a"]
    assert len(entry["history"]) == Settings().history_cap
    assert entry["history"][-1]["at"] == "2026-11-30T10:00:00Z"
    path = tmp_path / "linkstatus.json"
    history.save(path, state)
    text = path.read_text()
    assert text.endswith("}\n") and text == history.dumps(json.loads(text))
    assert list(json.loads(text)) == ["links", "updated_at", "version"]
    assert history.load(path) == json.loads(text)


def test_corrupt_file_is_a_clear_error(tmp_path):
    path = tmp_path / "linkstatus.json"
    path.write_text('{"version": 1, "links": {"u": ')
    with pytest.raises(history.StateError, match=r"linkstatus.json:1: .*not valid JSON"):
        history.load(path)
    path.write_text('{"version": 1, "links": {"u": {"state": "zombie"}}}')
    with pytest.raises(history.StateError, match="zombie"):
        history.load(path)
    assert history.load(tmp_path / "absent.json") == history.empty()


def test_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "linkstatus.json"
    history.save(path, history.empty())
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    state = history.empty()
    run(state, "ok", T0)
    with pytest.raises(history.StateError, match="No space left"):
        history.save(path, state)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linkstatus.json"]

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        history.save(path, state)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linkstatus.json"]


def test_drift_against_the_good_fingerprint(sites):
    s = sites()
    article = page("Self-attention, step by step", "queries keys and values are projections " * 40)
    s.routes["/post?id=1"] = Reply(body=article)
    state = history.empty()
    settings = fast_settings()
    results = check([s.url("/post?id=1")], settings, known=state["links"])
    history.update(state, results, T0, settings)
    assert results[0].state == "alive"
    s.routes["/post?id=1"] = Reply(body=page("Cheap flights", "book hotels and flights now " * 40))
    results = check([s.url("/post?id=1")], settings, known=state["links"])
    assert results[0].verdict == "drifted" and "differs" in results[0].detail
    history.update(state, results, T0 + dt.timedelta(days=7), settings)
    assert results[0].state == "drifted"
    entry = state["links"][s.url("/post?id=1")]
    assert entry["fingerprint"]["title"] == "Self-attention, step by step"
    s.routes["/post?id=1"] = Reply(
        body=page("blog.example", "This domain is for sale. Buy this domain.")
    )
    results = check([s.url("/post?id=1")], settings, known=state["links"])
    assert results[0].verdict == "drifted" and "parked" in results[0].detail
