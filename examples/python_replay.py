#!/usr/bin/env python3
"""Replay a capture with the Python binding and print its streams and ruptures.

    python3 examples/python_replay.py examples/data/demo.pcap.gz --local 10.0.0.1
    python3 examples/python_replay.py CAPTURE --json      # the document of `rupture replay --json`

Needs the `rupture` package (bindings/python/README.md).
"""

import argparse
import json
import sys

import rupture


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("capture", help="pcap / pcapng file, optionally .gz")
    ap.add_argument("--local", action="append", default=[], metavar="ADDR",
                    help="address of the local user (IP or IP:port); repeatable")
    ap.add_argument("--json", action="store_true", help="print the JSON document")
    args = ap.parse_args()

    try:
        report = rupture.replay(args.capture, local=args.local or None, allow_truncated=True)
    except rupture.RuptureError as e:
        print("%s: %s" % (args.capture, e), file=sys.stderr)
        return 2
    if report.error is not None:
        print("%s: %s; results up to there follow" % (args.capture, report.error), file=sys.stderr)
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=1)
        print()
        return 0

    inp = report.input
    print("%s: %d packets, %.1f s, %d RTP, %d RTCP" % (inp.path, inp.packets, inp.duration_s, inp.rtp_packets,
                                                      inp.rtcp_packets))
    print("%-10s %-8s %-6s %-21s %8s %6s %8s %10s" % ("SSRC", "DIR", "CODEC", "SOURCE", "PACKETS", "LOST",
                                                     "LOSS%", "JITTER ms"))
    for s in report.streams:
        jitter = "-" if s.jitter_ms is None else "%.3f" % s.jitter_ms
        print("0x%08X %-8s %-6s %-21s %8d %6d %7.2f%% %10s" % (s.ssrc, s.direction, s.codec, s.src, s.packets,
                                                               s.lost, s.loss_pct, jitter))
    print("\n%d rupture(s), %.1f s in total" % (report.summary.rupture_count, report.summary.rupture_time_s))
    for r in report.ruptures:
        print("  #%d %7.1f s .. %7.1f s  %-16s %-8s %-9s cause %-15s hint %s" % (
            r.id, r.start_s, r.end_s, r.type, r.direction, r.severity, r.cause, r.repair))
    return 0


if __name__ == "__main__":
    sys.exit(main())
