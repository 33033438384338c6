"""`dls evaluate -o out.parquet` and `dls route -o decisions.parquet` (the CLI the wheel
installs, run through dls.cli), read back with pyarrow's own Parquet reader and compared with
what the Python API publishes for the same input: same rows, same values, nulls where a figure
does not exist."""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import dls
import dls.cli

REPO_PILOT = Path(__file__).resolve().parents[2] / "dls-core" / "data" / "haarlemmermeer"


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-12)
    return a == b


def test_evaluate_parquet_equals_the_published_aggregates(tmp_path: Path, pilot) -> None:
    out = tmp_path / "out.parquet"
    events = REPO_PILOT / "events.csv"
    assert dls.cli.main(["dls", "evaluate", str(events), "--by", "kern,phase",
                         "--directory", str(REPO_PILOT), "-o", str(out), "--quiet"]) == 0
    got = pq.read_table(out)
    want = dls.evaluate(str(events), by=["kern", "phase"],
                        directory=pilot.directory).aggregates(output="pyarrow")
    assert got.schema.field("cases").type == pa.uint64()
    assert got.schema.field("right_place_median_days").type == pa.float64()
    got_rows, want_rows = got.to_pylist(), want.to_pylist()
    assert len(got_rows) == len(want_rows) > 0
    for g, w in zip(got_rows, want_rows):
        for col in got.column_names:
            assert same(g[col], w[col]), (col, g[col], w[col])
    # suppressed cells (secondary; cells too small are not listed): null figures, never 0
    hidden = [g for g in got_rows if g["suppressed"] is not None]
    assert all(g["suppressed"] == "secondary" for g in hidden)
    assert all(g["right_place_median_days"] is None and g["cases"] is None for g in hidden)


def test_route_parquet_equals_the_batch_decisions(tmp_path: Path, pilot) -> None:
    cases = tmp_path / "cases.csv"
    rows = [("p1", "hoofddorp", "zorg.wmo.begeleiding", "70"),
            ("p2", "nieuw-vennep", "sociale_zaken.schulden.hulp;zorg.wmo.begeleiding", "40")]
    cases.write_text("id,kern,needs,age\n" + "".join(",".join(r) + "\n" for r in rows))
    out = tmp_path / "decisions.parquet"
    assert dls.cli.main(["dls", "route", str(REPO_PILOT), str(cases), "-o", str(out),
                         "--date", "2026-03-02", "--quiet"]) == 0
    got = pq.read_table(out)
    assert got.schema.field("primary").type == pa.bool_()
    # the same cases through the Python API's batch routing
    table = pa.table({"id": [r[0] for r in rows], "kern": [r[1] for r in rows],
                      "needs": [r[2] for r in rows], "age": [int(r[3]) for r in rows]})
    want = dls.Router(pilot.rules).route_batch(table, "2026-03-02", output="pyarrow")
    assert got.num_rows == want.num_rows == 3
    for col in want.column_names:
        assert got.column(col).to_pylist() == want.column(col).to_pylist(), col
