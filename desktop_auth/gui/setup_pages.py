"""The setup wizard's pages that make something: an app, a key, the recovery codes.

Apart from ``setup_wizard`` so that each module reads at once; the wizard puts
them in order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

if TYPE_CHECKING:
    from desktop_auth.core.service import (
        RecoverySheet,
        Session,
        SignInResult,
        TotpEnrollment,
    )
    from desktop_auth.gui.setup_wizard import SetupWizard
from desktop_auth.errors import (
    DesktopAuthError,
    SecurityKeyPinChangeRequiredError,
    SecurityKeyUnsupportedError,
)
from desktop_auth.gui.enrollment_panel import AppEnrollmentPanel
from desktop_auth.gui.i18n import error_text
from desktop_auth.gui.key_pin_dialog import SetPinDialog, own_key_of
from desktop_auth.gui.recovery_panel import RecoveryCodesPanel
from desktop_auth.gui.security_key import KeyPromptBridge, register_key
from desktop_auth.gui.widgets import BusyBar, ErrorLabel, paragraph
from desktop_auth.vocabulary import FactorKind

INTRO, CHOOSE, APP, CODES, DONE, KEY = range(6)
# How long the key page waits for a key to be plugged in before "No security key found".
KEY_WAIT_SECONDS = 60.0


class TranslatedPage(QWizardPage):
    """A wizard page that re-reads its texts when the language changes.

    ``retranslate`` lives in each concrete page: Qt takes a ``tr()`` context from the
    class that calls it, and the Dutch catalogue is keyed by those classes.
    """

    def retranslate(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class AppSetupPage(TranslatedPage):
    """QR code and typed key; the first right code activates the app."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.panel = AppEnrollmentPanel()
        self.panel.code_entered.connect(self._check)
        self.error = ErrorLabel()
        self.busy = BusyBar(wizard.runner)
        self.enrollment: TotpEnrollment | None = None
        self.done = False
        self.setCommitPage(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        self.retranslate()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        if self.done:
            return
        owner, service = self.owner, self.owner.service
        label = str(self.field("nickname"))
        ticket, session = owner.ticket, owner.session

        def begin() -> TotpEnrollment:
            if session is not None:
                return service.authenticator_apps.begin_add(session, label)
            assert ticket is not None
            return service.authenticator_apps.begin_setup(ticket, label)

        self.error.clear_error()
        owner.runner.start(begin, self._begun, self._begin_failed)

    def _begun(self, enrollment: TotpEnrollment) -> None:
        self.enrollment = enrollment
        self.panel.show_enrollment(enrollment)
        self.panel.setFocus()
        self.owner.enrollment_shown.emit(enrollment.uri)

    def _begin_failed(self, error: DesktopAuthError) -> None:
        self.error.show_error(error)

    def _check(self, code: str) -> None:
        if self.enrollment is None or self.done:
            return
        owner, service = self.owner, self.owner.service
        enrollment_id = self.enrollment.enrollment_id
        ticket, session = owner.ticket, owner.session

        def finish() -> Session:
            if session is None:
                assert ticket is not None
                result: SignInResult = service.authenticator_apps.finish_setup(
                    ticket, enrollment_id, code
                )
                assert result.session is not None
                return result.session
            service.authenticator_apps.finish_add(session, enrollment_id, code)
            return session

        owner.runner.start(finish, self._finished, self.panel.show_error)

    def _finished(self, session: Session) -> None:
        self.owner.session = session
        self.owner.ticket = None
        self.owner.method_set_up = FactorKind.TOTP
        self.done = True
        self.panel.mark_done()
        self.completeChanged.emit()
        self.owner.button(QWizard.WizardButton.CommitButton).setFocus()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.done

    def retranslate(self) -> None:
        self.setTitle(self.tr("Set up your authenticator app"))


class RecoveryCodesPage(TranslatedPage):
    """New codes, shown once; the wizard finishes only when they are stored."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.panel = RecoveryCodesPanel()
        self.panel.confirmed_changed.connect(lambda _ok: self.completeChanged.emit())
        # Why Cancel does not close here: shown once someone tried.
        self.needed_note = paragraph()
        self.needed_note.hide()
        self.error = ErrorLabel()
        self.busy = BusyBar(wizard.runner)
        self.setCommitPage(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.needed_note)
        layout.addWidget(self.panel)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        self.retranslate()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        session, service = self.owner.session, self.owner.service
        assert session is not None
        self.owner.runner.start(
            lambda: service.recovery_codes.generate(session), self._made, self._failed
        )

    def _made(self, sheet: RecoverySheet) -> None:
        self.panel.set_sheet(sheet)
        self.panel.stored.setFocus()

    def _failed(self, error: DesktopAuthError) -> None:
        self.error.show_text(error_text(error))

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.panel.sheet is not None and self.panel.confirmed

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        self.panel.clear()
        return True

    def retranslate(self) -> None:
        self.setTitle(self.tr("Save your recovery codes"))
        self.needed_note.setText(
            self.tr(
                "Your new method works. Save these codes before you close: if you ever lose "
                "your phone or key, they are the only way to sign in without the helpdesk."
            )
        )


class KeySetupPage(TranslatedPage):
    """Register a security key (or Windows Hello): one touch proves it, then on to the codes."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.status = paragraph()
        self.prompts = KeyPromptBridge(self)
        # What the status line says ("waiting", "touch", "verify", "works" or ""): said
        # again in the new language when it changes.
        self.stage = ""
        self.prompts.touch_requested.connect(lambda: self._say("touch"))
        self.prompts.verification_requested.connect(lambda: self._say("verify"))
        self.retry = QPushButton()
        self.retry.clicked.connect(self._register)
        self.retry.hide()
        # A key out of the box has no PIN and cannot be registered until it has one.
        self.set_pin = QPushButton()
        self.set_pin.clicked.connect(self._ask_for_pin)
        self.set_pin.hide()
        self.pin_change_asked = False
        self.error = ErrorLabel()
        self.busy = BusyBar(wizard.runner)
        self.done = False
        self.setCommitPage(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.set_pin)
        layout.addWidget(self.retry)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        self.retranslate()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        if not self.done:
            self._register()

    def _register(self) -> None:
        owner, service, prompts = self.owner, self.owner.service, self.prompts
        nickname = str(self.field("nickname"))
        ticket, session = owner.ticket, owner.session
        self.error.clear_error()
        self.retry.hide()
        self.set_pin.hide()
        prompts.start()
        self._say("waiting")

        def register() -> Session:
            added = register_key(
                service,
                prompts,
                nickname,
                ticket=ticket,
                session=session,
                wait_seconds=KEY_WAIT_SECONDS,
            )
            from desktop_auth.core.service import Session  # on first use: the window paints first

            return added if isinstance(added, Session) else session  # type: ignore[return-value]

        owner.runner.start(register, self._finished, self._failed)

    def _say(self, stage: str) -> None:
        self.stage = stage
        texts = {
            # What is about to happen, said before it does (issue 19).
            "waiting": self.tr(
                "Plug in your security key and touch it when it blinks. On a computer with "
                "Windows Hello, follow its window instead."
            ),
            "touch": self.tr("Touch your security key now (it blinks)."),
            "verify": self.tr("Confirm it is you: PIN, fingerprint or face."),
            "works": self.tr("That works: your security key or Windows Hello is set up."),
        }
        self.status.setText(texts.get(stage, ""))

    def stop(self) -> None:
        """Stop waiting for a key (Back, Cancel): the worker gives up within a moment."""
        self.prompts.stop()
        self.owner.runner.cancel()

    def _finished(self, session: Session) -> None:
        self.owner.session = session
        self.owner.ticket = None
        self.owner.method_set_up = FactorKind.WEBAUTHN
        self.done = True
        self._say("works")
        self.completeChanged.emit()
        self.owner.button(QWizard.WizardButton.CommitButton).setFocus()

    def _failed(self, error: DesktopAuthError) -> None:
        self.error.show_error(error)
        self._say("")
        self.retry.show()
        if isinstance(error, SecurityKeyUnsupportedError | SecurityKeyPinChangeRequiredError):
            self.pin_change_asked = isinstance(error, SecurityKeyPinChangeRequiredError)
            self.retranslate()
            self.set_pin.show()
            self.set_pin.setFocus()
        else:
            self.retry.setFocus()

    def _ask_for_pin(self) -> None:
        dialog = SetPinDialog(own_key_of(self.owner.service), self)
        dialog.accepted.connect(self._register)  # with a PIN, the key can be registered
        dialog.open()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        self.stop()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.done

    def nextId(self) -> int:  # noqa: N802 - Qt override
        return CODES

    def retranslate(self) -> None:
        self.setTitle(self.tr("Set up your security key"))
        self._say(self.stage)
        self.retry.setText(self.tr("Try again"))
        self.set_pin.setText(
            self.tr("Change the key's PIN…")
            if self.pin_change_asked
            else self.tr("Set a PIN on the key…")
        )
