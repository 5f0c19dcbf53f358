"""``python -m tools.site.screenshot``: a PNG of a built resource page, taken offline."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from site_fixture import REPO

from tools.site.screenshot import ScreenshotError, find_chromium, main, take_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def built(fixture_site: Path) -> Path:
    if not find_chromium():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is not installed; CI=true, so the screenshot test must run")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return fixture_site


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    # A separate process, as `make` runs it (and Playwright's sync API allows one per thread).
    return subprocess.run(
        [sys.executable, "-m", "tools.site.screenshot", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_screenshot_of_a_resource_page(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "a" / "shot.png"
    done = _cli(
        "--site", str(built), "--out", str(out), "--resource", "first-guide", "--width", "900"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    assert _png_size(out) == (900, 960)
    assert not list(out.parent.glob(".*tmp*")), "the temporary file was left behind"


def test_screenshot_of_the_explorer_in_english_dark(built: Path, tmp_path: Path) -> None:
    common = ("--site", str(built), "--resource", "first-guide", "--lang", "en")
    assert _cli(*common, "--out", str(tmp_path / "light.png")).returncode == 0
    done = _cli(*common, "--out", str(tmp_path / "dark.png"), "--dark", "--explorer")
    assert done.returncode == 0, done.stderr
    assert _png_size(tmp_path / "dark.png") == (1280, 960)
    assert (tmp_path / "dark.png").read_bytes() != (tmp_path / "light.png").read_bytes()


def test_unknown_resource_names_the_built_ones(built: Path, tmp_path: Path) -> None:
    with pytest.raises(ScreenshotError, match="no such page.*first-guide"):
        take_screenshot(built, tmp_path / "x.png", resource="nope")
    assert not (tmp_path / "x.png").exists()


def test_page_without_explorer_is_refused(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    done = _cli("--site", str(built), "--out", str(out), "--resource", "gone-paper", "--explorer")
    assert done.returncode == 2
    assert "no attention explorer" in done.stderr
    assert not out.exists()


def test_cli_reports_a_missing_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--site", str(tmp_path / "nothing"), "--out", str(tmp_path / "x.png")])
    assert code == 2
    assert "no such page" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()
