#!/bin/sh
# Build the Python binding against a meson build directory and run its pytest suite,
# without touching the source tree: pip builds a copy under BUILD/python and installs
# into BUILD/python/site (no network, no system install).
#
#   bindings/python/run-tests.sh BUILD [pytest arguments...]
#
# PYTHON (default /usr/bin/python3: Debian's cffi, pytest and hypothesis live there).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 MESON_BUILD_DIR [pytest args...]" >&2; exit 2; }
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-/usr/bin/python3}
out=$build/python

rm -rf "$out"
mkdir -p "$out"
cp -R "$here" "$out/src"
rm -rf "$out/src/build" "$out/src/src/rupture.egg-info"
(cd "$out" && RUPTURE_BUILD_DIR=$build "$py" -m pip install --quiet --no-build-isolation --no-deps --no-index \
   --disable-pip-version-check --root-user-action=ignore --target "$out/site" ./src)
cd "$out/src"
RUPTURE_BUILD_DIR=$build PYTHONPATH=$out/site PYTHONDONTWRITEBYTECODE=1 exec "$py" -m pytest -q "$@" tests
