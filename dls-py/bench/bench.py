"""Benchmarks of the Python binding: route per call, route_batch from a polars DataFrame, and
evaluate against the Rust figure. Build in release mode first:

    cd dls-py && maturin develop --release && cd .. && python dls-py/bench/bench.py

Prints one line per figure; `--quick` for a smoke run. Figures go to BENCHMARKS.md by hand,
with the command.

Evaluate against Rust on the same file (`--events FILE --rust-bin BIN`): BIN is the core's
evaluation bench binary (see BENCHMARKS.md, "Evaluation"); its `run FILE` and
`dls.evaluate(FILE, by=["kern", "month"], disclosure="raw")` do the same work (read and check every row, every
per-case metric, the kern x month table, frequent problems) and are timed back to back, in
turns.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Callable, List

import polars as pl
import pyarrow as pa

import dls


def best_of(n: int, f: Callable[[], object]) -> List[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return times


def report(name: str, count: int, times: List[float], unit: str = "cases/s") -> None:
    best = min(times)
    med = statistics.median(times)
    print(
        f"{name:<48} {count / best:>12,.0f} {unit} (best of {len(times)}; median "
        f"{count / med:,.0f}; {count:,} per run)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    ap.add_argument("--events", help="CSV event log for the evaluate benchmark")
    ap.add_argument("--rust-bin", help="the core's evaluation bench binary, for the Rust figure")
    ap.add_argument("--skip-routing", action="store_true")
    args = ap.parse_args()
    reps = 3 if args.quick else 7
    print(f"dls {dls.__version__}, Python {platform.python_version()}, polars {pl.__version__}, "
          f"pyarrow {pa.__version__}, {os.cpu_count()} CPUs")

    if not args.skip_routing:
        bench_routing(args, reps)
    if args.events:
        bench_evaluate(args, 3 if args.quick else 5)


def bench_routing(args: argparse.Namespace, reps: int) -> None:
    pilot = dls.demo.haarlemmermeer()
    router = dls.Router(pilot.rules)
    cases = pilot.cases

    # route per call: the pilot's sample cases, round robin, with and without trace.
    n_calls = 20_000 if args.quick else 200_000
    work = [cases[i % len(cases)] for i in range(n_calls)]

    def per_call(trace: bool) -> Callable[[], None]:
        route = router.route

        def run() -> None:
            for c in work:
                route(c, trace=trace)

        return run

    report("route() per call, pilot rules, trace=False", n_calls, best_of(reps, per_call(False)))
    report("route() per call, pilot rules, trace=True", n_calls, best_of(reps, per_call(True)))

    # route_batch from a polars DataFrame (pilot cases repeated, ids kept unique).
    n_rows = 100_000 if args.quick else 1_000_000
    base = dls.cases_table(cases, output="polars")
    reps_needed = -(-n_rows // base.height)
    df = pl.concat([base] * reps_needed).head(n_rows)
    df = df.with_columns(
        (pl.col("id") + "-" + pl.int_range(pl.len()).cast(pl.Utf8)).alias("id")
    )
    needs_per_case = statistics.mean(len(c["needs"]) for c in cases)
    print(f"batch table: {df.height:,} cases, {needs_per_case:.1f} needs per case on average")
    report("route_batch(polars DataFrame) -> polars", df.height,
           best_of(reps, lambda: router.route_batch(df)))
    report("route_batch(polars DataFrame) -> pyarrow", df.height,
           best_of(reps, lambda: router.route_batch(df, output="pyarrow")))



def bench_evaluate(args: argparse.Namespace, reps: int) -> None:
    path = args.events
    size = os.path.getsize(path)
    py_times: List[float] = []
    rust_times: List[float] = []
    ev = None
    for _ in range(reps):
        if args.rust_bin:
            start = time.perf_counter()
            subprocess.run([args.rust_bin, "run", path], check=True, stdout=subprocess.DEVNULL)
            rust_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        ev = dls.evaluate(path, by=["kern", "month"], disclosure="raw")
        py_times.append(time.perf_counter() - start)
        del ev
    ev = dls.evaluate(path, by=["kern", "month"], disclosure="raw")
    events = ev.rows_used
    print(f"event log: {path}, {size / 1e6:.1f} MB, {events:,} events")
    report("dls.evaluate(csv path), kern x month", events, py_times, "events/s")
    print(f"  wall: best {min(py_times):.2f} s, median {statistics.median(py_times):.2f} s")
    if rust_times:
        report("Rust `run` (process, same file)", events, rust_times, "events/s")
        print(f"  wall: best {min(rust_times):.2f} s, median {statistics.median(rust_times):.2f} s")
        print(f"  Python / Rust: best {min(py_times) / min(rust_times):.2f}x, median "
              f"{statistics.median(py_times) / statistics.median(rust_times):.2f}x")


if __name__ == "__main__":
    sys.exit(main())
