"""What a successful sign-in yields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class AssuranceLevel(StrEnum):
    """NIST SP 800-63B authenticator assurance levels."""

    AAL1 = "AAL1"  # password only (only where policy does not require a second factor)
    AAL2 = "AAL2"  # password + TOTP / recovery code / security key
    AAL3 = "AAL3"  # hardware-bound, phishing-resistant, user-verifying authenticator


@dataclass(frozen=True, kw_only=True)
class Session:
    """A signed-in user.  A plain value: the GUI, the gate and embedders all get this."""

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
