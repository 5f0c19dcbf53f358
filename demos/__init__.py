"""Runnable self-attention demos (NumPy and PyTorch), their registry, CLI and renderer.

- :mod:`demos.gallery`: the demos, one module per demo id, nothing else;
- :mod:`demos.attention`: the attention implementations they build on (a NumPy reference, the
  PyTorch modules, a pretrained encoder);
- :mod:`demos.framework`: what runs, narrates and renders them (no attention maths);
- ``demos/renderings/<id>/``: the committed outputs the site embeds.

Each demo module computes a :class:`demos.framework.core.DemoResult`; printing (``python -m
demos run``) and rendering for the site (``python -m demos render``) are separate from the
computation.
"""
