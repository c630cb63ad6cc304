"""The users view: search-as-you-type over pages of users, and the helpdesk's actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.core.service import Actor, TemporaryPassword, UserStatus, UserSummary
from desktop_auth.gui.admin.context import AdminContext
from desktop_auth.gui.admin.one_time import BackupCodeDialog, TemporaryPasswordDialog
from desktop_auth.gui.admin.rollout_dialogs import ImportUsersDialog, RetireDialog
from desktop_auth.gui.admin.user_dialogs import CreateUserDialog, DeadlineDialog, MethodsDialog
from desktop_auth.gui.admin.users_model import SORT_ORDERS, UserRow, UsersModel, user_rows
from desktop_auth.gui.widgets import ErrorLabel, Screen, confirm
from desktop_auth.vocabulary import Role

SEARCH_DELAY_MS = 200


# Each column's usual width, in pixels (e-mail, name, role, status, methods, last sign-in,
# deadline); a header that needs more gets more.
COLUMN_WIDTHS = (220, 160, 110, 90, 170, 130, 130)


class UsersView(Screen):
    """Users in a table fetched in pages; actions work on the selected user."""

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.dialog: QWidget | None = None
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SEARCH_DELAY_MS)
        self.model = UsersModel(context.service, parent=self, actor=context.actor)
        self.debounce.timeout.connect(lambda: self.model.set_search(self.search.text()))
        self.search.textChanged.connect(lambda _text: self.debounce.start())
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        header = self.table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.table.setSortingEnabled(True)  # a click on a header asks the model to sort
        self._fit_columns()
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.error = ErrorLabel()
        self.model.failed.connect(self.error.show_error)
        self.model.runner.busy_changed.connect(self.busy.setVisible)
        self.found = QLabel()
        self.model.page_loaded.connect(self._show_found)
        self.model.modelReset.connect(self._show_found)

        self.create_button = QPushButton()
        self.create_button.clicked.connect(self.create_user)
        self.disable_button = QPushButton()
        self.disable_button.clicked.connect(self.toggle_disabled)
        self.unlock_button = QPushButton()
        self.unlock_button.clicked.connect(self.unlock)
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.reset_password)
        self.backup_button = QPushButton()
        self.backup_button.clicked.connect(self.issue_backup_code)
        self.methods_button = QPushButton()
        self.methods_button.clicked.connect(self.show_methods)
        self.role_button = QPushButton()
        self.role_menu = QMenu(self)
        for role in Role:
            action = self.role_menu.addAction(role)
            action.setData(role)
            action.triggered.connect(lambda _checked=False, r=role: self.set_role(r))
        self.role_button.setMenu(self.role_menu)
        self.exempt_button = QPushButton()
        self.exempt_button.clicked.connect(self.toggle_exempt)
        self.deadline_button = QPushButton()
        self.deadline_button.clicked.connect(self.choose_deadline)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.import_users)
        self.retire_button = QPushButton()
        self.retire_button.clicked.connect(self.retire_methods)
        self.user_buttons = [
            self.disable_button,
            self.unlock_button,
            self.reset_button,
            self.backup_button,
            self.methods_button,
            self.role_button,
            self.exempt_button,
            self.deadline_button,
        ]
        buttons = QGridLayout()
        everyone = [self.create_button, *self.user_buttons, self.import_button, self.retire_button]
        for number, button in enumerate(everyone):
            buttons.addWidget(button, number // 5, number % 5)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.found)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        self.retranslate()
        self._selection_changed()

    def _sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        if column not in SORT_ORDERS:  # the methods column: keep showing the order in force
            listing = self.model.listing
            shown = next(c for c, sort in SORT_ORDERS.items() if sort == listing.sort)
            descending = listing.descending
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(shown, order)
            header.blockSignals(False)

    def _show_found(self, _rows: int = 0) -> None:
        total = self.model.total
        if total is None:
            self.found.setText("")
        else:
            self.found.setText(self.tr("%Ln users", "", total))

    def load(self) -> None:
        self.model.set_search(self.search.text())

    def inputs(self) -> list[QWidget]:
        return [self.create_button, *self.user_buttons]

    def selected(self) -> UserRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        self._enable_buttons(self.runner.busy)
        self.retranslate()

    def _busy_changed(self, busy: bool) -> None:
        self.create_button.setEnabled(not busy)
        self._enable_buttons(busy)

    def _enable_buttons(self, busy: bool) -> None:
        row = self.selected()
        for button in self.user_buttons:
            button.setEnabled(not busy and row is not None)
        # Unlock only what is locked: it used to act, and be audited, on anyone (issue 19).
        self.unlock_button.setEnabled(
            not busy and row is not None and row.status == UserStatus.LOCKED
        )

    # --- actions ----------------------------------------------------------------------

    def _act(
        self,
        user: UserSummary | None,
        work: Callable[[Actor, str], object],
        shown: Callable[[object], None] | None = None,
    ) -> None:
        """Do ``work(actor, email)`` on ``user``, then show their new state.

        ``user`` is the one selected when the admin clicked, taken then: a confirmation
        answered later must act on the user it named, whatever the table shows by then.
        """
        if user is None or self.runner.busy:
            return
        service, email = self.context.service, user.email

        def action(actor: Actor) -> tuple[object, UserRow]:
            result = work(actor, email)
            return result, user_rows(service, [service.accounts.get(email, actor=actor)], actor)[0]

        def done(answer: tuple[object, UserRow]) -> None:
            self.model.update_row(answer[1])
            self._selection_changed()
            if shown is not None:
                shown(answer[0])

        self.context.run(self.runner, action, done, self.error)

    def create_user(self) -> None:
        dialog = CreateUserDialog(self.context, self)
        dialog.created.connect(self._created)
        self.dialog = dialog
        dialog.open()

    def _created(self, issued: TemporaryPassword) -> None:
        self.model.refresh()
        self._show_password(issued)

    def _show_password(self, issued: object) -> None:
        assert isinstance(issued, TemporaryPassword)
        dialog = TemporaryPasswordDialog(issued, self)
        self.dialog = dialog
        dialog.open()

    def toggle_disabled(self) -> None:
        row = self.selected()
        if row is None:
            return
        user, disable = row.user, not row.user.disabled
        service = self.context.service

        def work(actor: Actor, email: str) -> object:
            return service.accounts.set_disabled(actor=actor, email=email, disabled=disable)

        if disable:
            text = self.tr("Disable %1? They can no longer sign in.").replace("%1", user.email)
            self.dialog = confirm(
                self, self.tr("Disable account"), text, lambda: self._act(user, work)
            )
        else:
            self._act(user, work)

    def _selected_user(self) -> UserSummary | None:
        row = self.selected()
        return None if row is None else row.user

    def unlock(self) -> None:
        service = self.context.service
        self._act(
            self._selected_user(),
            lambda actor, email: service.accounts.unlock(actor=actor, email=email),
        )

    def reset_password(self) -> None:
        row = self.selected()
        if row is None:
            return
        service, user = self.context.service, row.user
        text = self.tr(
            "Give %1 a new temporary password? Their current password stops working."
        ).replace("%1", user.email)
        self.dialog = confirm(
            self,
            self.tr("Reset password"),
            text,
            lambda: self._act(
                user,
                lambda actor, email: service.accounts.reset_password(actor=actor, email=email),
                self._show_password,
            ),
        )

    def issue_backup_code(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = BackupCodeDialog(self.context, row.user, self)
        dialog.issued.connect(lambda _code: self._reload(dialog.user))
        self.dialog = dialog
        dialog.open()

    def show_methods(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = MethodsDialog(self.context, row.user, self)
        dialog.removed.connect(lambda _method: self._reload(dialog.user))
        self.dialog = dialog
        dialog.open()

    def _reload(self, user: UserSummary) -> None:
        self._act(user, lambda _actor, _email: None)

    def set_role(self, role: str) -> None:
        """Asks first: a new role ends the person's sessions, and an administrator can
        change every account."""
        user, service = self._selected_user(), self.context.service
        if user is None or user.role == role:
            return
        text = (
            self.tr("Make %1 an administrator? They can then change every account and the policy.")
            if role == Role.ADMIN
            else self.tr("Make %1 an employee again? They lose the administration.")
        ).replace("%1", user.email)
        self.dialog = confirm(
            self,
            self.tr("Change role"),
            text + " " + self.tr("Their open sessions end."),
            lambda: self._act(
                user,
                lambda actor, email: service.accounts.set_role(actor=actor, email=email, role=role),
            ),
        )

    def toggle_exempt(self) -> None:
        row = self.selected()
        if row is None:
            return
        exempt, service = not row.user.second_factor_exempt, self.context.service
        self._act(
            row.user,
            lambda actor, email: service.rollout.set_exemption(
                actor=actor, email=email, exempt=exempt
            ),
        )

    def choose_deadline(self) -> None:
        row = self.selected()
        if row is None:
            return
        user = row.user
        dialog = DeadlineDialog(user, date.today(), self)
        dialog.chosen.connect(lambda until: self.set_deadline(user, until))
        self.dialog = dialog
        dialog.open()

    def set_deadline(self, user: UserSummary, until: date | None) -> None:
        service = self.context.service
        self._act(
            user,
            lambda actor, email: service.rollout.set_deadline(
                actor=actor, email=email, until=until
            ),
        )

    def import_users(self) -> None:
        dialog = ImportUsersDialog(self.context, self)
        dialog.imported.connect(lambda _report: self.model.refresh())
        self.dialog = dialog
        dialog.open()

    def retire_methods(self) -> None:
        dialog = RetireDialog(self.context, self)
        dialog.retired.connect(lambda _report: self.model.refresh())
        self.dialog = dialog
        dialog.open()

    # --- texts ------------------------------------------------------------------------

    def _fit_columns(self) -> None:
        """Widths that show every header whole, in this language ("2FA deadline" was cut
        off): fixed ones, as measuring contents would read every row fetched so far, widened
        to the header's own text where that needs more."""
        header = self.table.horizontalHeader()
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, max(width, header.sectionSizeHint(column)))

    def retranslate(self) -> None:
        row = self.selected()
        self.search.setPlaceholderText(self.tr("Search by e-mail or name…"))
        self.search.setAccessibleName(self.tr("Search users"))
        self.search.setToolTip(
            self.tr(
                "One or two letters find addresses and name words that start with them; "
                "three or more find them anywhere."
            )
        )
        self.table.setAccessibleName(self.tr("Users"))
        self.create_button.setText(self.tr("&New user…"))
        disabled = row is not None and row.user.disabled
        self.disable_button.setText(self.tr("&Enable") if disabled else self.tr("Disabl&e…"))
        self.unlock_button.setText(self.tr("Unloc&k"))
        self.reset_button.setText(self.tr("&Reset password…"))
        self.backup_button.setText(self.tr("&Backup code…"))
        self.methods_button.setText(self.tr("&Methods…"))
        self.role_button.setText(self.tr("R&ole"))
        for action in self.role_menu.actions():
            action.setText(self.model.role_name(str(action.data())))
        exempt = row is not None and row.user.second_factor_exempt
        self.exempt_button.setText(self.tr("End e&xemption") if exempt else self.tr("E&xempt"))
        self.deadline_button.setText(self.tr("Dead&line…"))
        self.import_button.setText(self.tr("&Import users…"))
        self.retire_button.setText(self.tr("S&witch off old methods…"))
        self.model.retranslate()
        self._fit_columns()
        self._show_found()
