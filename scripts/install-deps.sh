#!/usr/bin/env bash
# Install the Debian 12 packages the build, tests and demo need.
# Idempotent: runs apt-get only when something is missing. Needs root (or sudo).
set -euo pipefail

pkgs=(meson ninja-build gcc clang pkg-config libcmocka-dev zlib1g-dev libopus-dev libvpx-dev
      libclang-rt-14-dev valgrind doxygen python3 python3-cffi python3-dev python3-pytest
      python3-hypothesis python3-pip python3-setuptools python3-wheel python3-dask python3-distributed
      python3-pandas librsvg2-bin)
if [ "${1:-}" = "--print" ]; then printf '%s\n' "${pkgs[@]}"; exit 0; fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
