"""What a successful sign-in yields."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class AssuranceLevel(StrEnum):
    """NIST SP 800-63B authenticator assurance levels."""

    AAL1 = "AAL1"  # password only (only where policy does not require a second factor)
    AAL2 = "AAL2"  # password + TOTP / recovery code / security key
    AAL3 = "AAL3"  # hardware-bound, phishing-resistant, user-verifying authenticator


@dataclass(frozen=True, kw_only=True)
class Session:
    """A signed-in user, as a handle: the GUI, the gate and embedders all get this.

    ``token`` is what the store knows the session by (``core/sessions.py``); the other
    fields say who and how, for the screens.  Nothing here is trusted by itself: every
    guarded call finds the session again by its token and compares the rest.
    """

    #: A bearer value (256 random bits): kept out of ``repr`` and so out of logs.
    token: str = field(repr=False)
    user_id: int
    email: str
    display_name: str
    role: str
    #: How the user proved it, in order ("password", later "totp", "webauthn", …).
    methods: tuple[str, ...]
    assurance: AssuranceLevel
    authenticated_at: datetime
    expires_at: datetime
    #: Signed in with a recovery or backup code: next stop is setting up 2FA again.
    recovered: bool = False

    def is_active(self, now: datetime) -> bool:
        return now < self.expires_at

    def authenticated_within(self, now: datetime, window: timedelta) -> bool:
        """Recent enough to allow a sensitive action without asking again (SECURITY.md S1)."""
        return self.is_active(now) and now - self.authenticated_at <= window
