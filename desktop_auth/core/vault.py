"""The recovery-code vault as the store keeps it: ids, wrapped keys and ciphertext.

This is ``AuthService.vault``, the server's half (SECURITY.md V1–V3).  It never sees a
vault key, a PRF output, a recovery key or a code: the workstation seals and opens
(``desktop_auth.vault``) and hands over only what it sealed.  What it does enforce is
the vault's shape, because a workstation cannot be trusted to keep it:

* a vault is made with two independent slots — one of the user's own security keys and
  the printed recovery key — and entries are kept only while both kinds exist (V2);
* a key slot names one of the user's own registered keys, at most one slot per key, and
  goes when the key goes (the row's foreign key cascades: V3);
* the printed key's slot is replaced, never just removed;
* every change proves the vault key: the workstation sends ``write proof`` (HKDF of the
  vault key), the store keeps only its SHA-256 (``write_check``).  A session alone — a
  stolen token, another program at the workstation — can read ciphertext but can neither
  overwrite an entry with garbage nor re-wrap a slot to random bytes;
* while the policy has an escrow key, a new vault and a new vault key carry a slot for
  it; only an administrator's recent, second-factor session reads that slot
  (``escrow_slot``) or adds a printed key with it (``recover_with_escrow``), and the
  user is told by e-mail.  The slot is sealed to two administrators' keys, one layer
  inside the other; each private key is in its administrator's own file on their own
  workstation (``desktop_auth.vault.escrow``): never here;
* a new vault key (``rekey``) replaces every slot and reseals every entry in one
  transaction: the old printed sheet with an old copy of the store opens nothing new;
* a save from an older read is refused (two workstations), sizes are bounded.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core import vault_escrow
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.guards import Action, Guard
from desktop_auth.core.organisation import current_organisation
from desktop_auth.core.session import Session
from desktop_auth.core.users import Actor, get_user, lock_user
from desktop_auth.core.vault_escrow import EscrowRequest, finish_approval, take_approval
from desktop_auth.errors import (
    StoreNotInitializedError,
    VaultChangedElsewhereError,
    VaultEntryNotFoundError,
    VaultEscrowOffError,
    VaultEscrowSlotMissingError,
    VaultExistsError,
    VaultFullError,
    VaultKeyHasSlotError,
    VaultKeyNotYoursError,
    VaultLastRecoveryKeyError,
    VaultMalformedError,
    VaultNeedsTwoSlotsError,
    VaultNotFoundError,
    VaultSlotNotFoundError,
    VaultWrongKeyError,
)
from desktop_auth.store.models import User, Vault, VaultEntryRow, VaultSlot, WebAuthnCredential
from desktop_auth.vocabulary import AuditEventType, SecurityNotice, VaultSlotKind

MAX_ENTRIES = 500
MAX_SLOTS = 20
#: An entry's ciphertext: a service's 16 codes and notes fit many times over.
MAX_SEALED_BYTES = 16384
#: A wrapped 256-bit key: format byte, nonce, key and tag are 61 bytes; an escrow slot
#: adds a one-time public key per layer and a second seal around the first: 154 bytes.
MAX_WRAPPED_BYTES = 256
SALT_BYTES = 32
#: The revision column is a 32-bit integer on every engine.
MAX_REVISION = 2**31 - 2
MAX_LABEL = 100
#: The write proof: an HKDF output of the vault key, as long as the key.
PROOF_BYTES = 32
#: How the sign-in server's API carries these dataclasses' bytes: as base64 (pydantic reads
#: this attribute; the core itself does not import pydantic).
_BYTES_AS_BASE64: Final = {"ser_json_bytes": "base64", "val_json_bytes": "base64"}


@dataclass(frozen=True, kw_only=True)
class SealedSlot:
    """One way into the vault, as stored: nothing here opens it without its key."""

    __pydantic_config__ = _BYTES_AS_BASE64

    slot_id: str
    kind: VaultSlotKind
    label: str
    #: A security key's slot: the key's method id and credential id (for the PRF call).
    method_id: int | None
    credential_id: bytes | None
    salt: bytes | None
    #: An escrow slot: the escrow public key it was sealed to (None: made before 0013).
    sealed_to: str | None
    #: Empty for the escrow slot: only two administrators together receive that.
    wrapped_key: bytes
    created_at: datetime
    changed_at: datetime


@dataclass(frozen=True, kw_only=True)
class SealedEntry:
    __pydantic_config__ = _BYTES_AS_BASE64

    entry_id: str
    sealed: bytes
    revision: int
    created_at: datetime
    changed_at: datetime


@dataclass(frozen=True, kw_only=True)
class SealedVault:
    vault_id: str
    #: The relying party the key slots' credentials belong to (the PRF call's rpId).
    rp_id: str
    created_at: datetime
    slots: tuple[SealedSlot, ...]
    entries: tuple[SealedEntry, ...]
    #: Administrators gave it a printed key with the escrow then, and so know the vault
    #: key: until the owner makes a new one (``rekey``) the vault asks them to.
    escrow_opened_at: datetime | None = None
    #: A security key or a printed key stopped opening it then, but the vault key it
    #: unwrapped is the same: with a copy of the store from before, the removed one still
    #: opens the vault.  Until the owner makes a new one (``rekey``) the vault asks them to.
    slot_removed_at: datetime | None = None

    @property
    def accepts_entries(self) -> bool:
        """Both kinds of slot exist: codes may be kept (V2)."""
        kinds = {slot.kind for slot in self.slots}
        return {VaultSlotKind.SECURITY_KEY, VaultSlotKind.RECOVERY_KEY} <= kinds


@dataclass(frozen=True, kw_only=True)
class NewSlot:
    """A slot the workstation made: the vault key wrapped under its own key."""

    __pydantic_config__ = _BYTES_AS_BASE64

    slot_id: str
    kind: VaultSlotKind
    label: str
    #: For a security key: which of the user's keys (its method id), and its PRF salt.
    method_id: int | None = None
    salt: bytes | None = None
    #: For the escrow's slot: the escrow public key it is sealed to (base64, the policy's).
    sealed_to: str | None = None
    wrapped_key: bytes


@dataclass(frozen=True, kw_only=True)
class VaultKeyChoice:
    """One of the user's security keys, as a vault slot would use it."""

    __pydantic_config__ = _BYTES_AS_BASE64

    method_id: int
    label: str
    credential_id: bytes
    #: Already opens the vault.
    has_slot: bool


