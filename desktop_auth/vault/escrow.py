"""The organisation's vault escrow: a key two administrators can use only together.

``make_escrow`` makes an X25519 key pair.  The public key goes into the policy
(``vault_escrow_key``) and every vault made or re-keyed from then on carries a slot sealed
to it (``client.escrow_slot``).  The private key is never written whole: it is split
into two random-looking shares (XOR: either share alone is 32 random bytes and says
nothing of the key), each sealed in a file under its own administrator's passphrase
(scrypt and AES-256-GCM, as the data key's export file).

``recover_vault`` is the helpdesk's last resort for a user who lost both their keys and
their printed sheet: both shares and both passphrases open the user's escrow slot here,
on the administrators' workstation, and give the vault a new printed key.  The server sees
the slot handed out and the new printed key's slot come back (both audited, and the user
e-mailed) — never the escrow key or the vault key.
"""

from __future__ import annotations

import base64
import hmac
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.errors import VaultEscrowSharesWrongError
from desktop_auth.store import key_envelope
from desktop_auth.vault import crypto
from desktop_auth.vault.client import recovery_slot
from desktop_auth.vault.recovery_key import RecoveryKey

SHARE_FORMAT = "desktop-auth-vault-escrow-share"


@dataclass(frozen=True)
class NewEscrow:
    """What ``make_escrow`` gives: the policy's public key and the two share files."""

    public_key: str
    shares: tuple[bytes, bytes] = field(repr=False)


@dataclass(frozen=True)
class EscrowKey:
    """The escrow's private key, put together from both shares; held in memory only."""

    private_key: X25519PrivateKey = field(repr=False)

    @property
    def public_key(self) -> str:
        return _encoded(self.private_key.public_key().public_bytes_raw())


def _encoded(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _xor(one: bytes, other: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(one, other, strict=True))


def make_escrow(passphrase_one: str, passphrase_other: str) -> NewEscrow:
    """A new escrow key, its private half in two shares sealed under the two
    administrators' passphrases (each at least 12 characters)."""
    key_envelope.check_passphrase(passphrase_one)
    key_envelope.check_passphrase(passphrase_other)
    private_key = X25519PrivateKey.generate()
    share_one = crypto.new_salt()  # 32 random bytes
    share_other = _xor(private_key.private_bytes_raw(), share_one)
    return NewEscrow(
        public_key=_encoded(private_key.public_key().public_bytes_raw()),
        shares=(
            key_envelope.seal_key(share_one, passphrase_one, file_format=SHARE_FORMAT),
            key_envelope.seal_key(share_other, passphrase_other, file_format=SHARE_FORMAT),
        ),
    )


def open_escrow(
    share_one: bytes, passphrase_one: str, share_other: bytes, passphrase_other: str
) -> EscrowKey:
    """The escrow key from both share files (in either order) and their passphrases."""
    one = key_envelope.open_key(share_one, passphrase_one, file_format=SHARE_FORMAT).key
    other = key_envelope.open_key(share_other, passphrase_other, file_format=SHARE_FORMAT).key
    if hmac.compare_digest(one, other):  # the same share twice: one administrator alone
        raise VaultEscrowSharesWrongError()
    return EscrowKey(X25519PrivateKey.from_private_bytes(_xor(one, other)))


def recover_vault(
    service: AuthService, escrow: EscrowKey, *, actor: Actor, email: str, label: str
) -> RecoveryKey:
    """Open ``email``'s vault with the escrow and give it a new printed key, which is
    returned for the helpdesk to hand over (the user then makes their own)."""
    escrowed = service.vault.escrow_slot(actor=actor, email=email)
    if not hmac.compare_digest(escrowed.escrow_key.encode(), escrow.public_key.encode()):
        raise VaultEscrowSharesWrongError()  # shares of an older or another escrow
    vault_key = crypto.open_from_escrow(
        escrow.private_key,
        escrowed.wrapped_key,
        vault_id=escrowed.vault_id,
        slot_id=escrowed.slot_id,
    )
    recovery_key = RecoveryKey.new()
    slot = recovery_slot(escrowed.vault_id, vault_key, recovery_key, label)
    service.vault.recover_with_escrow(
        actor=actor,
        email=email,
        proof=crypto.write_proof(vault_key, vault_id=escrowed.vault_id),
        slot=slot,
    )
    return recovery_key
