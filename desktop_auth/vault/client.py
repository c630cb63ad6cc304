"""The workstation's vault: made, opened and changed here; stored through ``AuthService.vault``.

``VaultClient`` works for one signed-in session.  Opening takes one touch of a security
key (or Windows Hello) whose slot exists — its PRF output, with user verification,
unwraps the vault key, and the same touch's second PRF input rolls the slot to a new
salt — or the printed recovery key.  ``OpenVault`` then holds the vault key in memory
until ``lock()``: the idle lock calls it.

Nothing is written before it is complete: a new vault is stored only once its printed
key has been typed back (``VaultCreation.finish``), so no vault ever exists that only a
key could open.

Every change carries the vault key's write proof (``crypto.write_proof``): the store
refuses a change from a session that does not hold the key.  A new printed key comes
with a new vault key (``OpenVault.begin_new_recovery_key``): every entry is resealed and
the old sheet, even with an old copy of the store, opens nothing written since.

The organisation's escrow slot is sealed only to the escrow key this workstation's own
configuration pins (``Config.vault_escrow_key``, deployed by IT), never to whatever key
the policy names: the policy comes from the store or the sign-in server, and whoever
controls those must not be able to have every vault key sealed to a key of their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from threading import Event
from typing import Any, Protocol

from desktop_auth.core.escrow_key import escrow_key_halves
from desktop_auth.core.service import (
    AuthService,
    KeyPrompts,
    NewSlot,
    NewVaultKey,
    RecoveryStatus,
    ResealedEntry,
    SealedEntry,
    SealedSlot,
    SealedVault,
    Session,
    VaultKeyChoice,
    write_check_of,
)
from desktop_auth.errors import (
    VaultEscrowKeyUntrustedError,
    VaultLockedError,
    VaultNeedsTwoSlotsError,
    VaultNotFoundError,
    VaultWrongKeyError,
)
from desktop_auth.vault import crypto, entries
from desktop_auth.vault.crypto import VaultKey
from desktop_auth.vault.entries import EntryContent, StoredCode, VaultEntry
from desktop_auth.vault.recovery_key import RecoveryKey, parse_recovery_key
from desktop_auth.vocabulary import VaultSlotKind


class PrfAnswer(Protocol):
    credential_id: bytes
    first: bytes
    second: bytes | None


class PrfKeyClient(Protocol):
    def evaluate_prf(
        self,
        rp_id: str,
        salts: Mapping[bytes, tuple[bytes, bytes | None]],
        cancel: Event | None = None,
    ) -> PrfAnswer: ...


@dataclass(frozen=True, kw_only=True)
class VaultSummary:
    """What can be said of the vault without opening it."""

    exists: bool
    slots: tuple[SealedSlot, ...] = ()
    entry_count: int = 0
    accepts_entries: bool = False
    #: The organisation keeps an escrow of every vault (two administrators together).
    escrow_on: bool = False
    #: ...and its escrow key is not the one this workstation pins: nothing can be made or
    #: re-keyed here until IT puts them right (``VaultEscrowKeyUntrustedError``).
    escrow_untrusted: bool = False
    #: Administrators opened it with the escrow then: a new printed key (a new vault
    #: key) makes what they saw useless.
    escrow_opened_at: datetime | None = None
    #: A security key or a printed key stopped opening it then; the vault key is the same
    #: until a new printed key makes a new one.
    slot_removed_at: datetime | None = None

    @property
    def key_slots(self) -> tuple[SealedSlot, ...]:
        return tuple(s for s in self.slots if s.kind is VaultSlotKind.SECURITY_KEY)


class VaultClient:
    """One signed-in user's vault, on this workstation."""

    def __init__(
        self, service: AuthService, session: Session, *, trusted_escrow_key: str = ""
    ) -> None:
        """``trusted_escrow_key``: the escrow key this workstation's configuration pins
        (``Config.vault_escrow_key``; "" trusts none)."""
        self._service = service
        self._session = session
        self._trusted_escrow_key = trusted_escrow_key

    @property
    def _owner(self) -> str:
        # Who the workstation signed in, bound into every seal: an entry moved to
        # another user's vault in the store does not open there.
        return f"user:{self._session.user_id}"

    def summary(self) -> VaultSummary:
        state = self._service.vault.state(self._session)
        escrow_key = self._policy_escrow_key()
        untrusted = self._untrusted(escrow_key)
        if state is None:
            return VaultSummary(
                exists=False, escrow_on=bool(escrow_key), escrow_untrusted=untrusted
            )
        return VaultSummary(
            exists=True,
            slots=state.slots,
            entry_count=len(state.entries),
            accepts_entries=state.accepts_entries,
            escrow_on=bool(escrow_key),
            escrow_untrusted=untrusted,
            escrow_opened_at=state.escrow_opened_at,
            slot_removed_at=state.slot_removed_at,
        )

    def key_choices(self) -> tuple[VaultKeyChoice, ...]:
        """The user's security keys; those with ``has_slot`` already open the vault."""
        return self._service.vault.key_choices(self._session).keys

    def own_recovery_codes(self) -> RecoveryStatus:
        """desktop-auth's own codes, shown read-only beside the entries: counts, never codes."""
        return self._service.recovery_codes.status(self._session)

    def begin_create(
        self,
        key: VaultKeyChoice,
        *,
        prompts: KeyPrompts | None = None,
        cancel: Event | None = None,
    ) -> VaultCreation:
        """One touch of ``key``: its slot is made in memory, with a new printed key."""
        self._trusted_policy_escrow_key()  # refused before the touch, not after it
        choices = self._service.vault.key_choices(self._session)
        vault_id = str(uuid.uuid4())
        vault_key = VaultKey.new()
        key_slot = _key_slot(
            self._key_client(prompts), choices.rp_id, vault_id, vault_key, [key], cancel
        )
        return VaultCreation(self, vault_id, vault_key, key_slot, RecoveryKey.new())

    def open_with_key(
        self, *, prompts: KeyPrompts | None = None, cancel: Event | None = None
    ) -> OpenVault:
        """One touch of any key with a slot; the slot then rolls to a new salt."""
        state = self._state()
        slots = {
            s.credential_id: s
            for s in state.slots
            if s.kind is VaultSlotKind.SECURITY_KEY and s.credential_id and s.salt
        }
        if not slots:
            raise VaultWrongKeyError()
        new_salts = {credential: crypto.new_salt() for credential in slots}
        answer = self._key_client(prompts).evaluate_prf(
            state.rp_id,
            {
                credential: (slot.salt or b"", new_salts[credential])
                for credential, slot in slots.items()
            },
            cancel,
        )
        slot = slots.get(answer.credential_id)
        if slot is None:
            raise VaultWrongKeyError()
        vault_key = crypto.unwrap_vault_key(
            crypto.security_key_wrapping_key(
                answer.first, vault_id=state.vault_id, credential_id=answer.credential_id
            ),
            slot.wrapped_key,
            vault_id=state.vault_id,
            slot_id=slot.slot_id,
            kind=slot.kind.value,
        )
        if answer.second is not None:
            rewrapped = crypto.wrap_vault_key(
                crypto.security_key_wrapping_key(
                    answer.second, vault_id=state.vault_id, credential_id=answer.credential_id
                ),
                vault_key,
                vault_id=state.vault_id,
                slot_id=slot.slot_id,
                kind=slot.kind.value,
            )
            self._service.vault.rewrap_slot(
                self._session,
                crypto.write_proof(vault_key, vault_id=state.vault_id),
                slot.slot_id,
                new_salts[answer.credential_id],
                rewrapped,
            )
        return self._opened(state, vault_key)

    def open_with_recovery_key(self, typed: str) -> OpenVault:
        """The printed key, as typed; a typo is named by its group before anything else."""
        recovery_key = parse_recovery_key(typed)
        state = self._state()
        wrapping = crypto.recovery_key_wrapping_key(recovery_key.material, vault_id=state.vault_id)
        for slot in state.slots:
            if slot.kind is not VaultSlotKind.RECOVERY_KEY:
                continue
            try:
                vault_key = crypto.unwrap_vault_key(
                    wrapping,
                    slot.wrapped_key,
                    vault_id=state.vault_id,
                    slot_id=slot.slot_id,
                    kind=slot.kind.value,
                )
            except VaultWrongKeyError:
                continue
            return self._opened(state, vault_key)
        raise VaultWrongKeyError()

    # --- for VaultCreation and OpenVault ---------------------------------------------------

    def _state(self) -> SealedVault:
        state = self._service.vault.state(self._session)
        if state is None:
            raise VaultNotFoundError()
        return state

    def _policy_escrow_key(self) -> str:
        return self._service.policy.current().vault_escrow_key

    def _untrusted(self, escrow_key: str) -> bool:
        """The policy asks for an escrow key this workstation does not pin."""
        return bool(escrow_key) and escrow_key != self._trusted_escrow_key  # both public

    def _trusted_policy_escrow_key(self) -> str:
        """The policy's escrow key ("" when escrow is off) once it is the pinned one;
        ``VaultEscrowKeyUntrustedError`` otherwise."""
        escrow_key = self._policy_escrow_key()
        if self._untrusted(escrow_key):
            raise VaultEscrowKeyUntrustedError()
        return escrow_key

    def _escrow_slots(self, vault_key: VaultKey, vault_id: str) -> list[NewSlot]:
        """The escrow slot the policy asks for, if it asks for one."""
        escrow_key = self._trusted_policy_escrow_key()
        if not escrow_key:
            return []
        return [escrow_slot(escrow_key, vault_key, vault_id=vault_id, owner=self._session.email)]

    def _opened(self, state: SealedVault, vault_key: VaultKey) -> OpenVault:
        """The vault, opened; given its escrow slot first if the policy has one and the
        vault has none sealed to it (made before escrow was switched on, or before the
        escrow key changed).  With an escrow key this workstation does not trust, the
        vault still opens: only nothing is sealed to that key."""
        escrow_key = self._policy_escrow_key()
        escrowed = any(
            s.kind is VaultSlotKind.ESCROW and s.sealed_to == escrow_key for s in state.slots
        )
        if escrow_key and not escrowed and not self._untrusted(escrow_key):
            state = self._service.vault.add_slot(
                self._session,
                crypto.write_proof(vault_key, vault_id=state.vault_id),
                escrow_slot(
                    escrow_key, vault_key, vault_id=state.vault_id, owner=self._session.email
                ),
            )
        return OpenVault(self, state, vault_key)

    def _key_client(self, prompts: KeyPrompts | None) -> PrfKeyClient:
        client: Any = self._service.security_keys.client(prompts)
        return client  # type: ignore[no-any-return]


