"""The vault's seals: a wrong key, a tampered ciphertext, an entry moved to another
entry, vault or user, a slot swapped — none opens (SECURITY.md V1, V2)."""

from __future__ import annotations

import os

import pytest

from desktop_auth.errors import VaultSealBrokenError, VaultWrongKeyError
from desktop_auth.vault import crypto
from desktop_auth.vault.crypto import VaultKey

VAULT, OTHER_VAULT = "vault-a", "vault-b"
ENTRY = {"vault_id": VAULT, "entry_id": "entry-1", "owner": "user:7"}


def test_an_entry_opens_under_its_own_key_and_binding() -> None:
    key = VaultKey.new()
    sealed = crypto.seal_entry(key, b"GitHub 1234-5678", **ENTRY)
    assert b"1234" not in sealed
    assert crypto.open_entry(key, sealed, **ENTRY) == b"GitHub 1234-5678"


def test_two_seals_of_the_same_entry_differ() -> None:
    key = VaultKey.new()
    assert crypto.seal_entry(key, b"x", **ENTRY) != crypto.seal_entry(key, b"x", **ENTRY)


@pytest.mark.parametrize(
    "moved",
    [
        {"entry_id": "entry-2"},
        {"vault_id": OTHER_VAULT},
        {"owner": "user:8"},
        # The parts are length-prefixed: shifting text between them changes the binding.
        {"vault_id": "vault-ae", "entry_id": "ntry-1"},
    ],
)
def test_v1_an_entry_moved_elsewhere_does_not_open(moved: dict[str, str]) -> None:
    key = VaultKey.new()
    sealed = crypto.seal_entry(key, b"codes", **ENTRY)
    with pytest.raises(VaultSealBrokenError):
        crypto.open_entry(key, sealed, **{**ENTRY, **moved})


def test_v1_a_wrong_key_or_a_flipped_bit_does_not_open() -> None:
    key = VaultKey.new()
    sealed = crypto.seal_entry(key, b"codes", **ENTRY)
    with pytest.raises(VaultSealBrokenError):
        crypto.open_entry(VaultKey.new(), sealed, **ENTRY)
    for position in (0, 5, len(sealed) - 1):
        tampered = bytearray(sealed)
        tampered[position] ^= 0x01
        with pytest.raises(VaultSealBrokenError):
            crypto.open_entry(key, bytes(tampered), **ENTRY)
    with pytest.raises(VaultSealBrokenError):
        crypto.open_entry(key, sealed[:20], **ENTRY)


def test_v2_a_slot_unwraps_only_with_its_key_in_its_place() -> None:
    vault_key = VaultKey.new()
    wrapping = crypto.recovery_key_wrapping_key(os.urandom(20), vault_id=VAULT)
    place = {"vault_id": VAULT, "slot_id": "slot-1", "kind": "recovery_key"}
    wrapped = crypto.wrap_vault_key(wrapping, vault_key, **place)
    assert crypto.unwrap_vault_key(wrapping, wrapped, **place) == vault_key
    assert vault_key.material not in wrapped
    for swapped in ({"slot_id": "slot-2"}, {"vault_id": OTHER_VAULT}, {"kind": "security_key"}):
        with pytest.raises(VaultWrongKeyError):
            crypto.unwrap_vault_key(wrapping, wrapped, **{**place, **swapped})
    with pytest.raises(VaultWrongKeyError):
        crypto.unwrap_vault_key(os.urandom(32), wrapped, **place)


def test_a_keys_wrapping_key_depends_on_its_prf_output_vault_and_credential() -> None:
    prf = os.urandom(32)
    base = crypto.security_key_wrapping_key(prf, vault_id=VAULT, credential_id=b"cred-1")
    assert base == crypto.security_key_wrapping_key(prf, vault_id=VAULT, credential_id=b"cred-1")
    others = {
        crypto.security_key_wrapping_key(os.urandom(32), vault_id=VAULT, credential_id=b"cred-1"),
        crypto.security_key_wrapping_key(prf, vault_id=OTHER_VAULT, credential_id=b"cred-1"),
        crypto.security_key_wrapping_key(prf, vault_id=VAULT, credential_id=b"cred-2"),
        crypto.recovery_key_wrapping_key(prf, vault_id=VAULT),
    }
    assert base not in others and len(others) == 4
    assert len(base) == 32 and base != prf


def test_the_vault_key_never_shows_in_its_repr() -> None:
    key = VaultKey.new()
    assert key.material.hex() not in repr(key) and str(key.material) not in repr(key)
