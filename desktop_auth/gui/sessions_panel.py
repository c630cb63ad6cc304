"""My security settings' "Where you are signed in": every session of this account, and
signing one out (a workstation left signed in, a colleague's screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, Session, SessionInfo
from desktop_auth.gui.i18n import local_time, message
from desktop_auth.gui.widgets import BusyBar, ErrorLabel, confirm, paragraph, read_only_table
from desktop_auth.gui.workers import TaskRunner


class SessionsPanel(QWidget):
    """The sessions list, loaded in a worker whenever it is shown."""

    def __init__(self, service: AuthService, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.session = session
        self.sessions: list[SessionInfo] = []
        self.runner = TaskRunner(self)
        self.intro = paragraph()
        self.table = read_only_table(4)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.end_button = QPushButton()
        self.end_button.setEnabled(False)
        self.end_button.clicked.connect(self.end_selected)
        self.error = ErrorLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.end_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(BusyBar(self.runner))
        self.retranslate()

    def set_session(self, session: Session) -> None:
        self.session = session

    def load(self) -> None:
        service, session = self.service, self.session
        self.error.clear_error()
        self.runner.start(
            lambda: service.my_account.sessions(session), self._loaded, self.error.show_error
        )

    def _loaded(self, sessions: list[SessionInfo]) -> None:
        self.sessions = sessions
        self.table.setRowCount(len(sessions))
        for row, info in enumerate(sessions):
            place = info.workstation
            if info.current:
                place = self.tr("%1 (this one)").replace("%1", place)
            cells = [
                place,
                local_time(info.authenticated_at),
                local_time(info.last_used_at),
                ", ".join(
                    message(f"kind.{m}") if m != "password" else self.tr("password")
                    for m in info.methods
                ),
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self._selection_changed()

    def selected(self) -> SessionInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.sessions[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        chosen = self.selected()
        # This one is ended with "Sign out" on the home page, where it belongs.
        self.end_button.setEnabled(chosen is not None and not chosen.current)

    def end_selected(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen.current or self.runner.busy:
            return
        service, session, number = self.service, self.session, chosen.session_id

        def end() -> None:
            self.runner.start(
                lambda: service.my_account.end_session(session, number),
                lambda _done: self.load(),
                self.error.show_error,
            )

        self.question = confirm(
            self,
            self.tr("Sign out there"),
            self.tr("Sign out on %1? Whoever is there must sign in again.").replace(
                "%1", chosen.workstation
            ),
            end,
        )

    def retranslate(self) -> None:
        self.intro.setText(
            self.tr(
                "Where your account is signed in now. Do you not recognise one, or did you "
                "leave a workstation signed in? Sign out there, and change your password if "
                "it was not you."
            )
        )
        self.table.setHorizontalHeaderLabels(
            [self.tr("Workstation"), self.tr("Signed in"), self.tr("Last used"), self.tr("With")]
        )
        self.table.setAccessibleName(self.tr("Where you are signed in"))
        self.end_button.setText(self.tr("&Sign out there…"))
        if self.sessions:
            self._loaded(self.sessions)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
