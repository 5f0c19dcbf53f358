"""Shared pieces of every demo: the result records, the bilingual narrator, devices and seeds.

This module does not import torch at import time; the torch-dependent helpers import it when
called. The registry, the CLI's ``check`` and its answer to an unknown id or a bad seed stay
light: with torch imported at the top, ``python -m demos check`` took 1.63 s of CPU instead of 0.44 s and
``python -m demos run no-such-id`` 1.29 s instead of 0.15 s (median of 7 runs). ``list`` reads
each demo's title from its module, so it imports torch either way.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tools.errors import AtlasError

if TYPE_CHECKING:
    import torch

DEVICES = ("auto", "cpu", "cuda", "mps")
LANGS = ("en", "ja")
PRECISION = 4
SEED_MAX = 2**32 - 1  # np.random.seed's limit; torch accepts more, NumPy does not


class DemoError(AtlasError):
    """A demo was asked for something it cannot do (unknown id, bad argument)."""


class DeviceUnavailable(DemoError):
    """The requested device does not exist on this machine."""

    def __init__(self, requested: str, available: list[str]):
        self.requested = requested
        self.available = available
        super().__init__(
            f"device {requested!r} is not available here (available: {', '.join(available)})"
        )


def check_lang(lang: str) -> str:
    """Return ``lang`` when it is one of :data:`LANGS`.

    Raises:
        DemoError: Any other value.
    """
    if lang not in LANGS:
        raise DemoError(f"unknown language {lang!r} (choose from: {', '.join(LANGS)})")
    return lang


def pick(lang: str, en: str, ja: str) -> str:
    """The text of ``lang`` among an English and a Japanese one (for figure labels)."""
    return {"en": en, "ja": ja}[check_lang(lang)]


def parse_seed(text: str | int) -> int:
    """Turn a seed given on the command line into an int that NumPy and torch both accept.

    Raises:
        DemoError: ``text`` is not a base-10 integer, or lies outside ``0 .. SEED_MAX``.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        seed = text
    else:
        cleaned = str(text).strip()
        if not re.fullmatch(r"[+-]?[0-9]+", cleaned):
            raise DemoError(f"--seed must be an integer from 0 to {SEED_MAX}, got {str(text)!r}")
        seed = int(cleaned)
    if not 0 <= seed <= SEED_MAX:
        raise DemoError(f"--seed must be an integer from 0 to {SEED_MAX}, got {seed}")
    return seed


@dataclass
class Explorer:
    """Token-level attention for the site's explorer: one view, one matrix per head.

    Attributes:
        name: What the view shows in each language, e.g. ``{"en": "layer 1", "ja": "第 1 層"}``.
        tokens: Column tokens (the keys).
        heads: Head label -> ``(T_q, T_k)`` weights whose rows sum to 1.
        query_tokens: Row tokens when they differ from ``tokens`` (cross-attention).
    """

    name: dict[str, str]
    tokens: list[str]
    heads: dict[str, np.ndarray]
    query_tokens: list[str] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, dict) or set(self.name) != set(LANGS):
            raise DemoError(
                f"explorer view name must be {{'en': ..., 'ja': ...}}, got {self.name!r}"
            )


@dataclass
class DemoResult:
    """Everything a demo computed; printing and rendering read it, never the other way.

    Attributes:
        demo_id: The demo's id (see ``demos.framework.registry.DEMO_IDS``).
        device: The device it ran on: ``"cpu"``, ``"cuda"`` or ``"mps"``.
        seed: The seed it ran with.
        lines: Narrated output per language (``"en"``, ``"ja"``), one string a line.
        arrays: Named CPU numpy arrays for the figures.
        metrics: Named numbers (python ``float``/``int``, or lists of them) that the tests, the
            claims and ``--json`` read; accuracies and weights lie in [0, 1].
        explorer: Views for the site's attention explorer.
    """

    demo_id: str
    device: str
    seed: int
    lines: dict[str, list[str]]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)  # float | int | list, see metrics_json
    explorer: list[Explorer] = field(default_factory=list)


