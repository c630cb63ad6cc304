"""WebAuthn ceremony state, kept server-side (SECURITY.md W4).

A ceremony's state (its challenge and the user-verification requirement) is
python-fido2's ``state`` value; the caller receives only the options to hand to
an authenticator.  Each state is found again by its challenge, which the client
signs into ``clientDataJSON``, is used at most once and expires.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from desktop_auth.errors import SecurityKeyChallengeError
from desktop_auth.vocabulary import CeremonyPurpose

LIFETIME = timedelta(minutes=2)


@dataclass(frozen=True, kw_only=True)
class PendingCeremony:
    purpose: CeremonyPurpose
    user_id: int | None  # None: passwordless, the key says who it is
    state: Any
    expires_at: datetime
    nickname: str = ""


class Ceremonies:
    """Open ceremonies of this process, keyed by their challenge (base64url)."""

    def __init__(self) -> None:
        self._open: dict[str, PendingCeremony] = {}
        self._lock = threading.Lock()

    def open(self, ceremony: PendingCeremony, now: datetime) -> str:
        challenge = str(ceremony.state["challenge"])
        with self._lock:
            for key in [k for k, c in self._open.items() if c.expires_at <= now]:
                del self._open[key]
            self._open[challenge] = ceremony
        return challenge

    def take(
        self, challenge: str, purpose: CeremonyPurpose, user_id: int | None, now: datetime
    ) -> PendingCeremony:
        """The ceremony for ``challenge``, once; unknown, used, expired or not this
        user's ceremony all fail alike."""
        with self._lock:
            ceremony = self._open.get(challenge)
            if (
                ceremony is None
                or ceremony.purpose != purpose
                or (user_id is not None and ceremony.user_id != user_id)
            ):
                # Not this sign-in's ceremony: it stays its owner's, who can still answer.
                raise SecurityKeyChallengeError()
            del self._open[challenge]
        if ceremony.expires_at <= now:
            raise SecurityKeyChallengeError()
        return ceremony
