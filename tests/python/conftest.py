"""Shared fixtures of the Python tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import dls

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def pilot() -> "dls.demo.Pilot":
    return dls.demo.haarlemmermeer()
