#!/usr/bin/env bash
# Runs fuzz targets for SECONDS each (default 60), one after another, with inputs up to 1 MiB:
#   bash fuzz/run.sh [SECONDS] [TARGET...]        (no TARGET: every target)
# Needs a nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly --profile minimal && cargo install cargo-fuzz --locked
# New inputs go to a working corpus (fuzz/work/TARGET, not committed), seeded from the committed
# corpus (fuzz/corpus/TARGET); crashes to fuzz/artifacts/TARGET. SECONDS is wall-clock time: on
# a shared machine run it under `nice -n 19` and `/usr/bin/time -f "%U %S %M"` to record the CPU
# seconds and peak RSS. The long run of issue 13 is `bash fuzz/run.sh 3600` (one CPU-hour per
# target on an idle core). See RELIABILITY.md, "Fuzzing".
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(directory_toml directory_json rules_toml rules_json events_csv events_jsonl case_json
    case_row state hsds hsds_tables tabular events_xes events_parquet log_mapping)
fi
status=0
for t in "${targets[@]}"; do
  mkdir -p "work/$t"
  cargo +nightly fuzz run "$t" "work/$t" "corpus/$t" -- \
    -max_total_time="$seconds" -max_len=1048576 -len_control=0 -rss_limit_mb=4096 -timeout=20 \
    -print_final_stats=1 || status=1
done
exit $status
