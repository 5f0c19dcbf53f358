"""Shared pieces of every demo: the result records, the narrator, devices and seeds.

This module does not import torch at import time, so the registry, the CLI's ``list`` and the
site generator stay light; the torch-dependent helpers import it when called.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tools.errors import AtlasError

if TYPE_CHECKING:
    import torch

DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISION = 4


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


@dataclass
class Explorer:
    """Token-level attention for the site's explorer: one view, one matrix per head.

    Attributes:
        name: What the view shows, e.g. ``"layer 1"`` or ``"encoder self-attention"``.
        tokens: Column tokens (the keys).
        heads: Head label -> ``(T_q, T_k)`` weights whose rows sum to 1.
        query_tokens: Row tokens when they differ from ``tokens`` (cross-attention).
    """

    name: str
    tokens: list[str]
    heads: dict[str, np.ndarray]
    query_tokens: list[str] | None = None


@dataclass
class DemoResult:
    """Everything a demo computed; printing and rendering read it, never the other way.

    Attributes:
        demo_id: The demo's id (see ``demos.registry.DEMO_IDS``).
        device: The device it ran on: ``"cpu"``, ``"cuda"`` or ``"mps"``.
        seed: The seed it ran with.
        lines: Narrated output in English, one string a line.
        arrays: Named CPU numpy arrays for the figures.
        metrics: Named numbers the tests check.
        explorer: Views for the site's attention explorer.
    """

    demo_id: str
    device: str
    seed: int
    lines: list[str]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    explorer: list[Explorer] = field(default_factory=list)


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
    """Builds a demo's narrated output line by line, deterministically.

    Example:
        >>> n = Narrator()
        >>> n.heading("Scores")
        >>> n.show("scores", np.eye(2))
        >>> n.lines[0]
        '== Scores =='
    """

    def __init__(self) -> None:
        self.lines: list[str] = []

    def heading(self, text: str) -> None:
        """Start a section (a blank line before every heading but the first)."""
        if self.lines:
            self.lines.append("")
        self.lines.append(f"== {text} ==")

    def say(self, text: str = "") -> None:
        """Add one or more lines of prose (split on newlines)."""
        self.lines.extend(text.split("\n") if text else [""])

    def value(self, name: str, number: float, precision: int = PRECISION) -> None:
        """Add ``name = number`` with fixed decimals."""
        self.lines.append(f"{name} = {format_number(number, precision)}")

    def show(self, name: str, array: Any, precision: int = PRECISION) -> None:
        """Add an array with its name and shape, e.g. ``scores (3, 3):`` then the values."""
        arr = to_numpy(array)
        self.lines.append(f"{name} {tuple(arr.shape)}:")
        self.lines.extend("  " + row for row in format_array(arr, precision).split("\n"))

    def check(self, what: str, difference: float, tolerance: float) -> None:
        """Add a line saying whether ``difference`` is within ``tolerance`` (no raw value, so the
        text is the same on every machine and device)."""
        ok = difference <= tolerance
        verdict = "OK" if ok else "MISMATCH"
        self.lines.append(
            f"{what}: max |difference| {'<=' if ok else '>'} {tolerance:.0e} ({verdict})"
        )

    def notice(self, text: str) -> None:
        """Add the closing 'what to notice' line."""
        self.heading("What to notice")
        self.say(text)


def available_devices() -> list[str]:
    """Return the devices torch can use here, CPU last: e.g. ``["cuda", "cpu"]``."""
    import torch

    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    found.append("cpu")
    return found


def resolve_device(requested: str) -> str:
    """Turn ``auto|cpu|cuda|mps`` into a device that exists here.

    ``auto`` picks CUDA, then MPS, then the CPU.

    Raises:
        DemoError: ``requested`` is not one of :data:`DEVICES`.
        DeviceUnavailable: The device is not present on this machine.
    """
    if requested not in DEVICES:
        raise DemoError(f"unknown device {requested!r} (choose from: {', '.join(DEVICES)})")
    found = available_devices()
    if requested == "auto":
        return found[0]
    if requested not in found:
        raise DeviceUnavailable(requested, found)
    return requested


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (every device) so a demo is deterministic for ``seed``."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def generator(seed: int) -> np.random.Generator:
    """Return a fresh NumPy generator for ``seed`` (demos draw their data from it)."""
    return np.random.default_rng(seed)


def precise_dtype(device: str) -> torch.dtype:
    """float64 where the device has it, so CPU and CUDA agree to rounding; float32 on MPS."""
    import torch

    return torch.float32 if device == "mps" else torch.float64


@contextmanager
def cpu_threads(n: int) -> Iterator[None]:
    """Run the block with torch limited to ``n`` CPU threads, then restore the previous count.

    Many tiny operations (a chunked loop) run faster on one thread than spread over several,
    especially on a busy machine where extra threads spin waiting for a core.
    One thread also fixes the order of float sums, so a trained demo prints the same numbers
    on every machine.
    """
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