@dataclass(frozen=True, kw_only=True)
class VaultKeyChoices:
    rp_id: str
    keys: tuple[VaultKeyChoice, ...]


@dataclass(frozen=True, kw_only=True)
class ResealedEntry:
    """An entry sealed anew under a new vault key; ``revision`` as it was read."""

    __pydantic_config__ = _BYTES_AS_BASE64

    entry_id: str
    sealed: bytes
    revision: int


@dataclass(frozen=True, kw_only=True)
class NewVaultKey:
    """Everything a new vault key changes: the check of its write proof, every slot
    (the old ones all go) and every entry, resealed."""

    __pydantic_config__ = _BYTES_AS_BASE64

    write_check: bytes
    slots: tuple[NewSlot, ...]
    entries: tuple[ResealedEntry, ...]


@dataclass(frozen=True, kw_only=True)
class EscrowedVault:
    """A user's vault as the escrow opens it: its id and the slot sealed to the escrow key."""

    __pydantic_config__ = _BYTES_AS_BASE64

    vault_id: str
    slot_id: str
    wrapped_key: bytes
    #: The escrow public key the slot was sealed to (base64, as in the policy).
    escrow_key: str


def write_check_of(proof: bytes) -> bytes:
    """What the store keeps of a write proof: its SHA-256 (the proof itself is an HKDF
    output of the vault key, so the store learns nothing of the key)."""
    return hashlib.sha256(proof).digest()


class _ProofRefusedError(Exception):
    """Inside ``_proven``: the write proof did not match (turned into an audited refusal)."""


