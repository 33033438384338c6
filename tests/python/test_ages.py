"""Age in whole years from Python: an int column in cases_table and route_batch, the boundaries
of a 65+ service and an adult one, bad ages with their place, and coverage split inside a band."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest

import dls

DIRECTORY = """
[[municipality]]
code = "GM0001"
name = "Testgemeente"

[[kern]]
id = "dorp"
name = "Dorp"
municipality = "GM0001"

[[domain]]
code = "zorg"
label = "Zorg"

[[need]]
code = "zorg.advies"
label = "Advies"

[[need]]
code = "zorg.wmo"
label = "Wmo"

[[organisation]]
id = "gemeente"
name = "Gemeente"
kind = "municipality"

[[organisation]]
id = "welzijn"
name = "Welzijn"
kind = "welfare"

[[service]]
id = "ouderenadviseur"
organisation = "welzijn"
name = "Ouderenadviseur"
needs = ["zorg.advies"]
areas = ["GM0001"]
eligibility = { age = { min = 65 } }

[[service]]
id = "algemeen-advies"
organisation = "gemeente"
name = "Algemeen advies"
needs = ["zorg.advies"]
areas = ["GM0001"]

[[service]]
id = "wmo-loket"
organisation = "gemeente"
name = "Wmo-loket"
needs = ["zorg.wmo"]
areas = ["GM0001"]
eligibility = { age = { min = 18 } }

[[service]]
id = "jeugdteam"
organisation = "welzijn"
name = "Jeugdteam"
needs = ["zorg.wmo"]
areas = ["GM0001"]
eligibility = { age = { max = 17 } }
"""

RULES = """
[[rule]]
id = "advies-65"
needs = ["zorg.advies"]
area = "GM0001"
target = "service:ouderenadviseur"
priority = 10

[[rule]]
id = "advies"
needs = ["zorg.advies"]
area = "GM0001"
target = "service:algemeen-advies"

[[rule]]
id = "wmo"
needs = ["zorg.wmo"]
areas = ["GM0001"]
target = "service:wmo-loket"
priority = 10

[[rule]]
id = "wmo-jeugd"
needs = ["zorg.wmo"]
area = "GM0001"
target = "service:jeugdteam"
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    d = tmp_path_factory.mktemp("ages")
    (d / "directory.toml").write_text(DIRECTORY)
    (d / "rules.toml").write_text(RULES)
    directory = dls.Directory.load(d / "directory.toml")
    rules = dls.RuleSet.load(directory, d / "rules.toml")
    return rules, dls.Router(rules)


def cases(need, ages, age_type=pl.Int64):
    return pl.DataFrame(
        {
            "id": [f"c{i}" for i in range(len(ages))],
            "kern": ["dorp"] * len(ages),
            "needs": [[need]] * len(ages),
            "age": pl.Series(ages, dtype=age_type),
            "opened": ["2026-03-01"] * len(ages),
        }
    )


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


def test_coverage_splits_the_adult_band_at_65(world):
    rules, _ = world
    t = dls.coverage(rules, "2026-03-01", output="polars").filter(pl.col("need") == "zorg.advies")
    rows = t.select("age_band", "age_min", "age_max", "service").rows()
    assert rows == [
        ("child", 0, 11, "algemeen-advies"),
        ("youth", 12, 17, "algemeen-advies"),
        ("young_adult", 18, 22, "algemeen-advies"),
        ("adult", 23, 64, "algemeen-advies"),
        ("adult", 65, 66, "ouderenadviseur"),
        ("senior", 67, 130, "ouderenadviseur"),
    ]
