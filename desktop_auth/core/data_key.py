"""Opening the store's SecretBox with this workstation's copy of the data key.

The store keeps the key's fingerprint, never the key.  A workstation whose key
does not match refuses to go on (fail closed) instead of sealing new secrets
under a second key.
"""

from __future__ import annotations

import hmac
from enum import StrEnum

from desktop_auth.errors import DataKeyError, StoreNotInitializedError
from desktop_auth.store.db import Store
from desktop_auth.store.keys import DataKeyStore
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
    state, key = inspect_data_key(store, keys)
    if state is DataKeyState.NOT_INITIALIZED:
        raise StoreNotInitializedError()
    if state is DataKeyState.MISSING:
        # Secrets exist under a key this workstation lacks: a new key would orphan
        # them.  The fix is to bring the key here, not to start over.
        raise DataKeyError("error.data_key_missing", where=keys.describe())
    if state is DataKeyState.MISMATCH:
        raise DataKeyError("error.data_key_mismatch", where=keys.describe())
    if key is None:
        key = new_data_key()
        with store.transaction() as db:
            keys.save(get_setting(db, STORE_ID), key)
    with store.transaction() as db:
        stored = get_setting(db, DATA_KEY_FINGERPRINT)
        if stored is None:
            put_setting(db, DATA_KEY_FINGERPRINT, key_fingerprint(key))
        elif not hmac.compare_digest(stored, key_fingerprint(key)):
            # Another workstation made the first key a moment ago.
            raise DataKeyError("error.data_key_mismatch", where=keys.describe())
    return SecretBox(key)
