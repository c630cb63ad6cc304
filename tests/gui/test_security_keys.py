"""Security keys in the window: set up in the wizard, the second step, passwordless.

The key is our software authenticator (with a hardware model's AAGUID), driven
through python-fido2's real client stack from a worker thread, exactly as a
USB key would be.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from desktop_auth.core.service import Actor, AssuranceLevel, AuthService
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.gui.admin.context import AdminContext
from desktop_auth.gui.admin.user_dialogs import MethodsDialog
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.setup_wizard import ChooseMethodPage
from desktop_auth.store.db import Store
from tests.gui.conftest import _window, shoot
from tests.gui.helpers import finish_wizard_with_key, sign_in, wait_page, wait_wizard
from tests.helpers import (
    USER_PASSWORD,
    MemoryKeyring,
    PinnedClock,
    initialize_organisation,
    make_service,
    make_user,
    past_sign_in,
)
from tests.webauthn_helpers import hardware_key, make_user_with_key, trusted_hardware_key


@pytest.fixture
def key() -> SoftAuthenticator:
    return hardware_key()


@pytest.fixture
def plugged_in(key: SoftAuthenticator) -> list[SoftAuthenticator]:
    """The keys in the workstation's USB ports; a test may swap them."""
    return [key]


@pytest.fixture
def keyed_service(
    store: Store,
    clock: PinnedClock,
    memory_keyring: MemoryKeyring,
    plugged_in: list[SoftAuthenticator],
) -> AuthService:
    return make_service(
        store, clock=clock, keyring=memory_keyring, security_keys=lambda: list(plugged_in)
    )


@pytest.fixture
def keyed_admin(keyed_service: AuthService) -> Actor:
    return initialize_organisation(keyed_service)


@pytest.fixture
def key_window(
    qtbot: QtBot, keyed_service: AuthService, keyed_admin: Actor
) -> Iterator[MainWindow]:
    yield from _window(qtbot, keyed_service)


def test_setup_wizard_with_a_security_key(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    key: SoftAuthenticator,
) -> None:
    make_user(keyed_service, keyed_admin)
    sign_in(qtbot, key_window, "jan@example.nl", USER_PASSWORD)
    wizard = wait_wizard(qtbot, key_window)
    wizard.next()
    choose = wizard.currentPage()
    choose.key_choice.click()  # type: ignore[attr-defined]
    assert choose.nickname.text() == "Security key"  # type: ignore[attr-defined]
    shoot(wizard, "30-wizard-choose-key")
    finish_wizard_with_key(qtbot, key_window, wizard, shot="31-wizard-key-works")
    [method] = keyed_service.accounts.methods("jan@example.nl")
    assert (method.kind, method.label) == ("webauthn", "Security key")
    assert len(key.credentials) == 1


def test_daily_sign_in_asks_the_key_at_once(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    plugged_in: list[SoftAuthenticator],
) -> None:
    # A key whose model its attestation proves (A1): with its PIN, AAL3 (A2).
    plugged_in[:] = [trusted_hardware_key(keyed_service, keyed_admin)]
    make_user_with_key(keyed_service, keyed_admin, plugged_in[0])
    sign_in(qtbot, key_window, "jan@example.nl", USER_PASSWORD)
    wait_page(qtbot, key_window, key_window.home)
    assert key_window.session is not None
    assert key_window.session.assurance is AssuranceLevel.AAL3
    assert key_window.session.methods == ("password", "webauthn")


def test_a1_the_keys_model_shows_in_my_settings_and_to_the_helpdesk(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    plugged_in: list[SoftAuthenticator],
) -> None:
    plugged_in[:] = [trusted_hardware_key(keyed_service, keyed_admin)]
    make_user_with_key(keyed_service, keyed_admin, plugged_in[0])
    model = keyed_service.accounts.methods("jan@example.nl")[0].model
    assert model == "Test EE Serial 1"  # the attestation certificate's name
    sign_in(qtbot, key_window, "jan@example.nl", USER_PASSWORD)
    wait_page(qtbot, key_window, key_window.home)
    key_window.home.settings_button.click()
    settings = key_window.account
    assert settings is not None
    qtbot.waitUntil(lambda: settings.table.rowCount() == 1)
    assert settings.table.item(0, 1).text() == f"security key — {model}"
    settings.reject()

    helpdesk = AdminContext(
        keyed_service, past_sign_in(keyed_service, "beheer@salariszaken.nl"), key_window
    )
    dialog = MethodsDialog(helpdesk, keyed_service.accounts.get("jan@example.nl"), key_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert dialog.table.item(0, 1).text() == f"security key — {model}"


def test_a_refused_key_says_so_and_offers_another_method(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    key: SoftAuthenticator,
) -> None:
    make_user_with_key(keyed_service, keyed_admin, key)
    key.touch = lambda: False  # nobody touches it
    sign_in(qtbot, key_window, "jan@example.nl", USER_PASSWORD)
    page = key_window.second_factor
    wait_page(qtbot, key_window, page)
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=10_000)
    assert "not touched in time" in page.error.text()
    shoot(key_window, "32-key-not-touched")
    key.touch = lambda: True
    page.continue_button.click()  # "Use my security key" again
    wait_page(qtbot, key_window, key_window.home)


