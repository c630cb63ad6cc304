"""Server-side sessions: the holder keeps a random token, the store keeps its hash.

A ``Session`` value is only a handle.  Every guarded call finds its row again by the
token and re-reads the account (SECURITY.md B2): a session made by hand, or a real
one with a field changed, finds no row that matches and is refused; so is one that is
past its absolute end, unused for longer than the policy's idle minutes, or whose
account was disabled since.  A password change or reset, a role
change and disabling end the account's sessions (``end_all``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.policy import Policy
from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.errors import SessionEndedError, SessionExpiredError
from desktop_auth.store.models import (
    PendingCeremonyRow,
    PendingSignInRow,
    SignInSession,
    User,
)

#: How long an expired session's row is kept (see ``open_session``).
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True, kw_only=True)
class SessionInfo:
    """One of a user's sessions, as "Where you are signed in" lists them."""

    session_id: int
    workstation: str
    methods: tuple[str, ...]
    authenticated_at: datetime
    last_used_at: datetime
    expires_at: datetime
    #: The session that asked.
    current: bool


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def open_session(
    db: DbSession,
    user: User,
    policy: Policy,
    methods: Sequence[str],
    assurance: AssuranceLevel,
    *,
    workstation: str,
    now: datetime,
    recovered: bool = False,
) -> Session:
    token = secrets.token_urlsafe(32)  # 256 bits
    # Expired rows go a day late, so that their holders still hear "expired", not "ended".
    db.execute(delete(SignInSession).where(SignInSession.expires_at <= now - FORGET_AFTER))
    db.add(
        SignInSession(
            token_hash=token_hash(token),
            user_id=user.id,
            methods=",".join(methods),
            assurance=assurance.value,
            recovered=recovered,
            workstation=workstation,
            authenticated_at=now,
            last_used_at=now,
            expires_at=now + policy.session_lifetime,
        )
    )
    return Session(
        token=token,
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        methods=tuple(methods),
        assurance=assurance,
        authenticated_at=now,
        expires_at=now + policy.session_lifetime,
        recovered=recovered,
    )


def live_session(db: DbSession, session: Session, policy: Policy, now: datetime) -> Session:
    """The session as the store knows it now (the account's live role and name), its use
    recorded; refused unless every claim of ``session`` matches the stored one."""
    row = db.execute(
        select(SignInSession).where(SignInSession.token_hash == token_hash(session.token))
    ).scalar_one_or_none()
    if row is None or not _matches(row, session):
        raise SessionEndedError()
    if now >= row.expires_at or now - row.last_used_at > policy.session_idle_window:
        raise SessionExpiredError()
    user = db.get(User, row.user_id)
    if user is None or user.disabled:
        raise SessionEndedError()
    row.last_used_at = now
    return Session(
        token=session.token,
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        methods=session.methods,
        assurance=session.assurance,
        authenticated_at=row.authenticated_at,
        expires_at=row.expires_at,
        recovered=row.recovered,
    )


def by_token(db: DbSession, token: str, policy: Policy, now: datetime) -> Session:
    """The session ``token`` stands for, as the store has it (for a server, which receives
    only the token); refused as ``live_session`` refuses."""
    row = db.execute(
        select(SignInSession).where(SignInSession.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if row is None:
        raise SessionEndedError()
    claimed = Session(
        token=token,
        user_id=row.user_id,
        email="",
        display_name="",
        role="",
        methods=tuple(m for m in row.methods.split(",") if m),
        assurance=AssuranceLevel(row.assurance),
        authenticated_at=row.authenticated_at,
        expires_at=row.expires_at,
        recovered=row.recovered,
    )
    return live_session(db, claimed, policy, now)


def _matches(row: SignInSession, session: Session) -> bool:
    return (
        hmac.compare_digest(row.token_hash, token_hash(session.token))
        and row.user_id == session.user_id
        and row.assurance == session.assurance.value
        and row.methods == ",".join(session.methods)
        and row.authenticated_at == session.authenticated_at
        and row.expires_at == session.expires_at
        and row.recovered == session.recovered
    )


def end(db: DbSession, session: Session) -> bool:
    """Sign out: the token works no more.  False when it was not (any more) a session."""
    result = db.execute(
        delete(SignInSession).where(
            SignInSession.token_hash == token_hash(session.token),
            SignInSession.user_id == session.user_id,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def end_all(db: DbSession, user_id: int, *, keep: Session | None = None) -> int:
    """End every session of the account (but ``keep``, the one that made the change), and
    every sign-in of it under way: a ticket from before a reset or disabling must not
    finish into a session after it."""
    db.execute(delete(PendingSignInRow).where(PendingSignInRow.user_id == user_id))
    db.execute(delete(PendingCeremonyRow).where(PendingCeremonyRow.user_id == user_id))
    query = delete(SignInSession).where(SignInSession.user_id == user_id)
    if keep is not None:
        query = query.where(SignInSession.token_hash != token_hash(keep.token))
    return int(db.execute(query).rowcount)  # type: ignore[attr-defined]


def sessions_of(db: DbSession, session: Session, now: datetime) -> list[SessionInfo]:
    rows = db.execute(
        select(SignInSession)
        .where(SignInSession.user_id == session.user_id, SignInSession.expires_at > now)
        .order_by(SignInSession.last_used_at.desc())
    ).scalars()
    own = token_hash(session.token)
    return [
        SessionInfo(
            session_id=row.id,
            workstation=row.workstation,
            methods=tuple(m for m in row.methods.split(",") if m),
            authenticated_at=row.authenticated_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            current=hmac.compare_digest(row.token_hash, own),
        )
        for row in rows
    ]


def end_one(db: DbSession, session: Session, session_id: int) -> bool:
    """End one of the user's own sessions; False when it is not theirs or already gone."""
    result = db.execute(
        delete(SignInSession).where(
            SignInSession.id == session_id, SignInSession.user_id == session.user_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
