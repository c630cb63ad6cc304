"""The keys that make the audit log tamper-evident, even against the database's owner.

Both come from the data key by HKDF (``SecretBox.derived_key``), so they are kept
exactly as the data key is — in the server's key file or the workstation's
keyring — and the database never holds either:

- the chain key: each event's chain value is an HMAC-SHA256 under it, so whoever
  rewrites an event cannot compute the value that would hide it;
- the signing key (Ed25519): it signs the chain's head on every append and a
  checkpoint every so many events, so a tail cut off and a head set back show too.
  The public key's fingerprint is printed by ``admin audit verify`` for the record.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from desktop_auth.store.secretbox import SecretBox

CHAIN_KEY_PURPOSE = "audit-chain"
SIGNING_KEY_PURPOSE = "audit-signing"


class AuditSeal:
    """Computes chain values and signs and checks statements about the chain."""

    def __init__(self, box: SecretBox) -> None:
        self._chain_key = box.derived_key(CHAIN_KEY_PURPOSE)
        self._signing_key = Ed25519PrivateKey.from_private_bytes(
            box.derived_key(SIGNING_KEY_PURPOSE)
        )
        self.public_key: Ed25519PublicKey = self._signing_key.public_key()
        raw = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        #: A non-secret name for the signing key, as an auditor would note it down.
        self.fingerprint = hashlib.sha256(raw).hexdigest()[:32]
        self.data_key_fingerprint = box.fingerprint

    def __repr__(self) -> str:  # never show a key
        return f"AuditSeal(fingerprint={self.fingerprint!r})"

    def chain_value(self, canonical: bytes) -> str:
        return hmac.new(self._chain_key, canonical, hashlib.sha256).hexdigest()

    def sign(self, statement: bytes) -> str:
        return self._signing_key.sign(statement).hex()

    def signed(self, statement: bytes, signature: str | None) -> bool:
        if signature is None:
            return False
        try:
            self.public_key.verify(bytes.fromhex(signature), statement)
        except (InvalidSignature, ValueError):
            return False
        return True
