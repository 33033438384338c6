"""Extra columns as grouping dimensions (issue 12): a mapping's `dimensions` group aggregates
like any built-in dimension, from a CSV, Parquet or XES path and from a polars frame; each case
takes the value of its earliest event that states one (at one instant, the smallest), checked
against the rule computed with polars; an unknown dimension is a BadInputError listing those
there are."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import dls

LOGS = Path(__file__).resolve().parents[1] / "fixtures" / "logs"
CSV = LOGS / "municipal-pm4py.csv"


def mapping(**more) -> dict:
    m = tomllib.loads((LOGS / "municipal-pm4py.toml").read_text())
    return {**m, "dimensions": ["kanaal"], **more}


def cases_by(table, *dims: str) -> dict:
    df = pl.from_arrow(table) if not isinstance(table, pl.DataFrame) else table
    return {tuple(r[d] for d in dims): r["cases"] for r in df.to_dicts()}


def reference(df: pl.DataFrame, case: str, at: str, dim: str) -> dict:
    """Cases per value by the documented rule, computed with polars: the earliest instant that
    states a value, the smallest value stated there; cases that state none under None."""
    stated = (
        df.filter(pl.col(dim).is_not_null())
        .group_by(case)
        .agg(pl.col(dim).sort_by([pl.col(at), pl.col(dim)]).first())
    )
    cases = df.select(pl.col(case).unique())
    per_case = cases.join(stated, on=case, how="left")
    counts = per_case.group_by(dim).len()
    return {(r[dim],): r["len"] for r in counts.to_dicts()}


def valid_rows() -> pl.DataFrame:
    """The export's rows that dls uses (a case id and an ISO timestamp), timestamps parsed by
    polars."""
    df = pl.read_csv(CSV, infer_schema=False)
    df = df.filter(pl.col("case:concept:name").is_not_null()
                   & ~pl.col("time:timestamp").str.contains(r"^\d\d-"))
    return df.with_columns(
        pl.col("time:timestamp").str.to_datetime("%Y-%m-%d %H:%M:%S%.f%:z", time_zone="UTC"))


def test_the_export_groups_by_its_channel_in_every_format(tmp_path):
    want = reference(valid_rows(), "case:concept:name", "time:timestamp", "kanaal")
    assert want == {("telefoon",): 1, ("loket",): 1, (None,): 2}
    pq = tmp_path / "export.parquet"
    valid_rows().write_parquet(pq)
    committed = LOGS / "municipal-pm4py.parquet"  # the JVM tests' Parquet file
    for events in [CSV, LOGS / "municipal-pm4py.xes", pq, committed, valid_rows()]:
        ev = dls.evaluate(events, mapping=mapping(), by=["kanaal"], disclosure="raw")
        assert cases_by(ev.aggregates(output="polars"), "kanaal") == want, events
        assert "kanaal" not in ev.ignored_columns
    per_case = pl.from_arrow(dls.evaluate(CSV, mapping=mapping(), disclosure="raw").per_case())
    assert dict(zip(per_case["case"], per_case["kanaal"])) == {
        "Z-001": "telefoon", "Z-002": "loket", "Z-003": None, "Z-004": None}


def test_random_logs_follow_the_rule_and_the_order_does_not_matter(tmp_path):
    rng = np.random.default_rng(12)
    n = 4000
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    channels = np.array(["web", "balie", "telefoon", "post", None], dtype=object)
    df = pl.DataFrame({
        "case_id": [f"c{i}" for i in rng.integers(0, 400, n)],
        "timestamp": [start + dt.timedelta(minutes=int(m)) for m in rng.integers(0, 60, n)],
        "activity": rng.choice(["contact_attempted", "first_contact", "referred"], n),
        "organisation": rng.choice(["wijkteam", "thuiszorg", "steunpunt"], n),
        "channel": rng.choice(channels, n),
    })
    m = {"without_opened": "start_at_first_event", "dimensions": ["channel"]}
    ev = dls.evaluate(df, mapping=m, by=["channel"], disclosure="raw")
    # Exact repeats of an event (same case, instant, activity, organisation) are duplicates:
    # the one kept states the smallest channel, so the rule holds over every row.
    assert cases_by(ev.aggregates(output="polars"), "channel") == reference(
        df, "case_id", "timestamp", "channel")
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=3)
    path = tmp_path / "shuffled.csv"
    shuffled.with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%:z")).write_csv(path)
    again = dls.evaluate(path, mapping=m, by=["channel"], disclosure="raw")
    assert again.aggregates().equals(ev.aggregates(output="pyarrow"))


def test_an_unknown_dimension_lists_the_dimensions_there_are():
    with pytest.raises(dls.BadInputError, match="unknown dimension: the dimensions are `kern`, "
                       r".*`week`, `kanaal`$"):
        dls.evaluate(CSV, mapping=mapping(), by=["kanal"])
    with pytest.raises(dls.BadInputError, match="`dimensions` names `kern`, a built-in"):
        dls.evaluate(CSV, mapping=mapping(dimensions=["kern"]))
    with pytest.raises(dls.BadInputError, match="no column `channel` for `dimension`"):
        dls.evaluate(CSV, mapping=mapping(dimensions=["channel"]))


def test_published_figures_suppress_small_channels():
    ev = dls.evaluate(CSV, mapping=mapping(), by=["kanaal"])
    # every channel of this small log is too small to publish: none is listed (a listed
    # "suppressed" row would tell an attacker the group held 1 to 9 cases; issue 13)
    assert pl.from_arrow(ev.aggregates()).height == 0
    raw_ev = dls.evaluate(CSV, mapping=mapping(), by=["kanaal"], disclosure="raw")
    raw = pl.from_arrow(raw_ev.aggregates()).to_dicts()
    assert raw and all(0 < r["cases"] < 10 for r in raw), raw


def test_a_state_by_channel_merges_with_an_empty_one():
    s = dls.EvaluationState.from_events(CSV, by=["kanaal"], mapping=mapping())
    assert s.by == ["kanaal"]
    merged = dls.EvaluationState.empty(by=["kanaal"]).merge(s)
    assert merged == s
    assert dls.EvaluationState.from_bytes(s.to_bytes()) == s


def test_deadlines_are_computed_when_asked_for():
    deadlines = Path(__file__).resolve().parents[1] / "fixtures" / "deadlines"
    ev = dls.evaluate(deadlines / "events.csv", legal=deadlines / "legal.json",
                      as_of=dt.datetime(2026, 6, 1, 12, tzinfo=dt.timezone.utc))
    # Asked for in either order, the same rows.
    assert ev.uncovered_years == [2028]
    first = ev.deadlines().to_pylist()
    assert ev.deadlines().to_pylist() == first and len(first) == 4
