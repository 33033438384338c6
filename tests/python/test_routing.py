"""Routing from Python: one case from a dict, a table of cases, and both agreeing."""

from __future__ import annotations

import copy
import datetime
import pickle

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import dls
from dls.routing import CASE_COLUMNS, DECISION_COLUMNS


@pytest.fixture(scope="module")
def router(pilot):
    return dls.Router(pilot.rules)


def test_route_one_case_gives_coordinator_trace_and_dict(router, pilot):
    case = pilot.cases[0]
    d = router.route(case, trace=True)
    assert isinstance(d, dls.Decision)
    assert d.case == case["id"] and d.kern == case["kern"]
    assert d.date == datetime.date.fromisoformat(case["opened"])
    primary = next(n["need"] for n in case["needs"] if n.get("primary"))
    assert d.primary["need"] == primary and d.primary["primary"] is True
    assert [n["need"] for n in d.needs][0] == primary
    assert len(d.needs) == len(case["needs"])
    # Several organisations are involved, so one coordinator is named.
    orgs = {n["organisation"] for n in d.needs} - {None}
    assert len(orgs) >= 2
    assert d.coordinator is not None
    assert set(d.coordinator) == {"service", "organisation", "basis"}
    assert d.first_contact == d.to_dict()["plan"]["first_contact"]["service"]
    # Every need carries its trace, and the decided candidate is in it.
    for n in d.needs:
        trace = d.trace[n["need"]]
        assert trace is not None
        if n["rule"]:
            decided = [c for c in trace["candidates"] if c["verdict"] == "decided"]
            assert len(decided) == 1 and decided[0]["rule"] == n["rule"]
    data = d.to_dict()
    assert data["case"] == case["id"] and data["date"] == case["opened"]
    assert f"case `{case['id']}`" in d.explain()
    assert str(d) == d.explain()


def test_date_as_date_or_string_and_trace_opt_in(router, pilot):
    case = pilot.cases[1]
    a = router.route(case, date=datetime.date(2026, 6, 1), trace=True)
    b = router.route(case, date="2026-06-01", trace=True)
    assert a == b and a.date == datetime.date(2026, 6, 1)
    assert all(v is not None for v in a.trace.values())
    fast = router.route(case, date="2026-06-01")  # no trace unless asked for
    assert all(v is None for v in fast.trace.values())
    assert fast == router.route(case, date="2026-06-01", trace=False)
    assert fast.needs == a.needs


def test_routing_errors(router, pilot):
    case = copy.deepcopy(pilot.cases[0])
    case["kern"] = "atlantis"
    with pytest.raises(dls.RoutingError, match="unknown kern"):
        router.route(case)
    undated = {k: v for k, v in pilot.cases[0].items() if k != "opened"}
    with pytest.raises(dls.RoutingError, match="no `opened` date"):
        router.route(undated)
    assert router.route(undated, date="2026-03-02").case == undated["id"]
    with pytest.raises(dls.BadInputError, match="not a valid case"):
        router.route({"id": "x", "kern": "hoofddorp"})
    with pytest.raises(dls.BadInputError, match="no primary need"):
        router.route({"id": "x", "kern": "hoofddorp", "needs": [{"need": "zorg.wmo"}]})
    with pytest.raises(dls.BadInputError, match="not a date"):
        router.route(pilot.cases[0], date="2026-13-01")


def test_case_dict_accepts_dates_and_tuples(router, pilot):
    case = copy.deepcopy(pilot.cases[0])
    reference = router.route(case)
    case["opened"] = datetime.date.fromisoformat(case["opened"])
    case["needs"] = tuple(case["needs"])
    assert router.route(case) == reference
    case["attributes"]["income_pct"] = 1.5
    with pytest.raises(dls.BadInputError, match="not a valid case"):
        router.route(case)
    with pytest.raises(dls.BadInputError, match="cannot read a value of type `object`"):
        router.route({"id": object()})


