"""The helpdesk's list of users: search, sort, pages and the total, for the console and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, case, false, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.policy import Policy
from desktop_auth.core.users import UserSummary, summarize
from desktop_auth.errors import InvalidSortError
from desktop_auth.store.models import User
from desktop_auth.store.user_search import user_matches
from desktop_auth.vocabulary import Role, UserSort

Row = TypeVar("Row")


def parse_sort(value: str) -> UserSort:
    try:
        return UserSort(value.strip().lower())
    except ValueError as exc:
        raise InvalidSortError(sort=value, sorts=", ".join(s.value for s in UserSort)) from exc


@dataclass(frozen=True, kw_only=True)
class UserQuery:
    """Which users, in which order: ``search`` is a piece of an e-mail address or name."""

    search: str = ""
    role: Role | None = None
    sort: UserSort = UserSort.EMAIL
    descending: bool = False


def _status_rank(now: datetime, lock_after: int) -> ColumnElement[int]:
    """Active, then locked, then disabled: the order ``UserSummary.status`` tells them apart."""
    locked = or_(
        User.locked_until > now,
        User.locked_for_helpdesk.is_(True),
        User.second_factor_failures >= lock_after,
    )
    return case((User.disabled, 2), (locked, 1), else_=0)


def _sort_key(
    sort: UserSort, now: datetime, lock_after: int
) -> ColumnElement[Any] | InstrumentedAttribute[Any]:
    keys: dict[UserSort, ColumnElement[Any] | InstrumentedAttribute[Any]] = {
        UserSort.EMAIL: User.email_key,
        UserSort.NAME: User.name_key,
        UserSort.ROLE: User.role,
        UserSort.STATUS: _status_rank(now, lock_after),
        UserSort.LAST_SIGN_IN: User.last_sign_in_at,
        UserSort.DEADLINE: User.setup_deadline,
    }
    return keys[sort]


def _filtered(db: DbSession, statement: Select[Row], query: UserQuery) -> Select[Row]:
    if query.search.strip():
        matches = user_matches(db, query.search.strip())
        statement = statement.where(false() if matches is None else matches)
    if query.role is not None:
        statement = statement.where(User.role == query.role.value)
    return statement


def search_users(
    db: DbSession,
    query: UserQuery,
    *,
    now: datetime,
    policy: Policy,
    limit: int,
    offset: int,
) -> list[UserSummary]:
    """One page of users; "never signed in" and "no deadline" come last either way."""
    key = _sort_key(query.sort, now, policy.second_factor_lock_after)
    ordered = key.desc() if query.descending else key.asc()
    if query.sort in (UserSort.LAST_SIGN_IN, UserSort.DEADLINE):
        ordered = ordered.nulls_last()
    statement = _filtered(db, select(User), query)
    statement = statement.order_by(ordered, User.email_key).limit(limit).offset(offset)
    return [summarize(user, policy) for user in db.execute(statement).scalars()]


def count_users(db: DbSession, query: UserQuery) -> int:
    statement = _filtered(db, select(func.count()).select_from(User), query)
    return db.execute(statement).scalar_one()
