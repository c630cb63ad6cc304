"""The users table's model: pages of ``list_users`` fetched in a worker as the view scrolls.

Only the rows scrolled to are held; a new search starts again from the top, and a
page that arrives for an older search is dropped (the runner keeps one job).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desktop_auth.core.service import AuthService, UserStatus, UserSummary
from desktop_auth.gui.i18n import local_time, message
from desktop_auth.gui.workers import TaskRunner

PAGE_SIZE = 200
COLUMNS = 7
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, kw_only=True)
class UserRow:
    user: UserSummary
    kinds: tuple[str, ...]
    status: UserStatus


@dataclass(frozen=True, kw_only=True)
class Page:
    search: str
    offset: int
    rows: list[UserRow]


def user_rows(service: AuthService, users: list[UserSummary]) -> list[UserRow]:
    """In a worker: each user with their kinds of method and status."""
    kinds = service.user_method_kinds([u.id for u in users])
    now = service.now()
    return [
        UserRow(user=user, kinds=kinds.get(user.id, ()), status=user.status(now)) for user in users
    ]


class UsersModel(QAbstractTableModel):
    """``page_loaded(rows)`` after each page; ``failed(error)`` when one could not be read."""

    page_loaded = Signal(int)
    failed = Signal(object)

    def __init__(self, service: AuthService, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self.service = service
        self.page_size = page_size
        self.rows: list[UserRow] = []
        self.search = ""
        self.more = True
        self.runner = TaskRunner(self)

    # --- paging -----------------------------------------------------------------------

    def set_search(self, search: str) -> None:
        """Start again from the top with ``search`` (e-mail or name; empty: everyone)."""
        self.beginResetModel()
        self.search = search.strip()
        self.rows = []
        self.more = True
        self.endResetModel()
        self._fetch()

    def refresh(self) -> None:
        self.set_search(self.search)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802 - Qt API
        return not parent.isValid() and self.more and not self.runner.busy

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802 - Qt API
        if self.canFetchMore(parent):
            self._fetch()

    def _fetch(self) -> None:
        service, search, offset, size = self.service, self.search, len(self.rows), self.page_size

        def work() -> Page:
            users = service.list_users(search=search or None, limit=size, offset=offset)
            return Page(search=search, offset=offset, rows=user_rows(service, users))

        self.runner.start(work, self._fetched, self.failed.emit)

    def _fetched(self, page: Page) -> None:
        if page.search != self.search or page.offset != len(self.rows):
            return
        self.more = len(page.rows) == self.page_size
        if page.rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        self.page_loaded.emit(len(self.rows))

    def update_row(self, row: UserRow) -> None:
        """After an action: the user's new state, in place."""
        for number, existing in enumerate(self.rows):
            if existing.user.id == row.user.id:
                self.rows[number] = row
                self.dataChanged.emit(self.index(number, 0), self.index(number, COLUMNS - 1))
                return

    # --- the table --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else COLUMNS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.cell(self.rows[index.row()], index.column())

    def cell(self, row: UserRow, column: int) -> str:
        user = row.user
        if column == 0:
            return user.email
        if column == 1:
            return user.display_name
        if column == 2:
            return self.role_name(user.role)
        if column == 3:
            return self.status_name(row.status)
        if column == 4:
            return ", ".join(message(f"kind.{kind}") for kind in row.kinds) or self.tr("none")
        if column == 5:
            return local_time(user.last_sign_in_at) if user.last_sign_in_at else self.tr("never")
        if user.second_factor_exempt:
            return self.tr("exempt")
        return user.setup_deadline.isoformat() if user.setup_deadline else "—"

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        headers = [
            self.tr("E-mail"),
            self.tr("Name"),
            self.tr("Role"),
            self.tr("Status"),
            self.tr("Methods"),
            self.tr("Last sign-in"),
            self.tr("2FA deadline"),
        ]
        return headers[section] if 0 <= section < len(headers) else None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMNS - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, COLUMNS - 1))

    def role_name(self, role: str) -> str:
        names = {"admin": self.tr("administrator"), "employee": self.tr("employee")}
        return names.get(role, role)

    def status_name(self, status: UserStatus) -> str:
        names = {
            UserStatus.ACTIVE: self.tr("active"),
            UserStatus.DISABLED: self.tr("disabled"),
            UserStatus.LOCKED: self.tr("locked"),
        }
        return names[status]
