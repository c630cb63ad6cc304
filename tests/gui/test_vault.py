"""My recovery codes in the window: from an empty vault to a printed entry, in English
and Dutch, through the real key client over the software key (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_auth.core.escrow_key import escrow_key_of
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.errors import VaultWrongKeyError
from desktop_auth.gui import recovery_sheet
from desktop_auth.gui.i18n import install_language
from desktop_auth.gui.vault_dialog import EntryDialog, RecoveryKeyDialog, VaultDialog
from desktop_auth.store.db import Store
from desktop_auth.vault.client import OpenVault, VaultClient, codes_from
from desktop_auth.vault.entries import EntryContent
from desktop_auth.vault.escrow import (
    AdministratorKey,
    finish_opening,
    open_first_layer,
)
from desktop_auth.vault.sheets import EntrySheet
from tests.gui.conftest import shoot
from tests.helpers import (
    MemoryKeyring,
    PinnedClock,
    initialize_organisation,
    make_service,
    pdf_text,
)
from tests.webauthn_helpers import KeyUser, client_for, hardware_key, make_user_with_key

GOOGLE_CODES = "1. 4938 2019    2. 4923 8821\n3. 1111 2222"


@pytest.fixture
def jan(
    store: Store, clock: PinnedClock, memory_keyring: MemoryKeyring
) -> tuple[AuthService, KeyUser]:
    key: SoftAuthenticator = hardware_key()
    service = make_service(store, clock=clock, keyring=memory_keyring, security_keys=lambda: [key])
    admin: Actor = initialize_organisation(service)
    return service, make_user_with_key(service, admin, key)


def make_vault(service: AuthService, user: KeyUser, trusted: str = "") -> tuple[OpenVault, str]:
    """Jan's vault, made as the window would (one touch, the printed key typed back) on a
    workstation that pins ``trusted`` as the escrow key; returns it and the printed key."""
    client = VaultClient(service, user.session, trusted_escrow_key=trusted)
    [key] = client.key_choices()
    creation = client.begin_create(key)
    printed = creation.recovery_key.formatted()
    return creation.finish(printed, label="Printed key"), printed


def open_dialog(qtbot: QtBot, service: AuthService, jan: KeyUser, trusted: str = "") -> VaultDialog:
    dialog = VaultDialog(service, jan.session, trusted_escrow_key=trusted)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.summary is not None and not dialog.runner.busy)
    return dialog


def child(qtbot: QtBot, dialog: VaultDialog, kind: type) -> QDialog:
    qtbot.waitUntil(lambda: isinstance(dialog.child, kind) and dialog.child.isVisible())
    assert dialog.child is not None
    return dialog.child


def asked_first(qtbot: QtBot, dialog: VaultDialog) -> QMessageBox:
    """The question the vault asks as it opens (a new printed key is due)."""
    qtbot.waitUntil(
        lambda: isinstance(dialog.question, QMessageBox) and dialog.question.isVisible()
    )
    assert isinstance(dialog.question, QMessageBox)
    return dialog.question


def make_new_printed_key(qtbot: QtBot, dialog: VaultDialog, question: QMessageBox) -> None:
    """Yes to ``question``, one touch of Jan's key, and the new printed key typed back."""
    question.button(QMessageBox.StandardButton.Yes).click()
    printed = child(qtbot, dialog, RecoveryKeyDialog)
    assert isinstance(printed, RecoveryKeyDialog)
    printed.retype.setText(printed.sheet.recovery_key.formatted())
    printed.ok_button.click()
    qtbot.waitUntil(lambda: not printed.isVisible() and not dialog.runner.busy)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_from_an_empty_vault_to_a_printed_entry(
    qtbot: QtBot, jan: tuple[AuthService, KeyUser], language: str, tmp_path: Path
) -> None:
    install_language(language)
    service, user = jan
    dialog = open_dialog(qtbot, service, user)
    assert dialog.pages.currentWidget() is dialog.intro_page
    assert dialog.create_button.isEnabled()
    shoot(dialog, "vault_1_empty")

    dialog.create_button.click()  # one touch of the key (the software key answers)
    printed = child(qtbot, dialog, RecoveryKeyDialog)
    assert isinstance(printed, RecoveryKeyDialog)
    key_text = printed.sheet.recovery_key.formatted()
    assert printed.key.text() == key_text
    assert not printed.ok_button.isEnabled()
    shoot(printed, "vault_2_recovery_key")
    assert not service.vault.state(user.session)  # nothing stored before it is typed back
    printed.retype.setText("AAAAA-" + key_text[6:])
    printed.ok_button.click()
    qtbot.waitUntil(lambda: bool(printed.error.text()))
    assert printed.isVisible()
    printed.retype.setText(key_text.lower())
    printed.ok_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.open_page)
    assert not printed.isVisible()

    dialog.add_button.click()
    entry_dialog = child(qtbot, dialog, EntryDialog)
    assert isinstance(entry_dialog, EntryDialog)
    entry_dialog.service.setText("Google")
    entry_dialog.account.setText("jan.devries@gmail.com")
    entry_dialog.codes.setPlainText(GOOGLE_CODES)
    found = {
        "en": ("3 codes found.", "1 code found."),
        "nl": ("3 codes gevonden.", "1 code gevonden."),
    }
    assert entry_dialog.found.text() == found[language][0]
    entry_dialog.codes.setPlainText("4938 2019")
    assert entry_dialog.found.text() == found[language][1]  # Qt's plurals, in English too
    entry_dialog.codes.setPlainText(GOOGLE_CODES)
    shoot(entry_dialog, "vault_3_new_entry")
    entry_dialog.save_button.click()
    qtbot.waitUntil(lambda: len(dialog.entries) == 1 and not dialog.runner.busy)
    assert dialog.selected() is not None
    assert [dialog.codes.item(i).text() for i in range(3)] == [
        "4938 2019",
        "4923 8821",
        "1111 2222",
    ]

    dialog.copy_and_mark_used()
    qtbot.waitUntil(lambda: dialog.entries[0].left == 2 and not dialog.runner.busy)
    assert QGuiApplication.clipboard().text() == "4938 2019"
    hint = QGuiApplication.clipboard().mimeData().data("x-kde-passwordManagerHint")
    assert bytes(hint.data()) == b"secret"  # clipboard managers keep no history of it
    assert dialog.codes.item(0).font().strikeOut()
    assert dialog.warning.text()  # 2 left: running low
    assert dialog.codes.currentRow() == 1  # the next unused one is offered
    assert "YubiKey 5" in dialog.ways_label.text()  # the key that opens it, by name
    shoot(dialog, "vault_4_entry")

    # The entry's sheet, as the printer receives it (the PDF path of the same painter).
    sheet = EntrySheet(
        email=user.email, printed_on=dialog.entries[0].added_at.date(), entry=dialog.entries[0]
    )
    pdf = tmp_path / "google.pdf"
    recovery_sheet.save_pdf([(sheet, language)], pdf)
    text = pdf_text(pdf)
    assert "Google" in text and "4923 8821" in text and "1111 2222" in text
    assert ("2 of 3" if language == "en" else "2 van 3") in text

    dialog.close()
    assert dialog.vault is None and dialog.entries == []  # locked as it closed
    assert QGuiApplication.clipboard().text() == ""  # and the copied code went with it


