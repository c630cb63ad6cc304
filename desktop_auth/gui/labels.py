"""The vocabulary's names for people, translated: one place for every screen.

The English names are ``desktop_auth.vocabulary``'s table; the lines below mark each
for pyside6-lupdate (which reads only literal strings), and a test checks that the two
agree, so a label added to the table without a translation fails.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

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
