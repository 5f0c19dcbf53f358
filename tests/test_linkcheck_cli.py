"""``python -m tools.linkcheck`` end to end, in a subprocess (tools/linkcheck/cli.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest_linkcheck import Reply, Seen, page

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "fixtures" / "catalogue" / "valid.yaml"
FAST = ["--host-interval", "0", "--retry-backoff", "0.01", "--no-archive", "--read-timeout", "3"]

pytest_plugins = ("conftest_linkcheck",)


def linkcheck(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    full_env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CI": "true",
        "GITHUB_ACTIONS": "false",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "tools.linkcheck", *args],
        cwd=cwd or ROOT, env=full_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_urls_file_json_and_exit_codes(sites, tmp_path):
    s = sites()
    s.routes["/good"] = Reply(body=page("Good page", "content"))
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# a comment\n{s.url('/good')}\n\n{s.url('/gone')}\n")
    out = tmp_path / "out.json"
    p = linkcheck("--urls", str(urls), "--json", str(out), "--allow-private", *FAST)
    assert p.returncode == 1, p.stderr
    doc = json.loads(out.read_text())
    assert [(r["url"], r["verdict"]) for r in doc["results"]] == [
        (s.url("/good"), "ok"), (s.url("/gone"), "broken")
    ]  # fmt: skip
    assert doc["results"][0]["title"] == "Good page" and doc["results"][0]["state"] is None
    assert "1 broken" in p.stdout and "\r" not in p.stderr  # no progress bar off a terminal
    urls.write_text(s.url("/good") + "\n")
    assert linkcheck("--urls", str(urls), "--allow-private", *FAST).returncode == 0


def test_private_addresses_refused_without_the_flag(sites, tmp_path):
    s = sites()
    urls = tmp_path / "urls.txt"
    urls.write_text(s.url("/") + "\n")
    p = linkcheck("--urls", str(urls), *FAST)
    assert p.returncode == 1 and "blocked" in p.stdout
    assert s.requests == []


def test_input_errors_exit_2_and_corrupt_state_is_kept(sites, tmp_path):
    s = sites()
    p = linkcheck("--urls", str(tmp_path / "missing.txt"))
    assert p.returncode == 2 and "missing.txt" in p.stderr
    urls = tmp_path / "urls.txt"
    urls.write_text(s.url("/x") + "\n")
    state = tmp_path / "linkstatus.json"
    state.write_text("{not json")
    p = linkcheck("--urls", str(urls), "--state", str(state), "--allow-private", *FAST)
    assert p.returncode == 2 and "linkstatus.json:1" in p.stderr
    assert state.read_text() == "{not json" and s.requests == []
    assert linkcheck("--host-concurrency", "x").returncode == 2


def _catalogue(tmp_path: Path, a, b, c) -> Path:
    text = VALID.read_text(encoding="utf-8")
    text = text.replace("https://jalammar.github.io", a.base).replace(
        "https://tips-memo.com", b.base
    )
    path = tmp_path / "resources.yaml"
    path.write_text(text.replace("https://qiita.com", c.base), encoding="utf-8")
    return path


def _needs_loader(path: Path) -> None:
    from tools.catalog import load

    try:
        load(path)
    except NotImplementedError:
        pytest.skip("tools.catalog.load is not implemented yet")


def test_catalogue_tracking_across_runs(sites, tmp_path):
    a, b, c = sites(), sites(), sites()
    for site in (a, b, c):
        site.default = lambda seen: Reply(body=page(f"Page {seen.path}", f"text of {seen.path} " * 20)) \
            if "zz" not in seen.path else Reply(404, "no")  # fmt: skip
    cat = _catalogue(tmp_path, a, b, c)
    _needs_loader(cat)
    args = ["--allow-private", *FAST]
    p = linkcheck(*args, "--now", "2026-11-01T00:00:00Z", cwd=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    state = json.loads((tmp_path / "linkstatus.json").read_text())
    assert {e["state"] for e in state["links"].values()} == {"alive"}
    assert state["updated_at"] == "2026-11-01T00:00:00Z"
    first = sorted(state["links"])

    c.default = lambda seen: Reply(404, "gone")
    env = {"GITHUB_ACTIONS": "true"}
    for day, expected in (("03", 0), ("05", 0), ("07", 1)):
        p = linkcheck(
            *args,
            "--now",
            f"2026-11-{day}T00:00:00Z",
            "--markdown",
            "issue.md",
            cwd=tmp_path,
            env=env,
        )
        assert p.returncode == expected, (day, p.stdout, p.stderr)
    state = json.loads((tmp_path / "linkstatus.json").read_text())
    qiita = [u for u in state["links"] if u.startswith(c.base)][0]
    assert state["links"][qiita]["state"] == "dead" and sorted(state["links"]) == first
    line = next(n for n, t in enumerate(cat.read_text().splitlines(), 1) if c.base in t)
    assert f"::error file=resources.yaml,line={line},title=link broken::" in p.stdout
    assert "→ **dead**" in (tmp_path / "issue.md").read_text()


def test_since_checks_only_new_urls(sites, tmp_path):
    a, b, c = sites(), sites(), sites()
    for site in (a, b, c):
        site.default = Reply(body=page("fine", "text"))
    cat = _catalogue(tmp_path, a, b, c)
    _needs_loader(cat)
    git = [
        "git",
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.org",
        "-c",
        "commit.gpgsign=false",
    ]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "resources.yaml"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "old"], cwd=tmp_path, check=True)
    new_url = c.url("/brand-new-post")
    cat.write_text(
        cat.read_text().replace(c.url("/enoughspacefor/items/c9810d1065741a7f461c"), new_url)
    )
    c.default = Reply(404, "missing")
    out = tmp_path / "pr.json"
    p = linkcheck("--since", "HEAD", "--json", str(out), "--allow-private", *FAST, cwd=tmp_path)
    assert p.returncode == 1, p.stdout + p.stderr
    assert [r["url"] for r in json.loads(out.read_text())["results"]] == [new_url]
    assert not (tmp_path / "linkstatus.json").exists()
    assert a.requests == [] and b.requests == []
    p = linkcheck("--since", "no-such-ref", "--allow-private", *FAST, cwd=tmp_path)
    assert p.returncode == 2 and "no-such-ref" in p.stderr


def test_url_list_mode_starts_without_the_modules_it_needs_only_later():
    # Start-up time is the tracker's handicap against a compiled checker: in --urls mode the
    # catalogue loader, YAML, the history (its rules and its file), the report and the page
    # classifier are not loaded before the first request (they load while the first answers
    # travel).
    code = (
        "import sys, tools.linkcheck.cli\n"
        "late = ('yaml', 'tools.catalog', 'requests', 'tools.linkcheck.history',"
        " 'tools.linkcheck.linkstatus', 'tools.linkcheck.report', 'tools.vocab',"
        " 'tools.linkcheck.classify', 'tools.linkcheck.htmltext', 'http.cookiejar')\n"
        "print(' '.join(m for m in late if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert out.stdout.strip() == ""


def test_two_trackers_on_one_history_wait_for_each_other_and_lose_no_update(sites, tmp_path):
    # No race on timing: tracker A is held inside its run (its server answers only when told)
    # until tracker B has said that it found the history locked and waits.
    s = sites()
    release = threading.Event()

    def answer(seen: Seen) -> Reply:
        if seen.path.startswith("/a"):
            release.wait(120)
        return Reply(body=page(f"Page {seen.path}", "text"))

    s.default = answer
    urls_a, urls_b = tmp_path / "a.txt", tmp_path / "b.txt"
    urls_a.write_text(s.url("/a?x") + "\n")
    urls_b.write_text(s.url("/b?x") + "\n")
    state = tmp_path / "linkstatus.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "true"}
    args = ["--state", str(state), "--allow-private", *FAST]

    def start(urls: Path) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "tools.linkcheck", "--urls", str(urls), *args],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    a = start(urls_a)
    try:
        for _ in range(1200):  # A asks for its page only once it holds the lock
            if s.paths():
                break
            time.sleep(0.1)
        b = start(urls_b)
        said = ""
        while b.stderr is not None and "another link tracker is using it" not in said:
            line = b.stderr.readline()  # B says so once it finds the lock busy, then waits
            if not line:
                break
            said += line
    finally:
        release.set()
    assert "another link tracker is using it" in said, said
    outs = [p.communicate(timeout=120) for p in (a, b)]
    assert [p.returncode for p in (a, b)] == [0, 0], outs
    # Each read the history only once the other had written it: both links are in it.
    links = json.loads(state.read_text())["links"]
    assert sorted(links) == sorted([s.url("/a?x"), s.url("/b?x")])
    assert state.stat().st_mode & 0o777 == 0o644


def test_a_tracker_that_cannot_get_the_lock_exits_2(sites, tmp_path):
    from tools.linkcheck import linkstatus

    s = sites()
    urls = tmp_path / "urls.txt"
    urls.write_text(s.url("/a") + "\n")
    state = tmp_path / "linkstatus.json"
    with linkstatus.locked(state, 0):
        p = linkcheck("--urls", str(urls), "--state", str(state), "--lock-wait", "0.2",
                      "--allow-private", *FAST)  # fmt: skip
    assert p.returncode == 2 and "another link tracker is using this history" in p.stderr
    assert s.requests == [] and not state.exists()


def test_a_crash_exits_3_never_1(monkeypatch, capsys):
    from tools.linkcheck import cli

    def boom(argv=None):
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "run", boom)
    monkeypatch.setattr(cli.os, "_exit", lambda status: (_ for _ in ()).throw(SystemExit(status)))
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == cli.EXIT_CRASH == 3
    err = capsys.readouterr().err
    assert "RuntimeError: a bug" in err and "not a verdict on any link" in err


def test_a_proxy_in_the_environment_is_not_used_and_says_so_once(sites, tmp_path):
    s = sites()
    s.default = Reply(body=page("Direct", "text"))
    urls = tmp_path / "urls.txt"
    urls.write_text(s.url("/a?x") + "\n" + s.url("/b?x") + "\n")
    proxy = "http://127.0.0.1:9"  # nothing listens there: using it would fail every URL
    p = linkcheck("--urls", str(urls), "--allow-private", *FAST, env={"HTTPS_PROXY": proxy,
                  "HTTP_PROXY": proxy})  # fmt: skip
    assert p.returncode == 0 and "2 ok" in p.stdout, p.stdout + p.stderr
    assert p.stderr.count("is not used") == 1 and "address policy" in p.stderr


def test_proxy_opt_in_tunnels_with_connect_and_warns_once(sites, tmp_path):
    from conftest_linkcheck import ConnectProxy

    s = sites()
    s.default = Reply(body=page("Through the proxy", "text"))
    proxy = ConnectProxy("127.0.0.1")
    try:
        urls = tmp_path / "urls.txt"
        urls.write_text(s.url("/a?x") + "\n" + s.url("/b?x") + "\n")
        out = tmp_path / "out.json"
        p = linkcheck("--urls", str(urls), "--json", str(out), "--proxy", proxy.url,
                      "--allow-private", *FAST)  # fmt: skip
    finally:
        proxy.close()
    assert p.returncode == 0, p.stdout + p.stderr
    assert [r["title"] for r in json.loads(out.read_text())["results"]] == ["Through the proxy"] * 2
    assert proxy.tunnels and set(proxy.tunnels) == {f"{s.host}:{s.port}"}  # by name and port
    assert p.stderr.count("may reach another address") == 1
    # The policy still applies to our own resolution: without --allow-private, refused.
    p = linkcheck("--urls", str(urls), "--proxy", proxy.url, *FAST)
    assert p.returncode == 1 and "blocked" in p.stdout
    assert linkcheck("--urls", str(urls), "--proxy", "socks5://x:1").returncode == 2


def test_a_hostile_server_cannot_forge_workflow_commands_or_markup(raw_sites, tmp_path):
    def hostile(head: bytes, sock) -> None:
        title = (
            "Fine\u202e page\r\n::error file=x,line=1::forged <!-- @octocat ![i](http://e/i.png)"
        )
        body = f"<title>{title}</title><p>text</p>".encode()
        sock.sendall(
            b"HTTP/1.1 404 Not Found\r::error::forged in the reason " + b"x" * 60_000 + b"\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
        )

    s = raw_sites(hostile)
    urls = tmp_path / "urls.txt"
    urls.write_text(s.url("/a") + "\n")
    out, md = tmp_path / "out.json", tmp_path / "issue.md"
    p = linkcheck("--urls", str(urls), "--json", str(out), "--markdown", str(md),
                  "--allow-private", *FAST, env={"GITHUB_ACTIONS": "true"})  # fmt: skip
    assert p.returncode == 1, p.stderr
    for line in (p.stdout + p.stderr).splitlines():
        assert not line.startswith("::") or line.startswith(f"::error file={urls},line=1,"), line
    assert "\r" not in p.stdout and "\u202e" not in p.stdout
    row = json.loads(out.read_text())["results"][0]
    assert row["verdict"] == "broken" and len(row["detail"]) <= 1000 and "\r" not in row["detail"]
    body = md.read_text()
    assert len(body) < 65_536 and "forged" in body
    outside = re.sub(r"(`+)(?:(?!\1).)+?\1", "", body)
    assert not any(bad in outside for bad in ("<!--", "@octocat", "![", "::error"))


def test_help_is_laid_out_as_argparse_lays_it_out(monkeypatch):
    import argparse

    from tools.linkcheck import cli

    for columns in ("50", "120"):
        monkeypatch.setenv("COLUMNS", columns)
        ours = cli._parser().format_help()
        monkeypatch.setattr(cli, "_HelpFormatter", argparse.HelpFormatter)
        assert ours == cli._parser().format_help()
        monkeypatch.undo()


def test_building_the_parser_does_not_load_shutil():
    code = "import sys, tools.linkcheck.cli as c; c._parser(); print('shutil' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
