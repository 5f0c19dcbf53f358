"""``tools.vocab``: each word is its own YAML/JSON spelling and carries both labels."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tools import vocab
from tools.vocab import Access, Lang, LinkState, ResourceType, Verdict

ENUMS = [
    vocab.Lang,
    vocab.ResourceType,
    vocab.Level,
    vocab.Access,
    vocab.Mark,
    vocab.AlternateKind,
    vocab.ExtraKind,
    vocab.Verdict,
    vocab.LinkState,
]


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_member_has_both_labels(enum) -> None:
    for member in enum:
        assert member.label("ja") and member.label("en")
        assert member.label("ja") != member.value
        assert enum(member.value) is member


def test_members_are_their_spelling() -> None:
    assert ResourceType.BLOG == "blog" and f"{Verdict.SOFT_404}" == "soft-404"
    assert json.dumps({Lang.JA: LinkState.DEAD}) == '{"ja": "dead"}'
    assert Access.values()[-1] == "unknown"
    assert Verdict.table()["broken"] == ("失敗", "broken")


def test_unknown_value_is_refused() -> None:
    with pytest.raises(ValueError):
        ResourceType("podcast")


def test_the_contract_words() -> None:
    # design.md fixes these spellings; JSON files and CI depend on them.
    assert Verdict.values() == (
        "ok",
        "redirected",
        "broken",
        "soft-404",
        "restricted",
        "transient",
        "drifted",
        "blocked",
    )
    assert LinkState.values() == (
        "alive",
        "failing",
        "dead",
        "restricted",
        "moved",
        "drifted",
        "unknown",
    )


def test_imports_only_the_standard_library() -> None:
    code = (
        "import sys; import tools.vocab; "
        "print(sorted(m for m in sys.modules if m.startswith(('yaml', 'numpy', 'tools.'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['tools.vocab']"
