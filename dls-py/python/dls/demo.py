"""The embedded Haarlemmermeer care pilot (GM0394, 31 kernen), ready to use with no files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List

from dls import _dls
from dls._dls import Directory, RuleSet

__all__ = ["Pilot", "haarlemmermeer"]


@dataclass(frozen=True)
class Pilot:
    """The pilot's validated directory and layered rule set, and its sample cases as dicts."""

    directory: Directory
    rules: RuleSet
    cases: List[Dict[str, Any]]


def haarlemmermeer() -> Pilot:
    """The embedded Haarlemmermeer pilot."""
    return Pilot(
        directory=_dls.pilot_directory(),
        rules=_dls.pilot_rules(),
        cases=_dls.pilot_cases(),
    )
