"""The examples and the README's Python snippet run as written."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_analyst_example_draws_the_chart(tmp_path, capsys):
    png = load("analyst").main(tmp_path)
    assert png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "right_place_days" in out and "coordinator" in out


def test_dask_national_example_small():
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "dask_national.py"), "--cases", "20000",
         "--partitions", "4"],
        capture_output=True, text=True, timeout=300, check=True,
    )
    assert "20,000 cases" in run.stdout
    assert "pilot" in run.stdout and "baseline" in run.stdout


def test_readme_snippet(tmp_path, monkeypatch):
    """The Python block of the README runs as written, and does what it says."""
    import re

    monkeypatch.chdir(tmp_path)  # it writes the pilot report into the working directory

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "the README has a Python example"
    scope: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), scope)
    assert scope["gaps"].height > 0 and scope["gaps"]["gap"].any()
    assert scope["decisions"].height >= len(scope["pilot"].cases)
    assert scope["ev"].aggregates().height > 0
    cmp = scope["ev"].compare({"phase": "pilot"}, {"phase": "baseline"})
    assert "right_place_days" in cmp["metric"].to_list()
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and 'id="coverage-table"' in report
