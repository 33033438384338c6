"""dls: De Lokale Steunpilaar for Python.

Route a household's care needs to the right local service and evaluate whether citizens are
helped faster. The work is done by the Rust core (``dls-core``); this package converts types,
releases the GIL for long calls and raises the exceptions of :mod:`dls.errors`.

>>> import dls
>>> pilot = dls.demo.haarlemmermeer()
>>> "hoofddorp" in pilot.directory.kernen
True
"""

from dls import demo, errors, evaluation, routing
from dls import spark
from dls import exchange
from dls._coverage import coverage
from dls._dls import Directory, RuleSet, __version__
from dls._dls import AccessLog, organisation_view, pilot_signals_csv, signal_intake
from dls.evaluation import Evaluation, EvaluationState, evaluate
from dls.routing import CapacityLedger, Decision, Router, WhatIf, cases_table, what_if
from dls.errors import (
    BadInputError,
    DlsError,
    EvaluationError,
    InternalError,
    Location,
    MissingFileError,
    ParseError,
    Problem,
    RoutingError,
    ValidationError,
)

__all__ = [
    "AccessLog",
    "organisation_view",
    "pilot_signals_csv",
    "signal_intake",
    "BadInputError",
    "CapacityLedger",
    "Decision",
    "coverage",
    "Evaluation",
    "EvaluationState",
    "evaluate",
    "evaluation",
    "Router",
    "WhatIf",
    "cases_table",
    "what_if",
    "routing",
    "Directory",
    "DlsError",
    "EvaluationError",
    "InternalError",
    "Location",
    "MissingFileError",
    "ParseError",
    "Problem",
    "RoutingError",
    "RuleSet",
    "ValidationError",
    "__version__",
    "demo",
    "errors",
    "spark",
    "exchange",
]
