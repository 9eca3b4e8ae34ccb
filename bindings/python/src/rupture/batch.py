"""Corpus-scale replay on Dask distributed: one task per capture, results cached by content.

    import rupture.batch
    res = rupture.batch.run("study/", out="results/", local="10.0.0.1")   # LocalCluster, 2 workers
    res.captures        # one row per capture (pandas DataFrame, or a list of dicts without pandas)
    res.ruptures        # every rupture, with the id of its capture

    python3 -m rupture.batch study/ --out results/ [--scheduler tcp://host:8786] [--workers N]

Each task streams its capture through the C library (rupture.replay: the file is read by
rup_trace in blocks, never whole into Python), so a task needs memory in proportion to the
streams of one call, not to the length of the file. Workers only read captures; the client
writes every output. docs/research.md describes running it on a laptop or a cluster.

Cache: a result is keyed by the sha256 of the capture's bytes, the version of the library
that produced it and the settings (``local`` and session settings) it was replayed with.
It lives in ``out/captures/<sha256>.<tag>.json``; a re-run with the same ``out`` replays only
the captures whose key has no result there. Failures that the bytes decide (not a capture,
truncated, malformed) are cached too; failures of the moment (a file that cannot be read,
a worker lost too often, a version mismatch) are not.

This module imports dask only when run() is called; ``import rupture`` never imports it.
"""

import csv
import dataclasses
import glob
import hashlib
import json
import os
import sys
import time

#: Suffixes a directory scan picks up (case-insensitive). A list or glob takes any file.
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", ".cap.gz")

#: Columns of the per-capture table, in order.
SUMMARY_COLUMNS = ("capture", "path", "sha256", "size_bytes", "duration_s", "streams", "rupture_count",
                   "rupture_time_s", "mos_min", "error", "cached", "replay_s", "json")

INDEX_FORMAT = "rupture-batch-index"
INDEX_VERSION = 1
_CHUNK = 1 << 20


# ---------------------------------------------------------------------------------------------
# Inputs


def find_captures(paths):
    """The captures named by ``paths``, as absolute paths in a stable order, without duplicates.

    ``paths`` is a path or a list of them; a directory is searched recursively for files
    ending in one of CAPTURE_SUFFIXES, a pattern with ``*?[`` is a glob (``**`` recurses),
    anything else is taken as a capture even if it does not exist (it is then reported as
    unreadable)."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    found, seen = [], set()

    def add(p):
        p = os.path.abspath(os.fsdecode(p))
        if p not in seen:
            seen.add(p)
            found.append(p)

    for item in paths:
        item = os.fsdecode(item)
        if os.path.isdir(item):
            hits = []
            for root, dirs, files in os.walk(item):
                dirs.sort()
                hits += [os.path.join(root, f) for f in files if f.lower().endswith(CAPTURE_SUFFIXES)]
            for h in sorted(hits):
                add(h)
        elif glob.has_magic(item):
            for h in sorted(glob.glob(item, recursive=True)):
                if not os.path.isdir(h):
                    add(h)
        else:
            add(item)
    return found


def capture_ids(paths):
    """Short, unique ids: each path relative to the deepest directory common to all."""
    if not paths:
        return []
    root = os.path.commonpath([os.path.dirname(p) for p in paths])
    return [os.path.relpath(p, root).replace(os.sep, "/") for p in paths]


def file_sha256(path):
    """(sha256 hex, size in bytes) of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while True:
            block = f.read(_CHUNK)
            if not block:
                break
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def _norm_local(local):
    if local is None:
        return []
    if isinstance(local, (str, bytes)) or not hasattr(local, "__iter__"):
        local = [local]
    return [str(a) for a in local]


def cache_tag(version, local=None, settings=None):
    """The part of a cache key that is not the content: library version + a digest of the settings."""
    params = json.dumps({"local": _norm_local(local), "settings": dict(sorted((settings or {}).items()))},
                        sort_keys=True)
    return "%s-%s" % (version, hashlib.sha256(params.encode()).hexdigest()[:12])


# ---------------------------------------------------------------------------------------------
# Tasks (run on the workers; everything they take and return is plain data)


def _error_text(e):
    if isinstance(e, OSError):
        return "%s: %s" % (type(e).__name__, e.strerror or e)
    return "%s: %s" % (type(e).__name__, e)


def _check_version(version):
    import rupture
    have = rupture.library_version()
    if have != version:
        raise RuntimeError("worker has librupture %s, the client %s" % (have, version))


def _hash_task(path, version):
    """Phase 1 when a cache exists: the content key of a capture."""
    try:
        _check_version(version)
        sha, size = file_sha256(path)
    except Exception as e:                   # reported as the capture's error, never cached
        return {"error": _error_text(e), "cacheable": False}
    return {"sha256": sha, "size": size}


