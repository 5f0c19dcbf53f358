"""Trimming Material's search index after a build (it loads with every page: budget 150 KB).

- UTF-8: Material escapes every non-ASCII character (``\\u6ce8`` for 注: six bytes where UTF-8
  needs three), about 60 % of the Japanese index;
- sections with a heading and no text of their own (a resource page's "Topics", "Related",
  "Demos" and each embedded demo's title, whose content is indexed on its own page) go;
- block tags (``<p>``, ``<li>``...) become spaces: result previews show plain text.

For the real catalogue (40 resources): ja 410 KB -> 92 KB (21 resources) -> see the README.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tools.files import write_if_changed
from tools.site.inputs import SiteError

INDEX = Path("search") / "search_index.json"
_BLOCK_TAGS = re.compile(r"</?(?:p|ul|ol|li)>")
_SPACES = re.compile(r"\s{2,}")


def _kept(doc: object) -> bool:
    """A page, or a section with text of its own."""
    if not isinstance(doc, dict):
        return True
    return "#" not in str(doc.get("location", "")) or bool(str(doc.get("text", "")).strip())


def trim(doc: object) -> object:
    """One index entry with its block tags turned into spaces."""
    if isinstance(doc, dict) and isinstance(doc.get("text"), str):
        text = _SPACES.sub(" ", _BLOCK_TAGS.sub(" ", doc["text"])).strip()
        return {**doc, "text": text}
    return doc


def compact(site_dir: Path) -> int | None:
    """Rewrite ``site_dir/search/search_index.json`` as compact UTF-8 JSON.

    Returns:
        The new size in bytes, or ``None`` when the build wrote no search index.

    Raises:
        SiteError: the index is not valid JSON.
    """
    path = site_dir / INDEX
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SiteError(f"{path}: the search index is not valid JSON ({exc})") from exc
    if isinstance(data, dict) and isinstance(data.get("docs"), list):
        data["docs"] = [trim(doc) for doc in data["docs"] if _kept(doc)]
    out = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    write_if_changed(path, out)
    path.chmod(0o644)  # served as is: readable by the web server, like Material's own files
    return len(out)
