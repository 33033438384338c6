"""The tests' event logs, made by the core's one synthetic generator
(`dls_core::synthetic::events`, through `dls._dls._synthetic_events`): even cases are pilot,
odd cases baseline, each kern holds as many of one as of the other; pilot cases reach the right
place sooner and bounce less; some never reach it (open)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Dict, List, Optional

from dls import _dls


def events(n_cases: int, seed: int = 7) -> List[Dict[str, Optional[object]]]:
    """Rows with the CSV columns (empty fields as None); `timestamp` as aware datetimes. Cases
    in id order, events in time order within each case."""
    rows: List[Dict[str, Optional[object]]] = []
    for raw in csv.DictReader(io.StringIO(_dls._synthetic_events(n_cases, seed))):
        row: Dict[str, Optional[object]] = {k: (v or None) for k, v in raw.items()}
        row["timestamp"] = dt.datetime.fromisoformat(raw["timestamp"]).astimezone(dt.timezone.utc)
        rows.append(row)
    return rows


def table(n_cases: int, seed: int = 7):  # -> pyarrow.Table
    import pyarrow as pa

    return pa.Table.from_pylist(events(n_cases, seed))
