"""Two administrators, not one: a request and an approval before the escrow opens a vault.

The escrow slot is sealed to two administrators' keys, one inside the other, but two keys
can end up in one pair of hands (issue 17, review finding 3). So the store hands a vault's
escrow slot out only on a request one administrator made and another approved, once, to
one of those two, and then takes one printed key made with it from one of those two
within minutes. On a sign-in server "another" means another administrator account, each
signed in with its second factor within the last minutes (``Action.RECOVER_VAULT``), and
neither account put in someone's hands lately: created, made an administrator,
re-enabled, or given a temporary password, a backup code or fewer methods by someone else
in the last week, it could be a stand-in its maker signs in to. On the store's own host
"another" is another operating-system user, which that host's owner can pose as (they can
read the store itself too: there the two keys are what holds).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.context import ServiceContext
from desktop_auth.core.users import Actor, get_user
from desktop_auth.errors import (
    VaultEscrowAdministratorRecentError,
    VaultEscrowNotApprovedError,
    VaultEscrowOffError,
    VaultEscrowRequestNotFoundError,
    VaultEscrowSameAdministratorError,
    VaultNotFoundError,
)
from desktop_auth.store.models import AuditEvent, User, Vault, VaultEscrowRequest, VaultSlot
from desktop_auth.vocabulary import AuditEventType, Role, VaultSlotKind

#: Long enough for a second administrator to be reached; short enough that an approval
#: left lying about is not a standing licence.
REQUEST_LIFETIME: Final = timedelta(hours=24)
#: Between handing out the slot and adding the printed key made with it: one sitting of
#: two people at two workstations, the file passed between them.
FINISH_WITHIN: Final = timedelta(hours=1)
#: How long an account put in someone else's hands stays out of the two-person rule.
HANDOVER_QUIET: Final = timedelta(days=7)
#: What another administrator can do to an account that lets them sign in to it.
HANDOVER_EVENTS: Final = frozenset(
    {
        AuditEventType.USER_CREATED.value,
        AuditEventType.USER_ROLE_CHANGED.value,
        AuditEventType.USER_ENABLED.value,
        AuditEventType.PASSWORD_RESET.value,
        AuditEventType.BACKUP_CODE_ISSUED.value,
        AuditEventType.FACTOR_REMOVED.value,
    }
)
#: Three groups of four from 32 letters and digits that are not mistaken for each other:
#: typed and read out; not a secret (the approval is what counts), but never guessed.
_ALPHABET: Final = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_ACCOUNT: Final = "account:"


@dataclass(frozen=True, kw_only=True)
class EscrowRequest:
    """A request to open ``email``'s vault with the escrow, as the administrators see it."""

    request_id: str
    email: str
    requested_by: str
    requested_at: datetime
    expires_at: datetime
    approved_by: str | None
    approved_at: datetime | None


def administrator_identity(actor: Actor) -> str:
    """Whom the store knows an administrator as: the account behind a session (its claims
    were just checked against the store by the guard), else the local administrator."""
    if actor.session is not None:
        return f"{_ACCOUNT}{actor.session.user_id}"
    return actor.label


def ask(ctx: ServiceContext, db: DbSession, actor: Actor, email: str) -> EscrowRequest:
    """A new request to open ``email``'s vault with the escrow, audited."""
    now = ctx.now()
    identity = administrator_identity(actor)
    _check_hands(db, identity, now)
    escrow_key = ctx.policy(db).vault_escrow_key
    user = get_user(db, email)
    vault = _escrowed_vault(db, user, escrow_key)
    row = VaultEscrowRequest(
        request_id=_new_request_id(),
        vault_id=vault.id,
        escrow_key=escrow_key,
        requested_by=_label(db, actor),
        requester=identity,
        requested_at=now,
        expires_at=now + REQUEST_LIFETIME,
    )
    db.add(row)
    ctx.audit(
        db,
        AuditEventType.VAULT_ESCROW_REQUESTED,
        actor=row.requested_by,
        subject=user.email,
        details={"vault": vault.vault_id, "request": row.request_id},
    )
    db.flush()
    return _shown(row, user)


