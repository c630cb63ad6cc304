"""The 2FA setup wizard, as the customer manual tells it: one page class per step.

why 2FA → choose a method → set it up → recovery codes → done.  The wizard
runs inside a sign-in (a SETUP_REQUIRED ticket: first run, new employee, after a
helpdesk backup code) or from a session (after a recovery code: "set up 2FA
again").  Security keys and Windows Hello add their own choice and set-up page
here when their factors land; ``ChooseMethodPage.next_page`` is the fork.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
)

if TYPE_CHECKING:
    from desktop_auth.core.service import (
        AuthService,
        Policy,
        Session,
        SignInResult,
    )
from desktop_auth.errors import DesktopAuthError
from desktop_auth.gui.i18n import error_text, local_date
from desktop_auth.gui.setup_pages import (
    APP,
    CHOOSE,
    CODES,
    DONE,
    INTRO,
    KEY,
    AppSetupPage,
    KeySetupPage,
    RecoveryCodesPage,
    TranslatedPage,
)
from desktop_auth.gui.widgets import paragraph
from desktop_auth.gui.workers import TaskRunner, run_and_forget
from desktop_auth.vocabulary import FactorKind, Method


class SetupWizard(QWizard):
    """``completed(session)`` once a method works and the codes are stored."""

    completed = Signal(object)
    # The key URI of an app being set up: demo mode's on-screen app "scans" it.
    enrollment_shown = Signal(str)

    def __init__(
        self,
        service: AuthService,
        *,
        ticket: str | None = None,
        session: Session | None = None,
        recovered: bool = False,
        deadline: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        assert (ticket is None) != (session is None)
        self.service = service
        self.ticket = ticket
        self.session = session
        # Came in with a recovery or backup code: the new app replaces the old methods.
        self.recovered = recovered
        # Before the organisation's enforcement date: "Remind me later" is allowed.
        self.deadline = deadline
        # What the person set up (``FactorKind``), once it works: the done page names it.
        self.method_set_up: str | None = None
        # "Remind me later" offered (before the date, until a method works or it is refused).
        self.may_postpone = deadline is not None
        # The wizard ended by "Remind me later": the home screen keeps reminding.
        self.postponed = False
        # The person closed without storing the recovery codes: the home screen says so.
        self.codes_skipped = False
        self.runner = TaskRunner(self)
        self.setObjectName("setup_wizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.intro_page = IntroPage(self)
        self.setPage(INTRO, self.intro_page)
        self.choose_page = ChooseMethodPage(self)
        self.setPage(CHOOSE, self.choose_page)
        self.setPage(APP, AppSetupPage(self))
        self.setPage(CODES, RecoveryCodesPage(self))
        self.setPage(DONE, DonePage(self))
        self.setPage(KEY, KeySetupPage(self))
        self.setMinimumSize(720, 560)
        self.accepted.connect(self._accepted)
        # What the organisation allows and its reminder, read while the person reads the intro.
        self.policy_runner = TaskRunner(self)
        self.policy_runner.start(
            service.policy.current,
            self._policy_read,
            lambda _error: None,  # then every choice stays; the core still says no calmly
        )
        self.customButtonClicked.connect(self._remind_me_later)
        self.currentIdChanged.connect(lambda _id: self._offer_postponing())
        self._offer_postponing()
        # Asked when Cancel or the title-bar close comes before the codes are stored.
        self.question: QMessageBox | None = None
        self.retranslate()

    def _policy_read(self, policy: Policy) -> None:
        self.choose_page.offer(policy.allowed_methods)
        self.intro_page.set_reminder(policy.reminder_text)

    def _offer_postponing(self) -> None:
        """ "Remind me later" only while it can still act: before a method works (the
        sign-in ticket is spent then) and never on the codes or the last page."""
        offered = (
            self.may_postpone
            and self.ticket is not None
            and self.currentId() in (-1, INTRO, CHOOSE, APP, KEY)
        )
        if self.testOption(QWizard.WizardOption.HaveCustomButton1) != offered:
            self.setOption(QWizard.WizardOption.HaveCustomButton1, offered)

    def _accepted(self) -> None:
        self.completed.emit(self.session)

    def _remind_me_later(self, _which: int) -> None:
        ticket, service = self.ticket, self.service
        if ticket is None or self.runner.busy:
            return
        self.runner.start(
            lambda: service.sign_in.remind_me_later(ticket), self._deferred, self._refused
        )

    def _deferred(self, result: SignInResult) -> None:
        self.session = result.session
        self.ticket = None
        self.postponed = True
        self.done(QWizard.DialogCode.Accepted)

    def _refused(self, error: DesktopAuthError) -> None:
        self.may_postpone = False
        self._offer_postponing()
        self.intro_page.how.setText(error_text(error))

    def reject(self) -> None:
        # Once a method works, the wizard ends only with recovery codes stored (issue 19):
        # Cancel, after "That works", leads to them and says why, where it closed without
        # a word (no codes, and nothing ever asked again).  On the codes page Cancel and
        # the title-bar close ask (they did nothing there, silently).
        if self.session is not None and self.currentId() in (APP, KEY, CODES):
            codes = self.page(CODES)
            assert isinstance(codes, RecoveryCodesPage)
            codes.needed_note.show()
            if self.currentId() != CODES:
                self.next()
            else:
                self._ask_before_closing_without_codes()
            return
        key = self.page(KEY)
        assert isinstance(key, KeySetupPage)
        key.stop()  # a key page waiting for a key stops waiting
        self.runner.cancel()
        super().reject()

    def _ask_before_closing_without_codes(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("No recovery codes yet"),
            self.tr(
                "You have no recovery codes yet. Without them, a lost phone or key keeps you "
                "out until the helpdesk helps. Save them now?"
            ),
            parent=self,
        )
        keep = box.addButton(self.tr("&Save my codes"), QMessageBox.ButtonRole.RejectRole)
        leave = box.addButton(
            self.tr("Close &without codes"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)

        def answered() -> None:
            if box.clickedButton() is leave:
                self.codes_skipped = True
                self.runner.cancel()
                self._discard_unkept_codes()
                self.done(QWizard.DialogCode.Accepted)  # signed in: the method works

        box.finished.connect(lambda _result: answered())
        self.question = box
        box.open()

    def _discard_unkept_codes(self) -> None:
        """Codes shown but neither saved nor printed open nothing, so that every later
        sign-in still asks for codes (they counted as unused, and nothing asked again)."""
        codes = self.page(CODES)
        assert isinstance(codes, RecoveryCodesPage)
        sheet, session, service = codes.panel.sheet, self.session, self.service
        if sheet is None or session is None:
            return
        run_and_forget(lambda: service.recovery_codes.discard(session, sheet.sheet_id))

    def close_now(self) -> None:
        """Close whatever page is shown (the idle sign-out): nothing is asked."""
        key = self.page(KEY)
        assert isinstance(key, KeySetupPage)
        key.stop()
        self.runner.cancel()
        if self.question is not None:
            self.question.close()
        super().reject()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Set up two-step sign-in"))
        buttons = {
            QWizard.WizardButton.BackButton: self.tr("< &Back"),
            QWizard.WizardButton.NextButton: self.tr("&Next >"),
            QWizard.WizardButton.CommitButton: self.tr("&Next >"),
            QWizard.WizardButton.FinishButton: self.tr("&Finish"),
            QWizard.WizardButton.CancelButton: self.tr("Cancel"),
            QWizard.WizardButton.CustomButton1: self.tr("&Remind me later"),
        }
        for button, text in buttons.items():
            self.setButtonText(button, text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class IntroPage(TranslatedPage):
    """Why two-step sign-in (the manual's chapter 1, in two paragraphs)."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.why = paragraph()
        self.how = paragraph()
        # The organisation's own words with the reminder (the policy's reminder text).
        self.reminder = paragraph()
        self.reminder.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.why)
        layout.addWidget(self.how)
        layout.addWidget(self.reminder)
        layout.addStretch(1)
        self.retranslate()

    def set_reminder(self, text: str) -> None:
        """The policy's reminder text, shown before the enforcement date only."""
        self.reminder.setText(text)
        self.reminder.setVisible(bool(text) and self.owner.deadline is not None)

    def retranslate(self) -> None:
        if self.owner.recovered:
            self.setTitle(self.tr("Set up two-step sign-in again"))
            self.why.setText(
                self.tr(
                    "You signed in with a recovery or backup code. Set up your authenticator "
                    "app again now: it replaces your old methods, which may be lost. Then "
                    "make new recovery codes."
                )
            )
        else:
            self.setTitle(self.tr("Why two-step sign-in?"))
            self.why.setText(
                self.tr(
                    "A password alone can be guessed or stolen. With two-step sign-in you also "
                    "show something only you have: a code from an app on your phone that is "
                    "valid for 30 seconds. That makes it much harder for anyone else to get in."
                )
            )
        how = self.tr(
            "This takes about two minutes. Keep your phone at hand. At the end you save "
            "recovery codes: if you ever lose your phone, they are the only way back in."
        )
        if self.owner.deadline is not None:
            how += "\n\n" + self.tr(
                "Two-step sign-in is required from %1. Until then you may choose "
                "\u201cRemind me later\u201d."
            ).replace("%1", local_date(self.owner.deadline))
        self.how.setText(how)


