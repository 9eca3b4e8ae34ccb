#!/usr/bin/env python3
"""End-to-end test of examples/live_udp_monitor on loopback.

1. `rupture synth` writes a short two-party call with two known inbound impairments
   (audio lost while the remote speaks; video lost) and its ground truth.
2. live_udp_monitor listens on 127.0.0.1 (port chosen by the kernel).
3. This script sends the capture's inbound datagrams (remote -> local: RTP and RTCP) to
   it over UDP in real time, paced by the capture timestamps.
4. The monitor must print each expected rupture, of the expected type, with a start
   within TOL_S of the truth (times relative to the first datagram it received).

Usage: live_udp_test.py RUPTURE_CLI LIVE_UDP_MONITOR
Bounded: about 14 s of sending plus 2 s idle; every wait has a timeout.
"""
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time

TOL_S = 1.0
REMOTE = bytes([10, 0, 0, 2])


def read_pcap(path):
    """Classic pcap (µs or ns), Ethernet / raw IPv4, UDP only: [(ts_s, src_ip, payload)]."""
    data = open(path, 'rb').read()
    magic = data[:4]
    endian = {b'\xd4\xc3\xb2\xa1': '<', b'\xa1\xb2\xc3\xd4': '>',
              b'\x4d\x3c\xb2\xa1': '<', b'\xa1\xb2\x3c\x4d': '>'}[magic]
    nano = magic in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d')
    link = struct.unpack(endian + 'I', data[20:24])[0]
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(endian + 'IIII', data[off:off + 16])
        rec = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ip = rec[14:] if link == 1 else rec
        if link == 1 and rec[12:14] != b'\x08\x00':
            continue
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        udp = ip[ihl:]
        ulen = struct.unpack('>H', udp[4:6])[0]
        out.append((sec + frac / (1e9 if nano else 1e6), ip[12:16], udp[8:ulen]))
    return out


def main():
    cli, monitor = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        cap, truth_path = os.path.join(tmp, 'live.pcap'), os.path.join(tmp, 'live.truth.json')
        subprocess.run([cli, 'synth', '--seed', '5', '--duration', '14', '--quiet',
                        '--impair', 'talk@2+6,who=remote',
                        '--impair', 'audio_stall@4+2,dir=inbound',
                        '--impair', 'video_stall@8+3,dir=inbound',
                        '-o', cap, '--truth', truth_path], check=True, timeout=60)
        truth = json.load(open(truth_path))
        records = read_pcap(cap)
        t_first_record = records[0][0]
        inbound = [r for r in records if r[1] == REMOTE]
        assert len(inbound) > 500, len(inbound)

        mon = subprocess.Popen([monitor, '--port', '0', '--idle-exit', '2', '--duration', '40'],
                               stdout=subprocess.PIPE, text=True)
        try:
            line = mon.stdout.readline()
            m = re.match(r'listening on 127\.0\.0\.1:(\d+)', line)
            assert m, 'monitor did not start: %r' % line
            port = int(m.group(1))
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind(('127.0.0.1', 0))
            t0 = time.monotonic()
            ts0 = inbound[0][0]
            for ts, _, payload in inbound:  # real time, paced by the capture
                delay = (ts - ts0) - (time.monotonic() - t0)
                if delay > 0:
                    time.sleep(delay)
                sock.sendto(payload, ('127.0.0.1', port))
            sock.close()
            out, _ = mon.communicate(timeout=20)
        finally:
            if mon.poll() is None:
                mon.kill()
                mon.wait()
        out = line + out
        print(out)
        assert mon.returncode == 0, mon.returncode

        # "rupture N ends: TYPE DIR, ..., start S s, end E s, ..."
        ended = [(mm.group(1), float(mm.group(2)))
                 for mm in re.finditer(r'rupture \d+ ends: (\w+) inbound, .*?start (-?[\d.]+) s', out)]
        offset = ts0 - t_first_record  # truth times count from the first record
        expected = [e for e in truth['impairments'] if e.get('expected_rupture') and e['direction'] == 'inbound']
        assert len(expected) == 2, expected
        for e in expected:
            want = e['rupture_start_s'] - offset
            hits = [s for typ, s in ended if typ == e['expected_rupture'] and abs(s - want) <= TOL_S]
            assert hits, 'missing %s at %.2f s (monitor printed %s)' % (e['expected_rupture'], want, ended)
        assert len(ended) == len(expected), 'unexpected ruptures: %s' % ended
        assert re.search(r'summary: 2 rupture\(s\)', out), out
        print('ok: %d ruptures as expected' % len(expected))


if __name__ == '__main__':
    main()
