"""Dialogs of the users view: a new account, a user's methods, a later 2FA deadline."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.core.service import EnrolledMethod, TemporaryPassword, UserSummary
from desktop_auth.gui.admin.context import AdminContext, AdminDialog, to_date
from desktop_auth.gui.i18n import current_language, local_time, message, use_date_format
from desktop_auth.gui.widgets import confirm, paragraph, read_only_table
from desktop_auth.vocabulary import Role


class CreateUserDialog(AdminDialog):
    """A new account; ``created(TemporaryPassword)`` once the core made it."""

    created = Signal(object)

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.email_label, self.name_label, self.role_label = QLabel(), QLabel(), QLabel()
        self.email = QLineEdit()
        self.name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem("", role)
        self.email_label.setBuddy(self.email)
        self.name_label.setBuddy(self.name)
        self.role_label.setBuddy(self.role)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.email_label, self.email)
        form.addRow(self.name_label, self.name)
        form.addRow(self.role_label, self.role)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self.retranslate()

    def submit(self) -> None:
        if self.runner.busy:
            return
        service = self.context.service
        email, name, role = self.email.text(), self.name.text(), str(self.role.currentData())
        # The language the helpdesk works in: the temporary password's words and the
        # new colleague's security e-mails (as the CSV import does).
        language = current_language()
        self.context.run(
            self.runner,
            lambda actor: service.accounts.create(
                actor=actor, email=email, display_name=name, role=role, language=language
            ),
            self._created,
            self.error,
        )

    def _created(self, issued: TemporaryPassword) -> None:
        self.created.emit(issued)
        self.accept()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("New user"))
        self.email_label.setText(self.tr("&E-mail address:"))
        self.email.setAccessibleName(self.tr("E-mail address"))
        self.name_label.setText(self.tr("&Name:"))
        self.name.setAccessibleName(self.tr("Name"))
        self.role_label.setText(self.tr("&Role:"))
        names: dict[str, str] = {
            Role.ADMIN: self.tr("administrator"),
            Role.EMPLOYEE: self.tr("employee"),
        }
        for number in range(self.role.count()):
            role = str(self.role.itemData(number))
            self.role.setItemText(number, names.get(role, role))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))


class MethodsDialog(AdminDialog):
    """A user's second factors; remove one (a lost key, M5)."""

    removed = Signal(object)

    def __init__(
        self, context: AdminContext, user: UserSummary, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.user = user
        self.methods: list[EnrolledMethod] = []
        self.intro = paragraph()
        self.table = read_only_table(5)
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self.remove)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table)
        layout.addWidget(self.remove_button)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.resize(680, 360)
        self.retranslate()
        self.refresh()

    def refresh(self) -> None:
        service, email, actor = self.context.service, self.user.email, self.context.actor()
        self.runner.start(
            lambda: service.accounts.methods(email, actor=actor),
            self._loaded,
            self.error.show_error,
        )

    def _loaded(self, methods: list[EnrolledMethod]) -> None:
        self.methods = methods
        self.table.setRowCount(len(methods))
        for row, method in enumerate(methods):
            label = method.label
            if method.flagged:
                label += " ⚠ " + self.tr("possibly copied")
            cells = [
                label,
                # A key's make and model, as its verified attestation names it (A1).
                message(f"kind.{method.kind}") + (f" — {method.model}" if method.model else ""),
                local_time(method.created_at),
                local_time(method.last_used_at) if method.last_used_at else self.tr("never"),
                method.workstation,
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if methods:
            self.table.selectRow(0)
        self.remove_button.setEnabled(bool(methods))

    def remove(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.runner.busy:
            return
        method = self.methods[rows[0].row()]
        service, email = self.context.service, self.user.email

        def remove() -> None:
            self.context.run(
                self.runner,
                lambda actor: service.accounts.remove_method(
                    actor=actor, email=email, kind=method.kind, method_id=method.method_id
                ),
                self._removed,
                self.error,
            )

        self.question = confirm(
            self,
            self.tr("Remove method"),
            self.tr(
                "Remove “%1” from %2? At their next sign-in they are asked for another "
                "method, or for a recovery code when none is left; without recovery codes "
                "they need a backup code from you (Backup code…)."
            )
            .replace("%1", method.label)
            .replace("%2", email),
            remove,
        )

    def _removed(self, method: EnrolledMethod) -> None:
        self.removed.emit(method)
        self.refresh()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Methods of %1").replace("%1", self.user.email))
        self.intro.setText(
            self.tr("Remove a lost key or phone. With none left, they set up again.")
        )
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
        self.table.setAccessibleName(self.tr("Verification methods"))
        self.remove_button.setText(self.tr("&Remove selected method"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))


class DeadlineDialog(AdminDialog):
    """A later 2FA deadline for one user; ``chosen(date | None)`` (None: the organisation's)."""

    chosen = Signal(object)

    def __init__(self, user: UserSummary, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = user
        self.intro = paragraph()
        self.own = QCheckBox()
        self.own.setChecked(user.setup_deadline is not None)
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        use_date_format(self.day)
        start = user.setup_deadline or today
        self.day.setDate(QDate(start.year, start.month, start.day))
        self.day.setEnabled(self.own.isChecked())
        self.own.toggled.connect(self.day.setEnabled)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.choose)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.own)
        layout.addWidget(self.day)
        layout.addWidget(self.buttons)
        self.retranslate()

    def choose(self) -> None:
        picked = to_date(self.day.date()) if self.own.isChecked() else None
        self.chosen.emit(picked)
        self.accept()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Two-step sign-in deadline"))
        self.intro.setText(
            self.tr("By when must %1 have set up two-step sign-in?").replace("%1", self.user.email)
        )
        self.own.setText(self.tr("A later date for this user only:"))
        self.day.setAccessibleName(self.tr("Deadline"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
