"""`python -m tools.site serve`: a real server on loopback that rebuilds when the catalogue changes."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from site_fixture import make_root

from tools.site.generate import Layout
from tools.site.serve import Settled, SiteServer, watched_files


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def _until(check: Callable[[], bool], seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[SiteServer]:
    srv = SiteServer(Layout.at(make_root(tmp_path)), port=0, interval=0.2)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def test_serves_both_languages_on_loopback(server: SiteServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    for path in ("", "resources/first-guide/", "en/resources/first-guide/", "api/resources.json"):
        status, _ = _get(server.url + path)
        assert status == 200, path
    assert _get(server.url + "resources/no-such-page/")[0] == 404


def test_rebuilds_when_the_catalogue_changes_and_survives_a_bad_edit(server: SiteServer) -> None:
    catalogue = server.layout.catalogue
    original = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(original.replace("A First Guide to Attention", "A Renamed Guide"), "utf-8")
    page = server.url + "en/resources/first-guide/"
    assert _until(lambda: "A Renamed Guide" in _get(page)[1]), "no rebuild after the edit"
    builds = server.builds
    catalogue.write_text(original.replace("level: beginner", "level: easy", 1), "utf-8")
    assert _until(lambda: server.last_error is not None), "a broken catalogue must be reported"
    assert "easy" in (server.last_error or "")
    assert server.builds == builds
    assert "A Renamed Guide" in _get(page)[1], "the last good site is still served"


def test_generated_pages_are_not_watched(tmp_path: Path) -> None:
    layout = Layout.at(make_root(tmp_path))
    names = {p.relative_to(layout.root).as_posix() for p in watched_files(layout)}
    assert "resources.yaml" in names and "docs/ja/about.md" in names and "mkdocs.en.yml" in names
    assert "demos/renderings/multi_head/meta.json" in names
    assert not any(n.startswith("docs/ja/resources/") for n in names)


def test_survives_invalid_utf8_and_an_invalid_catalogue_then_recovers(
    server: SiteServer, capfd: pytest.CaptureFixture[str]
) -> None:
    page = server.url + "en/about/"
    good = _get(page)[1]
    assert good, "the first build serves the about page"
    about = server.layout.docs("en") / "about.md"
    original_about = about.read_bytes()
    builds = server.builds

    about.write_bytes(original_about + b"\n\xff\xfe not UTF-8\n")
    assert _until(lambda: server.last_error is not None), "invalid UTF-8 must be reported"
    assert "about.md" in (server.last_error or "") and "UTF-8" in (server.last_error or "")
    assert _get(page) == (200, good), "the last good site is still served"

    about.write_bytes(original_about)
    assert _until(lambda: server.last_error is None and server.builds == builds + 1)

    catalogue = server.layout.catalogue
    original = catalogue.read_bytes()
    reported = []
    for broken in (b"version: 1\ntopics: [\n", b"version: 1\n\xff\n", original + b"\t- x\n"):
        catalogue.write_bytes(broken)
        assert _until(lambda: server.last_error is not None), broken
        assert "resources.yaml:" in (server.last_error or ""), server.last_error
        reported.append(server.last_error or "")
        assert _get(page) == (200, good)
        catalogue.write_bytes(original)
        assert _until(lambda: server.last_error is None), "a fixed catalogue builds again"
    assert server.builds == builds + 4
    assert len(set(reported)) == 3, "each bad catalogue is reported with its own problem"
    err = capfd.readouterr().err
    assert "about.md: not valid UTF-8" in err
    # Counted by message, not in total: a loaded machine may stall a write for longer than
    # one poll, and the half-written file is then rightly reported too (test_settled covers
    # the usual truncate-then-write).
    assert all(message in err for message in reported)


def test_settled_builds_a_change_once_it_stops_changing() -> None:
    saved = {"resources.yaml": (1, 900)}
    changes = Settled(saved)
    assert not changes.poll(saved), "nothing changed"
    half_written = {"resources.yaml": (2, 0)}
    assert not changes.poll(half_written), "truncated, not yet written: wait"
    written = {"resources.yaml": (3, 950)}
    assert not changes.poll(written), "still changing at the last poll: wait"
    assert changes.poll(written), "the same for two polls: build"
    assert not changes.poll(written), "built once, not again"
    assert not changes.poll({"resources.yaml": (4, 0)})
    assert not changes.poll(written), "back to what was built: nothing to do"
    assert not changes.poll(written)
    assert changes.poll({"resources.yaml": (5, 951)}) is False
    assert changes.poll({"resources.yaml": (5, 951)}), "a later edit is built in turn"
