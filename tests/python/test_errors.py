"""The exception hierarchy: one base class, one class per kind, never PanicException."""

from __future__ import annotations

import pytest

import dls
from dls import _dls


def test_hierarchy():
    assert issubclass(dls.BadInputError, dls.DlsError)
    assert issubclass(dls.BadInputError, ValueError)
    assert issubclass(dls.ParseError, dls.BadInputError)
    assert issubclass(dls.ValidationError, dls.BadInputError)
    for cls in (dls.RoutingError, dls.EvaluationError, dls.InternalError):
        assert issubclass(cls, dls.DlsError)
        assert not issubclass(cls, dls.BadInputError)


def test_a_panic_becomes_internal_error_not_panic_exception():
    with pytest.raises(dls.InternalError) as info:
        _dls._panic_for_tests()
    assert "deliberate panic for the tests" in str(info.value)
    assert type(info.value).__name__ != "PanicException"
    # The module still works after a caught panic.
    assert dls.demo.haarlemmermeer().directory.kernen
