#!/usr/bin/env python3
"""Independent check of the RFC 3550 fields of `rupture replay --json`.

Reads each pcap itself (Ethernet/raw IPv4/UDP, µs or ns, either byte order;
stdlib only), recomputes per SSRC the RFC 3550 A.1 sequence state (probation,
wrap, bad_seq restart), A.3 expected/lost and the A.8 interarrival jitter, and
compares them with the CLI's JSON. Written from the RFC text, separately from
the C code, so a shared misreading would have to be made twice. The same is
checked of `replay --stats-only`, whose statistics must equal the full run's
field for field (only the playback fields are null there, and no ruptures).

usage: rfc3550_check.py RUPTURE_CLI CAPTURE [CAPTURE...]
"""
import json
import struct
import subprocess
import sys

MAX_DROPOUT, MAX_MISORDER, MIN_SEQUENTIAL, SEQ_MOD = 3000, 100, 2, 1 << 16
STATIC_CLOCK = {0: 8000, 8: 8000, 9: 8000, 18: 8000}


def read_pcap(path):
    data = open(path, 'rb').read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        e = '<'
    else:
        e = '>'
        magic = struct.unpack('>I', data[:4])[0]
    nano = magic == 0xa1b23c4d
    linktype = struct.unpack(e + 'I', data[20:24])[0] & 0x03FFFFFF
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(e + 'IIII', data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        t_us = sec * 1000000 + (frac // 1000 if nano else frac)
        ip = frame[14:] if linktype == 1 else frame if linktype in (101, 228) else None
        if ip is None or len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        udp = ip[ihl:]
        if len(udp) < 8:
            continue
        yield t_us, udp[8:struct.unpack('>H', udp[4:6])[0]]


class Source:
    """RFC 3550 A.1 source state, A.3 counts and A.8 jitter (float form)."""

    def __init__(self, seq):
        self.init_seq(seq)
        self.max_seq = (seq - 1) & 0xFFFF
        self.probation = MIN_SEQUENTIAL
        self.transit = None
        self.jitter = 0.0
        self.jmax = 0.0

    def init_seq(self, seq):
        self.base_seq = seq
        self.max_seq = seq
        self.bad_seq = SEQ_MOD + 1
        self.cycles = 0
        self.received = 0

    def update_seq(self, seq):
        udelta = (seq - self.max_seq) & 0xFFFF
        if self.probation:
            if seq == (self.max_seq + 1) & 0xFFFF:
                self.probation -= 1
                self.max_seq = seq
                if self.probation == 0:
                    self.init_seq(seq)
                    self.received += 1
                    return True
            else:
                self.probation = MIN_SEQUENTIAL - 1
                self.max_seq = seq
            return False
        if udelta < MAX_DROPOUT:
            if seq < self.max_seq:
                self.cycles += SEQ_MOD
            self.max_seq = seq
        elif udelta <= SEQ_MOD - MAX_MISORDER:
            if seq == self.bad_seq:
                self.init_seq(seq)
            else:
                self.bad_seq = (seq + 1) & (SEQ_MOD - 1)
                return False
        self.received += 1
        return True

    def jitter_update(self, arrival_us, ts, clock):
        # A.8: D = (Rj - Ri) - (Sj - Si) with R in timestamp units; J += (|D| - J)/16
        if self.transit is not None:
            d = (arrival_us - self.last_arrival) * clock / 1e6 - \
                struct.unpack('<i', struct.pack('<I', (ts - self.last_ts) & 0xFFFFFFFF))[0]
            self.jitter += (abs(d) - self.jitter) / 16.0
            self.jmax = max(self.jmax, self.jitter)
        self.transit = True
        self.last_arrival = arrival_us
        self.last_ts = ts


# Stream fields that come from the playback models (null in --stats-only).
PLAYBACK = {'frames', 'frames_decoded', 'frames_dropped', 'keyframes', 'freeze_count',
            'total_freezes_duration_s', 'pause_count', 'total_pauses_duration_s',
            'concealed_s', 'concealment_events', 'packets_discarded', 'interruption_count',
            'total_interruption_duration_s', 'dtx_s', 'muted_s', 'speech_s', 'mos', 'decode'}


def replay(cli, path, *extra):
    return json.loads(subprocess.run([cli, 'replay', path, '--json', *extra], check=True,
                                     capture_output=True, text=True).stdout)


def compare_stats_only(path, full, fast):
    """Problems of the --stats-only document against the full one."""
    problems = []
    if full['analysis'] != 'full' or fast['analysis'] != 'statistics':
        problems.append(f"analysis {full['analysis']}/{fast['analysis']}")
    if fast['ruptures'] is not None or fast['summary'] is not None:
        problems.append('ruptures/summary not null in --stats-only')
    if fast['input'] != full['input'] or len(fast['streams']) != len(full['streams']):
        problems.append('input or stream list differs')
    for a, b in zip(full['streams'], fast['streams']):
        for k, v in a.items():
            if k in PLAYBACK:
                if b[k] is not None and k != 'mos':
                    problems.append(f"SSRC {a['ssrc']:#x}: {k} = {b[k]} in --stats-only")
            elif b.get(k) != v:
                problems.append(f"SSRC {a['ssrc']:#x}: {k} {v} (full) != {b.get(k)} (--stats-only)")
    return [f'{path}: {p}' for p in problems]


def check(cli, path):
    full = replay(cli, path)
    fast = replay(cli, path, '--stats-only')
    mismatch = compare_stats_only(path, full, fast)
    for m in mismatch:
        print(m)
    bad_full, n = check_doc(path, full)
    bad_fast, _ = check_doc(path, fast)
    return bad_full + bad_fast + (1 if mismatch else 0), n


def check_doc(path, doc):
    ours = {s['ssrc']: s for s in doc['streams']}
    srcs = {}
    for t_us, p in read_pcap(path):
        if len(p) < 12 or p[0] >> 6 != 2 or 192 <= p[1] <= 223:
            continue
        seq, ts, ssrc = struct.unpack('>HII', p[2:12])
        pt = p[1] & 0x7F
        s = srcs.get(ssrc)
        if s is None:
            s = srcs[ssrc] = Source(seq)
        if s.update_seq(seq):
            clock = ours[ssrc]['clock_rate'] or STATIC_CLOCK.get(pt, 0) if ssrc in ours else 0
            if clock:
                s.jitter_update(t_us, ts, clock)
    bad = 0
    for ssrc, s in srcs.items():
        o = ours.get(ssrc)
        if o is None:
            print(f'{path}: SSRC {ssrc:#x} missing from the JSON')
            bad += 1
            continue
        expected = s.cycles + s.max_seq - s.base_seq + 1
        lost = expected - s.received
        clock = o['clock_rate']
        problems = []
        if o['received'] != s.received:
            problems.append(f"received {o['received']} != {s.received}")
        if o['expected'] != expected:
            problems.append(f"expected {o['expected']} != {expected}")
        if o['lost'] != lost:
            problems.append(f"lost {o['lost']} != {lost}")
        if clock:
            jit_ms = s.jitter * 1000.0 / clock
            jmax_ms = s.jmax * 1000.0 / clock
            if abs(o['jitter_ms'] - jit_ms) > 1e-4 + 1e-6 * jit_ms:
                problems.append(f"jitter_ms {o['jitter_ms']} != {jit_ms:.6f}")
            if abs(o['jitter_ms_max'] - jmax_ms) > 1e-4 + 1e-6 * jmax_ms:
                problems.append(f"jitter_ms_max {o['jitter_ms_max']} != {jmax_ms:.6f}")
        if problems:
            print(f'{path}: SSRC {ssrc:#x}: ' + '; '.join(problems))
            bad += 1
    return bad, len(srcs)


def main():
    cli, paths = sys.argv[1], sys.argv[2:]
    failed = streams = 0
    for p in paths:
        b, n = check(cli, p)
        failed += b
        streams += n
    print(f'{streams - failed} passed, {failed} failed')
    return 1 if failed or streams == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
