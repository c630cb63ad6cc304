"""Secrets an admin hands over once: a temporary password, a helpdesk backup code."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.core.service import (
    Actor,
    BackupCodeSlip,
    IssuedBackupCode,
    TemporaryPassword,
    UserSummary,
)
from desktop_auth.gui.admin.context import AdminContext, AdminDialog
from desktop_auth.gui.i18n import local_time
from desktop_auth.gui.recovery_sheet import print_sheet
from desktop_auth.gui.widgets import monospace, paragraph


class SecretField(QWidget):
    """A one-time secret, shown whole (wrapped, monospace), selectable and copyable;
    forgotten when its dialog closes.  A one-line field cut a passphrase to
    "…en-magenta-shout-…", and one read out over the phone came out incomplete."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLabel()
        self.edit.setWordWrap(True)
        self.edit.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.edit.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.edit.setFont(monospace(1.3))
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(self.edit, 1)
        self.row.addWidget(self.copy_button)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.edit.text())

    def forget(self) -> None:
        clipboard = QApplication.clipboard()
        if self.edit.text() and clipboard.text() == self.edit.text():
            clipboard.clear()
        self.edit.clear()


class TemporaryPasswordDialog(AdminDialog):
    """P8: the temporary password, shown this once; the user must change it at first sign-in."""

    def __init__(self, issued: TemporaryPassword, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.email = issued.user.email
        self.issued: TemporaryPassword | None = issued
        self.intro = paragraph()
        self.secret = SecretField()
        self.secret.edit.setText(issued.temporary_password)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_slip)
        self.secret.row.addWidget(self.print_button)
        self.print_dialog: QWidget | None = None
        self.printed = paragraph()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.secret)
        layout.addWidget(self.printed)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.retranslate()

    def print_slip(self) -> None:
        """On paper in the user's language, to hand over in person."""
        if self.issued is None:
            return
        self.print_dialog = print_sheet(
            [(self.issued, self.issued.user.language)],
            self,
            lambda printed: self.printed.setText(
                self.tr("Sent to the printer.") if printed else self.tr("Could not print.")
            ),
        )

    def done(self, result: int) -> None:
        self.secret.forget()
        self.issued = None  # the password lives no longer than its dialog
        super().done(result)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Temporary password"))
        self.intro.setText(
            self.tr(
                "Give %1 this temporary password. It is shown only now; at the first "
                "sign-in they choose their own."
            ).replace("%1", self.email)
        )
        self.secret.edit.setAccessibleName(self.tr("Temporary password"))
        self.secret.copy_button.setText(self.tr("&Copy"))
        self.print_button.setText(self.tr("&Print…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))


class BackupCodeDialog(AdminDialog):
    """Lost phone or key: a helpdesk backup code, issued on request and shown once (M8)."""

    issued = Signal(object)

    def __init__(
        self, context: AdminContext, user: UserSummary, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.user = user
        self.code: IssuedBackupCode | None = None
        self.intro = paragraph()
        self.remove_methods = QCheckBox()
        self.remove_methods.setChecked(True)
        self.issue_button = QPushButton()
        self.issue_button.clicked.connect(self.issue)
        self.secret = SecretField()
        self.secret.setEnabled(False)
        self.print_button = QPushButton()
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_slip)
        self.secret.row.addWidget(self.print_button)
        self.slip: BackupCodeSlip | None = None
        self.print_dialog: QWidget | None = None
        self.printed = paragraph()
        self.expiry = paragraph()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (
            self.intro,
            self.remove_methods,
            self.issue_button,
            self.secret,
            self.expiry,
            self.printed,
            self.error,
            self.busy,
            self.buttons,
        ):
            layout.addWidget(widget)
        self.setMinimumWidth(520)
        self.retranslate()

    def issue(self) -> None:
        if self.runner.busy or self.code is not None:
            return
        service, email, remove = (
            self.context.service,
            self.user.email,
            self.remove_methods.isChecked(),
        )

        def work(actor: Actor) -> tuple[IssuedBackupCode, BackupCodeSlip]:
            code = service.recovery_codes.issue_backup_code(
                actor=actor, email=email, remove_methods=remove
            )
            return code, service.recovery_codes.backup_code_slip(code)

        self.context.run(self.runner, work, self._issued, self.error)

    def _issued(self, issued: tuple[IssuedBackupCode, BackupCodeSlip]) -> None:
        code, self.slip = issued
        self.code = code
        self.secret.edit.setText(code.code)
        self.secret.setEnabled(True)
        self.remove_methods.setEnabled(False)
        self.issue_button.setEnabled(False)
        self.print_button.setEnabled(True)
        self.issued.emit(code)
        self.retranslate()

    def print_slip(self) -> None:
        """On paper in the user's language, for someone at the helpdesk desk in person."""
        if self.slip is None:
            return
        self.print_dialog = print_sheet(
            [(self.slip, self.user.language)],
            self,
            lambda printed: self.printed.setText(
                self.tr("Sent to the printer.") if printed else self.tr("Could not print.")
            ),
        )

    def done(self, result: int) -> None:
        self.secret.forget()
        self.slip = self.code = None  # the code lives no longer than its dialog
        super().done(result)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Helpdesk backup code"))
        self.intro.setText(
            self.tr(
                "A one-time code for %1 that leads only to setting up two-step "
                "sign-in again. Give it only after checking who is asking."
            ).replace("%1", self.user.email)
        )
        self.remove_methods.setText(self.tr("Switch off their current methods now (lost device)"))
        self.issue_button.setText(self.tr("&Issue code"))
        self.secret.edit.setAccessibleName(self.tr("Backup code"))
        self.secret.copy_button.setText(self.tr("&Copy"))
        self.print_button.setText(self.tr("&Print…"))
        if self.code is not None:
            self.expiry.setText(
                self.tr("Shown only now. It works once, until %1.").replace(
                    "%1", local_time(self.code.expires_at)
                )
            )
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
