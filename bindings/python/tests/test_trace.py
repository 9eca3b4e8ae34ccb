"""rupture.Trace: reading captures from a file or from memory."""

import pytest

import rupture
from rupture import RuptureError
from rupture._native import lib


def test_iterate_demo(demo):
    with rupture.Trace(demo) as t:
        pkts = list(t)
        info = t.info
    assert t.closed
    assert len(pkts) == info.udp == info.records > 0
    assert info.format is rupture.TraceFormat.PCAP and info.gzip is True
    first = pkts[0]
    assert isinstance(first, rupture.TracePacket) and first.record == 1
    assert first.ts_us == info.first_ts_us and pkts[-1].ts_us == info.last_ts_us
    assert all(a.ts_us <= b.ts_us for a, b in zip(pkts, pkts[1:]))
    assert {p.src.host for p in pkts} == {"10.0.0.1", "10.0.0.2"}
    assert all(isinstance(p.payload, bytes) for p in pkts)


def test_from_bytes_equals_file(demo, demo_bytes):
    with rupture.Trace(demo) as a, rupture.Trace.from_bytes(demo_bytes) as b:
        for x, y in zip(a, b):
            assert x == y
        assert a.next_packet() is None and b.next_packet() is None
        assert b.info.gzip is False and a.info.udp == b.info.udp


def test_open_errors(tmp_path):
    with pytest.raises(RuptureError) as ei:
        rupture.Trace(tmp_path / "missing.pcap")
    assert ei.value.code == lib.RUP_ERR_IO
    junk = tmp_path / "junk.pcap"
    junk.write_bytes(b"this is not a capture file at all")
    with pytest.raises(RuptureError) as ei:
        rupture.Trace(junk)
    assert ei.value.code == lib.RUP_ERR_FORMAT
    with pytest.raises(RuptureError):
        rupture.Trace.from_bytes(b"")


def test_truncated_capture_yields_then_raises(demo_bytes):
    cut = demo_bytes[: len(demo_bytes) // 3 + 7]
    got = []
    with rupture.Trace.from_bytes(cut) as t:
        with pytest.raises(RuptureError) as ei:
            for p in t:
                got.append(p)
        assert ei.value.code == lib.RUP_ERR_TRUNCATED
        assert len(got) == t.info.udp > 0


def test_closed_trace():
    t = rupture.Trace.from_bytes(open_demo_bytes_small())
    t.close()
    t.close()
    with pytest.raises(RuptureError) as ei:
        t.next_packet()
    assert ei.value.code == lib.RUP_ERR_INVALID_STATE


def open_demo_bytes_small():
    # a minimal valid pcap: global header only (no records), Ethernet link type
    import struct
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)


def test_empty_pcap():
    with rupture.Trace.from_bytes(open_demo_bytes_small()) as t:
        assert list(t) == [] and t.info.records == 0


def test_trace_frees_with_counting_allocator(demo):
    mem = lib._rup_py_counting_mem()
    before = lib._rup_py_live_blocks()
    with rupture.Trace(demo, _mem=mem) as t:
        next(iter(t))
        assert lib._rup_py_live_blocks() > before
    assert lib._rup_py_live_blocks() == before
