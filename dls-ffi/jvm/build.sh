#!/usr/bin/env bash
# Builds the JVM artifact of dls: the release native library (once), the Kotlin uniffi generates
# from it, and with Maven one jar (Kotlin classes + `linux-x86-64/libdls_ffi.so`) and a
# `-sources` jar, installed into the local Maven repository as nl.delokalesteunpilaar:dls:0.1.0.
#
#   bash dls-ffi/jvm/build.sh            # the jar for users
#   DLS_FFI_FEATURES=test-hooks bash dls-ffi/jvm/build.sh   # what tests/jvm/run.sh uses
#
# Respects CARGO_TARGET_DIR. Extra arguments go to Maven. Other platforms: put their library in
# dls-ffi/jvm/target/native/<jna-platform>/ before Maven packages (see the README, "JVM").
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in /*) ;; *) target="$root/$target" ;; esac
features=${DLS_FFI_FEATURES:-}
feat=(); [ -n "$features" ] && feat=(--features "$features")

# One release build: the library and the workspace's uniffi-bindgen binary together.
cargo build -p dls-ffi --release --locked "${feat[@]}"
lib="$target/release/libdls_ffi.so"
[ -s "$lib" ] || { echo "build.sh: no native library at $lib" >&2; exit 1; }

jvm="$root/dls-ffi/jvm"
generated="$jvm/target/generated-kotlin"
native="$jvm/target/native"
rm -rf "$generated" "$native/linux-x86-64"
"$target/release/uniffi-bindgen" generate --no-format --library "$lib" \
  --config dls-ffi/uniffi.toml --language kotlin --out-dir "$generated"
mkdir -p "$native/linux-x86-64"
cp "$lib" "$native/linux-x86-64/libdls_ffi.so"
# the library carries line tables for profiling (the release profile); the jar does not need them
strip --strip-debug "$native/linux-x86-64/libdls_ffi.so" 2>/dev/null || true

cd "$jvm"
mvn -B -q "$@" install
ls -l "$jvm"/target/dls-0.1.0.jar "$jvm"/target/dls-0.1.0-sources.jar
