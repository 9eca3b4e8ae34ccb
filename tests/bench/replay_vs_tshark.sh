#!/usr/bin/env bash
# Wall time of `rupture replay` on a large capture next to `tshark -q -z rtp,streams`
# on the same file (median of RUNS runs each; tshark only when installed).
#   tests/bench/replay_vs_tshark.sh BUILD_DIR [PACKETS] [RUNS]
set -euo pipefail
build=${1:?usage: replay_vs_tshark.sh BUILD_DIR [PACKETS] [RUNS]}
packets=${2:-2000000}
runs=${3:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cap=$tmp/call.pcap
"$build/tests/bench/bench_replay" --write "$cap" "$packets"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # prints seconds
  local s e
  s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
  awk -v a="$s" -v b="$e" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

ours=$(for i in $(seq "$runs"); do timeit "$build/tools/rupture" replay "$cap" --json; done | median)
printf 'rupture replay --json : %8.3f s  %12.0f packets/s\n' "$ours" "$(div "$packets" "$ours")"
if command -v tshark >/dev/null; then
  theirs=$(for i in $(seq "$runs"); do timeit tshark -r "$cap" -q -o rtp.heuristic_rtp:TRUE -z rtp,streams; done | median)
  printf 'tshark -z rtp,streams : %8.3f s  %12.0f packets/s\n' "$theirs" "$(div "$packets" "$theirs")"
  printf 'ratio                 : %8.1f x\n' "$(div "$theirs" "$ours")"
else
  echo "tshark not installed: no comparison"
fi
