"""Coverage: where does each need go in each kern, for each age band, and where is a gap
(lacune) or an overlap (two or more organisations at equal standing)?"""

from __future__ import annotations

import datetime
from typing import Any, Optional, Union

from dls import _dls, _tables
from dls._dls import RuleSet

__all__ = ["COVERAGE_COLUMNS", "coverage"]

#: Columns of the coverage table, one row per kern x leaf need x age band.
COVERAGE_COLUMNS = _dls.COVERAGE_COLUMNS


def coverage(
    rules: RuleSet,
    date: Union[datetime.date, str],
    *,
    municipality: Optional[str] = None,
    only: str = "all",
    output: str = "pyarrow",
) -> Any:
    """The coverage table of ``rules`` on ``date``: for each kern (of ``municipality``, or all),
    leaf need and age band (split into stretches of ages, ``age_min`` to ``age_max``, where the
    answer changes inside the band), its ``status`` (``covered``, ``escalation``, ``steunpilaar``,
    ``not_covered`` or ``gap``), the deciding service and rule, the organisations that could
    take it, and the ``gap`` and ``overlap`` flags.

    ``only``: ``"all"`` rows, ``"gaps"``, ``"overlaps"``, or ``"problems"`` (both). ``output``:
    ``"pyarrow"`` (default), ``"polars"`` or ``"pandas"``.
    """
    return _tables.convert(_dls.coverage(rules, date, municipality, only), None, output)
