"""The desktop app (PySide6).  Everything here reaches the rules through AuthService.

For other PySide6 programs: ``sign_in(parent) -> Session | None`` (see ``embed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_auth.gui.embed import sign_in as sign_in


def __getattr__(name: str) -> Any:
    # Loaded on first use, so importing a GUI module does not pull in every screen.
    if name == "sign_in":
        from desktop_auth.gui.embed import sign_in

        return sign_in
    raise AttributeError(name)
