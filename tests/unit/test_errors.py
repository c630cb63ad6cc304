"""One code per outcome (issue 13): every error class names one outcome, by a code of its own.

Its message key is always ``"error." + code`` and exists in every language; the
exception's text never carries a parameter's value.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

import desktop_auth
from desktop_auth import errors
from desktop_auth.errors import (
    ConfigError,
    DataKeyError,
    DesktopAuthError,
    InvalidInputError,
    SecurityKeyClonedError,
    WeakPasswordError,
)
from desktop_auth.messages import SUPPORTED_LANGUAGES, catalogue

#: Not imported here: the migrations' env.py refuses to run outside alembic, and
#: ``__main__`` starts the program.
_NOT_IMPORTED = ("desktop_auth.store.migrations", "desktop_auth.__main__")
#: A value no message may show through ``str()`` or ``repr()``.
SENTINEL = "Geheim-7KQ4-M2XD"


def every_error_class() -> list[type[DesktopAuthError]]:
    """DesktopAuthError and every subclass, wherever in the package it is defined."""
    for module in pkgutil.walk_packages(desktop_auth.__path__, "desktop_auth."):
        if not module.name.startswith(_NOT_IMPORTED):
            importlib.import_module(module.name)
    found: list[type[DesktopAuthError]] = [DesktopAuthError]
    for cls in found:
        found.extend(sub for sub in cls.__subclasses__() if sub not in found)
    return [cls for cls in found if cls.__module__.startswith("desktop_auth.")]


def sample(cls: type[DesktopAuthError], **params: Any) -> DesktopAuthError:
    """An instance of ``cls``, whatever its constructor wants besides ``params``."""
    if issubclass(cls, SecurityKeyClonedError):
        return cls(7)  # takes no params
    if issubclass(cls, WeakPasswordError):
        return cls(("too_short",), **params)
    return cls(**params)


ERROR_CLASSES = every_error_class()


def test_the_walk_finds_the_errors_defined_outside_errors_py() -> None:
    names = {cls.__name__ for cls in ERROR_CLASSES}
    assert {"ResourceMissingError", "UnexpectedError", "UserExistsError"} <= names
    assert len(ERROR_CLASSES) > 90


def test_every_error_class_has_a_code_of_its_own() -> None:
    counts = Counter(cls.code for cls in ERROR_CLASSES)
    assert not [code for code, n in counts.items() if n > 1]
    for cls in ERROR_CLASSES:
        assert "code" in vars(cls), f"{cls.__name__} inherits its code"


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_the_message_key_is_error_dot_code(cls: type[DesktopAuthError]) -> None:
    assert cls.message_key == f"error.{cls.code}"
    error = sample(cls)
    assert error.code == cls.code
    assert error.message_key == f"error.{cls.code}"


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_message_key_is_in_both_catalogues(language: str) -> None:
    missing = sorted({cls.message_key for cls in ERROR_CLASSES} - set(catalogue(language)))
    assert not missing, f"{language} lacks {missing}"


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_error_text_belongs_to_an_error(language: str) -> None:
    """No orphans: every ``error.`` text is some class's."""
    keys = {cls.message_key for cls in ERROR_CLASSES}
    orphans = sorted(
        key
        for key in catalogue(language)
        # A count's singular (messages.COUNT_PARAMETERS) is its error's text too.
        if key.startswith("error.") and key.removesuffix(".one") not in keys
    )
    assert not orphans


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_the_exception_text_carries_no_parameter_values(cls: type[DesktopAuthError]) -> None:
    moment = datetime(2031, 7, 1, 12, 34, tzinfo=UTC)
    error = sample(cls, path=f"/home/jan/{SENTINEL}", email=SENTINEL, until=moment, left=31)
    assert str(error) == f"{cls.code}: error.{cls.code}"
    for text in (str(error), repr(error), repr(error.args)):
        assert SENTINEL not in text and "31" not in text


def test_the_message_key_cannot_be_passed_set_or_defined() -> None:
    with pytest.raises(TypeError):
        DataKeyError("error.data_key_missing")  # type: ignore[call-arg]
    error = DataKeyError()
    with pytest.raises(AttributeError):
        error.message_key = "error.other"  # type: ignore[misc]
    with pytest.raises(TypeError):

        class _OwnKeyError(DesktopAuthError):
            code = "own_key"
            message_key = "error.something_else"  # type: ignore[assignment]

    with pytest.raises(TypeError):

        class _NoCodeError(InvalidInputError):
            pass

    with pytest.raises(TypeError):

        class _BadCodeError(DesktopAuthError):
            code = "Not A Code"


def test_a_parent_takes_no_key_either() -> None:
    """Every outcome has its class; no parent carries a variant's key any more."""
    with pytest.raises(TypeError):
        ConfigError("error.policy_throttle")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        InvalidInputError("error.config_syntax")  # type: ignore[call-arg]


def test_variants_are_caught_by_their_parents() -> None:
    parents = (
        errors.ConfigError,
        errors.DataKeyError,
        errors.InvalidInputError,
        errors.InvalidCredentialsError,
        errors.InvalidCodeError,
        errors.CodeAlreadyUsedError,
        errors.CodeExpiredError,
        errors.SecurityKeyRejectedError,
        errors.SecurityKeyNotAllowedError,
        errors.SecurityKeyPinError,
    )
    for parent in parents:
        assert [cls for cls in ERROR_CLASSES if issubclass(cls, parent) and cls is not parent]
    assert issubclass(errors.ImportDuplicateError, InvalidInputError)
    assert issubclass(errors.LookupCodeUsedError, errors.CodeAlreadyUsedError)
    assert issubclass(errors.SecurityKeyPinWrongLeftError, errors.SecurityKeyPinWrongError)
    assert not issubclass(errors.SecurityKeyPinBlockedError, errors.SecurityKeyPinWrongError)
