#!/usr/bin/env bash
# Wall time of `rupture replay` on a large capture next to `tshark -q -z rtp,streams`
# on the same file (median of RUNS runs each; tshark only when installed): every layer
# (`--json`), and statistics only (`--json --stats-only`, what tshark's rtp,streams
# computes: the like-for-like comparison). One core.
#   tests/bench/replay_vs_tshark.sh BUILD_DIR [PACKETS] [RUNS]
#     writes the synthetic benchmark call (PACKETS packets, default 2,000,000) and times it
#   tests/bench/replay_vs_tshark.sh BUILD_DIR --file CAPTURE [RUNS] [--decode]
#     times an existing capture (e.g. a long `rupture synth` call); with --decode also
#     `rupture replay --decode` (libopus/libvpx decoding every stream)
set -euo pipefail
build=${1:?usage: replay_vs_tshark.sh BUILD_DIR [PACKETS] [RUNS] | BUILD_DIR --file CAPTURE [RUNS] [--decode]}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
decode=0
if [ "${2:-}" = "--file" ]; then
  cap=${3:?--file needs a capture}
  runs=${4:-3}
  [ "${5:-}" = "--decode" ] && decode=1
  packets=$("$build/tools/rupture" replay "$cap" --json -q | python3 -c 'import json,sys; print(json.load(sys.stdin)["input"]["packets"])')
  echo "$cap: $packets packets, $(stat -c %s "$cap") bytes"
else
  packets=${2:-2000000}
  runs=${3:-3}
  cap=$tmp/call.pcap
  "$build/tests/bench/bench_replay" --write "$cap" "$packets"
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # prints seconds
  local s e
  s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
  awk -v a="$s" -v b="$e" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

cat "$cap" >/dev/null # both tools read it from the page cache
run() { for i in $(seq "$runs"); do timeit "$build/tools/rupture" replay "$cap" --json -q "$@"; done | median; }
ours=$(run)
printf 'rupture replay --json : %8.3f s  %12.0f packets/s\n' "$ours" "$(div "$packets" "$ours")"
fast=$(run --stats-only)
printf '  with --stats-only    : %8.3f s  %12.0f packets/s\n' "$fast" "$(div "$packets" "$fast")"
if [ "$decode" = 1 ]; then
  dec=$(timeit "$build/tools/rupture" replay "$cap" --json -q --decode)
  printf 'rupture replay --decode: %7.3f s  %12.0f packets/s (one run)\n' "$dec" "$(div "$packets" "$dec")"
fi
if command -v tshark >/dev/null; then
  theirs=$(for i in $(seq "$runs"); do timeit tshark -r "$cap" -q -o rtp.heuristic_rtp:TRUE -z rtp,streams; done | median)
  printf 'tshark -z rtp,streams : %8.3f s  %12.0f packets/s\n' "$theirs" "$(div "$packets" "$theirs")"
  printf 'ratio                 : %8.1f x every layer, %.1f x --stats-only\n' "$(div "$theirs" "$ours")" \
    "$(div "$theirs" "$fast")"
else
  echo "tshark not installed: no comparison"
fi
