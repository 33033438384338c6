#!/usr/bin/env bash
# Runs every test of dls: Rust (fmt, clippy, doc, unit, integration, doc tests), Python, JVM.
# Installs what it needs from the package registries. Ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
logs=$(mktemp -d)
export CARGO_TERM_COLOR=never
# A one-shot build gains nothing from incremental compilation, whose caches took 3.6 GB of disk.
export CARGO_INCREMENTAL=0

# each step says how much disk is left (CI once ran out of it: target/ then took 22 GB)
# and how long the run has taken so far (the whole command should stay under 30 minutes)
step() {
  printf '\n==== %s (at %dm%02ds; disk free: %s)\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)) \
    "$(df -h . | awk 'NR == 2 { print $4 }')"
}

# target/ peaks near 6 GB, the Python environment takes 1.4 GB: say so at once when the disk is short
free_kb=$(df -Pk . | awk 'NR == 2 { print $4 }')
if [ "${free_kb:-0}" -lt $((8 * 1024 * 1024)) ]; then
  echo "run_all.sh: warning: only $((free_kb / 1024)) MB of disk free here; the test command needs about 8 GB" >&2
fi

# rustfmt and clippy come with rustup's default profile; add them where a minimal toolchain lacks them.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  rustup component add rustfmt clippy
fi
# a JDK and Maven from Debian where the machine lacks them (the JVM tests need both)
if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq default-jdk-headless maven >/dev/null \
    || echo "run_all.sh: could not install a JDK and Maven with apt-get" >&2
fi
for tool in python3 java mvn; do
  command -v "$tool" >/dev/null || { echo "run_all.sh needs $tool (Python 3.10+, a JDK 17+ and Maven)" >&2; exit 1; }
done

step "cargo fmt"
cargo fmt --all -- --check
step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
step "cargo deny"
# Supply chain (deny.toml, RELIABILITY.md "Supply chain"): licences compatible with EUPL-1.2,
# duplicate major versions only with a reason, crates.io only; RustSec advisories when the
# database (on github.com) can be fetched. Installing cargo-deny takes about 4 CPU-minutes.
if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny 0.20.2" ]; then
  cargo install --locked cargo-deny --version 0.20.2
fi
cargo deny --locked check licenses bans sources
if timeout 30 git ls-remote https://github.com/RustSec/advisory-db HEAD >/dev/null 2>&1; then
  cargo deny --locked check advisories
else
  echo "advisories NOT checked: the RustSec advisory database (github.com) is unreachable"
fi
step "cargo test"
cargo test --workspace --locked 2>&1 | tee "$logs/cargo.log"
rust_passed=$(awk '/^test result:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^passed/) s += $i } END { print s + 0 }' "$logs/cargo.log")
rust_failed=$(awk '/^test result:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^failed/) s += $i } END { print s + 0 }' "$logs/cargo.log")

py_passed=0; py_failed=0
if [ -f tests/python/run.sh ]; then
  step "python"
  bash tests/python/run.sh "$logs/pytest.xml"
  read -r py_passed py_failed < <(python3 "$root/tests/junit_counts.py" "$logs/pytest.xml")
fi

jvm_passed=0; jvm_failed=0
if [ -f tests/jvm/run.sh ]; then
  step "jvm"
  bash tests/jvm/run.sh
  read -r jvm_passed jvm_failed < <(python3 "$root/tests/junit_counts.py" tests/jvm/target/surefire-reports/*.xml)
fi

step "summary"
echo "rust: $rust_passed passed, $rust_failed failed"
echo "python: $py_passed passed, $py_failed failed"
echo "jvm: $jvm_passed passed, $jvm_failed failed"
echo "total: $((rust_passed + py_passed + jvm_passed)) passed, $((rust_failed + py_failed + jvm_failed)) failed"
