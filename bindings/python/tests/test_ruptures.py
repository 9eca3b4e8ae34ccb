"""Ruptures, summary, acknowledgements and rupture events (the detection layer) through the binding."""

import json

import pytest

import rupture
from rupture import EventType, RuptureError
from rupture._native import lib

from packets import DEMO_PTS, feed_live


@pytest.fixture(scope="module")
def demo_replayed(demo):
    """Replay the demo through a Session with every callback and the poll queue."""
    seen = []
    cbs = {k: seen.append for k in ("on_stream_added", "on_impairment", "on_rupture_begin", "on_rupture_update",
                                    "on_rupture_end", "on_quality_change")}
    with rupture.Trace(demo) as t, rupture.Session(poll_events=True, max_queued_events=1 << 16, **cbs) as s:
        s.replay(t, local="10.0.0.1")
        polled = list(s.events())
        out = dict(seen=seen, polled=polled, ruptures=s.ruptures(), summary=s.summary(), counters=s.counters(),
                   doc=json.loads(s.report_json(t, demo)), first_ts_us=t.info.first_ts_us)
    return out


def test_demo_has_ruptures(demo_replayed):
    # examples/data/README.md: audio dropout, video freeze, connection lost, lag
    assert len(demo_replayed["ruptures"]) >= 4


def test_ruptures_match_the_json(demo_replayed):
    rs, doc, t0 = demo_replayed["ruptures"], demo_replayed["doc"], demo_replayed["first_ts_us"]
    assert len(rs) == len(doc["ruptures"])
    for r, js in zip(rs, doc["ruptures"]):
        assert isinstance(r, rupture.Rupture)
        assert r.id == js["id"] and r.participant == js["participant"] and list(r.ssrcs) == js["ssrcs"]
        assert (r.type.label, r.cause.label, r.severity.label, r.direction.label, r.repair.label) == (
            js["type"], js["cause"], js["severity"], js["direction"], js["repair"])
        assert "%.6f" % ((r.start_us - t0) / 1e6) == "%.6f" % js["start_s"]
        assert "%.6f" % ((r.detected_us - t0) / 1e6) == "%.6f" % js["detected_s"]
        assert not r.ongoing and "%.6f" % ((r.end_us - t0) / 1e6) == "%.6f" % js["end_s"]
        assert r.start_us <= r.detected_us and r.start_us <= r.end_us
        assert r.acknowledged is js["acknowledged"] is False


def test_summary_matches_the_json(demo_replayed):
    summ, js = demo_replayed["summary"], demo_replayed["doc"]["summary"]
    assert summ.rupture_count == js["rupture_count"] == len(demo_replayed["ruptures"]) + summ.ruptures_dropped
    assert sum(summ.by_type.values()) == summ.rupture_count
    assert {k.label: v for k, v in summ.by_type.items() if v} == js["by_type"]
    assert "%.6f" % summ.rupture_time_s == "%.6f" % js["rupture_time_s"]
    assert "%.6f" % summ.longest_s == "%.6f" % js["longest_s"]


def test_rupture_events_pair_up(demo_replayed):
    evs = [e for e in demo_replayed["seen"] if isinstance(e, rupture.RuptureEvent)]
    begins = [e.rupture.id for e in evs if e.type is EventType.RUPTURE_BEGIN]
    ends = [e.rupture.id for e in evs if e.type is EventType.RUPTURE_END]
    assert begins == [r.id for r in demo_replayed["ruptures"]]
    assert sorted(ends) == sorted(begins)                      # finish() closes every rupture
    final = {e.rupture.id: e.rupture for e in evs if e.type is EventType.RUPTURE_END}
    for r in demo_replayed["ruptures"]:
        assert final[r.id] == r                                # the end event carries the final record
    for e in evs:
        if e.type is EventType.RUPTURE_BEGIN:
            assert e.rupture.ongoing and e.time_us == e.rupture.detected_us


def test_polled_events_equal_callback_events(demo_replayed):
    assert demo_replayed["counters"].events_dropped == 0
    assert demo_replayed["polled"] == demo_replayed["seen"]
    kinds = {type(e) for e in demo_replayed["seen"]}
    assert {rupture.StreamAdded, rupture.Impairment, rupture.RuptureEvent} <= kinds


def test_impairment_events(demo_replayed):
    imps = [e for e in demo_replayed["seen"] if isinstance(e, rupture.Impairment)]
    assert imps
    for e in imps:
        assert isinstance(e.kind, rupture.ImpairmentKind) and e.phase in (0, 1)
        assert isinstance(e.evidence, rupture.Evidence)
        if e.ended:
            assert e.end_us >= e.start_us
        else:
            assert e.end_us == 0


def test_live_ack_and_exception_from_rupture_callback(demo):
    class Seen(Exception):
        pass

    def begin(ev):
        raise Seen(ev.rupture.id, ev.time_us)

    with rupture.Trace(demo) as t, rupture.Session(on_rupture_begin=begin) as s:
        with pytest.raises(Seen) as ei:                        # raised from advance() or push_udp()
            feed_live(s, t, "10.0.0.1", DEMO_PTS)
        rid, now = ei.value.args     # the event's time is the session time of the call that raised
        # the rupture is committed although the callback failed, and the session goes on
        assert [r.id for r in s.ruptures()] == [rid] and s.ruptures()[0].ongoing
        s.ack_rupture(rid, now)
        r = s.rupture(0)
        assert r.acknowledged and r.acknowledged_us == now and s.summary().acknowledged == 1
        with pytest.raises(RuptureError) as e2:
            s.ack_rupture(rid + 100, now)
        assert e2.value.code == lib.RUP_ERR_NOT_FOUND


def test_live_feed_finds_the_same_rupture_types_as_replay(demo, demo_replayed):
    with rupture.Trace(demo) as t, rupture.Session() as s:
        end = feed_live(s, t, "10.0.0.1", DEMO_PTS)
        s.finish(end)
        live = s.ruptures()
    assert sorted(r.type for r in live) == sorted(r.type for r in demo_replayed["ruptures"])
