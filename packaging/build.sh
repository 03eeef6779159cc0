#!/usr/bin/env bash
# Build the one-folder QML Studio app with PyInstaller and print the folder it is in.
#
#     packaging/build.sh                 # in the virtual environment .venv-build (made if needed)
#     VENV=/path/to/venv packaging/build.sh
#     VENV="$VIRTUAL_ENV" packaging/build.sh --no-install   # use that environment as it is
#
# Installs QML Studio with its "package" extra (PyInstaller) into the environment unless
# --no-install, then runs packaging/qmlstudio.spec. The app is DIST/qmlstudio/qmlstudio (DIST
# defaults to dist/ in the repository; PyInstaller's scratch files go to WORK, default
# build/pyinstaller). The last line printed (stdout) is the app's folder; PyInstaller's log goes
# to stderr. Build on the oldest Linux you support: the result runs there and on newer ones.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv-build}"
PYTHON="${PYTHON:-python3}"
DIST="${DIST:-$ROOT/dist}"
WORK="${WORK:-$ROOT/build/pyinstaller}"

install=1
for argument in "$@"; do
    case "$argument" in
        --no-install) install=0 ;;
        *) echo "build.sh: unknown option '$argument' (known: --no-install)" >&2; exit 2 ;;
    esac
done

if [ ! -x "$VENV/bin/python" ]; then
    if [ "$install" = 0 ]; then
        echo "build.sh: $VENV/bin/python does not exist (drop --no-install to create it)" >&2
        exit 1
    fi
    echo "creating virtual environment $VENV" >&2
    "$PYTHON" -m venv "$VENV"
fi
if [ "$install" = 1 ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
    "$VENV/bin/python" -m pip install --quiet "$ROOT[package]" >&2
fi
if ! "$VENV/bin/python" -c "import PyInstaller" 2>/dev/null; then
    echo "build.sh: PyInstaller is not installed in $VENV (pip install '.[package]')" >&2
    exit 1
fi
# --clean: a stale work folder can carry modules of an older build into the bundle.
"$VENV/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" "$ROOT/packaging/qmlstudio.spec" >&2
echo "$DIST/qmlstudio"
