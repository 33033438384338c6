"""Evaluation: per-case metrics from case timelines, aggregates under disclosure control,
pilot-versus-baseline comparison, and a mergeable state for partitioned (national) data.

Events come as a ``.csv`` or ``.jsonl`` file, a polars or pandas DataFrame or pyarrow Table, or a
list of event dicts. Table columns are those of the CSV format: ``case_id`` (or ``case``),
``timestamp`` (or ``at``; timestamps, or ISO 8601 text with an offset) and ``activity``, and
optionally ``organisation``, ``service``, ``kern``, ``need``, ``reason``, ``municipality``,
``region``, ``domain``, ``phase``, ``framework`` and ``signals``. Rows that cannot be used are
not errors: they are counted and listed by :meth:`Evaluation.rejected`.

A log with its own column and activity names (a process-mining export) is read through
``mapping=``: ``"pm4py"`` (``case:concept:name``, ``concept:name``, ``time:timestamp``,
``org:resource``), the path of a TOML or JSON mapping file, or a dict of the same shape, e.g.
``{"preset": "pm4py", "activities": {"Melding ontvangen": "opened"}}``. Activities with no
mapping are kept as ``other`` events and counted in :attr:`Evaluation.unmapped_activities`; a
bad optional field is cleared for its row and listed by :meth:`Evaluation.warnings`; columns
no field reads are listed in :attr:`Evaluation.ignored_columns`.
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
    mapping: Any = None,
    legal: Any = None,
) -> Evaluation:
    """Evaluates an event log: per-case metrics, aggregates grouped ``by`` dimensions
    (:data:`DIMENSIONS`) and frequent problems.

    Aggregates are published figures by default: cells with fewer than 10 cases suppressed
    (and secondary suppression), counts rounded to 5. ``disclosure="raw"`` gives raw figures
    for internal use, or pass ``{"min_cases": ..., "round_to": ..., "secondary": ...}``.
    ``directory`` decides which services cover which needs for "time to the right place";
    ``as_of`` marks running legal clocks past their deadline as overdue; ``legal`` sets the
    municipal terms and the holiday calendar (a dict or a ``.json``/``.toml`` file:
    ``{"municipalities": {"GM0394": {"wmo_decision_days": 21}}, "calendar": {"equated":
    ["2026-05-15"]}}``), and :meth:`Evaluation.deadlines` lists every clock (``overdue=True``:
    the overdue ones). ``mapping`` reads a log with its own column and activity names. Events
    that break the referral life cycle (an ``accepted`` with no referral, anything after
    ``closed`` but ``reopened``) are listed by :attr:`Evaluation.anomalies`; ``strict=True``
    also rejects them. The GIL is released while evaluating.
    """
    return Evaluation(events, list(by), directory, as_of, disclosure, strict, mapping, legal)
