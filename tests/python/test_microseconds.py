"""Durations to the microsecond (issue 12): a log whose timestamps carry fractions of a second
gives the per-case durations and the cell quantiles pandas and numpy compute from the same
timestamps, not whole seconds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dls


def fractional_log(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = pd.Timestamp("2026-03-02 08:00:00", tz="UTC")
    rows = []
    for i in range(n):
        t0 = base + pd.Timedelta(microseconds=int(rng.integers(0, 86_400_000_000)))
        fc = t0 + pd.Timedelta(microseconds=int(rng.integers(1, 5_000_000_000)))
        acc = fc + pd.Timedelta(microseconds=int(rng.integers(0, 900_000_000_000)))
        rows += [
            (f"c{i}", t0, "opened", None, "hoofddorp", "zorg.wmo"),
            (f"c{i}", fc, "first_contact", "steunpunt", None, None),
            (f"c{i}", fc, "referred", "gemeente", None, None),
            (f"c{i}", acc, "accepted", "gemeente", None, "zorg.wmo"),
        ]
    frame = pd.DataFrame(
        rows, columns=["case_id", "timestamp", "activity", "organisation", "kern", "need"])
    # in another order than written: dls orders each case itself
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_durations_and_quantiles_equal_pandas_and_numpy(seed, tmp_path):
    log = fractional_log(120, seed)
    # the reference: pandas on the timestamps as written
    t = log.pivot_table(index="case_id", columns="activity", values="timestamp", aggfunc="min")
    day = pd.Timedelta(days=1)
    want_fc = ((t["first_contact"] - t["opened"]) / day).to_dict()
    want_rp = ((t["accepted"] - t["opened"]) / day).to_dict()
    assert any((v * 86_400) % 1 for v in want_fc.values()), "fractions of a second present"

    path = tmp_path / "log.csv"
    log.assign(timestamp=log["timestamp"].map(lambda x: x.isoformat())).to_csv(path, index=False)
    for source in (log, str(path)):
        ev = dls.evaluate(source, by=["kern"], disclosure="raw")
        per_case = ev.per_case(output="pandas")
        got_fc = dict(zip(per_case["case"], per_case["first_contact_days"]))
        got_rp = dict(zip(per_case["case"], per_case["right_place_days"]))
        for case, want in want_fc.items():
            assert got_fc[case] == pytest.approx(want, rel=1e-12, abs=0)
            assert got_rp[case] == pytest.approx(want_rp[case], rel=1e-12, abs=0)
        opened = dict(zip(per_case["case"], per_case["opened"]))
        assert all(opened[c] == t["opened"][c] for c in t.index)
        row = ev.aggregates(output="pyarrow").to_pylist()[0]
        fc = np.array(list(want_fc.values()))
        rp = np.array(list(want_rp.values()))
        assert row["first_contact_median_days"] == pytest.approx(np.quantile(fc, 0.5), rel=1e-12)
        assert row["first_contact_p90_days"] == pytest.approx(np.quantile(fc, 0.9), rel=1e-12)
        assert row["right_place_median_days"] == pytest.approx(np.quantile(rp, 0.5), rel=1e-12)
        assert row["right_place_p90_days"] == pytest.approx(np.quantile(rp, 0.9), rel=1e-12)
