#!/usr/bin/env bash
# Issue 11's routing benchmark: dls (the `route_peers` example) against the peers
# `route_frames.py --engine polars` and `route_zen.py --variant engine-domain` on the first
# LIMIT cases of gen.py's `large` scale, whole process each (wall, CPU and peak RSS by
# /usr/bin/time), runs interleaved, the load average before each run; then every output is
# compared need by need (compare.py). Not a test: figures go to BENCHMARKS.md.
#
#   python ../shared/peers/gen.py --root /tmp/benchdata       # once (directory, small, large)
#   cargo build --release -p dls-core --example route_peers
#   bash dls-core/benches/peers/route_vs_peers.sh /tmp/benchdata [rounds] [python with polars and zen-engine] [limit]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
data=${1:-/tmp/benchdata}
rounds=${2:-3}
py=${3:-python3}
limit=${4:-100000}
peers=$root/../shared/peers
bin=${CARGO_TARGET_DIR:-$root/target}/release/examples/route_peers
work=${TMPDIR:-/tmp}/route_vs_peers
[ -x "$bin" ] || { echo "build it first: cargo build --release -p dls-core --example route_peers" >&2; exit 1; }
mkdir -p "$work"
run() { # name, command...
  local name=$1; shift
  local load; load=$(cut -d' ' -f1-3 /proc/loadavg)
  /usr/bin/time -o "$work/time" -f "%e %U %S %M" "$@" > "$work/$name.out" 2>&1 || { cat "$work/$name.out" >&2; exit 1; }
  read -r wall user sys rss_kb < "$work/time"
  printf '%-10s wall %6.2f s  cpu %6.2f s  peak %5d MB  load %s\n' "$name" "$wall" \
    "$(echo "$user + $sys" | bc)" $((rss_kb / 1024)) "$load"
}
run translate python3 "$here/to_dls.py" "$data/directory" "$work/dls"
for r in $(seq "$rounds"); do
  echo "round $r"
  run dls "$bin" "$work/dls" "$data/large/cases.csv" "$limit" "$work/routes-dls.csv" 2026-01-01
  run frames env BENCHDATA="$data" "$py" "$peers/route_frames.py" --engine polars --scale large --limit "$limit" --out "$work/routes-frames.csv"
  run zen env BENCHDATA="$data" "$py" "$peers/route_zen.py" --variant engine-domain --scale large --limit "$limit" --out "$work/routes-zen.csv"
done
grep -h '^RESULT' "$work"/dls.out "$work"/frames.out "$work"/zen.out
python3 "$here/compare.py" "$work/routes-dls.csv" "$work/routes-frames.csv"
python3 "$here/compare.py" "$work/routes-dls.csv" "$work/routes-zen.csv"
