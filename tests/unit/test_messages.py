"""Every message key the code names exists in Dutch and English, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import desktop_auth
from desktop_auth.core.audit import AuditVerification
from desktop_auth.core.data_key import DataKeyState
from desktop_auth.core.password_policy import PasswordProblem
from desktop_auth.core.users import UserStatus
from desktop_auth.messages import SUPPORTED_LANGUAGES, catalogue, detect_language, translate
from desktop_auth.vocabulary import AuditEventType, Role, SecurityNotice
from tests.unit.test_errors import every_error_class

PACKAGE = Path(desktop_auth.__file__).parent
KEY_PATTERN = re.compile(
    r"""["']((?:error|cli|doctor|password|policy|audit|role|status|kind|sheet|mail)\.[a-z_.]+)["']"""
)


def keys_named_in_code() -> set[str]:
    keys: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        keys.update(KEY_PATTERN.findall(path.read_text(encoding="utf-8")))
    # Keys built from enum values.
    keys.update(p.message_key for p in PasswordProblem)
    keys.update(f"status.{s.value}" for s in UserStatus)
    keys.update(f"role.{r.value}" for r in Role)
    keys.update(f"mail.{part}.{n.value}" for n in SecurityNotice for part in ("subject", "body"))
    keys.update(f"doctor.data_key.{s.value}" for s in DataKeyState)
    keys.update(
        f"doctor.fix.data_key_{s.value}"
        for s in DataKeyState
        if s not in (DataKeyState.PRESENT, DataKeyState.NOT_CREATED)
    )
    # Every error class's key ("error." + its code), wherever the class is defined.
    keys.update(cls.message_key for cls in every_error_class())
    assert AuditVerification(ok=True, events_checked=0).problem is None
    # Audit event types look like keys but are stored identifiers, not messages.
    keys -= {event.value for event in AuditEventType}
    return {k for k in keys if not k.endswith((".", "_"))}  # prefixes, not keys


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_named_key_exists_in_every_language() -> None:
    named = keys_named_in_code()
    assert len(named) > 100
    for language in SUPPORTED_LANGUAGES:
        missing = named - set(catalogue(language))
        assert not missing, f"{language} lacks {sorted(missing)}"


def test_languages_have_the_same_keys_and_placeholders() -> None:
    english, dutch = catalogue("en"), catalogue("nl")
    assert set(english) == set(dutch)
    for key, text in english.items():
        assert placeholders(text) == placeholders(dutch[key]), key
        assert text != dutch[key] or key in {
            "cli.col.email",
            "cli.col.status",
            "doctor.database",
            "doctor.keyring.ok",
            "sheet.account",
            "cli.security_key.sign_in_line",  # only placeholders
            "cli.security_key.fingerprint_line",  # only placeholders
        }, key


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANGUAGE": "nl:en", "LANG": "en_US.UTF-8"}, "nl"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_language_comes_from_the_locale(env: dict[str, str], expected: str) -> None:
    assert detect_language(env) == expected


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "Only 1 code left for this", "Only 2 codes left for this"),
        ("nl", "Nog maar 1 code over", "Nog maar 2 codes over"),
    ],
)
def test_a_count_of_one_takes_the_singular_where_there_is_one(
    language: str, one: str, two: str
) -> None:
    assert translate("cli.vault.running_low", language, left=1).startswith(one)
    assert translate("cli.vault.running_low", language, left=2).startswith(two)
    # Every singular has its plural beside it, with the same placeholders.
    for key in catalogue(language):
        if key.endswith(".one"):
            assert key.removesuffix(".one") in catalogue(language), key


def test_translate_fills_placeholders_and_falls_back() -> None:
    assert translate("cli.user.disabled", "nl", email="a@b.nl") == "a@b.nl is uitgeschakeld."
    assert translate("no.such.key", "nl") == "no.such.key"