class VaultStorage:
    """The user's own recovery-code vault, sealed on the workstation (``AuthService.vault``).

    Every method acts on the caller's own vault only; see ``desktop_auth.vault`` for the
    workstation's side, which does the sealing.
    """

    def __init__(self, context: ServiceContext, guard: Guard) -> None:
        self._ctx = context
        self._guard = guard

    def state(self, session: Session) -> SealedVault | None:
        """The vault as stored, or None before it is made."""
        self._guard.require(Action.VIEW_VAULT, session)
        with self._ctx.store.transaction() as db:
            vault = _vault_of(db, session.user_id)
            return None if vault is None else _sealed(db, vault)

    def key_choices(self, session: Session) -> VaultKeyChoices:
        """The user's security keys, for a new slot (and which already have one)."""
        self._guard.require(Action.VIEW_VAULT, session)
        with self._ctx.store.transaction() as db:
            vault = _vault_of(db, session.user_id)
            with_slot = set() if vault is None else set(_slot_credentials(db, vault.id))
            rows = db.execute(
                select(WebAuthnCredential)
                .where(WebAuthnCredential.user_id == session.user_id)
                .order_by(WebAuthnCredential.id)
            ).scalars()
            keys = tuple(
                VaultKeyChoice(
                    method_id=row.id,
                    label=row.nickname,
                    credential_id=row.credential_id,
                    has_slot=row.id in with_slot,
                )
                for row in rows
            )
            return VaultKeyChoices(rp_id=_rp_id(db), keys=keys)

    def create(
        self, session: Session, vault_id: str, slots: Sequence[NewSlot], write_check: bytes
    ) -> SealedVault:
        """Make the vault with its first slots: a security key's and the printed key's;
        ``write_check`` is ``write_check_of`` the new vault key's write proof."""
        self._guard.require(Action.CHANGE_VAULT_SLOTS, session)
        _check_id(vault_id, "vault_id")
        _check_write_check(write_check)
        _check_shape(slots)
        ctx = self._ctx
        now = ctx.now()
        with ctx.store.transaction() as db:
            _check_escrow(ctx.policy(db).vault_escrow_key, slots)
            user = lock_user(db, session.user_id)
            if _vault_of(db, user.id) is not None:
                raise VaultExistsError()
            if _id_taken(db, Vault.vault_id, vault_id):
                raise VaultMalformedError(field="vault_id")
            vault = Vault(
                user_id=user.id, vault_id=vault_id, write_check=write_check, created_at=now
            )
            db.add(vault)
            db.flush()
            for slot in slots:
                _add_slot(db, vault, user, slot, now)
            ctx.audit(
                db,
                AuditEventType.VAULT_CREATED,
                actor=user.email,
                subject=user.email,
                details={"vault": vault_id, "slots": len(slots)},
            )
            return _sealed(db, vault)

    def add_slot(self, session: Session, proof: bytes, slot: NewSlot) -> SealedVault:
        """One more way in (another key), or the escrow slot the policy asks for."""
        # The escrow slot is added as the vault opens, whenever that is: the policy
        # asks for it, and the proof shows the vault key's holder adds it.
        escrow = slot.kind is VaultSlotKind.ESCROW
        self._guard.require(Action.CHANGE_VAULT if escrow else Action.CHANGE_VAULT_SLOTS, session)
        ctx = self._ctx
        now = ctx.now()
        with self._proven(session, proof) as (db, user, vault):
            if escrow:
                escrow_key = ctx.policy(db).vault_escrow_key
                _check_escrow(escrow_key, [slot])
                # One sealed to an escrow key the policy no longer has opens for nobody
                # who should: the new one takes its place.
                remove_stale_escrow_slots(db, escrow_key, vault=vault)
            if _count(db, VaultSlot, vault.id) >= MAX_SLOTS:
                raise VaultFullError(limit=MAX_SLOTS)
            _add_slot(db, vault, user, slot, now)
            ctx.audit(
                db,
                AuditEventType.VAULT_SLOT_ADDED,
                actor=user.email,
                subject=user.email,
                details={"vault": vault.vault_id, "slot": slot.slot_id, "kind": slot.kind.value},
            )
            return _sealed(db, vault)

    def remove_slot(self, session: Session, proof: bytes, slot_id: str) -> SealedVault:
        """One way in less; the printed key's only slot is replaced (``rekey``), not removed."""
        self._guard.require(Action.CHANGE_VAULT_SLOTS, session)
        _check_id(slot_id, "slot_id")
        ctx = self._ctx
        with self._proven(session, proof) as (db, user, vault):
            row = _slot(db, vault, slot_id)
            if row.kind == VaultSlotKind.ESCROW and ctx.policy(db).vault_escrow_key:
                raise VaultEscrowSlotMissingError()  # the policy asks for it
            if row.kind == VaultSlotKind.RECOVERY_KEY:
                printed = db.execute(
                    select(func.count())
                    .select_from(VaultSlot)
                    .where(
                        VaultSlot.vault_id == vault.id,
                        VaultSlot.kind == VaultSlotKind.RECOVERY_KEY.value,
                    )
                ).scalar_one()
                if printed <= 1:
                    raise VaultLastRecoveryKeyError()
            db.delete(row)
            if row.kind != VaultSlotKind.ESCROW:
                vault.slot_removed_at = ctx.now()
            ctx.audit(
                db,
                AuditEventType.VAULT_SLOT_REMOVED,
                actor=user.email,
                subject=user.email,
                details={"vault": vault.vault_id, "slot": slot_id, "kind": row.kind},
            )
            db.flush()
            return _sealed(db, vault)

    def rewrap_slot(
        self, session: Session, proof: bytes, slot_id: str, salt: bytes, wrapped_key: bytes
    ) -> None:
        """A key slot's new salt and wrapping, from the same touch that opened it (the
        PRF's second input): a PRF output seen once opens the vault no more."""
        self._guard.require(Action.CHANGE_VAULT, session)
        _check_id(slot_id, "slot_id")
        _check_salt(salt)
        _check_wrapped(wrapped_key)
        ctx = self._ctx
        with self._proven(session, proof) as (db, _user, vault):
            row = _slot(db, vault, slot_id)
            if row.kind != VaultSlotKind.SECURITY_KEY:
                raise VaultMalformedError(field="slot_id")
            row.salt, row.wrapped_key, row.changed_at = salt, wrapped_key, ctx.now()

    def rekey(self, session: Session, proof: bytes, new_key: NewVaultKey) -> SealedVault:
        """A new vault key: every slot replaced by ``new_key.slots``, every entry by its
        resealed self, all or nothing.  An entry changed or added elsewhere since it was
        read is ``VaultChangedElsewhereError`` (read again and redo)."""
        self._guard.require(Action.CHANGE_VAULT_SLOTS, session)
        _check_write_check(new_key.write_check)
        _check_shape(new_key.slots)
        for resealed in new_key.entries:
            _check_id(resealed.entry_id, "entry_id")
            _check_sealed(resealed.sealed)
        ctx = self._ctx
        now = ctx.now()
        with self._proven(session, proof) as (db, user, vault):
            _check_escrow(ctx.policy(db).vault_escrow_key, new_key.slots)
            rows = {
                row.entry_id: row
                for row in db.execute(
                    select(VaultEntryRow).where(VaultEntryRow.vault_id == vault.id)
                ).scalars()
            }
            resealed_by_id = {resealed.entry_id: resealed for resealed in new_key.entries}
            if set(rows) != set(resealed_by_id) or len(resealed_by_id) != len(new_key.entries):
                raise VaultChangedElsewhereError()
            for entry_id, row in rows.items():
                resealed = resealed_by_id[entry_id]
                if row.revision != resealed.revision:
                    raise VaultChangedElsewhereError()
                row.sealed, row.revision, row.changed_at = resealed.sealed, row.revision + 1, now
            db.execute(delete(VaultSlot).where(VaultSlot.vault_id == vault.id))
            db.flush()
            for slot in new_key.slots:
                _add_slot(db, vault, user, slot, now)
            vault.write_check = new_key.write_check
            # What the administrators saw, and what a removed slot unwrapped, open nothing now.
            vault.escrow_opened_at = vault.slot_removed_at = None
            ctx.audit(
                db,
                AuditEventType.VAULT_REKEYED,
                actor=user.email,
                subject=user.email,
                details={
                    "vault": vault.vault_id,
                    "slots": len(new_key.slots),
                    "entries": len(new_key.entries),
                },
            )
            db.flush()
            return _sealed(db, vault)

    def escrow_slot(self, *, actor: Actor, email: str) -> EscrowedVault:
        """The user's vault id and escrow slot, for the two administrators whose keys
        open it (``admin vault escrow open``, then ``finish``): only on a request one of
        them made and the other approved (``vault_escrow``), once; audited as it is handed
        out."""
        self._guard.require(Action.RECOVER_VAULT, actor)
        ctx = self._ctx
        with ctx.store.transaction() as db:
            escrow_key = ctx.policy(db).vault_escrow_key
            user = get_user(db, email)
            vault = _existing_vault(db, user.id)
            slot = db.execute(
                select(VaultSlot).where(
                    VaultSlot.vault_id == vault.id,
                    VaultSlot.kind == VaultSlotKind.ESCROW.value,
                )
            ).scalar_one_or_none()
            if not escrow_key or slot is None or slot.sealed_to != escrow_key:
                raise VaultEscrowOffError()
            approval = take_approval(db, vault, actor, escrow_key, ctx.now())
            ctx.audit(
                db,
                AuditEventType.VAULT_ESCROW_USED,
                actor=actor,
                subject=user.email,
                details={
                    "vault": vault.vault_id,
                    "step": "slot_read",
                    "request": approval.request_id,
                    "requested_by": approval.requested_by,
                    "approved_by": approval.approved_by or "",
                },
            )
            escrowed = EscrowedVault(
                vault_id=vault.vault_id,
                slot_id=slot.slot_id,
                wrapped_key=slot.wrapped_key,
                escrow_key=slot.sealed_to,
            )
            notified = user.email
        # Told now, when the slot leaves the store: whoever holds both keys can open it
        # offline and never come back for the second step.
        ctx.notify(SecurityNotice.VAULT_ESCROW_USED, notified)
        return escrowed

    def request_escrow(self, *, actor: Actor, email: str) -> EscrowRequest:
        """Ask to open ``email``'s vault with the escrow: the first of two administrators
        (``admin vault escrow request``); a vault the escrow cannot open is refused now."""
        self._guard.require(Action.RECOVER_VAULT, actor)
        with self._ctx.store.transaction() as db:
            asked = vault_escrow.ask(self._ctx, db, actor, email)
        # Told at once, not only once it is used: the owner hears of it while a second
        # administrator may still be asked to say no (issue 17).
        self._ctx.notify(SecurityNotice.VAULT_ESCROW_REQUESTED, asked.email)
        return asked

    def approve_escrow(self, *, actor: Actor, request_id: str) -> EscrowRequest:
        """The second administrator's approval of a request (their own is refused); either
        of the two may then take the escrow slot once, within the request's 24 hours."""
        self._guard.require(Action.RECOVER_VAULT, actor)
        with self._ctx.store.transaction() as db:
            return vault_escrow.approve(self._ctx, db, actor, request_id)

    def cancel_escrow(self, *, actor: Actor, request_id: str) -> EscrowRequest:
        """Withdraw a request before its slot is taken (the owner objected, or it was
        asked in error); any administrator may.  The owner is told."""
        self._guard.require(Action.RECOVER_VAULT, actor)
        with self._ctx.store.transaction() as db:
            withdrawn = vault_escrow.cancel(self._ctx, db, actor, request_id)
        self._ctx.notify(SecurityNotice.VAULT_ESCROW_CANCELLED, withdrawn.email)
        return withdrawn

    def escrow_requests(self, *, actor: Actor) -> list[EscrowRequest]:
        """Open requests, waiting or approved, oldest first: what a second administrator
        looks at before approving."""
        self._guard.require(Action.RECOVER_VAULT, actor)
        with self._ctx.store.transaction() as db:
            return vault_escrow.pending(db, self._ctx.now())

    def recover_with_escrow(
        self, *, actor: Actor, email: str, proof: bytes, slot: NewSlot
    ) -> SealedVault:
        """Give the user's vault a new printed key, made by the administrators who opened
        it with the escrow (``proof``: the vault key's write proof).  The user is told by
        e-mail, and their next "New printed key…" leaves the administrators nothing."""
        self._guard.require(Action.RECOVER_VAULT, actor)
        if slot.kind is not VaultSlotKind.RECOVERY_KEY:
            raise VaultMalformedError(field="kind")
        ctx = self._ctx
        now = ctx.now()
        owner = lambda db: get_user(db, email).id  # noqa: E731 - looked up in the transaction
        with self._proven_vault(proof, actor=actor, owner=owner) as (db, user, vault):
            finish_approval(db, vault, actor, now)
            if _count(db, VaultSlot, vault.id) >= MAX_SLOTS:
                raise VaultFullError(limit=MAX_SLOTS)
            _add_slot(db, vault, user, slot, now)
            vault.escrow_opened_at = now
            ctx.audit(
                db,
                AuditEventType.VAULT_ESCROW_USED,
                actor=actor,
                subject=user.email,
                details={
                    "vault": vault.vault_id,
                    "step": "printed_key_added",
                    "slot": slot.slot_id,
                },
            )
            return _sealed(db, vault)

    def save_entry(
        self, session: Session, proof: bytes, entry_id: str, sealed: bytes, revision: int
    ) -> SealedEntry:
        """Keep an entry: ``revision`` 0 for a new one, else the revision it was read at."""
        self._guard.require(Action.CHANGE_VAULT, session)
        _check_id(entry_id, "entry_id")
        if not 0 <= revision <= MAX_REVISION:
            raise VaultMalformedError(field="revision")
        _check_sealed(sealed)
        ctx = self._ctx
        now = ctx.now()
        with self._proven(session, proof) as (db, _user, vault):
            if not _sealed(db, vault).accepts_entries:
                raise VaultNeedsTwoSlotsError()
            row = db.execute(
                select(VaultEntryRow).where(VaultEntryRow.entry_id == entry_id)
            ).scalar_one_or_none()
            if row is not None and row.vault_id != vault.id:
                raise VaultMalformedError(field="entry_id")
            if row is None:
                if revision != 0:
                    raise VaultEntryNotFoundError()
                if _count(db, VaultEntryRow, vault.id) >= MAX_ENTRIES:
                    raise VaultFullError(limit=MAX_ENTRIES)
                row = VaultEntryRow(
                    vault_id=vault.id,
                    entry_id=entry_id,
                    sealed=sealed,
                    revision=1,
                    created_at=now,
                    changed_at=now,
                )
                db.add(row)
            else:
                # One statement: of two workstations saving from the same read, one wins.
                changed = db.execute(
                    update(VaultEntryRow)
                    .where(VaultEntryRow.id == row.id, VaultEntryRow.revision == revision)
                    .values(sealed=sealed, revision=revision + 1, changed_at=now)
                    .execution_options(synchronize_session=False)
                ).rowcount  # type: ignore[attr-defined]
                if changed != 1:
                    raise VaultChangedElsewhereError()
                db.refresh(row)
            ctx.audit(
                db,
                AuditEventType.VAULT_ENTRY_SAVED,
                actor=session.email,
                subject=session.email,
                details={"vault": vault.vault_id, "entry": entry_id, "revision": row.revision},
            )
            db.flush()
            return _entry(row)

    def remove_entry(self, session: Session, proof: bytes, entry_id: str) -> None:
        """Forget an entry (its codes with it)."""
        self._guard.require(Action.REMOVE_VAULT_ENTRY, session)
        _check_id(entry_id, "entry_id")
        ctx = self._ctx
        with self._proven(session, proof) as (db, _user, vault):
            removed = db.execute(
                delete(VaultEntryRow).where(
                    VaultEntryRow.vault_id == vault.id, VaultEntryRow.entry_id == entry_id
                )
            ).rowcount  # type: ignore[attr-defined]
            if removed != 1:
                raise VaultEntryNotFoundError()
            ctx.audit(
                db,
                AuditEventType.VAULT_ENTRY_REMOVED,
                actor=session.email,
                subject=session.email,
                details={"vault": vault.vault_id, "entry": entry_id},
            )

    def _proven(
        self, session: Session, proof: bytes
    ) -> AbstractContextManager[tuple[DbSession, User, Vault]]:
        """A transaction on the caller's own vault, once ``proof`` shows they hold its key."""
        return self._proven_vault(proof, actor=session.email, owner=lambda _db: session.user_id)

    @contextmanager
    def _proven_vault(
        self, proof: bytes, *, actor: Actor | str, owner: Callable[[DbSession], int]
    ) -> Iterator[tuple[DbSession, User, Vault]]:
        """A transaction on ``owner``'s vault (their row locked: never beside a rekey),
        once ``proof`` shows the caller holds its key.

        A wrong proof is refused and audited (in a transaction of its own: the refused
        one is rolled back): someone is writing to this vault without its key."""
        ctx = self._ctx
        try:
            with ctx.store.transaction() as db:
                user = lock_user(db, owner(db))
                vault = _existing_vault(db, user.id)
                if not _proof_fits(vault, proof):
                    raise _ProofRefusedError(vault.vault_id, user.email)
                yield db, user, vault
        except _ProofRefusedError as refused:
            vault_id, subject = refused.args
            with ctx.store.transaction() as db:
                ctx.audit(
                    db,
                    AuditEventType.VAULT_WRITE_REFUSED,
                    actor=actor,
                    subject=str(subject),
                    details={"vault": str(vault_id)},
                )
            raise VaultWrongKeyError() from None


