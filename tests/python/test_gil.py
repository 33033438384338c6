"""Long calls release the GIL: a Python thread keeps running while a large batch is routed."""

from __future__ import annotations

import threading
import time

import pyarrow as pa

import dls


def test_python_thread_runs_during_a_long_batch(pilot):
    router = dls.Router(pilot.rules)
    one = dls.cases_table(pilot.cases)
    # Grow the table until one batch takes long enough to see what other threads do meanwhile.
    table = pa.concat_tables([one] * 2000)
    while True:
        start = time.perf_counter()
        router.route_batch(table)
        took = time.perf_counter() - start
        if took >= 0.4 or table.num_rows >= 5_000_000:
            break
        table = pa.concat_tables([table] * 2)

    ticks: list[float] = []
    stop = threading.Event()

    def ticker() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.002)

    t = threading.Thread(target=ticker)
    t.start()
    time.sleep(0.05)
    start = time.perf_counter()
    out = router.route_batch(table)
    end = time.perf_counter()
    stop.set()
    t.join()

    assert out.num_rows > table.num_rows  # one row per need, several needs per case
    during = [x for x in ticks if start <= x <= end]
    # With the GIL held for the whole batch the ticker could not run at all; released, it
    # keeps ticking every few milliseconds.
    assert len(during) >= 10, (len(during), end - start)
    gaps = [b - a for a, b in zip([start] + during, during + [end])]
    assert max(gaps) < (end - start) / 2, (max(gaps), end - start)
