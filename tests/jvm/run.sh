#!/usr/bin/env bash
# JVM tests of the uniffi bindings, against the JVM artifact a user gets: dls-ffi/jvm/build.sh
# builds the release native library once (with the `test-hooks` feature: the diagnostics a
# test provokes an internal failure with), generates the Kotlin and packs both into the jar
# nl.delokalesteunpilaar:dls:0.1.0 (installed in the local Maven repository). The JUnit tests
# here depend on that jar only (with its declared JNA and Kotlin stdlib): no jna.library.path.
# Swift and Python are generated from the same library, to prove they generate.
# Extra arguments go to Maven (e.g. -Dtest=RouteLatencyBench ...).
# Needs: Rust, a JDK 17+ and Maven; Maven fetches its plugins and libraries from Maven Central.
# Respects CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in /*) ;; *) target="$root/$target" ;; esac

DLS_FFI_FEATURES=test-hooks bash dls-ffi/jvm/build.sh
lib="$target/release/libdls_ffi.so"
bindgen() { "$target/release/uniffi-bindgen" generate --no-format --library "$lib" --config dls-ffi/uniffi.toml "$@"; }

kotlin=dls-ffi/jvm/target/generated-kotlin/nl/delokalesteunpilaar/dls/dls_ffi.kt
other=$(mktemp -d)
bindgen --language swift --out-dir "$other/swift"
bindgen --language python --out-dir "$other/python"
for f in "$kotlin" "$other/swift/Dls.swift" "$other/swift/dlsFFI.h" "$other/python/dls_ffi.py"; do
  [ -s "$f" ] || { echo "uniffi-bindgen did not generate $f" >&2; exit 1; }
done
python3 -c "import ast, sys; ast.parse(open(sys.argv[1]).read())" "$other/python/dls_ffi.py"
for f in "$kotlin" "$other/swift/Dls.swift" "$other/python/dls_ffi.py"; do
  grep -q "Routes one household" "$f" || { echo "the Rust doc comments did not carry into $f" >&2; exit 1; }
done
echo "generated Kotlin, Swift and Python bindings, with the Rust doc comments"

cd tests/jvm
rm -rf target/surefire-reports  # counts come from these reports: no stale ones from an earlier run
echo "(one Rust panic message below is expected: a test provokes an internal failure and checks it arrives as DlsException.Internal)"
RUST_BACKTRACE=0 mvn -B -q "$@" test
