"""rupture.replay() and Session.replay/report: the same document as `rupture replay --json`."""

import json
import os

import pytest

import rupture
from rupture import RuptureError
from rupture._native import lib


def _walk(rec):
    """Every record of a Report tree."""
    yield rec
    for f in rec._doc_fields():
        v = getattr(rec, f.name)
        for x in (v if isinstance(v, list) else [v]):
            if isinstance(x, rupture.Report.__mro__[1]):
                yield from _walk(x)


def test_demo_equals_cli(demo, cli_json):
    expected = cli_json(demo, "10.0.0.1")
    report = rupture.replay(demo, local="10.0.0.1")
    assert isinstance(report, rupture.Report)
    assert report.to_dict() == expected
    assert json.dumps(report.to_dict(), sort_keys=True) == json.dumps(expected, sort_keys=True)
    assert report.error is None
    assert report.input.path == demo and report.rupture_version == rupture.library_version()
    assert [s.ssrc for s in report.streams] == [s["ssrc"] for s in expected["streams"]]
    assert {s.direction for s in report.streams} == {"inbound", "outbound"}


def test_demo_without_local_equals_cli(demo, cli_json):
    assert rupture.replay(demo).to_dict() == cli_json(demo)


def test_statistics_only_equals_cli_stats_only(demo, cli_json):
    full = rupture.replay(demo, local="10.0.0.1")
    fast = rupture.replay(demo, local="10.0.0.1", statistics_only=1)
    assert fast.to_dict() == cli_json(demo, "10.0.0.1", extra=("--stats-only",))
    assert (full.analysis, fast.analysis) == ("full", "statistics")
    assert full.ruptures and fast.ruptures is None and fast.summary is None
    for a, b in zip(full.streams, fast.streams):
        assert (a.ssrc, a.packets, a.lost, a.jitter_ms, a.wireshark) == (b.ssrc, b.packets, b.lost, b.jitter_ms,
                                                                          b.wireshark)
        assert a.frames is not None or a.concealed_s is not None
        assert b.frames is None and b.concealed_s is None
    with pytest.raises(RuptureError):
        rupture.replay(demo, statistics_only=1, decode_audio=1)


def test_local_forms_are_equivalent(demo):
    a = rupture.replay(demo, local="10.0.0.1").to_dict()
    assert rupture.replay(demo, local=["10.0.0.1"]).to_dict() == a
    assert rupture.replay(demo, local=[rupture.Endpoint.parse("10.0.0.1")]).to_dict() == a
    with pytest.raises(RuptureError):
        rupture.replay(demo, local="no.such.address")


def test_dataclasses_name_every_documented_field(demo):
    # A key the library prints that the binding does not name lands in `extra`: keep them in step.
    report = rupture.replay(demo, local="10.0.0.1")
    for rec in _walk(report):
        assert rec.extra == {}, "%s has fields the binding does not name: %s" % (type(rec).__name__,
                                                                                  sorted(rec.extra))
        assert not rec._absent, "%s lacks fields: %s" % (type(rec).__name__, sorted(rec._absent))


def test_record_round_trip_keeps_unknown_and_missing_keys():
    d = {"rupture_version": "9.9.9", "streams": [{"ssrc": 1, "new_field": [1, 2]}], "ruptures": [],
         "summary": None, "future": {"x": 1}}
    r = rupture.Report.from_dict(d)
    assert r.to_dict() == d
    assert r.extra == {"future": {"x": 1}} and r.streams[0].extra == {"new_field": [1, 2]}
    assert r.input is None and "input" not in r.to_dict()


