"""The release wheel that tests/python/run.sh built (path in DLS_WHEEL) installs into a clean
virtual environment with only its declared dependencies, and works there the way the README
says: the README's Python snippet runs, and the `dls` console script it installs validates a
folder. The other tests use the same wheel, so the package is built once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import venv
from pathlib import Path

import pytest

import dls

README = Path(__file__).resolve().parents[2] / "dls-py" / "README.md"

CHECK = """
import importlib.metadata as md, json, pathlib
import dls
pilot = dls.demo.haarlemmermeer()
decision = dls.Router(pilot.rules).route(pilot.cases[0])
requires = [r for r in (md.requires("dls") or []) if "extra ==" not in r]
installed = sorted(d.metadata["Name"].lower().replace("_", "-") for d in md.distributions())
print(json.dumps({
    "version": dls.__version__, "cases": len(pilot.cases), "case": decision.to_dict()["case"],
    "typed": (pathlib.Path(dls.__file__).parent / "py.typed").exists(), "file": dls.__file__,
    "requires": requires, "installed": installed,
}))
"""


def wheel() -> Path:
    """The wheel to install; a missing one fails the test (it is never skipped)."""
    path = os.environ.get("DLS_WHEEL")
    if not path:
        pytest.fail("DLS_WHEEL is not set: run the Python tests with tests/python/run.sh")
    if not Path(path).is_file():
        pytest.fail(f"DLS_WHEEL `{path}` is not a file")
    return Path(path)


def readme_snippet() -> str:
    """The first Python code block of dls-py/README.md."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "dls-py/README.md has a Python example"
    return blocks[0]


@pytest.fixture(scope="module")
def clean_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment (no system packages) with the wheel and only what it declares."""
    env_dir = tmp_path_factory.mktemp("clean") / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel())],
        check=True, timeout=900,
    )
    return env_dir


def test_the_wheel_is_abi3_manylinux() -> None:
    name = wheel().name
    assert "-cp310-abi3-" in name, name
    assert "manylinux" in name, name


def test_the_wheel_installs_into_a_clean_environment(clean_venv: Path, tmp_path: Path) -> None:
    py = clean_venv / "bin" / "python"
    out = subprocess.run([str(py), "-c", CHECK], capture_output=True, text=True, check=True,
                         cwd=tmp_path, timeout=300)
    got = json.loads(out.stdout)
    assert got["version"] == dls.__version__
    assert got["cases"] == len(dls.demo.haarlemmermeer().cases)
    assert got["case"] == dls.demo.haarlemmermeer().cases[0]["id"]
    assert got["typed"] is True
    assert str(clean_venv) in got["file"], "imported from the new environment, not the source tree"
    # declared: pyarrow, nothing else required; the DataFrame libraries are extras only
    assert [re.split(r"[<>=!~ ;\[]", r)[0] for r in got["requires"]] == ["pyarrow"]
    for extra in ("polars", "pandas", "dask", "pyspark", "matplotlib"):
        assert extra not in got["installed"], f"{extra} came along without being asked for"


def test_the_readme_snippet_runs_in_the_clean_environment(clean_venv: Path,
                                                          tmp_path: Path) -> None:
    script = tmp_path / "snippet.py"
    script.write_text(readme_snippet())
    out = subprocess.run([str(clean_venv / "bin" / "python"), str(script)], capture_output=True,
                         text=True, cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "first_contact_days" in out.stdout  # the comparison it prints
    assert (tmp_path / "haarlemmermeer" / "rules-region.toml").exists()


def test_the_installed_dls_command_works_in_the_clean_environment(clean_venv: Path,
                                                                  tmp_path: Path) -> None:
    exe = clean_venv / "bin" / "dls"
    assert exe.exists(), "the wheel installs the `dls` console script"
    py = clean_venv / "bin" / "python"
    folder = tmp_path / "pilot"
    subprocess.run([str(py), "-c", f"import dls; dls.demo.write_folder({str(folder)!r})"],
                   check=True, timeout=120)
    ok = subprocess.run([str(exe), "validate", str(folder)], capture_output=True, text=True,
                        timeout=120)
    assert ok.returncode == 0, ok.stderr
    rules = len(dls.demo.haarlemmermeer().rules.rules)
    assert f"valid, {rules} rules" in ok.stdout
    (folder / "areas.toml").unlink()
    missing = subprocess.run([str(exe), "validate", str(folder)], capture_output=True,
                             text=True, timeout=120)
    assert missing.returncode == 1
    assert "areas.toml" in missing.stdout
    usage = subprocess.run([str(exe), "validate"], capture_output=True, text=True, timeout=120)
    assert usage.returncode == 2