def _key_slot(
    client: PrfKeyClient,
    rp_id: str,
    vault_id: str,
    vault_key: VaultKey,
    keys: Sequence[VaultKeyChoice],
    cancel: Event | None,
) -> NewSlot:
    """One touch of any of ``keys``: a new slot for the key that answered."""
    salt = crypto.new_salt()
    answer = client.evaluate_prf(rp_id, {key.credential_id: (salt, None) for key in keys}, cancel)
    key = next((key for key in keys if key.credential_id == answer.credential_id), None)
    if key is None:
        raise VaultWrongKeyError()
    slot_id = str(uuid.uuid4())
    wrapping = crypto.security_key_wrapping_key(
        answer.first, vault_id=vault_id, credential_id=key.credential_id
    )
    return NewSlot(
        slot_id=slot_id,
        kind=VaultSlotKind.SECURITY_KEY,
        label=key.label,
        method_id=key.method_id,
        salt=salt,
        wrapped_key=crypto.wrap_vault_key(
            wrapping,
            vault_key,
            vault_id=vault_id,
            slot_id=slot_id,
            kind=VaultSlotKind.SECURITY_KEY.value,
        ),
    )


def escrow_slot(escrow_key: str, vault_key: VaultKey, *, vault_id: str, owner: str) -> NewSlot:
    """The slot a vault carries while the policy has an escrow key (``vault.escrow``);
    ``owner``: the address the workstation signed in, bound into both layers."""
    slot_id = str(uuid.uuid4())
    return NewSlot(
        slot_id=slot_id,
        kind=VaultSlotKind.ESCROW,
        label="Organisation escrow",
        sealed_to=escrow_key,
        wrapped_key=crypto.seal_for_escrow(
            *_halves(escrow_key), vault_key, vault_id=vault_id, slot_id=slot_id, owner=owner
        ),
    )


