"""Helpdesk work on accounts: create, disable, unlock, roles, password resets, first set-up.

Admins never choose or see a user's password (ASVS 6.4.1, 6.4.6): a reset
makes a one-time temporary passphrase, shown once, that must be changed at
the next sign-in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.audit import AuditEventType, lock_audit_head
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.identity import normalize_email
from desktop_auth.core.notifications import SecurityNotice
from desktop_auth.core.passphrase import suggest_passphrase
from desktop_auth.core.session import AssuranceLevel
from desktop_auth.core.throttle import clear_second_factor_failures, clear_user_failures
from desktop_auth.core.user_list import UserQuery, count_users, search_users
from desktop_auth.core.users import (
    Actor,
    UserSummary,
    clean_display_name,
    get_user,
    parse_role,
    summarize,
)
from desktop_auth.errors import (
    InsufficientAssuranceError,
    InvalidOrganisationError,
    InvalidRpIdError,
    LastAdministratorError,
    PermissionDeniedError,
    ReauthenticationRequiredError,
    SessionExpiredError,
    StoreAlreadyInitializedError,
    UserExistsError,
)
from desktop_auth.messages import SUPPORTED_LANGUAGES
from desktop_auth.store.locks import lock_enabled_admins
from desktop_auth.store.models import Role, User
from desktop_auth.store.settings import ORGANISATION_NAME, RP_ID, STORE_ID, put_setting

MAX_ORGANISATION_NAME = 200


@dataclass(frozen=True, kw_only=True)
class TemporaryPassword:
    """A one-time password for an admin to hand over; shown once, then forgotten."""

    user: UserSummary
    temporary_password: str = field(repr=False)


def _clean_organisation(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_ORGANISATION_NAME or not cleaned.isprintable():
        raise InvalidOrganisationError(maximum=MAX_ORGANISATION_NAME)
    return cleaned


def clean_rp_id(rp_id: str) -> str:
    """A relying-party id is a bare domain name (WebAuthn §5.1.2), lower-case, ASCII."""
    try:
        checked = validate_email(f"rp@{rp_id.strip()}", check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidRpIdError() from exc
    return checked.ascii_domain.lower()


class UserAdministration:
    def __init__(self, context: ServiceContext) -> None:
        self.ctx = context

    def authorize(self, actor: Actor, *, destructive: bool) -> None:
        """Local administrators pass; a signed-in actor must be a (recently signed-in) admin."""
        session = actor.session
        if session is None:
            return
        now = self.ctx.now()
        if not session.is_active(now):
            raise SessionExpiredError()
        if session.role != Role.ADMIN.value:
            raise PermissionDeniedError()
        with self.ctx.store.transaction() as db:
            window = self.ctx.policy(db).reauthentication_window
        if destructive and not session.authenticated_within(now, window):
            raise ReauthenticationRequiredError()
        if destructive and session.assurance is AssuranceLevel.AAL1:
            # Resetting someone's 2FA or password needs the admin's own second factor.
            raise InsufficientAssuranceError()

    # --- first run ---------------------------------------------------------------------

    def initialize(
        self,
        *,
        actor: Actor,
        organisation_name: str,
        rp_id: str,
        admin_email: str,
        admin_display_name: str,
        admin_password: str,
    ) -> UserSummary:
        organisation = _clean_organisation(organisation_name)
        relying_party = clean_rp_id(rp_id)
        email, email_key = normalize_email(admin_email)
        display_name = clean_display_name(admin_display_name)
        ctx = self.ctx
        with ctx.store.transaction() as db:
            if db.execute(select(func.count()).select_from(User)).scalar_one():
                raise StoreAlreadyInitializedError()
            ctx.require_acceptable_password(db, admin_password, email, organisation=organisation)
        password_hash = ctx.hasher.hash(admin_password)
        with ctx.store.transaction() as db:
            # Two workstations initialising one empty PostgreSQL store at once: the
            # audit head (made by the migration) is the one row both can lock.
            lock_audit_head(db)
            if db.execute(select(func.count()).select_from(User)).scalar_one():
                raise StoreAlreadyInitializedError()
            put_setting(db, ORGANISATION_NAME, organisation)
            put_setting(db, RP_ID, relying_party)
            put_setting(db, STORE_ID, secrets.token_hex(16))
            user = self._insert(
                db, email, email_key, display_name, Role.ADMIN, password_hash, must_change=False
            )
            ctx.audit(
                db,
                AuditEventType.STORE_INITIALIZED,
                actor=actor,
                subject=email,
                details={"organisation": organisation, "rp_id": relying_party},
            )
            return summarize(user)

    # --- accounts ----------------------------------------------------------------------

    def _insert(
        self,
        db: DbSession,
        email: str,
        email_key: str,
        display_name: str,
        role: Role,
        password_hash: str,
        *,
        must_change: bool,
        language: str = "en",
    ) -> User:
        now = self.ctx.now()
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

    def create_user(
        self,
        *,
        actor: Actor,
        email: str,
        display_name: str,
        role: str = "employee",
        language: str = "en",
    ) -> TemporaryPassword:
        self.authorize(actor, destructive=False)
        address, email_key = normalize_email(email)
        name = clean_display_name(display_name)
        parsed_role = parse_role(role)
        temporary = suggest_passphrase(language).text
        password_hash = self.ctx.hasher.hash(temporary)
        with self.ctx.store.transaction() as db:
            user = self._insert(
                db,
                address,
                email_key,
                name,
                parsed_role,
                password_hash,
                must_change=True,
                language=language,
            )
            self.ctx.audit(
                db,
                AuditEventType.USER_CREATED,
                actor=actor,
                subject=address,
                details={"role": parsed_role.value},
            )
            return TemporaryPassword(user=summarize(user), temporary_password=temporary)

    def create_users(
        self, *, actor: Actor, rows: list[tuple[str, str, str]], language: str
    ) -> list[TemporaryPassword]:
        """Several checked (email, name, role) rows in one transaction: all or none."""
        self.authorize(actor, destructive=False)
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
                    self.ctx.hasher.hash(temporary),
                )
            )
        issued = []
        with self.ctx.store.transaction() as db:
            for address, email_key, name, role, temporary, password_hash in prepared:
                user = self._insert(
                    db,
                    address,
                    email_key,
                    name,
                    role,
                    password_hash,
                    must_change=True,
                    language=language,
                )
                self.ctx.audit(
                    db,
                    AuditEventType.USER_CREATED,
                    actor=actor,
                    subject=address,
                    details={"role": role.value, "imported": True},
                )
                issued.append(TemporaryPassword(user=summarize(user), temporary_password=temporary))
        return issued

    def get(self, email: str) -> UserSummary:
        with self.ctx.store.transaction() as db:
            lock_after = self.ctx.policy(db).second_factor_lock_after
            return summarize(get_user(db, email), lock_after)

    def list(
        self, query: UserQuery | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[UserSummary]:
        with self.ctx.store.transaction() as db:
            return search_users(
                db,
                query or UserQuery(),
                now=self.ctx.now(),
                second_factor_lock_after=self.ctx.policy(db).second_factor_lock_after,
                limit=limit,
                offset=offset,
            )

    def count(self, query: UserQuery | None = None) -> int:
        with self.ctx.store.transaction() as db:
            return count_users(db, query or UserQuery())

    def set_disabled(self, *, actor: Actor, email: str, disabled: bool) -> UserSummary:
        self.authorize(actor, destructive=disabled)
        with self.ctx.store.transaction() as db:
            user = get_user(db, email)
            if disabled and user.role == Role.ADMIN.value and not user.disabled:
                self._keep_an_admin(db)
            user.disabled = disabled
            event = AuditEventType.USER_DISABLED if disabled else AuditEventType.USER_ENABLED
            self.ctx.audit(db, event, actor=actor, subject=user.email)
            return summarize(user)

    def unlock(self, *, actor: Actor, email: str) -> UserSummary:
        self.authorize(actor, destructive=False)
        with self.ctx.store.transaction() as db:
            user = get_user(db, email)
            clear_user_failures(db, user.id)
            clear_second_factor_failures(db, user.id)
            self.ctx.audit(db, AuditEventType.USER_UNLOCKED, actor=actor, subject=user.email)
            db.refresh(user)
            return summarize(user)

    def set_role(self, *, actor: Actor, email: str, role: str) -> UserSummary:
        self.authorize(actor, destructive=True)
        new_role = parse_role(role)
        with self.ctx.store.transaction() as db:
            user = get_user(db, email)
            if user.role == Role.ADMIN.value and new_role is not Role.ADMIN and not user.disabled:
                self._keep_an_admin(db)
            old_role, user.role = user.role, new_role.value
            self.ctx.audit(
                db,
                AuditEventType.USER_ROLE_CHANGED,
                actor=actor,
                subject=user.email,
                details={"from": old_role, "to": new_role.value},
            )
            return summarize(user)

    def reset_password(
        self, *, actor: Actor, email: str, language: str = "en"
    ) -> TemporaryPassword:
        self.authorize(actor, destructive=True)
        temporary = suggest_passphrase(language).text
        password_hash = self.ctx.hasher.hash(temporary)
        with self.ctx.store.transaction() as db:
            user = get_user(db, email)
            user.password_hash = password_hash
            user.password_changed_at = self.ctx.now()
            user.must_change_password = True
            clear_user_failures(db, user.id)
            self.ctx.audit(db, AuditEventType.PASSWORD_RESET, actor=actor, subject=user.email)
            db.refresh(user)
            issued = TemporaryPassword(user=summarize(user), temporary_password=temporary)
        self.ctx.notify(SecurityNotice.PASSWORD_CHANGED, user.email)
        return issued

    def _keep_an_admin(self, db: DbSession) -> None:
        if len(lock_enabled_admins(db)) <= 1:
            raise LastAdministratorError()