def _vault_of(db: DbSession, user_id: int) -> Vault | None:
    return db.execute(select(Vault).where(Vault.user_id == user_id)).scalar_one_or_none()


def _existing_vault(db: DbSession, user_id: int) -> Vault:
    vault = _vault_of(db, user_id)
    if vault is None:
        raise VaultNotFoundError()
    return vault


def _rp_id(db: DbSession) -> str:
    organisation = current_organisation(db)
    if organisation is None:
        raise StoreNotInitializedError()
    return organisation.rp_id


def _slot(db: DbSession, vault: Vault, slot_id: str) -> VaultSlot:
    row = db.execute(
        select(VaultSlot).where(VaultSlot.vault_id == vault.id, VaultSlot.slot_id == slot_id)
    ).scalar_one_or_none()
    if row is None:
        raise VaultSlotNotFoundError()
    return row


def _slot_credentials(db: DbSession, vault_pk: int) -> list[int]:
    return [
        row_id
        for row_id in db.execute(
            select(VaultSlot.credential_row_id).where(VaultSlot.vault_id == vault_pk)
        ).scalars()
        if row_id is not None
    ]


def _count(db: DbSession, model: type[VaultSlot] | type[VaultEntryRow], vault_pk: int) -> int:
    return int(
        db.execute(
            select(func.count()).select_from(model).where(model.vault_id == vault_pk)
        ).scalar_one()
    )