def approve(ctx: ServiceContext, db: DbSession, actor: Actor, request_id: str) -> EscrowRequest:
    """``actor``'s approval of another administrator's open request, audited once."""
    now = ctx.now()
    row, user, vault = _open_request(db, request_id, now)
    identity = administrator_identity(actor)
    if identity == row.requester:
        raise VaultEscrowSameAdministratorError()
    if row.approver is not None:
        if row.approver != identity:
            raise VaultEscrowRequestNotFoundError()  # approved already, by someone else
        return _shown(row, user)
    _check_hands(db, identity, now)
    _check_hands(db, row.requester, now)
    label = _label(db, actor)
    # Only if nobody approved it in the meantime: two approvals never race into one.
    approved = db.execute(
        update(VaultEscrowRequest)
        .where(VaultEscrowRequest.id == row.id, VaultEscrowRequest.approver.is_(None))
        .values(approved_by=label, approver=identity, approved_at=now)
        .execution_options(synchronize_session=False)
    )
    if approved.rowcount != 1:  # type: ignore[attr-defined]
        raise VaultEscrowRequestNotFoundError()
    db.refresh(row)
    ctx.audit(
        db,
        AuditEventType.VAULT_ESCROW_APPROVED,
        actor=label,
        subject=user.email,
        details={"vault": vault.vault_id, "request": row.request_id},
    )
    return _shown(row, user)


