"""What the helpdesk's dashboard shows: enrollment toward the enforcement date, and trouble.

Counted with a few aggregate queries, so it stays quick with 100,000 users.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.policy import Policy
from desktop_auth.store.models import AuditEvent, TotpCredential, User, WebAuthnCredential
from desktop_auth.vocabulary import AuditEventType, FactorKind

#: The days the dashboard's progress picture covers, and the pace is measured over.
HISTORY_DAYS = 30
PACE_DAYS = 14


@dataclass(frozen=True, kw_only=True)
class EnrolledOn:
    """How many active users had set up a second factor by the end of ``day``."""

    day: date
    enrolled: int


@dataclass(frozen=True, kw_only=True)
class FlaggedKey:
    email: str
    nickname: str


@dataclass(frozen=True, kw_only=True)
class EnrollmentReport:
    active_users: int
    #: Active users with at least one second factor.
    enrolled: int
    #: Active users with at least one method of each enrollable kind.
    by_kind: dict[FactorKind, int]
    exempt: int
    enforcement_date: date | None
    #: Who has not set up 2FA yet (active, not exempt), first ``limit`` by address.
    not_enrolled: tuple[str, ...]
    possibly_cloned: tuple[FlaggedKey, ...]
    locked: tuple[str, ...]
    #: Failed sign-ins and second steps in the last 24 hours.
    recent_failures: int
    #: Active, not exempt, without a second factor: who is still to come.
    remaining: int = 0
    #: Day by day, the last ``HISTORY_DAYS`` up to today (UTC days).
    history: tuple[EnrolledOn, ...] = ()
    #: First set-ups a day over the last ``PACE_DAYS``.
    pace_per_day: float = 0.0
    #: When everyone is set up at that pace (today when nobody is left); None when
    #: nobody set up in those days and some are still to come.
    projected_complete: date | None = None

    @property
    def share_enrolled(self) -> float:
        return self.enrolled / self.active_users if self.active_users else 0.0


def _users_with(db: DbSession, user_ids: object) -> int:
    return int(
        db.execute(
            select(func.count(distinct(User.id))).where(
                User.disabled.is_(False),
                User.id.in_(user_ids),  # type: ignore[arg-type]
            )
        ).scalar_one()
    )


def enrollment_report(db: DbSession, policy: Policy, now: datetime, limit: int) -> EnrollmentReport:
    keys = select(WebAuthnCredential.user_id)
    apps = select(TotpCredential.user_id).where(TotpCredential.confirmed_at.isnot(None))
    active = int(
        db.execute(
            select(func.count()).select_from(User).where(User.disabled.is_(False))
        ).scalar_one()
    )
    enrolled = _users_with(db, keys.union(apps).subquery().select())
    missing = db.execute(
        select(User.email)
        .where(
            User.disabled.is_(False),
            User.second_factor_exempt.is_(False),
            User.id.not_in(keys),
            User.id.not_in(apps),
        )
        .order_by(User.email_key)
        .limit(limit)
    ).scalars()
    cloned = db.execute(
        select(User.email, WebAuthnCredential.nickname)
        .join(WebAuthnCredential, WebAuthnCredential.user_id == User.id)
        .where(WebAuthnCredential.possibly_cloned.is_(True))
        .order_by(User.email_key)
    ).all()
    locked = db.execute(
        select(User.email)
        .where(
            or_(
                User.locked_until > now,
                User.second_factor_failures >= policy.second_factor_lock_after,
            )
        )
        .order_by(User.email_key)
        .limit(limit)
    ).scalars()
    failures = db.execute(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.occurred_at >= now - timedelta(hours=24),
            AuditEvent.event_type.in_(
                [AuditEventType.SIGN_IN_FAILED.value, AuditEventType.SECOND_FACTOR_FAILED.value]
            ),
        )
    ).scalar_one()
    exempt = db.execute(
        select(func.count())
        .select_from(User)
        .where(User.disabled.is_(False), User.second_factor_exempt.is_(True))
    ).scalar_one()
    remaining = int(
        db.execute(
            select(func.count())
            .select_from(User)
            .where(
                User.disabled.is_(False),
                User.second_factor_exempt.is_(False),
                User.id.not_in(keys),
                User.id.not_in(apps),
            )
        ).scalar_one()
    )
    history, pace = _history(db, now)
    today = now.date()
    if remaining == 0:
        projected: date | None = today
    elif pace > 0:
        projected = today + timedelta(days=math.ceil(remaining / pace))
    else:
        projected = None
    return EnrollmentReport(
        active_users=active,
        enrolled=enrolled,
        by_kind={
            FactorKind.WEBAUTHN: _users_with(db, keys),
            FactorKind.TOTP: _users_with(db, apps),
        },
        exempt=int(exempt),
        enforcement_date=policy.enforcement_day,
        not_enrolled=tuple(missing),
        possibly_cloned=tuple(FlaggedKey(email=e, nickname=n) for e, n in cloned),
        locked=tuple(locked),
        recent_failures=int(failures),
        remaining=remaining,
        history=history,
        pace_per_day=pace,
        projected_complete=projected,
    )


def _history(db: DbSession, now: datetime) -> tuple[tuple[EnrolledOn, ...], float]:
    """Each active user's first set-up (a key, or a confirmed app), counted by day: one
    count before the window and the window's own rows, so it stays quick at any size."""
    setups = (
        select(
            WebAuthnCredential.user_id.label("user_id"), WebAuthnCredential.created_at.label("at")
        )
        .union_all(
            select(TotpCredential.user_id, TotpCredential.confirmed_at).where(
                TotpCredential.confirmed_at.isnot(None)
            )
        )
        .subquery()
    )
    firsts = (
        select(setups.c.user_id, func.min(setups.c.at).label("first"))
        .join(User, User.id == setups.c.user_id)
        .where(User.disabled.is_(False))
        .group_by(setups.c.user_id)
        .subquery()
    )
    today = now.date()
    start = today - timedelta(days=HISTORY_DAYS - 1)
    start_moment = datetime.combine(start, datetime.min.time(), tzinfo=now.tzinfo)
    before = int(
        db.execute(
            select(func.count()).select_from(firsts).where(firsts.c.first < start_moment)
        ).scalar_one()
    )
    per_day: dict[date, int] = {}
    for first in db.execute(select(firsts.c.first).where(firsts.c.first >= start_moment)).scalars():
        day = first.astimezone(now.tzinfo).date()
        per_day[day] = per_day.get(day, 0) + 1
    history = []
    running = before
    for offset in range(HISTORY_DAYS):
        day = start + timedelta(days=offset)
        running += per_day.get(day, 0)
        history.append(EnrolledOn(day=day, enrolled=running))
    pace_start = today - timedelta(days=PACE_DAYS - 1)
    recent = sum(count for day, count in per_day.items() if day >= pace_start)
    return tuple(history), recent / PACE_DAYS
