"""Evaluating one event log from each source the Python binding takes (issue 12, "from a polars
frame no slower than from dls's own CSV reader"): the CSV path and the Parquet path (read by dls),
a polars DataFrame and a pyarrow Table already in memory (read from the Parquet file by polars or
pyarrow first, not timed), and a polars LazyFrame when the binding takes one.

Only the `dls.evaluate(...)` call is timed: CPU time of the whole process (user + system, every
thread: `resource.getrusage`) and wall time, with the load average before and after. Each
measurement runs in a fresh interpreter (so peak RSS is its own), the sources interleaved round
by round. Build the release wheel first (`tests/python/run.sh`, or `maturin build --release` in
dls-py and `pip install` the wheel), then:

    python dls-py/bench/eval_sources.py /tmp/benchdata/large/events --rounds 3

(`…/events` is the stem: `events.csv` and `events.parquet` beside each other, as
`../shared/peers/gen.py` writes them). Prints one line per run and a summary (median per source);
`--json FILE` keeps every run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

SOURCES = ["csv_path", "parquet_path", "polars_df", "pyarrow_table", "polars_lazy"]
# also: "pyarrow_utf8", the pyarrow Table with its text columns cast to `string` (32-bit
# offsets, what the core reads without a copy) before the clock starts
BY = ["kern", "month"]


def load(source: str, stem: str):
    """The object handed to dls.evaluate, made before the clock starts."""
    if source == "csv_path":
        return stem + ".csv"
    if source == "parquet_path":
        return stem + ".parquet"
    if source == "polars_df":
        import polars as pl

        return pl.read_parquet(stem + ".parquet")
    if source == "pyarrow_table":
        import pyarrow.parquet as pq

        return pq.read_table(stem + ".parquet")
    if source == "pyarrow_utf8":
        import pyarrow as pa
        import pyarrow.parquet as pq

        t = pq.read_table(stem + ".parquet")
        schema = pa.schema(
            [f.with_type(pa.string()) if pa.types.is_large_string(f.type) else f for f in t.schema]
        )
        return t.cast(schema)
    if source == "polars_lazy":
        import polars as pl

        return pl.scan_parquet(stem + ".parquet")
    raise SystemExit(f"unknown source {source}")


def one(source: str, stem: str) -> dict:
    import dls

    events = load(source, stem)
    before = resource.getrusage(resource.RUSAGE_SELF)
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    try:
        ev = dls.evaluate(events, by=BY, disclosure="raw")
        error = None
    except Exception as e:  # noqa: BLE001 - reported, e.g. a source the binding does not take
        ev, error = None, f"{type(e).__name__}: {e}"
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "source": source,
        "wall_s": wall,
        "user_s": after.ru_utime - before.ru_utime,
        "sys_s": after.ru_stime - before.ru_stime,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "peak_rss_mb": after.ru_maxrss / 1024,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "rows_used": ev.rows_used if ev is not None else None,
        "cases": ev.state.cases if ev is not None else None,
        "error": error,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("stem", help="path without extension: STEM.csv and STEM.parquet")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sources", default=",".join(SOURCES))
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--json", help="write every run here")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.stem)))
        return
    import dls

    print(f"dls {dls.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    runs = []
    sources = args.sources.split(",")
    for r in range(args.rounds):
        for s in sources:
            out = subprocess.run(
                [sys.executable, __file__, args.stem, "--one", s],
                check=True,
                capture_output=True,
                text=True,
            )
            run = json.loads(out.stdout.strip().splitlines()[-1])
            run["round"] = r + 1
            runs.append(run)
            la = run["load_before"]
            if run["error"]:
                print(f"round {r + 1} {s:<14} not taken: {run['error'][:160]}")
                continue
            print(
                f"round {r + 1} {s:<14} wall {run['wall_s']:6.2f} s  CPU {run['cpu_s']:6.2f} s "
                f"(user {run['user_s']:.2f} sys {run['sys_s']:.2f})  peak RSS {run['peak_rss_mb']:,.0f} MB  "
                f"load {la[0]:.1f} {la[1]:.1f} {la[2]:.1f}  rows {run['rows_used']:,} cases {run['cases']:,}"
            )
    print("median per source:")
    for s in sources:
        ok = [r for r in runs if r["source"] == s and not r["error"]]
        if not ok:
            continue
        med = lambda k: statistics.median(r[k] for r in ok)  # noqa: E731
        print(f"  {s:<14} wall {med('wall_s'):6.2f} s  CPU {med('cpu_s'):6.2f} s  peak RSS {med('peak_rss_mb'):,.0f} MB")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(runs, f, indent=1)


if __name__ == "__main__":
    main()
