"""Evaluation from Python: inputs, per-case metrics, suppression, comparison, mergeable state."""

from __future__ import annotations

import datetime as dt
import json
import pickle

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import dls
import eventgen

ONE_CASE = [
    {"case": "c1", "at": "2026-03-02T09:00:00+01:00", "activity": "opened",
     "kern": "hoofddorp", "need": "zorg.wmo.huishouden"},
    {"case": "c1", "at": "2026-03-03T09:00:00+01:00", "activity": "first_contact",
     "organisation": "slp"},
    {"case": "c1", "at": "2026-03-04T09:00:00+01:00", "activity": "referred",
     "organisation": "gem-haarlemmermeer", "service": "wmo-loket"},
    {"case": "c1", "at": "2026-03-06T09:00:00+01:00", "activity": "rejected",
     "organisation": "gem-haarlemmermeer", "service": "wmo-loket", "reason": "full"},
    {"case": "c1", "at": "2026-03-09T09:00:00+01:00", "activity": "accepted",
     "organisation": "thuiszorg", "service": "wmo-loket", "need": "zorg.wmo.huishouden"},
    {"case": "c2", "at": "2026-03-02T10:00:00+01:00", "activity": "opened",
     "kern": "lisserbroek", "need": "zorg.wmo.huishouden"},
]


def test_per_case_metrics_and_open_durations():
    ev = dls.evaluate(ONE_CASE, by=["kern"], disclosure="raw")
    assert (ev.rows_read, ev.rows_used) == (6, 6)
    rows = {r["case"]: r for r in ev.per_case().to_pylist()}
    c1, c2 = rows["c1"], rows["c2"]
    assert c1["first_contact_days"] == 1.0
    assert c1["right_place_days"] == 7.0
    assert (c1["handoffs"], c1["bounces"], c1["reached_right_place"]) == (1, 1, True)
    assert c1["opened"] == dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc)
    # A duration that never ended is open (null), not zero, and the case is not dropped.
    assert c2["first_contact_days"] is None and c2["right_place_days"] is None
    assert c2["reached_right_place"] is False
    agg = {r["kern"]: r for r in ev.aggregates().to_pylist()}
    assert agg["lisserbroek"]["right_place_open"] == 1
    assert agg["lisserbroek"]["right_place_ended"] == 0
    assert ev.problems["rejection_reasons"] == [("full", 1)]
    assert [w["organisation"] for w in ev.problems["waits"]] == ["gem-haarlemmermeer"]


def test_inputs_agree_table_kinds_files_and_dicts(tmp_path):
    table = eventgen.table(60)
    reference = dls.evaluate(table, by=["kern", "phase"], disclosure="raw")
    ref_cases = reference.per_case().to_pylist()
    assert len(ref_cases) == 60
    # polars and pandas in: same metrics, and output of the same kind.
    pl_df = pl.from_arrow(table)
    out_pl = dls.evaluate(pl_df, by=["kern", "phase"], disclosure="raw")
    assert isinstance(out_pl.per_case(), pl.DataFrame)
    assert out_pl.per_case().to_dicts() == ref_cases
    pd_df = table.to_pandas()
    out_pd = dls.evaluate(pd_df, by=["kern", "phase"], disclosure="raw")
    assert isinstance(out_pd.aggregates(), pd.DataFrame)
    assert out_pd.per_case(output="pyarrow").to_pylist() == ref_cases
    # Files: CSV (the core's own reader) and JSON lines.
    csv = tmp_path / "events.csv"
    pl_df.with_columns(
        pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    ).write_csv(csv)
    assert dls.evaluate(csv, by=["kern", "phase"], disclosure="raw").per_case(
    ).to_pylist() == ref_cases
    jsonl = tmp_path / "events.jsonl"
    with jsonl.open("w") as f:
        for row in eventgen.events(60):
            row["timestamp"] = row["timestamp"].isoformat()
            f.write(json.dumps({k: v for k, v in row.items() if v is not None}) + "\n")
    assert dls.evaluate(str(jsonl), by=["kern", "phase"], disclosure="raw").per_case(
    ).to_pylist() == ref_cases
    assert reference.aggregates().equals(
        dls.evaluate(csv, by=["kern", "phase"], disclosure="raw").aggregates())


def test_suppression_by_default():
    table = eventgen.table(60)
    published = dls.evaluate(table, by=["kern", "phase"]).aggregates().to_pylist()
    raw = dls.evaluate(table, by=["kern", "phase"], disclosure="raw").aggregates().to_pylist()
    assert len(raw) == 10  # 5 kernen x 2 phases, 6 cases each
    # Every cell has 6 cases, published as 5 or 10 (random rounding): a cell published as 5 is
    # too small and not listed at all (a listed row would say "at least one case"); one
    # published as 10 shows figures from rounded counts only.
    assert len(published) < 10
    assert all(r["suppressed"] in (None, "secondary") for r in published)
    assert all(r["cases"] in (None, 10) for r in published)
    assert all(r["suppressed"] is None and r["cases"] == 6 for r in raw)
    # Larger cells are published, counts rounded to a multiple of 5.
    by_phase = dls.evaluate(eventgen.table(62), by=["phase"]).aggregates().to_pylist()
    assert [r["suppressed"] for r in by_phase] == [None, None]
    assert all(r["cases"] % 5 == 0 for r in by_phase)
    # 31 each, randomly rounded under the cell key: 30 (probability 4/5) or 35
    assert all(r["cases"] in (30, 35) for r in by_phase)
    custom = dls.evaluate(eventgen.table(60), by=["phase"],
                          disclosure={"min_cases": 40, "round_to": 1, "secondary": False})
    # Both phases are too small under these settings: not listed.
    assert custom.aggregates().to_pylist() == []
    with pytest.raises(dls.BadInputError, match="unknown disclosure"):
        dls.evaluate(ONE_CASE, disclosure="public")
    with pytest.raises(dls.BadInputError, match="unknown dimension"):
        dls.evaluate(ONE_CASE, by=["kernel"])


