"""The organisation's vault escrow: two administrators' keys, one sealed inside the other.

Each administrator makes their own X25519 key on their own workstation
(``make_administrator_key``): the private half goes into a file under that
administrator's passphrase (scrypt and AES-256-GCM, as the data key's export file) and
never leaves it; the public half is printed.  ``init`` puts the two public keys in the
policy (``vault_escrow_key``, ``core/escrow_key.py``), and every vault made or re-keyed
from then on carries a slot sealed to both, the second's layer inside the first's
(``crypto.seal_for_escrow``).  Nobody ever types both passphrases, nor holds both
private keys, at one keyboard.

Opening is the helpdesk's last resort for a user who lost both their keys and their
printed sheet, in two steps on two workstations, after one administrator asked and the
other approved (``core/vault_escrow.py``):

1. ``open_first_layer``: the first administrator's key opens the outer layer of the slot
   the store hands out.  What remains (``HalfOpened``) is still sealed to the second
   administrator's key: it can travel to them by any means, and tells its carrier
   nothing.
2. ``finish_opening``: the second administrator's key opens the vault key from it, on
   their own workstation, and gives the vault a new printed key.

The server sees the slot handed out and the new printed key's slot come back (both
audited, and the user e-mailed), never an administrator's private key or the vault key.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from desktop_auth.core.escrow_key import escrow_key_halves, public_key_text
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.errors import (
    VaultEscrowHalfFileError,
    VaultEscrowNotFirstKeyError,
    VaultEscrowNotSecondKeyError,
    VaultEscrowOffError,
)
from desktop_auth.store import key_envelope
from desktop_auth.vault import crypto
from desktop_auth.vault.client import recovery_slot
from desktop_auth.vault.recovery_key import RecoveryKey

KEY_FORMAT = "desktop-auth-vault-escrow-administrator-key"
HALF_FORMAT = "desktop-auth-vault-escrow-half-opened"
HALF_VERSION = 1


@dataclass(frozen=True)
class NewAdministratorKey:
    """What ``make_administrator_key`` gives: the public key to print, the sealed file."""

    public_key: str
    sealed: bytes = field(repr=False)


@dataclass(frozen=True)
class AdministratorKey:
    """One administrator's escrow key, opened from its file; held in memory only."""

    private_key: X25519PrivateKey = field(repr=False)

    @property
    def public_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes_raw()


def make_administrator_key(passphrase: str) -> NewAdministratorKey:
    """A new administrator's escrow key, its private half sealed under ``passphrase``
    (at least 12 characters)."""
    key_envelope.check_passphrase(passphrase)
    private_key = X25519PrivateKey.generate()
    return NewAdministratorKey(
        public_key=public_key_text(private_key.public_key().public_bytes_raw()),
        sealed=key_envelope.seal_key(
            private_key.private_bytes_raw(), passphrase, file_format=KEY_FORMAT
        ),
    )


def open_administrator_key(content: bytes, passphrase: str) -> AdministratorKey:
    """The administrator's key from its file and passphrase."""
    raw = key_envelope.open_key(content, passphrase, file_format=KEY_FORMAT).key
    return AdministratorKey(X25519PrivateKey.from_private_bytes(raw))


def escrow_key(first_public_key: str, second_public_key: str) -> str:
    """The policy's escrow key of two administrators' public keys as ``keygen`` printed
    them (the policy checks it: two different usable keys)."""
    return f"{first_public_key.strip()}:{second_public_key.strip()}"