def _check_metric(value: Any, where: str) -> None:
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_metric(item, f"{where}[{i}]")
        return
    if isinstance(value, bool) or type(value) not in (int, float):
        raise DemoError(f"{where} must be a python int, float or list, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise DemoError(f"{where} is not a finite number: {value}")


def metrics_json(result: DemoResult) -> str:
    """The run's metrics as JSON text: keys sorted, two-space indent, trailing newline.

    Raises:
        DemoError: A metric is not a python number (or list of them), or is not finite.
    """
    for name, value in result.metrics.items():
        _check_metric(value, f"demo {result.demo_id!r}: metric {name!r}")
    return json.dumps(result.metrics, indent=2, sort_keys=True) + "\n"


def to_numpy(value: Any) -> np.ndarray:
    """Return a CPU numpy copy of a torch tensor, numpy array or nested list."""
    if hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def format_array(array: Any, precision: int = PRECISION) -> str:
    """Format an array compactly and deterministically (fixed decimals, small values as 0)."""
    arr = to_numpy(array)
    if arr.dtype.kind == "f":
        # -0.0 prints as "-0." and would differ between devices; adding 0.0 normalises it.
        arr = np.round(arr.astype(np.float64), precision) + 0.0
    return np.array2string(
        arr,
        precision=precision,
        suppress_small=True,
        floatmode="fixed",
        max_line_width=100,
        threshold=400,
        edgeitems=3,
        separator=" ",
    )


def format_number(value: float, precision: int = PRECISION) -> str:
    """Format one number with fixed decimals (no ``-0.0000``)."""
    text = f"{float(value):.{precision}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


class Narrator:
    """Builds a demo's narrated output in English and Japanese, line by line, deterministically.

    Prose takes both languages; ``value`` and ``show`` print code identifiers and numbers, the
    same in both.

    Example:
        >>> n = Narrator()
        >>> n.heading("Scores", "スコア")
        >>> n.show("scores", np.eye(2))
        >>> n.lines["ja"][0]
        '== スコア =='
    """

    def __init__(self) -> None:
        self.lines: dict[str, list[str]] = {lang: [] for lang in LANGS}

    def _add(self, lang: str, lines: list[str]) -> None:
        self.lines[lang].extend(lines)

    def _both(self, lines: list[str]) -> None:
        for lang in LANGS:
            self._add(lang, lines)

    def heading(self, en: str, ja: str) -> None:
        """Start a section (a blank line before every heading but the first)."""
        for lang, text in (("en", en), ("ja", ja)):
            self._add(lang, ([""] if self.lines[lang] else []) + [f"== {text} =="])

    def say(self, en: str = "", ja: str | None = None) -> None:
        """Add prose in both languages (split on newlines); no arguments adds a blank line.

        Raises:
            DemoError: English text is given without its Japanese.
        """
        if en and ja is None:
            raise DemoError(f"say() needs the Japanese text too: {en[:40]!r}")
        self._add("en", en.split("\n") if en else [""])
        self._add("ja", ja.split("\n") if ja else [""])

    def value(self, name: str, number: float, precision: int = PRECISION) -> None:
        """Add ``name = number`` with fixed decimals."""
        self._both([f"{name} = {format_number(number, precision)}"])

    def show(self, name: str, array: Any, precision: int = PRECISION) -> None:
        """Add an array with its name and shape, e.g. ``scores (3, 3):`` then the values."""
        arr = to_numpy(array)
        rows = format_array(arr, precision).split("\n")
        self._both([f"{name} {tuple(arr.shape)}:"] + ["  " + row for row in rows])

    def check(self, what_en: str, what_ja: str, difference: float, tolerance: float) -> None:
        """Add a line saying whether ``difference`` is within ``tolerance`` (no raw value, so the
        text is the same on every machine and device)."""
        ok = difference <= tolerance
        sign = "<=" if ok else ">"
        self._add(
            "en",
            [f"{what_en}: max |difference| {sign} {tolerance:.0e} ({'OK' if ok else 'MISMATCH'})"],
        )
        self._add(
            "ja",
            [f"{what_ja}: 差の最大値 {sign} {tolerance:.0e}({'一致' if ok else '不一致'})"],
        )

    def notice(self, en: str, ja: str) -> None:
        """Add the closing 'what to notice' section."""
        self.heading(NOTICE["en"], NOTICE["ja"])
        self.say(en, ja)


NOTICE = {"en": "What to notice", "ja": "ここに注目"}


def available_devices() -> list[str]:
    """Return the devices torch can use here, CPU last: e.g. ``["cuda", "cpu"]``."""
    import torch  # when called, not at import: see the module docstring

    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    found.append("cpu")
    return found


def check_device_name(requested: str) -> str:
    """Return ``requested`` if it is one of :data:`DEVICES` (without asking torch what exists).

    Raises:
        DemoError: ``requested`` is not one of :data:`DEVICES`.
    """
    if requested not in DEVICES:
        raise DemoError(f"unknown device {requested!r} (choose from: {', '.join(DEVICES)})")
    return requested


def resolve_device(requested: str) -> str:
    """Turn ``auto|cpu|cuda|mps`` into a device that exists here.

    ``auto`` picks CUDA, then MPS, then the CPU.

    Raises:
        DemoError: ``requested`` is not one of :data:`DEVICES`.
        DeviceUnavailable: The device is not present on this machine.
    """
    check_device_name(requested)
    found = available_devices()
    if requested == "auto":
        return found[0]
    if requested not in found:
        raise DeviceUnavailable(requested, found)
    return requested


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (every device) so a demo is deterministic for ``seed``."""
    import torch  # when called, not at import: see the module docstring

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def generator(seed: int) -> np.random.Generator:
    """Return a fresh NumPy generator for ``seed`` (demos draw their data from it)."""
    return np.random.default_rng(seed)


def precise_dtype(device: str) -> torch.dtype:
    """float64 where the device has it, so CPU and CUDA agree to rounding; float32 on MPS."""
    import torch  # when called, not at import: see the module docstring

    return torch.float32 if device == "mps" else torch.float64


@contextmanager
def cpu_threads(n: int) -> Iterator[None]:
    """Run the block with torch limited to ``n`` CPU threads, then restore the previous count.

    Many tiny operations (a chunked loop) run faster on one thread than spread over several,
    especially on a busy machine where extra threads spin waiting for a core.
    One thread also fixes the order of float sums, so a trained demo prints the same numbers
    on every machine.
    """
    import torch  # when called, not at import: see the module docstring

    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@contextmanager
def tf32_off() -> Iterator[None]:
    """Run the block with TF32 switched off for CUDA matmuls and cuDNN, then restore.

    TF32 rounds float32 products to a 10-bit mantissa on Ampere and later GPUs; a demo whose
    point is an exact value (an exact zero, a match to 1e-6) switches it off and says so.
    """
    import torch  # when called, not at import: see the module docstring

    previous = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = previous
