"""Reading what the site embeds besides the catalogue: link states and demo renderings.

Both are optional: without ``linkstatus.json`` every URL is "not checked yet"; a demo without a
rendering shows its title, summary and command only (read from ``demos/<id>.py`` without
importing it, so the site needs neither torch nor the demos' dependencies).
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.errors import AtlasError
from tools.vocab import LinkState


class SiteError(AtlasError):
    """The site could not be generated or built; the message names the file and the value."""


@dataclass(frozen=True)
class Check:
    """One entry of a URL's check history."""

    at: str
    verdict: str
    http_status: int | None


@dataclass(frozen=True)
class LinkInfo:
    """What the site shows about one URL (a subset of a ``linkstatus.json`` entry)."""

    state: str
    last_checked: str | None
    last_ok: str | None
    failing_since: str | None
    http_status: int | None
    archive_url: str | None
    history: tuple[Check, ...]
    first_seen: str | None = None


@dataclass(frozen=True)
class LinkStatus:
    """Every URL's state, and when the tracker last wrote the file (``None`` if never)."""

    updated_at: str | None
    links: dict[str, LinkInfo] = field(default_factory=dict)

    def get(self, url: str | None) -> LinkInfo | None:
        """The state of ``url``, or ``None`` when it was never checked (or there is no URL)."""
        return self.links.get(url) if url else None


LINK_STATES = LinkState.values()


def _opt_str(entry: dict[str, Any], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is not None and not isinstance(value, str):
        raise SiteError(f"{where}: {key} must be a string or null, not {value!r}")
    return value


def _opt_int(entry: dict[str, Any], key: str, where: str) -> int | None:
    value = entry.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise SiteError(f"{where}: {key} must be an integer or null, not {value!r}")
    return value


def load_linkstatus(path: Path) -> LinkStatus:
    """Read ``linkstatus.json``; an absent file means nothing was checked yet.

    Args:
        path: the file written by ``tools.linkcheck``.

    Returns:
        The link states by URL.

    Raises:
        SiteError: the file is not valid JSON or an entry has a value of the wrong kind.
    """
    if not path.exists():
        return LinkStatus(updated_at=None)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SiteError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("links", {}), dict):
        raise SiteError(f"{path}: expected an object with a 'links' object")
    links: dict[str, LinkInfo] = {}
    for url, entry in sorted(data.get("links", {}).items()):
        where = f"{path}: links[{url!r}]"
        if not isinstance(entry, dict):
            raise SiteError(f"{where}: expected an object, not {entry!r}")
        state = entry.get("state", "unknown")
        if state not in LINK_STATES:
            raise SiteError(f"{where}: unknown state {state!r} (expected one of {LINK_STATES})")
        history = []
        for i, item in enumerate(entry.get("history") or []):
            if not isinstance(item, dict) or not isinstance(item.get("verdict"), str):
                raise SiteError(f"{where}: history[{i}] needs a 'verdict' string")
            history.append(
                Check(
                    at=str(item.get("at", "")),
                    verdict=item["verdict"],
                    http_status=_opt_int(item, "http_status", f"{where}: history[{i}]"),
                )
            )
        links[url] = LinkInfo(
            state=state,
            last_checked=_opt_str(entry, "last_checked", where),
            last_ok=_opt_str(entry, "last_ok", where),
            failing_since=_opt_str(entry, "failing_since", where),
            http_status=_opt_int(entry, "http_status", where),
            archive_url=_opt_str(entry, "archive_url", where),
            history=tuple(history),
            first_seen=_opt_str(entry, "first_seen", where),
        )
    updated = data.get("updated_at")
    return LinkStatus(updated_at=updated if isinstance(updated, str) else None, links=links)


@dataclass(frozen=True)
class Figure:
    """A figure of a rendering: its file and alt text per language (``ja``, ``en``)."""

    file: dict[str, str]
    alt: dict[str, str]


@dataclass(frozen=True)
class Demo:
    """A demo as the site shows it. ``folder`` is ``None`` when there is no rendering."""

    id: str
    title: dict[str, str]
    summary: dict[str, str]
    command: str
    folder: Path | None = None
    output: dict[str, str] | None = None  # narrated output per language
    figures: tuple[Figure, ...] = ()
    code: tuple[tuple[str, str], ...] = ()  # (tab label, code)
    explorer: str | None = None  # file name inside folder
    metrics: dict[str, Any] | None = None  # metrics.json: the seed-0 CPU run's numbers


def _bilingual(value: Any, where: str, key: str) -> dict[str, str]:
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("ja"), str)
        or not isinstance(value.get("en"), str)
    ):
        raise SiteError(f"{where}: {key} must be an object with 'ja' and 'en' strings")
    return {"ja": value["ja"], "en": value["en"]}


