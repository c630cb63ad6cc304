"""The users table's model: a window of pages over the whole list, fetched in a worker.

The table knows how many users the search finds and has a row for each; only the pages
the view shows are fetched, and at most ``CACHED_PAGES`` are held, the least recently
shown dropped first.  So memory stays flat however far the list is scrolled, and dragging
the scroll bar to the middle fetches just the page there.  A new search or sort order
starts again; a page that arrives for an older one is dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from desktop_auth.core.service import Actor, AuthService, UserStatus, UserSummary
from desktop_auth.gui.i18n import local_date, local_time, message
from desktop_auth.gui.workers import TaskRunner
from desktop_auth.vocabulary import Role

PAGE_SIZE = 200
# Pages held at once (1,600 rows): a screenful with room to scroll back.
CACHED_PAGES = 8
# Pages asked for but not yet fetched that are still worth fetching (newest first).
WANTED_PAGES = 4
COLUMNS = 7
# Column → ``accounts.page`` sort order; the methods column has none.
SORT_ORDERS = {0: "email", 1: "name", 2: "role", 3: "status", 5: "last_sign_in", 6: "deadline"}
PLACEHOLDER = "…"
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, kw_only=True)
class UserRow:
    user: UserSummary
    kinds: tuple[str, ...]
    status: UserStatus


@dataclass(frozen=True, kw_only=True)
class Listing:
    """Which users, in which order: what a page belongs to."""

    search: str = ""
    sort: str = "email"
    descending: bool = False


@dataclass(frozen=True, kw_only=True)
class Page:
    listing: Listing
    number: int
    rows: list[UserRow]


@dataclass(frozen=True, kw_only=True)
class Count:
    listing: Listing
    total: int


def user_rows(
    service: AuthService, users: list[UserSummary], actor: Actor | None = None
) -> list[UserRow]:
    """In a worker: each user with their kinds of method and status."""
    kinds = service.accounts.method_kinds([u.id for u in users], actor=actor)
    now = service.accounts.now()
    return [
        UserRow(user=user, kinds=kinds.get(user.id, ()), status=user.status(now)) for user in users
    ]


class UsersModel(QAbstractTableModel):
    """``page_loaded(total)`` after each page; ``failed(error)`` when one could not be read."""

    page_loaded = Signal(int)
    failed = Signal(object)

    def __init__(
        self,
        service: AuthService,
        page_size: int = PAGE_SIZE,
        cached_pages: int = CACHED_PAGES,
        parent: QObject | None = None,
        actor: Callable[[], Actor | None] = lambda: None,
    ) -> None:
        """``actor``: the signed-in administrator, whose session every read is checked
        against (B3); None only where the caller holds the store itself."""
        super().__init__(parent)
        self.service = service
        self.actor = actor
        self.page_size = page_size
        self.cached_pages = cached_pages
        self.listing = Listing()
        # Users the listing finds; None until counted (the first page comes first).
        self.total: int | None = 0
        self.pages: OrderedDict[int, list[UserRow]] = OrderedDict()
        self.wanted: list[int] = []
        self.runner = TaskRunner(self)
        # data() runs while the view paints: a page it asks for is fetched right after.
        self.fetch_soon = QTimer(self)
        self.fetch_soon.setSingleShot(True)
        self.fetch_soon.setInterval(0)
        self.fetch_soon.timeout.connect(self._fetch_next)
        self.stopped = False

    # --- what is listed ---------------------------------------------------------------

    def set_search(self, search: str) -> None:
        """Start again from the top with ``search`` (e-mail or name; empty: everyone)."""
        self._restart(replace(self.listing, search=search.strip()))

    def refresh(self) -> None:
        self._restart(self.listing)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        sort = SORT_ORDERS.get(column)
        if sort is not None:
            descending = order == Qt.SortOrder.DescendingOrder
            self._restart(replace(self.listing, sort=sort, descending=descending))

    @property
    def rows(self) -> list[UserRow]:
        """The rows of the pages held now, in list order."""
        return [row for number in sorted(self.pages) for row in self.pages[number]]

    def row_at(self, row: int) -> UserRow | None:
        """The user on table row ``row``, or None while that page is not held."""
        rows = self.pages.get(row // self.page_size)
        offset = row % self.page_size
        return rows[offset] if rows is not None and offset < len(rows) else None

    # --- fetching ---------------------------------------------------------------------

    def _restart(self, listing: Listing) -> None:
        self.beginResetModel()
        self.listing = listing
        self.pages.clear()
        self.total = 0
        self.wanted = [0]
        self.endResetModel()
        self.runner.cancel()  # an answer for the old listing is dropped
        self._fetch_next()

    def stop(self) -> None:
        """Its window closed: fetch nothing more (a job under way ends unheard)."""
        self.stopped = True
        self.fetch_soon.stop()
        self.runner.cancel()

    def _want(self, number: int) -> None:
        if number not in self.wanted:
            self.wanted = [*self.wanted, number][-WANTED_PAGES:]
            self.fetch_soon.start()

    def _fetch_next(self) -> None:
        if self.runner.busy or self.stopped:
            return
        service, listing, size, actor = self.service, self.listing, self.page_size, self.actor()
        if self.total is None:
            search = listing.search or None
            self.runner.start(
                lambda: Count(
                    listing=listing, total=service.accounts.count(search=search, actor=actor)
                ),
                self._counted,
                self.failed.emit,
            )
            return
        while self.wanted:
            number = self.wanted.pop()
            if number not in self.pages:
                break
        else:
            return

        def work() -> Page:
            users = service.accounts.page(
                search=listing.search or None,
                sort=listing.sort,
                descending=listing.descending,
                limit=size,
                offset=number * size,
                actor=actor,
            )
            return Page(listing=listing, number=number, rows=user_rows(service, users, actor))

        self.runner.start(work, self._fetched, self.failed.emit)

    def _fetched(self, page: Page) -> None:
        if page.listing != self.listing:
            return
        self.pages[page.number] = page.rows
        while len(self.pages) > self.cached_pages:
            self.pages.popitem(last=False)
        first = page.number * self.page_size
        if page.number == 0 and self.total == 0:
            # The first page tells the total when it is not full; else count next.
            self._grow_to(len(page.rows))
            self.total = len(page.rows) if len(page.rows) < self.page_size else None
        elif page.rows:
            self.dataChanged.emit(
                self.index(first, 0), self.index(first + len(page.rows) - 1, COLUMNS - 1)
            )
        self.page_loaded.emit(self.rowCount())
        self._fetch_next()

    def _counted(self, count: Count) -> None:
        if count.listing != self.listing:
            return
        self._grow_to(count.total)
        self.total = count.total
        self.page_loaded.emit(self.rowCount())
        self._fetch_next()

    def _grow_to(self, total: int) -> None:
        """Rows for ``total`` users (fewer, when some went since the first page)."""
        shown = self.rowCount()
        if total > shown:
            self.beginInsertRows(QModelIndex(), shown, total - 1)
            self.total = total
            self.endInsertRows()
        elif total < shown:
            self.beginRemoveRows(QModelIndex(), total, shown - 1)
            self.total = total
            self.endRemoveRows()

    def update_row(self, row: UserRow) -> None:
        """After an action: the user's new state, in place."""
        for number, rows in self.pages.items():
            for offset, existing in enumerate(rows):
                if existing.user.id == row.user.id:
                    rows[offset] = row
                    at = number * self.page_size + offset
                    self.dataChanged.emit(self.index(at, 0), self.index(at, COLUMNS - 1))
                    return

    # --- the table --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        if parent.isValid():
            return 0
        if self.total is None:  # counting: the first page is there
            return len(self.pages.get(0, ()))
        return self.total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else COLUMNS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self.row_at(index.row())
        if row is None:
            self._want(index.row() // self.page_size)
            return PLACEHOLDER if index.column() == 0 else None
        self.pages.move_to_end(index.row() // self.page_size)  # shown: dropped last
        return self.cell(row, index.column())

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
        return local_date(user.setup_deadline) if user.setup_deadline else "—"

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
            self.tr("Set up by"),
        ]
        return headers[section] if 0 <= section < len(headers) else None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMNS - 1)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, COLUMNS - 1))

    def role_name(self, role: str) -> str:
        names: dict[str, str] = {
            Role.ADMIN: self.tr("administrator"),
            Role.EMPLOYEE: self.tr("employee"),
        }
        return names.get(role, role)

    def status_name(self, status: UserStatus) -> str:
        names = {
            UserStatus.ACTIVE: self.tr("active"),
            UserStatus.DISABLED: self.tr("disabled"),
            UserStatus.LOCKED: self.tr("locked"),
            UserStatus.TEMPORARY_PASSWORD_EXPIRED: self.tr("temporary password expired"),
        }
        return names[status]