def _id_taken(db: DbSession, column: InstrumentedAttribute[str], value: str) -> bool:
    return db.execute(select(column).where(column == value)).first() is not None


def _check_id(value: str, name: str) -> None:
    try:
        parsed = uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise VaultMalformedError(field=name) from None
    if str(parsed) != value or parsed.version != 4:
        raise VaultMalformedError(field=name)


def _check_salt(salt: bytes | None) -> None:
    if salt is None or len(salt) != SALT_BYTES:
        raise VaultMalformedError(field="salt")


def _check_write_check(write_check: bytes) -> None:
    if len(write_check) != hashlib.sha256().digest_size:
        raise VaultMalformedError(field="write_check")


def _check_sealed(sealed: bytes) -> None:
    if not 0 < len(sealed) <= MAX_SEALED_BYTES:
        raise VaultMalformedError(field="sealed")


def _check_shape(slots: Sequence[NewSlot]) -> None:
    """Two independent ways in, one of each kind at least (V2), and not too many."""
    if len(slots) > MAX_SLOTS:
        raise VaultFullError(limit=MAX_SLOTS)
    kinds = {slot.kind for slot in slots}
    if not {VaultSlotKind.SECURITY_KEY, VaultSlotKind.RECOVERY_KEY} <= kinds:
        raise VaultNeedsTwoSlotsError()


