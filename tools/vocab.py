"""The project's controlled vocabulary: every enumerated word, with its Japanese and English label.

Each enumeration is a :class:`~enum.StrEnum`, so a member *is* its YAML/JSON spelling
(``ResourceType.BLOG == "blog"``) and also knows how to show itself (``.label("ja")``). The
catalogue reader, the link tracker and the site import their words from here; nothing else lists
them. Standard library only: the tracker and the validator import this without any dependency.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    """A string enumeration whose members carry a Japanese and an English label."""

    ja: str
    en: str

    def __new__(cls, value: str, ja: str, en: str) -> Self:
        """A member spelled ``value``, labelled ``ja`` and ``en``."""
        member = str.__new__(cls, value)
        member._value_ = value
        member.ja = ja
        member.en = en
        return member

    def label(self, lang: str) -> str:
        """The label in ``lang`` (``"ja"``; anything else gives English)."""
        return self.ja if lang == Lang.JA else self.en

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """Every member's spelling, in declaration order (the allowed values of a field)."""
        return tuple(member.value for member in cls)

    @classmethod
    def table(cls) -> dict[str, tuple[str, str]]:
        """``{value: (ja label, en label)}``, in declaration order."""
        return {member.value: (member.ja, member.en) for member in cls}


class Lang(Labelled):
    """A language of the site and of a resource."""

    JA = "ja", "日本語", "Japanese"
    EN = "en", "英語", "English"


class ResourceType(Labelled):
    """What kind of publication a resource is."""

    ARTICLE = "article", "記事", "Article"
    BLOG = "blog", "ブログ", "Blog post"
    VIDEO = "video", "動画", "Video"
    PAPER = "paper", "論文", "Paper"
    COURSE = "course", "講座", "Course"
    SLIDES = "slides", "スライド", "Slides"
    WIKI = "wiki", "Wiki", "Wiki"


class Level(Labelled):
    """The reader a resource (or a learning path) is written for."""

    BEGINNER = "beginner", "入門", "Beginner"
    INTERMEDIATE = "intermediate", "中級", "Intermediate"
    ADVANCED = "advanced", "上級", "Advanced"


class Access(Labelled):
    """Whether a reader can open a resource freely; ``unknown`` when we have not been able to tell."""

    FREE = "free", "無料", "Free"
    REGISTRATION = "registration", "要登録", "Registration"
    PAYWALL = "paywall", "有料", "Paywall"
    UNKNOWN = "unknown", "不明", "Unknown"


class Mark(Labelled):
    """The source list's emphasis marks."""

    STARRED = "starred", "強く推薦", "Strongly recommended"
    CELEBRATED = "celebrated", "特に価値が高い", "Especially valuable"
    NEW = "new", "追加分", "Added later"
    NICHE = "niche", "対象が限られる", "Niche"


class AlternateKind(Labelled):
    """What another address of a resource is."""

    TRANSLATION = "translation", "翻訳", "Translation"
    MOVED = "moved", "移転先", "Moved copy"
    ARCHIVE = "archive", "アーカイブ", "Archive copy"
    COMPANION = "companion", "関連資料", "Companion"


class ExtraKind(Labelled):
    """What a link the source article mentions (beside its numbered list) is."""

    SOURCE = "source", "元記事", "Source article"
    TRANSLATION = "translation", "翻訳", "Translation"
    EXPLANATION = "explanation", "解説", "Explanation"
    RELATED_ARTICLE = "related-article", "関連記事", "Related article"


class Verdict(Labelled):
    """The link tracker's verdict on one URL in one run."""

    OK = "ok", "正常", "ok"
    REDIRECTED = "redirected", "転送", "redirected"
    BROKEN = "broken", "失敗", "broken"
    SOFT_404 = "soft-404", "実質404", "soft 404"
    RESTRICTED = "restricted", "制限", "restricted"
    TRANSIENT = "transient", "一時的な失敗", "transient"
    DRIFTED = "drifted", "内容が変化", "drifted"
    BLOCKED = "blocked", "対象外", "blocked"


class LinkState(Labelled):
    """A URL's state over runs, as ``linkstatus.json`` records it."""

    ALIVE = "alive", "有効", "Alive"
    FAILING = "failing", "失敗中", "Failing"
    DEAD = "dead", "リンク切れ", "Dead"
    RESTRICTED = "restricted", "閲覧制限", "Restricted"
    MOVED = "moved", "移転", "Moved"
    DRIFTED = "drifted", "内容が変化", "Drifted"
    UNKNOWN = "unknown", "不明", "Unknown"


UNKNOWN = ("不明", "unknown")
"""How a fact we do not know is shown (a year, a date): ja, en."""


def unknown(lang: str) -> str:
    """The word for an unknown fact in ``lang``."""
    return UNKNOWN[0] if lang == Lang.JA else UNKNOWN[1]
