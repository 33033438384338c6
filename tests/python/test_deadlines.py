"""Legal deadlines from Python: tests/fixtures/deadlines (worked out by hand from the Awb and
the Algemene termijnenwet), replayed as in Rust (dls-core/tests/deadlines.rs) and JUnit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import dls

DIR = Path(__file__).resolve().parents[1] / "fixtures" / "deadlines"


def expected() -> dict:
    return json.loads((DIR / "expected.json").read_text())


def as_of() -> dt.datetime:
    return dt.datetime.fromisoformat(expected()["as_of"].replace("Z", "+00:00"))


def plain(rows: list[dict]) -> list[dict]:
    return [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()}
            for r in rows]


@pytest.mark.parametrize("legal", [DIR / "legal.json", json.loads((DIR / "legal.json").read_text())])
def test_the_deadline_fixture_replays(legal):
    ev = dls.evaluate(DIR / "events.csv", as_of=as_of(), legal=legal, disclosure="raw")
    want = expected()
    assert plain(ev.deadlines().to_pylist()) == want["rows"]
    assert [r["case"] for r in ev.deadlines(overdue=True).to_pylist()] == want["overdue"]
    assert ev.uncovered_years == want["uncovered_years"]


def test_the_calendar_and_terms_are_the_caller_s():
    # Without the decree day, the Wmo investigation ends on the Friday itself.
    ev = dls.evaluate(DIR / "events.csv", legal={"calendar": {"equated": []}})
    d1 = next(r for r in ev.deadlines().to_pylist() if r["case"] == "d1")
    assert d1["due"] == dt.date(2026, 5, 15) and d1["status"] == "running"
    assert ev.uncovered_years == [2026, 2028]
    with pytest.raises(dls.BadInputError, match="legal settings"):
        dls.evaluate(DIR / "events.csv", legal={"municipalities": {"GM0394": {"wmo_days": 1}}})