def _proof_fits(vault: Vault, proof: bytes) -> bool:
    """The write proof matches the vault's check (in constant time)."""
    offered = write_check_of(proof) if len(proof) == PROOF_BYTES else b""
    return hmac.compare_digest(offered, vault.write_check)


def _check_escrow(escrow_key: str, slots: Sequence[NewSlot]) -> None:
    """While the policy has an escrow key, the vault's slots include one sealed to it, and
    none is sealed to another.  The store cannot open a slot to see what it is sealed to:
    the workstation says, and it seals only to the key its own configuration pins.  What
    this check catches is the key changing between the workstation's read and its write."""
    escrowed = [slot for slot in slots if slot.kind is VaultSlotKind.ESCROW]
    if escrow_key and not escrowed:
        raise VaultEscrowSlotMissingError()
    if any(slot.sealed_to != escrow_key for slot in escrowed):
        raise VaultEscrowSlotMissingError()


def remove_stale_escrow_slots(db: DbSession, escrow_key: str, *, vault: Vault | None = None) -> int:
    """Take away every escrow slot not sealed to ``escrow_key`` (the policy's new one, or
    "" when escrow goes off) — of every vault, or of ``vault`` only: the old keys then
    open no vault.  How many went."""
    stale = (
        select(VaultSlot.id)
        .where(VaultSlot.kind == VaultSlotKind.ESCROW.value)
        .where(or_(VaultSlot.sealed_to.is_(None), VaultSlot.sealed_to != escrow_key))
    )
    if vault is not None:
        stale = stale.where(VaultSlot.vault_id == vault.id)
    ids = list(db.execute(stale).scalars())
    if ids:
        db.execute(delete(VaultSlot).where(VaultSlot.id.in_(ids)))
    return len(ids)


