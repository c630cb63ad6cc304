"""The vault's cryptography: one random vault key, entries sealed under it, and slots
that each wrap it under a key of their own (as LUKS and Aegis keep them).

* An entry is AES-256-GCM under the vault key; its associated data binds it to its
  entry, its vault and its owner, so a ciphertext moved to another entry, vault or
  user does not open (SECURITY.md V1).
* A slot is the vault key, AES-256-GCM under a wrapping key; its associated data binds
  it to its slot, kind and vault, so a slot swapped into another vault or posing as
  another kind does not open.
* A security key's wrapping key is HKDF-SHA256 of the key's PRF output (hmac-secret,
  with user verification), with the vault id and credential id as context; the printed
  recovery key's is HKDF of its 160 random bits.  Both inputs are full-entropy secrets,
  so HKDF (not a password hash) is the right derivation.

Adding or removing a slot re-wraps the vault key only; entries are never touched
(SECURITY.md V3).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop_auth.errors import VaultSealBrokenError, VaultWrongKeyError

KEY_BYTES = 32
NONCE_BYTES = 12
#: AES-GCM's authentication tag.
TAG_BYTES = 16
#: The format byte in front of every ciphertext: a later format can be told apart.
FORMAT = b"\x01"
_ENTRY_CONTEXT = b"desktop-auth vault entry v1"
_SLOT_CONTEXT = b"desktop-auth vault slot v1"
_KEY_SLOT_INFO = b"desktop-auth vault security-key slot v1"
_RECOVERY_SLOT_INFO = b"desktop-auth vault recovery-key slot v1"
_WRITE_PROOF_INFO = b"desktop-auth vault write proof v1"
#: The escrow slot's two layers (v2: two administrators' keys, one inside the other).
_ESCROW_INNER_INFO = b"desktop-auth vault escrow inner layer v2"
_ESCROW_OUTER_INFO = b"desktop-auth vault escrow outer layer v2"
#: An X25519 public key, at the front of each layer of an escrow slot.
ESCROW_KEY_BYTES = 32
#: An escrow slot's inner layer, what the first administrator's step hands the second: a
#: one-time public key, then the vault key wrapped as every slot is (format, nonce, key, tag).
ESCROW_INNER_BYTES = ESCROW_KEY_BYTES + len(FORMAT) + NONCE_BYTES + KEY_BYTES + TAG_BYTES


@dataclass(frozen=True)
class VaultKey:
    """The 256-bit key the entries are sealed under.  Never leaves the workstation."""

    material: bytes = field(repr=False)

    @classmethod
    def new(cls) -> VaultKey:
        return cls(os.urandom(KEY_BYTES))


def _associated(context: bytes, *parts: str) -> bytes:
    # Length-prefixed, so ("ab", "c") and ("a", "bc") never give the same bytes.
    out = bytearray(context)
    for part in parts:
        encoded = part.encode()
        out += len(encoded).to_bytes(2, "big") + encoded
    return bytes(out)


def _seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT + nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def _open(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    if len(sealed) < len(FORMAT) + NONCE_BYTES + TAG_BYTES or sealed[:1] != FORMAT:
        raise InvalidTag()
    nonce, ciphertext = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    return AESGCM(key).decrypt(nonce, ciphertext, associated)


def seal_entry(
    key: VaultKey, plaintext: bytes, *, vault_id: str, entry_id: str, owner: str
) -> bytes:
    """``owner``: the user the vault belongs to, as the workstation knows them (its
    signed-in session), never as the store says."""
    return _seal(key.material, plaintext, _associated(_ENTRY_CONTEXT, vault_id, entry_id, owner))


def open_entry(key: VaultKey, sealed: bytes, *, vault_id: str, entry_id: str, owner: str) -> bytes:
    """The entry's plaintext; ``VaultSealBrokenError`` if it was altered, moved or is not
    sealed under this key (the vault key was already proven by its slot)."""
    try:
        return _open(key.material, sealed, _associated(_ENTRY_CONTEXT, vault_id, entry_id, owner))
    except InvalidTag:
        raise VaultSealBrokenError() from None


def wrap_vault_key(
    wrapping_key: bytes, vault_key: VaultKey, *, vault_id: str, slot_id: str, kind: str
) -> bytes:
    return _seal(
        wrapping_key, vault_key.material, _associated(_SLOT_CONTEXT, vault_id, slot_id, kind)
    )


def unwrap_vault_key(
    wrapping_key: bytes, wrapped: bytes, *, vault_id: str, slot_id: str, kind: str
) -> VaultKey:
    """``VaultWrongKeyError`` for a wrong key and for a slot altered or moved alike:
    which of the two it was is nothing an attacker should learn."""
    try:
        material = _open(wrapping_key, wrapped, _associated(_SLOT_CONTEXT, vault_id, slot_id, kind))
    except InvalidTag:
        raise VaultWrongKeyError() from None
    if len(material) != KEY_BYTES:
        raise VaultWrongKeyError()
    return VaultKey(material)


def _hkdf(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(secret)


def security_key_wrapping_key(prf_output: bytes, *, vault_id: str, credential_id: bytes) -> bytes:
    """From one PRF output of the credential (32 bytes, user verified)."""
    return _hkdf(prf_output, _associated(_KEY_SLOT_INFO, vault_id) + credential_id)


def recovery_key_wrapping_key(recovery_key: bytes, *, vault_id: str) -> bytes:
    return _hkdf(recovery_key, _associated(_RECOVERY_SLOT_INFO, vault_id))


def _escrow_wrapping_key(
    shared: bytes, ephemeral: bytes, recipient: bytes, info: bytes, vault_id: str, owner: str
) -> bytes:
    bound = _associated(info, vault_id, escrow_owner(owner))
    return _hkdf(shared, bound + ephemeral + recipient)


def escrow_owner(email: str) -> str:
    """Whose vault an escrow slot is, as bound into both its layers: the owner's address
    as an administrator types it, in one case.  Bound so that a store handing out another
    vault's slot for the address asked about gets that slot refused, not unwrapped."""
    return email.strip().lower()


