"""WebAuthn ceremony state, kept server-side in the store (SECURITY.md W4).

A ceremony's state (its challenge and the user-verification requirement) is
python-fido2's ``state`` value; the caller receives only the options to hand to
an authenticator.  Each state is found again by its challenge, which the client
signs into ``clientDataJSON``, is used at most once and expires.  It lives in the
store, in the caller's transaction, so that a ceremony begun on one sign-in server
can be finished on another; a refused answer spends it too (``spend``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session as DbSession

from desktop_auth.errors import SecondFactorError, SecurityKeyChallengeError
from desktop_auth.store.models import PendingCeremonyRow
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
    """Open ceremonies, keyed by their challenge (base64url)."""

    def open(self, db: DbSession, ceremony: PendingCeremony, now: datetime) -> str:
        challenge = str(ceremony.state["challenge"])
        db.execute(delete(PendingCeremonyRow).where(PendingCeremonyRow.expires_at <= now))
        db.add(
            PendingCeremonyRow(
                challenge=challenge,
                purpose=ceremony.purpose.value,
                user_id=ceremony.user_id,
                state=json.dumps(ceremony.state),
                nickname=ceremony.nickname,
                expires_at=ceremony.expires_at,
            )
        )
        return challenge

    def take(
        self,
        db: DbSession,
        challenge: str,
        purpose: CeremonyPurpose,
        user_id: int | None,
        now: datetime,
    ) -> PendingCeremony:
        """The ceremony for ``challenge``, once; unknown, used, expired or not this
        user's ceremony all fail alike.  One DELETE … RETURNING: of two servers racing
        on one answer, only one gets the state."""
        query = delete(PendingCeremonyRow).where(
            PendingCeremonyRow.challenge == challenge, PendingCeremonyRow.purpose == purpose.value
        )
        if user_id is not None:
            # Not this sign-in's ceremony: it stays its owner's, who can still answer.
            query = query.where(PendingCeremonyRow.user_id == user_id)
        row = db.execute(
            query.returning(
                PendingCeremonyRow.user_id,
                PendingCeremonyRow.state,
                PendingCeremonyRow.nickname,
                PendingCeremonyRow.expires_at,
            )
        ).one_or_none()
        if row is None or row.expires_at <= now:
            raise SecurityKeyChallengeError()
        return PendingCeremony(
            purpose=purpose,
            user_id=row.user_id,
            state=json.loads(row.state),
            expires_at=row.expires_at,
            nickname=row.nickname,
        )

    @staticmethod
    def mark_spent(error: SecondFactorError, challenge: str) -> None:
        """Remember on a refusal which ceremony it answered: its transaction is rolled
        back, so ``spend`` removes the ceremony again in the one that records it."""
        error.spent_ceremony = challenge

    @staticmethod
    def spend(db: DbSession, error: SecondFactorError) -> None:
        if error.spent_ceremony is not None:
            db.execute(
                delete(PendingCeremonyRow).where(
                    PendingCeremonyRow.challenge == error.spent_ceremony
                )
            )
