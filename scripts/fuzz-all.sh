#!/bin/sh
# Build every fuzz target with libFuzzer (clang, -Dfuzzing=enabled) and run each one
# for N seconds on a scratch copy of its stored corpus; print execs and findings.
#
#   scripts/fuzz-all.sh [SECONDS] [TARGET...]     (default 60 s, every target)
#
# Environment: BUILD (default build-fuzz), JOBS (libFuzzer workers per target, default 1).
# Crash, leak, timeout and OOM inputs are left in $BUILD/fuzz-out/<target>/; add the
# ones you fix to tests/fuzz/corpus/<target>/ named by their sha256.
set -u
SECS=${1:-60}
[ $# -gt 0 ] && shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-fuzz}
JOBS=${JOBS:-1}

if [ ! -f "$BUILD/build.ninja" ]; then
  # fuzzer-no-link on every object: coverage guidance must see the library, not only
  # the target file (tests/fuzz/meson.build adds it to the target alone).
  CC=clang meson setup "$BUILD" "$ROOT" -Dfuzzing=enabled -Db_sanitize=address,undefined \
    -Db_lundef=false -Dc_args="-fno-sanitize-recover=all -fsanitize=fuzzer-no-link" \
    -Dbenchmarks=false -Ddocs=disabled || exit 1
fi
ninja -C "$BUILD" || exit 1

if [ $# -gt 0 ]; then
  TARGETS=$*
else
  TARGETS=$(ls "$BUILD"/tests/fuzz/ | sed -n 's/^fuzz_\([a-z0-9_]*\)$/\1/p')
fi

status=0
printf '%-10s %12s %8s %6s  %s\n' target execs exec/s cov findings
for t in $TARGETS; do
  exe=$BUILD/tests/fuzz/fuzz_$t
  [ -x "$exe" ] || { echo "no target fuzz_$t"; status=1; continue; }
  out=$BUILD/fuzz-out/$t
  work=$out/corpus
  mkdir -p "$work"
  [ -d "$ROOT/tests/fuzz/corpus/$t" ] && cp -n "$ROOT/tests/fuzz/corpus/$t"/* "$work"/ 2>/dev/null
  log=$out/log.txt
  (cd "$out" && "$exe" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
     -print_final_stats=1 -jobs="$JOBS" -workers="$JOBS" "$work" >"$log" 2>&1)
  execs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')
  rate=$(grep -a 'stat::average_exec_per_sec' "$log" | awk '{s += $2} END {print s + 0}')
  cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  found=$(ls "$out" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | tr '\n' ' ')
  printf '%-10s %12s %8s %6s  %s\n' "$t" "$execs" "$rate" "${cov:-?}" "${found:-none}"
  [ -n "$found" ] && status=1
done
exit $status
