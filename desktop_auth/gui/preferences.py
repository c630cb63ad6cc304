"""What the window remembers between starts, per operating-system user: the language
chosen in its menu (issue 19: the choice was gone at the next start).

Kept with Qt's own settings (on Linux ``~/.config/desktop-auth/window.ini``), never in the
sign-in store: it is this person's taste on this workstation, not the organisation's.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from desktop_auth.messages import SUPPORTED_LANGUAGES

_LANGUAGE = "language"


def _settings() -> QSettings:
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "desktop-auth", "window"
    )


def remembered_language() -> str | None:
    """The language last chosen in the menu, if it is one we still ship."""
    value = _settings().value(_LANGUAGE)
    return value if isinstance(value, str) and value in SUPPORTED_LANGUAGES else None


def remember_language(language: str) -> None:
    settings = _settings()
    settings.setValue(_LANGUAGE, language)
    settings.sync()
