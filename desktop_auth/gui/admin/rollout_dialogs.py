"""The rollout from the console: import existing users, switch the old 2FA off (issue 9).

Both call the same AuthService methods as ``admin rollout import`` and
``admin rollout retire``; the core checks every row first and audits both.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.core.service import ImportReport, RetirementReport
from desktop_auth.gui.admin.context import AdminContext, AdminDialog, to_date
from desktop_auth.gui.i18n import current_language, message
from desktop_auth.gui.labels import kind_label
from desktop_auth.gui.recovery_sheet import print_sheet, write_private_file
from desktop_auth.gui.widgets import paragraph
from desktop_auth.vocabulary import ENROLLABLE_KINDS, FactorKind


class ImportUsersDialog(AdminDialog):
    """A CSV of ``email,name[,role]``: every row checked, all imported or none."""

    imported = Signal(object)

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.intro = paragraph()
        self.choose_button = QPushButton()
        self.choose_button.clicked.connect(self.choose)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        # The last successful import, kept only while the dialog is open: 350 passwords
        # are handed out on paper or by mail merge, not copied from a text box.
        self.created: ImportReport | None = None
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_slips)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save_csv)
        self.saved = paragraph()
        self.print_dialog: QWidget | None = None
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        handing_out = QHBoxLayout()
        handing_out.addWidget(self.print_button)
        handing_out.addWidget(self.save_button)
        handing_out.addStretch()
        layout = QVBoxLayout(self)
        for widget in (self.intro, self.choose_button, self.report, self.error, self.busy):
            layout.addWidget(widget)
        layout.addLayout(handing_out)
        layout.addWidget(self.saved)
        layout.addWidget(self.buttons)
        self._offer_handing_out()
        self.resize(640, 420)
        self.retranslate()

    def choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import users"), "", self.tr("CSV files (*.csv)")
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        self.error.clear_error()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            self.error.show_text(message("error.import_unreadable", path=str(path)))
            return
        service, language = self.context.service, current_language()
        self.context.run(
            self.runner,
            lambda actor: service.rollout.import_users(
                actor=actor, csv_text=text, language=language
            ),
            self._done,
            self.error,
        )

    def _done(self, report: ImportReport) -> None:
        if not report.ok:
            lines = [
                self.tr("Nothing was imported. Correct these rows and try again:"),
                *(
                    f"{row.line}: {row.email} — {message(row.problem, **row.params)}"
                    for row in report.rows
                    if row.problem is not None
                ),
            ]
        else:
            # Shown once, for the admin to hand over; gone when the dialog closes.
            lines = [
                self.tr(
                    "Imported %n users. Temporary passwords (shown only now):",
                    "",
                    len(report.created),
                ),
                *(f"{i.user.email}  {i.temporary_password}" for i in report.created),
            ]
            self.imported.emit(report)
        self.created = report if report.ok and report.created else None
        self._offer_handing_out()
        self.report.setPlainText("\n".join(lines))

    def _offer_handing_out(self) -> None:
        for button in (self.print_button, self.save_button):
            button.setEnabled(self.created is not None)

    def print_slips(self) -> None:
        """A slip per new user, each in that user's language, to hand over in person."""
        if self.created is None:
            return
        self.print_dialog = print_sheet(
            [(issued, issued.user.language) for issued in self.created.created],
            self,
            lambda printed: self.saved.setText(
                self.tr("Sent to the printer.") if printed else self.tr("Could not print.")
            ),
        )

    def save_csv(self) -> None:
        """E-mail and temporary password per line, for a mail merge; only its owner may
        read the file."""
        report = self.created
        if report is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save the temporary passwords"), "", self.tr("CSV files (*.csv)")
        )
        if not path:
            return

        def write(target: Path) -> None:
            with target.open("w", encoding="utf-8", newline="") as stream:
                report.write_passwords_csv(stream)

        try:
            write_private_file(Path(path), write)
        except OSError:
            self.error.show_text(message("error.key_file_unwritable", path=path))
            return
        self.saved.setText(self.tr("Saved: %1").replace("%1", path))

    def done(self, result: int) -> None:
        self.report.clear()
        self.created = None  # the passwords live no longer than the dialog
        self.saved.clear()
        self._offer_handing_out()
        super().done(result)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Import users"))
        self.intro.setText(
            self.tr(
                "A CSV file with a header line and the columns email and name (role is "
                "optional: employee or administrator). Every row is checked first: one bad row "
                "imports nothing. Each new user gets a temporary password to change at the "
                "first sign-in."
            )
        )
        self.choose_button.setText(self.tr("&Choose a CSV file…"))
        self.print_button.setText(self.tr("&Print a slip for each…"))
        self.save_button.setText(self.tr("&Save passwords as CSV…"))
        self.report.setAccessibleName(self.tr("Import report"))


class RetireDialog(AdminDialog):
    """Switch off every method of a kind, optionally only those set up before a date."""

    retired = Signal(object)

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.intro = paragraph()
        self.kind = QComboBox()
        for kind in ENROLLABLE_KINDS:
            self.kind.addItem("", kind)
        # The manual's rollout retires the old built-in 2FA: authenticator apps.
        self.kind.setCurrentIndex(self.kind.findData(FactorKind.TOTP))
        self.only_before = QCheckBox()
        self.before = QDateEdit(QDate.currentDate())
        self.before.setCalendarPopup(True)
        self.before.setEnabled(False)
        self.only_before.toggled.connect(self.before.setEnabled)
        self.retire_button = QPushButton()
        self.retire_button.clicked.connect(self.confirm)
        self.result_text = paragraph()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.kind_label = QLabel()
        self.kind_label.setBuddy(self.kind)
        form = QFormLayout()
        form.addRow(self.kind_label, self.kind)
        form.addRow(self.only_before, self.before)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        for widget in (self.retire_button, self.result_text, self.error, self.busy):
            layout.addWidget(widget)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.retranslate()

    def confirm(self) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Switch off methods"),
            self.tr(
                "Every such method stops working now, and its users set up two-step "
                "sign-in again at their next sign-in. Go on?"
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.retire()

    def retire(self) -> None:
        service, kind = self.context.service, FactorKind(self.kind.currentData())
        before = (
            datetime.combine(to_date(self.before.date()), time()).astimezone()
            if self.only_before.isChecked()
            else None
        )
        self.context.run(
            self.runner,
            lambda actor: service.rollout.retire(actor=actor, kind=kind, enrolled_before=before),
            self._done,
            self.error,
        )

    def _done(self, report: RetirementReport) -> None:
        self.result_text.setText(
            self.tr("Switched off %1 methods of %2 users.")
            .replace("%1", str(report.methods_removed))
            .replace("%2", str(report.users_affected))
        )
        self.retired.emit(report)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Switch off old methods"))
        self.intro.setText(
            self.tr(
                "For a rollout like the manual's: the old two-step sign-in is switched "
                "off, and everyone sets it up again with the password they have."
            )
        )
        self.kind_label.setText(self.tr("&Kind:"))
        for index, kind in enumerate(ENROLLABLE_KINDS):
            self.kind.setItemText(index, kind_label(kind))
        self.kind.setAccessibleName(self.tr("Kind of method"))
        self.only_before.setText(self.tr("Only those set up before"))
        self.before.setAccessibleName(self.tr("Set up before"))
        self.retire_button.setText(self.tr("&Switch off…"))
