"""Unit tests of rupture.Session, one call at a time."""

import gc
import threading

import pytest

import rupture
from rupture import Direction, RuptureError
from rupture._native import lib

from packets import opus_stream, rtcp_rr, rtp

SSRC = 0x11223344


def test_version_matches_loaded_library():
    assert rupture.__version__ == rupture.library_version()
    assert rupture.HEADER_VERSION_NUM == lib.rup_version_num()
    major, minor, patch = (int(x) for x in rupture.__version__.split("."))
    assert rupture.HEADER_VERSION_NUM == (major << 16) | (minor << 8) | patch


def test_compatible_rule():
    assert rupture.compatible(0x000100, 0x000100)
    assert rupture.compatible(0x000100, 0x000105)          # newer patch
    assert not rupture.compatible(0x000100, 0x000200)      # 0.x: minor must match
    assert not rupture.compatible(0x000105, 0x000100)      # older library
    assert rupture.compatible(0x010200, 0x010300)          # 1.x: newer minor is fine
    assert not rupture.compatible(0x010000, 0x020000)      # other major


def test_error_fields():
    e = RuptureError(lib.RUP_ERR_NOMEM)
    assert e.code == -901 and e.name == "RUP_ERR_NOMEM" and e.fatal
    assert e.message == rupture.ffi.string(lib.rup_strerror(-901)).decode()
    assert "RUP_ERR_NOMEM" in str(e) and "-901" in str(e)
    e = RuptureError(lib.RUP_ERR_MALFORMED)
    assert not e.fatal and e.name == "RUP_ERR_MALFORMED"
    assert RuptureError(-5).name == "RUP_ERR_UNKNOWN"
    assert rupture.ErrorCode.TIME_REGRESSION == lib.RUP_ERR_TIME_REGRESSION


def test_enums_follow_header():
    assert rupture.Direction.INBOUND == lib.RUP_DIR_INBOUND
    assert rupture.Direction.OUTBOUND == lib.RUP_DIR_OUTBOUND
    assert rupture.Codec.OPUS.label == "opus" and str(rupture.Codec.VP8) == "vp8"
    assert f"{rupture.Codec.OPUS:6}|{rupture.Codec.OPUS:d}|{rupture.Direction.OUTBOUND}" == "opus  |1|outbound"
    assert rupture.EventType.RUPTURE_END == lib.RUP_EVENT_RUPTURE_END
    assert rupture.Evidence.SEQ_GAP | rupture.Evidence.LATE == 3
    assert rupture.RuptureType.VIDEO_FREEZE.label == rupture.ffi.string(lib.rup_rupture_type_name(3)).decode()


def test_settings():
    d = rupture.default_settings()
    assert set(d) == set(rupture.SETTINGS) and "version" not in d
    assert d["max_queued_events"] == 0
    with rupture.Session(max_streams=3, stall_timeout_us=2_000_000) as s:
        assert s.settings["max_streams"] == 3 and s.settings["stall_timeout_us"] == 2_000_000
        assert s.settings["burst_gmin"] == d["burst_gmin"]
    with pytest.raises(TypeError):
        rupture.Session(no_such_setting=1)
    with pytest.raises(TypeError):
        rupture.Session(max_streams="3")
    with pytest.raises(RuptureError) as ei:
        rupture.Session(max_streams=-1)
    assert ei.value.code == lib.RUP_ERR_INVALID_ARGUMENT
    with pytest.raises(RuptureError) as ei:
        rupture.Session(report_interval_us=0)          # refused by rup_session_new
    assert ei.value.code == lib.RUP_ERR_INVALID_ARGUMENT


