"""No personal data in errors (issue 13, item 4): names, BSN-shaped numbers (nine digits passing
the eleven test), birth dates and addresses are fed into every input of the module that takes
case or event data or an argument, and every exception's text, repr and arguments are scanned.
Zero hits. Reference data (directory and rule files) is checked for malformed values only: a
well-formed reference that matches nothing there is named so its author can find it."""

from __future__ import annotations

import copy
import datetime as dt

import pyarrow as pa
import pytest

import dls

PII = ["Jan de Vries", "111222333", "123456782", "1987-03-14", "14-03-1987",
       "Kerkstraat 12", "2132 AB Hoofddorp", "j.devries@example.nl"]
NEEDLES = ["Vries", "111222333", "123456782", "1987", "14-03", "Kerkstraat", "2132",
           "AB Hoofd", "devries", "example.nl"]

STATS = {"tried": 0, "errors": 0}


def scan(where: str, exc: BaseException) -> None:
    STATS["errors"] += 1
    text = " || ".join([str(exc), repr(exc), repr(exc.args),
                        repr(getattr(exc, "problems", "")), repr(exc.__cause__)])
    for n in NEEDLES:
        assert n not in text, f"{where}: error shows `{n}`: {text}"


def attempt(where: str, f) -> None:
    STATS["tried"] += 1
    try:
        f()
    except dls.DlsError as e:
        scan(where, e)
    except Exception as e:  # noqa: BLE001 - any other exception is a failure of its own
        pytest.fail(f"{where}: untyped {type(e).__name__}: {e!r}")


def test_bsn_shaped_case_id_is_refused_without_printing_it(pilot):
    router = dls.Router(pilot.rules)
    case = copy.deepcopy(pilot.cases[0])
    case["id"] = "111222333"
    with pytest.raises(dls.BadInputError, match="looks like a BSN") as info:
        router.route(case)
    scan("route", info.value)
    with pytest.raises(dls.BadInputError, match="looks like a BSN") as info:
        dls.cases_table([case])
    scan("cases_table", info.value)
    # in a batch the row fails in its place, and the id is not written back
    table = dls.cases_table(pilot.cases[:3])
    ids = table.column("id").to_pylist()
    ids[1] = "123456782"
    out = router.route_batch(table.set_column(0, "id", pa.array(ids))).to_pylist()
    failed = [r for r in out if r["outcome"] == "error"]
    assert len(failed) == 1 and "looks like a BSN" in failed[0]["error"]
    assert all("123456782" not in repr(r) for r in out)


