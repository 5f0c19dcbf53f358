"""What runs, narrates and renders the demos; no attention maths here.

:mod:`.core` (results, narration, devices, seeds), :mod:`.registry` (the demo ids),
:mod:`.cli` (``python -m demos``), :mod:`.render` (the renderings the site embeds) and
:mod:`.plotting` (figure rules).
"""
