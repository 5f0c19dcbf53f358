"""``python -m demos``: see :mod:`demos.cli`."""

import sys

from demos.cli import main

sys.exit(main())
