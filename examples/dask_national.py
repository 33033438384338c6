"""National-scale evaluation on a Dask distributed cluster with mergeable states.

    python examples/dask_national.py [--cases 2000000] [--partitions 40] [--workers 2]

Each partition of a generated national event log (342 municipalities of 10 kernen, pilot and
baseline cases, 2 to 14 events per case: `dls_core::synthetic::events`) is made and evaluated
on a worker: the worker returns only its `dls.EvaluationState` (counts and quantile sketches
per group), never the events. The states are merged on the cluster in a tree and finished once, with small-cell
suppression, into the published table per municipality and phase. Merging is exact: the same
result as evaluating the whole log in one process (tests/python/test_dask.py checks this).
"""

from __future__ import annotations

import argparse
import time

import polars as pl
from dask.distributed import Client, LocalCluster

import dls
from dls import _dls

BY = ["municipality", "phase"]
# The national scale of the core's synthetic event logs: 342 municipalities of 10 kernen.
NATIONAL = {"municipalities": 342, "kernen": 10, "span_days": 365}


def partition_events(part: int, n_cases: int, seed: int = 2026) -> pl.DataFrame:
    """The events of cases `part * n_cases ..`, made by the core's synthetic generator
    (deterministic from the seed; the same cases however the log is partitioned)."""
    text = _dls._synthetic_events(n_cases, seed, first_case=part * n_cases, **NATIONAL)
    events = pl.read_csv(text.encode(), infer_schema=False)
    return events.with_columns(
        pl.col("timestamp").str.to_datetime("%Y-%m-%dT%H:%M:%S%:z", time_zone="UTC"))


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
