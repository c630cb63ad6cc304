"""The vocabulary's names reach people translated, from one table."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from desktop_auth.gui.i18n import install_language
from desktop_auth.gui.labels import MARKED_FOR_TRANSLATION, kind_label, method_label
from desktop_auth.vocabulary import KIND_LABELS, METHODS, FactorKind, Method


@pytest.fixture
def dutch(qapp: QApplication) -> Iterator[None]:
    install_language("nl")
    yield
    install_language("en")


def test_every_name_in_the_table_is_marked_for_translation() -> None:
    table = {info.label for info in METHODS} | set(KIND_LABELS.values())
    assert set(MARKED_FOR_TRANSLATION) == table


@pytest.mark.usefixtures("dutch")
def test_every_name_has_its_dutch() -> None:
    english = {info.method: info.label for info in METHODS}
    for method in Method:
        assert method_label(method) not in ("", english[method])
    for kind in FactorKind:
        assert kind_label(kind) not in ("", KIND_LABELS[kind])
    assert kind_label(FactorKind.WEBAUTHN) == "Beveiligingssleutel of Windows Hello"
