"""Declared attributes from Python (issue 11): a municipality adds a fourth urgency level, a
boolean, an enumeration, an integer with bounds and a set of flags; case dicts and batch tables
(a column per declared attribute) use them and route as the rules say, the same answers as the
Rust and Kotlin tests (one shared world: tests/fixtures/vocabulary/); an unknown attribute,
column or word is refused with the closest declared one, a bad value with its row and column
and never repeated."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import dls
from dls.routing import CASE_COLUMNS

WORLD = Path(__file__).resolve().parents[1] / "fixtures" / "vocabulary"
DIRECTORY = (WORLD / "directory.toml").read_text()
RULES = (WORLD / "rules.toml").read_text()
EXPECTED = json.loads((WORLD / "expected.json").read_text())
DATE = EXPECTED["date"]
ROUTES = EXPECTED["routes"]
ERRORS = EXPECTED["errors"]


@pytest.fixture(scope="module")
def router():
    d = dls.Directory.parse(DIRECTORY, name="ext/directory.toml")
    return dls.Router(dls.RuleSet.parse(d, RULES, name="ext/rules.toml"))


def case(attributes, id="c-1"):
    c = copy.deepcopy(EXPECTED["case"])
    c["id"] = id
    c["attributes"] = attributes
    return c


def test_the_shared_world_covers_every_kind():
    assert len(ROUTES) >= 13 and len(ERRORS) >= 6
    stated = {k for r in ROUTES for k in r["attributes"]}
    assert {"urgency", "has_wlz_indication", "language", "debts", "needs_help_with"} <= stated


@pytest.mark.parametrize("entry", ROUTES, ids=lambda e: json.dumps(e["attributes"]))
def test_a_municipality_extension_routes_as_written(router, entry):
    d = router.route(case(entry["attributes"]), date=DATE)
    assert d.needs[0]["service"] == entry["service"]


@pytest.mark.parametrize("entry", ERRORS, ids=lambda e: json.dumps(e["attributes"]))
def test_a_case_with_an_undeclared_attribute_or_value_is_refused(router, entry):
    with pytest.raises(dls.RoutingError) as e:
        router.route(case(entry["attributes"]), date=DATE)
    assert str(e.value) == entry["error"]


def routes_table():
    """The fixture's routed cases as a table: a column per attribute, null where not stated."""
    names = sorted({k for r in ROUTES for k in r["attributes"]})
    cols = {
        "id": [f"c{i}" for i in range(len(ROUTES))],
        "kern": ["dorp"] * len(ROUTES),
        "needs": [["zorg.advies"]] * len(ROUTES),
        "opened": [DATE] * len(ROUTES),
    }
    for n in names:
        cols[n] = [r["attributes"].get(n) for r in ROUTES]
    return pa.table(cols)


def test_declared_attributes_as_columns_route_as_the_cases_do(router):
    t = routes_table()
    assert t.schema.field("debts").type == pa.int64()
    assert t.schema.field("has_wlz_indication").type == pa.bool_()
    assert pa.types.is_list(t.schema.field("needs_help_with").type)
    want = [r["service"] for r in ROUTES]
    for kind in ("pyarrow", "polars", "pandas"):
        table = t if kind == "pyarrow" else pl.from_arrow(t) if kind == "polars" else t.to_pandas()
        out = router.route_batch(table, output="polars")
        assert out["error"].to_list() == [None] * len(ROUTES), kind
        assert out["service"].to_list() == want, kind
    # flags as one `;`-joined string, the enumeration as a categorical, the integer narrower
    df = pl.from_arrow(t).with_columns(
        pl.col("needs_help_with").list.join(";"),
        pl.col("language").cast(pl.Categorical),
    )
    assert router.route_batch(df)["service"].to_list() == want
    for dtype in (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8):
        narrow = df.with_columns(pl.col("debts").cast(dtype))
        assert router.route_batch(narrow)["service"].to_list() == want, dtype
    # pandas writes an integer column with missing values as floats: whole ones read
    pdf = t.to_pandas()
    assert pdf["debts"].dtype == "float64"
    assert router.route_batch(pdf, output="polars")["service"].to_list() == want


def test_cases_table_writes_declared_attributes_as_typed_columns(router):
    cases = [case(r["attributes"], id=f"c{i}") for i, r in enumerate(ROUTES)]
    t = dls.cases_table(cases)
    assert t.column_names[: len(CASE_COLUMNS)] == list(CASE_COLUMNS)
    extra = t.column_names[len(CASE_COLUMNS):]
    assert extra == ["debts", "has_wlz_indication", "language", "needs_help_with"]
    assert t.schema.field("debts").type == pa.int64()
    assert t.schema.field("has_wlz_indication").type == pa.bool_()
    assert t.schema.field("language").type == pa.string()
    assert t.schema.field("needs_help_with").type == pa.list_(pa.string())
    assert t.column("language").to_pylist() == [r["attributes"].get("language") for r in ROUTES]
    # the table routes as the dicts do
    out = router.route_batch(t, DATE)
    assert out.column("service").to_pylist() == [r["service"] for r in ROUTES]