def _module_texts(module: Path) -> dict[str, Any]:
    """TITLE and SUMMARY of a demo module, read as literals without importing it."""
    found: dict[str, Any] = {}
    try:
        tree = ast.parse(module.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return found
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in ("TITLE", "SUMMARY"):
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    pass
    return found


def _pair(value: Any) -> dict[str, str] | None:
    """``{"ja": ..., "en": ...}`` when ``value`` is such a mapping of strings, else None."""
    if isinstance(value, dict) and all(isinstance(value.get(k), str) for k in ("ja", "en")):
        return {"ja": value["ja"], "en": value["en"]}
    return None


def _per_lang(value: Any) -> dict[str, Any]:
    """``{"ja": ..., "en": ...}`` for a per-language file entry; a single name (renderings made
    before the demos were bilingual) stands for both languages."""
    if isinstance(value, dict):
        return {"ja": value.get("ja"), "en": value.get("en")}
    return {"ja": value, "en": value}


def _safe_name(name: Any, where: str) -> str:
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name[0] == ".":
        raise SiteError(f"{where}: {name!r} must be a plain file name inside the rendering folder")
    return name


def load_demo(demo_id: str, renderings: Path, demos_dir: Path) -> Demo:
    """Read one demo's rendering, or what its module says when there is no rendering.

    Args:
        demo_id: the demo id (e.g. ``multi_head``).
        renderings: the ``demos/renderings`` folder.
        demos_dir: the ``demos`` package folder (for the fallback title and summary).

    Raises:
        SiteError: a rendering exists but its ``meta.json`` is malformed or names missing files.
    """
    command = f"python -m demos run {demo_id}"
    folder = renderings / demo_id
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        texts = _module_texts(demos_dir / f"{demo_id}.py")
        return Demo(
            id=demo_id,
            title=_pair(texts.get("TITLE")) or {"ja": demo_id, "en": demo_id},
            summary=_pair(texts.get("SUMMARY")) or {"ja": "", "en": ""},
            command=command,
        )
    where = str(meta_path)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SiteError(f"{where}: not valid JSON ({exc})") from exc
    if not isinstance(meta, dict):
        raise SiteError(f"{where}: expected an object")
    figures = []
    for i, fig in enumerate(meta.get("figures") or []):
        if not isinstance(fig, dict):
            raise SiteError(f"{where}: figures[{i}] must be an object")
        files = _per_lang(fig.get("file"))
        for name in files.values():
            name = _safe_name(name, f"{where}: figures[{i}].file")
            if not (folder / name).is_file():
                raise SiteError(f"{where}: figures[{i}].file {name!r} does not exist in {folder}")
        figures.append(
            Figure(file=files, alt=_bilingual(fig.get("alt"), where, f"figures[{i}].alt"))
        )
    code = []
    for i, item in enumerate(meta.get("code") or []):
        if not isinstance(item, dict) or not isinstance(item.get("label"), str):
            raise SiteError(f"{where}: code[{i}] needs a 'label' string and a 'file'")
        name = _safe_name(item.get("file"), f"{where}: code[{i}].file")
        try:
            code.append((item["label"], (folder / name).read_text(encoding="utf-8")))
        except OSError as exc:
            raise SiteError(f"{where}: code[{i}].file {name!r} cannot be read ({exc})") from exc
    explorer = meta.get("explorer")
    if explorer is not None:
        explorer = _safe_name(explorer, f"{where}: explorer")
        if not (folder / explorer).is_file():
            raise SiteError(f"{where}: explorer {explorer!r} does not exist in {folder}")
    output = None
    outputs = _per_lang(meta.get("outputs", "output.txt"))
    if all((folder / _safe_name(n, f"{where}: outputs")).is_file() for n in outputs.values()):
        output = {lang: (folder / n).read_text(encoding="utf-8") for lang, n in outputs.items()}
    metrics = None
    if (folder / "metrics.json").is_file():
        try:
            metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SiteError(f"{folder / 'metrics.json'}: not valid JSON ({exc})") from exc
        if not isinstance(metrics, dict):
            raise SiteError(f"{folder / 'metrics.json'}: expected an object")
    cmd = meta.get("command")
    return Demo(
        id=demo_id,
        title=_bilingual(meta.get("title"), where, "title"),
        summary=_bilingual(meta.get("summary"), where, "summary"),
        command=cmd if isinstance(cmd, str) and cmd else command,
        folder=folder,
        output=output,
        figures=tuple(figures),
        code=tuple(code),
        explorer=explorer,
        metrics=metrics,
    )
