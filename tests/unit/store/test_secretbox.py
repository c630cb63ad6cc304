"""SecretBox and where its key lives (SECURITY.md C1, C4)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.errors import (
    DataKeyError,
    KeyringUnavailableError,
    SecretUnreadableError,
    StoreNotInitializedError,
)
from desktop_auth.store.db import Store
from desktop_auth.store.keys import KeyFileDataKeyStore, KeyringDataKeyStore
from desktop_auth.store.secretbox import SecretBox, new_data_key
from tests.helpers import MemoryKeyring, initialize_organisation, secret_box_of


def test_c1_seal_and_open_round_trip() -> None:
    box = SecretBox(new_data_key())
    sealed = box.seal(b"JBSWY3DPEHPK3PXP", table="totp_credentials", row_id=7, purpose="seed")
    assert b"JBSWY3DPEHPK3PXP" not in sealed
    assert box.open(sealed, table="totp_credentials", row_id=7, purpose="seed") == (
        b"JBSWY3DPEHPK3PXP"
    )


def test_c1_swapping_two_rows_ciphertexts_fails_to_open() -> None:
    """C1: associated data binds a ciphertext to its table, row and purpose."""
    box = SecretBox(new_data_key())
    row_1 = box.seal(b"seed of row 1", table="totp_credentials", row_id=1, purpose="seed")
    row_2 = box.seal(b"seed of row 2", table="totp_credentials", row_id=2, purpose="seed")
    with pytest.raises(SecretUnreadableError):
        box.open(row_2, table="totp_credentials", row_id=1, purpose="seed")
    with pytest.raises(SecretUnreadableError):
        box.open(row_1, table="totp_credentials", row_id=2, purpose="seed")
    with pytest.raises(SecretUnreadableError):
        box.open(row_1, table="totp_credentials", row_id=1, purpose="other")
    with pytest.raises(SecretUnreadableError):
        box.open(row_1, table="other_table", row_id=1, purpose="seed")


def test_c1_tampered_or_foreign_ciphertext_fails() -> None:
    box = SecretBox(new_data_key())
    sealed = bytearray(box.seal(b"x", table="t", row_id=1, purpose="p"))
    sealed[-1] ^= 1
    with pytest.raises(SecretUnreadableError):
        box.open(bytes(sealed), table="t", row_id=1, purpose="p")
    other = SecretBox(new_data_key()).seal(b"x", table="t", row_id=1, purpose="p")
    with pytest.raises(SecretUnreadableError):
        box.open(other, table="t", row_id=1, purpose="p")
    with pytest.raises(SecretUnreadableError):
        box.open(b"\x01short", table="t", row_id=1, purpose="p")
    assert "key" not in repr(box).replace("fingerprint", "")


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # reads the file's dump
def test_data_key_made_on_first_use_and_kept_in_the_keyring(
    service: AuthService, admin: Actor, memory_keyring: MemoryKeyring, store: Store
) -> None:
    # The first run's first audit event needed it (its chain key derives from it).
    assert len(memory_keyring.entries) == 1
    box = secret_box_of(service)
    assert len(memory_keyring.entries) == 1
    (service_name, username), stored = next(iter(memory_keyring.entries.items()))
    assert service_name == "desktop-auth" and username.startswith("data-key/")
    key = base64.b64decode(stored)
    # The store holds the fingerprint, never the key.
    with store.engine.connect() as conn:
        dump = "\n".join(conn.connection.iterdump())  # type: ignore[attr-defined]
    assert stored not in dump and box.fingerprint in dump
    assert SecretBox(key).fingerprint == box.fingerprint


def test_a_workstation_without_the_key_refuses_instead_of_making_a_new_one(
    service: AuthService, admin: Actor, store: Store, memory_keyring: MemoryKeyring
) -> None:
    sealed = secret_box_of(service).seal(b"s", table="t", row_id=1, purpose="p")
    elsewhere = AuthService(store, data_keys=KeyringDataKeyStore(MemoryKeyring()))
    with pytest.raises(DataKeyError) as missing:
        secret_box_of(elsewhere)
    assert missing.value.code == "data_key_missing"
    wrong_keys = MemoryKeyring()
    username = next(iter(memory_keyring.entries))[1]
    wrong_keys.set_password("desktop-auth", username, base64.b64encode(new_data_key()).decode())
    with pytest.raises(DataKeyError) as mismatch:
        secret_box_of(AuthService(store, data_keys=KeyringDataKeyStore(wrong_keys)))
    assert mismatch.value.code == "data_key_mismatch"
    assert secret_box_of(service).open(sealed, table="t", row_id=1, purpose="p") == b"s"


def test_no_secret_box_before_the_store_is_set_up(service: AuthService) -> None:
    with pytest.raises(StoreNotInitializedError):
        secret_box_of(service)


def test_no_keyring_backend_gives_an_error_naming_the_fixes(
    service: AuthService, admin: Actor, store: Store
) -> None:
    from keyring.backends.fail import Keyring as FailKeyring

    from desktop_auth.messages import translate

    headless = AuthService(store, data_keys=KeyringDataKeyStore(FailKeyring()))
    with pytest.raises(KeyringUnavailableError) as info:
        secret_box_of(headless)
    message = translate(info.value.message_key, "en", **info.value.params)
    assert "gnome-keyring" in message and "data_key_file" in message and "0600" in message


def test_key_file_is_created_with_mode_0600_and_checked(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "keys" / "data.key"
    with_file = AuthService(store, data_keys=KeyFileDataKeyStore(path))
    initialize_organisation(with_file)  # its first audit event makes the key
    box = secret_box_of(with_file)
    assert path.stat().st_mode & 0o777 == 0o600
    assert secret_box_of(AuthService(store, data_keys=KeyFileDataKeyStore(path))).fingerprint == (
        box.fingerprint
    )
    os.chmod(path, 0o644)
    with pytest.raises(DataKeyError) as info:
        secret_box_of(AuthService(store, data_keys=KeyFileDataKeyStore(path)))
    assert info.value.code == "data_key_file_permissions"
    os.chmod(path, 0o600)
    path.write_text("not base64 at all!\n")
    with pytest.raises(DataKeyError) as bad:
        secret_box_of(AuthService(store, data_keys=KeyFileDataKeyStore(path)))
    assert bad.value.code == "data_key_malformed"


def test_an_empty_key_file_made_ready_by_it_receives_the_key(store: Store, tmp_path: Path) -> None:
    """Tried (issue 19): an empty 0600 key file, as the README advises; ``admin init``
    then called it damaged.  Empty means no key yet: the new store's key is written into
    it.  A file that holds anything, or that others may read, is never written."""
    path = tmp_path / "data.key"
    path.touch(mode=0o600)
    with_file = AuthService(store, data_keys=KeyFileDataKeyStore(path))
    initialize_organisation(with_file)
    box = secret_box_of(with_file)
    assert path.stat().st_mode & 0o777 == 0o600
    assert secret_box_of(AuthService(store, data_keys=KeyFileDataKeyStore(path))).fingerprint == (
        box.fingerprint
    )
    other = tmp_path / "open.key"
    other.touch(mode=0o644)
    os.chmod(other, 0o644)
    with pytest.raises(DataKeyError):
        KeyFileDataKeyStore(other).save("store", new_data_key())
    assert other.read_text() == ""


def test_keyed_hash_depends_on_key_and_purpose() -> None:
    """M3: codes are kept as keyed hashes; a subkey per purpose keeps uses apart."""
    from desktop_auth.store.secretbox import SecretBox, new_data_key

    box, other = SecretBox(new_data_key()), SecretBox(new_data_key())
    first = box.keyed_hash(b"7:2345ABCD", purpose="recovery-code")
    assert len(first) == 32
    assert first == box.keyed_hash(b"7:2345ABCD", purpose="recovery-code")
    assert first != box.keyed_hash(b"7:2345ABCD", purpose="backup-code")
    assert first != box.keyed_hash(b"8:2345ABCD", purpose="recovery-code")
    assert first != other.keyed_hash(b"7:2345ABCD", purpose="recovery-code")
