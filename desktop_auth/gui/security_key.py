"""Security keys and Windows Hello in the window: the prompts, and the three ceremonies.

A key's questions (touch me, my PIN, your fingerprint) arrive in a worker
thread, inside python-fido2.  ``KeyPromptBridge`` turns them into signals for
the GUI thread; a PIN request waits in the worker until the person answers in
a dialog (or cancels).  The ceremonies themselves are plain functions that a
``TaskRunner`` runs off the GUI thread.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from desktop_auth.errors import SecurityKeyCancelledError
from desktop_auth.vocabulary import FactorKind

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, EnrolledMethod, Session, SignInResult

PIN_WAIT_SECONDS = 120


class KeyPromptBridge(QObject):
    """Implements ``KeyPrompts`` for a worker; the GUI thread shows what is asked."""

    touch_requested = Signal()
    verification_requested = Signal()
    pin_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._window = parent
        self._answered = threading.Event()
        self._pin: str | None = None
        self.cancel = threading.Event()
        self.pin_requested.connect(self._ask_pin)

    # --- KeyPrompts, called in the worker ------------------------------------------------

    def touch(self) -> None:
        self.touch_requested.emit()

    def verify_user(self) -> bool:
        self.verification_requested.emit()
        return not self.cancel.is_set()

    def pin(self) -> str | None:
        self._answered.clear()
        self._pin = None
        self.pin_requested.emit()
        self._answered.wait(PIN_WAIT_SECONDS)
        pin, self._pin = self._pin, None
        return pin

    # --- the GUI thread ------------------------------------------------------------------

    @Slot()
    def _ask_pin(self) -> None:
        text, ok = QInputDialog.getText(
            self._window,
            self.tr("Security key PIN"),
            self.tr("Enter the PIN of your security key:"),
            QLineEdit.EchoMode.Password,
        )
        self._pin = text if ok and text else None
        self._answered.set()

    def start(self) -> threading.Event:
        """A fresh cancel switch for the next ceremony."""
        self.cancel = threading.Event()
        return self.cancel

    def stop(self) -> None:
        self.cancel.set()
        self._answered.set()


def register_key(
    service: AuthService,
    prompts: KeyPromptBridge,
    nickname: str,
    *,
    ticket: str | None = None,
    session: Session | None = None,
    wait_seconds: float = 0,
) -> Session | EnrolledMethod:
    """A new key for a setup ticket (returns the session) or a signed-in user (the method).

    ``wait_seconds``: first wait that long for a key to be plugged in (until
    ``prompts.cancel``); the ceremony begins once it is there, so it cannot expire meanwhile.
    """
    client = service.security_keys.client(prompts)
    if wait_seconds:
        client.wait_for_key(prompts.cancel, wait_seconds)  # none came: register says so
    if prompts.cancel.is_set():  # Back or Cancel while waiting: no ceremony begins
        raise SecurityKeyCancelledError()
    if session is not None:
        ceremony = service.security_keys.begin_add(session, nickname)
        response = client.register(ceremony.options, prompts.cancel)
        return service.security_keys.finish_add(session, response)
    assert ticket is not None
    ceremony = service.security_keys.begin_setup(ticket, nickname)
    result = service.security_keys.finish_setup(
        ticket, client.register(ceremony.options, prompts.cancel)
    )
    assert result.session is not None
    return result.session


def answer_with_key(service: AuthService, prompts: KeyPromptBridge, ticket: str) -> SignInResult:
    """The second step with a key: its assertion goes to ``sign_in.with_second_factor``."""
    ceremony = service.security_keys.begin_sign_in(ticket)
    response = service.security_keys.client(prompts).authenticate(ceremony.options, prompts.cancel)
    return service.sign_in.with_second_factor(ticket, FactorKind.WEBAUTHN, json.dumps(response))


def sign_in_without_password(service: AuthService, prompts: KeyPromptBridge) -> SignInResult:
    """ "Sign in with security key or fingerprint": the key says who you are."""
    ceremony = service.security_keys.begin_passwordless()
    response = service.security_keys.client(prompts).authenticate(ceremony.options, prompts.cancel)
    return service.security_keys.finish_passwordless(json.dumps(response))
