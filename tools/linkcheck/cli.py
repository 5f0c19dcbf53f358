"""``python -m tools.linkcheck``: check the catalogue's URLs (or a list) and track them.

Exit status: 0 when nothing is broken under the chosen policy, 1 when something is (a link
became dead, or a new link is broken), 2 for usage or input errors (bad flags, an unreadable
catalogue or URL list, a corrupt history, another tracker holding the history's lock past
``--lock-wait``), 3 when the tracker itself crashed (a bug: never reported as a dead link).

The history file is locked for the whole run (an advisory lock beside it, see
:mod:`.linkstatus`): a second tracker on the same file waits for the first, then reads what
it wrote, so no update is lost.

Proxies: the address policy resolves every host itself and connects to an address it checked,
which a proxy would undo (it resolves names on its own). So ``HTTPS_PROXY`` and friends are
not used; when one is set, the run says so once. ``--proxy http://HOST:PORT`` opts in: every
request goes through an HTTP CONNECT tunnel named by host and port (TLS inside it for https),
the policy is still applied to our own resolution of each name, and the run warns once that
the proxy may resolve a name to another address.

The process ends with ``os._exit`` once every file is written and closed, skipping the
interpreter's teardown (module clean-up and a last garbage collection of the run's objects).
On the benchmark's 1000 URLs (``bench/bench_linkcheck.py``, two busy cores), from the run's
last line of output to the end of the process as its parent saw it, median of 7: 20 ms with
``sys.exit``, 4 ms with ``os._exit``. The benchmark's wall time (median of 3) did not resolve
the difference (2.80 s with ``sys.exit``, 2.82 s before, ``--no-archive``), being noisier.

The policy (``--fail-on``): ``new-dead`` fails only for links that became dead in this run
(tracking, the default when a history is kept); ``broken`` fails for any broken, soft-404 or
blocked link (the default for ``--urls`` and ``--since``: a new link must work now).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import ipaddress
import os
import sys
import traceback
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tools.errors import AtlasError
from tools.linkcheck import targets
from tools.linkcheck.check import check_links
from tools.linkcheck.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    from tools.linkcheck import history, report
    from tools.linkcheck.results import Result

# What the run needs only at its end, or before it only when a history is kept (or a terminal
# shows progress): the history and its file, the report, paths and the atomic write. Not
# loaded before the first requests leave: they load while the first answers travel.
_LATER = (
    "tools.linkcheck.linkstatus",
    "tools.linkcheck.report",
    "tools.linkcheck.history",
    "tools.files",
    "tempfile",
)

EXIT_OK, EXIT_LINKS, EXIT_INPUT, EXIT_CRASH = 0, 1, 2, 3
_PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's layout, to the terminal's width read without :mod:`shutil`.

    argparse makes a formatter for every ``add_argument`` (to check its metavar), and the
    default one asks ``shutil.get_terminal_size`` each time: importing shutil (with bz2 and
    lzma) and the 40 look-ups took 2.2 to 2.5 ms before the first request could leave. The
    width is read the way shutil reads it: ``COLUMNS``, else the terminal, else 80 columns.
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_columns() - 2)


def _terminal_columns() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _parser() -> argparse.ArgumentParser:
    d = Settings()
    p = argparse.ArgumentParser(
        prog="python -m tools.linkcheck",
        description="Check the catalogue's links (or a list of URLs) and remember their state.",
        formatter_class=_HelpFormatter,
    )
    src = p.add_argument_group("what to check")
    src.add_argument("--catalogue", metavar="PATH", help="the catalogue (default: resources.yaml)")
    src.add_argument("--urls", metavar="FILE", help="check these URLs instead (one a line)")
    src.add_argument("--since", metavar="REF", help="only URLs added or changed since git REF")
    out = p.add_argument_group("outputs")
    out.add_argument("--state", metavar="FILE", help="link history (default: linkstatus.json "
                     "beside the catalogue; none for --urls and --since)")  # fmt: skip
    out.add_argument("--no-state", action="store_true", help="keep no history")
    out.add_argument("--lock-wait", type=float, default=d.lock_wait, metavar="SEC",
                     help="how long to wait for another tracker using the same history")  # fmt: skip
    out.add_argument("--json", metavar="FILE", help="write the results as JSON")
    out.add_argument("--markdown", metavar="FILE", help="write an issue body in Markdown")
    out.add_argument("--quiet", action="store_true", help="print only the summary line")
    out.add_argument("--fail-on", choices=("auto", "new-dead", "broken", "never"), default="auto",
                     help="what makes the exit status 1 (default: see the module help)")  # fmt: skip
    pol = p.add_argument_group("politeness and deadlines")
    pol.add_argument("--allow-private", action="store_true",
                     help="allow loopback and private addresses (tests only)")  # fmt: skip
    pol.add_argument("--allow-address", action="append", default=[], metavar="IP",
                     help="allow this one address although the policy refuses it")  # fmt: skip
    pol.add_argument("--host-concurrency", type=int, default=d.host_concurrency, metavar="N")
    pol.add_argument("--host-interval", type=float, default=d.host_interval, metavar="SEC")
    pol.add_argument("--max-concurrency", type=int, default=d.max_concurrency, metavar="N")
    pol.add_argument("--max-retries", type=int, default=d.max_retries, metavar="N")
    pol.add_argument("--retry-backoff", type=float, default=d.retry_backoff, metavar="SEC")
    pol.add_argument("--max-retry-after", type=float, default=d.max_retry_after, metavar="SEC")
    pol.add_argument("--max-redirects", type=int, default=d.max_redirects, metavar="N")
    pol.add_argument("--connect-timeout", type=float, default=d.connect_timeout, metavar="SEC")
    pol.add_argument("--read-timeout", type=float, default=d.read_timeout, metavar="SEC")
    pol.add_argument("--request-deadline", type=float, default=d.request_deadline, metavar="SEC")
    pol.add_argument("--url-deadline", type=float, default=d.url_deadline, metavar="SEC")
    pol.add_argument("--run-deadline", type=float, default=d.run_deadline, metavar="SEC")
    pol.add_argument("--max-body", type=int, default=d.max_body, metavar="BYTES")
    pol.add_argument("--method", choices=("auto", "get", "head"), default=d.method)
    pol.add_argument("--user-agent", default=d.user_agent)
    pol.add_argument("--ca-file", metavar="PEM", help="also trust these CA certificates")
    pol.add_argument("--proxy", metavar="URL",
                     help="tunnel every request through this HTTP proxy (CONNECT); see --help")  # fmt: skip
    dec = p.add_argument_group("decisions")
    dec.add_argument("--no-probe", action="store_true", help="skip the random-sibling probe")
    dec.add_argument("--no-fragments", action="store_true",
                     help="do not check that a URL's #anchor exists on its page")  # fmt: skip
    dec.add_argument("--sibling-bits", type=int, default=d.sibling_bits, metavar="N")
    dec.add_argument("--drift-bits", type=int, default=d.drift_bits, metavar="N")
    dec.add_argument("--dead-after-failures", type=int, default=d.dead_after_failures, metavar="N")
    dec.add_argument("--dead-after-hours", type=float, default=d.dead_after_hours, metavar="H")
    dec.add_argument("--history-cap", type=int, default=d.history_cap, metavar="N")
    ext = p.add_argument_group("endpoints (also LINKCHECK_*_ENDPOINT environment variables)")
    ext.add_argument("--no-archive", action="store_true", help="do not look up archived copies")
    ext.add_argument("--archive-endpoint", metavar="URL")
    ext.add_argument("--archive-web", metavar="URL")
    ext.add_argument("--oembed-endpoint", metavar="URL")
    ext.add_argument("--thumbnail-endpoint", metavar="URL", help="with {id} for the video id")
    p.add_argument("--now", help=argparse.SUPPRESS)  # the clock, injected by tests
    return p


def settings_from(args: argparse.Namespace) -> Settings:
    """The run's settings: defaults, then the environment, then the flags."""
    s = Settings.from_env()
    for name in (
        "host_concurrency", "host_interval", "max_concurrency", "max_retries", "retry_backoff",
        "max_retry_after", "max_redirects", "connect_timeout", "read_timeout", "request_deadline",
        "url_deadline", "run_deadline", "max_body", "method", "user_agent", "sibling_bits",
        "drift_bits", "dead_after_failures", "dead_after_hours", "history_cap", "allow_private",
        "lock_wait",
    ):  # fmt: skip
        setattr(s, name, getattr(args, name))
    for name in ("archive_endpoint", "archive_web", "oembed_endpoint", "thumbnail_endpoint"):
        if getattr(args, name):
            setattr(s, name, getattr(args, name))
    try:
        s.allow_addresses = frozenset(str(ipaddress.ip_address(a)) for a in args.allow_address)
    except ValueError as exc:
        raise AtlasError(f"--allow-address: {exc}") from exc
    s.ca_file = args.ca_file
    if args.proxy:
        parts = urlsplit(args.proxy)
        if parts.scheme != "http" or not parts.hostname:
            raise AtlasError(f"--proxy {args.proxy!r}: expected http://HOST:PORT")
        s.proxy = args.proxy
    s.probe_siblings = not args.no_probe
    s.check_fragments = not args.no_fragments
    s.archive = not args.no_archive
    for name in ("host_concurrency", "max_concurrency", "max_body"):
        if getattr(s, name) < 1:
            raise AtlasError(
                f"--{name.replace('_', '-')} must be at least 1, not {getattr(s, name)}"
            )
    return s


