"""Store-wide settings as JSON values in the ``settings`` table."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_auth.store.models import Setting

ORGANISATION_NAME = "organisation_name"
RP_ID = "rp_id"
STORE_ID = "store_id"
POLICY = "policy"
DATA_KEY_FINGERPRINT = "data_key_fingerprint"
#: The HMAC key of the unknown-address throttle's rows (not a secret the data key guards).
UNKNOWN_ACCOUNT_KEY = "unknown_account_key"
#: What the FIDO Metadata Service BLOB an administrator imported says of itself, and when
#: (SECURITY.md A1); the BLOB itself, megabytes, is read only where it is needed.
ATTESTATION_METADATA = "attestation_metadata"
ATTESTATION_METADATA_BLOB = "attestation_metadata_blob"
#: The organisation's own attestation root certificates (base64 DER).
ATTESTATION_ROOTS = "attestation_roots"
#: Set once every authenticator-app seed is sealed bound to its owner (issue 16, item 12).
TOTP_SEALS_OWNER_BOUND = "totp_seals_owner_bound"


def get_setting(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return None if row is None else json.loads(row.value)


def put_setting(session: Session, key: str, value: Any) -> None:
    session.merge(Setting(key=key, value=json.dumps(value, sort_keys=True)))


def insert_setting(session: Session, key: str, value: Any) -> bool:
    """Set ``key`` only if it has no value yet; False when another writer was first."""
    try:
        with session.begin_nested():
            session.add(Setting(key=key, value=json.dumps(value, sort_keys=True)))
    except IntegrityError:
        return False
    return True
