#!/usr/bin/env bash
# Builds the Python package `dls` into a virtual environment and runs its tests: pytest (JUnit XML
# to the path given as $1) and mypy's stubtest, which checks the hand-written stubs against the
# built module. Needs only python3 and a Rust toolchain; installs the rest from PyPI.
#
#   bash tests/python/run.sh [junit.xml]
#
# DLS_VENV chooses the virtual environment (default: .venv at the repository root; reused when
# it exists).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
junit=${1:-$root/target/pytest.xml}
venv=${DLS_VENV:-$root/.venv}

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
py="$venv/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$py" -m pip install --quiet --disable-pip-version-check \
  "maturin>=1.5,<2" pytest polars pandas pyarrow "dask[distributed]" mypy matplotlib

# Build and install the extension into the venv (editable, debug profile: quick to build).
(cd "$root/dls-py" && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" "$venv/bin/maturin" develop --quiet)

cd "$root"
"$py" -m pytest tests/python --junitxml "$junit" -p no:cacheprovider -q
# The stubs must match the module.
"$py" -m mypy.stubtest dls
