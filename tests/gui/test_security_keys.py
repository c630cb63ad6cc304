"""Security keys in the window: set up in the wizard, the second step, passwordless.

The key is our software authenticator (with a hardware model's AAGUID), driven
through python-fido2's real client stack from a worker thread, exactly as a
USB key would be.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.service import Actor, AssuranceLevel, AuthService
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.setup_wizard import KeySetupPage, RecoveryCodesPage
from desktop_auth.store.db import Store
from desktop_auth.store.keys import KeyringDataKeyStore
from tests.gui.conftest import _window, shoot
from tests.gui.helpers import sign_in, wait_page, wait_wizard
from tests.helpers import FAST_ARGON2, MemoryKeyring, PinnedClock, initialize_organisation
from tests.unit.core.test_sign_in import USER_PASSWORD, make_user
from tests.webauthn_helpers import hardware_key, user_with_key


@pytest.fixture
def key() -> SoftAuthenticator:
    return hardware_key()


@pytest.fixture
def keyed_service(
    store: Store, clock: PinnedClock, memory_keyring: MemoryKeyring, key: SoftAuthenticator
) -> AuthService:
    return AuthService(
        store,
        data_keys=KeyringDataKeyStore(memory_keyring),
        clock=clock,
        hasher=PasswordHasher(FAST_ARGON2),
        workstation="WS-042",
        security_keys=lambda: [key],
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
    wizard.next()
    page = wizard.currentPage()
    assert isinstance(page, KeySetupPage)
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    shoot(wizard, "31-wizard-key-works")
    wizard.next()
    codes = wizard.currentPage()
    assert isinstance(codes, RecoveryCodesPage)
    qtbot.waitUntil(lambda: codes.panel.sheet is not None)
    codes.panel.stored.click()
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    wait_page(qtbot, key_window, key_window.home)
    [method] = keyed_service.user_methods("jan@example.nl")
    assert (method.kind, method.label) == ("webauthn", "Security key")
    assert len(key.credentials) == 1


def test_daily_sign_in_asks_the_key_at_once(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    key: SoftAuthenticator,
) -> None:
    user_with_key(keyed_service, keyed_admin, key)
    sign_in(qtbot, key_window, "jan@example.nl", USER_PASSWORD)
    wait_page(qtbot, key_window, key_window.home)
    assert key_window.session is not None
    assert key_window.session.assurance is AssuranceLevel.AAL3
    assert key_window.session.methods == ("password", "webauthn")


def test_a_refused_key_says_so_and_offers_another_method(
    qtbot: QtBot,
    key_window: MainWindow,
    keyed_service: AuthService,
    keyed_admin: Actor,
    key: SoftAuthenticator,
) -> None:
    user_with_key(keyed_service, keyed_admin, key)
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
    user_with_key(keyed_service, keyed_admin, key)
    wait_page(qtbot, key_window, key_window.sign_in)
    shoot(key_window, "33-sign-in-with-key-button")
    key_window.sign_in.key_button.click()
    wait_page(qtbot, key_window, key_window.home)
    assert key_window.session is not None
    assert key_window.session.email == "jan@example.nl"
    assert key_window.session.methods == ("webauthn",)
