"""Loading directories and rule sets from files and text, and the errors when they are wrong."""

from __future__ import annotations

import json
import pickle

import pytest

import dls
from dls.errors import Location, Problem


def test_load_directory_and_rules_from_files(fixtures):
    d = dls.Directory.load(fixtures / "mini-directory.toml")
    assert d.kernen == ["hoofddorp", "lisserbroek"]
    assert d.services == ["wmo-loket"]
    assert d.organisations == ["gem"]
    r = dls.RuleSet.load(d, fixtures / "mini-rules.toml")
    assert r.rules == ["gm-wmo"]
    assert r.warnings == []
    assert r.directory.services == ["wmo-loket"]


def test_load_accepts_a_list_of_paths_and_str_paths(fixtures):
    d = dls.Directory.load([str(fixtures / "mini-directory.toml")])
    r = dls.RuleSet.load(d, [str(fixtures / "mini-rules.toml")])
    assert r.rules == ["gm-wmo"]


def test_parse_from_text_toml_and_json(fixtures):
    text = (fixtures / "mini-directory.toml").read_text()
    d = dls.Directory.parse(text)
    assert d.kernen == ["hoofddorp", "lisserbroek"]
    d2 = dls.Directory.parse(d.to_json(), format="json")
    assert d2.to_dict() == d.to_dict()
    r = dls.RuleSet.parse(d, json.dumps({"rule": [
        {"id": "gm-wmo", "needs": ["zorg.wmo.huishouden"], "area": "GM0394",
         "target": "service:wmo-loket"}]}), format="json")
    assert r.rules == ["gm-wmo"]
    assert r.to_dict()["rule"][0]["target"] == "service:wmo-loket"


def test_validation_error_lists_every_problem_with_location(fixtures):
    d = dls.Directory.load(fixtures / "mini-directory.toml")
    path = fixtures / "bad-rules.toml"
    with pytest.raises(dls.ValidationError) as info:
        dls.RuleSet.load(d, path)
    e = info.value
    assert isinstance(e, dls.DlsError) and isinstance(e, ValueError)
    assert [(p.severity, p.kind) for p in e.problems] == [
        ("error", "unknown_service"),
        ("error", "unknown_kern"),
    ]
    service, kern = e.problems
    assert service.location == Location(file=str(path), item="rule `gm-wmo`", field="target")
    assert service.message == "unknown service `wmo-lokett`"
    assert kern.location.item == "rule `kern-wmo`" and kern.location.field == "area"
    assert "kern:atlantis" in kern.message
    assert str(e).startswith("validation found 2 error(s) and 0 warning(s)")
    assert "unknown service `wmo-lokett`" in str(e)
    assert e.errors == e.problems


def test_directory_validation_problems(fixtures):
    text = (fixtures / "mini-directory.toml").read_text() + """
[[service]]
id = "wmo-loket"
organisation = "nobody"
name = "Twice"
needs = ["zorg.onbekend"]
areas = ["GM0394"]
"""
    with pytest.raises(dls.ValidationError) as info:
        dls.Directory.parse(text, name="dir.toml")
    kinds = {p.kind for p in info.value.problems}
    assert {"duplicate_id", "unknown_organisation", "unknown_need"} <= kinds
    for p in info.value.problems:
        assert p.location.file == "dir.toml"
        assert p.location.item == "service `wmo-loket`"


def test_parse_error_has_file_line_and_column():
    with pytest.raises(dls.ParseError) as info:
        dls.Directory.parse('[[kern]]\nid = "a"\nname = 3\n', name="kernen.toml")
    e = info.value
    assert isinstance(e, dls.BadInputError)
    assert e.file == "kernen.toml"
    assert e.line == 3 and e.column is not None
    assert "`kernen.toml`" in str(e) and "line 3" in str(e)


def test_json_syntax_error_position():
    with pytest.raises(dls.ParseError) as info:
        dls.Directory.parse('{\n  "kern": [\n', format="json", name="d.json")
    assert info.value.file == "d.json"
    assert info.value.line is not None and info.value.line >= 2


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(dls.ParseError) as info:
        dls.Directory.load(tmp_path / "missing.toml")
    assert "missing.toml" in str(info.value)
    other = tmp_path / "dir.yaml"
    other.write_text("a: 1")
    with pytest.raises(dls.ParseError, match="cannot tell the format"):
        dls.Directory.load(other)
    with pytest.raises(dls.BadInputError, match="format: must be one of `toml`, `json`"):
        dls.Directory.parse("a = 1", format="yaml")
    with pytest.raises(dls.BadInputError, match="no directory files"):
        dls.Directory.load()


def test_empty_input_is_a_parse_error():
    with pytest.raises(dls.ParseError, match="is empty"):
        dls.Directory.parse("   \n")


def test_problem_and_errors_pickle_and_print():
    p = Problem("error", "unknown_kern", Location(file="f.toml", item="rule `r`", field="area"),
                "unknown area `kern:x`")
    assert str(p) == "error: `f.toml`, rule `r`, field `area`: unknown area `kern:x`"
    e = dls.ValidationError("validation found 1 error(s)", [p])
    e2 = pickle.loads(pickle.dumps(e))
    assert e2.problems == (p,) and str(e2) == str(e)
    pe = pickle.loads(pickle.dumps(dls.ParseError("bad", "f.toml", 2, 3)))
    assert (pe.file, pe.line, pe.column) == ("f.toml", 2, 3)


def test_directory_and_rules_pickle(pilot):
    d = pickle.loads(pickle.dumps(pilot.directory))
    assert d.to_dict() == pilot.directory.to_dict()
    r = pickle.loads(pickle.dumps(pilot.rules))
    assert r.rules == pilot.rules.rules
    assert r.to_dict() == pilot.rules.to_dict()


def test_demo_pilot(pilot):
    d = pilot.directory
    assert "hoofddorp" in d.kernen and "zwanenburg" in d.kernen
    # the pilot's rule files hold policy only; its services route by their own coverage
    assert len(pilot.rules.rules) >= 5
    assert len(pilot.cases) >= 5
    first = pilot.cases[0]
    assert set(first) >= {"id", "kern", "needs"}
    assert sum(1 for n in first["needs"] if n.get("primary")) == 1
