"""The one atomic writer (tools/files.py), and that every writer of the project goes through it."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from tools import files
from tools.files import WriteError, write_atomic, write_if_changed
from tools.linkcheck import linkstatus
from tools.linkcheck.linkstatus import LinkStatus

REPO = Path(__file__).resolve().parent.parent


def test_written_files_keep_the_mode_of_the_file_they_replace(tmp_path: Path) -> None:
    path = tmp_path / "linkstatus.json"
    old_umask = os.umask(0o077)  # a umask that would make a temporary file 0600
    try:
        linkstatus.save(path, LinkStatus())
        assert path.stat().st_mode & 0o777 == 0o644  # new: 0644
        path.chmod(0o664)
        linkstatus.save(path, LinkStatus())
        assert path.stat().st_mode & 0o777 == 0o664  # replaced: keeps its mode
        page = tmp_path / "docs" / "index.md"
        assert write_if_changed(page, b"# Home\n")
        assert page.stat().st_mode & 0o777 == 0o644, "generated pages are readable by all too"
    finally:
        os.umask(old_umask)


def test_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "linkstatus.json"
    write_atomic(path, b"old\n")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(WriteError, match=r"linkstatus\.json: cannot write .*No space left"):
        write_atomic(path, b"new\n")
    assert path.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linkstatus.json"]

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        linkstatus.save(path, LinkStatus())
    assert path.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linkstatus.json"]


def test_a_write_that_need_not_survive_a_power_cut_skips_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    write_atomic(tmp_path / "report.json", b"{}", durable=False)
    assert synced == [] and (tmp_path / "report.json").read_bytes() == b"{}"
    write_atomic(tmp_path / "linkstatus.json", b"{}")
    assert len(synced) == 2, "the file, then its folder"


def test_unchanged_bytes_are_not_rewritten(tmp_path: Path) -> None:
    page = tmp_path / "a" / "b" / "page.md"
    assert write_if_changed(page, b"one\n"), "folders are created"
    os.utime(page, ns=(1_000_000_000, 1_000_000_000))
    assert not write_if_changed(page, b"one\n")
    assert page.stat().st_mtime_ns == 1_000_000_000, "an identical file is left alone"
    assert write_if_changed(page, b"two\n") and page.read_bytes() == b"two\n"


def test_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(WriteError, match=r"file/sub/page\.md: cannot create its folder"):
        write_if_changed(tmp_path / "file" / "sub" / "page.md", b"x")
    with pytest.raises(WriteError, match=r"missing/out\.json: cannot write"):
        write_atomic(tmp_path / "missing" / "out.json", b"x")


def _replaces(path: Path) -> bool:
    """Whether a module renames files itself (``os.replace``/``os.rename``/``Path.replace``)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("replace", "rename"):
            if isinstance(node.value, ast.Name) and node.value.id == "os":
                return True
        if isinstance(node, ast.Attribute) and node.attr == "mkstemp":
            return True
    return False


def test_no_other_module_writes_through_its_own_temporary_file() -> None:
    modules = sorted((REPO / "tools").rglob("*.py")) + sorted((REPO / "demos").rglob("*.py"))
    own = [p.relative_to(REPO).as_posix() for p in modules if _replaces(p)]
    assert own == [Path(files.__file__).relative_to(REPO).as_posix()]
