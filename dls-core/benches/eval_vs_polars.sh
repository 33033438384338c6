#!/usr/bin/env bash
# Issue 12's benchmark: the `dls evaluate` command against the polars peer
# (../shared/peers/eval_frames.py) on the same 1 M-case / 8 M-event log, from CSV and from
# Parquet, whole process (wall, CPU = user + system, and peak RSS by /usr/bin/time), runs
# interleaved, with the load average before each run. Not a test: figures go to BENCHMARKS.md.
# With DLS_TIMINGS=1 in the environment, dls's step timings are written to
# /tmp/eval_vs_polars.steps (one line per step and run).
#
#   python ../shared/peers/gen.py --scales large --root /tmp/benchdata   # once
#   cargo build --release -p dls-cli
#   bash dls-core/benches/eval_vs_polars.sh /tmp/benchdata [rounds] [python with polars]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${1:-/tmp/benchdata}
rounds=${2:-3}
py=${3:-python3}
dls=${CARGO_TARGET_DIR:-$root/target}/release/dls
peer=$root/../shared/peers/eval_frames.py
[ -x "$dls" ] || { echo "build it first: cargo build --release -p dls-cli" >&2; exit 1; }
run() { # name, command...
  local name=$1; shift
  local load; load=$(cut -d' ' -f1-3 /proc/loadavg)
  /usr/bin/time -o /tmp/eval_vs_polars.time -f "%e %U %S %M" "$@" > /dev/null 2> /tmp/eval_vs_polars.err
  grep '^timing:' /tmp/eval_vs_polars.err | sed "s/^/$name: /" >> /tmp/eval_vs_polars.steps || true
  read -r wall user sys rss_kb < /tmp/eval_vs_polars.time
  cpu=$(echo "$user $sys" | awk '{printf "%.2f", $1 + $2}')
  printf '%-14s wall %6.2f s  cpu %6.2f s (user %6.2f, sys %5.2f)  peak %6d MB  load %s\n' \
    "$name" "$wall" "$cpu" "$user" "$sys" $((rss_kb / 1024)) "$load"
}
: > /tmp/eval_vs_polars.steps
for r in $(seq "$rounds"); do
  for fmt in csv parquet; do
    run "dls $fmt" "$dls" evaluate "$data/large/events.$fmt" --by kern,month --disclosure raw -o /tmp/eval_vs_polars.dls.csv
    run "polars $fmt" env BENCHDATA="$data" "$py" "$peer" --engine polars --scale large --fmt "$fmt"
  done
done