def _replay_task(path, version, local, settings, sha=None, size=None, hook=None):
    """Hash (unless known) and replay one capture; return its CLI document and/or its error."""
    import rupture
    from rupture._native import lib
    try:
        _check_version(version)
        if sha is None:
            sha, size = file_sha256(path)
    except Exception as e:
        return {"error": _error_text(e), "cacheable": False}
    if hook is not None:
        hook(path)
    out = {"sha256": sha, "size": size, "doc": None, "error": None, "cacheable": True, "replayed": True}
    t0 = time.perf_counter()
    try:
        report = rupture.replay(path, local=local or None, allow_truncated=True, **settings)
        out["doc"] = report.to_dict()         # == `rupture replay PATH --json [--local ...]`
        if report.error is not None:          # truncated / malformed: the partial document is kept
            out["error"] = str(report.error)
    except rupture.RuptureError as e:
        out["error"] = str(e)
        # Decided by the bytes: not a capture, truncated header, malformed. Anything else
        # (I/O, memory, a bad setting) may differ next time.
        out["cacheable"] = e.code in (lib.RUP_ERR_FORMAT, lib.RUP_ERR_TRUNCATED, lib.RUP_ERR_MALFORMED,
                                      lib.RUP_ERR_UNSUPPORTED)
    except Exception as e:
        out["error"] = _error_text(e)
        out["cacheable"] = False
    out["replay_s"] = time.perf_counter() - t0
    return out


# ---------------------------------------------------------------------------------------------
# Output directory


def _write_atomic(path, text):
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


class _Store:
    """out/captures/<sha256>.<tag>.json (the CLI document) and .error.json (why it failed)."""

    def __init__(self, out, tag):
        self.out = out
        self.tag = tag
        self.dir = os.path.join(out, "captures")
        os.makedirs(self.dir, exist_ok=True)
        suffix = "." + tag + ".json"
        esuffix = "." + tag + ".error.json"
        self.done = set()
        for name in os.listdir(self.dir):
            if name.endswith(esuffix):
                self.done.add(name[:-len(esuffix)])
            elif name.endswith(suffix):
                self.done.add(name[:-len(suffix)])

    def rel(self, sha, error=False):
        return "captures/%s.%s%s.json" % (sha, self.tag, ".error" if error else "")

    def load(self, sha):
        doc = err = None
        p = os.path.join(self.out, self.rel(sha))
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                doc = json.load(f)
        p = os.path.join(self.out, self.rel(sha, True))
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                err = json.load(f)["error"]
        return doc, err

    def save(self, sha, doc, error):
        # The error first: a crash in between leaves "failed", never a partial result taken as good.
        if error is not None:
            _write_atomic(os.path.join(self.out, self.rel(sha, True)), json.dumps({"error": error}) + "\n")
        if doc is not None:
            _write_atomic(os.path.join(self.out, self.rel(sha)), json.dumps(doc, indent=1) + "\n")
        self.done.add(sha)


def _csv_value(v):
    if v is None:
        return ""
    if isinstance(v, list):
        return " ".join(str(x) for x in v)
    if isinstance(v, (dict, bool)):
        return json.dumps(v)
    return v


def _write_csv(path, columns, rows):
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for r in rows:
            w.writerow([_csv_value(r.get(c)) for c in columns])
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------
# The batch


@dataclasses.dataclass
class BatchResult:
    """What run() returns. Iterating gives (captures, ruptures)."""

    captures: object            #: per-capture summaries (DataFrame, or list of dicts)
    ruptures: object            #: all ruptures with a ``capture`` column (DataFrame, or list of dicts)
    total: int = 0              #: captures in the batch
    replayed: int = 0           #: captures replayed by this run
    cached: int = 0             #: captures whose result came from the cache in ``out``
    failed: int = 0             #: captures with an error (the partial result of a truncated one is kept)
    media_s: float = 0.0        #: sum of the captures' durations
    elapsed_s: float = 0.0      #: wall time of run()
    out: object = None          #: the output directory, if any

    def __iter__(self):
        return iter((self.captures, self.ruptures))


def _rupture_columns(rows):
    from ._report import RuptureReport
    cols = ["capture"] + [f.name for f in RuptureReport._doc_fields()]
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def _summary_row(cid, path, sha, size, doc, error, cached, replay_s, rel):
    row = dict.fromkeys(SUMMARY_COLUMNS)
    row.update(capture=cid, path=path, sha256=sha, size_bytes=size, error=error, cached=cached,
               replay_s=replay_s, json=rel)
    if doc is not None:
        inp = doc.get("input") or {}
        summ = doc.get("summary") or {}
        row.update(duration_s=inp.get("duration_s"), streams=len(doc.get("streams") or []),
                   rupture_count=summ.get("rupture_count"), rupture_time_s=summ.get("rupture_time_s"),
                   mos_min=summ.get("mos_min"))
    return row


