"""Render every demo for the site: ``demos/renderings/<id>/`` (layout in ARCHITECTURE.md).

The site embeds these committed files, so building it needs neither torch nor a GPU. Each
rendering records a ``source_hash`` over the demo's module (``demos/gallery/<id>.py``), the
``demos`` modules it imports (transitively), this renderer, and the major.minor versions of
numpy, torch and matplotlib; a demo whose hash is unchanged is skipped, and
:func:`stale_demos` reports renderings that no longer match. Output bytes are deterministic: rendering twice changes nothing.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import json
import math
import os
import platform
import re
import shutil
import textwrap
from importlib import metadata
from pathlib import Path
from typing import Any

from demos.framework import registry
from demos.framework.core import LANGS, DemoError, DemoResult, metrics_json

DEMOS_DIR = Path(__file__).resolve().parent.parent  # the ``demos`` package
RENDERINGS = DEMOS_DIR / "renderings"
RENDER_DEVICE = "cpu"
RENDER_SEED = 0
HASHED_LIBRARIES = ("numpy", "torch", "matplotlib")
NOT_HASHED = {"demos.framework.cli", "demos.framework.registry", "demos.__main__"}


def demo_title(demo_id: str, lang: str = "en") -> str:
    """Return the title of ``demo_id`` in ``lang``, read from its source without importing it.

    ``python -m demos list`` then answers at once instead of after importing torch and
    matplotlib for every demo (3.3 s).
    """
    path = _module_path(registry.module_name(registry.check_id(demo_id)))
    if not path.is_file():
        raise registry.missing_module(demo_id)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["TITLE"]:
            return str(ast.literal_eval(node.value)[lang])
    raise DemoError(f"demos/gallery/{demo_id}.py has no TITLE")


def _library_version(name: str) -> str:
    try:
        return metadata.version(name).split("+")[0]
    except metadata.PackageNotFoundError:
        return "absent"


def _major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _module_path(name: str) -> Path:
    """The file of the ``demos`` module named ``name`` (``demos.attention.reference``)."""
    return DEMOS_DIR.joinpath(*name.split(".")[1:]).with_suffix(".py")


def _demos_imports(path: Path) -> set[str]:
    """Dotted names of the ``demos`` modules that the file at ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)  # from demos.attention import reference: a module each
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    demos = {name for name in found if name.startswith("demos.")}
    return {name for name in demos if _module_path(name).is_file()} - NOT_HASHED


def hashed_files(demo_id: str) -> list[Path]:
    """The source files whose content makes up ``demo_id``'s hash, sorted by path."""
    todo = [
        registry.module_name(registry.check_id(demo_id)),
        "demos.framework.core",
        "demos.framework.render",
    ]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(_demos_imports(_module_path(name)) - seen)
    return sorted(_module_path(name) for name in seen)


def source_hash(demo_id: str) -> str:
    """SHA-256 over the demo's sources (newlines normalised) and library versions."""
    digest = hashlib.sha256()
    for path in hashed_files(demo_id):
        digest.update(f"{path.relative_to(DEMOS_DIR).as_posix()}\0".encode())
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
        digest.update(b"\0")
    for name in HASHED_LIBRARIES:
        digest.update(f"{name}={_major_minor(_library_version(name))}\0".encode())
    return digest.hexdigest()


def output_text(result: DemoResult, lang: str = "en") -> str:
    """The text ``python -m demos run <id> --device cpu --seed 0 --lang <lang>`` prints."""
    return "\n".join(result.lines[lang]) + "\n"


def _round(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value}")
    rounded = round(float(value), 4)
    return 0.0 if rounded == 0 else rounded


def explorer_json(result: DemoResult) -> dict[str, Any] | None:
    """The explorer views as JSON-ready data, weights rounded to 4 decimals; None without views.

    Raises:
        DemoError: A view's weights have the wrong shape, are not finite, or rows do not sum
            to 1.
    """
    if not result.explorer:
        return None
    views = []
    for view in result.explorer:
        rows = view.query_tokens if view.query_tokens is not None else view.tokens
        heads = []
        for label, weights in view.heads.items():
            where = f"demo {result.demo_id!r}, explorer view {view.name['en']!r}, head {label!r}"
            w = weights.detach().cpu().numpy() if hasattr(weights, "detach") else weights
            if tuple(w.shape) != (len(rows), len(view.tokens)):
                raise DemoError(
                    f"{where}: weights have shape {tuple(w.shape)}, "
                    f"expected ({len(rows)}, {len(view.tokens)}) from the tokens"
                )
            sums = w.sum(axis=-1)
            if not all(math.isfinite(float(s)) and abs(float(s) - 1) < 1e-3 for s in sums):
                raise DemoError(
                    f"{where}: rows must sum to 1, got {[round(float(s), 4) for s in sums]}"
                )
            heads.append({"label": label, "weights": [[_round(x) for x in row] for row in w]})
        views.append(
            {
                "name": dict(view.name),
                "tokens": list(view.tokens),
                "query_tokens": list(view.query_tokens) if view.query_tokens is not None else None,
                "heads": heads,
            }
        )
    return {"views": views}


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "code"


def code_files(module: Any) -> list[tuple[str, str, str]]:
    """``(label, file name, source)`` for each entry of the demo's ``CODE`` mapping."""
    entries = []
    for label, target in getattr(module, "CODE", {}).items():
        module_name, _, qualname = target.partition(":")
        try:
            obj: Any = importlib.import_module(module_name)
            for part in qualname.split("."):
                obj = getattr(obj, part)
        except (ImportError, AttributeError) as exc:
            raise DemoError(
                f"demo {module.ID!r}: CODE[{label!r}] = {target!r} cannot be found ({exc})"
            ) from exc
        source = inspect.getsource(obj)
        header = f"# {module_name}.{qualname}\n"
        entries.append(
            (label, f"code_{_slug(label)}.py", header + textwrap.dedent(source).rstrip() + "\n")
        )
    return entries


