"""Shared fixtures. Environment:

RUPTURE_BUILD_DIR  the meson build directory the binding was built against (gives the
                   CLI <dir>/tools/rupture, the source tree, the include dirs).
RUPTURE_CLI        the `rupture` program, overriding the one of RUPTURE_BUILD_DIR.
RUPTURE_SOURCE_DIR the source tree (examples/data/demo.pcap.gz), overriding the others.
"""

import json
import os
import subprocess

import pytest
from hypothesis import settings

# Deterministic, no example database written into the tree.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=400,
                          print_blob=True)
settings.register_profile("long", database=None, deadline=None, max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

HERE = os.path.dirname(os.path.abspath(__file__))


def build_dir():
    d = os.environ.get("RUPTURE_BUILD_DIR")
    return os.path.abspath(d) if d else None


def source_dir():
    d = os.environ.get("RUPTURE_SOURCE_DIR")
    if d:
        return d
    b = build_dir()
    if b:
        with open(os.path.join(b, "meson-info", "meson-info.json")) as f:
            return json.load(f)["directories"]["source"]
    guess = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
    if os.path.isfile(os.path.join(guess, "include", "rupture", "rupture.h")):
        return guess
    return None


def cli_path():
    c = os.environ.get("RUPTURE_CLI")
    if c:
        return c
    b = build_dir()
    return os.path.join(b, "tools", "rupture") if b else None


@pytest.fixture(scope="session")
def srcdir():
    d = source_dir()
    if d is None:
        pytest.skip("source tree unknown: set RUPTURE_BUILD_DIR or RUPTURE_SOURCE_DIR")
    return d


@pytest.fixture(scope="session")
def demo(srcdir):
    return os.path.join(srcdir, "examples", "data", "demo.pcap.gz")


@pytest.fixture(scope="session")
def cli():
    c = cli_path()
    if c is None:
        pytest.skip("CLI unknown: set RUPTURE_BUILD_DIR or RUPTURE_CLI")
    assert os.access(c, os.X_OK), "%s is not an executable" % c
    return c


@pytest.fixture(scope="session")
def cli_json(cli):
    """Run `rupture replay ... --json` and return the parsed document."""
    def run(path, *local, extra=()):
        args = [cli, "replay", path, "--json", *extra]
        for a in local:
            args += ["--local", a]
        out = subprocess.run(args, capture_output=True, check=False)
        assert out.returncode in (0, 4, 5), out.stderr.decode(errors="replace")
        return json.loads(out.stdout)
    return run


@pytest.fixture(scope="session")
def demo_bytes(demo):
    import gzip
    with gzip.open(demo, "rb") as f:
        return f.read()