def _local_client(workers):
    import logging
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def run(paths, client=None, out=None, local=None, *, workers=2, frames=None, progress=None,
        _task_hook=None, **settings):
    """Replay every capture of ``paths`` on Dask, one task per capture, and gather the results.

    paths     a path, a directory (searched recursively), a glob, or a list of them (find_captures).
    client    a dask.distributed Client, or a scheduler address ("tcp://host:8786"), or None for
              a LocalCluster on 127.0.0.1 with ``workers`` processes of one thread each, shut
              down at the end.
    out       a directory: per-capture CLI JSON in out/captures/, out/index.json, out/index.csv,
              out/ruptures.csv; it is also the cache (captures already done are not replayed).
    local     the local user's address(es), as for rupture.replay(); other keyword arguments
              are session settings (rupture.SETTINGS). Both are part of the cache key.
    frames    True: pandas DataFrames; False: lists of dicts; None: DataFrames if pandas imports.
    progress  called as progress(done, total, row) after each capture.

    A capture that fails (unreadable, not a capture, truncated...) gets its ``error`` and the
    batch goes on; a worker that dies has its task rerun elsewhere by Dask."""
    import rupture
    from distributed import Client, as_completed

    t_start = time.perf_counter()
    for key, value in settings.items():
        if key not in rupture.SETTINGS:
            raise TypeError("run() got an unexpected keyword argument %r" % key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("setting %s must be an int" % key)
    local_list = _norm_local(local)
    version = rupture.library_version()
    tag = cache_tag(version, local_list, settings)
    captures = find_captures(paths)
    ids = capture_ids(captures)
    store = _Store(os.fspath(out), tag) if out is not None else None

    own_client = cluster = None
    if client is None:
        own_client, cluster = _local_client(workers)
        client = own_client
    elif isinstance(client, str):
        own_client = client = Client(client)

    rows = [None] * len(captures)
    rupture_rows = [[] for _ in captures]
    counts = {"replayed": 0, "cached": 0}
    try:
        pending = {}
        two_phase = bool(store and store.done)     # a cache to consult: hash first, then replay misses
        ac = as_completed()
        for i, path in enumerate(captures):
            if two_phase:
                f = client.submit(_hash_task, path, version, pure=False)
            else:
                f = client.submit(_replay_task, path, version, local_list, settings, hook=_task_hook,
                                  pure=False)
            pending[f.key] = (i, "hash" if two_phase else "replay")
            ac.add(f)
        done = 0
        for f in ac:
            i, kind = pending.pop(f.key)
            path = captures[i]
            try:
                res = f.result()
            except Exception as e:                 # KilledWorker (lost too often), cancelled...
                res = {"error": _error_text(e), "cacheable": False}
            finally:
                f.release()
            if kind == "hash" and res.get("error") is None and res["sha256"] not in store.done:
                g = client.submit(_replay_task, path, version, local_list, settings, res["sha256"], res["size"],
                                  hook=_task_hook, pure=False)
                pending[g.key] = (i, "replay")
                ac.add(g)
                continue
            sha, size = res.get("sha256"), res.get("size")
            doc, error, cached, rel = res.get("doc"), res.get("error"), False, None
            if kind == "hash" and error is None:  # a cache hit
                doc, error = store.load(sha)
                cached = True
                counts["cached"] += 1
            elif res.get("replayed"):
                counts["replayed"] += 1
                if store is not None and res.get("cacheable"):
                    store.save(sha, doc, error)
            if store is not None and doc is not None:
                rel = store.rel(sha)
            rows[i] = _summary_row(ids[i], path, sha, size, doc, error, cached, res.get("replay_s"), rel)
            if doc is not None:
                rupture_rows[i] = [dict(capture=ids[i], **r) for r in doc.get("ruptures") or []]
            done += 1
            if progress is not None:
                progress(done, len(captures), rows[i])
    finally:
        if own_client is not None:
            own_client.close()
        if cluster is not None:
            cluster.close()

    all_ruptures = [r for rs in rupture_rows for r in rs]
    rcols = _rupture_columns(all_ruptures)
    if store is not None:
        index = {"format": INDEX_FORMAT, "version": INDEX_VERSION, "rupture_version": version, "cache_tag": tag,
                 "local": local_list, "settings": settings, "captures": rows}
        _write_atomic(os.path.join(store.out, "index.json"), json.dumps(index, indent=1) + "\n")
        _write_csv(os.path.join(store.out, "index.csv"), SUMMARY_COLUMNS, rows)
        _write_csv(os.path.join(store.out, "ruptures.csv"), rcols, all_ruptures)

    res = BatchResult(rows, all_ruptures, total=len(rows), replayed=counts["replayed"], cached=counts["cached"],
                      failed=sum(1 for r in rows if r["error"] is not None),
                      media_s=sum(r["duration_s"] or 0.0 for r in rows), out=out)
    if frames is None or frames:
        try:
            import pandas
        except ImportError:
            if frames:
                raise
        else:
            res.captures = pandas.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
            res.ruptures = pandas.DataFrame(all_ruptures, columns=rcols)
    res.elapsed_s = time.perf_counter() - t_start
    return res


# ---------------------------------------------------------------------------------------------
# Command line: python3 -m rupture.batch


class _Bar:
    """A one-line progress bar on stderr (only on a terminal)."""

    def __init__(self, stream):
        self.stream = stream
        self.failed = 0

    def __call__(self, done, total, row):
        if row["error"] is not None:
            self.failed += 1
        width = 30
        fill = width * done // max(total, 1)
        self.stream.write("\r[%s%s] %d/%d captures%s" % ("#" * fill, " " * (width - fill), done, total,
                                                       ", %d failed" % self.failed if self.failed else ""))
        if done == total:
            self.stream.write("\r\033[K")
        self.stream.flush()


def _parse_setting(text):
    name, sep, value = text.partition("=")
    if not sep:
        raise ValueError("--set wants NAME=VALUE, not %r" % text)
    return name.strip(), int(value, 0)


def main(argv=None):
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message):             # usage errors exit 1, as the C tool's do
            self.print_usage(sys.stderr)
            self.exit(1, "%s: error: %s\n" % (self.prog, message))

    p = Parser(
        prog="rupture batch" if os.environ.get("RUPTURE_BATCH_PROG") else "python3 -m rupture.batch",
        description="Replay a corpus of captures on Dask distributed (docs/research.md).",
        epilog="exit codes: 0 every capture analysed, 1 usage, 2 no capture found, "
               "3 some captures failed (listed on stderr)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="capture, directory (recursive) or glob")
    p.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler address, e.g. tcp://host:8786 "
                   "(default: a local cluster)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="local worker processes (default 2)")
    p.add_argument("--out", metavar="DIR", help="write per-capture JSON and index.json/.csv here; also the cache")
    p.add_argument("--local", action="append", default=[], metavar="ADDR",
                   help="packets sent from ADDR (IP or IP:port) are outbound; repeatable")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="settings",
                   help="a session setting (rup_settings field); repeatable")
    p.add_argument("--json", action="store_true", help="print the per-capture table as JSON on stdout")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    a = p.parse_args(argv)
    if a.scheduler and a.workers != 2:
        p.error("--workers is for the local cluster; with --scheduler the cluster has its own")
    if a.workers < 1:
        p.error("--workers must be at least 1")
    try:
        settings = dict(_parse_setting(s) for s in a.settings)
    except ValueError as e:
        p.error(str(e))
    if not find_captures(a.paths):
        print("rupture batch: no capture found in %s" % " ".join(a.paths), file=sys.stderr)
        return 2
    bar = _Bar(sys.stderr) if sys.stderr.isatty() and not a.quiet else None
    try:
        res = run(a.paths, client=a.scheduler, out=a.out, local=a.local or None, workers=a.workers, frames=False,
                  progress=bar, **settings)
    except TypeError as e:
        p.error(str(e))
    if a.json:
        json.dump(res.captures, sys.stdout, indent=1)
        sys.stdout.write("\n")
    for r in res.captures:
        if r["error"] is not None:
            print("rupture batch: %s: %s" % (r["path"], r["error"]), file=sys.stderr)
    nrupt = len(res.ruptures)
    rate = res.total / res.elapsed_s * 60 if res.elapsed_s > 0 else 0.0
    print("rupture batch: %d captures (%d replayed, %d cached, %d failed), %.2f media-hours, %d ruptures, "
          "%.1f s (%.0f captures/min)%s" % (res.total, res.replayed, res.cached, res.failed, res.media_s / 3600,
                                          nrupt, res.elapsed_s, rate, ", results in %s" % a.out if a.out else ""),
          file=sys.stderr)
    return 3 if res.failed else 0


if __name__ == "__main__":
    # Run the functions of the importable module, not of __main__, so that Dask ships them
    # to the workers by reference.
    from rupture.batch import main as _main
    sys.exit(_main())
