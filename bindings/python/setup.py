"""setuptools glue for the cffi extension (cffi_modules is not expressible in pyproject.toml).

The library is found through RUPTURE_BUILD_DIR (a meson build directory),
RUPTURE_INCLUDE_DIR + RUPTURE_LIB_DIR, or pkg-config: see rupture_build.py."""

import os
import sys

from setuptools import setup

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rupture_build  # noqa: E402

setup(version=rupture_build.header_version(), cffi_modules=["rupture_build.py:ffibuilder"])