@dataclass(frozen=True, kw_only=True)
class HalfOpened:
    """A vault's escrow slot with the first administrator's layer opened: the vault key
    still sealed to the second administrator's key (bound to its vault and slot), and
    whose it is.  Nothing in it is secret to anyone but that second administrator."""

    email: str
    vault_id: str
    slot_id: str
    escrow_key: str
    inner: bytes = field(repr=False)

    def to_file(self) -> bytes:
        return (
            json.dumps(
                {
                    "format": HALF_FORMAT,
                    "version": HALF_VERSION,
                    "email": self.email,
                    "vault_id": self.vault_id,
                    "slot_id": self.slot_id,
                    "escrow_key": self.escrow_key,
                    "inner": base64.b64encode(self.inner).decode("ascii"),
                },
                indent=2,
            )
            + "\n"
        ).encode("utf-8")

    @classmethod
    def from_file(cls, content: bytes) -> HalfOpened:
        """What ``to_file`` wrote; ``VaultEscrowHalfFileError`` for anything else (an
        altered layer is found by the second administrator's key, which will not open it)."""
        try:
            data = json.loads(content.decode("utf-8"))
            if data["format"] != HALF_FORMAT or data["version"] != HALF_VERSION:
                raise VaultEscrowHalfFileError()
            text = {name: data[name] for name in ("email", "vault_id", "slot_id", "escrow_key")}
            if not all(isinstance(value, str) for value in text.values()):
                raise VaultEscrowHalfFileError()
            inner = base64.b64decode(data["inner"], validate=True)
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise VaultEscrowHalfFileError() from None
        if len(inner) != crypto.ESCROW_INNER_BYTES:
            raise VaultEscrowHalfFileError()  # cut or padded: not what step 1 wrote
        return cls(inner=inner, **text)


def _is_half(key: AdministratorKey, escrow: str, which: int) -> bool:
    halves = escrow_key_halves(escrow)
    return halves is not None and hmac.compare_digest(halves[which], key.public_bytes)


def open_first_layer(
    service: AuthService, key: AdministratorKey, *, actor: Actor, email: str
) -> HalfOpened:
    """Step 1, the first administrator's: ``email``'s escrow slot from the store (on the
    request one of them made and the other approved, which it uses up), with this key's
    layer opened."""
    # Checked before the slot is taken: a wrong key file wastes no approval.
    in_force = service.policy.current().vault_escrow_key
    if not in_force:
        raise VaultEscrowOffError()
    if not _is_half(key, in_force, 0):
        raise VaultEscrowNotFirstKeyError()
    escrowed = service.vault.escrow_slot(actor=actor, email=email)
    if not _is_half(key, escrowed.escrow_key, 0):
        raise VaultEscrowNotFirstKeyError()  # the key changed in between
    # Bound to the address typed here, not to what the store says: a store that hands
    # out another vault's slot gets it refused, never unwrapped for the wrong person.
    inner = crypto.open_escrow_outer(
        key.private_key,
        escrowed.wrapped_key,
        vault_id=escrowed.vault_id,
        slot_id=escrowed.slot_id,
        owner=email,
    )
    return HalfOpened(
        email=email,
        vault_id=escrowed.vault_id,
        slot_id=escrowed.slot_id,
        escrow_key=escrowed.escrow_key,
        inner=inner,
    )


def finish_opening(
    service: AuthService, key: AdministratorKey, half: HalfOpened, *, actor: Actor, label: str
) -> RecoveryKey:
    """Step 2, the second administrator's: the vault key from what the first opened, and
    a new printed key for the vault, returned for the helpdesk to hand over (the user then
    makes their own).  The store takes it only from one of the two who asked and approved,
    within minutes of the slot being handed out, with proof of the vault key."""
    if not _is_half(key, half.escrow_key, 1):
        raise VaultEscrowNotSecondKeyError()
    vault_key = crypto.open_escrow_inner(
        key.private_key, half.inner, vault_id=half.vault_id, slot_id=half.slot_id, owner=half.email
    )
    recovery_key = RecoveryKey.new()
    slot = recovery_slot(half.vault_id, vault_key, recovery_key, label)
    service.vault.recover_with_escrow(
        actor=actor,
        email=half.email,
        proof=crypto.write_proof(vault_key, vault_id=half.vault_id),
        slot=slot,
    )
    return recovery_key
