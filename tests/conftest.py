"""Shared fixtures. Area-specific fixtures live next to the tests that use them."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import DEAD_PROXY_ARGS, browser_unavailable
from site_fixture import shared_root

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    # Each pytest-xdist worker is one of several processes sharing a few cores: PyTorch's and
    # the BLAS's thread pools (one thread per core each) in every worker would oversubscribe
    # them. Set before anything imports torch or NumPy; demo subprocesses inherit it.
    if os.environ.get("PYTEST_XDIST_WORKER"):
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ.setdefault(name, "1")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist turns the groups into node ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A demo's results are computed once per process (demo_helpers.result_of): its own test
    # file joins the contract tests' group for it (test_demos_contract.IDS), so that every
    # (demo, seed) runs once per run, not once in each worker.
    for item in items:
        own = re.fullmatch(r"test_demo_(\w+)\.py", item.path.name)
        if own:
            item.add_marker(pytest.mark.xdist_group(f"demo-{own.group(1)}"))
    # Workers take tests in this order: the longest go first, so that the run does not end
    # with one worker busy on a long test while the other has nothing left.
    items.sort(key=lambda item: item.get_closest_marker("longest") is None)


@pytest.fixture(autouse=True)
def _no_foreign_running_loop(request: pytest.FixtureRequest) -> Iterator[None]:
    """Once a worker has started the session's browser, Playwright's sync API keeps its event
    loop marked as running in this thread, between its calls too, and ``asyncio.run()`` refuses
    to start under it. A test that does not use the browser runs without that mark, which is
    put back afterwards for the browser's next call."""
    loop = asyncio._get_running_loop()
    if loop is None or "browser" in request.fixturenames:
        yield
        return
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder."""
    return REPO


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture catalogue's site, built by ``build_site`` once per run: read it, never change it."""
    return shared_root(tmp_path_factory, "fixture") / "site"


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real catalogue's site, built by ``build_site`` once per run: read it, never change it."""
    return shared_root(tmp_path_factory, "real") / "site"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the whole session; no request of it can leave 127.0.0.1.

    The block is chromium's own proxy setting rather than Playwright's request interception,
    which would stop every request in Python and turn off the browser's cache.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("playwright is not installed (pip install -e '.[dev]')")
    from tools.site.screenshot import CHROMIUM_ARGS, find_chromium

    chromium = find_chromium()
    if not chromium:
        browser_unavailable("chromium is not installed (apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=chromium, headless=True, args=[*CHROMIUM_ARGS, *DEAD_PROXY_ARGS]
        )
        try:
            yield b
        finally:
            b.close()
