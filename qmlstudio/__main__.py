"""``python -m qmlstudio``: same as the ``qmlstudio`` command."""

import sys

from .cli import main

sys.exit(main())
