"""A deterministic event-log generator for the tests: pilot cases reach the right place faster
than baseline cases; some bounce, some never reach it (open), all in known amounts."""

from __future__ import annotations

import datetime as dt
import random
from typing import Dict, List, Optional

UTC = dt.timezone.utc
KERNEN = ["hoofddorp", "nieuw-vennep", "badhoevedorp", "zwanenburg", "lisserbroek"]
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def events(n_cases: int, seed: int = 7, prefix: str = "c") -> List[Dict[str, Optional[object]]]:
    """Rows with the CSV columns; `at` as aware datetimes. Cases in id order, events in time
    order within each case."""
    rng = random.Random(seed)
    rows: List[Dict[str, Optional[object]]] = []

    def add(case: str, at: dt.datetime, activity: str, **kw: Optional[str]) -> None:
        row: Dict[str, Optional[object]] = {
            "case_id": case, "timestamp": at, "activity": activity, "organisation": None,
            "service": None, "kern": None, "need": None, "phase": None, "reason": None,
        }
        row.update(kw)
        rows.append(row)

    for i in range(n_cases):
        case = f"{prefix}{i:06d}"
        pilot = i % 2 == 0
        kern = KERNEN[i % len(KERNEN)]
        opened = START + dt.timedelta(hours=7 * i + rng.randrange(0, 5))
        add(case, opened, "opened", kern=kern, need="zorg.wmo.huishouden",
            phase="pilot" if pilot else "baseline")
        t = opened + dt.timedelta(days=1 if pilot else 3, hours=rng.randrange(0, 6))
        add(case, t, "first_contact", organisation="slp-hoofddorp")
        t += dt.timedelta(days=1)
        add(case, t, "referred", organisation="gem-haarlemmermeer", service="wmo-loket")
        if not pilot and i % 3 == 1:
            t += dt.timedelta(days=2)
            add(case, t, "rejected", organisation="gem-haarlemmermeer", service="wmo-loket",
                reason="not_eligible")
            t += dt.timedelta(hours=4)
            add(case, t, "referred", organisation="gem-haarlemmermeer", service="wmo-loket")
        if i % 10 == 9:
            continue  # never accepted: stays open
        t += dt.timedelta(days=(2 if pilot else 9) + rng.randrange(0, 3))
        add(case, t, "accepted", organisation="gem-haarlemmermeer", service="wmo-loket",
            need="zorg.wmo.huishouden")
        t += dt.timedelta(days=20)
        add(case, t, "resolved", organisation="gem-haarlemmermeer")
        add(case, t + dt.timedelta(days=1), "closed")
    return rows


def table(n_cases: int, seed: int = 7, prefix: str = "c"):  # -> pyarrow.Table
    import pyarrow as pa

    return pa.Table.from_pylist(events(n_cases, seed, prefix))
