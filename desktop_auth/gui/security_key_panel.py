"""My security settings' "Security key" page (issue 18): the key plugged in, its health
(model, PIN and tries left, room, vault unlock, fingerprint sensor), and what can be done
with it from here: its PIN, the sign-ins stored on it, its fingerprints, erasing it.

Reading the key needs no touch and no PIN (its ``authenticatorGetInfo``); it runs in a
worker when the page is first shown and on "Read the key again" (a key swapped meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.errors import DesktopAuthError
from desktop_auth.gui.fingerprints_dialog import FingerprintsDialog
from desktop_auth.gui.key_pin_dialog import SetPinDialog
from desktop_auth.gui.key_reset_dialog import KeyResetDialog
from desktop_auth.gui.key_sign_ins_dialog import KeySignInsDialog
from desktop_auth.gui.widgets import BusyBar, ErrorLabel, paragraph
from desktop_auth.gui.workers import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtGui import QHideEvent

    from desktop_auth.core.service import AuthService, KeyInfo, OwnSecurityKey, Session


@dataclass(frozen=True)
class ReadKey:
    info: KeyInfo
    # The model's name from the organisation's FIDO metadata; None: not listed.
    model: str | None
    # The organisation's own site, to mark its sign-in on the key.
    rp_id: str | None


class SecurityKeyPanel(QWidget):
    def __init__(
        self,
        service: AuthService,
        session: Session,
        open_key: Callable[[], OwnSecurityKey],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.session = session
        self._open_key = open_key
        self.read: ReadKey | None = None
        self.dialog: QDialog | None = None  # the one this page has open
        self.runner = TaskRunner(self)
        self.intro = paragraph()
        self.values = {name: QLabel() for name in ("model", "pin", "room", "vault", "sensor")}
        self.labels = {name: QLabel() for name in self.values}
        form = QFormLayout()
        for name, value in self.values.items():
            value.setWordWrap(True)
            form.addRow(self.labels[name], value)
        self.read_button = QPushButton()
        self.read_button.clicked.connect(self.load)
        self.pin_button, self.sign_ins_button = QPushButton(), QPushButton()
        self.fingerprints_button, self.reset_button = QPushButton(), QPushButton()
        self.pin_button.clicked.connect(self.change_pin)
        self.sign_ins_button.clicked.connect(self.show_sign_ins)
        self.fingerprints_button.clicked.connect(self.show_fingerprints)
        self.reset_button.clicked.connect(self.erase)
        self.done = QLabel()
        self.done.setWordWrap(True)
        self.error = ErrorLabel()
        buttons = QHBoxLayout()
        for button in (
            self.pin_button,
            self.sign_ins_button,
            self.fingerprints_button,
            self.reset_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.read_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.done)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(BusyBar(self.runner))
        self._enable()
        self.retranslate()

    def set_session(self, session: Session) -> None:
        self.session = session

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        # The settings closed (by the person or the idle lock): so does what this page
        # opened, forgetting a PIN and ending what the key was asked.
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.reject()
        super().hideEvent(event)

    def load(self) -> None:
        if self.runner.busy:
            return
        self.error.clear_error()
        self.done.clear()
        service, session, open_key = self.service, self.session, self._open_key

        def read() -> ReadKey:
            info = open_key().info()
            # The key is what matters here (erasing a blocked one needs nothing else): the
            # model's name and the site are asked of the service, and may go without.
            try:
                model = service.security_keys.model_name(session, info.aaguid)
                rp_id: str | None = service.security_keys.relying_party().rp_id
            except DesktopAuthError:
                model, rp_id = None, None
            return ReadKey(info, model, rp_id)

        self.runner.start(read, self._read, self._failed)

    def _read(self, read: ReadKey) -> None:
        self.read = read
        self._enable()
        self.retranslate()

    def _failed(self, error: DesktopAuthError) -> None:
        self.read = None
        self._enable()
        self.retranslate()
        self.error.show_error(error)

    def _enable(self) -> None:
        info = self.read.info if self.read is not None else None
        self.pin_button.setEnabled(bool(info and info.pin_supported and not info.pin_blocked))
        self.sign_ins_button.setEnabled(bool(info and info.pin_set and info.manages_sign_ins))
        self.fingerprints_button.setEnabled(bool(info and info.pin_set and info.fingerprint_sensor))
        self.reset_button.setEnabled(info is not None)

    # --- what can be done --------------------------------------------------------------

    def change_pin(self) -> None:
        dialog = SetPinDialog(self._open_key, self)
        dialog.accepted.connect(lambda: self._after(self.tr("The key's PIN is set.")))
        dialog.open()
        self.dialog = dialog

    def show_sign_ins(self) -> None:
        rp_id = self.read.rp_id if self.read is not None else None
        self.dialog = KeySignInsDialog(self._open_key, rp_id, self)
        self.dialog.finished.connect(lambda _result: self.load())
        self.dialog.open()

    def show_fingerprints(self) -> None:
        self.dialog = FingerprintsDialog(self._open_key, self)
        self.dialog.open()

    def erase(self) -> None:
        dialog = KeyResetDialog(self._open_key, self)
        dialog.accepted.connect(self._erased)
        dialog.open()
        self.dialog = dialog

    def _erased(self) -> None:
        """Recorded in the audit log, so the helpdesk can tell why the key stopped working;
        should that fail, the key is erased all the same, and the page says what next."""
        done = self.tr(
            "The key is erased. Under Verification methods, remove it and add it again; set "
            "its PIN first."
        )
        service, session = self.service, self.session
        aaguid = self.read.info.aaguid if self.read is not None else None
        if aaguid is None:
            self._after(done)
            return
        self.runner.start(
            lambda: service.security_keys.note_key_erased(session, aaguid),
            lambda _noted: self._after(done),
            lambda _failed: self._after(done),
        )

    def _after(self, text: str) -> None:
        self.load()
        self.done.setText(text)

    # --- texts -------------------------------------------------------------------------

    def _pin_text(self, info: KeyInfo) -> str:
        from desktop_auth.core.service import PinState

        state = info.pin_state
        if state is PinState.UNSUPPORTED:
            return self.tr("This key cannot hold a PIN.")
        if state is PinState.BLOCKED:
            return self.tr("Blocked after too many wrong tries: only erasing the key helps.")
        if state is PinState.NOT_SET:
            text = self.tr("Not set. Set one (at least %1 characters) to register the key.")
            return text.replace("%1", str(info.min_pin_length))
        if state is PinState.CHANGE_REQUIRED:
            return self.tr("The key asks for a new PIN.")
        if info.pin_retries is None:
            return self.tr("Set.")
        return self.tr("Set; %n tries left before the key blocks it.", "", info.pin_retries)

    def _show_values(self) -> None:
        read = self.read
        if read is None:
            for value in self.values.values():
                value.setText("—")
            return
        info = read.info
        self.values["model"].setText(
            read.model
            or self.tr("%1 (not in the organisation's list of models)").replace("%1", info.aaguid)
        )
        self.values["pin"].setText(self._pin_text(info))
        slots = info.remaining_discoverable_credentials
        self.values["room"].setText(
            self.tr("Room for %n more sign-ins.", "", slots) if slots is not None else "—"
        )
        self.values["vault"].setText(
            self.tr("Yes: one touch opens My recovery codes.")
            if info.supports_prf
            else self.tr("No: My recovery codes open with the printed vault key.")
        )
        self.values["sensor"].setText(self.tr("Yes") if info.fingerprint_sensor else self.tr("No"))

    def retranslate(self) -> None:
        self.intro.setText(
            self.tr(
                "The security key plugged in: its PIN, the sign-ins stored on it and its "
                "fingerprints. Reading it needs no touch."
            )
        )
        self.labels["model"].setText(self.tr("Model:"))
        self.labels["pin"].setText(self.tr("PIN:"))
        self.labels["room"].setText(self.tr("Sign-ins:"))
        self.labels["vault"].setText(self.tr("Opens My recovery codes:"))
        self.labels["sensor"].setText(self.tr("Fingerprint sensor:"))
        self._show_values()
        info = self.read.info if self.read is not None else None
        self.pin_button.setText(
            self.tr("Change the P&IN…") if info and info.pin_set else self.tr("Set a P&IN…")
        )
        self.sign_ins_button.setText(self.tr("&Sign-ins on the key…"))
        self.fingerprints_button.setText(self.tr("&Fingerprints…"))
        self.reset_button.setText(self.tr("&Erase the key…"))
        self.read_button.setText(self.tr("Read the key a&gain"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
