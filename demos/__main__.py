"""``python -m demos``: see :mod:`demos.framework.cli`."""

import sys

from demos.framework.cli import main

sys.exit(main())
