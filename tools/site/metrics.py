"""Numbers in catalogue text that come from a demo's run, not from a writer's keyboard.

A text may say ``{metric:pretrained_attention.article_noun_weight}`` or, for one item of a list
metric, ``{metric:pretrained_attention.pronoun_head[0]}``. The site replaces each with the value
in that demo's committed ``metrics.json`` (the run on the CPU with seed 0), so a sentence that
quotes a number always quotes the number the demo computed. Floats are shown with two decimals,
integers as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tools.site.inputs import SiteError


class MetricError(SiteError):
    """A text quotes a demo metric that the committed renderings do not have."""


PLACEHOLDER = re.compile(r"\{metric:([a-z0-9_]+)\.([a-z0-9_]+)(?:\[(\d+)\])?\}")


def _format(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MetricError(f"{where}: not a number ({value!r})")
    return str(value) if isinstance(value, int) else f"{value:.2f}"


def fill_metrics(text: str, metrics: Mapping[str, Mapping[str, Any]], where: str) -> str:
    """Replace every ``{metric:DEMO.NAME}`` or ``{metric:DEMO.NAME[i]}`` in ``text``.

    Args:
        text: Catalogue text (Markdown).
        metrics: Demo id -> that demo's metrics (from ``metrics.json``).
        where: What ``text`` is, for error messages (e.g. ``"question 3 answer (ja)"``).

    Raises:
        MetricError: A placeholder names a demo without metrics, an unknown metric, an index out of
            range, or a value that is not a number.
    """

    def replace(match: re.Match[str]) -> str:
        demo_id, name, index = match.group(1), match.group(2), match.group(3)
        label = f"{where}: {match.group(0)}"
        if demo_id not in metrics:
            raise MetricError(f"{label}: demo {demo_id!r} has no metrics.json")
        if name not in metrics[demo_id]:
            known = ", ".join(sorted(metrics[demo_id]))
            raise MetricError(f"{label}: {demo_id} has no metric {name!r} (it has: {known})")
        value = metrics[demo_id][name]
        if index is not None:
            if not isinstance(value, list) or int(index) >= len(value):
                raise MetricError(f"{label}: {name} has no item {index}")
            value = value[int(index)]
        return _format(value, label)

    return PLACEHOLDER.sub(replace, text)
