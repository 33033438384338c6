"""Age in whole years from Python: an int column in cases_table and route_batch, the boundaries
of a 65+ service and an adult one, bad ages with their place, and coverage split inside a band;
the world and its answers are the shared fixture tests/fixtures/ages/ (Rust and Kotlin read it too)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import polars as pl
import pytest

import dls

WORLD = Path(__file__).resolve().parents[1] / "fixtures" / "ages"
EXPECTED = json.loads((WORLD / "expected.json").read_text())
DATE = EXPECTED["date"]
ROUTES = EXPECTED["routes"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    directory = dls.Directory.load(WORLD / "directory.toml")
    rules = dls.RuleSet.load(directory, WORLD / "rules.toml")
    return rules, dls.Router(rules)


def cases(need, ages, age_type=pl.Int64, kerns=None):
    return pl.DataFrame(
        {
            "id": [f"c{i}" for i in range(len(ages))],
            "kern": kerns or ["dorp"] * len(ages),
            "needs": [[need]] * len(ages) if isinstance(need, str) else need,
            "age": pl.Series(ages, dtype=age_type),
            "opened": [DATE] * len(ages),
        }
    )


@pytest.mark.parametrize("age_type", [pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8])
def test_every_fixture_route_from_an_int_age_column_of_any_width(world, age_type):
    _, router = world
    if age_type == pl.Int8:
        # 130 does not fit an 8-bit signed integer
        routes = [r for r in ROUTES if r["age"] is None or r["age"] <= 127]
    else:
        routes = ROUTES
    assert any(r["age"] is None for r in routes)
    t = cases([[r["need"]] for r in routes], [r["age"] for r in routes], age_type,
              kerns=[r.get("kern", "dorp") for r in routes])
    assert t.schema["age"] == age_type and t["age"].null_count() >= 1
    for table in (t, t.to_arrow(), t.to_pandas()):
        out = router.route_batch(table, output="polars")
        assert out["service"].to_list() == [r["service"] for r in routes], age_type
        assert out["rule"].to_list() == [r["rule"] for r in routes], age_type
    # one case as a dict gives the same answer as its row
    for r in routes:
        one = {"id": "x", "kern": r.get("kern", "dorp"),
               "needs": [{"need": r["need"], "primary": True}]}
        if r["age"] is not None:
            one["attributes"] = {"age": r["age"]}
        assert router.route(one, date=DATE).needs[0]["service"] == r["service"], r


def test_school_help_holds_from_4_through_11(world):
    _, router = world
    out = router.route_batch(cases("zorg.school", list(range(18))))
    taken = [y for y, s in enumerate(out["service"].to_list()) if s == "jeugdteam"]
    assert taken == EXPECTED["school_ages"]


def test_a_65_plus_service_takes_65_and_older(world):
    _, router = world
    out = router.route_batch(cases("zorg.advies", [64, 65, 66, 67]))
    assert out["service"].to_list() == [
        "algemeen-advies",
        "ouderenadviseur",
        "ouderenadviseur",
        "ouderenadviseur",
    ]
    # one case as a dict gives the same answer as its row
    one = router.route(
        {"id": "x", "kern": "dorp", "needs": [{"need": "zorg.advies", "primary": True}],
         "attributes": {"age": 65}},
        date="2026-03-01",
    )
    assert one.needs[0]["service"] == "ouderenadviseur"


def test_adult_services_start_at_18_whatever_the_integer_type(world):
    _, router = world
    for dtype in (pl.Int64, pl.Int32, pl.UInt8, pl.Int8):
        out = router.route_batch(cases("zorg.wmo", [17, 18], dtype))
        assert out["service"].to_list() == ["jeugdteam", "wmo-loket"], dtype


def test_a_pandas_float_column_with_missing_ages_reads_when_every_age_is_whole(world):
    _, router = world
    df = cases("zorg.advies", [64, 65, 66]).to_pandas()
    df["age"] = pd.Series([64.0, None, 66.0])
    assert df["age"].dtype == "float64"
    out = router.route_batch(df, output="polars")
    # no age stated: the 65+ service does not take it
    assert out["service"].to_list() == ["algemeen-advies", "algemeen-advies", "ouderenadviseur"]


def test_bad_ages_are_refused_with_their_place_and_never_repeated(world):
    _, router = world
    out = router.route_batch(cases("zorg.advies", [70, 131, -3])).to_dicts()
    assert out[0]["service"] == "ouderenadviseur"
    assert out[1]["error_kind"] == "bad_input"
    assert out[1]["error"] == "row 2: field `age`: age above 130 years"
    assert out[2]["error"] == "row 3: field `age`: age below 0"
    bad = EXPECTED["bad_ages"]
    for age_type in (pl.Int16, pl.Int32, pl.Int64):
        out = router.route_batch(cases("zorg.advies", [70] + [b["age"] for b in bad], age_type)).to_dicts()
        assert out[0]["service"] == "ouderenadviseur"
        for i, b in enumerate(bad, start=2):
            assert out[i - 1]["error_kind"] == "bad_input"
            assert out[i - 1]["error"] == f"row {i}: " + b["error"]
            assert str(abs(b["age"])) not in out[i - 1]["error"].split(": ", 1)[1]
    with pytest.raises(dls.BadInputError, match="not a whole number") as e:
        router.route_batch(cases("zorg.advies", [70.0, 64.5], pl.Float64))
    assert e.value.row == 2 and e.value.field == "age"
    assert "64" not in str(e.value)
    case = {"id": "x", "kern": "dorp", "needs": [{"need": "zorg.advies", "primary": True}]}
    for age, why in [(131, "age above 130 years"), (47.5, "not a whole number"), ("47", "not a whole number")]:
        with pytest.raises(dls.BadInputError, match=why):
            router.route({**case, "attributes": {"age": age}}, date="2026-03-01")
    # a dict key that is not a field is not repeated (keys of host data may be anything); the
    # fields that exist are listed
    # an attribute the vocabulary does not declare is refused by the core, pointing to `age`
    with pytest.raises(dls.RoutingError, match="unknown attribute `age_band`; did you mean `age`"):
        router.route({**case, "attributes": {"age_band": "senior"}}, date="2026-03-01")


def test_cases_table_writes_age_as_an_int_column(pilot):
    t = dls.cases_table(pilot.cases, output="polars")
    assert "age_band" not in t.columns
    assert t.schema["age"].is_integer()
    assert t["age"].to_list() == [c.get("attributes", {}).get("age") for c in pilot.cases]
    # and reads back as the same ages
    assert dls.cases_table(pilot.cases)["age"].to_pylist() == t["age"].to_list()
    assert pa.types.is_integer(dls.cases_table(pilot.cases).schema.field("age").type)


def test_coverage_splits_the_adult_band_at_65(world):
    rules, _ = world
    t = dls.coverage(rules, DATE, output="polars").filter(
        (pl.col("need") == "zorg.advies") & (pl.col("kern") == "dorp")
    )
    rows = t.select("age_band", "age_min", "age_max", "service").rows()
    assert rows == [tuple(r) for r in EXPECTED["advice_coverage"]]
    assert rows == [
        ("child", 0, 11, "algemeen-advies"),
        ("youth", 12, 17, "algemeen-advies"),
        ("young_adult", 18, 22, "algemeen-advies"),
        ("adult", 23, 64, "algemeen-advies"),
        ("adult", 65, 66, "ouderenadviseur"),
        ("senior", 67, 130, "ouderenadviseur"),
    ]
