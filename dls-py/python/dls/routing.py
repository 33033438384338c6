"""Routing: a :class:`Router` compiled from a validated rule set routes one case (a dict) or a
whole table of cases (polars, pandas or pyarrow)."""

from __future__ import annotations

import datetime
from typing import Any, Iterable, Mapping, Optional, Union

from dls import _dls, _tables
from dls._dls import CapacityLedger, Decision, WhatIf

__all__ = [
    "CASE_COLUMNS",
    "CapacityLedger",
    "DECISION_COLUMNS",
    "Decision",
    "Router",
    "WhatIf",
    "cases_table",
    "what_if",
]

#: Columns of a case table (the core's case row): ``id``, ``kern`` and ``needs`` are required;
#: the first need is the primary need (prio-vraag).
CASE_COLUMNS = _dls.CASE_COLUMNS

#: Columns of the table :meth:`Router.route_batch` returns: one row per need of each case (the
#: core's decision row), then ``error_kind`` and ``error``, null where the case was routed.
DECISION_COLUMNS = _dls.DECISION_COLUMNS


class Router(_dls.Router):
    """Routes cases with a validated rule set: ``Router(rules)`` or ``Router(directory, rules)``.

    Safe to share between threads, and pickles (so it travels to Dask or Spark workers).
    """

    def route_batch(
        self,
        table: Any,
        date: Union[datetime.date, str, None] = None,
        *,
        output: str = "auto",
        ledger: Optional[CapacityLedger] = None,
    ) -> Any:
        """Routes every case of ``table`` (a polars or pandas DataFrame or a pyarrow Table, one
        row per case, columns :data:`CASE_COLUMNS`) on ``date``, or on each case's ``opened``
        date when ``date`` is None.

        Returns one row per need (columns :data:`DECISION_COLUMNS`), as the same kind of table
        as the input (``output="auto"``) or as ``"pyarrow"``, ``"polars"`` or ``"pandas"``. The
        rows are those of :attr:`Decision.needs` that :meth:`route` gives. A case that cannot be
        read or routed does not stop the others: it has one row in its place with ``outcome``
        ``"error"``, ``error_kind`` ``"bad_input"`` (a bad field, named in ``error``) or
        ``"routing"`` (e.g. an unknown kern), and ``error``, the message, starting with the
        1-based row number. A missing required column or an input that is not a table still
        raises :class:`dls.BadInputError`. The GIL is released while routing.

        ``age`` is any integer column (a float column whose every value is whole reads too, as
        pandas writes integers with missing values). Every other column beyond
        :data:`CASE_COLUMNS` is an attribute the router's directory declares, read as declared:
        ``enum``/``ordered`` a text (or categorical) column, ``boolean`` a boolean column,
        ``integer`` any integer column, ``flags`` a list-of-text column or a text column with
        ``;`` between words; null (or empty text) means not stated. A column that is neither a
        case column nor a declared attribute (a pandas index aside), or of the wrong type, raises
        :class:`dls.BadInputError` naming the column (``field``) with the closest declared name;
        a value the declaration does not hold (an unknown word, an integer out of bounds) fails
        its row with ``error_kind`` ``"bad_input"``, the value not repeated.

        With a ``ledger`` (a :class:`CapacityLedger` of this router), every case is routed
        against its live counts as :meth:`route` with ``ledger`` does, taking a place per need
        sent to a service with known places. The places go to the cases in the order of their
        routing date, then case id (not the order of the rows), so the same table on the same
        ledger always gives the same decisions.
        """
        return _tables.convert(self._route_batch(table, date, ledger), table, output)

    def __repr__(self) -> str:
        return f"Router({len(self.rules.rules)} rules)"



def what_if(
    a: Union["Router", _dls.RuleSet],
    b: Union["Router", _dls.RuleSet],
    cases: Iterable[Mapping[str, Any]],
    date: Union[datetime.date, str, None] = None,
) -> WhatIf:
    """Routes ``cases`` (case dicts) under ``a`` and under ``b`` (each a :class:`Router` or a
    validated :class:`dls.RuleSet`) on ``date``, or each case's ``opened`` date, and returns what
    changes: :attr:`WhatIf.changed` (the needs whose outcome differs), the gaps that appear or
    disappear, and :attr:`WhatIf.load` (needs per service under A and B, against its open
    places). The same as the core's and the JVM's ``what_if``. A case that cannot be read
    raises :class:`dls.BadInputError` with its 1-based position; a case that cannot be routed is
    listed in :attr:`WhatIf.errors`. The GIL is released while routing."""
    return _dls.what_if(a, b, cases, date)


def cases_table(cases: Iterable[Mapping[str, Any]], *, output: str = "pyarrow") -> Any:
    """Cases in their JSON form (dicts, e.g. ``dls.demo.haarlemmermeer().cases``) as a case table
    with the columns :data:`CASE_COLUMNS`, as a ``"pyarrow"`` Table (default) or a ``"polars"``
    or ``"pandas"`` DataFrame. ``age`` is an integer column. Each declared attribute the cases
    state becomes one more column after those, named after it (in name order): a word as text,
    a boolean as a boolean, an integer as int64, a set of flags as a list of text; null where a
    case does not state it. Cases that state one attribute with values of different kinds
    raise :class:`dls.BadInputError`."""
    return _tables.convert(_dls.cases_table(cases), None, output)
