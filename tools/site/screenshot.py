"""Headless screenshot of a built resource page, for the README.

``python -m tools.site.screenshot --out docs/assets/screenshot-resource.png`` builds nothing: it
serves the already built ``site/`` on loopback, opens one resource page in Debian's chromium
(headless, through Playwright) and writes a PNG. Every request that would leave 127.0.0.1 is
refused, so the picture shows the site exactly as it works offline.

The helpers :func:`serve_directory`, :func:`find_chromium`, :func:`launch_chromium` and
:func:`guard_loopback` are shared with the browser tests.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tools.errors import AtlasError
from tools.files import write_atomic

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOOPBACK_HOSTS = frozenset({"127.0.0.1"})
DEFAULT_RESOURCE = "illustrated-transformer"


class ScreenshotError(AtlasError):
    """The screenshot could not be taken (no browser, no built site, unknown page)."""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@contextlib.contextmanager
def serve_directory(directory: str | Path) -> Iterator[str]:
    """Serve a folder over HTTP on 127.0.0.1 (a free port) for the duration of the block.

    Args:
        directory: the folder to serve (a built site).

    Yields:
        The base URL, ending in ``/``.

    Raises:
        ScreenshotError: when the folder does not exist.
    """
    root = Path(directory)
    if not root.is_dir():
        raise ScreenshotError(f"{root}: no such folder (build the site first: make site)")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="atlas-site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def find_chromium() -> str | None:
    """Return the chromium executable to drive, or None when there is none.

    ``ATLAS_CHROMIUM`` overrides the search; otherwise Debian's chromium, then any chromium or
    Google Chrome on the PATH (GitHub's Ubuntu runners ship Chrome, and their apt chromium is
    only a snap stub).
    """
    override = os.environ.get("ATLAS_CHROMIUM")
    if override:
        return override if Path(override).is_file() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_chromium(playwright: Any, executable: str | None = None) -> Any:
    """Launch headless chromium through Playwright with the project's fixed flags.

    Args:
        playwright: a started ``sync_playwright()`` object.
        executable: the chromium binary (default: :func:`find_chromium`).

    Returns:
        The Playwright ``Browser``.

    Raises:
        ScreenshotError: when no chromium is installed.
    """
    path = executable or find_chromium()
    if not path:
        raise ScreenshotError(
            "chromium not found (install Debian's chromium: apt-get install chromium, "
            "or set ATLAS_CHROMIUM to its path)"
        )
    return playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)


def guard_loopback(context: Any, refused: list[str]) -> None:
    """Abort every request of a browser context whose host is not 127.0.0.1.

    Args:
        context: a Playwright ``BrowserContext``.
        refused: receives each refused URL, so callers can fail on it.
    """

    def handle(route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname in LOOPBACK_HOSTS:
            route.continue_()
        else:
            refused.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", handle)


def resource_page(site: Path, resource: str, lang: str) -> str:
    """Relative URL of a resource page in a built site, checked to exist.

    Raises:
        ScreenshotError: naming the missing page and the resources that do exist.
    """
    prefix = "" if lang == "ja" else f"{lang}/"
    rel = f"{prefix}resources/{resource}/"
    if not (site / rel / "index.html").is_file():
        folder = site / prefix / "resources"
        known = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        hint = f"; built resources: {', '.join(known)}" if known else "; run `make site` first"
        raise ScreenshotError(f"{site / rel / 'index.html'}: no such page{hint}")
    return rel


def take_screenshot(
    site: str | Path,
    out: str | Path,
    *,
    resource: str = DEFAULT_RESOURCE,
    lang: str = "ja",
    width: int = 1280,
    height: int = 960,
    dark: bool = False,
    full_page: bool = False,
    explorer: bool = False,
) -> Path:
    """Serve ``site`` on loopback and save a PNG of one resource page.

    Args:
        site: the built site folder (``site/``).
        out: where the PNG goes (written atomically: :func:`tools.files.write_atomic`).
        resource: the resource id whose page is shown.
        lang: ``ja`` (the site root) or ``en``.
        width: viewport width in CSS pixels.
        height: viewport height in CSS pixels.
        dark: use the dark palette.
        full_page: capture the whole page instead of the first screen.
        explorer: scroll to the page's first attention explorer and hover one of its tokens.

    Returns:
        The path of the PNG.

    Raises:
        ScreenshotError: no chromium, no built site, unknown resource, or a request that tried
            to leave loopback.
    """
    # playwright is a dev extra, not a runtime dependency: a clear error here when it is missing
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        raise ScreenshotError("playwright is not installed: make install-dev") from err
    if lang not in ("ja", "en"):
        raise ScreenshotError(f"--lang {lang!r}: expected ja or en")
    site = Path(site)
    rel = resource_page(site, resource, lang)
    out = Path(out)
    refused: list[str] = []
    png = _capture(site, rel, refused, width, height, dark, full_page, explorer, lang)
    if refused:
        raise ScreenshotError(f"{rel}: the page tried to leave loopback: {', '.join(refused)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, png, durable=False)
    return out


def _capture(
    site: Path,
    rel: str,
    refused: list[str],
    width: int,
    height: int,
    dark: bool,
    full_page: bool,
    explorer: bool,
    lang: str,
) -> bytes:
    from playwright.sync_api import sync_playwright  # the dev extra, checked by take_screenshot

    with serve_directory(site) as base, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = browser.new_context(
                viewport={"width": width, "height": height},
                color_scheme="dark" if dark else "light",
                device_scale_factor=1,
            )
            guard_loopback(context, refused)
            page = context.new_page()
            if dark:
                scope = urlsplit(base).path + ("" if lang == "ja" else f"{lang}/")
                page.add_init_script(_dark_palette_script(scope))
            page.goto(base + rel, wait_until="networkidle")
            if explorer:
                _show_explorer(page, rel)
            page.wait_for_timeout(300)
            return page.screenshot(full_page=full_page)
        finally:
            browser.close()


def _show_explorer(page: Any, rel: str) -> None:
    hook = page.locator(".atlas-explorer")
    if hook.count() == 0:
        raise ScreenshotError(f"{rel}: --explorer given, but the page has no attention explorer")
    ready = page.locator(".atlas-explorer.atlas-explorer--ready").first
    ready.wait_for(timeout=10_000)
    page.evaluate(
        "() => { const e = document.querySelector('.atlas-explorer--ready');"
        " window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 120); }"
    )
    tokens = ready.locator(".atlas-query")
    tokens.nth(min(1, tokens.count() - 1)).hover()


def _dark_palette_script(scope: str) -> str:
    """Script that makes Material start in its dark (slate) scheme.

    Material keeps the reader's palette in localStorage under ``<site scope>.__palette``.
    """
    key = json.dumps(f"{scope}.__palette")
    return (
        f"try {{ localStorage.setItem({key}, "
        'JSON.stringify({index: 1, color: {scheme: "slate"}})); } catch (e) {}'
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.site.screenshot --out FILE [options]``."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.site.screenshot",
        description="Screenshot a resource page of the built site (serves site/ on loopback).",
    )
    parser.add_argument("--out", required=True, help="PNG to write")
    parser.add_argument("--site", default="site", help="built site folder (default: site)")
    parser.add_argument("--resource", default=DEFAULT_RESOURCE, help="resource id")
    parser.add_argument("--lang", default="ja", choices=("ja", "en"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=960)
    parser.add_argument("--dark", action="store_true", help="dark palette")
    parser.add_argument("--full-page", action="store_true", help="whole page, not first screen")
    parser.add_argument(
        "--explorer", action="store_true", help="scroll to the attention explorer, hover a token"
    )
    args = parser.parse_args(argv)
    try:
        path = take_screenshot(
            args.site,
            args.out,
            resource=args.resource,
            lang=args.lang,
            width=args.width,
            height=args.height,
            dark=args.dark,
            full_page=args.full_page,
            explorer=args.explorer,
        )
    except AtlasError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
