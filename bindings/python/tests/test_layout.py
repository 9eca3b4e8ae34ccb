"""Struct layouts: what cffi uses == what the system C compiler gives for the header.

The extension is compiled in API mode from the real header, and cffi refuses to load it if
a cdef field's offset or a struct's size differs from the compiler's. This test checks it
independently: a small C program, compiled with the system compiler against the header the
binding was built from, prints sizeof/_Alignof/offsetof of every struct and field, and every
value must equal ffi.sizeof/alignof/offsetof."""

import os
import shlex
import subprocess
import sys

import pytest

import rupture
from rupture import ffi

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import rupture_build  # noqa: E402


def struct_types():
    """(name, ctype) of every struct typedef of the header, plus the anonymous union of rup_event."""
    names = [n for n in ffi.list_types()[0] if n.startswith("rup_")]
    out = []
    for n in sorted(names):
        t = ffi.typeof(n)
        if t.kind == "struct" and t.fields is not None:
            out.append((n, t))
    return out


def members(t, prefix=""):
    """Member designators (recursing into nested structs/unions and arrays' first element)."""
    for name, f in t.fields:
        path = prefix + name
        yield path, f.type
        if f.type.kind in ("struct", "union") and f.type.fields is not None:
            yield from members(f.type, path + ".")


def test_every_struct_matches_the_compiler(tmp_path):
    try:
        include_dirs = rupture_build.locate()[0]
    except rupture_build.ConfigError as e:
        pytest.skip("headers not found: %s" % e)
    types = struct_types()
    assert {"rup_settings", "rup_stream_stats", "rup_event", "rup_rupture", "rup_summary",
            "rup_callbacks", "rup_trace_packet"} <= {n for n, _ in types}
    lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "rupture/rupture.h"', "int main(void) {"]
    expected = []
    for name, t in types:
        lines.append('  printf("%%zu %%zu\\n", sizeof(%s), (size_t)_Alignof(%s));' % (name, name))
        expected.append("%d %d" % (ffi.sizeof(name), ffi.alignof(name)))
        for path, ftype in members(t):
            lines.append('  printf("%%zu %%zu\\n", offsetof(%s, %s), sizeof(((%s *)0)->%s));' % (name, path, name, path))
            expected.append("%d %d" % (ffi.offsetof(name, *path.split(".")), ffi.sizeof(ftype)))
    lines += ["  return 0;", "}"]
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines) + "\n")
    exe = tmp_path / "layout"
    cc = shlex.split(os.environ.get("CC", "cc"))
    subprocess.run(cc + ["-std=c11", "-Wall", "-Werror", "-o", str(exe), str(src)]
                   + ["-I" + d for d in include_dirs], check=True)
    got = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout.split("\n")[:-1]
    assert len(got) == len(expected)
    labels = []
    for name, t in types:
        labels.append(name)
        labels += ["%s.%s" % (name, p) for p, _ in members(t)]
    mismatches = [(lab, g, e) for lab, g, e in zip(labels, got, expected) if g != e]
    assert mismatches == []


def test_cdef_is_generated_from_the_header():
    # Every function the header declares is reachable from Python (the cdef is not hand-kept).
    try:
        include_dirs = rupture_build.locate()[0]
    except rupture_build.ConfigError as e:
        pytest.skip("headers not found: %s" % e)
    import re
    with open(os.path.join(rupture_build._find(include_dirs, rupture_build.HEADER))) as f:
        declared = set(re.findall(r"^RUP_API\s[^;]*?\b(rup_[a-z0-9_]+)\s*\(", f.read(), re.M | re.S))
    assert declared and all(hasattr(rupture.lib, n) for n in declared), sorted(n for n in declared
                                                                               if not hasattr(rupture.lib, n))
