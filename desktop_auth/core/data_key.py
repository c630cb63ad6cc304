"""Opening the store's SecretBox with this workstation's copy of the data key.

The store keeps the key's fingerprint, never the key.  A workstation whose key
does not match refuses to go on (fail closed) instead of sealing new secrets
under a second key.
"""

from __future__ import annotations

import hmac
from enum import StrEnum

from sqlalchemy.orm import Session as DbSession

from desktop_auth.errors import (
    DataKeyError,
    DataKeyMismatchError,
    DataKeyMissingError,
    KeyFileOtherStoreError,
    StoreNotInitializedError,
)
from desktop_auth.store.db import Store
from desktop_auth.store.key_envelope import check_passphrase, open_key, seal_key
from desktop_auth.store.keys import DataKeyStore
from desktop_auth.store.locks import lock_setting
from desktop_auth.store.secretbox import SecretBox, key_fingerprint, new_data_key
from desktop_auth.store.settings import DATA_KEY_FINGERPRINT, STORE_ID, get_setting, put_setting


class DataKeyState(StrEnum):
    NOT_INITIALIZED = "not_initialized"  # no store yet
    NOT_CREATED = "not_created"  # nothing sealed yet; made on first use
    PRESENT = "present"  # this workstation has the store's key
    MISSING = "missing"  # the store has sealed secrets, this workstation lacks the key
    MISMATCH = "mismatch"  # this workstation holds a different key


def inspect_data_key(store: Store, keys: DataKeyStore) -> tuple[DataKeyState, bytes | None]:
    """Look without changing anything (``doctor`` uses this)."""
    with store.transaction() as db:
        return _inspect(db, keys)


def _inspect(db: DbSession, keys: DataKeyStore) -> tuple[DataKeyState, bytes | None]:
    store_id = get_setting(db, STORE_ID)
    fingerprint = get_setting(db, DATA_KEY_FINGERPRINT)
    if not store_id:
        return DataKeyState.NOT_INITIALIZED, None
    key = keys.load(store_id)
    if key is None:
        return (DataKeyState.NOT_CREATED if fingerprint is None else DataKeyState.MISSING), None
    if fingerprint is not None and not hmac.compare_digest(fingerprint, key_fingerprint(key)):
        return DataKeyState.MISMATCH, None
    return DataKeyState.PRESENT, key


def open_secret_box(store: Store, keys: DataKeyStore) -> SecretBox:
    """The SecretBox for this store, making the data key on first use."""
    with store.transaction() as db:
        box, _ = open_secret_box_in(db, keys)
    return box


def open_secret_box_in(db: DbSession, keys: DataKeyStore) -> tuple[SecretBox, bool]:
    """The same, inside the caller's transaction; also says whether this claimed the
    store for the key just now (then the claim holds only once that transaction
    commits, and callers must not keep the box before).

    A factor first needs the box while its own transaction is open; on SQLite a
    second transaction would wait for the first's write lock forever.
    """
    key, claimed = _current_key(db, keys)
    return SecretBox(key), claimed


def current_key(db: DbSession, keys: DataKeyStore) -> bytes:
    """This store's data key as this workstation holds it, made on first use."""
    return _current_key(db, keys)[0]


def _current_key(db: DbSession, keys: DataKeyStore) -> tuple[bytes, bool]:
    state, key = _inspect(db, keys)
    if state is DataKeyState.NOT_INITIALIZED:
        raise StoreNotInitializedError()
    _refuse_wrong_key(state, keys)
    if key is None or get_setting(db, DATA_KEY_FINGERPRINT) is None:
        return _claim_first_key(db, keys), True
    return key, False


def _refuse_wrong_key(state: DataKeyState, keys: DataKeyStore) -> None:
    if state is DataKeyState.MISSING:
        # Secrets exist under a key this workstation lacks: a new key would orphan
        # them.  The fix is to bring the key here, not to start over.
        raise DataKeyMissingError(where=keys.describe())
    if state is DataKeyState.MISMATCH:
        raise DataKeyMismatchError(where=keys.describe())


def check_data_key(store: Store, keys: DataKeyStore) -> None:
    """Refuse to start with a key that cannot open this store's secrets (or none at all)."""
    state, _ = inspect_data_key(store, keys)
    _refuse_wrong_key(state, keys)


def export_data_key(store: Store, keys: DataKeyStore, passphrase: str) -> tuple[bytes, str]:
    """The data key sealed under ``passphrase`` (the file's content), and its fingerprint."""
    check_passphrase(passphrase)
    with store.transaction() as db:
        key = current_key(db, keys)
    return seal_key(key, passphrase), key_fingerprint(key)


def import_data_key(store: Store, keys: DataKeyStore, content: bytes, passphrase: str) -> str:
    """Keep the key from an exported file on this workstation; returns its fingerprint.

    Only a key whose fingerprint is the store's is taken (or any key while the
    store has none yet): a file from another store is refused before anything
    is written.  A wrong key already here is replaced, which is the fix for
    ``error.data_key_mismatch``.
    """
    opened = open_key(content, passphrase)
    with store.transaction() as db:
        store_id = get_setting(db, STORE_ID)
        if not store_id:
            raise StoreNotInitializedError()
        lock_setting(db, STORE_ID)
        db.expire_all()
        fingerprint = get_setting(db, DATA_KEY_FINGERPRINT)
        if fingerprint is None:
            put_setting(db, DATA_KEY_FINGERPRINT, opened.fingerprint)
        elif not hmac.compare_digest(fingerprint, opened.fingerprint):
            raise KeyFileOtherStoreError()
        try:
            held = keys.load(store_id)
        except DataKeyError:  # a damaged key here is what the import repairs
            held = None
        if held is None or not hmac.compare_digest(held, opened.key):
            keys.save(store_id, opened.key)
    return opened.fingerprint


def _claim_first_key(db: DbSession, keys: DataKeyStore) -> bytes:
    """The store's first data key, made here or brought by this workstation.

    Two workstations starting on a fresh PostgreSQL store must not each make a
    key: the store-id row is locked, the state read again, and the one that
    comes second finds the first one's fingerprint (and is told to import the
    key) instead of sealing secrets under a second key.
    """
    lock_setting(db, STORE_ID)
    db.expire_all()
    state, key = _inspect(db, keys)
    _refuse_wrong_key(state, keys)
    if key is None:
        key = new_data_key()
        keys.save(get_setting(db, STORE_ID), key)
    stored = get_setting(db, DATA_KEY_FINGERPRINT)
    if stored is None:
        put_setting(db, DATA_KEY_FINGERPRINT, key_fingerprint(key))
    elif not hmac.compare_digest(stored, key_fingerprint(key)):
        # Never seal under a key the store does not know (fail closed).
        raise DataKeyMismatchError(where=keys.describe())
    return key