def test_a_declared_urgency_level_in_a_batch_column(router):
    t = pl.DataFrame(
        {
            "id": ["a", "b"],
            "kern": ["dorp", "dorp"],
            "needs": [["zorg.advies"], ["zorg.advies"]],
            "urgency": ["acute", "urgent"],
            "opened": ["2026-03-01", "2026-03-01"],
        }
    )
    out = router.route_batch(t)
    assert out["service"].to_list() == ["crisisdienst", "advies"]
    bad = t.with_columns(pl.Series("urgency", ["acutte", "urgent"]))
    out = router.route_batch(bad).to_dicts()
    assert out[0]["error"] == "row 1: field `urgency`: `urgency`: unknown value; did you mean `acute`"


def test_a_bad_value_in_a_declared_column_fails_its_row_without_repeating_it(router):
    t = pl.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "kern": ["dorp"] * 4,
            "needs": [["zorg.advies"]] * 4,
            "opened": [DATE] * 4,
            "debts": [51, 5, None, 3],
            "language": ["ar", "klingon", None, "tr"],
            "needs_help_with": ["forms", "forms", "forms;fax", None],
        }
    )
    out = router.route_batch(t).to_dicts()
    assert [r["error_kind"] for r in out] == ["bad_input"] * 3 + [None]
    assert out[0]["error"] == "row 1: field `attributes`: `debts`: a value lies outside 0 to 50"
    assert out[1]["error"] == "row 2: field `attributes`: `language`: unknown value"
    assert out[2]["error"] == "row 3: field `attributes`: `needs_help_with`: unknown value"
    assert out[3]["service"] == "tolk-advies"
    for r in out:
        assert "51" not in repr(r) and "klingon" not in repr(r) and "fax" not in repr(r)


def test_an_undeclared_or_mistyped_column_is_refused_naming_it(router):
    t = routes_table()
    with pytest.raises(dls.BadInputError) as e:
        router.route_batch(t.rename_columns([("langauge" if n == "language" else n) for n in t.column_names]))
    assert str(e.value) == (
        "column `langauge` is neither a case column nor a declared attribute; did you mean `language`"
    )
    assert e.value.field == "langauge"
    # an old band column points to `age`
    with pytest.raises(dls.BadInputError, match="did you mean `age`"):
        router.route_batch(t.append_column("age_band", pa.array(["senior"] * t.num_rows)))
    # an integer attribute written as text, a boolean as numbers
    with pytest.raises(dls.BadInputError) as e:
        router.route_batch(t.set_column(t.column_names.index("debts"), "debts",
                                        pa.array(["5"] * t.num_rows)))
    assert str(e.value) == "column `debts` holds text where its attribute takes whole numbers"
    assert e.value.field == "debts"
    with pytest.raises(dls.BadInputError, match="column `has_wlz_indication` holds whole numbers"):
        router.route_batch(t.set_column(t.column_names.index("has_wlz_indication"),
                                        "has_wlz_indication", pa.array([1] * t.num_rows)))
    with pytest.raises(dls.BadInputError) as e:
        router.route_batch(t.set_column(t.column_names.index("debts"), "debts",
                                        pa.array([5.5] * t.num_rows)))
    assert e.value.row == 1 and e.value.field == "debts" and "5.5" not in str(e.value)
    # a pandas index that is not a plain range is not a column of the data
    pdf = t.to_pandas().iloc[::-1]
    out = router.route_batch(pdf, output="polars")
    assert out["service"].to_list() == [r["service"] for r in ROUTES][::-1]


def test_unknown_attributes_and_words_name_the_closest_one(router):
    with pytest.raises(dls.RoutingError, match="unknown attribute `langauge`; did you mean `language`"):
        router.route(case({"langauge": "ar"}), date=DATE)
    with pytest.raises(dls.RoutingError) as e:
        router.route(case({"language": "klingon"}), date=DATE)
    assert str(e.value) == "case `c-1`: `language`: unknown value"
    bad_rules = RULES.replace('min = "acute"', 'min = "acut"')
    with pytest.raises(dls.ValidationError, match="did you mean `acute`"):
        dls.RuleSet.parse(dls.Directory.parse(DIRECTORY), bad_rules)