def test_passwordless_sign_in_from_the_first_screen(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    key: SoftAuthenticator,
) -> None:
    make_user_with_key(keyed_service, keyed_admin, key)
    wait_page(qtbot, key_window, key_window.sign_in)
    shoot(key_window, "33-sign-in-with-key-button")
    key_window.sign_in.key_button.click()
    wait_page(qtbot, key_window, key_window.home)
    assert key_window.session is not None
    assert key_window.session.email == "jan@example.nl"
    assert key_window.session.methods == ("webauthn",)


def test_settings_add_a_spare_key_and_sign_in_again_with_a_touch(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    key: SoftAuthenticator,
    plugged_in: list[SoftAuthenticator],
    clock: PinnedClock,
) -> None:
    """A spare key from My security settings; regenerating codes later asks for a fresh
    sign-in, which for a key user is the password and one touch (S1)."""
    from PySide6.QtWidgets import QInputDialog

    from desktop_auth.gui.dialogs import ReauthDialog, RecoveryCodesDialog
    from tests.gui.helpers import type_into
    from tests.gui.test_account import active_dialog

    make_user_with_key(keyed_service, keyed_admin, key)
    sign_in(qtbot, key_window, "jan@example.nl", USER_PASSWORD)
    wait_page(qtbot, key_window, key_window.home)
    key_window.home.settings_button.click()
    dialog = key_window.account
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)

    spare = hardware_key()
    plugged_in[:] = [spare]
    original = QInputDialog.getText
    QInputDialog.getText = staticmethod(lambda *_a, **_k: ("Reserve", True))  # type: ignore[method-assign]
    try:
        dialog.add_key_button.click()
    finally:
        QInputDialog.getText = original  # type: ignore[method-assign]
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)
    assert sorted(m.label for m in keyed_service.accounts.methods("jan@example.nl")) == [
        "Reserve",
        "YubiKey 5",
    ]
    shoot(dialog, "34-settings-two-keys")

    clock.advance(minutes=6)
    dialog.tabs.setCurrentIndex(1)
    dialog.regenerate_button.click()
    qtbot.waitUntil(lambda: active_dialog(ReauthDialog) is not None)
    reauth = active_dialog(ReauthDialog)
    assert isinstance(reauth, ReauthDialog)
    type_into(qtbot, reauth.password.edit, USER_PASSWORD)
    reauth.submit()  # then the key is asked by itself: the spare answers
    qtbot.waitUntil(lambda: active_dialog(RecoveryCodesDialog) is not None, timeout=10_000)
    codes = active_dialog(RecoveryCodesDialog)
    assert isinstance(codes, RecoveryCodesDialog) and codes.panel.sheet is not None
    codes.panel.stored.click()
    codes.close_button.click()


def test_only_allowed_methods_are_offered_in_the_wizard_and_settings(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    key: SoftAuthenticator,
) -> None:
    """The organisation allows security keys only: no authenticator app to choose or add."""
    keyed_service.policy.update(
        actor=keyed_admin, changes={"allowed_methods": ["security_key", "windows_hello"]}
    )
    make_user(keyed_service, keyed_admin)
    sign_in(qtbot, key_window, "jan@example.nl", USER_PASSWORD)
    wizard = wait_wizard(qtbot, key_window)
    wizard.next()
    choose = wizard.currentPage()
    assert isinstance(choose, ChooseMethodPage)
    qtbot.waitUntil(lambda: not choose.app_choice.isVisibleTo(wizard))
    assert choose.key_choice.isVisibleTo(wizard) and choose.key_choice.isChecked()
    assert choose.nickname.text() == "Security key"
    shoot(wizard, "32-wizard-choose-keys-only")
    finish_wizard_with_key(qtbot, key_window, wizard)
    key_window.home.settings_button.click()
    dialog = key_window.account
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert dialog.add_key_button.isVisibleTo(dialog)
    assert not dialog.add_button.isVisibleTo(dialog)
    dialog.close()