def _check_wrapped(wrapped: bytes) -> None:
    if not 0 < len(wrapped) <= MAX_WRAPPED_BYTES:
        raise VaultMalformedError(field="wrapped_key")


def _add_slot(db: DbSession, vault: Vault, user: User, slot: NewSlot, now: datetime) -> None:
    _check_id(slot.slot_id, "slot_id")
    _check_wrapped(slot.wrapped_key)
    label = slot.label.strip()
    if not label or len(label) > MAX_LABEL or not label.isprintable():
        raise VaultMalformedError(field="label")
    if _id_taken(db, VaultSlot.slot_id, slot.slot_id):
        raise VaultMalformedError(field="slot_id")
    if (slot.sealed_to is None) == (slot.kind is VaultSlotKind.ESCROW):
        raise VaultMalformedError(field="sealed_to")  # escrow slots only, and always
    credential_row: int | None = None
    if slot.kind is VaultSlotKind.SECURITY_KEY:
        _check_salt(slot.salt)
        # Among the user's own keys, compared here: an id from the wire never reaches SQL.
        own = db.execute(
            select(WebAuthnCredential).where(WebAuthnCredential.user_id == user.id)
        ).scalars()
        key = next((row for row in own if row.id == slot.method_id), None)
        if key is None:
            raise VaultKeyNotYoursError()
        if key.id in _slot_credentials(db, vault.id):
            raise VaultKeyHasSlotError()
        credential_row = key.id
    elif slot.salt is not None or slot.method_id is not None:
        raise VaultMalformedError(field="kind")
    elif (
        slot.kind is VaultSlotKind.ESCROW
        and db.execute(
            select(VaultSlot.id).where(
                VaultSlot.vault_id == vault.id, VaultSlot.kind == VaultSlotKind.ESCROW.value
            )
        ).first()
    ):
        raise VaultMalformedError(field="kind")  # one escrow slot per vault
    db.add(
        VaultSlot(
            vault_id=vault.id,
            slot_id=slot.slot_id,
            kind=slot.kind.value,
            label=label,
            credential_row_id=credential_row,
            salt=slot.salt,
            sealed_to=slot.sealed_to,
            wrapped_key=slot.wrapped_key,
            created_at=now,
            changed_at=now,
        )
    )
    db.flush()