def test_pilot_versus_baseline_comparison():
    ev = dls.evaluate(eventgen.table(400), by=["phase"], disclosure="raw")
    cmp = ev.compare({"phase": "pilot"}, {"phase": "baseline"}, iterations=300)
    rows = {r["metric"]: r for r in cmp.to_pylist()}
    rp = rows["right_place_days"]
    assert rp["a_cases"] == 200 and rp["b_cases"] == 200
    assert rp["a_value"] < rp["b_value"] and rp["difference"] < 0
    assert rp["ci_low"] <= rp["difference"] <= rp["ci_high"] and rp["ci_high"] < 0
    assert rows["bounces"]["difference"] < 0
    assert not rp["suppressed"]
    # Published comparisons of small selections are suppressed.
    small = dls.evaluate(eventgen.table(12), by=["phase"])
    s = {r["metric"]: r for r in small.compare({"phase": "pilot"}, {"phase": "baseline"},
                                                iterations=50).to_pylist()}
    assert s["right_place_days"]["suppressed"] and s["right_place_days"]["a_value"] is None
    with pytest.raises(dls.BadInputError, match="bad selection `a`"):
        ev.compare({"fase": "pilot"}, {"phase": "baseline"})


def test_rejected_rows_are_counted_with_their_row():
    table = eventgen.table(3)
    rows = table.to_pylist()
    rows[1]["activity"] = "phoned"
    ev = dls.evaluate(pa.Table.from_pylist(rows, schema=table.schema), disclosure="raw")
    assert ev.rows_read == len(rows) and ev.rows_used == len(rows) - 1
    assert ev.rejected().to_pylist() == [
        {"row": 2, "reason": "unknown_activity", "field": "activity"}]


def test_bad_event_input():
    with pytest.raises(dls.BadInputError, match="event log header lacks column `case_id`"):
        dls.evaluate(pa.table({"x": [1]}))
    with pytest.raises(dls.BadInputError, match="event 1"):
        dls.evaluate([{"case": "c1", "activity": "opened"}])
    with pytest.raises(dls.BadInputError, match="cannot tell the format"):
        dls.evaluate("events.xlsx")
    with pytest.raises(dls.MissingFileError, match="cannot find"):
        dls.evaluate("/nonexistent/events.csv")


def test_state_merges_across_partitions_and_pickles():
    table = eventgen.table(300)
    whole = dls.EvaluationState.from_events(table, by=["kern", "phase"])
    # Partitions by case (events of one case stay together), in any order.
    ids = table.column("case_id").to_pylist()
    parts = []
    for k in range(3):
        mask = pa.array([int(c[1:]) % 3 == k for c in ids])
        parts.append(dls.EvaluationState.from_events(table.filter(mask), by=["kern", "phase"]))
    merged = dls.EvaluationState.empty(by=["kern", "phase"]).merge(parts[2], parts[0], parts[1])
    assert merged == whole
    assert merged.cases == 300
    assert merged.aggregates().equals(whole.aggregates())
    assert merged.aggregates(disclosure="raw").equals(
        dls.evaluate(table, by=["kern", "phase"], disclosure="raw").aggregates())
    assert parts[0].merge([parts[1], parts[2]]) == whole
    again = pickle.loads(pickle.dumps(merged))
    assert again == merged and again.summary() == merged.summary()
    with pytest.raises(dls.EvaluationError, match="different dimensions"):
        whole.merge(dls.EvaluationState.empty(by=["kern"]))


def test_pilot_events_from_the_demo_as_table_and_file(pilot, tmp_path):
    table = pilot.events()
    assert table.num_rows == pilot.events_csv.count("\n") - 1
    ev = dls.evaluate(table, by=["phase"], directory=pilot.directory)
    assert ev.rows_read == ev.rows_used == table.num_rows
    path = tmp_path / "events.csv"
    path.write_text(pilot.events_csv)
    from_file = dls.evaluate(path, by=["phase"], directory=pilot.directory)
    assert from_file.per_case().equals(ev.per_case())
    assert from_file.aggregates().equals(ev.aggregates())
    # The pilot reaches the right place faster than the baseline.
    rows = {r["metric"]: r for r in ev.compare({"phase": "pilot"}, {"phase": "baseline"},
                                                iterations=200).to_pylist()}
    assert rows["right_place_days"]["difference"] < 0
    assert isinstance(pilot.events(output="polars"), pl.DataFrame)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_shuffled_log_gives_the_same_evaluation(seed):
    # The pilot's event log with its rows in another order, as a log exported by another
    # system may come: every per-case metric, every published and raw cell and the rejection
    # reasons equal those of the log in file order (the core orders events per case by time).
    events = dls.demo.haarlemmermeer().events(output="polars")
    shuffled = events.sample(fraction=1.0, shuffle=True, seed=seed)
    assert shuffled["case_id"].to_list() != events["case_id"].to_list()
    for disclosure in ("publish", "raw"):
        a = dls.evaluate(events, by=["kern", "phase"], disclosure=disclosure)
        b = dls.evaluate(shuffled, by=["kern", "phase"], disclosure=disclosure)
        assert b.per_case().to_dicts() == a.per_case().to_dicts()
        assert b.aggregates().to_dicts() == a.aggregates().to_dicts()
        reasons = lambda ev: sorted(r["reason"] for r in ev.rejected().to_dicts())  # noqa: E731
        assert reasons(b) == reasons(a)
