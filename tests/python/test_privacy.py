"""Need-to-know views, consent, the access log and signal intake through the Python API,
replaying the shared fixtures tests/fixtures/views/ and tests/fixtures/signals/ that the Rust
tests (dls-core/tests/views.rs, signals.rs) and the JVM tests replay too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

import dls

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VIEWS = json.loads((FIXTURES / "views" / "household.json").read_text(encoding="utf-8"))
SIG = FIXTURES / "signals"


def withheld_code(w: Dict[str, Any]) -> str:
    if w["item"] == "need":
        return f"need:{w['position']}:{w['reason']}"
    if w["item"] == "attribute":
        return f"attribute:{w['attribute']}:{w['reason']}"
    return f"events:{w['count']}:{w['reason']}"


ATTRS = ["age", "household", "urgency", "framework", "signals", "income_pct"]


@pytest.mark.parametrize("scenario", VIEWS["scenarios"], ids=lambda s: s["name"])
def test_views_match_the_shared_fixture(pilot: Any, scenario: Dict[str, Any]) -> None:
    router = dls.Router(pilot.directory, pilot.rules)
    for org, want in scenario["views"].items():
        v = dls.organisation_view(
            router, VIEWS["case"], VIEWS["events"], scenario["consent_events"], org, scenario["as_of"]
        )
        assert v["roles"] == want["roles"], org
        assert [n["position"] for n in v["needs"]] == want["needs"], org
        assert [a for a in ATTRS if a in v["attributes"]] == want["attributes"], org
        assert len(v["events"]) == want["events"], org
        assert [withheld_code(w) for w in v["withheld"]] == want["withheld"], org
    for org, kind in scenario["errors"].items():
        with pytest.raises(dls.BadInputError) as e:
            dls.organisation_view(
                router, VIEWS["case"], VIEWS["events"], scenario["consent_events"], org, scenario["as_of"]
            )
        assert ("has no part" if kind == "not_involved" else "unknown organisation") in str(e.value)


def test_access_log_records_views_and_detects_a_changed_entry(pilot: Any) -> None:
    router = dls.Router(pilot.directory, pilot.rules)
    log = dls.AccessLog()
    for i, org in enumerate(["schuldhulp-meer", "swt-haarlemmermeer", "uw-lokale-steunpilaar"]):
        v = dls.organisation_view(router, VIEWS["case"], VIEWS["events"], [], org, "2026-03-10")
        log.record_view(v, f"2026-03-10T09:0{i}:00Z")
    assert len(log) == 3
    log.verify()
    entries = log.entries()
    assert [e["ground"] for e in entries] == ["routed_here", "coordinator", "front_door"]
    assert entries[1]["prev"] == entries[0]["hash"]
    back = dls.AccessLog.from_jsonl(log.to_jsonl())
    assert back.head == log.head
    assert log.to_csv().splitlines()[0] == "seq,at,actor,case,fields,ground,prev,hash"
    tampered = log.to_jsonl().replace("uw-lokale-steunpilaar", "polderzorg")
    with pytest.raises(dls.BadInputError, match="row 2: hash does not match"):
        dls.AccessLog.from_jsonl(tampered)
    lines = log.to_jsonl().splitlines()
    with pytest.raises(dls.BadInputError, match="row 1"):
        dls.AccessLog.from_jsonl("\n".join([lines[0], lines[2]]))


def test_signal_intake_matches_the_shared_fixture() -> None:
    want = json.loads((SIG / "expected.json").read_text(encoding="utf-8"))
    events = json.loads((SIG / "events.json").read_text(encoding="utf-8"))
    r = dls.signal_intake(
        (SIG / "feed.csv").read_text(encoding="utf-8"), want["as_of"], want["window_days"], events
    )
    assert [x["message"] for x in r["rejected"]] == want["rejected"]
    assert all("111222333" not in x["message"] for x in r["rejected"])
    assert r["duplicates"] == want["duplicates"]
    assert len(r["cases"]) == len(want["cases"])
    for got, exp in zip(r["cases"], want["cases"]):
        assert got["case"]["id"] == exp["case"]
        assert got["household"] == exp["household"]
        assert [s["id"] for s in got["signals"]] == exp["signals"]
        assert got["urgency"] == exp["urgency"]
        assert got.get("crisis_since") == exp["crisis_since"]
        assert got.get("contact_due") == exp["contact_due"]
        assert got["case"]["attributes"]["signals"] == exp["attributes_signals"]
    assert r["feedback"] == want["feedback"]


def test_pilot_signal_feed() -> None:
    r = dls.signal_intake(dls.pilot_signals_csv(), "2026-06-30")
    assert r["rejected"] == [] and len(r["cases"]) == 6 and r["duplicates"] == 1
