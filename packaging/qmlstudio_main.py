"""The frozen app's entry script: the ``qmlstudio`` command (``qmlstudio.cli:main``).

The engine's compile helper starts a second process as ``python -c CODE``
(``qmlstudio/engine/compile_helper.py``); a frozen app has no interpreter, so it starts
itself with those arguments, which go to the helper, not to the command line.
"""

import sys

from qmlstudio.cli import main

if __name__ == "__main__":
    if sys.argv[1:2] == ["-c"]:
        from qmlstudio.engine.compile_helper import run_as_child

        run_as_child(sys.argv[2:])
    else:
        sys.exit(main())
