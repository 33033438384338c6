"""HSDS 3.0 and tabular directories from Python: the same results as the Rust tests
(dls-core/tests/hsds.rs, tabular.rs), and the export validated against the specification's own
JSON Schemas with the `jsonschema` package (a validator that is not ours)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import dls

SPEC = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "hsds-3.0"
EXAMPLES = SPEC / "examples"

MAPPING = """
organisation_kind = "health"
default_areas = ["GM0394"]
default_needs = ["zorg.ggz.basis"]
[needs]
"code" = ["zorg.ggz.basis"]
[areas]
"381c64f1-a724-4884-9c21-ac96c21cca3e" = ["GM0394"]
"""


@pytest.fixture(scope="module")
def spec() -> Path:
    # Never skipped: the reference data is part of the test setup (see shared/data/README.md).
    assert SPEC.is_dir(), f"HSDS reference data missing at {SPEC}"
    return SPEC


@pytest.fixture(scope="module")
def base(pilot) -> dls.Directory:
    d = pilot.directory.to_dict()
    d.pop("organisation", None)
    d.pop("service", None)
    return dls.Directory.parse(json.dumps(d), "json")


def validator(spec: Path, name: str) -> jsonschema.Draft202012Validator:
    folder = spec / "schema"

    def retrieve(uri: str) -> Resource:
        contents = json.loads((folder / uri.rsplit("/", 1)[-1]).read_text())
        return Resource.from_contents(contents, default_specification=DRAFT202012)

    schema = json.loads((folder / name).read_text())
    return jsonschema.Draft202012Validator(
        schema,
        registry=Registry(retrieve=retrieve),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def test_the_pilot_export_validates_against_the_hsds_schemas(spec, pilot):
    export = json.loads(pilot.directory.to_hsds())
    assert export["total_items"] == len(pilot.directory.services)
    v = validator(spec, "service.json")
    for s in export["contents"]:
        errors = [e.message for e in v.iter_errors(s)]
        assert errors == [], (s["id"], errors)
    # The validator is real: a broken copy fails.
    broken = dict(export["contents"][0], status="open")
    assert not v.is_valid(broken)


def test_pilot_to_hsds_to_dls_routes_the_same(tmp_path, pilot, base):
    f = tmp_path / "services.json"
    f.write_text(pilot.directory.to_hsds())
    back = dls.Directory.from_hsds(f, base)
    assert back.import_notes == []
    assert back.services == pilot.directory.services
    rules = dls.RuleSet.parse(back, pilot.rules.to_json(), "json")
    a, b = dls.Router(pilot.rules), dls.Router(rules)
    for case in pilot.cases:
        assert a.route(case, trace=True).to_dict() == b.route(case, trace=True).to_dict()


def test_the_spec_examples_import_as_in_rust(tmp_path, spec, base):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING)
    with_service = []
    for f in sorted(EXAMPLES.glob("*.json")) + [EXAMPLES / "csv"]:
        d = dls.Directory.from_hsds(f, base, mapping)
        if d.services:
            with_service.append(f.name)
            assert d.services == ["ac148810-d857-441c-9679-408f346de14b"]
            s = d.to_dict()["service"][0]
            assert s["eligibility"]["age"] == {"min": 12, "max": 100}
            assert s["areas"] == ["GM0394"]
            assert any("field `description`: not used by dls" in n for n in d.import_notes)
    assert with_service == [
        "organization_full.json",
        "service_at_location_full.json",
        "service_at_location_list.json",
        "service_full.json",
        "service_list.json",
        "tabular.json",
        "csv",
    ]


def test_bad_hsds_input_is_a_bad_input_error_with_its_place(tmp_path, base):
    s = json.loads((EXAMPLES / "service_full.json").read_text())
    s["minimum_age"] = 12.5
    f = tmp_path / "ages.json"
    f.write_text(json.dumps(s))
    with pytest.raises(dls.errors.BadInputError) as e:
        dls.Directory.from_hsds(f, base, None)
    assert "field `minimum_age`: not a whole number of years" in str(e.value)
    assert "ages.json" in str(e.value)


SERVICES = """\
id,organisation,name,needs,areas,age_min,age_max,priority
ouderen,welzijn,Ouderenadviseur,zorg.wmo.*;zorg.eenzaamheid,kern:hoofddorp;kern:nieuw-vennep;kern:badhoevedorp,65,,0
school,welzijn,School,jeugd.opvoedondersteuning,GM0394,4,11,
"""


def test_tables_read_like_the_same_directory_in_toml_and_route_by_coverage(tmp_path, base):
    (tmp_path / "services.csv").write_text(SERVICES)
    (tmp_path / "organisations.csv").write_text("id,name,kind\nwelzijn,Welzijn,welfare\n")
    d = dls.Directory.from_tables(tmp_path, base)
    toml = base.to_dict()
    toml["organisation"] = [{"id": "welzijn", "name": "Welzijn", "kind": "welfare"}]
    toml["service"] = [
        {
            "id": "ouderen",
            "organisation": "welzijn",
            "name": "Ouderenadviseur",
            "needs": ["zorg.wmo.*", "zorg.eenzaamheid"],
            "areas": ["kern:hoofddorp", "kern:nieuw-vennep", "kern:badhoevedorp"],
            "eligibility": {"age": {"min": 65}},
            "priority": 0,
        },
        {
            "id": "school",
            "organisation": "welzijn",
            "name": "School",
            "needs": ["jeugd.opvoedondersteuning"],
            "areas": ["GM0394"],
            "eligibility": {"age": {"min": 4, "max": 11}},
        },
    ]
    same = dls.Directory.parse(json.dumps(toml), "json")
    assert d.to_dict()["service"] == same.to_dict()["service"]
    # The service with a priority routes by its own coverage, with no rule (as in Rust).
    router = dls.Router(dls.RuleSet.parse(d, "{}", "json"))
    case = {"id": "c1", "kern": "badhoevedorp", "attributes": {"age": 70},
            "needs": [{"need": "zorg.eenzaamheid", "primary": True}]}
    n = router.route(case, date="2026-06-01").needs[0]
    assert (n["service"], n["rule"]) == ("ouderen", "coverage:ouderen")
    case["attributes"] = {"age": 64}
    assert router.route(case, date="2026-06-01").needs[0]["service"] is None


def test_bad_cells_name_file_row_and_column(tmp_path, base):
    (tmp_path / "services.csv").write_text(
        "id,organisation,name,needs,areas,age_min\na,welzijn,A,zorg.ggz.basis,GM0394,131\n"
    )
    with pytest.raises(dls.errors.BadInputError) as e:
        dls.Directory.from_tables(tmp_path, base)
    assert "services.csv`, row 1, column `age_min`: not a whole number of years" in str(e.value)