def test_session_replay_matches_and_exposes_stats(demo):
    with rupture.Trace(demo) as t, rupture.Session() as s:
        s.replay(t, local="10.0.0.1")
        doc = json.loads(s.report_json(t, demo))
        streams = s.streams()
        assert len(streams) == len(doc["streams"])
        for st, js in zip(streams, doc["streams"]):
            assert st.ssrc == js["ssrc"] and st.packets == js["packets"] and st.lost == js["lost"]
            assert st.direction.label == js["direction"] and st.codec.label == js["codec"]
            assert str(st.src) == js["src"]
        c = s.counters()
        assert c.rtp == doc["input"]["rtp_packets"] and c.rtcp == doc["input"]["rtcp_packets"]
        assert s.report(t, demo).to_dict() == doc
        with pytest.raises(RuptureError) as ei:               # replay ends with finish()
            s.push_packet(b"\x80" * 12, 0, 1 << 62)
        assert ei.value.code == lib.RUP_ERR_INVALID_STATE


def test_live_report_without_trace():
    with rupture.Session() as s:
        doc = json.loads(s.report_json())
        assert doc["streams"] == [] and doc["ruptures"] == []


def test_truncated_capture(tmp_path, demo_bytes):
    p = tmp_path / "cut.pcap"
    p.write_bytes(demo_bytes[: len(demo_bytes) // 2 + 5])
    with pytest.raises(RuptureError) as ei:
        rupture.replay(str(p), local="10.0.0.1")
    assert ei.value.code == lib.RUP_ERR_TRUNCATED
    partial = ei.value.report
    assert partial.input.packets > 0 and partial.streams
    r = rupture.replay(str(p), local="10.0.0.1", allow_truncated=True)
    assert r.error.code == lib.RUP_ERR_TRUNCATED and r.to_dict() == partial.to_dict()


def test_truncated_capture_equals_cli(tmp_path, demo_bytes, cli_json):
    p = tmp_path / "cut.pcap"
    p.write_bytes(demo_bytes[: len(demo_bytes) // 4 + 3])
    r = rupture.replay(str(p), local="10.0.0.1", allow_truncated=True)
    assert r.to_dict() == cli_json(str(p), "10.0.0.1")


def test_replay_errors(tmp_path):
    with pytest.raises(RuptureError) as ei:
        rupture.replay(tmp_path / "missing.pcap")
    assert ei.value.code == lib.RUP_ERR_IO


def test_replay_with_callbacks_and_progress(demo):
    added, progress = [], []
    r = rupture.replay(demo, local="10.0.0.1", on_stream_added=added.append,
                       on_progress=lambda done, total: progress.append((done, total)))
    assert sorted(e.ssrc for e in added) == sorted(s.ssrc for s in r.streams)
    size = os.path.getsize(demo)
    assert progress and progress[-1] == (size, size) and not r.stopped   # once per MiB, once at the end
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_replay_stopped_by_progress(demo):
    full = rupture.replay(demo)
    r = rupture.replay(demo, on_progress=lambda done, total: True)
    assert r.stopped and r.input.packets < full.input.packets


def test_progress_exception_propagates(demo):
    def bad(done, total):
        raise ValueError("progress")

    with pytest.raises(ValueError, match="progress"):
        rupture.replay(demo, on_progress=bad)


def test_replay_callback_exception_propagates(demo):
    class Stop(Exception):
        pass

    def cb(ev):
        raise Stop()

    with pytest.raises(Stop):
        rupture.replay(demo, on_stream_added=cb)


def test_cli_stats_only_text_and_usage(cli, demo, tmp_path):
    import subprocess
    r = subprocess.run([cli, "replay", demo, "--stats-only"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "ruptures not analysed (--stats-only)" in r.stdout and "no ruptures" not in r.stdout
    for extra in (["--note", str(tmp_path / "n.txt")], ["--svg", str(tmp_path / "t.svg")], ["--decode"]):
        r = subprocess.run([cli, "replay", demo, "--stats-only", *extra], capture_output=True, text=True)
        assert r.returncode == 1 and "--stats-only analyses no ruptures" in r.stderr, (extra, r.stderr)
    r = subprocess.run([cli, "replay", demo, "--stats-only", "--csv", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names and all("-ruptures" not in n for n in names) and any(n.endswith(".csv") for n in names)
