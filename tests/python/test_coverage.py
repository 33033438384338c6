"""Coverage from Python: the table of gaps and overlaps of a rule set."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import dls
from dls._coverage import COVERAGE_COLUMNS


def test_coverage_table_of_the_pilot(pilot):
    t = dls.coverage(pilot.rules, dt.date(2026, 6, 1), output="polars")
    assert tuple(t.columns) == COVERAGE_COLUMNS
    # One row per kern x need x age band, no duplicates.
    assert t.select("kern", "need", "age_band").is_duplicated().sum() == 0
    # The gap flag follows the status; a deliberate gap (respite care is not contracted).
    gaps = t.filter(pl.col("gap"))
    assert set(gaps["status"].unique()) <= {"steunpilaar", "not_covered", "gap"}
    assert set(t.filter(~pl.col("gap"))["status"].unique()) <= {"covered", "escalation"}
    respite = t.filter(
        (pl.col("need") == "zorg.mantelzorg.respijt") & (pl.col("municipality") == "GM0394"))
    assert respite.height > 0 and (respite["status"] == "not_covered").all()
    assert respite["gap"].all()
    # Overlaps name two or more organisations at equal standing.
    overlaps = t.filter(pl.col("overlap"))
    assert overlaps.height > 0
    assert (overlaps["overlapping_organisations"].list.len() >= 2).all()
    assert "hoofddorp" in set(overlaps["kern"])


def test_coverage_selections_and_municipality(pilot):
    everything = dls.coverage(pilot.rules, "2026-06-01")
    n_gaps = sum(everything.column("gap").to_pylist())
    n_overlaps = sum(everything.column("overlap").to_pylist())
    assert dls.coverage(pilot.rules, "2026-06-01", only="gaps").num_rows == n_gaps
    assert dls.coverage(pilot.rules, "2026-06-01", only="overlaps").num_rows == n_overlaps
    problems = dls.coverage(pilot.rules, "2026-06-01", only="problems")
    assert all(g or o for g, o in zip(problems.column("gap").to_pylist(),
                                      problems.column("overlap").to_pylist()))
    local = dls.coverage(pilot.rules, "2026-06-01", municipality="GM0394", output="pandas")
    assert set(local["municipality"]) == {"GM0394"}
    assert 0 < len(local) < everything.num_rows
    with pytest.raises(dls.BadInputError, match="unknown selection"):
        dls.coverage(pilot.rules, "2026-06-01", only="holes")
    with pytest.raises(dls.BadInputError):
        dls.coverage(pilot.rules, "2026-06-01", municipality="Haarlemmermeer")
    with pytest.raises(dls.BadInputError, match="not a date"):
        dls.coverage(pilot.rules, "1 June")