def _sealed(db: DbSession, vault: Vault) -> SealedVault:
    slots = db.execute(
        select(VaultSlot, WebAuthnCredential.credential_id)
        .outerjoin(WebAuthnCredential, WebAuthnCredential.id == VaultSlot.credential_row_id)
        .where(VaultSlot.vault_id == vault.id)
        .order_by(VaultSlot.id)
    ).all()
    entries = db.execute(
        select(VaultEntryRow).where(VaultEntryRow.vault_id == vault.id).order_by(VaultEntryRow.id)
    ).scalars()
    return SealedVault(
        vault_id=vault.vault_id,
        rp_id=_rp_id(db),
        created_at=vault.created_at,
        slots=tuple(
            SealedSlot(
                slot_id=slot.slot_id,
                kind=VaultSlotKind(slot.kind),
                label=slot.label,
                method_id=slot.credential_row_id,
                credential_id=credential_id,
                salt=slot.salt,
                sealed_to=slot.sealed_to,
                # The escrow slot leaves the store only through ``escrow_slot``, on two
                # administrators' request: not to whoever holds the owner's session (an
                # administrator could reset the password and sign in as the owner).
                wrapped_key=b"" if slot.kind == VaultSlotKind.ESCROW.value else slot.wrapped_key,
                created_at=slot.created_at,
                changed_at=slot.changed_at,
            )
            for slot, credential_id in slots
        ),
        entries=tuple(_entry(row) for row in entries),
        escrow_opened_at=vault.escrow_opened_at,
        slot_removed_at=vault.slot_removed_at,
    )


def _entry(row: VaultEntryRow) -> SealedEntry:
    return SealedEntry(
        entry_id=row.entry_id,
        sealed=row.sealed,
        revision=row.revision,
        created_at=row.created_at,
        changed_at=row.changed_at,
    )
