"""``python -m qmlstudio``: same as the ``qmlstudio`` command."""

import sys

from qmlstudio.cli import main

sys.exit(main())
