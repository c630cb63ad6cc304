"""The trust anchors of security-key attestation as the store keeps them (SECURITY.md A1):
the FIDO Metadata Service BLOB and the organisation's own roots, in the settings table,
shared by every workstation and server like the policy.  The BLOB (megabytes) is kept
apart from what it says of itself, so that only a registration reads it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session as DbSession

from desktop_auth.factors import metadata
from desktop_auth.factors.attestation import TrustAnchors
from desktop_auth.store.settings import (
    ATTESTATION_METADATA,
    ATTESTATION_METADATA_BLOB,
    ATTESTATION_ROOTS,
    get_setting,
    put_setting,
)


@dataclass(frozen=True, kw_only=True)
class KeyTrust:
    """What an administrator sees of the anchors (``admin keys metadata show``)."""

    #: The imported BLOB's serial number; None before the first import.
    metadata_number: int | None = None
    #: When the FIDO Alliance publishes the next BLOB: import it then.
    metadata_next_update: date | None = None
    #: How many authenticator models it describes.
    metadata_entries: int = 0
    metadata_imported_at: datetime | None = None
    #: The organisation's own roots, by name.
    roots: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        """Some anchor exists: an attestation can be verified (and earn AAL3)."""
        return self.metadata_number is not None or bool(self.roots)


def anchors_exist(db: DbSession) -> bool:
    """Cheap: asked on every WebAuthn ceremony, whether to ask for attestation."""
    return get_setting(db, ATTESTATION_METADATA) is not None or bool(
        get_setting(db, ATTESTATION_ROOTS)
    )


def load_anchors(db: DbSession) -> TrustAnchors:
    text = get_setting(db, ATTESTATION_METADATA_BLOB)
    return TrustAnchors(
        metadata=metadata.stored_blob(text) if text else None,
        roots=metadata.roots_from_text(get_setting(db, ATTESTATION_ROOTS) or []),
    )


def key_model_in(db: DbSession, aaguid: str) -> str | None:
    """A key model's name from the imported BLOB; None without a BLOB or for a model it
    does not list (the person is shown the AAGUID then)."""
    text = get_setting(db, ATTESTATION_METADATA_BLOB)
    return metadata.model_description(metadata.stored_blob(text), aaguid) if text else None


def key_trust(db: DbSession) -> KeyTrust:
    stored = get_setting(db, ATTESTATION_METADATA) or {}
    roots = metadata.roots_from_text(get_setting(db, ATTESTATION_ROOTS) or [])
    return KeyTrust(
        metadata_number=stored.get("number"),
        metadata_next_update=(
            date.fromisoformat(stored["next_update"]) if "next_update" in stored else None
        ),
        metadata_entries=stored.get("entries", 0),
        metadata_imported_at=(
            datetime.fromisoformat(stored["imported_at"]) if "imported_at" in stored else None
        ),
        roots=tuple(metadata.root_name(der) for der in roots),
    )


def save_blob(db: DbSession, text: str, summary: metadata.BlobSummary, now: datetime) -> None:
    put_setting(db, ATTESTATION_METADATA_BLOB, text)
    put_setting(
        db,
        ATTESTATION_METADATA,
        {
            "number": summary.number,
            "next_update": summary.next_update.isoformat(),
            "entries": summary.entries,
            "imported_at": now.isoformat(),
        },
    )


def save_roots(db: DbSession, roots: tuple[bytes, ...]) -> None:
    put_setting(db, ATTESTATION_ROOTS, metadata.roots_to_text(roots))
