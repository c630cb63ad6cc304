"""My security settings: methods, recovery codes, password and where the user is signed
in, each on its own tab.

Sensitive changes ask the core; when it answers ReauthenticationRequired the
user signs in again (``ReauthDialog``) and the change is tried once more.  The
core decides what is allowed (re-authentication within 5 minutes, never the
last factor); this screen only shows its answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop_auth.core.service import (
        AuthService,
        EnrolledMethod,
        RecoverySheet,
        RecoveryStatus,
        Session,
    )
from desktop_auth.gui.dialogs import AddAppDialog, RecoveryCodesDialog, sign_in_again_or_show
from desktop_auth.gui.i18n import local_time, message
from desktop_auth.gui.key_pin_dialog import SetPinDialog, own_key_of
from desktop_auth.gui.password_form import NewPasswordForm
from desktop_auth.gui.security_key import KeyPromptBridge, register_key
from desktop_auth.gui.security_key_panel import SecurityKeyPanel
from desktop_auth.gui.sessions_panel import SessionsPanel
from desktop_auth.gui.widgets import (
    BusyBar,
    ErrorLabel,
    PasswordField,
    align_label_column,
    confirm,
    paragraph,
    read_only_table,
)
from desktop_auth.gui.workers import TaskRunner
from desktop_auth.vocabulary import FactorKind, Method


@dataclass(frozen=True, kw_only=True)
class Loaded:
    """What the dialog shows, read in one worker."""

    methods: list[EnrolledMethod]
    codes: RecoveryStatus
    allowed: tuple[str, ...]


class AccountDialog(QDialog):
    """``session_changed(session)`` after a fresh sign-in for a sensitive change."""

    session_changed = Signal(object)
    enrollment_shown = Signal(str)

    def __init__(self, service: AuthService, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.session = session
        self.methods: list[EnrolledMethod] = []
        # New recovery codes were made (and shown) here.
        self.codes_made = False
        self.runner = TaskRunner(self)
        self.busy = BusyBar(self.runner)
        self.tabs = QTabWidget()

        self.table = read_only_table(5)
        self.add_button = QPushButton()
        self.add_key_button = QPushButton()
        self.add_key_button.clicked.connect(self.add_key)
        # Set or change the PIN of the key plugged in: a key out of the box has none, and
        # cannot be added until it has one (issue 18).
        self.key_pin_button = QPushButton()
        self.key_pin_button.clicked.connect(self.key_pin)
        self.prompts = KeyPromptBridge(self)
        self.rename_button = QPushButton()
        self.remove_button = QPushButton()
        self.add_button.clicked.connect(self.add_app)
        self.rename_button.clicked.connect(self.rename)
        self.remove_button.clicked.connect(self.remove)
        self.methods_error = ErrorLabel()
        method_buttons = QHBoxLayout()
        for button in (
            self.add_key_button,
            self.key_pin_button,
            self.add_button,
            self.rename_button,
            self.remove_button,
        ):
            method_buttons.addWidget(button)
        method_buttons.addStretch(1)
        methods_tab = QWidget()
        methods_layout = QVBoxLayout(methods_tab)
        methods_layout.addWidget(self.table)
        methods_layout.addLayout(method_buttons)
        methods_layout.addWidget(self.methods_error)

        self.codes_left = paragraph()
        self.regenerate_button = QPushButton()
        self.regenerate_button.clicked.connect(self.regenerate)
        self.codes_hint = paragraph()
        self.codes_error = ErrorLabel()
        codes_tab = QWidget()
        codes_layout = QVBoxLayout(codes_tab)
        codes_layout.addWidget(self.codes_left)
        codes_layout.addWidget(self.codes_hint)
        codes_layout.addWidget(self.regenerate_button)
        codes_layout.addWidget(self.codes_error)
        codes_layout.addStretch(1)

        self.current_label = QLabel()
        self.current = PasswordField()
        self.current_label.setBuddy(self.current.edit)
        self.new_password = NewPasswordForm(service)
        self.new_password.set_email(session.email)
        self.change_button = QPushButton()
        self.change_button.setEnabled(False)
        self.new_password.ready_changed.connect(self.change_button.setEnabled)
        self.change_button.clicked.connect(self.change_password)
        self.new_password.submitted.connect(self.change_password)
        self.password_error = ErrorLabel()
        self.password_done = QLabel()
        password_tab = QWidget()
        password_form = QFormLayout()
        password_form.addRow(self.current_label, self.current)
        password_layout = QVBoxLayout(password_tab)
        password_layout.addLayout(password_form)
        password_layout.addWidget(self.new_password)
        password_layout.addWidget(self.password_error)
        password_layout.addWidget(self.password_done)
        password_layout.addWidget(self.change_button)
        password_layout.addStretch(1)

        self.tabs.addTab(methods_tab, "")
        self.tabs.addTab(codes_tab, "")
        self.tabs.addTab(password_tab, "")
        self.sessions = SessionsPanel(service, session)
        self.tabs.addTab(self.sessions, "")
        self.security_key = SecurityKeyPanel(service, session, own_key_of(service))
        self.tabs.addTab(self.security_key, "")
        self.tabs.currentChanged.connect(self._tab_shown)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.resize(760, 480)
        self.retranslate()
        self.refresh()

    # --- loading ---------------------------------------------------------------------

    def _tab_shown(self, index: int) -> None:
        if self.tabs.widget(index) is self.sessions:
            self.sessions.load()
        if self.tabs.widget(index) is self.security_key and self.security_key.read is None:
            self.security_key.load()

    def refresh(self) -> None:
        service, session = self.service, self.session

        def load() -> Loaded:
            return Loaded(
                methods=service.my_account.methods(session),
                codes=service.recovery_codes.status(session),
                allowed=service.policy.current().allowed_methods,
            )

        self.runner.start(load, self._loaded, self.methods_error.show_error)

    def _loaded(self, loaded: Loaded) -> None:
        self.methods = [
            m for m in loaded.methods if m.kind not in (FactorKind.RECOVERY, FactorKind.BACKUP)
        ]
        self._status = loaded.codes
        # Only what the organisation allows to be added (what is there stays listed).
        self.add_button.setVisible(Method.AUTHENTICATOR_APP in loaded.allowed)
        self.add_key_button.setVisible(
            Method.SECURITY_KEY in loaded.allowed or Method.WINDOWS_HELLO in loaded.allowed
        )
        self.key_pin_button.setVisible(Method.SECURITY_KEY in loaded.allowed)
        self.table.setRowCount(len(self.methods))
        for row, method in enumerate(self.methods):
            cells = [
                method.label,
                # A key's make and model, as its verified attestation names it (A1).
                message(f"kind.{method.kind}") + (f" — {method.model}" if method.model else ""),
                local_time(method.created_at),
                local_time(method.last_used_at) if method.last_used_at else self.tr("never"),
                method.workstation,
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if self.methods and not self.table.selectedItems():
            self.table.selectRow(0)
        self._show_codes_left()

    def _show_codes_left(self) -> None:
        status = getattr(self, "_status", None)
        if status is None:
            return
        if status.left == 0:  # "0 unused" said nothing of what that means (issue 19)
            text = self.tr(
                "You have no recovery codes. Make them now: without them, a lost phone or key "
                "keeps you out until the helpdesk helps."
            )
            self.codes_left.setText(text)
            return
        text = self.tr("You have %n unused recovery codes.", "", status.left)
        if status.running_low:
            text += " " + self.tr("That is running low: make new ones.")
        self.codes_left.setText(text)

    def selected(self) -> EnrolledMethod | None:
        rows = self.table.selectionModel().selectedRows()
        return self.methods[rows[0].row()] if rows else None

    # --- actions ----------------------------------------------------------------------

    def _sensitive(
        self,
        work: Callable[[Session], Any],
        done: Callable[[Any], None],
        shown: ErrorLabel,
    ) -> None:
        """Run ``work``; if the core wants a fresh sign-in, get one and run it again."""
        service = self.service
        email = self.session.email

        def retry(session: Session) -> None:
            self._use_session(session)
            self.runner.start(lambda: work(session), done, shown.show_error)

        shown.clear_error()
        session = self.session
        self.runner.start(
            lambda: work(session),
            done,
            lambda error: sign_in_again_or_show(
                error, service=service, email=email, parent=self, retry=retry, shown=shown
            ),
        )

    def _use_session(self, session: Session) -> None:
        self.session = session
        self.sessions.set_session(session)
        self.security_key.set_session(session)
        self.session_changed.emit(session)

    def add_app(self) -> None:
        dialog = AddAppDialog(self.service, self.session, self)
        dialog.added.connect(lambda _method: self.refresh())
        dialog.session_changed.connect(self._use_session)
        dialog.enrollment_shown.connect(self.enrollment_shown)
        dialog.open()

    def add_key(self) -> None:
        """Another security key (a spare), or this computer's Windows Hello."""
        nickname, ok = QInputDialog.getText(
            self, self.tr("Add a security key"), self.tr("Name:"), text=self.tr("Spare key")
        )
        if not ok:
            return
        service, prompts = self.service, self.prompts
        prompts.start()
        self._sensitive(
            lambda session: register_key(service, prompts, nickname, session=session),
            self._key_added,
            self.methods_error,
        )
        self.methods_error.show_text(self.tr("Touch your security key now."))

    def key_pin(self) -> None:
        dialog = SetPinDialog(own_key_of(self.service), self)
        dialog.accepted.connect(
            lambda: self.methods_error.show_text(
                self.tr("The key's PIN is set. You can add the key now.")
            )
        )
        dialog.open()

    def _key_added(self, _added: object) -> None:
        self.methods_error.clear_error()
        self.refresh()

    def rename(self) -> None:
        method = self.selected()
        if method is None:
            return
        label, ok = QInputDialog.getText(
            self, self.tr("Rename"), self.tr("New name:"), text=method.label
        )
        if not ok:
            return
        service, session = self.service, self.session
        self.methods_error.clear_error()
        self.runner.start(
            lambda: service.my_account.rename_method(session, method.kind, method.method_id, label),
            lambda _renamed: self.refresh(),
            self.methods_error.show_error,
        )

    def remove(self) -> None:
        method = self.selected()
        if method is None:
            return
        service = self.service
        self.question = confirm(
            self,
            self.tr("Remove method"),
            self.tr("Remove “%1”? You can no longer sign in with it.").replace("%1", method.label),
            lambda: self._sensitive(
                lambda session: service.my_account.remove_method(
                    session, method.kind, method.method_id
                ),
                lambda _removed: self.refresh(),
                self.methods_error,
            ),
        )

    def regenerate(self) -> None:
        service = self.service
        self._sensitive(service.recovery_codes.generate, self._new_codes, self.codes_error)

    def _new_codes(self, sheet: RecoverySheet) -> None:
        self.codes_made = True
        dialog = RecoveryCodesDialog(sheet, self)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()

    def change_password(self) -> None:
        if not self.new_password.ready:
            return
        service, current, new = self.service, self.current.text(), self.new_password.text()
        self.password_done.clear()
        self._sensitive(
            lambda session: service.my_account.change_password(session, current, new),
            self._password_changed,
            self.password_error,
        )

    def _password_changed(self, _result: object) -> None:
        self.current.clear()
        self.new_password.clear()
        self.password_done.setText(self.tr("Your password is changed."))

    # --- texts ------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("My security settings"))
        self.tabs.setTabText(0, self.tr("&Verification methods"))
        self.tabs.setTabText(1, self.tr("&Recovery codes"))
        self.tabs.setTabText(2, self.tr("&Password"))
        self.tabs.setTabText(3, self.tr("&Where you are signed in"))
        self.tabs.setTabText(4, self.tr("Security ke&y"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Type"),
                self.tr("Added"),
                self.tr("Last used"),
                # The workstation it was set up at ("Set up on: vm" read oddly, and
                # Dutch "Ingesteld op" as "set to").
                self.tr("Workstation"),
            ]
        )
        self.table.setAccessibleName(self.tr("Your verification methods"))
        self.add_button.setText(self.tr("&Add an app…"))
        self.add_key_button.setText(self.tr("Add a security &key…"))
        self.key_pin_button.setText(self.tr("Security key PIN…"))
        self.rename_button.setText(self.tr("Re&name…"))
        self.remove_button.setText(self.tr("Re&move"))
        self.codes_hint.setText(
            self.tr(
                "New codes replace the old ones at once: the old sheet stops working. "
                "For this you confirm it is you."
            )
        )
        self.regenerate_button.setText(self.tr("Make &new recovery codes…"))
        self.current_label.setText(self.tr("&Current password:"))
        self.new_password.retranslate()  # its labels' texts first, then one column for all
        align_label_column([self.current_label, *self.new_password.labels])
        self.current.set_accessible_name(self.tr("Current password"))
        self.change_button.setText(self.tr("C&hange password"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        self._show_codes_left()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
