"""rupture.batch on a Dask LocalCluster (loopback, 2 worker processes) over a corpus that the
synthesizer writes at test time: a corrupt capture is reported and the batch completes, a
worker killed mid-batch loses nothing (the results equal a serial run), and a re-run replays
nothing. Skipped without dask/distributed (python3-dask, python3-distributed)."""

import json
import os
import random
import signal
import subprocess
import sys

import pytest

pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")

import rupture                    # noqa: E402
import rupture.batch as batch     # noqa: E402

# LocalCluster on this Dask/tornado pair warns about an event-loop API; not ours.
pytestmark = pytest.mark.filterwarnings("ignore:make_current is deprecated:DeprecationWarning")

# The task hooks below run on the workers, which cannot import this file: ship them by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

N_GOOD = 6
DURATION = 20
# Different impairments per capture, so that the ruptures differ between captures.
IMPAIR = [["outage@6+4"], ["audio_stall@5+2,dir=inbound"], [], ["video_stall@8+3,dir=inbound"],
          ["random_loss@4+10,p=0.1"], ["outage@12+3", "mute@3+3,dir=inbound"]]


def kill_once(marker, path):
    """Kill this worker process the first time any task gets here (atomically, via marker)."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.write(fd, b"%d %s\n" % (os.getpid(), path.encode()))
    os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)


def count_replays(log, path):
    with open(log, "a") as f:
        f.write(path + "\n")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, cli):
    """good/call<i>.pcap (6 × 20 s, with truths next to them, which a scan must ignore) and
    bad/: a truncated capture, bytes that are no capture, a dangling link (unreadable)."""
    root = tmp_path_factory.mktemp("corpus")
    good = root / "good"
    bad = root / "bad"
    good.mkdir()
    bad.mkdir()
    procs = []
    for i in range(N_GOOD):
        args = [cli, "synth", "--seed", str(100 + i), "--duration", str(DURATION), "--quiet",
                "-o", str(good / ("call%d.pcap" % i)), "--truth", str(good / ("call%d.truth.json" % i))]
        for spec in IMPAIR[i]:
            args += ["--impair", spec]
        procs.append(subprocess.Popen(args))
        if len(procs) == 2:
            assert [p.wait() for p in procs] == [0, 0]
            procs = []
    assert all(p.wait() == 0 for p in procs)
    data = (good / "call0.pcap").read_bytes()
    (bad / "truncated.pcap").write_bytes(data[:len(data) * 3 // 5 + 7])   # cut inside a record
    rnd = random.Random(7)
    (bad / "garbage.pcap").write_bytes(bytes(rnd.randrange(256) for _ in range(5000)))
    os.symlink(str(bad / "no-such-file.pcap"), str(bad / "missing.pcap"))
    return root


@pytest.fixture(scope="module")
def client():
    import logging
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=logging.ERROR)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def serial(path, **kw):
    """The reference: rupture.replay in this process -> (document or None, error text or None)."""
    try:
        r = rupture.replay(path, allow_truncated=True, **kw)
    except rupture.RuptureError as e:
        return None, str(e)
    return r.to_dict(), (str(r.error) if r.error is not None else None)


def test_find_captures_and_ids(corpus):
    found = batch.find_captures(str(corpus))
    names = [os.path.relpath(p, str(corpus)) for p in found]
    assert names == ["bad/garbage.pcap", "bad/missing.pcap", "bad/truncated.pcap"] + \
        ["good/call%d.pcap" % i for i in range(N_GOOD)]                     # sorted, truths ignored
    assert batch.capture_ids(found) == names
    g = batch.find_captures([str(corpus / "good" / "call1.pcap"), str(corpus / "good" / "call*.pcap")])
    assert [os.path.basename(p) for p in g] == ["call1.pcap"] + ["call%d.pcap" % i for i in range(N_GOOD) if i != 1]
    assert batch.capture_ids(g[:1]) == ["call1.pcap"]
    assert batch.find_captures(str(corpus / "nothing" / "x.pcap")) == [str(corpus / "nothing" / "x.pcap")]
    sha, size = batch.file_sha256(str(corpus / "bad" / "garbage.pcap"))
    assert size == 5000 and len(sha) == 64
    assert batch.cache_tag("0.1.0") != batch.cache_tag("0.1.0", "10.0.0.1") != batch.cache_tag("0.2.0", "10.0.0.1")


def test_batch_survives_corrupt_files_and_a_killed_worker(corpus, client, tmp_path):
    out = tmp_path / "out"
    marker = str(tmp_path / "killed")
    import functools
    seen = []
    res = batch.run(str(corpus), client=client, out=str(out), frames=False,
                    progress=lambda d, t, row: seen.append((d, t)),
                    _task_hook=functools.partial(kill_once, marker))
    # A worker really died mid-batch.
    pid, victim = open(marker).read().split()
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid), 0)

    paths = batch.find_captures(str(corpus))
    assert res.total == len(paths) == N_GOOD + 3
    assert seen == [(i + 1, res.total) for i in range(res.total)]
    rows = {r["path"]: r for r in res.captures}
    assert list(rows) == paths
    assert res.replayed == N_GOOD + 2 and res.cached == 0 and res.failed == 3   # the link never gets replayed

    expected_ruptures = []
    for p, cid in zip(paths, batch.capture_ids(paths)):
        row = rows[p]
        assert row["capture"] == cid
        if p.endswith("missing.pcap"):
            assert row["error"].startswith("FileNotFoundError") and row["sha256"] is None and row["json"] is None
            continue
        doc, err = serial(p)
        assert (row["sha256"], row["size_bytes"]) == batch.file_sha256(p)
        assert row["error"] == err and row["cached"] is False
        if doc is None:                                        # garbage: no document at all
            assert "RUP_ERR_FORMAT" in err and row["json"] is None and row["duration_s"] is None
            assert os.path.exists(os.path.join(out, "captures", "%s.%s.error.json" % (
                row["sha256"], batch.cache_tag(rupture.library_version()))))
            continue
        if p.endswith("truncated.pcap"):
            assert err is not None and ("TRUNCATED" in err or "MALFORMED" in err)
        else:
            assert err is None
        with open(os.path.join(out, row["json"])) as f:
            assert json.load(f) == doc                         # the per-capture JSON is the serial one
        assert row["duration_s"] == doc["input"]["duration_s"] and row["streams"] == len(doc["streams"])
        assert row["rupture_count"] == doc["summary"]["rupture_count"] == len(doc["ruptures"])
        assert row["rupture_time_s"] == doc["summary"]["rupture_time_s"]
        assert row["mos_min"] == doc["summary"]["mos_min"]
        expected_ruptures += [dict(capture=cid, **r) for r in doc["ruptures"]]
    assert res.ruptures == expected_ruptures and len(expected_ruptures) >= 4
    assert abs(res.media_s - sum(r["duration_s"] or 0 for r in res.captures)) < 1e-9

    with open(out / "index.json") as f:
        index = json.load(f)
    assert index["captures"] == res.captures and index["rupture_version"] == rupture.library_version()
    with open(out / "index.csv") as f:
        assert len(f.read().splitlines()) == 1 + res.total
    with open(out / "ruptures.csv") as f:
        assert len(f.read().splitlines()) == 1 + len(expected_ruptures)


def test_rerun_replays_nothing(corpus, client, tmp_path):
    out = str(tmp_path / "out")
    first = batch.run(str(corpus), client=client, out=out, frames=False)
    log = str(tmp_path / "replays.log")
    import functools
    again = batch.run(str(corpus), client=client, out=out, frames=False,
                      _task_hook=functools.partial(count_replays, log))
    assert not os.path.exists(log)                             # no task reached a replay
    assert again.replayed == 0 and again.cached == N_GOOD + 2 and again.failed == 3
    strip = [{k: v for k, v in r.items() if k not in ("cached", "replay_s")} for r in first.captures]
    assert [{k: v for k, v in r.items() if k not in ("cached", "replay_s")} for r in again.captures] == strip
    assert again.ruptures == first.ruptures

    # The same bytes under another name are a cache hit too; other settings are not.
    other = tmp_path / "copy.pcap"
    other.write_bytes((corpus / "good" / "call2.pcap").read_bytes())
    moved = batch.run([str(other)], client=client, out=out, frames=False)
    assert (moved.cached, moved.replayed) == (1, 0) and moved.captures[0]["path"] == str(other)
    local = batch.run(str(corpus / "good"), client=client, out=out, frames=False, local="10.0.0.1",
                      _task_hook=functools.partial(count_replays, log))
    assert (local.cached, local.replayed) == (0, N_GOOD)
    with open(log) as f:
        assert len(f.read().splitlines()) == N_GOOD
    for r in local.captures:
        with open(os.path.join(out, r["json"])) as f:
            assert json.load(f) == serial(r["path"], local="10.0.0.1")[0]


def test_statistics_only(corpus, client):
    full = batch.run(str(corpus / "good"), client=client, frames=False)
    fast = batch.run(str(corpus / "good"), client=client, frames=False, statistics_only=1)
    assert fast.replayed == full.replayed == N_GOOD and fast.failed == 0
    assert fast.ruptures == [] and full.ruptures                 # not analysed, not "none found"
    for a, b in zip(full.captures, fast.captures):
        assert (a["path"], a["streams"], a["duration_s"]) == (b["path"], b["streams"], b["duration_s"])
        assert a["rupture_count"] is not None and b["rupture_count"] is None


def test_dataframes(corpus, client):
    pd = pytest.importorskip("pandas")
    res = batch.run(str(corpus / "good"), client=client)
    captures, ruptures = res
    assert isinstance(captures, pd.DataFrame) and isinstance(ruptures, pd.DataFrame)
    assert list(captures.columns) == list(batch.SUMMARY_COLUMNS) and len(captures) == N_GOOD
    assert list(captures["capture"]) == ["call%d.pcap" % i for i in range(N_GOOD)]
    assert ruptures.columns[0] == "capture" and len(ruptures) == captures["rupture_count"].sum()
    assert set(ruptures["capture"]) <= set(captures["capture"])


def test_cli(corpus, client, tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "rupture.batch", str(corpus / "good"), "--out", str(out), "--quiet"]
    r = subprocess.run(cmd + ["--scheduler", client.scheduler.address], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("rupture batch: %d captures (%d replayed, 0 cached, 0 failed)" % (N_GOOD, N_GOOD)), last
    with open(out / "index.json") as f:
        assert len(json.load(f)["captures"]) == N_GOOD
    # Its own local cluster, one worker; the bad captures make exit code 3 and are listed.
    r = subprocess.run([sys.executable, "-m", "rupture.batch", str(corpus), "--out", str(out), "--workers", "1",
                        "--json"], capture_output=True, text=True, env=env)
    assert r.returncode == 3, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == N_GOOD + 3 and sum(1 for x in rows if x["cached"]) == N_GOOD
    assert "(2 replayed, %d cached, 3 failed)" % N_GOOD in r.stderr
    assert sum(1 for line in r.stderr.splitlines() if line.startswith("rupture batch: /")) == 3
    r = subprocess.run([sys.executable, "-m", "rupture.batch", str(tmp_path / "empty*")], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 2 and "no capture found" in r.stderr


def test_c_cli_front(cli, corpus, tmp_path):
    """`rupture batch` (the C CLI) execs this module with $RUPTURE_PYTHON."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    env["RUPTURE_PYTHON"] = sys.executable
    r = subprocess.run([cli, "batch", "--help"], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and r.stdout.startswith("usage: rupture batch"), r.stderr
    out = tmp_path / "out"
    r = subprocess.run([cli, "batch", str(corpus / "good"), "--out", str(out), "--workers", "1", "--quiet"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    with open(out / "index.json") as f:
        assert len(json.load(f)["captures"]) == N_GOOD
    env["RUPTURE_PYTHON"] = str(tmp_path / "no-such-python")
    r = subprocess.run([cli, "batch", "--help"], capture_output=True, text=True, env=env)
    assert r.returncode == 6 and "batch needs Python" in r.stderr