def test_push_creates_stream_and_counts():
    with rupture.Session() as s:
        assert s.stream_count() == 0 and s.streams() == []
        end = opus_stream(s, SSRC, 50)
        assert s.stream_count() == 1
        st = s.streams()[0]
        assert isinstance(st, rupture.StreamStats)
        assert st.ssrc == SSRC and st.direction is Direction.INBOUND
        assert st.packets == 50 and st.payload_type == 111
        assert st.first_arrival_us == 0 and st.last_arrival_us == end
        assert st.src is None and st.dst is None
        assert s.stream(0) == st
        c = s.counters()
        assert c.packets == 50 and c.rtp == 50 and c.malformed == 0
        assert s.find_stream(SSRC, Direction.INBOUND) == 0
        assert s.find_stream(SSRC, "outbound") is None
        with pytest.raises(RuptureError) as ei:
            s.stream(1)
        assert ei.value.code == lib.RUP_ERR_NOT_FOUND
        with pytest.raises(RuptureError):
            s.stream(-1)


def test_push_loss_is_rfc3550():
    with rupture.Session() as s:
        opus_stream(s, SSRC, 100, skip={10, 11, 12})
        st = s.stream(0)
        # RFC 3550 A.1: the first packet is consumed by probation (MIN_SEQUENTIAL 2), base_seq = 2nd
        assert st.expected == 99 and st.received == 96 and st.lost == 3 and st.packets == 97


def test_push_malformed_returns_false_and_counts():
    with rupture.Session() as s:
        bad = b"\x8f" + rtp(1, 0, SSRC)[1:12]             # 15 CSRCs announced, none present
        assert s.push_packet(bad, Direction.INBOUND, 0) is False
        assert s.push_packet(rtp(1, 0, SSRC), 0, 10) is True
        assert s.counters().malformed == 1 and s.counters().packets == 2


def test_push_accepts_buffers():
    with rupture.Session() as s:
        p = rtp(1, 0, SSRC)
        assert s.push_packet(bytearray(p), 0, 1)
        assert s.push_packet(memoryview(rtp(2, 960, SSRC)), 0, 2)
        assert s.stream(0).packets == 2


def test_push_udp_records_endpoints():
    with rupture.Session() as s:
        s.push_udp(rtp(1, 0, SSRC), "inbound", 5, src="10.0.0.2:5000", dst=rupture.Endpoint.parse("10.0.0.1:4000"))
        st = s.stream(0)
        assert str(st.src) == "10.0.0.2:5000" and st.src.host == "10.0.0.2" and st.src.port == 5000
        assert str(st.dst) == "10.0.0.1:4000"
        with pytest.raises(RuptureError) as ei:
            s.push_udp(rtp(2, 960, SSRC), 0, 6, src="not an address")
        assert ei.value.code == lib.RUP_ERR_INVALID_ARGUMENT


def test_endpoint_v6():
    ep = rupture.Endpoint.parse("[2001:db8::1]:443")
    assert ep.family == 6 and ep.port == 443 and ep.host == "2001:db8::1"
    assert str(ep) == "[2001:db8::1]:443"


def test_too_many_streams_is_counted():
    with rupture.Session(max_streams=1) as s:
        assert s.push_packet(rtp(1, 0, 1), 0, 0)
        assert s.push_packet(rtp(1, 0, 2), 0, 1) is False
        assert s.counters().refused_streams == 1


def test_time_regression_raises_and_changes_nothing():
    with rupture.Session() as s:
        s.push_packet(rtp(1, 0, SSRC), 0, 1000)
        with pytest.raises(RuptureError) as ei:
            s.push_packet(rtp(2, 960, SSRC), 0, 999)
        assert ei.value.code == lib.RUP_ERR_TIME_REGRESSION
        with pytest.raises(RuptureError):
            s.advance(10)
        assert s.stream(0).packets == 1 and s.counters().time_regressions == 2


def test_argument_checks():
    with rupture.Session() as s:
        with pytest.raises(TypeError):
            s.push_packet("text", 0, 0)
        with pytest.raises(TypeError):
            s.push_packet(b"\x80", 0, 1.5)
        with pytest.raises(RuptureError):
            s.push_packet(b"\x80", 0, 1 << 63)
        with pytest.raises(RuptureError):
            s.push_packet(rtp(1, 0, SSRC), 7, 0)          # no such direction: refused by C
        with pytest.raises(RuptureError):
            s.push_packet(rtp(1, 0, SSRC), "sideways", 0)
        with pytest.raises(RuptureError):
            s.describe_stream(1 << 32, "opus", 111)


