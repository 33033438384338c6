"""The native module of dls (private: use the names re-exported by ``dls``)."""

from os import PathLike
from typing import Any, Dict, List, Sequence, Union, final

from dls.errors import Problem

_Path = Union[str, PathLike[str]]

__all__ = [
    "__version__",
    "Directory",
    "RuleSet",
    "pilot_directory",
    "pilot_rules",
    "pilot_cases",
]

__version__: str

@final
class Directory:
    """A validated directory of areas, needs, organisations and services."""

    @staticmethod
    def load(*paths: Union[_Path, Sequence[_Path]]) -> Directory: ...
    @staticmethod
    def parse(text: str, format: str = "toml", name: str = "<string>") -> Directory: ...
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

def pilot_directory() -> Directory: ...
def pilot_rules() -> RuleSet: ...
def pilot_cases() -> List[Dict[str, Any]]: ...
