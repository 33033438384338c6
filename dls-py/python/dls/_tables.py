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

        frame = table.to_pandas(types_mapper=pd.ArrowDtype)
        # what the table was made under (``dls.disclosure``: raw, publish or custom) stays
        # with the frame
        frame.attrs.update(marks(table))
        return frame
    return table


def marks(table: Any) -> dict[str, str]:
    """The ``dls.*`` entries of a pyarrow table's schema metadata, as text."""
    meta = table.schema.metadata or {}
    return {
        k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"dls.")
    }