def test_router_from_directory_and_rules(pilot, fixtures):
    r = dls.Router(pilot.directory, pilot.rules)
    assert r.route(pilot.cases[0]) == dls.Router(pilot.rules).route(pilot.cases[0])
    other = dls.Directory.load(fixtures / "mini-directory.toml")
    with pytest.raises(dls.RoutingError, match="another directory"):
        dls.Router(other, pilot.rules)


def _expected_rows(router, cases):
    """The batch rows, derived from each decision's full JSON form."""
    rows = []
    for c in cases:
        d = router.route(c)
        coord = d.coordinator["organisation"] if d.coordinator else None
        for n in d.to_dict()["needs"]:
            o = n["outcome"]
            rows.append({
                "case": d.case,
                "need": n["need"],
                "primary": bool(n.get("primary", False)),
                "outcome": o["kind"],
                "service": o.get("service"),
                "organisation": o.get("organisation"),
                "rule": n.get("rule"),
                "layer": n.get("layer"),
                "gap_reason": o.get("reason"),
                "cannot_get_through": bool(n.get("cannot_get_through", False)),
                "coordinator": coord,
                "first_contact": d.first_contact,
                "error_kind": None,
                "error": None,
            })
    return rows


def test_batch_equals_per_call(router, pilot):
    table = dls.cases_table(pilot.cases)
    out = router.route_batch(table)
    assert isinstance(out, pa.Table)
    assert tuple(out.column_names) == DECISION_COLUMNS
    assert out.to_pylist() == _expected_rows(router, pilot.cases)
    # Decision.needs has the same rows, the same shape (without the error columns).
    per_call = [n for c in pilot.cases for n in router.route(c).needs]
    assert [{k: r[k] for k in DECISION_COLUMNS[:-2]} for r in out.to_pylist()] == per_call
    assert tuple(per_call[0]) == DECISION_COLUMNS[:-2]
    assert DECISION_COLUMNS[-2:] == ("error_kind", "error")
    # Kinds of outcome the pilot exercises: services, a deliberate gap, the steunpilaar.
    kinds = set(out.column("outcome").to_pylist())
    assert {"service", "gap"} <= kinds


def test_batch_with_one_date_equals_per_call_on_that_date(router, pilot):
    out = router.route_batch(dls.cases_table(pilot.cases), date="2027-01-15")
    expected = []
    for c in pilot.cases:
        expected.append(router.route(c, date="2027-01-15").to_dict())
    assert out.column("service").to_pylist() == [
        n["outcome"].get("service") for d in expected for n in d["needs"]
    ]


def test_dataframe_round_trips_polars_pandas_pyarrow(router, pilot):
    arrow = dls.cases_table(pilot.cases)
    polars_df = dls.cases_table(pilot.cases, output="polars")
    pandas_df = dls.cases_table(pilot.cases, output="pandas")
    assert isinstance(polars_df, pl.DataFrame) and isinstance(pandas_df, pd.DataFrame)
    reference = router.route_batch(arrow).to_pylist()

    out_pl = router.route_batch(polars_df)
    assert isinstance(out_pl, pl.DataFrame)
    assert out_pl.to_dicts() == reference

    out_pd = router.route_batch(pandas_df)
    assert isinstance(out_pd, pd.DataFrame)
    assert all(isinstance(t, pd.ArrowDtype) for t in out_pd.dtypes)
    assert pa.Table.from_pandas(out_pd, preserve_index=False).to_pylist() == reference

    # Output kinds can be chosen whatever the input.
    assert isinstance(router.route_batch(polars_df, output="pyarrow"), pa.Table)
    assert isinstance(router.route_batch(arrow, output="polars"), pl.DataFrame)
    with pytest.raises(dls.BadInputError, match="unknown output"):
        router.route_batch(arrow, output="excel")


