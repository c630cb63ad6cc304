"""The organisation a store belongs to: its name and relying-party id, and the first run."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.administration import insert_user
from desktop_auth.core.audit import lock_audit_head
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.identity import normalize_email
from desktop_auth.core.users import Actor, UserSummary, clean_display_name, summarize
from desktop_auth.errors import (
    InvalidOrganisationError,
    InvalidRpIdError,
    StoreAlreadyInitializedError,
)
from desktop_auth.store.models import User
from desktop_auth.store.settings import (
    ORGANISATION_NAME,
    RP_ID,
    STORE_ID,
    TOTP_SEALS_OWNER_BOUND,
    get_setting,
    put_setting,
)
from desktop_auth.vocabulary import AuditEventType, Role

MAX_ORGANISATION_NAME = 200


@dataclass(frozen=True, kw_only=True)
class Organisation:
    name: str
    rp_id: str


def current_organisation(db: DbSession) -> Organisation | None:
    name, rp_id = get_setting(db, ORGANISATION_NAME), get_setting(db, RP_ID)
    if name is None or rp_id is None:
        return None
    return Organisation(name=name, rp_id=rp_id)


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


def initialize(
    ctx: ServiceContext,
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
        put_setting(db, TOTP_SEALS_OWNER_BOUND, True)  # a new store has no older seals
        user = insert_user(
            db,
            ctx.now(),
            email,
            email_key,
            display_name,
            Role.ADMIN,
            password_hash,
            must_change=False,
        )
        ctx.audit(
            db,
            AuditEventType.STORE_INITIALIZED,
            actor=actor,
            subject=email,
            details={"organisation": organisation, "rp_id": relying_party},
        )
        return summarize(user)