def test_no_error_shows_personal_data(pilot):
    router = dls.Router(pilot.rules)
    good = {"id": "c-1", "kern": "hoofddorp",
            "needs": [{"need": "zorg.wmo.huishouden", "primary": True}],
            "attributes": {"age": 40, "income_pct": 100},
            "opened": "2026-03-01",
            "situation": {"kind": "cannot_get_through",
                          "tried": [{"service": "wmo-loket", "outcome": "rejected"}]}}
    slots = [("id",), ("kern",), ("opened",), ("attributes", "age"),
             ("attributes", "urgency"), ("attributes", "household"),
             ("attributes", "framework"), ("attributes", "income_pct"),
             ("attributes", "signals"), ("situation", "kind"), ("consent",)]
    event = {"case": "c-1", "at": "2026-03-01T10:00:00+01:00", "activity": "opened",
             "kern": "hoofddorp", "need": "zorg.wmo.huishouden", "phase": "pilot"}
    ev = dls.evaluate(pilot.events(), by=["phase"], disclosure="raw")
    for p in PII:
        values = [p] + ([int(p)] if p.isdigit() else [])
        for slot in slots:
            for v in values:
                case = copy.deepcopy(good)
                at = case
                for k in slot[:-1]:
                    at = at[k]
                at[slot[-1]] = v
                attempt(f"route {slot}", lambda: router.route(case))
                attempt(f"cases_table {slot}", lambda: dls.cases_table([case]))
        for key in ("need",):
            case = copy.deepcopy(good)
            case["needs"][0][key] = p
            attempt("route need", lambda: router.route(case))
        case = copy.deepcopy(good)
        case["situation"]["tried"][0]["service"] = p
        attempt("route tried", lambda: router.route(case))
        # arguments
        attempt("route date", lambda: router.route(good, date=p))
        attempt("route_batch date", lambda: router.route_batch(dls.cases_table([good]), date=p))
        attempt("evaluate by", lambda: dls.evaluate(pilot.events(), by=[p]))
        attempt("evaluate disclosure", lambda: dls.evaluate(pilot.events(), disclosure=p))
        attempt("evaluate disclosure dict", lambda: dls.evaluate(pilot.events(), disclosure={"min_cases": p}))
        attempt("per_case output", lambda: ev.per_case(output=p))
        attempt("compare key", lambda: ev.compare({p: "pilot"}, {"phase": "baseline"}, iterations=10))
        attempt("compare value", lambda: ev.compare({"phase": p, "from": p}, {"phase": "baseline"}, iterations=10))
        attempt("compare kernen", lambda: ev.compare({"kernen": [p]}, {"phase": "baseline"}, iterations=10))
        attempt("coverage only", lambda: dls.coverage(pilot.rules, "2026-03-01", only=p))
        attempt("coverage date", lambda: dls.coverage(pilot.rules, p))
        attempt("coverage municipality", lambda: dls.coverage(pilot.rules, "2026-03-01", municipality=p))
        attempt("Directory.parse format", lambda: dls.Directory.parse("", format=p))
        attempt("RuleSet.parse id", lambda: dls.RuleSet.parse(
            pilot.directory, f'[[rule]]\nid = "{p}"\nneeds = ["zorg"]\narea = "national"\ntarget = "not_covered"\n'))
        attempt("RuleSet.parse priority", lambda: dls.RuleSet.parse(
            pilot.directory, f'[[rule]]\nid = "r"\nneeds = ["zorg"]\narea = "national"\ntarget = "not_covered"\npriority = "{p}"\n'))
        attempt("RuleSet.parse area", lambda: dls.RuleSet.parse(
            pilot.directory, f'[[rule]]\nid = "r"\nneeds = ["zorg"]\narea = "{p}"\ntarget = "not_covered"\n'))
        # events: dicts and tables, the value in each field
        for k in list(event) + ["service", "organisation", "reason", "municipality", "region"]:
            e = dict(event)
            e[k] = p
            attempt(f"evaluate dict {k}", lambda: dls.evaluate([e]))
            attempt(f"evaluate table {k}",
                    lambda: dls.evaluate(pa.Table.from_pylist([{("case_id" if x == "case" else "timestamp" if x == "at" else x): y for x, y in e.items()}])))
        attempt("evaluate nested", lambda: dls.evaluate([{"case": {"name": p}}]))
        attempt("state bytes", lambda: dls.EvaluationState.from_bytes(f'{{"x": "{p}"}}'.encode()))
    print(f"pii: {STATS['tried']} inputs tried, {STATS['errors']} errors scanned, 0 hits")
    assert STATS["errors"] > 300


def test_signal_feed_errors_show_no_personal_data():
    """The vroegsignalering feed (`signal_intake`): the value in each column of a row, the
    as-of date and the events; every rejected row's message and every exception scanned."""
    columns = ["signal_id", "partner", "kind", "household", "kern", "amount",
               "months_in_arrears", "date", "threatened"]
    good = ["s1", "ymere", "housing", "hh-a", "hoofddorp", "812.50", "3", "2026-03-02", "false"]
    good_csv = ",".join(columns) + "\n" + ",".join(good) + "\n"
    tried = errors = 0
    for p in PII:
        for i, column in enumerate(columns):
            fields = list(good)
            fields[i] = f'"{p}"'
            csv = ",".join(columns) + "\n" + ",".join(fields) + "\n"
            tried += 1
            try:
                report = dls.signal_intake(csv, "2026-12-31")
            except dls.DlsError as e:
                errors += 1
                scan(f"signal_intake {column}", e)
                continue
            for r in report["rejected"]:
                errors += 1
                for n in NEEDLES:
                    assert n not in r["message"], f"signal_intake {column}: shows `{n}`: {r}"
        for where, f in [
            ("as_of", lambda: dls.signal_intake(good_csv, p)),
            ("events case", lambda: dls.signal_intake(good_csv, "2026-12-31", events=[
                {"case": p, "at": "2026-03-02T09:00:00Z", "activity": "opened"}])),
            ("events at", lambda: dls.signal_intake(good_csv, "2026-12-31", events=[
                {"case": "c1", "at": p, "activity": "opened"}])),
            ("events activity", lambda: dls.signal_intake(good_csv, "2026-12-31", events=[
                {"case": "c1", "at": "2026-03-02T09:00:00Z", "activity": p}])),
        ]:
            tried += 1
            try:
                f()
            except dls.DlsError as e:
                errors += 1
                scan(f"signal_intake {where}", e)
            except Exception as e:  # noqa: BLE001 - any other exception is a failure of its own
                pytest.fail(f"signal_intake {where}: untyped {type(e).__name__}: {e!r}")
    print(f"pii (signal feed): {tried} inputs tried, {errors} errors scanned, 0 hits")
    assert errors >= 60
