"""An event log from every kind of frame gives what its CSV path gives (issue 12, "frames and
LazyFrames are read column by column"): a polars DataFrame (string views over the Arrow C
stream), a polars LazyFrame (collected by polars, then read as a frame), a pyarrow Table with
large strings and one with dictionary columns; the case counts per phase checked against a
count made with polars from the raw rows."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa

import dls


def by_phase(ev) -> dict:
    df = pl.from_arrow(ev.aggregates(output="pyarrow"))
    return {r["phase"]: r["cases"] for r in df.to_dicts()}


EVENTS = Path(__file__).resolve().parents[2] / "dls-core" / "data" / "haarlemmermeer" / "events.csv"


def test_every_frame_kind_gives_the_csv_paths_answer():
    path = EVENTS
    raw = pl.read_csv(path, infer_schema=False)
    # independently: distinct cases of the `opened` rows per phase
    opened = raw.filter(pl.col("activity") == "opened")
    want = {r["phase"]: r["case_id"] for r in
            opened.group_by("phase").agg(pl.col("case_id").n_unique()).to_dicts()}
    from_path = dls.evaluate(path, by=["phase"], disclosure="raw")
    assert by_phase(from_path) == want
    table = raw.to_arrow()
    large = table.cast(pa.schema([pa.field(f.name, pa.large_string()) for f in table.schema]))
    dictionary = pa.table({n: table.column(n).dictionary_encode() for n in table.column_names})
    frames = {
        "polars DataFrame": raw,
        "polars LazyFrame": raw.lazy().filter(pl.lit(True)),
        "pyarrow large strings": large,
        "pyarrow dictionary": dictionary,
    }
    assert isinstance(frames["polars LazyFrame"], pl.LazyFrame)
    for name, frame in frames.items():
        ev = dls.evaluate(frame, by=["phase"], disclosure="raw")
        assert ev.rows_read == from_path.rows_read, name
        assert ev.rows_used == from_path.rows_used, name
        assert ev.aggregates(output="pyarrow").equals(from_path.aggregates(output="pyarrow")), name
        assert ev.per_case(output="pyarrow").equals(from_path.per_case(output="pyarrow")), name
    # and a state from a LazyFrame, as from the frame
    state = dls.EvaluationState.from_events(raw.lazy(), by=["phase"])
    assert state == dls.EvaluationState.from_events(raw, by=["phase"])
