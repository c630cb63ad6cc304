"""My security settings › Security key (issue 18): the key's health read without a touch,
its stored sign-ins listed and one deleted, a fingerprint enrolled touch by touch with the
count-down shown and another cancelled, and the key erased behind two steps; in English and
Dutch, with screenshots looked at."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fido2.ctap2.bio import FPBioEnrollment
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_auth.core.service import AuthService
from desktop_auth.devices.key_pin import OwnSecurityKey
from desktop_auth.devices.soft import RESET_WINDOW_SECONDS, SoftAuthenticator
from desktop_auth.devices.soft_bio import SoftFingerprintSensor
from desktop_auth.errors import ServerUnavailableError
from desktop_auth.gui.account import AccountDialog
from desktop_auth.gui.fingerprints_dialog import FingerprintsDialog
from desktop_auth.gui.i18n import install_language
from desktop_auth.gui.key_reset_dialog import KeyResetDialog
from desktop_auth.gui.key_sign_ins_dialog import KeySignInsDialog
from desktop_auth.gui.security_key_panel import SecurityKeyPanel
from desktop_auth.store.db import Store
from tests.attestation_helpers import blob, entry, root
from tests.gui.conftest import shoot
from tests.helpers import (
    MemoryKeyring,
    PinnedClock,
    initialize_organisation,
    make_service,
    make_user,
    past_sign_in,
)
from tests.unit.cli.test_security_key_cli import store_sign_ins
from tests.webauthn_helpers import HARDWARE_AAGUID, KeyClock

PIN = "4823917"
MDS_ROOT = root("Test FIDO Metadata Root")


@pytest.fixture
def clock_of_key() -> KeyClock:
    return KeyClock(100.0)


@pytest.fixture
def key(clock_of_key: KeyClock) -> SoftAuthenticator:
    """A key with a fingerprint sensor and a PIN, with a passkey for another site on it."""
    key = SoftAuthenticator(
        aaguid=HARDWARE_AAGUID,
        supports_pin=True,
        fingerprints=SoftFingerprintSensor(),
        clock=clock_of_key,
    )
    key.client_pin.preset(PIN)
    return key


@pytest.fixture
def service(
    store: Store, clock: PinnedClock, memory_keyring: MemoryKeyring, key: SoftAuthenticator
) -> AuthService:
    service = make_service(
        store,
        clock=clock,
        keyring=memory_keyring,
        security_keys=lambda: [key],
        metadata_root=MDS_ROOT.der,
    )
    admin = initialize_organisation(service)
    service.policy.import_key_metadata(
        blob(MDS_ROOT, [entry(HARDWARE_AAGUID, root("Maker"), description="YubiKey Bio")]),
        actor=admin,
    )
    make_user(service, admin)
    rp_id = service.security_keys.relying_party().rp_id
    store_sign_ins(key, ("github.com", "jan-dev"), (rp_id, "jan@example.nl"))
    return service


@pytest.fixture
def language() -> str:
    return "en"


@pytest.fixture
def page(
    qtbot: QtBot, service: AuthService, language: str
) -> Iterator[tuple[AccountDialog, SecurityKeyPanel]]:
    """My security settings open on the Security key page, in ``language``."""
    install_language(language)
    yield open_settings(qtbot, service)
    QThreadPool.globalInstance().waitForDone(10_000)


def open_settings(qtbot: QtBot, service: AuthService) -> tuple[AccountDialog, SecurityKeyPanel]:
    """Jan's My security settings, on the Security key page once it has read the key."""
    dialog = AccountDialog(service, past_sign_in(service, "jan@example.nl"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.security_key)
    panel = dialog.security_key
    qtbot.waitUntil(lambda: panel.read is not None, timeout=10_000)
    return dialog, panel


def child(qtbot: QtBot, parent: object, kind: type) -> object:
    qtbot.waitUntil(lambda: parent.findChild(kind) is not None, timeout=10_000)  # type: ignore[attr-defined]
    return parent.findChild(kind)  # type: ignore[attr-defined]


def opened_with_pin(qtbot: QtBot, panel: SecurityKeyPanel, kind: type, pin: str) -> object:
    """The page's dialog of ``kind`` (sign-ins, fingerprints), the PIN typed and sent."""
    button = panel.sign_ins_button if kind is KeySignInsDialog else panel.fingerprints_button
    button.click()
    dialog = child(qtbot, panel, kind)
    assert isinstance(dialog, KeySignInsDialog | FingerprintsDialog)
    dialog.pin.field.setText(pin)
    dialog.pin.button.click()
    return dialog


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_page_reads_the_key_and_lists_its_sign_ins_ours_marked(
    qtbot: QtBot,
    page: tuple[AccountDialog, SecurityKeyPanel],
    key: SoftAuthenticator,
    language: str,
) -> None:
    dialog, panel = page
    assert panel.values["model"].text() == "YubiKey Bio"
    expected_pin = {"en": "8 tries left", "nl": "nog 8 pogingen"}[language]
    assert expected_pin in panel.values["pin"].text()
    assert "23" in panel.values["room"].text()
    assert panel.fingerprints_button.isEnabled() and panel.sign_ins_button.isEnabled()
    shoot(dialog, "key_1_health")

    sign_ins = opened_with_pin(qtbot, panel, KeySignInsDialog, PIN)
    assert isinstance(sign_ins, KeySignInsDialog)
    qtbot.waitUntil(lambda: sign_ins.table.rowCount() == 2, timeout=10_000)
    ours = {"en": "(this organisation)", "nl": "(deze organisatie)"}[language]
    assert ours in sign_ins.table.item(0, 0).text()
    assert sign_ins.table.item(1, 0).text() == "github.com"
    shoot(sign_ins, "key_2_sign_ins")
    sign_ins.table.selectRow(1)
    sign_ins.delete_button.click()
    assert sign_ins.question.isVisible()
    sign_ins.question.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: sign_ins.table.rowCount() == 1, timeout=10_000)
    assert [c.rp_id for c in key.credentials] != [] and all(
        c.rp_id != "github.com" for c in key.credentials
    )


