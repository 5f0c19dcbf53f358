import sys

from tools.site.cli import main

sys.exit(main())
