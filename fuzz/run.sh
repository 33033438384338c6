#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), one after another, with inputs up to
# 1 MiB. Needs a nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly --profile minimal && cargo install cargo-fuzz --locked
# New inputs go to a working corpus (fuzz/work/TARGET, not committed), seeded from the committed
# corpus (fuzz/corpus/TARGET); crashes to fuzz/artifacts/TARGET. The long run of issue 13 is
# `bash fuzz/run.sh 3600` (one CPU-hour per target). See RELIABILITY.md, "Fuzzing".
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
status=0
for t in directory_toml directory_json rules_toml rules_json events_csv events_jsonl case_json case_row state; do
  mkdir -p "work/$t"
  cargo +nightly fuzz run "$t" "work/$t" "corpus/$t" -- \
    -max_total_time="$seconds" -max_len=1048576 -len_control=0 -rss_limit_mb=4096 -timeout=20 \
    -print_final_stats=1 || status=1
done
exit $status
