#!/usr/bin/python3
"""Write the small G.711 (PT 8) captures in tests/data/crafted/ that pin tshark's
RTP-stream conventions (reordering, late packets, duplicates, loss, marker and CN
exclusions, sequence and timestamp wrap) and store `tshark -z rtp,streams` beside
each. Usage: scripts/craft-tshark-cases.py OUTDIR  (needs tshark for the .txt files)."""
import os, random, struct, subprocess, sys

OUT = sys.argv[1] if len(sys.argv) > 1 else 'tests/data/crafted'
def pcap(path, pkts):
    out = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
    for (t_us, seq, ts, m, pt) in pkts:
        rtp = struct.pack('!BBHII', 0x80, (m << 7) | pt, seq & 0xffff, ts & 0xffffffff, 0x11223344) + b'\xd5' * 160
        udp = struct.pack('!HHHH', 40000, 50000, 8 + len(rtp), 0) + rtp
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, bytes([10,0,0,1]), bytes([10,0,0,2])) + udp
        eth = b'\x00\x11\x22\x33\x44\x55' + b'\x66\x77\x88\x99\xaa\xbb' + b'\x08\x00' + ip
        out.append(struct.pack('<IIII', t_us // 1000000, t_us % 1000000, len(eth), len(eth)) + eth)
    open(path, 'wb').write(b''.join(out))
def stream(order, jit=0, seed=1, seq0=1000, ts0=5000, marker=(), pts=None, tsfn=None, tgap=()):
    r = random.Random(seed); pk = []; t = 1_000_000
    for k, i in enumerate(order):
        t += 20000 + (r.randint(-jit, jit) if jit else 0)
        if k in tgap: t += 300000
        ts = (ts0 + 160 * i) if tsfn is None else tsfn(i)
        pk.append((t, seq0 + i, ts, 1 if k in marker else 0, pts[k] if pts else 8))
    return pk
C = {}
base = list(range(50))
C['reorder'] = stream(base[:10] + [11, 10] + base[12:], jit=3000)
C['late_last'] = stream(base + [45], jit=2000)
C['dup'] = stream(base[:20] + [19, 19] + base[20:], jit=2000)
C['loss'] = stream(base[:10] + base[13:30] + base[31:], jit=2000)
C['marker'] = stream(base, jit=2000, marker=(5, 17, 30), tgap=(5, 30))
C['cn'] = stream(base, jit=2000, pts=[8]*10 + [13]*3 + [8]*37)
C['wrap'] = stream(list(range(200)), jit=2000, seq0=65500)
C['wrap_reorder'] = stream(list(range(30)) + [31, 30] + list(range(32, 200)), jit=2000, seq0=65505)
C['wrap0'] = stream(list(range(200)), jit=2000, seq0=65536 - 100 - 36)
C['tswrap'] = stream(base, jit=2000, ts0=0xffffffff - 160 * 20)
C['reorder_far'] = stream(base[:10] + base[15:20] + [10, 11, 12, 13, 14] + base[20:], jit=2000)
C['start_late'] = stream([1, 0] + base[2:], jit=2000)
C['seq_jump'] = stream(base[:20] + [i + 5000 for i in base[20:]], jit=2000)
C['big'] = stream(list(range(70000)), jit=3000, seq0=30000)
C['ts_past'] = stream(base[:10] + [0] + base[10:], jit=2000)
C['start_65535'] = stream(base, jit=2000, seq0=65535)
C['start0_late'] = stream([1, 0] + base[2:], jit=2000, seq0=65535)
C['ts_back_far'] = stream(base, jit=2000, tsfn=lambda i: (5000 + 160 * i) if i != 20 else (5000 + 0x90000000) & 0xffffffff)

def det(order, seq0=1000, ts0=5000, marker=(), cn=()):
    """Deterministic arrival pattern (no PRNG)."""
    pk = []; t = 1_000_000
    for k, i in enumerate(order):
        t += 20000 + ((k * 7919) % 4001) - 2000
        pk.append((t, (seq0 + i) & 0xffff, (ts0 + 160 * i) & 0xffffffff, 1 if k in marker else 0, 13 if k in cn else 8))
    return pk
b = list(range(50))
C['d_late_last'] = det(b + [45])
C['d_start_late'] = det([1, 0] + b[2:])
C['d_wrap_reorder'] = det(list(range(30)) + [31, 30] + list(range(32, 200)), seq0=65505)
C['d_marker_cn'] = det(list(range(60)), marker=(5, 30), cn=(10, 11, 12))
C['d_dup_loss'] = det(b[:20] + [19, 19] + b[22:40] + [38] + b[40:], ts0=0xffffffff - 160 * 25)

os.makedirs(OUT, exist_ok=True)
for k, v in C.items():
    path = os.path.join(OUT, k + '.pcap')
    pcap(path, v)
    cmd = ['tshark', '-r', path, '-q', '-o', 'rtp.heuristic_rtp:TRUE', '-z', 'rtp,streams']
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        ver = subprocess.run(['tshark', '--version'], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, subprocess.CalledProcessError):
        continue
    with open(path + '.tshark.txt', 'w') as f:
        f.write(f'# tshark -r {k}.pcap -q -o rtp.heuristic_rtp:TRUE -z rtp,streams\n# {ver}\n{out}')
