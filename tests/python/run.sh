#!/usr/bin/env bash
# Builds the Python package `dls` once, as the release wheel an analyst installs, and tests it:
# pytest (JUnit XML to the path given as $1) and mypy's stubtest, which checks the hand-written
# stubs against the built module. test_install.py installs the same wheel into a clean virtual
# environment (DLS_WHEEL). Needs only python3 and a Rust toolchain; installs the rest from PyPI.
#
#   bash tests/python/run.sh [junit.xml]
#
# DLS_VENV chooses the virtual environment (default: .venv at the repository root; reused when
# it exists). The wheel goes to target/wheels/ (the build reuses the workspace's target/release).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
junit=${1:-$root/target/pytest.xml}
venv=${DLS_VENV:-$root/.venv}
wheels=$root/target/wheels

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
py="$venv/bin/python"
pip=("$py" -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" --upgrade pip
"${pip[@]}" "maturin>=1.5,<2" pytest polars pandas pyarrow "dask[distributed]" mypy matplotlib jsonschema
# the report's browser test (selenium driving Debian's headless chromium) and the Spark helper's
"${pip[@]}" selenium "pyspark>=3.4"
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  # test_report.py fails (never skips) when these are missing
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium chromium-driver >/dev/null \
    || echo "run.sh: could not install chromium and chromium-driver with apt-get" >&2
fi
# FHIR models (R4B) and an OpenAPI 3.0 validator for the exchange tests (test_exchange.py).
"${pip[@]}" "fhir.resources>=8,<9" "openapi-schema-validator>=0.6" pyyaml

# One release build: the abi3 wheel, installed here and (by test_install.py) in a clean venv.
# The test build adds the `test-hooks` feature (`_dls._panic_for_tests`, to prove a panic
# arrives as dls.InternalError); a wheel for users is `maturin build --release` without it.
rm -f "$wheels"/dls-*.whl
(cd "$root/dls-py" && "$venv/bin/maturin" build --release --quiet --features test-hooks --interpreter "$py" -o "$wheels")
wheels_built=("$wheels"/dls-*.whl)
[ "${#wheels_built[@]}" -eq 1 ] && [ -f "${wheels_built[0]}" ] || {
  echo "run.sh: expected one dls wheel in $wheels, found: ${wheels_built[*]}" >&2; exit 1; }
export DLS_WHEEL=${wheels_built[0]}
"${pip[@]}" --force-reinstall --no-deps "$DLS_WHEEL"

cd "$root"
"$py" -m pytest tests/python --junitxml "$junit" -p no:cacheprovider -q
# The stubs must match the module.
"$py" -m mypy.stubtest dls
