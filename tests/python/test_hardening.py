"""Input that used to crash, allocate without bound or raise untyped errors (issue 13, items 5
to 8): each now gives a typed `dls` error (or a per-row rejection) with its field and row."""

from __future__ import annotations

import copy
import datetime as dt

import pyarrow as pa
import pytest

import dls


def nested(depth: int):
    v: object = "x"
    for _ in range(depth):
        v = {"kind": v}
    return v


def test_deep_nesting_is_a_typed_error_everywhere(pilot):
    router = dls.Router(pilot.rules)
    case = copy.deepcopy(pilot.cases[0])
    case["situation"] = nested(20_000)
    with pytest.raises(dls.BadInputError, match="nests deeper than 64 levels"):
        dls.cases_table([case])
    with pytest.raises(dls.BadInputError, match="nests deeper than 64 levels"):
        router.route(case)
    with pytest.raises(dls.BadInputError, match="nests deeper than 64 levels"):
        dls.evaluate([{"case": nested(20_000)}])
    ev = dls.evaluate(pilot.events(), by=["phase"], disclosure="raw")
    with pytest.raises(dls.BadInputError, match="nests deeper than 64 levels"):
        ev.compare({"phase": nested(20_000)}, {"phase": "baseline"})
    with pytest.raises(dls.BadInputError, match="nests deeper than 64 levels"):
        dls.evaluate(pilot.events(), disclosure=nested(20_000))
    # at the limit the reader goes on (and the case is refused for what it says, not its depth)
    case["situation"] = nested(63)
    with pytest.raises(dls.BadInputError) as info:
        router.route(case)
    assert "nests deeper" not in str(info.value)


def test_compare_arguments_are_bounded_and_typed(pilot):
    ev = dls.evaluate(pilot.events(), by=["phase"], disclosure="raw")
    a, b = {"phase": "pilot"}, {"phase": "baseline"}
    for bad in (4_000_000_000, -1, 10**30, 100_001, "many", 2.5):
        with pytest.raises(dls.BadInputError, match="option `iterations`"):
            ev.compare(a, b, iterations=bad)
    for bad in (float("nan"), 0.0, 1.0, -0.5, float("inf"), "high"):
        with pytest.raises(dls.BadInputError, match="option `confidence`"):
            ev.compare(a, b, confidence=bad)
    # at the limits
    assert len(ev.compare(a, b, iterations=0).to_pylist()) > 0
    ok = ev.compare(a, b, iterations=200, confidence=0.9).to_pylist()
    assert any(r["ci_low"] is not None and r["ci_low"] < r["ci_high"] for r in ok)


def test_overflow_and_surrogates_are_typed(pilot):
    router = dls.Router(pilot.rules)
    case = copy.deepcopy(pilot.cases[0])
    case["attributes"]["income_pct"] = 10**30
    with pytest.raises(dls.BadInputError, match="integer out of range"):
        router.route(case)
    with pytest.raises(dls.BadInputError):
        dls.cases_table([case])
    case = copy.deepcopy(pilot.cases[0])
    case["kern"] = "hoofd\udcffdorp"
    with pytest.raises(dls.BadInputError, match="lone surrogate"):
        router.route(case)
    with pytest.raises(dls.BadInputError, match="lone surrogate"):
        dls.cases_table([case])
    with pytest.raises(dls.BadInputError, match="lone surrogate"):
        dls.evaluate([{"case": "c\ud800", "at": "2026-01-01T00:00:00Z", "activity": "opened"}])


def test_unreadable_table_values_fail_their_row_not_silently_null(pilot):
    router = dls.Router(pilot.rules)
    cases = pilot.cases[:5]
    t = dls.cases_table(cases)
    # text columns where numbers and dates are expected, one value unreadable in each
    income = [str(v) if v is not None else None for v in t.column("income_pct").to_pylist()]
    income[1] = "95%"
    opened = [v.isoformat() if v is not None else None for v in t.column("opened").to_pylist()]
    opened[3] = "2026-02-30"
    t = t.set_column(t.schema.get_field_index("income_pct"), "income_pct", pa.array(income))
    t = t.set_column(t.schema.get_field_index("opened"), "opened", pa.array(opened))
    out = router.route_batch(t).to_pylist()
    failed = {r["error"].split(":")[0]: r for r in out if r["outcome"] == "error"}
    assert set(failed) == {"row 2", "row 4"}, out
    assert "field `income_pct`" in failed["row 2"]["error"]
    assert "field `opened`" in failed["row 4"]["error"]
    assert "95%" not in failed["row 2"]["error"] and "02-30" not in failed["row 4"]["error"]
    # the other rows route as before
    ref = router.route_batch(dls.cases_table(cases)).to_pylist()
    assert [r for r in out if r["case"] not in (cases[1]["id"], cases[3]["id"])] == [
        r for r in ref if r["case"] not in (cases[1]["id"], cases[3]["id"])]


def test_integer_timestamps_are_refused_not_guessed():
    t = pa.table({"case_id": ["c1"], "timestamp": [1_772_400_000_000_000], "activity": ["opened"]})
    with pytest.raises(dls.BadInputError, match="column `timestamp` has type Int64 where timestamps"):
        dls.evaluate(t)


def test_a_newline_in_a_text_cell_does_not_shift_later_row_numbers():
    rows = [
        {"case_id": "c1", "timestamp": "2026-03-02T09:00:00+01:00", "activity": "opened",
         "kern": "hoofddorp", "need": "zorg.wmo.huishouden", "organisation": "a\nb\nc"},
        {"case_id": "c2", "timestamp": "2026-03-02T09:00:00+01:00", "activity": "opened",
         "kern": "hoofddorp", "need": "zorg.wmo.huishouden"},
        {"case_id": "c3", "timestamp": "2026-03-02T09:00:00+01:00", "activity": "phoned"},
        {"case_id": "c4", "timestamp": "not a time", "activity": "opened"},
    ]
    ev = dls.evaluate(pa.Table.from_pylist(rows), disclosure="raw")
    # row 1 is rejected for its organisation (an id has no line breaks); the rows after it
    # keep their own numbers (a table is no longer written out as CSV and counted by line)
    assert [(r["row"], r["field"]) for r in ev.rejected().to_pylist()] == [
        (1, "organisation"), (3, "activity"), (4, "timestamp")]
