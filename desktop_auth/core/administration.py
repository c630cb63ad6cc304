"""Helpdesk work on accounts: create, list, disable, unlock, roles, password resets, methods.

Admins never choose or see a user's password (ASVS 6.4.1, 6.4.6): a reset
makes a one-time temporary passphrase, shown once, that must be changed at
the next sign-in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.context import ServiceContext
from desktop_auth.core.guards import Action, Guard
from desktop_auth.core.identity import normalize_email
from desktop_auth.core.passphrase import suggest_passphrase
from desktop_auth.core.second_factor import SecondFactorFlow
from desktop_auth.core.sessions import end_all
from desktop_auth.core.throttle import clear_second_factor_failures, clear_user_failures
from desktop_auth.core.user_list import UserQuery, count_users, parse_sort, search_users
from desktop_auth.core.users import (
    Actor,
    UserSummary,
    clean_display_name,
    get_user,
    method_kinds,
    parse_role,
    summarize,
)
from desktop_auth.errors import (
    LastAdministratorError,
    UserExistsError,
    UserNotLockedError,
)
from desktop_auth.factors.base import EnrolledMethod
from desktop_auth.messages import SUPPORTED_LANGUAGES, translate
from desktop_auth.store.locks import lock_enabled_admins
from desktop_auth.store.models import User
from desktop_auth.store.settings import ORGANISATION_NAME, get_setting
from desktop_auth.vocabulary import AuditEventType, FactorKind, Role, SecurityNotice, UserSort


@dataclass(frozen=True, kw_only=True)
class TemporaryPassword:
    """A one-time password for an admin to hand over; shown once, then forgotten.

    Also the slip the helpdesk prints for the user (the recovery sheet's painter): a
    passphrase read over the phone comes out incomplete more often than one on paper."""

    user: UserSummary
    temporary_password: str = field(repr=False)
    #: Whose sign-in it is, on the slip.
    organisation: str = ""

    def title(self, language: str) -> str:
        return translate("temporary_slip.title", language)

    def header_lines(self, language: str) -> list[str]:
        lines = [
            translate("sheet.organisation", language, organisation=self.organisation),
            translate("sheet.account", language, email=self.user.email),
        ]
        expires = self.user.temporary_password_expires_at
        if expires is not None:
            lines.append(translate("temporary_slip.valid_until", language, until=expires))
        return lines

    def intro(self, language: str) -> str:
        return translate("temporary_slip.intro", language)

    def numbered_codes(self) -> list[str]:
        return [self.temporary_password]

    def rules(self, language: str) -> list[str]:
        keys = ("temporary_slip.rule_once", "slip.rule_destroy")
        return [translate(key, language) for key in keys]


def insert_user(
    db: DbSession,
    now: datetime,
    email: str,
    email_key: str,
    display_name: str,
    role: Role,
    password_hash: str,
    *,
    must_change: bool,
    language: str = "en",
) -> User:
    user = User(
        email=email,
        email_key=email_key,
        display_name=display_name,
        role=role.value,
        disabled=False,
        password_hash=password_hash,
        password_changed_at=now,
        must_change_password=must_change,
        failed_attempts=0,
        created_at=now,
        language=language if language in SUPPORTED_LANGUAGES else "en",
    )
    db.add(user)
    try:
        db.flush()
    except IntegrityError as exc:
        raise UserExistsError() from exc
    return user


class Accounts:
    """The helpdesk's and administrators' work on accounts (``AuthService.accounts``).

    Every change is audited with the actor; each call's first line is its guard.
    """

    def __init__(self, context: ServiceContext, guard: Guard, flow: SecondFactorFlow) -> None:
        self._ctx = context
        self._guard = guard
        self._flow = flow

    # --- accounts ----------------------------------------------------------------------

    def local_administrator(self) -> Actor:
        """The actor for someone running admin commands with direct access to the store."""
        return Actor.local_administrator(self._ctx.workstation)

    def now(self) -> datetime:
        """The service's clock, to judge a ``UserSummary.status`` by (pinned in tests)."""
        return self._ctx.now()

    def create(
        self,
        *,
        actor: Actor,
        email: str,
        display_name: str,
        role: str = Role.EMPLOYEE,
        language: str = "en",
    ) -> TemporaryPassword:
        """A new account with a one-time temporary passphrase, shown once (P8)."""
        parsed_role = parse_role(role)  # which guard applies: checks input, reads nothing
        self._guard.require(_creating(parsed_role), actor)
        address, email_key = normalize_email(email)
        name = clean_display_name(display_name)
        temporary = suggest_passphrase(language).text
        password_hash = self._ctx.hasher.hash(temporary)
        with self._ctx.store.transaction() as db:
            user = insert_user(
                db,
                self._ctx.now(),
                address,
                email_key,
                name,
                parsed_role,
                password_hash,
                must_change=True,
                language=language,
            )
            self._ctx.audit(
                db,
                AuditEventType.USER_CREATED,
                actor=actor,
                subject=address,
                details={"role": parsed_role.value},
            )
            return TemporaryPassword(
                user=summarize(user, self._ctx.policy(db)),
                temporary_password=temporary,
                organisation=get_setting(db, ORGANISATION_NAME) or "",
            )

    def create_many(
        self, *, actor: Actor, rows: list[tuple[str, str, str]], language: str
    ) -> list[TemporaryPassword]:
        """Several checked (email, name, role) rows in one transaction: all or none."""
        self._guard.require(Action.IMPORT_USERS, actor)
        for new_role in {parse_role(role) for _email, _name, role in rows}:
            self._guard.require(_creating(new_role), actor)
        prepared = []
        for email, display_name, role in rows:
            address, email_key = normalize_email(email)
            temporary = suggest_passphrase(language).text
            prepared.append(
                (
                    address,
                    email_key,
                    clean_display_name(display_name),
                    parse_role(role),
                    temporary,
                    self._ctx.hasher.hash(temporary),
                )
            )
        issued = []
        with self._ctx.store.transaction() as db:
            policy = self._ctx.policy(db)
            organisation = get_setting(db, ORGANISATION_NAME) or ""
            for address, email_key, name, role, temporary, password_hash in prepared:
                user = insert_user(
                    db,
                    self._ctx.now(),
                    address,
                    email_key,
                    name,
                    role,
                    password_hash,
                    must_change=True,
                    language=language,
                )
                self._ctx.audit(
                    db,
                    AuditEventType.USER_CREATED,
                    actor=actor,
                    subject=address,
                    details={"role": role.value, "imported": True},
                )
                issued.append(
                    TemporaryPassword(
                        user=summarize(user, policy),
                        temporary_password=temporary,
                        organisation=organisation,
                    )
                )
        return issued

    def get(self, email: str, *, actor: Actor | None = None) -> UserSummary:
        """One account as the helpdesk sees it; ``UserNotFoundError`` if there is none."""
        self._reading(actor)
        with self._ctx.store.transaction() as db:
            return summarize(get_user(db, email), self._ctx.policy(db))

    def page(
        self,
        *,
        search: str | None = None,
        role: str | None = None,
        sort: str = UserSort.EMAIL,
        descending: bool = False,
        limit: int = 100,
        offset: int = 0,
        actor: Actor | None = None,
    ) -> list[UserSummary]:
        """A page of users whose e-mail or name contains ``search``, in the order asked.

        ``sort`` is a ``UserSort``; a user's place never depends on the page.
        """
        self._reading(actor)
        query = _user_query(search, role, sort, descending)
        with self._ctx.store.transaction() as db:
            return search_users(
                db,
                query,
                now=self._ctx.now(),
                policy=self._ctx.policy(db),
                limit=limit,
                offset=offset,
            )

    def count(
        self, *, search: str | None = None, role: str | None = None, actor: Actor | None = None
    ) -> int:
        """How many users ``page`` with the same search and role would page through."""
        self._reading(actor)
        with self._ctx.store.transaction() as db:
            return count_users(db, _user_query(search, role, UserSort.EMAIL, False))

    def method_kinds(
        self, user_ids: Sequence[int], *, actor: Actor | None = None
    ) -> dict[int, tuple[FactorKind, ...]]:
        """For a page of ``page``: the kinds of second factor each user has set up."""
        self._reading(actor)
        with self._ctx.store.transaction() as db:
            return method_kinds(db, user_ids)

    def methods(self, email: str, *, actor: Actor | None = None) -> list[EnrolledMethod]:
        """A user's active second factors, for the helpdesk (no secret in them)."""
        self._reading(actor)
        with self._ctx.store.transaction() as db:
            return self._ctx.enrolled_methods(db, get_user(db, email).id)

    def remove_method(
        self, *, actor: Actor, email: str, kind: FactorKind, method_id: int
    ) -> EnrolledMethod:
        """Revoke a lost phone or key (M5); with none left, the user sets up again."""
        self._guard.require(Action.REMOVE_USER_METHOD, actor)
        user = self.get(email)
        return self._flow.remove(
            actor_label=actor.label, user_id=user.id, kind=kind, method_id=method_id, by_owner=False
        )

    def set_disabled(self, *, actor: Actor, email: str, disabled: bool) -> UserSummary:
        """Disable an account (it cannot sign in at all) or enable it again; never the
        last enabled administrator."""
        self._guard.require(Action.SET_DISABLED, actor)
        with self._ctx.store.transaction() as db:
            user = get_user(db, email)
            if disabled and user.role == Role.ADMIN.value and not user.disabled:
                self._keep_an_admin(db)
            user.disabled = disabled
            if disabled:
                end_all(db, user.id)
            event = AuditEventType.USER_DISABLED if disabled else AuditEventType.USER_ENABLED
            self._ctx.audit(db, event, actor=actor, subject=user.email)
            return summarize(user, self._ctx.policy(db))

    def unlock(self, *, actor: Actor, email: str) -> UserSummary:
        """Clear the password and second-step failure counts: the account opens now.
        ``UserNotLockedError`` (nothing changed, nothing audited) when it is not locked."""
        self._guard.require(Action.UNLOCK_USER, actor)
        with self._ctx.store.transaction() as db:
            user = get_user(db, email)
            if not summarize(user, self._ctx.policy(db)).is_locked(self._ctx.now()):
                raise UserNotLockedError(email=user.email)
            clear_user_failures(db, user.id)
            clear_second_factor_failures(db, user.id)
            self._ctx.audit(db, AuditEventType.USER_UNLOCKED, actor=actor, subject=user.email)
            db.refresh(user)
            return summarize(user, self._ctx.policy(db))

    def set_role(self, *, actor: Actor, email: str, role: str) -> UserSummary:
        """Make an employee an administrator or back; never the last administrator."""
        self._guard.require(Action.SET_ROLE, actor)
        new_role = parse_role(role)
        with self._ctx.store.transaction() as db:
            user = get_user(db, email)
            if user.role == Role.ADMIN.value and new_role is not Role.ADMIN and not user.disabled:
                self._keep_an_admin(db)
            old_role, user.role = user.role, new_role.value
            if old_role != new_role.value:
                end_all(db, user.id)  # a session is signed in as one role only
            self._ctx.audit(
                db,
                AuditEventType.USER_ROLE_CHANGED,
                actor=actor,
                subject=user.email,
                details={"from": old_role, "to": new_role.value},
            )
            return summarize(user, self._ctx.policy(db))

    def reset_password(
        self, *, actor: Actor, email: str, language: str = "en"
    ) -> TemporaryPassword:
        """A new one-time temporary passphrase; the old password stops working at once."""
        self._guard.require(Action.RESET_PASSWORD, actor)
        temporary = suggest_passphrase(language).text
        password_hash = self._ctx.hasher.hash(temporary)
        with self._ctx.store.transaction() as db:
            user = get_user(db, email)
            end_all(db, user.id)
            user.password_hash = password_hash
            user.password_changed_at = self._ctx.now()
            user.must_change_password = True
            clear_user_failures(db, user.id)
            self._ctx.audit(db, AuditEventType.PASSWORD_RESET, actor=actor, subject=user.email)
            db.refresh(user)
            issued = TemporaryPassword(
                user=summarize(user, self._ctx.policy(db)),
                temporary_password=temporary,
                organisation=get_setting(db, ORGANISATION_NAME) or "",
            )
        self._ctx.notify(SecurityNotice.PASSWORD_CHANGED, user.email)
        return issued

    def _reading(self, actor: Actor | None) -> None:
        """The helpdesk's reads (B3): an administrator's session at AAL2 when one is given
        — the sign-in server always gives the caller's.  In-process, a caller without one
        holds the store itself (the local administrator's trust)."""
        if actor is not None:
            self._guard.require(Action.VIEW_ACCOUNTS, actor)

    def _keep_an_admin(self, db: DbSession) -> None:
        if len(lock_enabled_admins(db)) <= 1:
            raise LastAdministratorError()


def _creating(role: Role) -> Action:
    return Action.CREATE_ADMINISTRATOR if role is Role.ADMIN else Action.CREATE_USER


def _user_query(search: str | None, role: str | None, sort: str, descending: bool) -> UserQuery:
    return UserQuery(
        search=search or "",
        role=parse_role(role) if role else None,
        sort=parse_sort(sort),
        descending=descending,
    )
