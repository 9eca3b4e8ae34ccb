"""cffi builder of rupture._native (API, out-of-line mode).

The cdef is produced from the real public header, so a header change flows
through on the next build and the C compiler checks every layout:

  1. find the headers and the library (RUPTURE_BUILD_DIR = a meson build
     directory, or RUPTURE_INCLUDE_DIR + RUPTURE_LIB_DIR, or pkg-config);
  2. preprocess rupture.h with `cc -E -P`, RUP_API defined empty and stub
     <stddef.h>/<stdint.h> (cffi knows size_t and the intN_t types itself);
  3. append every integer `#define RUP_...` of the headers as `#define X ...`
     (cffi takes the value from the compiler);
  4. add the few declarations the binding needs beyond the header.
"""

import json
import os
import re
import shlex
import subprocess
import tempfile

from cffi import FFI

HEADER = os.path.join("rupture", "rupture.h")
VERSION_HEADER = os.path.join("rupture", "version.h")

# Integer object-like macros only: cffi accepts `#define NAME ...` for those.
_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(RUP_[A-Z0-9_]+)[ \t]+(-?(?:0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*)[ \t]*(?:/[*/].*)?$",
                     re.M)

# Declarations of the binding itself (not part of the library's API).
EXTRA_CDEF = """
typedef ... FILE;
FILE *open_memstream(char **ptr, size_t *sizeloc);
int fclose(FILE *fp);
void free(void *ptr);

extern "Python" int _rup_py_on_event(rup_session *s, const rup_event *ev, void *user_data);
extern "Python" int _rup_py_on_progress(uint64_t bytes_read, uint64_t file_size, void *user_data);

const rup_mem *_rup_py_counting_mem(void);
long _rup_py_live_blocks(void);
"""

EXTRA_SOURCE = r"""
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include "rupture/rupture.h"

/* An allocator that counts live blocks, so tests can check that close() frees
 * everything a session or a trace allocated. */
static atomic_long rup_py_live;
static void *rup_py_malloc(size_t n, void *ud) {
  (void)ud;
  void *p = malloc(n);
  if (p) atomic_fetch_add(&rup_py_live, 1);
  return p;
}
static void *rup_py_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  void *q = realloc(p, n);
  if (!p && q) atomic_fetch_add(&rup_py_live, 1);
  return q;
}
static void rup_py_free(void *p, void *ud) {
  (void)ud;
  if (p) atomic_fetch_sub(&rup_py_live, 1);
  free(p);
}
static const rup_mem rup_py_counting = {NULL, rup_py_malloc, rup_py_realloc, rup_py_free};
static const rup_mem *_rup_py_counting_mem(void) { return &rup_py_counting; }
static long _rup_py_live_blocks(void) { return atomic_load(&rup_py_live); }
"""


class ConfigError(RuntimeError):
    pass


def _pkg_config(*args):
    exe = os.environ.get("PKG_CONFIG", "pkg-config")
    try:
        out = subprocess.run([exe, *args, "rupture"], check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as e:
        raise ConfigError("librupture not found: set RUPTURE_BUILD_DIR to a meson build directory, "
                          "or make `pkg-config rupture` work (%s)" % e) from None
    return shlex.split(out.stdout)


def _system_dir(d):
    d = os.path.normpath(d)
    return d in ("/lib", "/usr/lib", "/lib64", "/usr/lib64") or re.match(r"^/(usr/)?lib/[^/]+-linux-gnu[^/]*$", d)


def locate():
    """Return (include_dirs, library_dirs, runtime_library_dirs)."""
    build = os.environ.get("RUPTURE_BUILD_DIR")
    if build:
        build = os.path.abspath(build)
        info = os.path.join(build, "meson-info", "meson-info.json")
        try:
            with open(info) as f:
                src = json.load(f)["directories"]["source"]
        except (OSError, ValueError, KeyError) as e:
            raise ConfigError("RUPTURE_BUILD_DIR=%s is not a configured meson build directory (%s)" % (build, e))
        return [os.path.join(src, "include"), os.path.join(build, "include")], [build], [build]
    inc = os.environ.get("RUPTURE_INCLUDE_DIR")
    libdir = os.environ.get("RUPTURE_LIB_DIR")
    if inc and libdir:
        incs = [os.path.abspath(p) for p in inc.split(os.pathsep) if p]
        return incs, [os.path.abspath(libdir)], [os.path.abspath(libdir)]
    incs = [a[2:] for a in _pkg_config("--cflags-only-I") if a.startswith("-I")]
    libs = [a[2:] for a in _pkg_config("--libs-only-L") if a.startswith("-L")]
    for std in ("/usr/local/include", "/usr/include"):
        if std not in incs:
            incs.append(std)
    return incs, libs, [d for d in libs if not _system_dir(d)]


def _find(include_dirs, rel):
    for d in include_dirs:
        p = os.path.join(d, rel)
        if os.path.isfile(p):
            return p
    raise ConfigError("%s not found in %s" % (rel, include_dirs))


def make_cdef(include_dirs):
    """The cdef text from the real header (see the module docstring)."""
    header = _find(include_dirs, HEADER)
    cc = shlex.split(os.environ.get("CC", "cc"))
    with tempfile.TemporaryDirectory() as stubs:
        for name in ("stddef.h", "stdint.h"):
            open(os.path.join(stubs, name), "w").close()
        cmd = cc + ["-E", "-P", "-nostdinc", "-DRUP_API=", "-I" + stubs]
        cmd += ["-I" + d for d in include_dirs] + [header]
        try:
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            raise ConfigError("preprocessing %s failed: %s %s" % (header, e, getattr(e, "stderr", "")))
    # What pycparser cannot take, in case a compiler or header adds it.
    out = re.sub(r"__attribute__\s*\(\(.*?\)\)", "", out)
    out = re.sub(r"\b__extension__\b", "", out)
    defines = []
    for path in (header, _find(include_dirs, VERSION_HEADER)):
        with open(path) as f:
            for name, _value in _DEFINE.findall(f.read()):
                defines.append("#define %s ..." % name)
    return out + "\n" + "\n".join(defines) + "\n" + EXTRA_CDEF


def make_ffi():
    include_dirs, library_dirs, rpath = locate()
    ffi = FFI()
    ffi.cdef(make_cdef(include_dirs))
    ffi.set_source("rupture._native", EXTRA_SOURCE, include_dirs=include_dirs, library_dirs=library_dirs,
                   runtime_library_dirs=rpath, libraries=["rupture"])
    return ffi


def header_version(include_dirs=None):
    """RUP_VERSION of the header found (for the package metadata)."""
    if include_dirs is None:
        include_dirs = locate()[0]
    with open(_find(include_dirs, VERSION_HEADER)) as f:
        m = re.search(r'#\s*define\s+RUP_VERSION\s+"([^"]+)"', f.read())
    if not m:
        raise ConfigError("RUP_VERSION not found in %s" % VERSION_HEADER)
    return m.group(1)


# cffi_modules calls it (cffi accepts a function returning the FFI).
ffibuilder = make_ffi
