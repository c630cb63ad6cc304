"""Two administrators, not one: a request and an approval before the escrow opens a vault.

The escrow's private key is split into two passphrase-sealed shares, but one person who
holds both files and both passphrases could open any vault alone (issue 17, review
finding 3). So the store hands a vault's escrow slot out only on a request one
administrator made and another approved, once, to one of those two. On a sign-in server
"another" means another administrator account, each signed in with its second factor
within the last minutes (``Action.RECOVER_VAULT``); on the store's own host, another
operating-system user, which that host's owner can pose as (they can read the store
itself too: there the shares are what holds).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.context import ServiceContext
from desktop_auth.core.users import Actor, get_user
from desktop_auth.errors import (
    VaultEscrowNotApprovedError,
    VaultEscrowOffError,
    VaultEscrowRequestNotFoundError,
    VaultEscrowSameAdministratorError,
    VaultNotFoundError,
)
from desktop_auth.store.models import User, Vault, VaultEscrowRequest, VaultSlot
from desktop_auth.vocabulary import AuditEventType, VaultSlotKind

#: Long enough for a second administrator to be reached; short enough that an approval
#: left lying about is not a standing licence.
REQUEST_LIFETIME: Final = timedelta(hours=24)
#: Three groups of four from 32 letters and digits that are not mistaken for each other:
#: typed and read out; not a secret (the approval is what counts), but never guessed.
_ALPHABET: Final = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


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
        return f"account:{actor.session.user_id}"
    return actor.label


def ask(ctx: ServiceContext, db: DbSession, actor: Actor, email: str) -> EscrowRequest:
    """A new request to open ``email``'s vault with the escrow, audited."""
    now = ctx.now()
    user = get_user(db, email)
    vault = _escrowed_vault(db, user, ctx.policy(db).vault_escrow_key)
    row = VaultEscrowRequest(
        request_id=_new_request_id(),
        vault_id=vault.id,
        requested_by=actor.label,
        requester=administrator_identity(actor),
        requested_at=now,
        expires_at=now + REQUEST_LIFETIME,
    )
    db.add(row)
    ctx.audit(
        db,
        AuditEventType.VAULT_ESCROW_REQUESTED,
        actor=actor,
        subject=user.email,
        details={"vault": vault.vault_id, "request": row.request_id},
    )
    db.flush()
    return _shown(row, user)


def approve(ctx: ServiceContext, db: DbSession, actor: Actor, request_id: str) -> EscrowRequest:
    """``actor``'s approval of another administrator's open request, audited once."""
    row, user, vault = _open_request(db, request_id, ctx.now())
    identity = administrator_identity(actor)
    if identity == row.requester:
        raise VaultEscrowSameAdministratorError()
    if row.approver is None:
        row.approved_by, row.approver, row.approved_at = actor.label, identity, ctx.now()
        ctx.audit(
            db,
            AuditEventType.VAULT_ESCROW_APPROVED,
            actor=actor,
            subject=user.email,
            details={"vault": vault.vault_id, "request": row.request_id},
        )
    elif row.approver != identity:
        raise VaultEscrowRequestNotFoundError()  # approved already, by someone else
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


def take_approval(db: DbSession, vault: Vault, actor: Actor, now: datetime) -> VaultEscrowRequest:
    """The approved request ``actor`` took part in for ``vault``, now used; refused when
    there is none (asked for, approved by another, not expired, not used)."""
    identity = administrator_identity(actor)
    row = db.execute(
        select(VaultEscrowRequest)
        .where(
            VaultEscrowRequest.vault_id == vault.id,
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
    row.used_at = now
    return row


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
