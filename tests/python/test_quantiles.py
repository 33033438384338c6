"""Exact quantiles: every cell's median and 90th percentile equal numpy's (`np.quantile`, the
default `method="linear"`) computed from the same events; `bounced`; crafted state bytes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import dls

KERNEN = ["hoofddorp", "nieuw-vennep", "badhoevedorp", "zwanenburg"]
BASE = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.timezone.utc)


def random_log(seed: int, n: int):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        kern = KERNEN[int(rng.integers(len(KERNEN)))]
        opened = BASE + dt.timedelta(seconds=int(rng.integers(0, 300 * 86_400)))
        rows.append({"case": f"c{i}", "at": opened.isoformat(), "activity": "opened",
                     "kern": kern, "need": "zorg.wmo"})
        if rng.random() < 0.85:
            # Heavy-tailed, whole seconds, with ties now and then.
            secs = int(rng.lognormal(11, 1.2)) if rng.random() < 0.9 else 86_400
            rows.append({"case": f"c{i}", "at": (opened + dt.timedelta(seconds=secs)).isoformat(),
                         "activity": "first_contact", "organisation": "slp"})
        if rng.random() < 0.7:
            secs = int(rng.integers(3_600, 80 * 86_400))
            rows.append({"case": f"c{i}", "at": (opened + dt.timedelta(seconds=secs)).isoformat(),
                         "activity": "accepted", "organisation": "gem", "need": "zorg.wmo"})
    return rows


def numpy_reference(rows):
    """Per kern: the durations (seconds) from `opened` to the first `first_contact` and to the
    first `accepted`, computed from the rows themselves."""
    opened, kern_of = {}, {}
    first = {"first_contact": {}, "accepted": {}}
    for r in rows:
        t = dt.datetime.fromisoformat(r["at"])
        if r["activity"] == "opened":
            opened[r["case"]], kern_of[r["case"]] = t, r["kern"]
        else:
            d = first[r["activity"]]
            d[r["case"]] = min(d.get(r["case"], t), t)
    out = {}
    for kern in KERNEN:
        cell = {}
        for name, act in (("first_contact", "first_contact"), ("right_place", "accepted")):
            vals = np.array([(t - opened[c]).total_seconds() for c, t in first[act].items()
                             if kern_of[c] == kern])
            for q, label in ((0.5, "median"), (0.9, "p90")):
                cell[f"{name}_{label}_days"] = (
                    float(np.quantile(vals, q, method="linear")) / 86_400 if len(vals) else None)
        out[kern] = cell
    return out


@pytest.mark.parametrize("seed,n", [(1, 7), (2, 40), (3, 401), (4, 2_000)])
def test_cell_quantiles_equal_numpy(seed, n):
    rows = random_log(seed, n)
    ev = dls.evaluate(rows, by=["kern"], disclosure="raw")
    want = numpy_reference(rows)
    got = {r["kern"]: r for r in ev.aggregates(output="pyarrow").to_pylist()}
    compared = 0
    for kern, cell in got.items():
        for col, ref in want[kern].items():
            if ref is None:
                assert cell[col] is None, (kern, col)
            else:
                assert cell[col] == pytest.approx(ref, rel=1e-12, abs=1e-12), (kern, col)
                compared += 1
    assert compared > 0
    # The state merged from two halves gives the same table.
    half = n // 2
    cases_a = {f"c{i}" for i in range(half)}
    a = dls.EvaluationState.from_events([r for r in rows if r["case"] in cases_a], by=["kern"])
    b = dls.EvaluationState.from_events([r for r in rows if r["case"] not in cases_a], by=["kern"])
    merged = a.merge(b)
    assert merged == ev.state
    assert merged.aggregates("raw").to_pylist() == ev.state.aggregates("raw").to_pylist()


def test_bounced_acceptance_is_not_the_right_place():
    rows = [
        {"case": "c1", "at": "2026-03-02T09:00:00+01:00", "activity": "opened",
         "kern": "hoofddorp", "need": "zorg.wmo"},
        {"case": "c1", "at": "2026-03-04T09:00:00+01:00", "activity": "accepted",
         "organisation": "wijkteam", "need": "zorg.wmo"},
        {"case": "c1", "at": "2026-03-06T09:00:00+01:00", "activity": "bounced",
         "organisation": "wijkteam"},
        {"case": "c1", "at": "2026-03-07T09:00:00+01:00", "activity": "referred",
         "organisation": "gemeente"},
        {"case": "c1", "at": "2026-03-12T09:00:00+01:00", "activity": "accepted",
         "organisation": "gemeente", "need": "zorg.wmo"},
    ]
    ev = dls.evaluate(rows, by=["kern"], disclosure="raw")
    (c1,) = ev.per_case().to_pylist()
    assert c1["right_place_days"] == 10.0
    assert c1["bounces"] == 1
    assert c1["organisation"] == "gemeente"


def test_crafted_state_bytes_are_bad_input():
    ev = dls.evaluate(random_log(5, 50), by=["kern"], disclosure="raw")
    data = ev.state.to_bytes()
    assert dls.EvaluationState.from_bytes(data) == ev.state
    for bad in (data[: len(data) // 2], data.replace(b'"cases":', b'"cases":1', 1), b"\xff"):
        with pytest.raises(dls.BadInputError, match="evaluation state"):
            dls.EvaluationState.from_bytes(bad)


def test_kern_only_log_groups_by_municipality_and_region_through_the_directory():
    rows = [
        {"case": "c1", "at": "2026-03-02T09:00:00+01:00", "activity": "opened", "kern": "hoofddorp"},
        {"case": "c2", "at": "2026-03-02T10:00:00+01:00", "activity": "opened", "kern": "zandvoort"},
    ]
    d = dls.demo.haarlemmermeer().directory
    by_muni = dls.evaluate(rows, by=["municipality"], directory=d, disclosure="raw")
    assert [r["municipality"] for r in by_muni.aggregates(output="pyarrow").to_pylist()] == [
        "GM0394", "GM0473"]
    by_region = dls.evaluate(rows, by=["region"], directory=d, disclosure="raw")
    assert [(r["region"], r["cases"]) for r in by_region.aggregates(output="pyarrow").to_pylist()] == [
        ("zuid-kennemerland", 2)]
    # Without a directory nothing is guessed.
    plain = dls.evaluate(rows, by=["municipality"], disclosure="raw")
    assert [r["municipality"] for r in plain.aggregates(output="pyarrow").to_pylist()] == [None]
