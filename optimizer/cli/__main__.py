"""``python -m optimizer.cli``: the ``schoolplan`` command."""

import sys

from optimizer.cli.parser import main

sys.exit(main())