def test_a_locked_vault_opens_with_the_key_or_the_printed_key(
    qtbot: QtBot, jan: tuple[AuthService, KeyUser]
) -> None:
    service, user = jan
    vault, printed = make_vault(service, user)
    vault.add(EntryContent(service="GitHub", codes=codes_from(["aaaa-1111"])))

    dialog = open_dialog(qtbot, service, user)
    assert dialog.pages.currentWidget() is dialog.locked_page
    shoot(dialog, "vault_5_locked")
    dialog.open_key_button.click()
    qtbot.waitUntil(lambda: len(dialog.entries) == 1)
    dialog.close()

    dialog = open_dialog(qtbot, service, user)
    dialog.open_printed_button.click()
    ask = child(qtbot, dialog, QDialog)
    ask.setTextValue("wrong")  # type: ignore[attr-defined]
    ask.accept()
    qtbot.waitUntil(lambda: bool(dialog.error.text()))
    assert "8" in dialog.error.text() and dialog.vault is None and not dialog.note.text()
    dialog.open_printed_button.click()
    ask = child(qtbot, dialog, QDialog)
    ask.setTextValue(printed.replace("-", " "))  # type: ignore[attr-defined]
    ask.accept()
    qtbot.waitUntil(lambda: len(dialog.entries) == 1)
    assert dialog.entries[0].content.service == "GitHub"
    dialog.close()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_new_printed_key_asks_first_and_gives_the_vault_a_new_key(
    qtbot: QtBot, jan: tuple[AuthService, KeyUser], language: str
) -> None:
    install_language(language)
    service, user = jan
    vault, old_printed = make_vault(service, user)
    vault.add(EntryContent(service="GitHub", codes=codes_from(["aaaa-1111"])))
    dialog = open_dialog(qtbot, service, user)
    dialog.open_key_button.click()
    qtbot.waitUntil(lambda: len(dialog.entries) == 1 and not dialog.runner.busy)

    dialog.new_printed_button.click()
    question = dialog.question
    assert isinstance(question, QMessageBox) and question.isVisible()
    assert ("old sheet" if language == "en" else "oude blad") in question.text()
    shoot(question, "vault_6_new_printed_key_question")
    question.button(QMessageBox.StandardButton.Yes).click()  # then one touch of the key
    printed = child(qtbot, dialog, RecoveryKeyDialog)
    assert isinstance(printed, RecoveryKeyDialog)
    new_printed = printed.sheet.recovery_key.formatted()
    assert new_printed != old_printed
    printed.retype.setText(new_printed)
    printed.ok_button.click()
    qtbot.waitUntil(lambda: not printed.isVisible() and not dialog.runner.busy)
    qtbot.waitUntil(lambda: len(dialog.entries) == 1)
    assert ("new vault key" if language == "en" else "nieuwe kluissleutel") in dialog.note.text()
    shoot(dialog, "vault_7_new_printed_key_done")
    dialog.close()

    client = VaultClient(service, user.session)
    with pytest.raises(VaultWrongKeyError):
        client.open_with_recovery_key(old_printed)
    reopened = client.open_with_recovery_key(new_printed)
    assert [e.content.service for e in reopened.entries()] == ["GitHub"]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_screen_says_when_the_organisation_keeps_an_escrow(
    qtbot: QtBot, jan: tuple[AuthService, KeyUser], language: str
) -> None:
    install_language(language)
    service, user = jan
    admin = service.accounts.local_administrator()
    anna, piet = (AdministratorKey(X25519PrivateKey.generate()) for _ in range(2))
    pinned = escrow_key_of(anna.public_bytes, piet.public_bytes)
    service.policy.set_vault_escrow_key(pinned, actor=admin)
    said = "two administrators together" if language == "en" else "twee beheerders samen"
    # A workstation IT did not give this key: it says so, and makes no vault.
    untrusting = open_dialog(qtbot, service, user)
    warned = "not set up to trust" if language == "en" else "niet vertrouwt"
    assert warned in untrusting.escrow_warning.text() and untrusting.escrow_warning.isVisible()
    shoot(untrusting, "vault_8_escrow_untrusted")
    assert said not in untrusting.intro_text.text()  # nothing is sealed to that key
    assert not untrusting.create_button.isEnabled()
    untrusting.create_vault()  # and were it clicked all the same: refused, nothing made
    qtbot.waitUntil(lambda: bool(untrusting.error.text()) and not untrusting.runner.busy)
    assert "IT" in untrusting.error.text() and service.vault.state(user.session) is None
    untrusting.close()

    dialog = open_dialog(qtbot, service, user, pinned)
    assert said in dialog.intro_text.text() and not dialog.escrow_warning.isVisible()
    shoot(dialog, "vault_8_escrow_intro")
    dialog.close()
    make_vault(service, user, pinned)
    dialog = open_dialog(qtbot, service, user, pinned)
    dialog.open_key_button.click()
    qtbot.waitUntil(lambda: dialog.vault is not None and not dialog.runner.busy)
    assert said in dialog.ways_label.text()
    dialog.close()

    # The helpdesk opened it with the escrow: the first thing the vault asks is a new key.
    asked = service.vault.request_escrow(actor=admin, email=user.email)
    service.vault.approve_escrow(
        actor=Actor(label="cli:piet@werkplek"), request_id=asked.request_id
    )
    half = open_first_layer(service, anna, actor=admin, email=user.email)
    helpdesk = finish_opening(service, piet, half, actor=admin, label="Helpdesk")
    dialog = open_dialog(qtbot, service, user, pinned)
    dialog.open_printed_button.click()
    ask = child(qtbot, dialog, QDialog)
    ask.setTextValue(helpdesk.formatted())  # type: ignore[attr-defined]
    ask.accept()
    question = asked_first(qtbot, dialog)
    knows = "knows the vault's key" if language == "en" else "kent dus de sleutel"
    assert knows in question.text()
    shoot(question, "vault_9_after_escrow_question")
    make_new_printed_key(qtbot, dialog, question)
    assert dialog.vault is not None and dialog.vault.escrow_opened_at is None
    dialog.close()
    with pytest.raises(VaultWrongKeyError):
        VaultClient(service, user.session).open_with_recovery_key(helpdesk.formatted())


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_removed_key_has_the_vault_ask_for_a_new_key_when_it_opens(
    qtbot: QtBot,
    store: Store,
    clock: PinnedClock,
    memory_keyring: MemoryKeyring,
    language: str,
) -> None:
    install_language(language)
    plugged: list[SoftAuthenticator] = [hardware_key()]
    service = make_service(
        store, clock=clock, keyring=memory_keyring, security_keys=lambda: plugged[-1:]
    )
    user = make_user_with_key(service, initialize_organisation(service), plugged[0])
    vault, _printed = make_vault(service, user)
    vault.add(EntryContent(service="GitHub", codes=codes_from(["aaaa-1111"])))
    spare = hardware_key()
    ceremony = service.security_keys.begin_add(user.session, "Spare key")
    service.security_keys.finish_add(user.session, client_for(spare).register(ceremony.options))
    plugged.append(spare)
    [spare_choice] = [
        k for k in VaultClient(service, user.session).key_choices() if k.label == "Spare key"
    ]
    vault.add_key(spare_choice)
    plugged.pop()  # the spare is lost: Jan's own key is in the port
    [spare_slot] = [s for s in vault.slots if s.label == "Spare key"]
    vault.remove_slot(spare_slot)

    dialog = open_dialog(qtbot, service, user)
    dialog.open_key_button.click()
    question = asked_first(qtbot, dialog)
    said = "a lost key still opens it" if language == "en" else "opent een verloren sleutel"
    assert said in question.text()
    assert said in dialog.ways_label.text()
    shoot(question, "vault_10_after_removed_key_question")
    make_new_printed_key(qtbot, dialog, question)
    assert dialog.vault is not None and dialog.vault.slot_removed_at is None
    assert said not in dialog.ways_label.text()
    dialog.close()


def test_the_idle_lock_closes_and_locks_the_vault(
    qtbot: QtBot, jan: tuple[AuthService, KeyUser]
) -> None:
    from desktop_auth.gui.main_window import MainWindow
    from desktop_auth.gui.workers import wait_for_workers

    service, user = jan
    make_vault(service, user)
    window = MainWindow(lambda: service)
    qtbot.addWidget(window)
    window.show()
    window.open_store()
    qtbot.waitUntil(lambda: window.service is not None)
    window.signed_in(user.session)
    window.home.vault_button.click()
    dialog = window.vault
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.locked_page)
    dialog.open_key_button.click()
    qtbot.waitUntil(
        lambda: dialog.vault is not None and dialog.pages.currentWidget() is dialog.open_page
    )
    opened = dialog.vault
    assert opened is not None and opened.is_open
    window.idle.expired.emit()  # the minutes without use ran out
    assert not dialog.isVisible() and dialog.vault is None
    assert not opened.is_open  # the vault key is forgotten, not only hidden
    window.close()
    wait_for_workers()