def test_case_table_round_trip(pilot):
    table = dls.cases_table(pilot.cases)
    assert table.num_rows == len(pilot.cases)
    first = table.slice(0, 1).to_pylist()[0]
    case = pilot.cases[0]
    assert first["id"] == case["id"] and first["kern"] == case["kern"]
    primary = next(n["need"] for n in case["needs"] if n.get("primary"))
    assert first["needs"][0] == primary
    assert sorted(first["needs"]) == sorted(n["need"] for n in case["needs"])
    assert first["opened"] == datetime.date.fromisoformat(case["opened"])


def test_flexible_column_types(router, pilot):
    """Strings as categoricals, needs as `;`-separated text, dates as strings."""
    df = dls.cases_table(pilot.cases, output="polars")
    reference = router.route_batch(df)
    df2 = df.with_columns(
        pl.col("needs").list.join(";"),
        pl.col("kern").cast(pl.Categorical),
        pl.col("opened").cast(pl.Utf8),
        pl.col("signals").list.join(";"),
        pl.col("income_pct").cast(pl.Int32),
    )
    assert router.route_batch(df2).equals(reference)


def test_batch_gives_a_result_per_row_with_failed_rows_in_place(router, pilot):
    df = dls.cases_table(pilot.cases, output="polars")
    reference = router.route_batch(df).to_dicts()
    bad = df.with_columns(
        pl.when(pl.int_range(pl.len()) == 2)
        .then(pl.lit(["Zorg Wmo"]))
        .otherwise(pl.col("needs"))
        .alias("needs"),
        pl.when(pl.int_range(pl.len()) == 4)
        .then(pl.lit("atlantis"))
        .otherwise(pl.col("kern"))
        .alias("kern"),
    )
    out = router.route_batch(bad).to_dicts()
    failed = [r for r in out if r["outcome"] == "error"]
    assert len(failed) == 2
    row3, row5 = failed
    assert row3["case"] == pilot.cases[2]["id"] and row3["error_kind"] == "bad_input"
    assert row3["error"].startswith("row 3: field `needs`: invalid need code")
    assert "Zorg Wmo" not in row3["error"]  # the rejected value is never repeated
    assert row5["case"] == pilot.cases[4]["id"] and row5["error_kind"] == "routing"
    assert row5["error"] == "row 5: case `%s`: unknown kern (not in the directory)" % pilot.cases[4]["id"]
    for r in failed:
        assert r["need"] is None and r["service"] is None and r["rule"] is None
    # Every other case has exactly the rows it has alone, in its place.
    failed_ids = {row3["case"], row5["case"]}
    assert [r for r in out if r["case"] not in failed_ids] == [
        r for r in reference if r["case"] not in failed_ids
    ]
    assert [r["case"] for r in out] == [
        r["case"] for r in reference if r["case"] not in failed_ids or r["primary"]
    ]
    assert all(r["error_kind"] is None and r["error"] is None
               for r in out if r["outcome"] != "error")
    # What is not a table of cases at all still raises.
    with pytest.raises(dls.BadInputError, match="missing required column `kern`"):
        router.route_batch(df.drop("kern"))
    with pytest.raises(dls.BadInputError, match="__arrow_c_stream__"):
        router.route_batch([1, 2, 3])


def test_case_table_columns_are_the_documented_ones(pilot):
    # CASE_COLUMNS in Python documents what the native module reads and writes
    t = dls.cases_table(pilot.cases)
    assert tuple(t.column_names) == CASE_COLUMNS


def test_router_and_decision_pickle(router, pilot):
    r2 = pickle.loads(pickle.dumps(router))
    assert isinstance(r2, dls.Router)
    assert r2.rules.rules == router.rules.rules
    for c in pilot.cases:
        assert r2.route(c) == router.route(c)
    d = router.route(pilot.cases[0], trace=False)
    d2 = pickle.loads(pickle.dumps(d))
    assert d2 == d and d2.to_dict() == d.to_dict()