def test_a_wrong_pin_says_the_tries_left_and_the_list_stays_shut(
    qtbot: QtBot, page: tuple[AccountDialog, SecurityKeyPanel]
) -> None:
    _dialog, panel = page
    sign_ins = opened_with_pin(qtbot, panel, KeySignInsDialog, "0000000")
    assert isinstance(sign_ins, KeySignInsDialog)
    qtbot.waitUntil(sign_ins.error.isVisible, timeout=10_000)
    assert "7" in sign_ins.error.text() and "0000000" not in sign_ins.error.text()
    assert not sign_ins.table.isVisible() and sign_ins.pin.field.text() == ""


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_fingerprint_is_enrolled_with_the_touches_counted_and_another_cancelled(
    qtbot: QtBot,
    page: tuple[AccountDialog, SecurityKeyPanel],
    key: SoftAuthenticator,
    language: str,
) -> None:
    _dialog, panel = page
    assert key.fingerprints is not None
    touches = threading.Semaphore(0)
    key.touch = lambda: touches.acquire(timeout=10)
    key.fingerprints.feedback.extend(
        [FPBioEnrollment.FEEDBACK.FP_GOOD, FPBioEnrollment.FEEDBACK.FP_TOO_FAST]
    )
    prints = opened_with_pin(qtbot, panel, FingerprintsDialog, PIN)
    assert isinstance(prints, FingerprintsDialog)
    qtbot.waitUntil(prints.add_button.isVisible, timeout=10_000)
    assert prints.list.count() == 0

    prints.enroll("Right index")
    touches.release(2)  # a good touch, then one too fast
    advice = {"en": "keep your finger on the sensor", "nl": "houd je vinger iets langer"}
    qtbot.waitUntil(lambda: advice[language] in prints.touch_text.text(), timeout=10_000)
    assert prints.touches.value() == 1 and prints.touches.maximum() == 4
    shoot(prints, "key_3_fingerprint_touches")
    touches.release(3)
    qtbot.waitUntil(lambda: prints.list.count() == 1, timeout=10_000)
    assert prints.list.item(0).text() == "Right index"
    assert not prints.touches.isVisible()
    shoot(prints, "key_4_fingerprints")

    prints.enroll("Left index")
    touches.release(1)
    qtbot.waitUntil(lambda: prints.touches.value() == 1, timeout=10_000)
    prints.busy.cancel_button.click()
    touches.release(4)  # enough to finish, had the key not learnt of the cancel
    QThreadPool.globalInstance().waitForDone(10_000)
    assert list(key.fingerprints.templates.values()) == ["Right index"]
    assert not key.fingerprints.enrolling
    # The key's "cancelled" came back: the dialog is usable again, the list still open.
    qtbot.waitUntil(prints.add_button.isEnabled, timeout=10_000)
    assert prints.error.isVisible() and prints.list.count() == 1 and not prints.touches.isVisible()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_key_is_erased_only_after_the_word_the_replug_and_in_time(
    qtbot: QtBot,
    page: tuple[AccountDialog, SecurityKeyPanel],
    key: SoftAuthenticator,
    clock_of_key: KeyClock,
    language: str,
    service: AuthService,
) -> None:
    _dialog, panel = page
    panel.reset_button.click()
    erase = child(qtbot, panel, KeyResetDialog)
    assert isinstance(erase, KeyResetDialog)
    word = {"en": "reset", "nl": "wissen"}[language]
    assert word in erase.instruction.text()
    erase.word.setText("yes")
    assert not erase.next_button.isEnabled()
    erase.word.setText(word)
    assert erase.next_button.isEnabled()
    shoot(erase, "key_5_erase_word")
    erase.next_button.click()
    assert not erase.word.isVisible()
    shoot(erase, "key_6_erase_replug")

    clock_of_key.now += RESET_WINDOW_SECONDS + 5  # not replugged: the key refuses
    erase.next_button.click()
    qtbot.waitUntil(erase.error.isVisible, timeout=10_000)
    assert len(key.credentials) == 2 and key.client_pin.is_set
    key.replug()
    erase.next_button.click()
    qtbot.waitUntil(lambda: not erase.isVisible(), timeout=10_000)
    assert key.credentials == [] and not key.client_pin.is_set
    qtbot.waitUntil(lambda: bool(panel.done.text()), timeout=10_000)
    qtbot.waitUntil(lambda: panel.read is not None and not panel.read.info.pin_set)
    assert not panel.sign_ins_button.isEnabled()
    # The audit log says so (L1), for the helpdesk: which model, by whom; nothing secret.
    (erased,) = [
        e for e in service.audit.events(limit=None) if e.event_type == "security_key.erased"
    ]
    assert erased.details == {"aaguid": str(HARDWARE_AAGUID)}
    assert erased.subject == "jan@example.nl"