def _now(value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    from tools.linkcheck.linkstatus import parse_time

    return parse_time(value, "--now")


def run(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status (see the module docstring)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except AtlasError as exc:
        print(f"linkcheck: error: {exc}", file=sys.stderr)
        return EXIT_INPUT


def _run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    now = _now(args.now)
    catalogue_file: Path | None = None
    if args.urls:
        if args.since:
            raise AtlasError("--since compares catalogues; it cannot be used with --urls")
        links = targets.from_urls_file(args.urls)
    else:
        from pathlib import Path  # here and for --state only: a --urls run loads it later

        from tools.catalog import load  # 100 ms of imports (YAML, schema) that --urls skips

        catalogue_file = Path(args.catalogue or "resources.yaml")
        if not catalogue_file.is_file():
            raise AtlasError(f"{catalogue_file}: no such catalogue (or use --urls FILE)")
        links = targets.from_catalogue(load(catalogue_file))
        if args.since:
            old = targets.urls_at(args.since, catalogue_file.name, cwd=catalogue_file.parent)
            links = [link for link in links if link.url not in old]
    state_file: Path | None = None
    if args.state and not args.no_state:
        from pathlib import Path  # 3 ms of imports, not needed otherwise before the run

        state_file = Path(args.state)
    elif catalogue_file is not None and not args.since and not args.no_state:
        state_file = catalogue_file.parent / "linkstatus.json"
    if settings.proxy:
        _say(
            f"using the proxy {settings.proxy}: the address policy checks our own resolution "
            "of each name, but the proxy resolves names itself and may reach another address"
        )
    elif any(os.environ.get(v) for v in _PROXY_VARS):
        _say(
            "a proxy is set in the environment and is not used: through a proxy the address "
            "policy cannot hold (the proxy resolves names itself); --proxy URL opts in"
        )
    if state_file is None:
        return _check(args, settings, now, links, catalogue_file, None)
    from tools.linkcheck import linkstatus

    with linkstatus.locked(state_file, settings.lock_wait, _say):
        return _check(args, settings, now, links, catalogue_file, state_file)


def _say(message: str) -> None:
    print(f"linkcheck: {message}", file=sys.stderr)


def _check(
    args: argparse.Namespace,
    settings: Settings,
    now: dt.datetime,
    links: list[targets.Link],
    catalogue_file: Path | None,
    state_file: Path | None,
) -> int:
    status = None
    if state_file is not None:
        from tools.linkcheck import linkstatus

        status = linkstatus.load(state_file)  # before any request
    progress = None
    if sys.stderr.isatty() and not os.environ.get("CI") and not args.quiet:
        from tools.linkcheck.report import ProgressBar

        progress = ProgressBar(sys.stderr)
    known = status.links if status else None
    notes: list[str] = []
    rows: report.JsonRows | None = None

    def lay_out(result: Result) -> None:
        # The JSON report's objects are laid out while the run waits for answers (see
        # JsonRows); the report module is loaded by the first answer (preloaded, not before).
        nonlocal rows
        if rows is None:
            from tools.linkcheck.report import JsonRows

            rows = JsonRows()
        rows.add(result)

    results = asyncio.run(
        check_links(
            links,
            settings,
            known,
            progress,
            preload=_LATER,
            now=now,
            notes=notes,
            fingerprints=status is not None,
            on_result=lay_out if args.json and status is None else None,
        )
    )
    from tools.files import write_atomic
    from tools.linkcheck import history, linkstatus, report  # preloaded during the run

    changes: list[history.Change] = []
    if status is not None and state_file is not None:
        status, results, changes = history.update(status, results, now, settings)
        linkstatus.save(state_file, status)
    stamp = linkstatus.iso(now)
    if args.json:
        document = report.json_document(results, stamp, rows).encode("utf-8")
        write_atomic(args.json, document, durable=False)
    if args.markdown:
        body = report.markdown(results, changes, stamp, notes)
        write_atomic(args.markdown, body.encode("utf-8"), durable=False)
    for note in notes:
        _say(report.clean(note))
    print(
        report.summary(results) if args.quiet else report.text(results, changes),
        end="\n" if args.quiet else "",
    )

    newly_dead = {c.url for c in changes if c.new == "dead" and c.old != "dead"}
    if os.environ.get("GITHUB_ACTIONS") == "true":
        file = os.path.relpath(catalogue_file) if catalogue_file else str(args.urls)
        for line in report.github_annotations(results, file, newly_dead):
            print(line)
    policy = args.fail_on
    if policy == "auto":
        policy = "new-dead" if status is not None and not args.since else "broken"
    if policy == "new-dead":
        return EXIT_LINKS if newly_dead else EXIT_OK
    if policy == "broken":
        bad = any(r.verdict in report.BROKEN_VERDICTS for r in results)
        return EXIT_LINKS if bad else EXIT_OK
    return EXIT_OK


def main() -> None:
    """Entry point of ``python -m tools.linkcheck``.

    A crash exits 3, never 1: the workflow reads 1 as "a link became dead".
    """
    try:
        status = run()
    except KeyboardInterrupt:
        print("linkcheck: interrupted", file=sys.stderr)
        status = 130
    except Exception:
        traceback.print_exc()
        print(
            f"linkcheck: internal error (exit {EXIT_CRASH}): a bug of the tracker, "
            "not a verdict on any link",
            file=sys.stderr,
        )
        status = EXIT_CRASH
    # Every file is written and closed: skip the interpreter's teardown (see the docstring).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
