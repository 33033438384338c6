"""Replays every golden of tests/fixtures/manifest.json through the Python API: the same
decisions and evaluations as the core (dls-core/tests/golden.rs) and the JVM binding."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Dict, List

import pytest

import dls

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))["goldens"]


def same(want: Any, got: Any) -> bool:
    """Equal, floats within 1e-9 (relative) as binary floats from another writer may differ in
    the last place."""
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-12)
    return type(want) is type(got) and bool(want == got)


def check(name: str, want: List[Dict[str, Any]], got: List[Dict[str, Any]]) -> None:
    assert len(got) == len(want), f"{name}: {len(got)} rows, golden has {len(want)}"
    for i, (w, g) in enumerate(zip(want, got)):
        for key, value in w.items():
            assert key in g, f"{name}[{i}]: no column `{key}`"
            assert same(value, g[key]), f"{name}[{i}].{key}: golden {value!r}, Python {g[key]!r}"


def paths(entry: Dict[str, Any], field: str) -> List[Path]:
    return [FIXTURES / p for p in entry[field]]


def router(entry: Dict[str, Any], rules: str = "rules") -> dls.Router:
    directory = dls.Directory.load(paths(entry, "directory"))
    return dls.Router(dls.RuleSet.load(directory, paths(entry, rules)))


def load_cases(entry: Dict[str, Any]) -> List[Dict[str, Any]]:
    return json.loads((FIXTURES / entry["cases"]).read_text(encoding="utf-8"))


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["name"] for e in MANIFEST])
def test_golden(entry: Dict[str, Any]) -> None:
    golden = json.loads((FIXTURES / entry["golden"]).read_text(encoding="utf-8"))
    if entry["kind"] == "routing":
        directory = dls.Directory.load(paths(entry, "directory"))
        rules = dls.RuleSet.load(directory, paths(entry, "rules"))
        cases = json.loads((FIXTURES / entry["cases"]).read_text(encoding="utf-8"))
        rows = dls.Router(rules).route_batch(dls.cases_table(cases), output="pyarrow")
        check(entry["name"], golden["rows"], rows.to_pylist())
    elif entry["kind"] == "evaluation":
        ev = dls.evaluate(FIXTURES / entry["events"], by=entry["by"],
                          disclosure=entry["disclosure"])
        check(entry["name"] + ".per_case", golden["per_case"],
              ev.per_case(output="pyarrow").to_pylist())
        check(entry["name"] + ".aggregates", golden["aggregates"],
              ev.aggregates(output="pyarrow").to_pylist())
    elif entry["kind"] == "reroute":
        r = router(entry)
        rows: List[Dict[str, Any]] = []
        for case in load_cases(entry):
            service = r.route(case).primary["service"]
            if service is not None:
                rows += r.reroute(case, service, outcome=entry["outcome"]).needs
        check(entry["name"], golden["rows"], rows)
    elif entry["kind"] == "what_if":
        w = dls.what_if(router(entry), router(entry, "rules_b"), load_cases(entry))
        assert (w.cases, w.needs, len(w.errors)) == (golden["cases"], golden["needs"], golden["errors"])
        for part in ("changed", "gaps_appeared", "gaps_disappeared", "load"):
            check(f"{entry['name']}.{part}", golden[part], getattr(w, part))
    else:
        pytest.fail(f"unknown golden kind `{entry['kind']}`")
