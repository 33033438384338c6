"""A partitioned event log evaluated on a real Dask distributed cluster: one partial state per
partition on the workers, merged, equal to the single-process result."""

from __future__ import annotations

import dask
import dask.dataframe as dd
import pandas as pd
import pytest
from dask.distributed import Client, LocalCluster

import dls
import eventgen

BY = ["kern", "phase", "month"]


def partial_state(part: pd.DataFrame) -> dls.EvaluationState:
    """Runs on a worker: the partition's events (each case whole) in time order."""
    part = part.reset_index().sort_values(["case_id", "timestamp"], kind="stable")
    return dls.EvaluationState.from_events(part, by=BY)


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


def test_dask_partitions_merge_to_the_single_process_result(client):
    table = eventgen.table(2000)
    df = table.to_pandas()
    single = dls.EvaluationState.from_events(table, by=BY)

    # Partition by case: the index is the case id, so no case spans two partitions.
    ddf = dd.from_pandas(df.set_index("case_id"), npartitions=6, sort=True)
    assert ddf.npartitions > 1
    parts = ddf.to_delayed()
    states = dask.compute(*[dask.delayed(partial_state)(p) for p in parts])
    assert len(states) == ddf.npartitions
    assert all(isinstance(s, dls.EvaluationState) for s in states)
    assert sum(s.cases for s in states) == 2000

    merged = dls.EvaluationState.empty(by=BY).merge(list(states))
    assert merged == single
    assert merged.aggregates().equals(single.aggregates())
    assert merged.aggregates(disclosure="raw").equals(
        dls.evaluate(table, by=BY, disclosure="raw").aggregates())

    # The states can also be merged on the cluster (a tree reduction), with the same result.
    def merge_all(*ss: dls.EvaluationState) -> dls.EvaluationState:
        return ss[0].merge(list(ss[1:]))

    futures = client.scatter(list(states))
    while len(futures) > 1:
        futures = [client.submit(merge_all, *futures[i:i + 2]) for i in range(0, len(futures), 2)]
    assert futures[0].result() == single


def test_router_travels_to_workers(client, pilot):
    router = dls.Router(pilot.rules)
    cases = pilot.cases
    future = client.submit(lambda r, c: [r.route(x, trace=False).to_dict() for x in c],
                           router, cases)
    assert future.result() == [router.route(c, trace=False).to_dict() for c in cases]