def _shared_secret(private_key: X25519PrivateKey, ephemeral_public: bytes) -> bytes:
    try:
        return private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    except ValueError:  # not a point, or one of low order: nothing was sealed to us
        raise VaultWrongKeyError() from None


def _to_recipient(
    recipient_public: bytes, info: bytes, vault_id: str, owner: str
) -> tuple[bytes, bytes]:
    """A one-time key pair's public half and the wrapping key it shares with the
    recipient (ECIES: X25519, then HKDF bound to the vault, both public keys and ``info``)."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    wrapping = _escrow_wrapping_key(
        shared, ephemeral_public, recipient_public, info, vault_id, owner
    )
    return ephemeral_public, wrapping


def _from_sender(
    private_key: X25519PrivateKey, sealed: bytes, info: bytes, vault_id: str, owner: str
) -> tuple[bytes, bytes]:
    """The wrapping key ``_to_recipient`` made for ``private_key``, and what it sealed."""
    ephemeral_public, rest = sealed[:ESCROW_KEY_BYTES], sealed[ESCROW_KEY_BYTES:]
    recipient = private_key.public_key().public_bytes_raw()
    shared = _shared_secret(private_key, ephemeral_public)
    wrapping = _escrow_wrapping_key(shared, ephemeral_public, recipient, info, vault_id, owner)
    return wrapping, rest


def seal_for_escrow(
    first_public: bytes,
    second_public: bytes,
    vault_key: VaultKey,
    *,
    vault_id: str,
    slot_id: str,
    owner: str,
) -> bytes:
    """The vault key sealed to two administrators' keys, one inside the other: wrapped
    as every slot is under a key shared with the second administrator's key, and that
    sealed under a key shared with the first's (each ECIES with a one-time X25519 key,
    bound to vault, slot and ``owner``'s address, ``escrow_owner``).  The first
    administrator's key opens only a layer that
    the second's alone can open: neither key, nor its holder, opens a vault alone."""
    ephemeral, wrapping = _to_recipient(second_public, _ESCROW_INNER_INFO, vault_id, owner)
    inner = ephemeral + wrap_vault_key(
        wrapping, vault_key, vault_id=vault_id, slot_id=slot_id, kind="escrow"
    )
    ephemeral, wrapping = _to_recipient(first_public, _ESCROW_OUTER_INFO, vault_id, owner)
    return ephemeral + _seal(wrapping, inner, _associated(_ESCROW_OUTER_INFO, vault_id, slot_id))


def open_escrow_outer(
    first_key: X25519PrivateKey, wrapped: bytes, *, vault_id: str, slot_id: str, owner: str
) -> bytes:
    """The first administrator's step: the inner layer, still sealed to the second
    administrator's key.  ``VaultWrongKeyError`` for another key and for a slot altered
    or moved alike."""
    wrapping, sealed = _from_sender(first_key, wrapped, _ESCROW_OUTER_INFO, vault_id, owner)
    try:
        return _open(wrapping, sealed, _associated(_ESCROW_OUTER_INFO, vault_id, slot_id))
    except InvalidTag:
        raise VaultWrongKeyError() from None


def open_escrow_inner(
    second_key: X25519PrivateKey, inner: bytes, *, vault_id: str, slot_id: str, owner: str
) -> VaultKey:
    """The second administrator's step: the vault key from the layer the first opened.
    ``VaultWrongKeyError`` for another key and for a layer altered or moved alike."""
    wrapping, rest = _from_sender(second_key, inner, _ESCROW_INNER_INFO, vault_id, owner)
    return unwrap_vault_key(wrapping, rest, vault_id=vault_id, slot_id=slot_id, kind="escrow")


def write_proof(key: VaultKey, *, vault_id: str) -> bytes:
    """What every change to the vault shows the store: proof of holding the vault key.
    One-way (HKDF), so the store, which keeps only its SHA-256, learns nothing of the key."""
    return _hkdf(key.material, _associated(_WRITE_PROOF_INFO, vault_id))


def new_salt() -> bytes:
    """A PRF input: 32 random bytes, new for every slot and every re-wrap."""
    return os.urandom(KEY_BYTES)
