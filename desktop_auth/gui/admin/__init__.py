"""The administrator console: users, audit log, policy and the enrollment dashboard."""

from desktop_auth.gui.admin.console import AdminConsole

__all__ = ["AdminConsole"]
