"""The main window's smaller screens: a new password, first run, and signed in."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, Session, SignInResult
from desktop_auth.errors import DesktopAuthError
from desktop_auth.gui.i18n import local_date
from desktop_auth.gui.password_form import NewPasswordForm
from desktop_auth.gui.widgets import ErrorLabel, Screen, align_label_column, heading, paragraph
from desktop_auth.vocabulary import Role


class NewPasswordPage(Screen):
    """MUST_CHANGE_PASSWORD: the temporary password from the helpdesk is replaced."""

    signed_in = Signal(object)

    def __init__(self, service: AuthService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.ticket = ""
        self.title = heading()
        self.intro = paragraph()
        self.form = NewPasswordForm(service)
        self.error = ErrorLabel()
        self.save_button = QPushButton()
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.submit)
        self.form.ready_changed.connect(self.save_button.setEnabled)
        self.form.submitted.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.save_button)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        self.retranslate()

    def inputs(self) -> list[QWidget]:
        return [self.form, self.save_button]

    def start(self, ticket: str, email: str) -> None:
        self.ticket = ticket
        self.form.clear()
        self.form.set_email(email)
        self.error.clear_error()
        self.form.password.setFocus()

    def submit(self) -> None:
        if self.runner.busy or not self.form.ready:
            return
        service, ticket, password = self.service, self.ticket, self.form.text()
        self.runner.start(
            lambda: service.sign_in.complete_password_change(ticket, password),
            self._done,
            self._failed,
        )

    def _done(self, result: SignInResult) -> None:
        self.form.clear()
        self.signed_in.emit(result)

    def _failed(self, error: DesktopAuthError) -> None:
        self.error.show_error(error)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Choose your own password"))
        self.intro.setText(
            self.tr(
                "You signed in with a temporary password. Choose a password only you know. "
                "A sentence of a few words is long, strong and easy to remember."
            )
        )
        self.save_button.setText(self.tr("Save password and continue"))


class FirstRunPage(Screen):
    """An empty store: name the organisation and make the first administrator."""

    signed_in = Signal(object)

    def __init__(self, service: AuthService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.title = heading()
        self.intro = paragraph()
        self.organisation = QLineEdit()
        self.rp_id = QLineEdit()
        self.rp_id.setPlaceholderText("example.com")
        self.admin_name = QLineEdit()
        self.admin_email = QLineEdit()
        self.form = NewPasswordForm(service)
        self.admin_email.textChanged.connect(lambda text: self.form.set_email(text.strip()))
        self.labels = [QLabel() for _ in range(4)]
        self.error = ErrorLabel()
        self.create_button = QPushButton()
        self.create_button.setEnabled(False)
        self.create_button.clicked.connect(self.submit)
        self.form.ready_changed.connect(lambda _ready: self._update())
        self.form.submitted.connect(self.submit)
        fields = QFormLayout()
        for label, field in zip(
            self.labels,
            [self.organisation, self.rp_id, self.admin_name, self.admin_email],
            strict=True,
        ):
            label.setBuddy(field)
            field.textChanged.connect(lambda _text: self._update())
            fields.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addLayout(fields)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.create_button)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        self.retranslate()

    def inputs(self) -> list[QWidget]:
        return [self.organisation, self.rp_id, self.admin_name, self.admin_email, self.form]

    def _fields(self) -> list[str]:
        return [
            w.text().strip()
            for w in (self.organisation, self.rp_id, self.admin_name, self.admin_email)
        ]

    def _update(self) -> None:
        self.create_button.setEnabled(all(self._fields()) and self.form.ready)

    def submit(self) -> None:
        if self.runner.busy or not self.create_button.isEnabled():
            return
        organisation, rp_id, name, email = self._fields()
        password, service = self.form.text(), self.service
        self.error.clear_error()

        def work() -> SignInResult:
            service.initialize(
                actor=service.accounts.local_administrator(),
                organisation_name=organisation,
                rp_id=rp_id,
                admin_email=email,
                admin_display_name=name,
                admin_password=password,
            )
            return service.sign_in.with_password(email, password)

        self.runner.start(work, self._done, self.error.show_error)

    def _done(self, result: SignInResult) -> None:
        self.form.clear()
        self.signed_in.emit(result)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Welcome: set up desktop-auth"))
        self.intro.setText(
            self.tr(
                "This sign-in database is new. Name your organisation and create the first "
                "administrator; then you set up two-step sign-in for that account."
            )
        )
        texts = [
            self.tr("&Organisation:"),
            self.tr("&Domain name:"),
            self.tr("Your n&ame:"),
            self.tr("Your &e-mail address:"),
        ]
        names = [
            self.tr("Organisation name"),
            self.tr("Domain name of the organisation"),
            self.tr("Administrator's name"),
            self.tr("Administrator's e-mail address"),
        ]
        fields = [self.organisation, self.rp_id, self.admin_name, self.admin_email]
        for label, field, text, name in zip(self.labels, fields, texts, names, strict=True):
            label.setText(text)
            field.setAccessibleName(name)
        self.rp_id.setToolTip(self.tr("The organisation's internet domain, such as example.com."))
        self.create_button.setText(self.tr("Create and continue"))
        self.form.retranslate()  # its labels' texts first, then one column for all
        align_label_column([*self.labels, *self.form.labels])


class HomePage(Screen):
    """Signed in: who, how, and the way to one's security settings; a reminder while
    two-step sign-in waits to be set up, or the recovery codes to be made."""

    settings_requested = Signal()
    vault_requested = Signal()
    admin_requested = Signal()
    sign_out_requested = Signal()
    # The banner's button: set up two-step sign-in now (after "Remind me later").
    setup_requested = Signal()
    # The banner's button: make recovery codes (none saved yet).
    codes_requested = Signal()

    def __init__(self, organisation: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        # Whose sign-in this is, said on the page (issue 19: it said nowhere).
        self.organisation = organisation
        # Set up postponed until this day ("Remind me later"); None: nothing postponed.
        self.postponed_until: date | None = None
        # The organisation's reminder text (the policy's), shown with that reminder.
        self.reminder_text = ""
        # A method works but no recovery codes were saved.
        self.codes_missing = False
        self.title = heading()
        self.details = paragraph()
        self.banner = QFrame()
        self.banner.setObjectName("reminder_banner")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner_text = paragraph()
        bold = self.banner_text.font()
        bold.setBold(True)
        self.banner_text.setFont(bold)
        self.banner_note = paragraph()
        self.banner_button = QPushButton()
        self.banner_button.clicked.connect(self._banner_clicked)
        banner_layout = QVBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_text)
        banner_layout.addWidget(self.banner_note)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner_button)
        banner_row.addStretch(1)
        banner_layout.addLayout(banner_row)
        self.banner.hide()
        self.settings_button = QPushButton()
        self.settings_button.clicked.connect(self.settings_requested)
        self.vault_button = QPushButton()
        self.vault_button.clicked.connect(self.vault_requested)
        self.admin_button = QPushButton()
        self.admin_button.clicked.connect(self.admin_requested)
        self.admin_button.hide()
        self.sign_out_button = QPushButton()
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.banner)
        layout.addWidget(self.settings_button)
        layout.addWidget(self.vault_button)
        layout.addWidget(self.admin_button)
        layout.addWidget(self.sign_out_button)
        layout.addStretch(1)
        self.retranslate()

    def show_session(self, session: Session) -> None:
        self.session = session
        self.admin_button.setVisible(session.role == Role.ADMIN)
        self.retranslate()
        self.settings_button.setFocus()

    def remind(
        self,
        *,
        postponed_until: date | None = None,
        codes_missing: bool = False,
        focus: bool = True,
    ) -> None:
        """What the banner asks for, after each sign-in (nothing: no banner)."""
        self.postponed_until = postponed_until
        self.codes_missing = codes_missing
        self.retranslate()
        if focus and not self.banner.isHidden():
            self.banner_button.setFocus()

    def set_reminder_text(self, text: str) -> None:
        self.reminder_text = text
        self.retranslate()

    def _banner_clicked(self) -> None:
        if self.postponed_until is not None:
            self.setup_requested.emit()
        elif self.codes_missing:
            self.codes_requested.emit()

    def _retranslate_banner(self) -> None:
        note = ""
        if self.postponed_until is not None:
            text = self.tr("Two-step sign-in is required from %1. Set it up now.").replace(
                "%1", local_date(self.postponed_until)
            )
            note = self.reminder_text
            button = self.tr("Set it &up now…")
        elif self.codes_missing:
            text = self.tr(
                "You have no recovery codes saved. Without them, a lost phone or key keeps "
                "you out until the helpdesk helps."
            )
            button = self.tr("Make recovery &codes now…")
        else:
            self.banner.hide()
            return
        self.banner_text.setText(text)
        self.banner_note.setText(note)
        self.banner_note.setVisible(bool(note))
        self.banner_button.setText(button)
        self.banner.show()

    def retranslate(self) -> None:
        self._retranslate_banner()
        session = self.session
        name = session.display_name if session else ""
        self.title.setText(self.tr("Welcome, %1").replace("%1", name))
        if session is not None:
            # How, in words: "(AAL2)" was jargon to everyone but us.
            # (by value: the core's types load in the worker, after the first paint)
            two_step = session.assurance.value != "AAL1"
            if self.organisation and two_step:
                text = self.tr("You are signed in to %1 as %2, with two-step sign-in.")
            elif self.organisation:
                text = self.tr("You are signed in to %1 as %2, with your password alone.")
            elif two_step:
                text = self.tr("You are signed in as %2, with two-step sign-in.")
            else:
                text = self.tr("You are signed in as %2, with your password alone.")
            self.details.setText(text.replace("%1", self.organisation).replace("%2", session.email))
        self.settings_button.setText(self.tr("My &security settings"))
        self.vault_button.setText(self.tr("My &recovery codes for other services"))
        self.admin_button.setText(self.tr("&Administration"))
        self.sign_out_button.setText(self.tr("Sign &out"))
