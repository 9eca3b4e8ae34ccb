"""Property tests: hostile packet sequences and time steps never raise anything but
RuptureError, and counters never decrease."""

import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rupture
from rupture import RuptureError
from rupture._native import lib

# Session-wide counters: all are counts of things seen.
COUNTERS = [f for f in rupture.Counters.__dataclass_fields__]
# Per-stream fields that count events (RFC 3550 / webrtc-stats counters only grow).
STREAM_COUNTS = ["packets", "bytes", "restarts", "sr_count", "nack_count", "pli_count", "fir_count",
                 "frames_received", "keyframes", "freeze_count", "pause_count", "concealment_events",
                 "interruption_count", "last_arrival_us"]

SSRCS = st.sampled_from([1, 2, 0xDEADBEEF, 0x11223344])


@st.composite
def rtp_packets(draw):
    """RTP-shaped datagrams: valid headers with random fields, sometimes with bad lengths,
    extensions, padding or CSRC counts."""
    first = draw(st.sampled_from([0x80, 0x90, 0xA0, 0x81, 0x8F, 0xB0]))  # X, P, CC variations
    pt = draw(st.sampled_from([0, 8, 9, 13, 96, 97, 100, 111, 127])) | (0x80 if draw(st.booleans()) else 0)
    seq = draw(st.integers(0, 0xFFFF))
    ts = draw(st.integers(0, 0xFFFFFFFF))
    hdr = struct.pack("!BBHII", first, pt, seq, ts, draw(SSRCS))
    return hdr + draw(st.binary(max_size=80))


