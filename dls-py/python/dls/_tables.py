"""Turning the Arrow tables the native module returns into the caller's kind of table.

Only conversion: the data stays in Arrow memory (pyarrow, polars and pandas with Arrow dtypes
all read it without copying where they can).
"""

from __future__ import annotations

from typing import Any

OUTPUTS = ("auto", "pyarrow", "polars", "pandas")


def kind_of(table: Any) -> str:
    """``"polars"``, ``"pandas"`` or ``"pyarrow"``: the kind of table ``table`` is."""
    module = type(table).__module__.split(".", 1)[0]
    if module == "polars":
        return "polars"
    if module == "pandas":
        return "pandas"
    return "pyarrow"


def convert(result: Any, like: Any, output: str) -> Any:
    """``result`` (any object with ``__arrow_c_stream__``) as a table of kind ``output``;
    ``"auto"`` gives the kind of ``like``."""
    if output not in OUTPUTS:
        from dls.errors import BadInputError

        raise BadInputError(
            f"unknown output: use one of {', '.join(OUTPUTS)}", field="output"
        )
    kind = kind_of(like) if output == "auto" else output
    if kind == "polars":
        import polars as pl

        return pl.DataFrame(result)
    import pyarrow as pa  # type: ignore[import-untyped]

    table = pa.table(result)
    if kind == "pandas":
        import pandas as pd  # type: ignore[import-untyped]

        return table.to_pandas(types_mapper=pd.ArrowDtype)
    return table
