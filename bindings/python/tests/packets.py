"""Tiny packet builders for the tests (RFC 3550 §5.1 fixed header, §6.4.2 RR)."""

import struct


def rtp(seq, ts, ssrc, pt=111, marker=False, payload=b"\x00" * 40):
    """An RTP packet: V=2, no padding/extension/CSRC."""
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + payload


def rtcp_rr(ssrc):
    """An empty RTCP receiver report (RC=0), PT 201, length 1 (two 32-bit words)."""
    return struct.pack("!BBHI", 0x80, 201, 1, ssrc)


def opus_stream(session, ssrc, n, start_us=0, step_us=20000, direction=0, seq0=1000, skip=()):
    """Push n Opus packets of 20 ms (960 ticks at 48 kHz), leaving out the indices in skip."""
    for i in range(n):
        if i in skip:
            continue
        session.push_packet(rtp(seq0 + i, 960 * i, ssrc, payload=b"\xfc" + b"\x11" * 39), direction,
                            start_us + i * step_us)
    return start_us + (n - 1) * step_us


def feed_live(session, trace, local_host, pts=None, until=None):
    """Push a capture's datagrams into a live session as a host would: advance() through the
    deadlines before each packet, describe each new SSRC whose payload type is in pts
    ({pt: (codec, clock)}, as from SDP), then push_udp. Stops after the packet for which
    until(packet) is true; returns the last time pushed."""
    described = set()
    now = None
    for pkt in trace:
        now = pkt.ts_us
        d = session.next_deadline
        while d is not None and d <= now:
            session.advance(d)
            d = session.next_deadline
        direction = 1 if pkt.src.host == local_host else 0
        data = pkt.payload
        if pts and len(data) >= 12 and data[0] >> 6 == 2 and not 192 <= data[1] <= 223:
            pt, ssrc = data[1] & 0x7F, struct.unpack_from("!I", data, 8)[0]
            if pt in pts and (ssrc, direction) not in described:
                session.describe_stream(ssrc, pts[pt][0], pt, pts[pt][1], direction)
                described.add((ssrc, direction))
        session.push_udp(data, direction, now, pkt.src, pkt.dst)
        if until is not None and until(pkt):
            break
    return now


DEMO_PTS = {111: ("opus", 48000), 96: ("vp8", 90000)}
