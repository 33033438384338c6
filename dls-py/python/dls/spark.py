"""Evaluation of an event log held in a PySpark DataFrame: each partition is evaluated on the
executors into a :class:`dls.EvaluationState` (``mapInArrow``: Arrow batches in, the state's
bytes out), and the states are merged on the driver — the same result as one pass over the
whole log. Needs ``pyspark`` (``pip install "dls[spark]"``).

>>> state = dls.spark.evaluate(df, by=["kern", "phase"])      # doctest: +SKIP
>>> state.aggregates(output="pandas")                          # doctest: +SKIP

The DataFrame has the columns of an event table (see :mod:`dls.evaluation`): ``case_id``,
``timestamp`` (Spark timestamps, or ISO 8601 text with an offset), ``activity`` and the optional
ones. The events of one case must be evaluated together, so the DataFrame is repartitioned by
the case column first.
"""

from __future__ import annotations

import datetime
from typing import Any, Iterator, Optional, Sequence

from dls._dls import Directory, EvaluationState

__all__ = ["evaluate"]

#: The schema of what each partition returns: one row with its state.
STATE_SCHEMA = "state binary"


def evaluate(
    df: Any,
    by: Sequence[str] = ("kern", "month"),
    *,
    directory: Optional[Directory] = None,
    as_of: Optional[datetime.datetime] = None,
    partitions: Optional[int] = None,
) -> EvaluationState:
    """Evaluates the events of the PySpark DataFrame ``df`` into one merged
    :class:`dls.EvaluationState` grouped ``by`` dimensions: ``.aggregates()`` publishes it
    (suppressed and rounded by default). ``partitions``: how many partitions to evaluate in
    (default: the DataFrame's own number); the rows are repartitioned by case either way, so
    no case is split. ``directory`` and ``as_of`` as for :func:`dls.evaluate`."""
    by = list(by)
    columns = set(df.columns)
    case_col = "case_id" if "case_id" in columns else "case"
    if case_col not in columns:
        from dls.errors import BadInputError

        raise BadInputError("missing required column `case_id` (or `case`)", field="case_id")
    n = partitions or max(df.rdd.getNumPartitions(), 1)

    def partition_state(batches: Iterator[Any]) -> Iterator[Any]:
        # Arrow record batches in, one record batch with the state's bytes out
        # runs on an executor: the partition's events, whole cases, into one state
        import pyarrow as pa  # type: ignore[import-untyped]

        received = list(batches)
        if sum(b.num_rows for b in received) == 0:
            return
        table = pa.Table.from_batches(received)
        state = EvaluationState.from_events(table, by=by, directory=directory, as_of=as_of)
        yield pa.RecordBatch.from_pydict({"state": [state.to_bytes()]},
                                         schema=pa.schema([("state", pa.binary())]))

    rows = df.repartition(n, case_col).mapInArrow(partition_state, STATE_SCHEMA).collect()
    states = [EvaluationState.from_bytes(bytes(r["state"])) for r in rows]
    return EvaluationState.empty(by=by).merge(states)