@st.composite
def rtcp_packets(draw):
    pt = draw(st.sampled_from([200, 201, 202, 203, 204, 205, 206, 207, 199, 210]))
    count = draw(st.integers(0, 31))
    body = draw(st.binary(max_size=96))
    length = draw(st.one_of(st.just(len(body) // 4 + 1), st.integers(0, 0xFFFF)))
    return struct.pack("!BBHI", 0x80 | count, pt, length, draw(SSRCS)) + body


datagrams = st.one_of(st.binary(max_size=120), rtp_packets(), rtcp_packets(),
                      st.binary(min_size=20, max_size=60).map(lambda b: b"\x00\x01" + b),  # STUN-like
                      st.binary(max_size=40).map(lambda b: b"\x17\xfe\xfd" + b))            # DTLS-like
# Time steps: mostly forward, sometimes back (RUP_ERR_TIME_REGRESSION), sometimes large.
steps = st.one_of(st.integers(0, 40_000), st.integers(-2_000, -1), st.integers(0, 3_000_000))
addresses = st.sampled_from([None, "10.0.0.1:4000", "10.0.0.2:5000", "[2001:db8::2]:6000"])

# A run of well-formed RTP packets of one stream (so streams exist and their state machines
# run): count, first sequence number, clock ticks and µs per packet, a seed for losses/reorders.
runs = st.tuples(st.just("run"), SSRCS, st.sampled_from([0, 8, 96, 111]), st.integers(1, 60),
                 st.integers(0, 0xFFFF), st.sampled_from([160, 960, 3000]), st.sampled_from([10_000, 20_000, 100_000]),
                 st.integers(0, 1), st.binary(min_size=1, max_size=8), st.binary(min_size=1, max_size=30))

ops = st.one_of(
    runs, runs,
    st.tuples(st.just("push"), datagrams, st.integers(0, 1), steps),
    st.tuples(st.just("udp"), datagrams, st.integers(0, 1), steps, addresses, addresses),
    st.tuples(st.just("advance"), steps),
    st.tuples(st.just("deadline")),
    st.tuples(st.just("describe"), SSRCS, st.integers(-1, 14), st.integers(-1, 130), st.integers(0, 200_000),
              st.integers(0, 1)),
    st.tuples(st.just("pause"), SSRCS, st.integers(0, 1), st.booleans()),
    st.tuples(st.just("ack"), st.integers(0, 5), steps),
    st.tuples(st.just("finish"), steps),
)


def snapshot(s):
    c = s.counters()
    streams = {(x.ssrc, int(x.direction)): x for x in s.streams()}
    return c, streams, s.summary()


def assert_not_decreasing(before, after):
    c0, s0, sum0 = before
    c1, s1, sum1 = after
    for f in COUNTERS:
        assert getattr(c1, f) >= getattr(c0, f), "counter %s decreased" % f
    assert set(s0) <= set(s1), "a stream disappeared"
    for key, a in s0.items():
        b = s1[key]
        for f in STREAM_COUNTS:
            assert getattr(b, f) >= getattr(a, f), "stream %r: %s decreased" % (key, f)
    assert sum1.rupture_count >= sum0.rupture_count and sum1.acknowledged >= sum0.acknowledged


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ops, max_size=60), st.booleans())
def test_random_input_only_rupture_errors_and_counters_grow(sequence, with_callbacks):
    events = []
    kw = dict(on_stream_added=events.append, on_impairment=events.append, on_rupture_begin=events.append,
              on_rupture_update=events.append, on_rupture_end=events.append,
              on_quality_change=events.append) if with_callbacks else {}
    now = 0
    pushed = 0
    with rupture.Session(max_streams=3, max_queued_events=8, **kw) as s:
        prev = snapshot(s)
        for op in sequence:
            kind = op[0]
            try:
                if kind in ("push", "udp"):
                    t = max(0, now + op[3])
                    if kind == "push":
                        s.push_packet(op[1], op[2], t)
                    else:
                        s.push_udp(op[1], op[2], t, op[4], op[5])
                    pushed += 1                               # accepted, or counted as malformed/refused
                    now = max(now, t)
                elif kind == "run":
                    _, ssrc, pt, n, seq0, ticks, dt, direction, pattern, payload = op
                    for i in range(n):
                        k = pattern[i % len(pattern)]
                        if k % 7 == 0:
                            continue                              # lost
                        j = i + 1 if k % 11 == 1 else i           # sometimes a neighbour (reorder/duplicate)
                        pkt = struct.pack("!BBHII", 0x80, pt | (0x80 if k % 5 == 0 else 0), (seq0 + j) & 0xFFFF,
                                          (ticks * j) & 0xFFFFFFFF, ssrc) + payload
                        now += dt + (k % 3) * 1000                # jitter
                        s.push_packet(pkt, direction, now)
                        pushed += 1
                elif kind == "advance":
                    t = max(0, now + op[1])
                    s.advance(t)
                    now = max(now, t)
                elif kind == "deadline":
                    d = s.next_deadline
                    assert d is None or isinstance(d, int)
                    if d is not None and d >= now:
                        s.advance(d)
                        now = d
                elif kind == "describe":
                    s.describe_stream(op[1], op[2], op[3], op[4], op[5])
                elif kind == "pause":
                    s.set_stream_paused(op[1], op[2], op[3])
                elif kind == "ack":
                    s.ack_rupture(op[1], max(0, now + op[2]))
                elif kind == "finish":
                    t = max(0, now + op[1])
                    s.finish(t)
                    now = max(now, t)
            except RuptureError as e:
                assert not e.fatal, "fatal error %s from %r" % (e, op)
                if kind in ("push", "udp"):                   # refused calls change nothing
                    assert e.code in (lib.RUP_ERR_TIME_REGRESSION, lib.RUP_ERR_INVALID_STATE), e
            for ev in s.events():
                events.append(ev)
            cur = snapshot(s)
            assert_not_decreasing(prev, cur)
            prev = cur
        c = s.counters()
        assert c.packets == pushed
        assert s.stream_count() <= 3
        for r in s.ruptures():
            assert isinstance(r, rupture.Rupture) and len(r.ssrcs) <= lib.RUP_RUPTURE_MAX_SSRCS
    for ev in events:
        assert isinstance(ev, (rupture.StreamAdded, rupture.Impairment, rupture.RuptureEvent,
                               rupture.QualityChange))


@given(st.binary(max_size=300))
def test_random_capture_bytes_only_rupture_errors(data):
    try:
        with rupture.Trace.from_bytes(data) as t:
            for p in t:
                assert isinstance(p.payload, bytes)
    except RuptureError as e:
        assert not e.fatal


@settings(max_examples=60)
@given(st.integers(0, 200), st.binary(min_size=1, max_size=8))
def test_corrupted_demo_only_rupture_errors(demo_head, offset, junk):
    data = bytearray(demo_head)
    pos = (offset * 97) % len(data)
    data[pos:pos + len(junk)] = junk
    n = 0
    try:
        with rupture.Trace.from_bytes(bytes(data)) as t:
            for _ in t:
                n += 1
    except RuptureError as e:
        assert not e.fatal


@pytest.fixture(scope="module")
def demo_head(demo_bytes):
    return demo_bytes[:20000]
