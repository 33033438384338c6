"""Declared attributes from Python (issue 11): a municipality adds a fourth urgency level, a
boolean and an enumeration; case dicts and batch tables use them and route as the rules say;
an unknown attribute or word is refused by the core with the closest declared one."""

from __future__ import annotations

import polars as pl
import pytest

import dls

DIRECTORY = """
[attribute.urgency]
values = ["acute"]

[attribute.has_wlz_indication]
kind = "boolean"

[attribute.language]
kind = "enum"
values = ["nl", "en", "ar", "tr"]

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

[[organisation]]
id = "gemeente"
name = "Gemeente"
kind = "municipality"

[[service]]
id = "crisisdienst"
organisation = "gemeente"
name = "Crisisdienst"
needs = ["zorg.advies"]
areas = ["GM0001"]

[[service]]
id = "wlz-loket"
organisation = "gemeente"
name = "Wlz-loket"
needs = ["zorg.advies"]
areas = ["GM0001"]
eligibility = { has_wlz_indication = true }

[[service]]
id = "tolk-advies"
organisation = "gemeente"
name = "Advies met tolk"
needs = ["zorg.advies"]
areas = ["GM0001"]
eligibility = { language = { in = ["ar", "tr"] } }

[[service]]
id = "advies"
organisation = "gemeente"
name = "Advies"
needs = ["zorg.advies"]
areas = ["GM0001"]
"""

RULES = """
[[rule]]
id = "acuut"
needs = ["zorg.advies"]
area = "GM0001"
when = { urgency = { min = "acute" } }
target = "service:crisisdienst"
priority = 30

[[rule]]
id = "wlz"
needs = ["zorg.advies"]
area = "GM0001"
target = "service:wlz-loket"
priority = 20

[[rule]]
id = "tolk"
needs = ["zorg.advies"]
area = "GM0001"
target = "service:tolk-advies"
priority = 10

[[rule]]
id = "advies"
needs = ["zorg.advies"]
area = "GM0001"
target = "service:advies"
"""


@pytest.fixture(scope="module")
def router():
    d = dls.Directory.parse(DIRECTORY, name="ext/directory.toml")
    return dls.Router(dls.RuleSet.parse(d, RULES, name="ext/rules.toml"))


def case(attributes):
    return {
        "id": "c-1",
        "kern": "dorp",
        "needs": [{"need": "zorg.advies", "primary": True}],
        "attributes": attributes,
    }


@pytest.mark.parametrize(
    "attributes, service",
    [
        ({"urgency": "acute"}, "crisisdienst"),
        ({"urgency": "crisis"}, "advies"),
        ({"has_wlz_indication": True}, "wlz-loket"),
        ({"has_wlz_indication": False}, "advies"),
        ({"language": "ar"}, "tolk-advies"),
        ({"language": "nl"}, "advies"),
        ({"language": "tr", "has_wlz_indication": True}, "wlz-loket"),
        ({"urgency": "acute", "language": "tr", "has_wlz_indication": True}, "crisisdienst"),
        ({}, "advies"),
    ],
)
def test_a_municipality_extension_routes_as_written(router, attributes, service):
    d = router.route(case(attributes), date="2026-03-01")
    assert d.needs[0]["service"] == service


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


def test_unknown_attributes_and_words_name_the_closest_one(router):
    with pytest.raises(dls.RoutingError, match="unknown attribute `langauge`; did you mean `language`"):
        router.route(case({"langauge": "ar"}), date="2026-03-01")
    with pytest.raises(dls.RoutingError) as e:
        router.route(case({"language": "klingon"}), date="2026-03-01")
    assert str(e.value) == "case `c-1`: `language`: unknown value"
    bad_rules = RULES.replace('min = "acute"', 'min = "acut"')
    with pytest.raises(dls.ValidationError, match="did you mean `acute`"):
        dls.RuleSet.parse(dls.Directory.parse(DIRECTORY), bad_rules)
