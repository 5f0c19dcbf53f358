"""Writing a file so that a reader sees the old content or the new one, never a mix.

The project's one atomic writer, used by the link tracker (``linkstatus.json``, its JSON and
Markdown reports), the site generator (generated pages, assets, the JSON export) and the
screenshot tool. Standard library only, so any tool can import it.

The bytes go to a temporary file in the destination's folder, which gets the old file's mode
(0644 for a new file, whatever the umask would give a temporary file), is fsynced when the
write must survive a power cut (``durable``) and is renamed over the destination; on any
failure (full disk, Ctrl-C) the temporary file is removed and the old file is left as it was.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from tools.errors import AtlasError

NEW_FILE_MODE = 0o644


class WriteError(AtlasError):
    """A file could not be written; the old file, if any, is unchanged."""


def write_atomic(path: str | Path, data: bytes, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` in one step.

    Args:
        path: the file to write; its folder must exist.
        data: the new content.
        durable: fsync the file and its folder before returning (the link history is; a
            report or a generated page that the next run rewrites need not be).

    Raises:
        WriteError: when it cannot be written; the old file is then left as it was.
    """
    path = Path(path)
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = NEW_FILE_MODE
    try:
        import tempfile  # only a write needs it: 2 to 5 ms the tracker's first request skips

        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise WriteError(f"{path}: cannot write ({exc}); the old file is unchanged") from exc
        raise
    if not durable:
        return
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_if_changed(path: str | Path, data: bytes) -> bool:
    """Write ``data`` atomically (not durably), creating folders, unless ``path`` holds it already.

    Returns:
        True when the file was (re)written.

    Raises:
        WriteError: when it cannot be written; the old file is then left as it was.
    """
    path = Path(path)
    try:
        if path.read_bytes() == data:
            return False
    except (FileNotFoundError, NotADirectoryError):
        pass  # a new file (the folder is created below, or refused with a clear error)
    except OSError as exc:
        raise WriteError(f"{path}: cannot read: {exc}") from exc
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"{path}: cannot create its folder: {exc}") from exc
    write_atomic(path, data, durable=False)
    return True
