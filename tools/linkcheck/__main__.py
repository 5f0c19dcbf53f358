"""``python -m tools.linkcheck``."""

from tools.linkcheck.cli import main

main()
