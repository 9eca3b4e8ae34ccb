#!/usr/bin/env python3
"""Run examples/minimal and examples/replay and check what they print.

Usage: run_examples.py RUPTURE_CLI MINIMAL REPLAY DEMO_CAPTURE
- minimal: 2 s of an Opus stream are lost from 5 s to 7 s (of a call starting at 1 s on
  its clock): exactly one rupture must begin after the loss began and end near its end.
- replay: the ruptures it prints from its callbacks must be those of
  `rupture replay --format json` on the same capture (same type, direction, start, end).
"""
import json
import re
import subprocess
import sys


def main():
    cli, minimal, replay, demo = sys.argv[1:5]

    out = subprocess.run([minimal], check=True, capture_output=True, text=True, timeout=60).stdout
    print(out)
    begins = [float(x) for x in re.findall(r'^([\d.]+) s  rupture 1 begins', out, re.M)]
    ends = re.findall(r'^([\d.]+) s  rupture 1 ends: \w+ lasted ([\d.]+) s', out, re.M)
    assert len(begins) == 1 and len(ends) == 1, out
    assert 6.0 <= begins[0] <= 8.5, begins  # loss from 6.0 s on the example's clock
    assert abs(float(ends[0][1]) - 2.0) <= 0.5, ends  # 2 s lost
    assert '1 rupture(s)' in out, out

    out = subprocess.run([replay, demo, '10.0.0.1'], check=True, capture_output=True, text=True,
                         timeout=120).stdout
    print(out)
    got = [(float(a), float(b), t, d) for a, b, t, d in
           re.findall(r'^\s*([\d.]+)-\s*([\d.]+) s  (\w+)\s+(inbound|outbound)', out, re.M)]
    doc = json.loads(subprocess.run([cli, 'replay', demo, '--local', '10.0.0.1', '--format', 'json'],
                                    check=True, capture_output=True, text=True, timeout=120).stdout)
    want = [(r['start_s'], r['end_s'], r['type'], r['direction']) for r in doc['ruptures']]
    assert len(want) >= 3, want
    got.sort(key=lambda x: (x[0], x[2]))
    want.sort(key=lambda x: (x[0], x[2]))
    assert len(got) == len(want), (got, want)
    for g, w in zip(got, want):  # the example prints 2 decimals
        assert g[2:] == w[2:] and abs(g[0] - w[0]) < 0.006 and abs(g[1] - w[1]) < 0.006, (g, w)
    print('ok')


if __name__ == '__main__':
    main()
