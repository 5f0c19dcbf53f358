"""Runnable self-attention demos (NumPy and PyTorch), their registry, CLI and renderer.

Each demo module computes a :class:`demos.core.DemoResult`; printing (``python -m demos run``)
and rendering for the site (``python -m demos render``) are separate from the computation.
"""