def _halves(escrow_key: str) -> tuple[bytes, bytes]:
    halves = escrow_key_halves(escrow_key)
    if halves is None:  # the configuration and the policy both checked its form
        raise VaultEscrowKeyUntrustedError()
    return halves


def recovery_slot(
    vault_id: str, vault_key: VaultKey, recovery_key: RecoveryKey, label: str
) -> NewSlot:
    """The printed key's slot (also made by the escrow's recovery, ``vault.escrow``)."""
    slot_id = str(uuid.uuid4())
    return NewSlot(
        slot_id=slot_id,
        kind=VaultSlotKind.RECOVERY_KEY,
        label=label,
        wrapped_key=crypto.wrap_vault_key(
            crypto.recovery_key_wrapping_key(recovery_key.material, vault_id=vault_id),
            vault_key,
            vault_id=vault_id,
            slot_id=slot_id,
            kind=VaultSlotKind.RECOVERY_KEY.value,
        ),
    )


@dataclass
class VaultCreation:
    """A vault made in memory: stored once its printed key has been typed back."""

    _client: VaultClient
    vault_id: str
    _vault_key: VaultKey = field(repr=False)
    _key_slot: NewSlot = field(repr=False)
    recovery_key: RecoveryKey = field(repr=False)

    def finish(self, typed_recovery_key: str, *, label: str) -> OpenVault:
        """``typed_recovery_key``: the printed key as the person typed it back, proving
        the sheet exists; ``label``: the printed key's slot name ("Printed recovery key")."""
        typed = parse_recovery_key(typed_recovery_key)
        if typed != self.recovery_key:
            raise VaultWrongKeyError()
        client = self._client
        state = client._service.vault.create(
            client._session,
            self.vault_id,
            [
                self._key_slot,
                recovery_slot(self.vault_id, self._vault_key, self.recovery_key, label),
                *client._escrow_slots(self._vault_key, self.vault_id),
            ],
            write_check_of(crypto.write_proof(self._vault_key, vault_id=self.vault_id)),
        )
        return OpenVault(client, state, self._vault_key)


