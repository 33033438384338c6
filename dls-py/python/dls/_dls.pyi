"""The native module of dls (private: use the names re-exported by ``dls``)."""

from os import PathLike
import datetime
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union, final

from typing_extensions import Self, disjoint_base

from dls.errors import Problem

_Path = Union[str, PathLike[str]]

__all__ = [
    "__version__",
    "CASE_COLUMNS",
    "COVERAGE_COLUMNS",
    "DECISION_COLUMNS",
    "Directory",
    "RuleSet",
    "Router",
    "Decision",
    "WhatIf",
    "what_if",
    "CapacityLedger",
    "Evaluation",
    "EvaluationState",
    "cases_table",
    "coverage",
    "pilot_directory",
    "pilot_rules",
    "AccessLog",
    "organisation_view",
    "signal_intake",
    "pilot_signals_csv",
    "pilot_cases",
    "pilot_events_csv",
    "pilot_files",
    "_cli_main",
    "_panic_for_tests",
    "_synthetic_events",
    "fhir_bundle",
    "fhir_import",
    "zgw_zaken",
]

__version__: str
CASE_COLUMNS: Tuple[str, ...]
COVERAGE_COLUMNS: Tuple[str, ...]
DECISION_COLUMNS: Tuple[str, ...]

@final
class Directory:
    """A validated directory of areas, needs, organisations and services."""

    @staticmethod
    def load(*paths: Union[_Path, Sequence[_Path]]) -> Directory: ...
    @staticmethod
    def load_folder(folder: _Path) -> Directory: ...
    @staticmethod
    def parse(text: str, format: str = "toml", name: str = "<string>") -> Directory: ...
    @staticmethod
    def from_hsds(
        paths: Union[_Path, Sequence[_Path]], base: Directory, mapping: Optional[_Path] = None
    ) -> Directory: ...
    @staticmethod
    def from_tables(folder: _Path, base: Directory) -> Directory: ...
    def to_hsds(self) -> str: ...
    @property
    def import_notes(self) -> List[str]: ...
    @property
    def warnings(self) -> List[Problem]: ...
    @property
    def kernen(self) -> List[str]: ...
    @property
    def organisations(self) -> List[str]: ...
    @property
    def services(self) -> List[str]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def to_json(self) -> str: ...

@final
class RuleSet:
    """A rule set validated against a directory."""

    @staticmethod
    def load(directory: Directory, *paths: Union[_Path, Sequence[_Path]]) -> RuleSet: ...
    @staticmethod
    def load_folder(directory: Directory, folder: _Path) -> RuleSet: ...
    @staticmethod
    def parse(
        directory: Directory, text: str, format: str = "toml", name: str = "<string>"
    ) -> RuleSet: ...
    @property
    def directory(self) -> Directory: ...
    @property
    def warnings(self) -> List[Problem]: ...
    @property
    def rules(self) -> List[str]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def to_json(self) -> str: ...

_Date = Union[datetime.date, str, None]

@disjoint_base
class Router:
    """Routes cases with a validated rule set: ``Router(rules)`` or ``Router(directory, rules)``."""

    def __new__(cls, *args: Union[Directory, RuleSet]) -> Self: ...
    @property
    def rules(self) -> RuleSet: ...
    def route(
        self,
        case: Mapping[str, Any],
        date: _Date = None,
        trace: bool = False,
        ledger: Optional[CapacityLedger] = None,
    ) -> Decision: ...
    def reroute(
        self,
        case: Mapping[str, Any],
        after: Union[str, Mapping[str, Any]],
        outcome: Optional[str] = None,
        date: _Date = None,
        trace: bool = False,
        ledger: Optional[CapacityLedger] = None,
        previous: Optional[Decision] = None,
    ) -> Decision: ...
    def _route_batch(
        self, table: Any, date: _Date = None, ledger: Optional[CapacityLedger] = None
    ) -> Any: ...