def _json_text(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _figure_files(module: Any, result: DemoResult) -> tuple[dict[str, bytes], list[dict]]:
    """Each figure drawn once per language: ``<stem>.<lang>.svg`` and its meta entry."""
    # matplotlib only when drawing: at the top it took `python -m demos check` from 0.44 s
    # to 0.79 s of CPU (median of 7 runs).
    from demos.framework.plotting import svg_bytes

    files: dict[str, bytes] = {}
    per_lang = {lang: module.figures(result, lang) for lang in LANGS}
    stems = {lang: [stem for stem, _, _ in figs] for lang, figs in per_lang.items()}
    if stems["en"] != stems["ja"]:
        raise DemoError(
            f"demo {result.demo_id!r}: figures differ between languages "
            f"(en: {stems['en']}, ja: {stems['ja']})"
        )
    if len(set(stems["en"])) != len(stems["en"]):
        raise DemoError(f"demo {result.demo_id!r}: two figures share a name in {stems['en']}")
    meta = []
    for i, stem in enumerate(stems["en"]):
        entry: dict[str, dict[str, str]] = {"file": {}, "alt": {}}
        for lang in LANGS:
            _, fig, alt = per_lang[lang][i]
            name = f"{stem}.{lang}.svg"
            files[name] = svg_bytes(fig)
            entry["file"][lang] = name
            entry["alt"][lang] = alt[lang]
        meta.append(entry)
    return files, meta


def build_files(demo_id: str) -> dict[str, bytes]:
    """Run ``demo_id`` on the CPU with seed 0 and return its rendering: file name -> bytes."""
    module = registry.get(demo_id)
    result = module.run(device=RENDER_DEVICE, seed=RENDER_SEED)
    files: dict[str, bytes] = {
        f"output.{lang}.txt": output_text(result, lang).encode() for lang in LANGS
    }
    files["metrics.json"] = metrics_json(result).encode()
    figure_files, figures_meta = _figure_files(module, result)
    files.update(figure_files)
    explorer = explorer_json(result)
    if explorer is not None:
        # One line: the weights would otherwise take one line per number.
        text = json.dumps(explorer, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        files["explorer.json"] = (text + "\n").encode()
    code_meta = []
    for label, name, source in code_files(module):
        files[name] = source.encode()
        code_meta.append({"label": label, "file": name})
    meta = {
        "id": demo_id,
        "title": dict(module.TITLE),
        "summary": dict(module.SUMMARY),
        "command": f"python -m demos run {demo_id}",
        "outputs": {lang: f"output.{lang}.txt" for lang in LANGS},
        "figures": figures_meta,
        "explorer": "explorer.json" if explorer is not None else None,
        "code": code_meta,
        "source_hash": source_hash(demo_id),
        "versions": {
            "python": platform.python_version(),
            **{name: _library_version(name) for name in HASHED_LIBRARIES},
        },
    }
    files["meta.json"] = _json_text(meta).encode()
    return files


def _write_dir(target: Path, files: dict[str, bytes]) -> None:
    """Replace ``target`` with a folder holding ``files``, never leaving a half-written one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp"
    old = target.parent / f".{target.name}.old"
    for leftover in (tmp, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    tmp.mkdir()
    for name, data in sorted(files.items()):
        with open(tmp / name, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    if old.exists():
        shutil.rmtree(old)


def read_meta(out: Path, demo_id: str) -> dict[str, Any] | None:
    """The committed ``meta.json`` of ``demo_id`` under ``out``, or None when absent.

    Raises:
        DemoError: The file exists but is not valid JSON.
    """
    path = out / demo_id / "meta.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DemoError(f"{path}: not valid JSON ({exc})") from exc


def render_demo(demo_id: str, out: Path = RENDERINGS, force: bool = False) -> str:
    """Render ``demo_id`` into ``out/<id>/`` unless its hash is unchanged.

    Returns:
        ``"rendered"`` or ``"unchanged"``.
    """
    meta = read_meta(out, demo_id)
    if not force and meta is not None and meta.get("source_hash") == source_hash(demo_id):
        return "unchanged"
    _write_dir(out / demo_id, build_files(demo_id))
    return "rendered"


def _files_of(figure: dict[str, Any]) -> list[str]:
    file = figure.get("file")
    return list(file.values()) if isinstance(file, dict) else [str(file)]


def stale_demos(out: Path = RENDERINGS) -> list[tuple[str, str]]:
    """``(id, reason)`` for every demo whose rendering under ``out`` is missing or outdated."""
    stale = []
    for demo_id in registry.DEMO_IDS:
        if not _module_path(registry.module_name(demo_id)).is_file():
            stale.append((demo_id, "demo module missing"))
            continue
        meta = read_meta(out, demo_id)
        if meta is None:
            stale.append((demo_id, "no rendering"))
        elif meta.get("source_hash") != source_hash(demo_id):
            stale.append((demo_id, "source or library versions changed"))
        else:
            listed = list((meta.get("outputs") or {"en": "output.en.txt"}).values())
            listed += [name for f in meta.get("figures", []) for name in _files_of(f)]
            listed += [c["file"] for c in meta.get("code", [])]
            listed += ["metrics.json"]
            listed += [meta["explorer"]] if meta.get("explorer") else []
            missing = [name for name in listed if not (out / demo_id / name).is_file()]
            if missing:
                stale.append((demo_id, f"missing files: {', '.join(missing)}"))
    return stale
