"""Shared fixtures of the Python tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import dls

# The small hand-made directory and rule sets shared by several test files.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def pilot() -> "dls.demo.Pilot":
    return dls.demo.haarlemmermeer()
