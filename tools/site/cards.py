"""Sharing cards: one 1200 x 630 PNG per resource (title, type, level), drawn at build time.

Drawn offline with Pillow and the system's Noto Sans CJK (Debian's ``fonts-noto-cjk``), so the
build fetches nothing. Without that font the card still carries the Latin fields (the resource
id, type and level) in Pillow's own font, and the build says so once.
"""

from __future__ import annotations

import functools
import io
import logging
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from tools.catalog import Catalogue, Resource
from tools.site import i18n
from tools.site.html import clean

log = logging.getLogger(__name__)

SIZE = (1200, 630)
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
)
CARD_DIR = Path("assets") / "cards"
BG, FG, ACCENT, MUTED = "#1a237e", "#ffffff", "#ffca28", "#c5cae9"


def find_font() -> str | None:
    """The first CJK-capable font file found, or None."""
    return next((f for f in FONT_CANDIDATES if Path(f).is_file()), None)


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:  # noqa: ANN001
    """Greedy wrap by characters (Japanese has no spaces), preferring breaks at spaces."""
    lines: list[str] = []
    current = ""
    for ch in text:
        trial = current + ch
        if draw.textlength(trial, font=font) <= width:
            current = trial
            continue
        cut = current.rfind(" ")
        if cut > len(current) // 2:
            lines.append(current[:cut])
            current = current[cut + 1 :] + ch
        else:
            lines.append(current)
            current = ch
        if len(lines) == max_lines:
            break
    if len(lines) < max_lines and current:
        lines.append(current)
    if len(lines) == max_lines and "".join(lines) != text.replace(" ", "")[: len("".join(lines))]:
        lines[-1] = lines[-1][:-1] + "…"
    return lines[:max_lines]


@functools.lru_cache(maxsize=8)
def _font(font_path: str | None, size: int):  # noqa: ANN202
    """One loaded font per size: the CJK collection is large, loading it is the slow part."""
    if font_path:
        return ImageFont.truetype(font_path, size)
    return ImageFont.load_default(size)


def draw_card(resource: Resource, font_path: str | None) -> bytes:
    """The PNG bytes of one resource's card."""
    image = Image.new("RGB", SIZE, BG)
    draw = ImageDraw.Draw(image)

    def font(size: int):  # noqa: ANN202
        return _font(font_path, size)

    kind = i18n.label(i18n.TYPES, resource.type, "en")
    level = i18n.label(i18n.LEVELS, resource.level, "en")
    ja = f"{i18n.label(i18n.TYPES, resource.type, 'ja')} · {i18n.label(i18n.LEVELS, resource.level, 'ja')}"
    draw.rectangle((0, 0, 24, SIZE[1]), fill=ACCENT)
    draw.text((80, 60), "Attention Atlas", font=font(40), fill=ACCENT)
    # Contributor text: control characters and lone surrogates out (Pillow's layout refuses them).
    title = " ".join(clean(resource.full_title).split()) if font_path else resource.id
    y = 150
    for line in _wrap(draw, title, font(64), SIZE[0] - 160, 4):
        draw.text((80, y), line, font=font(64), fill=FG)
        y += 84
    tags = f"{kind} · {level}" + (f"   {ja}" if font_path else "")
    draw.text((80, SIZE[1] - 110), tags, font=font(40), fill=MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()


def write_cards(catalogue: Catalogue, site_dir: Path) -> int:
    """Draw every resource's card into ``site_dir/assets/cards/`` (MkDocs has just emptied the
    site folder, so there is nothing to reuse).

    Returns:
        How many cards were drawn.
    """
    font_path = find_font()
    if font_path is None:
        log.warning("no CJK font found (apt-get install fonts-noto-cjk): cards show ids only")
    folder = site_dir / CARD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for r in catalogue.resources:
        try:
            png = draw_card(r, font_path)
        except (OSError, ValueError, RuntimeError) as exc:  # a title the font's layout refuses
            log.warning("%s: card drawn without its title (%s)", r.id, exc)
            png = draw_card(r, None)
        (folder / f"{r.id}.png").write_bytes(png)
    return len(catalogue.resources)
