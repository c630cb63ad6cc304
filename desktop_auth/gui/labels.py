"""The vocabulary's names for people, translated: one place for every screen.

The English names are ``desktop_auth.vocabulary``'s table; the lines below mark each
for pyside6-lupdate (which reads only literal strings), and a test checks that the two
agree, so a label added to the table without a translation fails.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desktop_auth.gui.i18n import message
from desktop_auth.vocabulary import KIND_LABELS, FactorKind, Method, method_info

CONTEXT = "Vocabulary"

MARKED_FOR_TRANSLATION = (
    QT_TRANSLATE_NOOP("Vocabulary", "Security key"),
    QT_TRANSLATE_NOOP("Vocabulary", "Windows Hello (face or fingerprint)"),
    QT_TRANSLATE_NOOP("Vocabulary", "Authenticator app"),
    QT_TRANSLATE_NOOP("Vocabulary", "Security key or Windows Hello"),
    QT_TRANSLATE_NOOP("Vocabulary", "Recovery code"),
    QT_TRANSLATE_NOOP("Vocabulary", "Backup code"),
)


def method_label(method: Method) -> str:
    return QCoreApplication.translate(CONTEXT, method_info(method).label)


def kind_label(kind: FactorKind) -> str:
    return QCoreApplication.translate(CONTEXT, KIND_LABELS[kind])


def event_label(event_type: str) -> str:
    """An audit event as people say it ("Signed in"); the id itself for one we lack."""
    key = f"audit.event.{event_type}"
    text = message(key)
    return event_type if text == key else text


def actor_label(actor: str) -> str:
    """Who did it, one way for everyone: the store writes "user:anna@…" for a session,
    the bare address for someone acting on their own account, "cli:root@host" for the
    workstation's own administrator and "system" for desktop-auth itself."""
    if actor == "system":
        return message("audit.actor.system")
    if actor.startswith("cli:"):
        return message("audit.actor.cli", who=actor.removeprefix("cli:"))
    return actor.removeprefix("user:")


def _detail_value(value: object) -> str:
    if isinstance(value, bool):
        return message("audit.value.yes" if value else "audit.value.no")
    if isinstance(value, list | tuple):
        return ", ".join(_detail_value(v) for v in value)
    return str(value)


def _named_value(name: str, value: object) -> str:
    """A role or a kind of method by its name in this language; anything else as it is."""
    if isinstance(value, str):
        for prefix in {"role": ("role",), "kind": ("kind",), "method": ("kind",)}.get(name, ()):
            key = f"{prefix}.{value}"
            text = message(key)
            if text != key:
                return text
    return _detail_value(value)


def details_text(details: Mapping[str, object]) -> str:
    """An event's details as "name: value" lines' worth, names translated."""
    parts = []
    for name, value in details.items():
        key = f"audit.detail.{name}"
        label = message(key)
        if label == key:
            label = name.replace("_", " ")
        parts.append(f"{label}: {_named_value(name, value)}")
    return "; ".join(parts)
