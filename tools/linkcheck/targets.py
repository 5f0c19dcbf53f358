"""Where the URLs come from: a plain list, the catalogue, or what changed since a git ref."""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import TYPE_CHECKING, Any

from tools.errors import AtlasError
from tools.linkcheck.results import Link

if TYPE_CHECKING:
    from pathlib import Path

    from tools.catalog import Catalogue


def from_urls_file(path: str | Path) -> list[Link]:
    """One URL a line; blank lines and ``#`` comments skipped; duplicates kept once.

    Raises:
        AtlasError: when the file cannot be read.
    """
    try:  # open(), not pathlib: 3 ms of imports before the first request
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AtlasError(f"{path}: cannot read the URL list: {exc}") from exc
    links: dict[str, Link] = {}
    for n, raw in enumerate(lines, 1):
        url = raw.strip()
        if url and not url.startswith("#") and url not in links:
            links[url] = Link(url, line=n)
    return list(links.values())


def from_catalogue(cat: Catalogue) -> list[Link]:
    """Every URL of the catalogue (resources, alternates, extras), each once, in file order."""
    added: dict[str, dt.date | None] = {r.id: r.archive_date() for r in cat.resources}
    added.update({e.id: e.archive_date() for e in cat.extras})
    owners: dict[str, list[str]] = {}
    lines: dict[str, int | None] = {}
    dates: dict[str, dt.date | None] = {}
    for url, owner, line in cat.all_urls():
        lines.setdefault(url, line)
        if owner not in owners.setdefault(url, []):
            owners[url].append(owner)
        when, known = added.get(owner), dates.get(url)
        if when and (known is None or when < known):
            dates[url] = when
    return [Link(url, tuple(owners[url]), lines[url], dates.get(url)) for url in owners]


def _urls_in(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "url" and isinstance(value, str):
                found.add(value)
            else:
                found |= _urls_in(value)
    elif isinstance(node, list):
        for item in node:
            found |= _urls_in(item)
    return found


def urls_at(ref: str, path: str = "resources.yaml", cwd: str | Path | None = None) -> set[str]:
    """Every ``url:`` value of the catalogue as it was at git ``ref`` (empty if it had none).

    Older catalogues may not pass today's schema, so this reads the YAML without validating it.

    Raises:
        AtlasError: when ``ref`` is not a commit git knows, or the old file is not YAML.
    """
    try:
        subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
            cwd=cwd, check=True, capture_output=True, text=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as exc:
        raise AtlasError(f"--since {ref}: not a commit in this repository") from exc
    shown = subprocess.run(
        ["git", "show", f"{ref}:{path}"], cwd=cwd, capture_output=True, text=True
    )
    if shown.returncode != 0:
        return set()
    import yaml  # only PR mode reads old YAML: 20 ms of imports that a --urls run skips

    try:
        return _urls_in(yaml.safe_load(shown.stdout))
    except yaml.YAMLError as exc:
        raise AtlasError(f"{ref}:{path}: not valid YAML: {exc}") from exc
