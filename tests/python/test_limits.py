"""Issue 13, "Limits": the documented size limits of `dls_core::limits` seen from Python, each at
its value and one past it (dls-core/tests/limits.rs does the same for the core): past a limit a
typed `dls` error names it; at the limit the input is read."""

from __future__ import annotations

import datetime as dt

import pytest

import dls

MAX_INPUT_BYTES = 64 * 1024 * 1024
MAX_EVENTS_PER_CASE = 10_000


def test_input_size():
    # at the limit: read (and refused as empty, being all blanks), not as too large
    with pytest.raises(dls.DlsError) as at:
        dls.Directory.parse(" " * MAX_INPUT_BYTES)
    assert "more than" not in str(at.value)
    with pytest.raises(dls.BadInputError, match="more than the 67108864 bytes accepted"):
        dls.Directory.parse(" " * (MAX_INPUT_BYTES + 1))


def test_signal_feed_size():
    header = "signal_id,partner,kind,household,kern,amount,months_in_arrears,date,threatened\n"
    row = "s1,ymere,housing,hh-a,hoofddorp,812.50,3,2026-03-02,false\n"
    at = header + row
    at += "\n" * (MAX_INPUT_BYTES - len(at))
    report = dls.signal_intake(at, "2026-12-31")
    assert (len(report["cases"]), report["rejected"]) == (1, [])
    with pytest.raises(dls.DlsError, match="signal file: 67108865 bytes, more than the 67108864 bytes accepted"):
        dls.signal_intake(at + "\n", "2026-12-31")


def test_events_per_case():
    start = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)

    def log(n: int):
        events = [{"case": "c1", "at": start.isoformat(), "activity": "opened"}]
        events += [{"case": "c1", "at": (start + dt.timedelta(seconds=i)).isoformat(),
                    "activity": "referred", "organisation": f"org{i % 7}"} for i in range(1, n)]
        return dls.evaluate(events, disclosure="raw")

    at = log(MAX_EVENTS_PER_CASE)
    assert at.rows_used == MAX_EVENTS_PER_CASE
    assert at.rejected(output="pyarrow").to_pylist() == []
    past = log(MAX_EVENTS_PER_CASE + 1)
    assert past.rows_used == MAX_EVENTS_PER_CASE
    rejected = past.rejected(output="pyarrow").to_pylist()
    assert len(rejected) == 1 and rejected[0]["reason"] == "too_many_events", rejected
