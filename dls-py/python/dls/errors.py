"""The exceptions dls raises, and the validation problems they carry.

Every error from the library is a :class:`DlsError`. Input that cannot be read or used is a
:class:`BadInputError` (also a :class:`ValueError`); its subclass :class:`ParseError` is text that
is not valid TOML or JSON for the model (a file that is not there is its subclass
:class:`MissingFileError`, also a :class:`FileNotFoundError`), and :class:`ValidationError` is data that was read but
failed validation, with every :class:`Problem` found and where it is.
"""

from __future__ import annotations

import errno

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

__all__ = [
    "BadInputError",
    "DlsError",
    "EvaluationError",
    "InternalError",
    "Location",
    "MissingFileError",
    "ParseError",
    "Problem",
    "RoutingError",
    "ValidationError",
]


@dataclass(frozen=True)
class Location:
    """Where a problem is: as much of file, item, field and row as applies."""

    file: Optional[str] = None
    item: Optional[str] = None
    field: Optional[str] = None
    row: Optional[int] = None

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"`{self.file}`")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.item is not None:
            parts.append(self.item)
        if self.field is not None:
            parts.append(f"field `{self.field}`")
        return ", ".join(parts) if parts else "input"


@dataclass(frozen=True)
class Problem:
    """One problem found by validation.

    ``severity`` is ``"error"`` or ``"warning"``; ``kind`` is a stable snake_case name such as
    ``"unknown_service"`` or ``"duplicate_id"`` that code can match on.
    """

    severity: str
    kind: str
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.location}: {self.message}"


class DlsError(Exception):
    """Base class of every error raised by dls."""


class BadInputError(DlsError, ValueError):
    """Input that cannot be used: a malformed id, a case that breaks the case rules, a bad row.

    ``row`` (1-based) and ``field`` say where, when the input is tabular.
    """

    def __init__(self, message: str, row: Optional[int] = None, field: Optional[str] = None):
        super().__init__(message, row, field)
        self.message = message
        self.row = row
        self.field = field

    def __str__(self) -> str:
        return self.message


class ParseError(BadInputError):
    """Text that is not valid TOML or JSON for the model, or a file that cannot be read.

    ``file`` names the file or source; ``line`` and ``column`` are 1-based, ``None`` when unknown.
    """

    def __init__(
        self,
        message: str,
        file: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
    ):
        DlsError.__init__(self, message, file, line, column)
        self.message = message
        self.row = None
        self.field = None
        self.file = file
        self.line = line
        self.column = column


class MissingFileError(ParseError, FileNotFoundError):
    """A file that is not there: one asked for, one a folder must hold (``areas``,
    ``taxonomy``, ``directory``, a ``rules-…`` layer), or a companion the files given need
    (a directory file loaded without its ``areas.toml``). Also a :class:`FileNotFoundError`:
    ``filename`` names the missing file, ``errno`` is ``ENOENT``."""

    def __init__(
        self,
        message: str,
        file: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
    ):
        ParseError.__init__(self, message, file, line, column)
        self.errno = errno.ENOENT
        self.strerror = message
        self.filename = file

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> Tuple[type, Tuple[str, Optional[str], Optional[int], Optional[int]]]:
        return (type(self), (self.message, self.file, self.line, self.column))


class ValidationError(BadInputError):
    """Data that was read but failed validation. ``problems`` lists every problem found, errors
    first, each with its location."""

    problems: Tuple[Problem, ...]

    def __init__(self, message: str, problems: Sequence[Problem] = ()):
        DlsError.__init__(self, message, tuple(problems))
        self.message = message
        self.row = None
        self.field = None
        self.problems = tuple(problems)

    @property
    def errors(self) -> Tuple[Problem, ...]:
        """The problems of severity ``error``."""
        return tuple(p for p in self.problems if p.severity == "error")


class RoutingError(DlsError):
    """A case could not be routed (e.g. its kern or need is not in the directory, or it has no
    date). ``row`` is the 1-based row for a case of a table, else ``None``."""

    def __init__(self, message: str, row: Optional[int] = None):
        super().__init__(message, row)
        self.message = message
        self.row = row

    def __str__(self) -> str:
        return self.message


class EvaluationError(DlsError):
    """Events could not be evaluated."""


class InternalError(DlsError):
    """A bug in dls: an internal failure was caught before it could crash the interpreter.

    Please report it with the message."""
