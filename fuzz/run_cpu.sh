#!/usr/bin/env bash
# Runs one built fuzz target until its process has used CPU_SECONDS of CPU time (user + system,
# all threads), then stops it with SIGINT so that libFuzzer prints its final statistics. This is
# how the long run of issue 13 is measured on a shared machine, where wall-clock time
# (`fuzz/run.sh`, `-max_total_time`) says little about the work done:
#   cd fuzz && cargo +nightly fuzz build          # once (release, debug assertions, ASan)
#   bash fuzz/run_cpu.sh TARGET [CPU_SECONDS]    # default 3600
# Same libFuzzer flags as run.sh, except the time limit of one input: 120 s of wall-clock time
# (FUZZ_TIMEOUT), because libFuzzer's alarm counts wall time, and a niced fuzzer on a loaded
# machine once took 26 s for an input that takes 0.56 s alone (a false "timeout"; RELIABILITY.md).
# New inputs go to fuzz/work/TARGET, crashes to fuzz/artifacts/TARGET; the log is fuzz/work/TARGET.log and one line per run is appended to
# fuzz/work/summary.txt (target, exit status, CPU and wall seconds, peak RSS). Don't stop the
# process with SIGSTOP while it runs: the unit in flight then counts the pause as its own time
# and is written out as a "slow unit".
set -uo pipefail
cd "$(dirname "$0")"
t=${1:?usage: run_cpu.sh TARGET [CPU_SECONDS]}
limit=${2:-3600}
bin=target/x86_64-unknown-linux-gnu/release/$t
[ -x "$bin" ] || { echo "build it first: cd fuzz && cargo +nightly fuzz build $t" >&2; exit 2; }
mkdir -p "work/$t" "artifacts/$t"
start=$(date +%s)
"$bin" "work/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" -max_total_time=86400 \
  -max_len=1048576 -len_control=0 -rss_limit_mb=4096 -timeout="${FUZZ_TIMEOUT:-120}" -print_final_stats=1 \
  > "work/$t.log" 2>&1 &
pid=$!
tck=$(getconf CLK_TCK)
cpu=0; hwm=0
while kill -0 "$pid" 2>/dev/null; do
  read -r -a st < "/proc/$pid/stat" 2>/dev/null || break
  cpu=$(( (st[13] + st[14]) / tck ))
  hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo "$hwm")
  if [ "$cpu" -ge "$limit" ]; then kill -INT "$pid"; break; fi
  sleep 10
done
wait "$pid"; rc=$?
echo "$t rc=$rc cpu_s=$cpu wall_s=$(( $(date +%s) - start )) peak_kb=$hwm $(date -u +%FT%TZ)" \
  | tee -a work/summary.txt
exit $rc