def test_c2_a_swapped_key_gets_no_remembered_pin_and_the_page_closes_its_dialogs(
    qtbot: QtBot, page: tuple[AccountDialog, SecurityKeyPanel], key: SoftAuthenticator
) -> None:
    """The PIN typed for one key is not sent to another (each wrong one costs a try), and
    closing the settings (the idle lock does) closes what the page opened."""
    dialog, panel = page
    prints = opened_with_pin(qtbot, panel, FingerprintsDialog, PIN)
    assert isinstance(prints, FingerprintsDialog)
    qtbot.waitUntil(prints.add_button.isVisible, timeout=10_000)
    other = SoftAuthenticator(supports_pin=True, fingerprints=SoftFingerprintSensor())
    other.client_pin.preset("7713954")
    other.fingerprints.templates[b"\x01\x01"] = "Thumb"  # type: ignore[union-attr]
    swapped = [other]
    panel._open_key = lambda: OwnSecurityKey(lambda: swapped)  # the key is swapped
    prints._open_key = panel._open_key
    prints.list.setCurrentRow(0)
    prints.enroll("Left index")
    qtbot.waitUntil(prints.error.isVisible, timeout=10_000)
    assert other.pin_retries == 7  # the one wrong try the key's answer cost
    assert prints.pin.isVisible() and not prints.list.isVisible()
    assert not prints.add_button.isVisible()  # nothing more can go out with the old PIN

    prints.pin.field.setText("7713954")
    prints.pin.button.click()
    qtbot.waitUntil(prints.list.isVisible, timeout=10_000)
    dialog.reject()  # the settings close, as at the idle lock
    assert not prints.isVisible() and prints._pin == ""


def test_the_key_is_read_even_when_the_service_does_not_answer(
    qtbot: QtBot,
    service: AuthService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreachable(*_args: object) -> None:
        raise ServerUnavailableError()

    monkeypatch.setattr(service.security_keys, "model_name", unreachable)
    _dialog, panel = open_settings(qtbot, service)
    assert panel.read is not None and panel.read.model is None
    assert "not in the organisation's list" in panel.values["model"].text()
    assert panel.reset_button.isEnabled() and not panel.error.isVisible()