def test_a_key_without_a_pin_gets_one_in_the_wizard_and_then_registers(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    plugged_in: list[SoftAuthenticator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 18: a key out of the box (PIN possible, none set) is refused; "Set a PIN"
    sets one right there, and the registration then goes through with that PIN."""
    from PySide6.QtWidgets import QDialogButtonBox, QInputDialog

    from desktop_auth.gui.key_pin_dialog import SetPinDialog
    from desktop_auth.gui.setup_pages import KeySetupPage

    key = hardware_key(supports_pin=True, verifies_user=False, min_pin_length=6)
    plugged_in[:] = [key]
    monkeypatch.setattr(QInputDialog, "getText", lambda *args: ("4823917", True))
    make_user(keyed_service, keyed_admin)
    sign_in(qtbot, key_window, "jan@example.nl", USER_PASSWORD)
    wizard = wait_wizard(qtbot, key_window)
    wizard.next()
    wizard.currentPage().key_choice.click()  # type: ignore[attr-defined]
    wizard.next()
    page = wizard.currentPage()
    assert isinstance(page, KeySetupPage)
    qtbot.waitUntil(page.set_pin.isVisible, timeout=10_000)
    assert "PIN" in page.error.text()
    shoot(wizard, "37-wizard-key-needs-pin")
    page.set_pin.click()
    dialog = page.findChild(SetPinDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.new.isVisible, timeout=10_000)
    assert not dialog.current.isVisible()  # no PIN yet: nothing to change
    assert "6" in dialog.intro.text()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.new.setText("48239")
    dialog.repeat.setText("48239")
    ok.click()
    assert "at least 6" in dialog.error.text()
    dialog.new.setText("4823917")
    dialog.repeat.setText("4823971")
    ok.click()
    assert "not the same" in dialog.error.text()
    assert not key.client_pin.is_set
    dialog.new.setText("4823917")
    dialog.repeat.setText("4823917")
    shoot(dialog, "38-set-pin-dialog")
    ok.click()
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    assert key.client_pin.is_set
    assert len(key.credentials) == 1
    assert not page.set_pin.isVisible()


def test_a_key_asking_for_a_new_pin_is_offered_the_change_in_the_wizard(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    plugged_in: list[SoftAuthenticator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """forcePINChange: "Change the key's PIN…", current PIN asked, then registered."""
    from PySide6.QtWidgets import QDialogButtonBox, QInputDialog

    from desktop_auth.gui.key_pin_dialog import SetPinDialog
    from desktop_auth.gui.setup_pages import KeySetupPage

    key = hardware_key(supports_pin=True, verifies_user=False)
    key.client_pin.preset("4823917")
    key.client_pin.force_change = True
    plugged_in[:] = [key]
    typed = ["4823917"]
    monkeypatch.setattr(QInputDialog, "getText", lambda *args: (typed[0], True))
    make_user(keyed_service, keyed_admin)
    sign_in(qtbot, key_window, "jan@example.nl", USER_PASSWORD)
    wizard = wait_wizard(qtbot, key_window)
    wizard.next()
    wizard.currentPage().key_choice.click()  # type: ignore[attr-defined]
    wizard.next()
    page = wizard.currentPage()
    assert isinstance(page, KeySetupPage)
    qtbot.waitUntil(page.set_pin.isVisible, timeout=10_000)
    assert "Change" in page.set_pin.text()
    page.set_pin.click()
    dialog = page.findChild(SetPinDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.current.isVisible, timeout=10_000)
    assert "asks for a new PIN" in dialog.intro.text()
    dialog.current.setText("4823917")
    dialog.new.setText("7713954")
    dialog.repeat.setText("7713954")
    shoot(dialog, "39-change-pin-dialog")
    typed[0] = "7713954"
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    assert not key.client_pin.force_change
    assert len(key.credentials) == 1


def test_settings_set_a_pin_on_the_key_then_add_it(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    key: SoftAuthenticator,
    plugged_in: list[SoftAuthenticator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """My security settings: "Security key PIN…" sets a PIN on a key out of the box."""
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop_auth.gui.key_pin_dialog import SetPinDialog

    make_user_with_key(keyed_service, keyed_admin, key)
    sign_in(qtbot, key_window, "jan@example.nl", USER_PASSWORD)
    wait_page(qtbot, key_window, key_window.home)
    key_window.home.settings_button.click()
    dialog = key_window.account
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert dialog.key_pin_button.isVisible()
    spare = hardware_key(supports_pin=True, verifies_user=False)
    plugged_in[:] = [spare]
    dialog.key_pin_button.click()
    pin_dialog = dialog.findChild(SetPinDialog)
    assert pin_dialog is not None
    qtbot.waitUntil(pin_dialog.new.isVisible, timeout=10_000)
    pin_dialog.new.setText("4823917")
    pin_dialog.repeat.setText("4823917")
    pin_dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "PIN is set" in dialog.methods_error.text(), timeout=10_000)
    assert spare.client_pin.is_set
    shoot(dialog, "36-settings-key-pin-set")


def test_the_key_page_says_what_happens_and_waits_for_the_key_to_be_plugged_in(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    key: SoftAuthenticator,
    plugged_in: list[SoftAuthenticator],
) -> None:
    """Issue 19 item 6: "No security key found" came at once, before anyone could plug one
    in; and the done page spoke of "the code from your app"."""
    from PySide6.QtWidgets import QWizard

    from desktop_auth.gui.setup_wizard import DONE, KeySetupPage, RecoveryCodesPage

    plugged_in.clear()  # the key is still in the person's pocket
    make_user(keyed_service, keyed_admin)
    sign_in(qtbot, key_window, "jan@example.nl", USER_PASSWORD)
    wizard = wait_wizard(qtbot, key_window)
    wizard.next()
    wizard.currentPage().key_choice.click()  # type: ignore[attr-defined]
    wizard.next()
    page = wizard.currentPage()
    assert isinstance(page, KeySetupPage)
    assert "Plug in your security key and touch it when it blinks" in page.status.text()
    qtbot.wait(1_000)  # a second without a key: still waiting, nothing refused
    assert not page.error.isVisible() and page.busy.isVisible() and not page.isComplete()
    shoot(wizard, "35-wizard-key-waiting")
    key_window.set_language("nl")
    qtbot.waitUntil(lambda: "Steek je beveiligingssleutel" in page.status.text())
    shoot(wizard, "35-wizard-key-waiting")
    key_window.set_language("en")
    qtbot.waitUntil(lambda: "Plug in" in page.status.text())
    plugged_in.append(key)  # plugged in now: found, touched, registered
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    wizard.next()
    codes = wizard.currentPage()
    assert isinstance(codes, RecoveryCodesPage)
    qtbot.waitUntil(lambda: codes.panel.sheet is not None)
    codes.panel.stored.click()
    wizard.next()
    assert wizard.currentId() == DONE
    text = wizard.currentPage().text.text()  # type: ignore[attr-defined]
    assert "your password and your security key or Windows Hello" in text
    assert "app" not in text
    shoot(wizard, "36-wizard-done-key")
    key_window.set_language("nl")
    qtbot.waitUntil(lambda: "beveiligingssleutel" in wizard.currentPage().text.text())  # type: ignore[attr-defined]
    shoot(wizard, "36-wizard-done-key")
    key_window.set_language("en")
    qtbot.wait(50)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    wait_page(qtbot, key_window, key_window.home)


def test_waiting_for_a_key_ends_with_no_key_found_or_with_back(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    plugged_in: list[SoftAuthenticator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from desktop_auth.gui import setup_pages
    from desktop_auth.gui.setup_wizard import CHOOSE, KeySetupPage

    monkeypatch.setattr(setup_pages, "KEY_WAIT_SECONDS", 0.6)
    plugged_in.clear()
    make_user(keyed_service, keyed_admin)
    sign_in(qtbot, key_window, "jan@example.nl", USER_PASSWORD)
    wizard = wait_wizard(qtbot, key_window)
    wizard.next()
    wizard.currentPage().key_choice.click()  # type: ignore[attr-defined]
    wizard.next()
    page = wizard.currentPage()
    assert isinstance(page, KeySetupPage)
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=10_000)  # only after the wait
    assert "No security key found" in page.error.text() and page.retry.isVisible()
    page.retry.click()  # waits again; Back stops the waiting
    assert page.busy.isVisible()
    wizard.back()
    assert wizard.currentId() == CHOOSE and page.prompts.cancel.is_set()
    assert not wizard.runner.busy
