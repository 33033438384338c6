"""The embedded Haarlemmermeer care pilot (GM0394, 31 kernen), ready to use with no files."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import Any, Dict, List

from dls import _dls, _tables
from dls._dls import Directory, RuleSet

__all__ = ["Pilot", "haarlemmermeer", "write_folder"]


@dataclass(frozen=True)
class Pilot:
    """The pilot's validated directory and layered rule set, its sample cases as dicts, and
    the event log of its baseline and pilot cases as CSV text (see :meth:`events`)."""

    directory: Directory
    rules: RuleSet
    cases: List[Dict[str, Any]]
    events_csv: str

    def events(self, output: str = "pyarrow") -> Any:
        """The event log as a table (every column as text, as in the file), ready for
        :func:`dls.evaluate`: a ``"pyarrow"`` Table (default) or a ``"polars"`` or
        ``"pandas"`` DataFrame. Needs pyarrow."""
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.csv as pacsv  # type: ignore[import-untyped]

        data = self.events_csv.encode()
        header = self.events_csv.split("\n", 1)[0].split(",")
        table = pacsv.read_csv(
            io.BytesIO(data),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header}, strings_can_be_null=True
            ),
        )
        return _tables.convert(table, None, output)


def haarlemmermeer() -> Pilot:
    """The embedded Haarlemmermeer pilot."""
    return Pilot(
        directory=_dls.pilot_directory(),
        rules=_dls.pilot_rules(),
        cases=_dls.pilot_cases(),
        events_csv=_dls.pilot_events_csv(),
    )


def write_folder(path: "str | os.PathLike[str]") -> str:
    """Writes the pilot's files into the folder ``path`` (made if needed) and returns it: the
    directory (``areas.toml``, ``taxonomy.toml``, ``directory.toml``), one ``rules-….toml`` per
    layer, ``events.csv`` and ``cases.json`` — a complete example to load with
    :meth:`Directory.load_folder` and :meth:`RuleSet.load_folder`, or to give to ``dls``."""
    folder = os.fspath(path)
    os.makedirs(folder, exist_ok=True)
    for name, text in _dls.pilot_files():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    return folder
