"""The frozen app's entry script: the ``qmlstudio`` command (``qmlstudio.cli:main``)."""

import sys

from qmlstudio.cli import main

if __name__ == "__main__":
    sys.exit(main())
