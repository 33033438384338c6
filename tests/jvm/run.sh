#!/usr/bin/env bash
# JVM tests of the uniffi bindings: builds the native library, generates Kotlin (and Swift and
# Python, to prove they generate), compiles the generated code with Maven and runs JUnit 5 on a
# plain JVM with JNA. Extra arguments go to Maven (e.g. -Dtest=RouteLatencyBench ...).
# Needs: Rust, a JDK 17+ and Maven; Maven fetches its plugins and libraries from Maven Central.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
profile=${DLS_FFI_PROFILE:-debug}
flag=(); [ "$profile" = release ] && flag=(--release)

target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in /*) ;; *) target="$root/$target" ;; esac
# test-hooks: the diagnostics a test provokes an internal failure with
cargo build -p dls-ffi --features test-hooks --locked "${flag[@]}"
lib="$target/$profile/libdls_ffi.so"
bindgen() { cargo run -q -p dls-ffi --features test-hooks --locked --bin uniffi-bindgen -- generate --no-format --library "$lib" --config dls-ffi/uniffi.toml "$@"; }

rm -rf tests/jvm/generated
bindgen --language kotlin --out-dir tests/jvm/generated
other=$(mktemp -d)
bindgen --language swift --out-dir "$other/swift"
bindgen --language python --out-dir "$other/python"
for f in tests/jvm/generated/nl/delokalesteunpilaar/dls/dls_ffi.kt "$other/swift/Dls.swift" "$other/swift/dlsFFI.h" "$other/python/dls_ffi.py"; do
  [ -s "$f" ] || { echo "uniffi-bindgen did not generate $f" >&2; exit 1; }
done
python3 -c "import ast, sys; ast.parse(open(sys.argv[1]).read())" "$other/python/dls_ffi.py"
for f in tests/jvm/generated/nl/delokalesteunpilaar/dls/dls_ffi.kt "$other/swift/Dls.swift" "$other/python/dls_ffi.py"; do
  grep -q "Routes one household" "$f" || { echo "the Rust doc comments did not carry into $f" >&2; exit 1; }
done
echo "generated Kotlin, Swift and Python bindings, with the Rust doc comments"

cd tests/jvm
rm -rf target/surefire-reports  # counts come from these reports: no stale ones from an earlier run
echo "(one Rust panic message below is expected: a test provokes an internal failure and checks it arrives as DlsException.Internal)"
RUST_BACKTRACE=0 mvn -B -q -Ddls.lib.dir="$target/$profile" "$@" test
