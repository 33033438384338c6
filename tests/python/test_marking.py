"""Raw output is marked as such in every table it produces (issue 13): the aggregate and
comparison tables end in a `disclosure` column that says what they were made under in every
row, and every evaluation table carries it in its schema's metadata (pyarrow) or `attrs`
(pandas). A polars frame keeps the column (polars has no table metadata)."""

from __future__ import annotations

import json

import pytest

import dls
import eventgen

LOG = eventgen.table(400)


def labels(table) -> set:
    return set(table.column("disclosure").to_pylist())


@pytest.mark.parametrize(
    "disclosure, label",
    [
        (None, "publish"),
        ("publish", "publish"),
        ("publish:a-secret", "publish"),
        ("raw", "raw"),
        # stricter than the defaults is still `publish`
        ({"min_cases": 20, "round_to": 10}, "publish"),
        # some protection, weaker than the defaults somewhere
        ({"min_cases": 3}, "custom"),
        ({"round_to": 1}, "custom"),
        ({"secondary": False}, "custom"),
    ],
)
def test_aggregates_say_what_they_were_made_under(disclosure, label):
    ev = dls.evaluate(LOG, by=["phase"], disclosure=disclosure)
    t = ev.aggregates(output="pyarrow")
    assert t.column_names[-1] == "disclosure"
    assert t.num_rows > 0 and labels(t) == {label}
    meta = t.schema.metadata
    assert meta[b"dls.disclosure"] == label.encode()
    settings = json.loads(meta[b"dls.disclosure_settings"])
    # the settings, never the secret: only whether the key is the public default
    assert "a-secret" not in meta[b"dls.disclosure_settings"].decode()
    assert settings["key"] in ("public_default_not_for_publication", "set_by_publisher")
    # the same from the mergeable state
    st = ev.state.aggregates(disclosure=disclosure)
    assert st.column_names[-1] == "disclosure" and labels(st) == {label}


def test_raw_stays_marked_in_polars_pandas_and_csv(tmp_path):
    ev = dls.evaluate(LOG, by=["kern", "phase"], disclosure="raw")
    frame = ev.aggregates(output="polars")
    assert frame.columns[-1] == "disclosure"
    assert frame["disclosure"].unique().to_list() == ["raw"]
    pdf = ev.aggregates(output="pandas")
    assert set(pdf["disclosure"]) == {"raw"}
    assert pdf.attrs["dls.disclosure"] == "raw"
    # written out and read back, the mark is still in every row
    path = tmp_path / "agg.csv"
    frame.write_csv(path)
    lines = path.read_text().splitlines()
    assert lines[0].endswith(",disclosure")
    assert all(line.endswith(",raw") for line in lines[1:])


def test_comparisons_and_per_case_tables_are_marked():
    ev = dls.evaluate(LOG, by=["phase"], disclosure="raw")
    raw = ev.compare({"phase": "pilot"}, {"phase": "baseline"}, iterations=50,
                     disclosure="raw")
    assert raw.column_names[-1] == "disclosure" and labels(raw) == {"raw"}
    published = ev.compare({"phase": "pilot"}, {"phase": "baseline"}, iterations=50)
    assert labels(published) == {"publish"}
    assert published.schema.metadata[b"dls.disclosure"] == b"publish"
    # one row per case is raw by nature: said in the metadata, not in a column
    per_case = ev.per_case(output="pyarrow")
    assert per_case.schema.metadata[b"dls.disclosure"] == b"raw"
    assert "disclosure" not in per_case.column_names
    assert ev.per_case(output="pandas").attrs["dls.disclosure"] == "raw"


def test_frequent_problems_say_what_they_were_made_under():
    assert dls.evaluate(LOG, by=["phase"], disclosure="raw").problems["disclosure"] == "raw"
    published = dls.evaluate(LOG, by=["phase"])
    assert published.problems["disclosure"] == "publish"
    assert published.summary["problems"]["disclosure"] == "publish"
    assert published.summary["aggregates"]["disclosure"]["min_cases"] == 10