class ChooseMethodPage(TranslatedPage):
    """The methods this version offers; each later method adds a radio button and a page."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.app_choice = QRadioButton()
        self.app_choice.setChecked(True)
        self.app_hint = paragraph()
        self.key_choice = QRadioButton()
        self.key_hint = paragraph()
        self.group = QButtonGroup(self)
        self.group.addButton(self.app_choice)
        self.group.addButton(self.key_choice)
        self.group.buttonToggled.connect(lambda _button, _on: self._suggest_name())
        self.nickname_label = QLabel()
        self.nickname = QLineEdit()
        self.nickname.setMaxLength(60)
        self.nickname_label.setBuddy(self.nickname)
        self.registerField("nickname*", self.nickname)
        form = QFormLayout()
        form.addRow(self.nickname_label, self.nickname)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key_choice)
        layout.addWidget(self.key_hint)
        layout.addWidget(self.app_choice)
        layout.addWidget(self.app_hint)
        layout.addLayout(form)
        layout.addStretch(1)
        self.retranslate()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        if not self.nickname.text():
            self._suggest_name()
        # Keyboard users start on the choice that is made, not on the unchecked one
        # above it (issue 19 item 11): arrows then move between the two.
        checked = self.group.checkedButton()
        if checked is not None:
            checked.setFocus(Qt.FocusReason.TabFocusReason)

    def offer(self, allowed: tuple[str, ...]) -> None:
        """Only what the organisation allows; the key choice stands for keys and Hello."""
        key = Method.SECURITY_KEY in allowed or Method.WINDOWS_HELLO in allowed
        app = Method.AUTHENTICATOR_APP in allowed
        self.key_choice.setVisible(key)
        self.key_hint.setVisible(key)
        self.app_choice.setVisible(app)
        self.app_hint.setVisible(app)
        (self.app_choice if app else self.key_choice).setChecked(True)
        self._suggest_name()

    def _suggest_name(self) -> None:
        suggestions = {self.tr("Phone"), self.tr("Security key"), ""}
        if self.nickname.text() in suggestions:
            key = self.key_choice.isChecked()
            self.nickname.setText(self.tr("Security key") if key else self.tr("Phone"))

    def nextId(self) -> int:  # noqa: N802 - Qt override
        return KEY if self.key_choice.isChecked() else APP

    def retranslate(self) -> None:
        self.setTitle(self.tr("Choose how you confirm it is you"))
        self.app_choice.setText(self.tr("&Authenticator app on my phone"))
        self.app_hint.setText(
            self.tr(
                "Google Authenticator, Microsoft Authenticator, Authy, Visma Authenticator or "
                "any other app for six-digit codes. The apps are free."
            )
        )
        self.key_choice.setText(self.tr("&Security key or this computer's Windows Hello"))
        self.key_hint.setText(
            self.tr(
                "The strongest choice: a USB or NFC key (such as a YubiKey), or the face, "
                "fingerprint or PIN of Windows Hello. Afterwards you sign in with one touch."
            )
        )
        self.nickname_label.setText(self.tr("Na&me, so you recognise it later:"))
        self.nickname.setAccessibleName(self.tr("Name of this method"))


class DonePage(TranslatedPage):
    """What changed, in the words of what was set up; the security e-mail only if one goes."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.owner = wizard
        # Security e-mails go out (a mail server is configured): said once it is known.
        self.mail_sent = False
        self.runner = TaskRunner(self)
        self.text = paragraph()
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)
        self.retranslate()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.retranslate()
        session, service = self.owner.session, self.owner.service
        if session is not None:
            self.runner.start(
                lambda: service.my_account.security_mail(session),
                self._mail_known,
                lambda _error: None,  # then no e-mail is promised
            )

    def _mail_known(self, sent: bool) -> None:
        self.mail_sent = sent
        self.retranslate()

    def nextId(self) -> int:  # noqa: N802 - Qt override
        return -1  # the last page, whatever pages come after it in number

    def retranslate(self) -> None:
        self.setTitle(self.tr("Two-step sign-in is on"))
        if self.owner.method_set_up == FactorKind.WEBAUTHN:
            # The key page cannot tell Windows Hello from a key (Windows reports both
            # alike), so the done page names both rather than the wrong one.
            how = self.tr(
                "From now on you sign in with your password and your security key or Windows Hello."
            )
            more = self.tr(
                "Add a spare key, make new recovery codes or change your password under "
                "My security settings."
            )
        else:
            how = self.tr("From now on you sign in with your password and the code from your app.")
            more = self.tr(
                "Add a second phone, make new recovery codes or change your password under "
                "My security settings."
            )
        if self.mail_sent:
            how += " " + self.tr(
                "You will receive a security e-mail about this change; that is expected."
            )
        self.text.setText(how + "\n\n" + more)
