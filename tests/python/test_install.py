"""`pip install ./dls-py` builds the abi3 wheel with maturin and installs a working package into a
clean virtual environment (the way an analyst installs it, not the editable build the other
tests use)."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import dls

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import pathlib
import dls
pilot = dls.demo.haarlemmermeer()
decision = dls.Router(pilot.rules).route(pilot.cases[0])
print(dls.__version__, len(pilot.cases), decision.to_dict()["case"],
      (pathlib.Path(dls.__file__).parent / "py.typed").exists(), dls.__file__)
"""


def test_pip_install_gives_an_importable_package(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         str(ROOT / "dls-py")],
        check=True, timeout=1800,
    )
    out = subprocess.run([str(py), "-c", CHECK], capture_output=True, text=True, check=True,
                         cwd=tmp_path, timeout=300)
    version, cases, case, typed, location = out.stdout.split()
    assert version == dls.__version__
    assert int(cases) == len(dls.demo.haarlemmermeer().cases)
    assert case == dls.demo.haarlemmermeer().cases[0]["id"]
    assert typed == "True"
    assert str(env_dir) in location, "imported from the new environment, not the source tree"
