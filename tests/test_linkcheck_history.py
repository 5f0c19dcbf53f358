"""linkstatus.json across runs with an injected clock (tools/linkcheck/history.py,
tools/linkcheck/linkstatus.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest_linkcheck import Reply, check, fast_settings, page

from tools.linkcheck import history, linkstatus
from tools.linkcheck.linkstatus import Check, Entry, Fingerprint, LinkStatus
from tools.linkcheck.results import Result
from tools.linkcheck.settings import Settings

T0 = dt.datetime(2026, 11, 1, 10, 0, tzinfo=dt.UTC)

pytest_plugins = ("conftest_linkcheck",)


class Box:
    """The history between runs (each run returns a new one)."""

    def __init__(self) -> None:
        self.status = LinkStatus()

    @property
    def links(self) -> dict[str, Entry]:
        return self.status.links


def run(state, verdict, at, url="https://x.org/a", **kw):
    r = Result(url, verdict, http_status=kw.pop("status", 200), resources=["r1"], **kw)
    before = state.status
    state.status, (r,), changes = history.update(before, [r], at, Settings())
    assert before is not state.status and (
        url not in before.links or before.links[url] != state.links[url]
    )
    return r, changes


def test_dead_only_after_three_failures_over_72_hours():
    state = Box()
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
    entry = state.links["https://x.org/a"]
    assert entry.consecutive_failures == 4
    assert entry.failing_since == "2026-11-01T11:00:00Z"
    assert entry.last_ok == "2026-11-01T10:00:00Z"
    assert entry.fingerprint == Fingerprint("A", "00000000000000ff", "2026-11-01T10:00:00Z")


def test_any_success_resets():
    state = Box()
    run(state, "ok", T0)
    run(state, "soft-404", T0 + dt.timedelta(days=1))
    run(state, "soft-404", T0 + dt.timedelta(days=2))
    r, _ = run(state, "redirected", T0 + dt.timedelta(days=3))
    assert r.state == "moved"
    entry = state.links["https://x.org/a"]
    assert (entry.consecutive_failures, entry.failing_since) == (0, None)
    r, _ = run(state, "broken", T0 + dt.timedelta(days=4))
    assert r.state == "failing"


def test_never_working_link_is_dead_at_once_and_transient_new_link_is_unknown():
    state = Box()
    r, changes = run(state, "broken", T0, url="https://x.org/new")
    assert r.state == "dead" and changes[0].old is None
    r, _ = run(state, "transient", T0, url="https://x.org/flaky")
    assert r.state == "unknown"
    r, _ = run(state, "restricted", T0, url="https://x.org/wall")
    assert r.state == "restricted"


def test_history_is_capped_and_file_is_deterministic(tmp_path):
    state = Box()
    for i in range(30):
        run(state, "ok", T0 + dt.timedelta(days=i))
    entry = state.links["https://x.org/a"]
    assert len(entry.history) == Settings().history_cap
    assert entry.history[-1] == Check("2026-11-30T10:00:00Z", "ok", 200, 0)
    path = tmp_path / "linkstatus.json"
    linkstatus.save(path, state.status)
    text = path.read_text()
    doc = json.loads(text)
    assert (
        text.endswith("}\n")
        and text == json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
    assert list(doc) == ["links", "updated_at", "version"]
    assert linkstatus.load(path) == state.status  # what is written reads back the same


def test_corrupt_file_is_a_clear_error(tmp_path):
    path = tmp_path / "linkstatus.json"
    path.write_text('{"version": 1, "links": {"u": ')
    with pytest.raises(history.StateError, match=r"linkstatus.json:1: .*not valid JSON"):
        linkstatus.load(path)
    bad = {
        '{"state": "zombie"}': "zombie",
        '{"state": "alive", "http_status": "200"}': r"links\['u'\]\.http_status must be int",
        '{"state": "alive", "last_ok": "yesterday"}': r"last_ok: 'yesterday' is not an ISO 8601",
        '{"state": "alive", "history": [{"at": "2026-11-01T10:00:00Z"}]}': r"history\[0\]\.verdict is None",
        '{"state": "alive", "history": [{"at": "x", "verdict": "ok"}]}': "'x' is not an ISO 8601",
        '{"state": "alive", "verdict": "ok\\" onfocus=\\"x"}': r"\.verdict is 'ok\" onfocus",
        '{"state": "alive", "fingerprint": {"simhash": "zz"}}': "not hexadecimal",
        '{"state": "alive", "colour": "red"}': "unknown field",
        "{}": "state is None",
    }
    for entry, message in bad.items():
        path.write_text('{"version": 1, "links": {"u": ' + entry + "}}")
        with pytest.raises(history.StateError, match=message):
            linkstatus.load(path)
    assert linkstatus.load(tmp_path / "absent.json") == LinkStatus()


def test_archive_copies_are_cached_30_days_and_misses_7():
    s = Settings()
    found = Entry(
        archive_url="https://web.archive.org/x", archive_checked_at="2026-11-01T10:00:00Z"
    )
    missed = Entry(archive_checked_at="2026-11-01T10:00:00Z")
    assert history.wants_archive(None, T0, s) and history.wants_archive(Entry(), T0, s)
    assert not history.wants_archive(found, T0 + dt.timedelta(days=29), s)
    assert history.wants_archive(found, T0 + dt.timedelta(days=30), s)
    assert not history.wants_archive(missed, T0 + dt.timedelta(days=6), s)
    assert history.wants_archive(missed, T0 + dt.timedelta(days=7), s)
    # An old file without archive_checked_at: a copy it has is kept, a missing one is asked.
    assert not history.wants_archive(Entry(archive_url="https://web.archive.org/y"), T0, s)
    state = Box()
    run(state, "broken", T0, archive_url="https://web.archive.org/z", archive_timestamp="2020",
        archive_checked=True)  # fmt: skip
    assert state.links["https://x.org/a"].archive_checked_at == "2026-11-01T10:00:00Z"
    r, _ = run(state, "broken", T0 + dt.timedelta(days=1))  # not asked again: the copy stays
    assert r.archive_url == "https://web.archive.org/z"
    assert state.links["https://x.org/a"].archive_checked_at == "2026-11-01T10:00:00Z"


def test_drift_against_the_good_fingerprint(sites):
    s = sites()
    article = page("Self-attention, step by step", "queries keys and values are projections " * 40)
    s.routes["/post?id=1"] = Reply(body=article)
    state = Box()
    settings = fast_settings()

    def again(at):
        results = check([s.url("/post?id=1")], settings, known=state.links)
        state.status, results, _ = history.update(state.status, results, at, settings)
        return results[0]

    assert again(T0).state == "alive"
    s.routes["/post?id=1"] = Reply(body=page("Cheap flights", "book hotels and flights now " * 40))
    r = again(T0 + dt.timedelta(days=7))
    assert r.verdict == "drifted" and "differs" in r.detail and r.state == "drifted"
    entry = state.links[s.url("/post?id=1")]
    assert entry.fingerprint.title == "Self-attention, step by step"
    s.routes["/post?id=1"] = Reply(
        body=page("blog.example", "This domain is for sale. Buy this domain.")
    )
    r = again(T0 + dt.timedelta(days=8))
    assert r.verdict == "drifted" and "parked" in r.detail


def test_same_text_under_another_title_is_drift(sites):
    s = sites()
    words = "queries keys values projections softmax heads layers tokens weights scores"
    rng = __import__("random").Random(5)
    text = " ".join(rng.choice(words.split()) for _ in range(600))
    s.routes["/a?x"] = Reply(body=page("Attention explained", text))
    state = Box()
    settings = fast_settings()
    results = check([s.url("/a?x")], settings, known=state.links)
    state.status, _, _ = history.update(state.status, results, T0, settings)
    # A new title and a text that moved a bit (half the drift threshold or more): drift.
    edited = " ".join(rng.choice(words.split()) for _ in range(600))
    s.routes["/a?x"] = Reply(body=page("Subscribe to our newsletter", edited))
    r = check([s.url("/a?x")], settings, known=state.links)[0]
    assert r.verdict == "drifted" and "title changed" in r.detail