def cancel(ctx: ServiceContext, db: DbSession, actor: Actor, request_id: str) -> EscrowRequest:
    """Withdraw a request not yet used (it ends now), audited.  Any administrator may: the
    safe direction, and how the owner's objection is heard — by the helpdesk, or by a
    third administrator while the two who asked and approved are out of reach."""
    now = ctx.now()
    row, user, vault = _open_request(db, request_id, now)
    # Only while nobody took the slot on it meanwhile: a withdrawal never races a use.
    ended = db.execute(
        update(VaultEscrowRequest)
        .where(
            VaultEscrowRequest.id == row.id,
            VaultEscrowRequest.used_at.is_(None),
            VaultEscrowRequest.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    if ended.rowcount != 1:  # type: ignore[attr-defined]
        raise VaultEscrowRequestNotFoundError()
    db.refresh(row)
    ctx.audit(
        db,
        AuditEventType.VAULT_ESCROW_CANCELLED,
        actor=_label(db, actor),
        subject=user.email,
        details={"vault": vault.vault_id, "request": row.request_id},
    )
    return _shown(row, user)


def pending(db: DbSession, now: datetime) -> list[EscrowRequest]:
    """Requests neither used nor expired, oldest first."""
    found = db.execute(
        select(VaultEscrowRequest, User)
        .join(Vault, Vault.id == VaultEscrowRequest.vault_id)
        .join(User, User.id == Vault.user_id)
        .where(VaultEscrowRequest.used_at.is_(None), VaultEscrowRequest.expires_at > now)
        .order_by(VaultEscrowRequest.requested_at, VaultEscrowRequest.id)
    ).all()
    return [_shown(row, user) for row, user in found]


def take_approval(
    db: DbSession, vault: Vault, actor: Actor, escrow_key: str, now: datetime
) -> VaultEscrowRequest:
    """The approved request ``actor`` took part in for ``vault``, now used; refused when
    there is none (asked for, approved by another, for the escrow key in force, not
    expired, not used, both administrators still administrators in their own hands)."""
    identity = administrator_identity(actor)
    row = db.execute(
        select(VaultEscrowRequest)
        .where(
            VaultEscrowRequest.vault_id == vault.id,
            VaultEscrowRequest.escrow_key == escrow_key,
            VaultEscrowRequest.approver.is_not(None),
            VaultEscrowRequest.used_at.is_(None),
            VaultEscrowRequest.expires_at > now,
            (VaultEscrowRequest.requester == identity) | (VaultEscrowRequest.approver == identity),
        )
        .order_by(VaultEscrowRequest.approved_at, VaultEscrowRequest.id)
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise VaultEscrowNotApprovedError()
    _check_hands(db, row.requester, now)
    _check_hands(db, row.approver or "", now)
    _mark(db, row, "used_at", now)
    return row


def finish_approval(db: DbSession, vault: Vault, actor: Actor, now: datetime) -> None:
    """The printed key made with the slot just handed out on a request ``actor`` took
    part in (the store does not record which of the two took the slot), once."""
    identity = administrator_identity(actor)
    row = db.execute(
        select(VaultEscrowRequest)
        .where(
            VaultEscrowRequest.vault_id == vault.id,
            VaultEscrowRequest.used_at > now - FINISH_WITHIN,
            VaultEscrowRequest.finished_at.is_(None),
            (VaultEscrowRequest.requester == identity) | (VaultEscrowRequest.approver == identity),
        )
        .order_by(VaultEscrowRequest.used_at.desc(), VaultEscrowRequest.id)
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise VaultEscrowNotApprovedError()
    _mark(db, row, "finished_at", now)


def _mark(db: DbSession, row: VaultEscrowRequest, name: str, now: datetime) -> None:
    """Set the moment ``name`` only if it is still empty: of two calls at once, one wins."""
    done = db.execute(
        update(VaultEscrowRequest)
        .where(VaultEscrowRequest.id == row.id, getattr(VaultEscrowRequest, name).is_(None))
        .values({name: now})
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise VaultEscrowNotApprovedError()
    db.refresh(row)


def _check_hands(db: DbSession, identity: str, now: datetime) -> None:
    """An administrator account takes part only while it is an enabled administrator that
    nobody else lately could have signed in to (``HANDOVER_EVENTS``)."""
    if not identity.startswith(_ACCOUNT):
        return  # a local administrator: see the module's note
    user = db.get(User, int(identity.removeprefix(_ACCOUNT)))
    if user is None or user.disabled or user.role != Role.ADMIN:
        raise VaultEscrowNotApprovedError()
    handed_over = db.execute(
        select(AuditEvent.id)
        .where(
            AuditEvent.subject == user.email,
            AuditEvent.event_type.in_(HANDOVER_EVENTS),
            AuditEvent.occurred_at > now - HANDOVER_QUIET,
            AuditEvent.actor.not_in((user.email, f"user:{user.email}")),
        )
        .limit(1)
    ).first()
    if handed_over is not None:
        raise VaultEscrowAdministratorRecentError(email=user.email)


def _label(db: DbSession, actor: Actor) -> str:
    """How the audit names ``actor``: from the account the store found behind the session,
    never from the label the caller sent along."""
    if actor.session is None:
        return actor.label
    user = db.get_one(User, actor.session.user_id)
    return f"user:{user.email}"


def _escrowed_vault(db: DbSession, user: User, escrow_key: str) -> Vault:
    vault = db.execute(select(Vault).where(Vault.user_id == user.id)).scalar_one_or_none()
    if vault is None:
        raise VaultNotFoundError()
    slot = db.execute(
        select(VaultSlot.sealed_to).where(
            VaultSlot.vault_id == vault.id, VaultSlot.kind == VaultSlotKind.ESCROW.value
        )
    ).scalar_one_or_none()
    if not escrow_key or slot != escrow_key:
        raise VaultEscrowOffError()  # asked for nothing it could open
    return vault


def _open_request(
    db: DbSession, request_id: str, now: datetime
) -> tuple[VaultEscrowRequest, User, Vault]:
    wanted = request_id.strip().upper()
    found = db.execute(
        select(VaultEscrowRequest, User, Vault)
        .join(Vault, Vault.id == VaultEscrowRequest.vault_id)
        .join(User, User.id == Vault.user_id)
        .where(VaultEscrowRequest.request_id == wanted)
    ).one_or_none()
    if found is None:
        raise VaultEscrowRequestNotFoundError()
    row, user, vault = found
    if row.used_at is not None or row.expires_at <= now:
        raise VaultEscrowRequestNotFoundError()
    return row, user, vault


def _new_request_id() -> str:
    letters = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(letters[i : i + 4] for i in range(0, 12, 4))


def _shown(row: VaultEscrowRequest, user: User) -> EscrowRequest:
    return EscrowRequest(
        request_id=row.request_id,
        email=user.email,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        expires_at=row.expires_at,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
    )
