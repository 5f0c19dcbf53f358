"""The demo registry: ids in the catalogue's order, modules loaded lazily.

Importing this module must not import torch (the catalogue validator imports ``DEMO_IDS``).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from demos.framework.core import DemoError

DEMO_IDS: tuple[str, ...] = (
    "word_vectors",
    "qkv_step_by_step",
    "seq2seq_attention",
    "multi_head",
    "masks",
    "positional_encoding",
    "bert_style_encoder",
    "learned_attention",
    "pretrained_attention",
    "similarity_vs_projection",
    "cnn_vs_attention_path",
    "image_self_attention",
    "detr_object_queries",
    "attention_variants",
    "attention_at_scale",
)


def module_name(demo_id: str) -> str:
    """The module of a demo: ``demos.gallery.<id>``."""
    return f"demos.gallery.{demo_id}"


def check_id(demo_id: str) -> str:
    """Return ``demo_id`` if it is a known demo (nothing is imported).

    Raises:
        DemoError: ``demo_id`` is not a known demo.
    """
    if demo_id not in DEMO_IDS:
        raise DemoError(f"unknown demo {demo_id!r} (available: {', '.join(DEMO_IDS)})")
    return demo_id


def missing_module(demo_id: str) -> DemoError:
    """The error for a registered demo whose module file is not there."""
    return DemoError(f"demo {demo_id!r} is registered but demos/gallery/{demo_id}.py is missing")


def get(demo_id: str) -> ModuleType:
    """Import and return the module of ``demo_id``.

    Raises:
        DemoError: ``demo_id`` is not a known demo.
    """
    check_id(demo_id)
    try:
        return importlib.import_module(module_name(demo_id))
    except ModuleNotFoundError as exc:
        if exc.name != module_name(demo_id):
            raise
        raise missing_module(demo_id) from exc
