"""Reading the demo renderings the site embeds.

A demo without a rendering shows its title, summary and command only (read from
``demos/gallery/<id>.py`` without importing it, so the site needs neither torch nor the demos'
dependencies). Link states are read by the tracker's own model,
:func:`tools.linkcheck.linkstatus.load`, with its strictness: a bad ``linkstatus.json`` fails
the build naming the file, the link and the field.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.errors import AtlasError


class SiteError(AtlasError):
    """The site could not be generated or built; the message names the file and the value."""


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
        demos_dir: the ``demos/gallery`` folder (for the fallback title and summary).

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