@final
class Decision:
    """The decision for one household: per need a row (the columns of ``route_batch``), one
    coordinator, a trace when asked for."""

    @property
    def case(self) -> str: ...
    @property
    def kern(self) -> str: ...
    @property
    def date(self) -> datetime.date: ...
    @property
    def coordinator(self) -> Optional[Dict[str, str]]: ...
    @property
    def first_contact(self) -> Optional[str]: ...
    @property
    def needs(self) -> List[Dict[str, Any]]: ...
    @property
    def primary(self) -> Dict[str, Any]: ...
    @property
    def service(self) -> Optional[str]: ...
    @property
    def trace(self) -> Dict[str, Optional[Dict[str, Any]]]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def explain(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    @staticmethod
    def _from_json(json: str) -> Decision: ...

@final
class CapacityLedger:
    """Open places and waiting weeks per service of one router's directory, updated by routing
    with it (``Router.route(case, ledger=...)``) and by the host."""

    def __new__(cls, router: Router) -> Self: ...
    def get(self, service_id: str) -> Dict[str, Any]: ...
    def set(
        self, service_id: str, open_places: Optional[int] = None, waiting_weeks: Optional[int] = None
    ) -> None: ...
    def release(self, service_id: str) -> None: ...
    def snapshot(self) -> List[Dict[str, Any]]: ...
    def restore(self, entries: List[Dict[str, Any]]) -> None: ...

@final
class WhatIf:
    """What changes between routing the same cases under A and under B."""

    @property
    def cases(self) -> int: ...
    @property
    def needs(self) -> int: ...
    @property
    def changed(self) -> List[Dict[str, Optional[str]]]: ...
    @property
    def gaps_appeared(self) -> List[Dict[str, str]]: ...
    @property
    def gaps_disappeared(self) -> List[Dict[str, str]]: ...
    @property
    def load(self) -> List[Dict[str, Any]]: ...
    @property
    def newly_over_capacity(self) -> List[str]: ...
    @property
    def errors(self) -> List[Dict[str, Optional[str]]]: ...

def what_if(
    a: Union[Router, RuleSet], b: Union[Router, RuleSet], cases: Any, date: _Date = None
) -> WhatIf: ...

# "publish" (default, under the public test key: the output says
# "public_default_not_for_publication"), "publish:SECRET" (the publisher's own key), "raw",
# or the settings as a dict ({"min_cases", "round_to", "secondary", "key": SECRET, ...}).
_Disclosure = Union[str, Mapping[str, Any], None]
# A log mapping: a preset name (`"dls"`, `"pm4py"`), a `.toml`/`.json` file, or a dict (keys
# `preset`, `columns`, `activities`, `dimensions` (extra columns to group `by`), and the policies).
_Mapping = Union[str, PathLike[str], Mapping[str, Any], None]

@final
class EvaluationState:
    """The mergeable state of an evaluation: counts and the ended durations per group (exact
    quantiles); bytes read back by `from_bytes` are checked (`BadInputError` when inconsistent)."""

    @staticmethod
    def from_events(
        events: Any,
        by: Sequence[str] = ...,
        directory: Optional[Directory] = None,
        as_of: Optional[datetime.datetime] = None,
        mapping: _Mapping = None,
    ) -> EvaluationState: ...
    @staticmethod
    def empty(by: Sequence[str] = ...) -> EvaluationState: ...
    def merge(
        self, *others: Union[EvaluationState, Sequence[EvaluationState]]
    ) -> EvaluationState: ...
    @property
    def by(self) -> List[str]: ...
    @property
    def cases(self) -> int: ...
    @property
    def events(self) -> int: ...
    def aggregates(self, disclosure: _Disclosure = None, output: str = "pyarrow") -> Any: ...
    def summary(self, disclosure: _Disclosure = None) -> Dict[str, Any]: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> EvaluationState: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class Evaluation:
    """The result of evaluating one event log."""

    def __new__(
        cls,
        events: Any,
        by: Sequence[str] = ...,
        directory: Optional[Directory] = None,
        as_of: Optional[datetime.datetime] = None,
        disclosure: _Disclosure = None,
        strict: bool = False,
        mapping: _Mapping = None,
        legal: Union[str, PathLike[str], Mapping[str, Any], None] = None,
    ) -> Evaluation: ...
    def per_case(self, output: str = "auto") -> Any: ...
    def aggregates(self, output: str = "auto") -> Any: ...
    def rejected(self, output: str = "auto") -> Any: ...
    def warnings(self, output: str = "auto") -> Any: ...
    def deadlines(self, overdue: bool = False, output: str = "auto") -> Any: ...
    @property
    def uncovered_years(self) -> List[int]: ...
    @property
    def unmapped_activities(self) -> Dict[str, int]: ...
    @property
    def ignored_columns(self) -> List[str]: ...
    def compare(
        self,
        a: Mapping[str, Any],
        b: Mapping[str, Any],
        iterations: Optional[int] = None,  # 2000; 0 to 100000
        confidence: Optional[float] = None,  # 0.95; strictly between 0 and 1
        seed: int = 24301,
        disclosure: _Disclosure = None,
        output: str = "auto",
    ) -> Any: ...
    def report(
        self,
        path: _Path,
        rules: Optional[RuleSet] = None,
        date: Union[datetime.date, str, None] = None,
        title: str = ...,  # "Pilot report"
        pilot: str = ...,  # "pilot"
        baseline: str = ...,  # "baseline"
        compare: bool = True,
    ) -> None: ...
    @property
    def summary(self) -> Dict[str, Any]: ...
    @property
    def problems(self) -> Dict[str, Any]: ...
    @property
    def state(self) -> EvaluationState: ...
    @property
    def rows_read(self) -> int: ...
    @property
    def rows_used(self) -> int: ...
    @property
    def anomalies(self) -> List[Dict[str, Any]]: ...

def cases_table(cases: Iterable[Mapping[str, Any]]) -> Any: ...
def coverage(
    rules: RuleSet,
    date: Union[datetime.date, str],
    municipality: Optional[str] = None,
    only: str = "all",
) -> Any: ...
def pilot_directory() -> Directory: ...
def pilot_rules() -> RuleSet: ...
def pilot_cases() -> List[Dict[str, Any]]: ...
def pilot_events_csv() -> str: ...
def pilot_files() -> List[Tuple[str, str]]: ...
def _cli_main(argv: List[str]) -> int: ...
def _panic_for_tests() -> None: ...
def _synthetic_events(
    n_cases: int,
    seed: int = 7,
    *,
    first_case: int = 0,
    municipalities: int = 1,
    kernen: int = 5,
    span_days: int = 730,
) -> str: ...

# Need-to-know views, consent, the access log and signal intake (dls_core::privacy)

def organisation_view(
    router: Router,
    case: Any,
    events: Any,
    consent_events: Any,
    organisation: str,
    as_of: Union[datetime.date, str],
) -> Dict[str, Any]: ...
def signal_intake(
    csv: str,
    as_of: Union[datetime.date, str],
    window_days: int = 30,
    events: Any = None,
) -> Dict[str, Any]: ...
def pilot_signals_csv() -> str: ...
@final
class AccessLog:
    """A tamper-evident log of the views produced (each entry hashed with the previous one)."""

    def __new__(cls) -> Self: ...
    def record_view(self, view: Any, at: str) -> None: ...
    def verify(self) -> None: ...
    @property
    def head(self) -> str: ...
    def entries(self) -> List[Dict[str, Any]]: ...
    def to_jsonl(self) -> str: ...
    def to_csv(self) -> str: ...
    @staticmethod
    def from_jsonl(text: str) -> AccessLog: ...
    def __len__(self) -> int: ...
def fhir_bundle(
    decision: Decision,
    directory: Directory,
    events: Optional[List[Mapping[str, Any]]] = None,
    history: bool = False,
) -> Dict[str, Any]: ...
def fhir_import(json: str) -> Dict[str, Any]: ...
def zgw_zaken(
    decision: Decision,
    directory: Directory,
    config: Mapping[str, Any],
    events: Optional[List[Mapping[str, Any]]] = None,
) -> List[Dict[str, Any]]: ...
