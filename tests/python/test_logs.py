"""Event logs as they come: a municipal process-mining export (pm4py conventions, its own
activity names) read through a mapping, from a file and from a polars frame, checked against the
same log renamed by hand into dls's own format."""

from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl
import pytest

import dls

LOGS = Path(__file__).resolve().parents[1] / "fixtures" / "logs"
CSV = LOGS / "municipal-pm4py.csv"
MAPPING = LOGS / "municipal-pm4py.toml"


def activity_names() -> dict[str, str]:
    return tomllib.loads(MAPPING.read_text())["activities"]


def renamed_by_hand() -> pl.DataFrame:
    """The export in dls's own format, renamed with polars (not through dls's mapping): mapped
    activities renamed, the others called `other`, the organisation with a space emptied."""
    names = activity_names()
    df = pl.read_csv(CSV, infer_schema=False)
    return df.select(
        pl.col("case:concept:name").alias("case_id"),
        pl.col("time:timestamp").alias("timestamp"),
        pl.col("concept:name").replace_strict(names, default="other").alias("activity"),
        pl.when(pl.col("org:resource").str.contains(" "))
        .then(None)
        .otherwise(pl.col("org:resource"))
        .alias("organisation"),
        pl.col("kern"),
        pl.col("need"),
    )


def per_case(ev: dls.Evaluation) -> list[dict]:
    return sorted(ev.per_case(output="pyarrow").to_pylist(), key=lambda r: r["case"])


def test_a_pm4py_style_export_through_a_mapping_file():
    ev = dls.evaluate(CSV, mapping=MAPPING, disclosure="raw")
    assert (ev.rows_read, ev.rows_used) == (21, 19)
    assert ev.rejected().to_pylist() == [
        {"row": 21, "reason": "missing_value", "field": "case_id"},
        {"row": 22, "reason": "bad_timestamp", "field": "timestamp"},
    ]
    assert ev.warnings().to_pylist() == [
        {"row": 11, "kind": "field_cleared", "reason": "bad_id", "field": "organisation"},
        {"row": 15, "kind": "started_without_opened", "reason": None, "field": None},
    ]
    assert ev.unmapped_activities == {"Dossier bijgewerkt": 1, "Huisbezoek": 2}
    assert ev.ignored_columns == ["lifecycle:transition", "kanaal"]
    # The same log renamed by hand and read strictly: the same metrics, except the case
    # without an opening, which the strict reader rejects.
    strict = dls.evaluate(renamed_by_hand(), disclosure="raw")
    assert strict.rejected(output="pyarrow").to_pylist()[:2] == [
        {"row": 14, "reason": "not_opened", "field": None},
        {"row": 15, "reason": "not_opened", "field": None},
    ]
    got = [r for r in per_case(ev) if r["case"] != "Z-003"]
    assert got == per_case(strict)
    z3 = next(r for r in per_case(ev) if r["case"] == "Z-003")
    assert z3["first_contact_days"] == pytest.approx(2 / 24)


def test_a_frame_and_a_dict_mapping_give_the_file_s_answer():
    frame = pl.read_csv(CSV, infer_schema=False)
    mapping = {"preset": "pm4py", "activities": activity_names()}
    ev = dls.evaluate(frame, mapping=mapping, disclosure="raw")
    from_file = dls.evaluate(CSV, mapping=MAPPING, disclosure="raw")
    assert isinstance(ev.per_case(), pl.DataFrame)
    assert per_case(ev) == per_case(from_file)
    assert ev.unmapped_activities == from_file.unmapped_activities
    # The preset alone: every activity is `other`, every case starts at its first event.
    bare = dls.evaluate(frame, mapping="pm4py", disclosure="raw")
    assert bare.rows_used == 19
    assert sum(bare.unmapped_activities.values()) == 19


def test_bad_mappings_say_what_is_wrong():
    with pytest.raises(dls.BadInputError, match="no column `tijdstip` for `timestamp`"):
        dls.evaluate(CSV, mapping={"preset": "pm4py", "columns": {"timestamp": "tijdstip"}})
    with pytest.raises(dls.BadInputError, match="log mapping"):
        dls.evaluate(CSV, mapping={"activities": {"Aangenomen": "acepted"}})
    with pytest.raises(dls.BadInputError, match="header lacks column `case_id`"):
        dls.evaluate(CSV)


def test_the_python_readme_shows_a_mapped_export(monkeypatch):
    import re

    root = Path(__file__).resolve().parents[2]
    readme = (root / "dls-py" / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", readme, flags=re.S)
                 if "mapping=" in b)
    monkeypatch.chdir(root)
    scope: dict = {}
    exec(compile(re.sub(r"(?m)^  ", "", block), "dls-py/README.md", "exec"), scope)
    assert scope["ev"].rows_used == 19
    assert scope["ev"].unmapped_activities == {"Dossier bijgewerkt": 1, "Huisbezoek": 2}


def valid_frame() -> pl.DataFrame:
    """The export's valid rows with a real timestamp column (parsed by polars, not dls)."""
    df = pl.read_csv(CSV, infer_schema=False)
    df = df.filter(pl.col("case:concept:name").is_not_null()
                   & ~pl.col("time:timestamp").str.contains(r"^\d\d-"))
    return df.with_columns(
        pl.col("time:timestamp").str.to_datetime("%Y-%m-%d %H:%M:%S%.f%:z", time_zone="UTC"))


def test_xes_written_by_pm4py_parquet_and_frames_equal_the_csv(tmp_path):
    want = per_case(dls.evaluate(CSV, mapping=MAPPING, disclosure="raw"))
    xes = dls.evaluate(LOGS / "municipal-pm4py.xes", mapping=MAPPING, disclosure="raw")
    assert (xes.rows_read, xes.rows_used) == (19, 19)
    assert per_case(xes) == want
    frame = valid_frame()
    assert frame.schema["time:timestamp"] == pl.Datetime("us", "UTC")
    path = tmp_path / "export.parquet"
    frame.write_parquet(path, compression="zstd", row_group_size=5)
    pq = dls.evaluate(path, mapping=MAPPING, disclosure="raw")
    assert (pq.rows_read, pq.rows_used) == (19, 19)
    assert per_case(pq) == want
    assert pq.ignored_columns == ["lifecycle:transition", "kanaal"]
    assert per_case(dls.evaluate(frame, mapping=MAPPING, disclosure="raw")) == want
    assert per_case(dls.evaluate(frame.to_arrow(), mapping=MAPPING, disclosure="raw")) == want
    # An XES file without a mapping is read with the XES conventions: activities are `other`.
    bare = dls.evaluate(LOGS / "municipal-pm4py.xes", disclosure="raw")
    assert sum(bare.unmapped_activities.values()) == 19