@dataclass
class RecoveryKeyReplacement:
    """A new printed key and a new vault key, made in memory: once the printed key is
    typed back, every entry is resealed under the new vault key and every old slot goes.

    The key touched for it opens the new vault key; ``dropped_keys`` — the other keys
    that opened the old one — open nothing until added again (each needs its own touch).
    """

    _vault: OpenVault
    _new_key: VaultKey = field(repr=False)
    _key_slot: NewSlot = field(repr=False)
    recovery_key: RecoveryKey = field(repr=False)
    dropped_keys: tuple[str, ...]

    @property
    def vault_id(self) -> str:
        return self._vault.vault_id

    def finish(self, typed_recovery_key: str, *, label: str) -> None:
        if parse_recovery_key(typed_recovery_key) != self.recovery_key:
            raise VaultWrongKeyError()
        vault = self._vault
        client = vault._client
        vault_id = vault.vault_id
        resealed = tuple(
            ResealedEntry(
                entry_id=entry.entry_id,
                sealed=crypto.seal_entry(
                    self._new_key,
                    entries.encode(entry.content),
                    vault_id=vault_id,
                    entry_id=entry.entry_id,
                    owner=client._owner,
                ),
                revision=entry.revision,
            )
            for entry in vault.entries()  # read now: the revisions the store checks
        )
        state = client._service.vault.rekey(
            client._session,
            vault._proof(),
            NewVaultKey(
                write_check=write_check_of(crypto.write_proof(self._new_key, vault_id=vault_id)),
                slots=(
                    self._key_slot,
                    recovery_slot(vault_id, self._new_key, self.recovery_key, label),
                    *client._escrow_slots(self._new_key, vault_id),
                ),
                entries=resealed,
            ),
        )
        vault._vault_key = self._new_key
        vault._refresh(state)


