"""Accounts: reading and changing user rows, and who is acting."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.identity import normalize_email
from desktop_auth.core.policy import Policy
from desktop_auth.core.session import Session
from desktop_auth.errors import InvalidDisplayNameError, InvalidRoleError, UserNotFoundError
from desktop_auth.messages import SUPPORTED_LANGUAGES, translate
from desktop_auth.store.models import TotpCredential, User, WebAuthnCredential
from desktop_auth.vocabulary import FactorKind, Role

MAX_DISPLAY_NAME = 200


class UserStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
    LOCKED = "locked"
    #: A temporary password that was not replaced in time: the helpdesk resets it.
    TEMPORARY_PASSWORD_EXPIRED = "temporary_password_expired"  # noqa: S105 - a status name


@dataclass(frozen=True, kw_only=True)
class UserSummary:
    """A user as admins see them; no hash, nothing secret."""

    id: int
    email: str
    display_name: str
    role: str
    disabled: bool
    locked_until: datetime | None
    failed_attempts: int
    second_factor_failures: int
    must_change_password: bool
    created_at: datetime
    password_changed_at: datetime
    last_sign_in_at: datetime | None
    language: str = "en"
    second_factor_exempt: bool = False
    setup_deadline: date | None = None
    # Too many wrong second-step answers: locked until the helpdesk unlocks (policy limit).
    second_factor_locked: bool = False
    #: Too many temporary password locks in a row: locked until the helpdesk unlocks.
    locked_for_helpdesk: bool = False
    #: Until when the temporary password works; None when the user chose their own.
    temporary_password_expires_at: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        """Locked, whether or not also disabled: what Unlock undoes."""
        if self.second_factor_locked or self.locked_for_helpdesk:
            return True
        return self.locked_until is not None and self.locked_until > now

    def status(self, now: datetime) -> UserStatus:
        if self.disabled:
            return UserStatus.DISABLED
        if self.is_locked(now):
            return UserStatus.LOCKED
        expires = self.temporary_password_expires_at
        if expires is not None and now >= expires:
            return UserStatus.TEMPORARY_PASSWORD_EXPIRED
        return UserStatus.ACTIVE


def summarize(user: User, policy: Policy | None = None) -> UserSummary:
    """The admin view of ``user``; with the policy it tells a locked second step and when a
    temporary password stops working."""
    return UserSummary(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        disabled=user.disabled,
        locked_until=user.locked_until,
        locked_for_helpdesk=user.locked_for_helpdesk,
        failed_attempts=user.failed_attempts,
        second_factor_failures=user.second_factor_failures,
        must_change_password=user.must_change_password,
        created_at=user.created_at,
        password_changed_at=user.password_changed_at,
        last_sign_in_at=user.last_sign_in_at,
        language=user.language,
        second_factor_exempt=user.second_factor_exempt,
        setup_deadline=user.setup_deadline,
        second_factor_locked=(
            policy is not None and user.second_factor_failures >= policy.second_factor_lock_after
        ),
        temporary_password_expires_at=(
            user.password_changed_at + policy.temporary_password_lifetime
            if policy is not None and user.must_change_password
            else None
        ),
    )


def operating_system_account() -> str:
    """The name of the operating-system account this process runs as, as the system
    knows it. Not ``getpass.getuser()``: that believes $USER and $LOGNAME, so one
    administrator could sign audit events, and the escrow's second approval, as
    another (issue 17)."""
    if sys.platform == "win32":
        return os.getlogin()  # GetUserNameW: the process's token, not the environment
    import pwd  # POSIX only

    uid = os.geteuid()  # whose rights the process uses on the store's files
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # an account with no entry (a container's bare uid): its number
        return f"uid {uid}"


@dataclass(frozen=True, kw_only=True)
class Actor:
    """Who performs an action, as the audit log names them.

    A local administrator is someone running ``desktop-auth admin`` with direct
    access to the store (trusted as the operating system trusts them); a user
    actor is a signed-in session, which must hold the admin role for admin work.
    """

    label: str
    session: Session | None = None

    @classmethod
    def local_administrator(cls, workstation: str) -> Actor:
        return cls(label=f"cli:{operating_system_account()}@{workstation}")

    @classmethod
    def for_session(cls, session: Session) -> Actor:
        return cls(label=f"user:{session.email}", session=session)


def parse_role(value: str) -> Role:
    """A role by its value ("admin") or by the name any of our languages shows for it
    ("administrator", "beheerder"): a CSV written from what the users table shows works."""
    wanted = value.strip().casefold()
    for role in Role:
        names = {role.value} | {
            translate(f"role.{role.value}", language).casefold() for language in SUPPORTED_LANGUAGES
        }
        if wanted in names:
            return role
    raise InvalidRoleError(role=value, roles=", ".join(r.value for r in Role))


def clean_display_name(value: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > MAX_DISPLAY_NAME or not name.isprintable():
        raise InvalidDisplayNameError(maximum=MAX_DISPLAY_NAME)
    return name


def find_user(db: DbSession, email: str) -> User | None:
    _, email_key = normalize_email(email)
    return db.execute(select(User).where(User.email_key == email_key)).scalar_one_or_none()


def get_user(db: DbSession, email: str) -> User:
    user = find_user(db, email)
    if user is None:
        raise UserNotFoundError()
    return user


def lock_user(db: DbSession, user_id: int) -> User:
    """The user's row, locked until the transaction ends (the lock of
    ``store.locks.lock_user``), and read fresh in the same statement.
    Every change to a user's factors and codes takes it first."""
    return db.execute(
        select(User)
        .where(User.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def method_kinds(db: DbSession, user_ids: Sequence[int]) -> dict[int, tuple[FactorKind, ...]]:
    """Which kinds of second factor each of these users has, in two queries.

    For a page of the admin console's user table, so it stays one query per kind per page.
    """
    found: dict[int, list[FactorKind]] = {user_id: [] for user_id in user_ids}
    if not found:
        return {}
    keys = select(WebAuthnCredential.user_id).where(WebAuthnCredential.user_id.in_(found))
    apps = select(TotpCredential.user_id).where(
        TotpCredential.user_id.in_(found), TotpCredential.confirmed_at.isnot(None)
    )
    for kind, query in ((FactorKind.WEBAUTHN, keys), (FactorKind.TOTP, apps)):
        for user_id in sorted(set(db.execute(query).scalars())):
            found[user_id].append(kind)
    return {user_id: tuple(kinds) for user_id, kinds in found.items()}
