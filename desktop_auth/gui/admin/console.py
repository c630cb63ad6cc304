"""The administrator console: one window, a tab per view, each loading in its own worker."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from desktop_auth.core.service import AuthService, Session
from desktop_auth.gui.admin.audit_view import AuditView
from desktop_auth.gui.admin.context import AdminContext
from desktop_auth.gui.admin.dashboard import DashboardView
from desktop_auth.gui.admin.policy_view import PolicyView
from desktop_auth.gui.admin.users_view import UsersView


class AdminConsole(QDialog):
    """``session_changed(session)`` after the admin signed in again for a destructive action."""

    session_changed = Signal(object)

    def __init__(self, service: AuthService, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = AdminContext(service, session, self)
        self.context.session_changed.connect(self.session_changed)
        self.dashboard = DashboardView(self.context)
        self.users = UsersView(self.context)
        self.audit = AuditView(self.context)
        self.policy = PolicyView(self.context)
        self.tabs = QTabWidget()
        for view in (self.dashboard, self.users, self.audit, self.policy):
            self.tabs.addTab(view, "")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)
        self.resize(980, 640)
        self.retranslate()
        for view in (self.dashboard, self.users, self.audit, self.policy):
            view.load()
        self.tabs.currentChanged.connect(self._tab_opened)
        self.dashboard.user_chosen.connect(self.show_user)

    def show_user(self, email: str) -> None:
        """One user in the users tab, where the helpdesk's actions are."""
        self.tabs.setCurrentWidget(self.users)
        self.users.search.setText(email)
        self.users.load()

    def _tab_opened(self, index: int) -> None:
        """The read-only views show what is true now each time they are opened; the
        policy form keeps what the administrator typed, the users list its own paging."""
        view = self.tabs.widget(index)
        if view is self.dashboard or view is self.audit:
            view.load()

    def done(self, result: int) -> None:
        self.users.model.stop()  # no page fetched for a closed console
        super().done(result)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Administration — desktop-auth"))
        self.tabs.setTabText(0, self.tr("&Dashboard"))
        self.tabs.setTabText(1, self.tr("&Users"))
        self.tabs.setTabText(2, self.tr("&Audit log"))
        self.tabs.setTabText(3, self.tr("&Policy"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
