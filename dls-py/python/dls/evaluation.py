"""Evaluation: per-case metrics from case timelines, aggregates under disclosure control,
pilot-versus-baseline comparison, and a mergeable state for partitioned (national) data.

Events come as a ``.csv`` or ``.jsonl`` file, a polars or pandas DataFrame or pyarrow Table, or a
list of event dicts. Table columns are those of the CSV format: ``case_id`` (or ``case``),
``timestamp`` (or ``at``; timestamps, or ISO 8601 text with an offset) and ``activity``, and
optionally ``organisation``, ``service``, ``kern``, ``need``, ``reason``, ``municipality``,
``region``, ``domain``, ``phase``, ``framework`` and ``signals``. Rows that cannot be used are
not errors: they are counted and listed by :meth:`Evaluation.rejected`.
"""

from __future__ import annotations

import datetime
from typing import Any, Mapping, Optional, Sequence, Union

from dls._dls import Directory, Evaluation, EvaluationState

__all__ = ["DIMENSIONS", "Evaluation", "EvaluationState", "evaluate"]

#: Dimensions aggregates can be grouped by.
DIMENSIONS = (
    "kern",
    "municipality",
    "region",
    "domain",
    "need",
    "organisation",
    "phase",
    "month",
    "week",
)

Disclosure = Union[str, Mapping[str, Any], None]


def evaluate(
    events: Any,
    by: Sequence[str] = ("kern", "month"),
    *,
    directory: Optional[Directory] = None,
    as_of: Optional[datetime.datetime] = None,
    disclosure: Disclosure = None,
    strict: bool = False,
) -> Evaluation:
    """Evaluates an event log: per-case metrics, aggregates grouped ``by`` dimensions
    (:data:`DIMENSIONS`) and frequent problems.

    Aggregates are published figures by default: cells with fewer than 10 cases suppressed
    (and secondary suppression), counts rounded to 5. ``disclosure="raw"`` gives raw figures
    for internal use, or pass ``{"min_cases": ..., "round_to": ..., "secondary": ...}``.
    ``directory`` decides which services cover which needs for "time to the right place";
    ``as_of`` marks running legal clocks past their deadline as overdue. The GIL is released
    while evaluating. Events that break the referral life cycle (an ``accepted`` with no
    referral, anything after ``closed`` but ``reopened``) are listed by
    :attr:`Evaluation.anomalies`; ``strict=True`` also rejects them.
    """
    return Evaluation(events, list(by), directory, as_of, disclosure, strict)
