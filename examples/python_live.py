#!/usr/bin/env python3
"""Feed a capture to a live session, packet by packet, and print ruptures as they happen.

A real host would push each datagram after SRTP unprotect with its arrival time and call
advance() from its timer loop; here the capture plays that part (no sleeping: time is
the capture's, injected).

    python3 examples/python_live.py examples/data/demo.pcap.gz --local 10.0.0.1 \\
        --pt 111=opus/48000 --pt 96=vp8/90000

--pt tells the session what a payload type is, as the SDP of the call would (each new
SSRC is described on its first packet); without it the codec is inferred from the packets.
Needs the `rupture` package (bindings/python/README.md).
"""

import argparse
import struct
import sys

import rupture

T0 = None  # first packet time, to print seconds into the call


def secs(t_us):
    return (t_us - T0) / 1e6


def on_rupture(ev):
    r = ev.rupture
    what = {rupture.EventType.RUPTURE_BEGIN: "begins", rupture.EventType.RUPTURE_UPDATE: "changes",
            rupture.EventType.RUPTURE_END: "ends"}.get(ev.type, str(ev.type))
    print("%8.2f s  rupture #%d %s: %s (%s, %s), cause %s, hint %s%s" % (
        secs(ev.time_us), r.id, what, r.type, r.direction, r.severity, r.cause, r.repair,
        "" if r.ongoing else ", lasted %.1f s" % ((r.end_us - r.start_us) / 1e6)))


def on_impairment(ev):
    print("%8.2f s    impairment %s %s on 0x%08X (%s)" % (secs(ev.time_us), ev.kind, "ends" if ev.ended else "begins",
                                                         ev.ssrc, ev.direction))


def main():
    global T0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("capture")
    ap.add_argument("--local", action="append", default=[], metavar="IP", help="local user's IP; repeatable")
    ap.add_argument("--pt", action="append", default=[], metavar="PT=CODEC/CLOCK",
                    help="payload type from the SDP, e.g. 111=opus/48000; repeatable")
    ap.add_argument("-v", "--verbose", action="store_true", help="also print stream-level impairments")
    args = ap.parse_args()

    pts = {}
    for spec in args.pt:
        pt, _, rest = spec.partition("=")
        codec, _, clock = rest.partition("/")
        pts[int(pt)] = (codec, int(clock or 0))
    local = {rupture.Endpoint.parse(a).host for a in args.local}
    described = set()

    callbacks = dict(on_rupture_begin=on_rupture, on_rupture_update=on_rupture, on_rupture_end=on_rupture)
    if args.verbose:
        callbacks["on_impairment"] = on_impairment
    with rupture.Trace(args.capture) as trace, rupture.Session(**callbacks) as session:
        now = None
        for pkt in trace:
            if T0 is None:
                T0 = pkt.ts_us
            now = pkt.ts_us
            # the timer loop: let time pass up to this packet
            deadline = session.next_deadline
            while deadline is not None and deadline <= now:
                session.advance(deadline)
                deadline = session.next_deadline
            direction = rupture.Direction.OUTBOUND if pkt.src.host in local else rupture.Direction.INBOUND
            data = pkt.payload
            if len(data) >= 12 and data[0] >> 6 == 2 and not 192 <= data[1] <= 223:  # RTP, not RTCP (RFC 5761)
                pt, ssrc = data[1] & 0x7F, struct.unpack_from("!I", data, 8)[0]
                if pt in pts and (ssrc, direction) not in described:
                    session.describe_stream(ssrc, pts[pt][0], pt, pts[pt][1], direction)
                    described.add((ssrc, direction))
            session.push_udp(data, direction, now, pkt.src, pkt.dst)
        if now is not None:
            session.finish(now)

        print("\n%-10s %-8s %-6s %8s %6s %10s" % ("SSRC", "DIR", "CODEC", "PACKETS", "LOST", "JITTER ms"))
        for st in session.streams():
            print("0x%08X %-8s %-6s %8d %6d %10.3f" % (st.ssrc, st.direction, st.codec, st.packets, st.lost,
                                                       st.jitter_ms))
        summary = session.summary()
        print("%d rupture(s), %.1f s in total, longest %.1f s" % (summary.rupture_count, summary.rupture_time_s,
                                                                 summary.longest_s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