def test_describe_stream():
    with rupture.Session() as s:
        s.describe_stream(SSRC, "opus", 111, 48000, Direction.OUTBOUND)
        s.describe_stream(5, rupture.Codec.VP8, 96, 90000)
        a, b = s.streams()
        assert a.codec is rupture.Codec.OPUS and a.clock_rate == 48000 and a.direction is Direction.OUTBOUND
        assert a.media is rupture.Media.AUDIO
        assert b.codec is rupture.Codec.VP8 and b.direction is Direction.INBOUND
        with pytest.raises(RuptureError) as ei:
            s.describe_stream(SSRC, "opus", 200)
        assert ei.value.code == lib.RUP_ERR_INVALID_ARGUMENT
        with pytest.raises(RuptureError):
            s.describe_stream(SSRC, "no-such-codec", 111)


def test_map_extension():
    with rupture.Session() as s:
        s.map_extension(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level")
        s.map_extension(2, "urn:example:unknown")         # accepted and ignored
        with pytest.raises(RuptureError):
            s.map_extension(0, "urn:x")


def test_deadline_advance_finish():
    with rupture.Session() as s:
        assert s.next_deadline is None                    # INT64_MAX: nothing pending
        opus_stream(s, SSRC, 10)
        d = s.next_deadline
        assert d is not None and d > 0
        s.advance(d)
        s.finish(d + 1)
        with pytest.raises(RuptureError) as ei:
            s.push_packet(rtp(99, 0, SSRC), 0, d + 2)
        assert ei.value.code == lib.RUP_ERR_INVALID_STATE
        with pytest.raises(RuptureError):
            s.advance(d + 3)
        assert s.stream(0).packets == 10                  # statistics stay readable


def test_close_and_context_manager_free_everything():
    mem = lib._rup_py_counting_mem()
    before = lib._rup_py_live_blocks()
    with rupture.Session(_mem=mem, poll_events=True) as s:
        opus_stream(s, SSRC, 20)
        opus_stream(s, SSRC + 1, 20, start_us=1_000_000, direction=1)
        assert lib._rup_py_live_blocks() > before
    assert s.closed and lib._rup_py_live_blocks() == before
    with pytest.raises(RuptureError) as ei:
        s.push_packet(rtp(1, 0, SSRC), 0, 0)
    assert ei.value.code == lib.RUP_ERR_INVALID_STATE
    with pytest.raises(RuptureError):
        s.counters()
    with pytest.raises(RuptureError):
        _ = s.next_deadline
    s.close()                                             # idempotent
    s2 = rupture.Session(_mem=mem, on_stream_added=lambda ev: None)
    opus_stream(s2, SSRC, 5)
    del s2                                                # dropping the last reference frees too
    gc.collect()
    assert lib._rup_py_live_blocks() == before


def test_callbacks_receive_events():
    seen = []
    with rupture.Session(on_stream_added=seen.append) as s:
        s.describe_stream(7, "vp8", 96, 90000, "outbound")
        opus_stream(s, SSRC, 3)
    assert [type(e) for e in seen] == [rupture.StreamAdded, rupture.StreamAdded]
    a, b = seen
    assert a.type is rupture.EventType.STREAM_ADDED and a.ssrc == 7 and a.direction is Direction.OUTBOUND
    assert a.codec is rupture.Codec.VP8 and a.media is rupture.Media.VIDEO and a.index == 0
    assert b.ssrc == SSRC and b.index == 1 and b.time_us == 0


class Boom(Exception):
    pass


def test_callback_exception_is_reraised_from_the_triggering_call():
    calls = []

    def cb(ev):
        calls.append(ev.ssrc)
        if ev.ssrc == SSRC:
            raise Boom("from the callback")

    with rupture.Session(on_stream_added=cb) as s:
        s.push_packet(rtp(1, 0, 1), 0, 0)                 # no exception
        with pytest.raises(Boom, match="from the callback"):
            s.push_packet(rtp(1, 0, SSRC), 0, 1)
        # the statistics of that call are committed; the session stays usable
        assert s.find_stream(SSRC, 0) == 1 and s.stream(1).packets == 1
        s.push_packet(rtp(2, 960, SSRC), 0, 2)
        s.push_packet(rtp(1, 0, 3), 0, 3)
        assert calls == [1, SSRC, 3]
        with pytest.raises(Boom):
            s.describe_stream(SSRC, "opus", 111, 48000, "outbound")


def test_callback_base_exceptions_propagate_too():
    def cb(ev):
        raise KeyboardInterrupt

    with rupture.Session(on_stream_added=cb) as s:
        with pytest.raises(KeyboardInterrupt):
            s.push_packet(rtp(1, 0, SSRC), 0, 0)


def test_reentrant_call_from_callback_is_refused():
    holder = {}

    def cb(ev):
        holder["s"].push_packet(rtp(5, 0, 99), 0, 10)     # C refuses: RUP_ERR_INVALID_STATE

    with rupture.Session(on_stream_added=cb) as s:
        holder["s"] = s
        with pytest.raises(RuptureError) as ei:
            s.push_packet(rtp(1, 0, SSRC), 0, 0)
        assert ei.value.code == lib.RUP_ERR_INVALID_STATE


def test_callback_must_be_callable():
    with pytest.raises(TypeError):
        rupture.Session(on_impairment=42)


def test_polled_events():
    with rupture.Session(poll_events=True) as s:
        assert s.settings["max_queued_events"] > 0
        assert list(s.events()) == []
        opus_stream(s, SSRC, 3)
        s.push_packet(rtp(1, 0, 5), 1, 100_000)
        evs = list(s.events())
        assert [(e.type, e.ssrc, e.direction) for e in evs] == [
            (rupture.EventType.STREAM_ADDED, SSRC, Direction.INBOUND),
            (rupture.EventType.STREAM_ADDED, 5, Direction.OUTBOUND)]
        assert s.poll_event() is None


def test_polled_events_capacity_and_drops():
    with rupture.Session(max_queued_events=1) as s:
        s.push_packet(rtp(1, 0, 1), 0, 0)
        s.push_packet(rtp(1, 0, 2), 0, 1)
        assert s.counters().events_dropped == 1
        assert [e.ssrc for e in s.events()] == [1]


def test_events_need_the_queue():
    with rupture.Session() as s:
        with pytest.raises(RuptureError) as ei:
            list(s.events())
        assert ei.value.code == lib.RUP_ERR_INVALID_STATE


def test_rtcp_is_counted():
    with rupture.Session() as s:
        s.push_packet(rtcp_rr(SSRC), 0, 0)
        c = s.counters()
        assert c.rtcp == 1 and c.rtcp_rr == 1 and c.rtp == 0


def test_ruptures_summary_ack_pause_on_a_fresh_session():
    with rupture.Session() as s:
        assert s.ruptures() == [] and s.rupture_count() == 0
        summ = s.summary()
        assert isinstance(summ, rupture.Summary)
        assert summ.rupture_count == 0 and summ.ruptures_dropped == 0
        assert set(summ.by_type) == set(rupture.RuptureType) and not any(summ.by_type.values())
        with pytest.raises(RuptureError) as ei:
            s.ack_rupture(1, 0)
        assert ei.value.code == lib.RUP_ERR_NOT_FOUND
        with pytest.raises(RuptureError) as ei:
            s.rupture(0)
        assert ei.value.code == lib.RUP_ERR_NOT_FOUND
        with pytest.raises(RuptureError) as ei:
            s.set_stream_paused(SSRC, "inbound")
        assert ei.value.code == lib.RUP_ERR_NOT_FOUND
        opus_stream(s, SSRC, 3)
        s.set_stream_paused(SSRC, "inbound")
        s.set_stream_paused(SSRC, "inbound", paused=False)


def test_threads_are_serialised():
    with rupture.Session() as s:
        errors = []

        def worker(ssrc):
            try:
                for i in range(200):
                    s.push_packet(rtp(i, 960 * i, ssrc), 0, 5_000_000)  # same time: never a regression
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        ts = [threading.Thread(target=worker, args=(k,)) for k in range(1, 5)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert errors == []
        assert s.counters().rtp == 800 and s.stream_count() == 4
