"""National-scale evaluation on a Dask distributed cluster with mergeable states.

    python examples/dask_national.py [--cases 2000000] [--partitions 40] [--workers 2]

Each partition of a generated national event log (342 municipalities, ~10 kernen each, pilot
and baseline cases, 5 to 7 events per case) is made and evaluated on a worker: the worker
returns only its `dls.EvaluationState` (counts and quantile sketches per group), never the
events. The states are merged on the cluster in a tree and finished once, with small-cell
suppression, into the published table per municipality and phase. Merging is exact: the same
result as evaluating the whole log in one process (tests/python/test_dask.py checks this).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl
from dask.distributed import Client, LocalCluster

import dls

BY = ["municipality", "phase"]
MUNICIPALITIES = 342
KERNEN_PER_MUNICIPALITY = 10
START = np.datetime64("2025-01-01T08:00:00", "s")


def partition_events(part: int, n_cases: int, seed: int = 2026) -> pl.DataFrame:
    """The events of cases `part * n_cases ..`, deterministic from the seed and partition."""
    rng = np.random.default_rng([seed, part])
    ids = np.arange(part * n_cases, (part + 1) * n_cases)
    muni = rng.integers(0, MUNICIPALITIES, n_cases)
    kern = muni * KERNEN_PER_MUNICIPALITY + rng.integers(0, KERNEN_PER_MUNICIPALITY, n_cases)
    pilot = rng.random(n_cases) < 0.5
    opened = START + rng.integers(0, 365 * 86_400, n_cases).astype("timedelta64[s]")
    day = np.timedelta64(86_400, "s")
    first = opened + (rng.exponential(np.where(pilot, 1.5, 5.0)) * day).astype("timedelta64[s]")
    referred = first + (rng.exponential(1.0, n_cases) * day).astype("timedelta64[s]")
    bounced = rng.random(n_cases) < np.where(pilot, 0.15, 0.4)
    rejected = referred + (rng.exponential(4.0, n_cases) * day).astype("timedelta64[s]")
    again = rejected + np.timedelta64(3_600, "s")
    reach = np.where(bounced, again, referred)
    accepted = reach + (rng.exponential(np.where(pilot, 8.0, 20.0)) * day).astype(
        "timedelta64[s]")
    open_forever = rng.random(n_cases) < 0.08
    closed = accepted + np.timedelta64(30, "D").astype("timedelta64[s]")

    case_id = pl.Series([f"c{i:08d}" for i in ids])
    base = pl.DataFrame({"case_id": case_id, "bounced": bounced, "open": open_forever})

    def step(at: np.ndarray, activity: str, mask: np.ndarray | None = None,
             **extra: object) -> pl.DataFrame:
        df = base.with_columns(pl.Series("timestamp", at.astype("datetime64[ms]")).dt.replace_time_zone("UTC"),
                               pl.lit(activity).alias("activity"),
                               *[pl.lit(v).alias(k) for k, v in extra.items()])
        return df if mask is None else df.filter(pl.Series(mask))

    opened_df = base.with_columns(
        pl.Series("timestamp", opened.astype("datetime64[ms]")).dt.replace_time_zone("UTC"),
        pl.lit("opened").alias("activity"),
        pl.Series("kern", [f"k{k:05d}" for k in kern]),
        pl.Series("municipality", [f"GM{m + 1:04d}" for m in muni]),
        pl.lit("zorg.wmo.huishouden").alias("need"),
        pl.Series("phase", np.where(pilot, "pilot", "baseline")),
    )
    frames = [
        opened_df,
        step(first, "first_contact", organisation="steunpunt"),
        step(referred, "referred", organisation="wmo-loket"),
        step(rejected, "rejected", bounced, organisation="wmo-loket", reason="full"),
        step(again, "referred", bounced, organisation="wijkteam"),
        step(accepted, "accepted", ~open_forever, organisation="wijkteam",
             need="zorg.wmo.huishouden"),
        step(closed, "closed", ~open_forever),
    ]
    events = pl.concat(frames, how="diagonal_relaxed").drop("bounced", "open")
    return events.sort("case_id", "timestamp", maintain_order=True)


def partition_state(part: int, n_cases: int) -> dls.EvaluationState:
    """Runs on a worker: make the partition's events and evaluate them into a state."""
    return dls.EvaluationState.from_events(partition_events(part, n_cases), by=BY)


def merge(*states: dls.EvaluationState) -> dls.EvaluationState:
    return states[0].merge(list(states[1:]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2_000_000)
    ap.add_argument("--partitions", type=int, default=40)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    per_part = -(-args.cases // args.partitions)

    with LocalCluster(n_workers=args.workers, threads_per_worker=1,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        start = time.perf_counter()
        futures = client.map(partition_state, range(args.partitions), n_cases=per_part)
        while len(futures) > 1:  # tree merge on the workers
            futures = [client.submit(merge, *futures[i:i + 4])
                       for i in range(0, len(futures), 4)]
        state = futures[0].result()
        took = time.perf_counter() - start

    print(f"{state.cases:,} cases, {state.events:,} events in {args.partitions} partitions "
          f"on {args.workers} workers: {took:.1f} s ({state.events / took:,.0f} events/s)")
    table = state.aggregates(output="polars")
    published = table.filter(pl.col("suppressed").is_null())
    print(f"published cells: {published.height} of {table.height}")
    national = (
        published.group_by("phase")
        .agg(pl.col("right_place_median_days").median().alias("median of municipal medians"),
             pl.col("bounce_rate").mean().alias("mean bounce rate"))
        .sort("phase")
    )
    print(national)


if __name__ == "__main__":
    main()
