"""The release wheel that tests/python/run.sh built (path in DLS_WHEEL) installs into a clean
virtual environment and works there: the way an analyst installs it. The other tests use the
same wheel, so the package is built once."""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

import pytest

import dls

CHECK = """
import pathlib
import dls
pilot = dls.demo.haarlemmermeer()
decision = dls.Router(pilot.rules).route(pilot.cases[0])
print(dls.__version__, len(pilot.cases), decision.to_dict()["case"],
      (pathlib.Path(dls.__file__).parent / "py.typed").exists(), dls.__file__)
"""


def wheel() -> Path:
    """The wheel to install; a missing one fails the test (it is never skipped)."""
    path = os.environ.get("DLS_WHEEL")
    if not path:
        pytest.fail("DLS_WHEEL is not set: run the Python tests with tests/python/run.sh")
    if not Path(path).is_file():
        pytest.fail(f"DLS_WHEEL `{path}` is not a file")
    return Path(path)


def test_the_wheel_installs_into_a_clean_environment(tmp_path: Path) -> None:
    built = wheel()
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(built)],
        check=True, timeout=600,
    )
    out = subprocess.run([str(py), "-c", CHECK], capture_output=True, text=True, check=True,
                         cwd=tmp_path, timeout=300)
    version, cases, case, typed, location = out.stdout.split()
    assert version == dls.__version__
    assert int(cases) == len(dls.demo.haarlemmermeer().cases)
    assert case == dls.demo.haarlemmermeer().cases[0]["id"]
    assert typed == "True"
    assert str(env_dir) in location, "imported from the new environment, not the source tree"
