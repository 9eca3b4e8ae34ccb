#!/bin/sh
# Scenario suite: rupture synth -> rupture replay --json -> rupture eval, one short call
# per impairment kind, then the per-type table summed over the suite (docs/accuracy.md).
#
#   scripts/synth-eval.sh [-r RUPTURE] [-o OUTDIR] [--long] [--min P] [--timing]
#
# -r    the rupture executable (default build/tools/rupture)
# -o    where captures, truths and results go (default a fresh temp directory)
# --long  the longer set (3 seeds per scenario, 120 s calls) for `make eval`
# --min   exit 1 if overall precision or recall for impairments >= 1 s is below P
# --timing  exit 1 if a found impairment >= 1 s has an onset error over 0.1 s or a
#           duration error over 10 % (the proof bar of docs/accuracy.md)
set -eu
RUPTURE=build/tools/rupture
OUT=
LONG=0
MIN=
TIMING=0
while [ $# -gt 0 ]; do
  case "$1" in
    -r) RUPTURE=$2; shift 2 ;;
    -o) OUT=$2; shift 2 ;;
    --long) LONG=1; shift ;;
    --min) MIN=$2; shift 2 ;;
    --timing) TIMING=1; shift ;;
    *) echo "usage: $0 [-r RUPTURE] [-o OUTDIR] [--long] [--min P] [--timing]" >&2; exit 2 ;;
  esac
done
[ -n "$OUT" ] || OUT=$(mktemp -d /tmp/synth-eval.XXXXXX)
mkdir -p "$OUT"
DUR=45
SEEDS="1"
if [ "$LONG" = 1 ]; then DUR=120; SEEDS="1 2 3"; fi

# name|impairments (each becomes --impair)
SCENARIOS='audio_stall|talk@14+6,who=remote audio_stall@15+2
video_stall|video_stall@15+5
outage|outage@15+8
one_way_outage|one_way_outage@15+6,dir=inbound
outbound_outage|one_way_outage@15+6,dir=outbound
camera_freeze|camera_freeze@15+6
video_suspended|video_suspended@15+6
lag|delay_ramp@10+25,ms=600,ramp=5,dir=both
burst_loss|burst_loss@10+15,p=0.05,r=0.3,media=audio
not_ruptures|dtx_silence@10+10,dir=both mute@25+5,dir=outbound camera_off@25+5,dir=outbound
light_loss|random_loss@10+15,p=0.02
heavy_audio_loss|random_loss@10+20,p=0.12,media=audio
delay_spike|delay_spike@20+3,ms=500'

start=$(date +%s)
echo "$SCENARIOS" | while IFS='|' read -r name imps; do
  for seed in $SEEDS; do
    set --
    for i in $imps; do set -- "$@" --impair "$i"; done
    base="$OUT/$name-$seed"
    "$RUPTURE" synth --quiet --seed "$seed" --duration "$DUR" "$@" -o "$base.pcap" --truth "$base.truth.json"
    # decoders on when the library has them (frozen content needs them); exit 7 = not built with decode
    rc=0
    "$RUPTURE" replay "$base.pcap" --local 10.0.0.1 --json --decode > "$base.result.json" || rc=$?
    if [ "$rc" = 7 ]; then "$RUPTURE" replay "$base.pcap" --local 10.0.0.1 --json > "$base.result.json" || true; fi
    "$RUPTURE" eval "$base.truth.json" "$base.result.json" --json > "$base.eval.json"
  done
done
end=$(date +%s)
/usr/bin/python3 - "$OUT" "$((end - start))" "${MIN:-}" "$TIMING" <<'PY'
import glob, json, sys
out, secs, mn, timing = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
keys = ["truths", "found", "short_truths", "short_found", "true_positives", "false_positives", "excused", "detections"]
tot = {}
onset = {}
durmax = {}
late = []
for f in sorted(glob.glob(out + "/*.eval.json")):
    e = json.load(open(f))
    for t in e["truths"]:
        if not t.get("found") or t["end_s"] - t["start_s"] < 1.0: continue
        dm = durmax.setdefault(t["expected_rupture"], [0.0])
        dm[0] = max(dm[0], t["duration_error_pct"])
        dmo = durmax.setdefault("overall", [0.0]); dmo[0] = max(dmo[0], t["duration_error_pct"])
        if abs(t["onset_error_s"]) > 0.1 or t["duration_error_pct"] > 10.0:
            late.append("%s truth %d (%s): onset error %.3f s, duration error %.1f %%" % (
                f.rsplit("/", 1)[-1], t["id"], t["expected_rupture"], t["onset_error_s"], t["duration_error_pct"]))
    for t, s in list(e["by_type"].items()) + [("overall", e["overall"])]:
        a = tot.setdefault(t, dict.fromkeys(keys, 0))
        for k in keys: a[k] += s[k]
        n = s["found"] + s["short_found"]
        if n and s["onset_error_mean_s"] is not None:
            o = onset.setdefault(t, [0.0, 0, 0.0])
            o[0] += s["onset_error_mean_s"] * n; o[1] += n; o[2] = max(o[2], s["onset_error_max_s"])
def r(a, b): return a / b if b else None
def f(x): return "-" if x is None else "%.3f" % x
print("| type | truths >= 1 s | found | recall | detections | TP | FP | excused | precision | F1 | onset mean (s) | onset max (s) | duration error max (%) | truths < 1 s found |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
ok = True
for t, a in tot.items():
    if not (a["truths"] or a["short_truths"] or a["detections"]): continue
    p = r(a["true_positives"], a["true_positives"] + a["false_positives"]); rc = r(a["found"], a["truths"])
    f1 = 2 * p * rc / (p + rc) if p is not None and rc is not None and p + rc > 0 else None
    o = onset.get(t)
    dm = durmax.get(t)
    print("| %s | %d | %d | %s | %d | %d | %d | %d | %s | %s | %s | %s | %s | %d/%d |" % (t, a["truths"], a["found"], f(rc),
          a["detections"], a["true_positives"], a["false_positives"], a["excused"], f(p), f(f1),
          f(o[0] / o[1]) if o else "-", f(o[2]) if o else "-", "%.1f" % dm[0] if dm else "-",
          a["short_found"], a["short_truths"]))
    if t == "overall" and mn:
        ok = (p is None or p >= float(mn)) and (rc is None or rc >= float(mn))
for l in late: print("outside the timing bar: " + l)
if timing and late: ok = False
print("\n%s scenarios run in %s s (synth + replay + eval); files in %s" % (len(glob.glob(out + "/*.eval.json")), secs, out))
sys.exit(0 if ok else 1)
PY
