"""``python -m tools.site serve``: build, serve the site on loopback, rebuild when inputs change.

Watching is plain polling of modification times (no extra dependency, works on every platform).
A change is built once the files have stopped changing for one poll: editors (and
``Path.write_bytes``) truncate a file before writing it, and a poll between the two would
otherwise report a half-written catalogue as an error.
Each build goes to a fresh folder that is served only once the build succeeded, so a failed
rebuild (an invalid catalogue, a page that is not UTF-8) is reported and the last good site
keeps being served whole, never half of a failed build.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tools.errors import AtlasError
from tools.site.build import CONFIGS, SHARED_CONFIG, build_site
from tools.site.generate import GENERATED_DIRS, GENERATED_FILES, Layout
from tools.site.i18n import LANGS

Snapshot = dict[str, tuple[int, int]]
INTERVAL = 0.5  # seconds between change checks: a build starts one to two of them after a save


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    return []


def watched_files(layout: Layout) -> list[Path]:
    """Every input of the site: catalogue, link states, renderings, hand-written pages, config."""
    found = _files(layout.catalogue) + _files(layout.linkstatus) + _files(layout.renderings)
    found += _files(layout.assets) + _files(layout.root / "overrides")
    configs = (SHARED_CONFIG, *CONFIGS)
    found += [layout.root / name for name in configs if (layout.root / name).is_file()]
    for lang in LANGS:
        docs = layout.docs(lang)
        generated = [docs / name for name in GENERATED_FILES]
        generated_dirs = [docs / name for name in GENERATED_DIRS]
        for path in _files(docs):
            if path in generated or any(d in path.parents for d in generated_dirs):
                continue
            found.append(path)
    return found


def snapshot(layout: Layout) -> Snapshot:
    """Modification time and size of every watched file (a missing file simply is not there)."""
    state: Snapshot = {}
    for path in watched_files(layout):
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        state[str(path)] = (info.st_mtime_ns, info.st_size)
    return state


class Settled:
    """Says when the watched files changed and then stayed the same for one more poll.

    Args:
        built: the snapshot the current site was built from.
    """

    def __init__(self, built: Snapshot) -> None:
        self._built = built
        self._pending: Snapshot | None = None

    def poll(self, now: Snapshot) -> bool:
        """Take one poll's snapshot; True when it is new and the same as the poll before."""
        if now == self._built:
            self._pending = None
            return False
        if now != self._pending:
            self._pending = now
            return False
        self._built, self._pending = now, None
        return True


class _SiteHTTPServer(ThreadingHTTPServer):
    """Serves the files of ``atlas_site``, a folder swapped for a new one after each build."""

    def __init__(self, address: tuple[str, int], site: Path) -> None:
        self.atlas_site = site
        super().__init__(address, _QuietHandler)


class _QuietHandler(SimpleHTTPRequestHandler):
    def __init__(self, request: Any, client_address: Any, server: _SiteHTTPServer) -> None:
        super().__init__(request, client_address, server, directory=str(server.atlas_site))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


class SiteServer:
    """Builds the site, serves it, and rebuilds it when an input changes.

    Args:
        layout: the project layout.
        host: address to bind (loopback by default).
        port: port to bind; 0 picks a free one (see :attr:`url`).
        interval: seconds between change checks.
    """

    def __init__(
        self, layout: Layout, host: str = "127.0.0.1", port: int = 8000, interval: float = INTERVAL
    ) -> None:
        self.layout = layout
        self.interval = interval
        self.builds = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._builds_dir = Path(tempfile.mkdtemp(prefix="atlas-serve-"))
        self._site = self._builds_dir / "empty"
        self._site.mkdir()
        self._httpd = _SiteHTTPServer((host, port), self._site)
        self._host = host
        self._thread: threading.Thread | None = None
        self._serving = False

    @property
    def url(self) -> str:
        """The address the site is served at, e.g. ``http://127.0.0.1:8000/``."""
        return f"http://{self._host}:{self._httpd.server_port}/"

    def rebuild(self) -> bool:
        """Build once; on failure keep the previous site and remember (and print) the error.

        Any exception counts as a failed build: a watcher that died on an unexpected error
        would leave the reader looking at a stale site with no word about it.
        """
        target = self._builds_dir / f"build-{self.builds + 1}-{time.monotonic_ns()}"
        try:
            result = build_site(self.layout, site=target)
        except AtlasError as exc:
            shutil.rmtree(target, ignore_errors=True)
            return self._failed(str(exc))
        except Exception as exc:  # reported; the last good site stays
            shutil.rmtree(target, ignore_errors=True)
            return self._failed(f"unexpected {type(exc).__name__}: {exc}")
        self.builds += 1
        self.last_error = None
        previous, self._site = self._site, target
        self._httpd.atlas_site = target
        shutil.rmtree(previous, ignore_errors=True)
        print(f"built in {result.timings['total']:.2f} s; serving {self.url}", flush=True)
        return True

    def _failed(self, message: str) -> bool:
        self.last_error = message
        print(f"build failed (still serving the last good site):\n{message}", file=sys.stderr)
        return False

    def start(self) -> None:
        """Build, then serve in a background thread and watch for changes in another."""
        seen = snapshot(self.layout)  # before building, so an edit made meanwhile is not missed
        self.rebuild()
        serving = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        serving.start()
        self._serving = True
        self._thread = threading.Thread(target=self._watch, args=(seen,), daemon=True)
        self._thread.start()

    def _watch(self, seen: Snapshot) -> None:
        changes = Settled(seen)
        while not self._stop.wait(self.interval):
            try:
                now = snapshot(self.layout)
            except OSError as exc:  # a folder renamed or removed while it was walked
                print(f"watching failed for a moment: {exc}", file=sys.stderr)
                continue
            if changes.poll(now):
                self.rebuild()

    def wait(self) -> None:
        """Block until :meth:`stop` is called (or the process is interrupted)."""
        while not self._stop.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop watching and serving, and free the port."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self._serving:
            self._httpd.shutdown()
        self._httpd.server_close()
        shutil.rmtree(self._builds_dir, ignore_errors=True)


def serve(
    layout: Layout, host: str = "127.0.0.1", port: int = 8000, interval: float = INTERVAL
) -> None:
    """Serve the site until interrupted (Ctrl-C), rebuilding on changes."""
    server = SiteServer(layout, host=host, port=port, interval=interval)
    server.start()
    print(f"serving {server.url} (Ctrl-C to stop)", flush=True)
    try:
        server.wait()
    finally:
        server.stop()