class OpenVault:
    """The vault with its key in memory: read, change, add and remove ways in."""

    def __init__(self, client: VaultClient, state: SealedVault, vault_key: VaultKey) -> None:
        self._client = client
        self._vault_key: VaultKey | None = vault_key
        self._state = state

    @property
    def vault_id(self) -> str:
        return self._state.vault_id

    @property
    def slots(self) -> tuple[SealedSlot, ...]:
        return self._state.slots

    @property
    def accepts_entries(self) -> bool:
        return self._state.accepts_entries

    @property
    def escrow_opened_at(self) -> datetime | None:
        """Administrators opened it with the escrow then: ``begin_new_recovery_key`` is due."""
        return self._state.escrow_opened_at

    @property
    def slot_removed_at(self) -> datetime | None:
        """A security key or a printed key stopped opening it then: with a copy of the store
        from before, the removed one still opens it until ``begin_new_recovery_key``."""
        return self._state.slot_removed_at

    @property
    def is_open(self) -> bool:
        return self._vault_key is not None

    def rebind(self, client: VaultClient) -> None:
        """Go on with a renewed session (after signing in again for a slot change)."""
        self._client = client

    def lock(self) -> None:
        """Forget the vault key (the idle lock, signing out, closing the screen)."""
        self._vault_key = None

    def entries(self) -> list[VaultEntry]:
        """Every entry, opened; the store's current state."""
        self._refresh()
        return [self._open(sealed) for sealed in self._state.entries]

    def add(self, content: EntryContent) -> VaultEntry:
        entry_id = str(uuid.uuid4())
        return self._save(entry_id, content.check(), revision=0)

    def change(self, entry: VaultEntry, content: EntryContent) -> VaultEntry:
        """Save ``content`` over ``entry`` as it was read (another workstation's change
        in between is ``VaultChangedElsewhereError``)."""
        return self._save(entry.entry_id, content.check(), revision=entry.revision)

    def mark_used(self, entry: VaultEntry, index: int, *, on: date) -> VaultEntry:
        """The code at ``index`` was used today (copying it does this in one action)."""
        codes = list(entry.content.codes)
        codes[index] = replace(codes[index], used_on=on)
        return self.change(entry, replace(entry.content, codes=tuple(codes)))

    def remove(self, entry: VaultEntry) -> None:
        client = self._client
        client._service.vault.remove_entry(client._session, self._proof(), entry.entry_id)

    def add_key(
        self,
        key: VaultKeyChoice,
        *,
        prompts: KeyPrompts | None = None,
        cancel: Event | None = None,
    ) -> None:
        """Another security key opens the vault too (one touch of that key)."""
        client = self._client
        slot = _key_slot(
            client._key_client(prompts),
            self._state.rp_id,
            self.vault_id,
            self._key(),
            [key],
            cancel,
        )
        self._refresh(client._service.vault.add_slot(client._session, self._proof(), slot))

    def remove_slot(self, slot: SealedSlot) -> None:
        client = self._client
        self._refresh(
            client._service.vault.remove_slot(client._session, self._proof(), slot.slot_id)
        )

    def begin_new_recovery_key(
        self, *, prompts: KeyPrompts | None = None, cancel: Event | None = None
    ) -> RecoveryKeyReplacement:
        """A new printed key (the old one lost, or seen by someone) and with it a new
        vault key: one touch of any of the user's security keys — also one registered
        since the vault was opened with the helpdesk's printed key, when every key that
        opened it was lost.  Typed back, it replaces every older printed key and reseals
        every entry."""
        self._key()
        client = self._client
        client._trusted_policy_escrow_key()  # refused before the touch, not after it
        key_slots = [s for s in self.slots if s.kind is VaultSlotKind.SECURITY_KEY]
        keys = list(client.key_choices())
        if not keys:
            raise VaultNeedsTwoSlotsError()
        new_key = VaultKey.new()
        slot = _key_slot(
            client._key_client(prompts), self._state.rp_id, self.vault_id, new_key, keys, cancel
        )
        dropped = tuple(s.label for s in key_slots if s.method_id != slot.method_id)
        return RecoveryKeyReplacement(self, new_key, slot, RecoveryKey.new(), dropped)

    # --- inside --------------------------------------------------------------------------

    def _key(self) -> VaultKey:
        if self._vault_key is None:
            raise VaultLockedError()
        return self._vault_key

    def _proof(self) -> bytes:
        return crypto.write_proof(self._key(), vault_id=self.vault_id)

    def _refresh(self, state: SealedVault | None = None) -> None:
        self._key()
        self._state = state or self._client._state()

    def _open(self, sealed: SealedEntry) -> VaultEntry:
        plaintext = crypto.open_entry(
            self._key(),
            sealed.sealed,
            vault_id=self.vault_id,
            entry_id=sealed.entry_id,
            owner=self._client._owner,
        )
        return VaultEntry(
            entry_id=sealed.entry_id,
            content=entries.decode(plaintext),
            added_at=sealed.created_at,
            changed_at=sealed.changed_at,
            revision=sealed.revision,
        )

    def _save(self, entry_id: str, content: EntryContent, *, revision: int) -> VaultEntry:
        client = self._client
        sealed = crypto.seal_entry(
            self._key(),
            entries.encode(content),
            vault_id=self.vault_id,
            entry_id=entry_id,
            owner=client._owner,
        )
        stored = client._service.vault.save_entry(
            client._session, self._proof(), entry_id, sealed, revision
        )
        return self._open(stored)


def codes_from(texts: Sequence[str]) -> tuple[StoredCode, ...]:
    """Unused codes, from what ``split_codes`` found."""
    return tuple(StoredCode(code=text) for text in texts)
