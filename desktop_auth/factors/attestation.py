"""Which authenticators an organisation accepts (SECURITY.md W5, A1).

By default any authenticator is welcome except the demo software key.  A policy may
require an attestation that proves the model, or allow only some models (an AAGUID
allow-list).  Proof means a certificate chain that ends in a trust anchor: a root named
for that model in the FIDO Metadata Service BLOB the administrator imported, or one of
the organisation's own roots.  A well-formed statement alone proves nothing: anyone can
make a certificate that says "Yubico AB".  An AAGUID is the authenticator's own claim,
so an allow-list is only ever checked against a proven one.

What a verified attestation proved (the model's name, and whether its keys live in
hardware) is kept with the credential: only such a key can reach AAL3 (A2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from cryptography import x509
from fido2.attestation.base import (
    Attestation,
    AttestationType,
    InvalidAttestation,
    verify_x509_chain,
)
from fido2.mds3 import (
    AuthenticatorStatus,
    MdsAttestationVerifier,
    MetadataBlobPayload,
    MetadataBlobPayloadEntry,
    MetadataStatement,
)
from fido2.webauthn import Aaguid, AttestationObject

from desktop_auth.errors import (
    SecurityKeyAttestationError,
    SecurityKeyDemoOnlyError,
    SecurityKeyNotAllowedError,
    SecurityKeyRevokedError,
)

#: Attestation types that say nothing about the model: anyone can make them.
_UNPROVEN = (AttestationType.NONE, AttestationType.SELF)
#: Key protection in the metadata that keeps the private key out of software's reach.
_HARDWARE_PROTECTION = frozenset({"hardware", "secure_element", "tee"})


@dataclass(frozen=True, kw_only=True)
class TrustAnchors:
    """Where an attestation chain may end (A1)."""

    #: The imported FIDO Metadata Service BLOB (signature checked at import), if any.
    metadata: MetadataBlobPayload | None = None
    #: The organisation's own root certificates (DER), for keys it attests itself.
    roots: tuple[bytes, ...] = ()

    def __bool__(self) -> bool:
        return self.metadata is not None or bool(self.roots)


@dataclass(frozen=True, kw_only=True)
class Attested:
    """What an attestation proved about the authenticator."""

    #: The model's name (the metadata's description); None when nothing was proven.
    model: str | None = None
    #: Verified to a model whose keys live in hardware (a condition of AAL3, A2).
    hardware: bool = False


UNPROVEN = Attested()


def check(
    attestation_object: AttestationObject,
    client_data_hash: bytes,
    aaguid: UUID,
    *,
    required: bool,
    allowlist: tuple[str, ...],
    soft_allowed: bool,
    soft_aaguid: UUID,
    anchors: TrustAnchors,
) -> Attested:
    """What the attestation proves; raises ``SecurityKeyNotAllowedError`` (or a subclass)
    unless policy accepts this authenticator."""
    if aaguid == soft_aaguid and not soft_allowed:
        raise SecurityKeyDemoOnlyError()
    if allowlist and str(aaguid) not in allowlist:
        raise SecurityKeyNotAllowedError()
    attested = _verify(attestation_object, client_data_hash, anchors)
    if attested is None:
        if required or allowlist:  # an unproven AAGUID is only a claim
            raise SecurityKeyAttestationError()
        return UNPROVEN
    return attested


def _verify(
    attestation_object: AttestationObject, client_data_hash: bytes, anchors: TrustAnchors
) -> Attested | None:
    """The proven model, or None when the chain ends in no trust anchor."""
    try:
        result = Attestation.for_type(attestation_object.fmt)().verify(
            attestation_object.att_stmt, attestation_object.auth_data, client_data_hash
        )
    except (InvalidAttestation, ValueError, TypeError, KeyError):
        return None
    if result.attestation_type in _UNPROVEN or not result.trust_path:
        return None
    if anchors.metadata is not None:
        attested = _by_metadata(anchors.metadata, attestation_object, client_data_hash)
        if attested is not None:
            return attested
    for root in anchors.roots:
        if _chains_to(result.trust_path, root):
            # The organisation vouches for its own keys: hardware, named by their certificate.
            return Attested(model=_name(result.trust_path[0]), hardware=True)
    return None


def _by_metadata(
    metadata: MetadataBlobPayload, attestation_object: AttestationObject, client_data_hash: bytes
) -> Attested | None:
    # No filters: a revoked entry must be found to be refused by name, not overlooked.
    verifier = MdsAttestationVerifier(metadata, entry_filter=None, attestation_filter=None)
    auth_data = attestation_object.auth_data
    credential = auth_data.credential_data
    if credential is None:
        return None
    aaguid = Aaguid(credential.aaguid)
    try:
        claimed = (
            verifier.find_entry_by_aaguid(aaguid)
            if aaguid
            else verifier.find_entry_by_chain(attestation_object.att_stmt.get("x5c") or [])
        )
    except Exception:  # a certificate that does not parse names no model
        claimed = None
    # Fail closed: a withdrawn model is refused whether or not its chain checks out.
    if claimed is not None and _withdrawn(claimed):
        raise SecurityKeyRevokedError()
    try:
        entry = verifier.find_entry(attestation_object, client_data_hash)
    except Exception:  # hostile input fails in many ways; every one means "not proven"
        return None
    if entry is None or entry.metadata_statement is None:
        return None
    if _withdrawn(entry):
        raise SecurityKeyRevokedError()
    statement = entry.metadata_statement
    return Attested(model=statement.description, hardware=_hardware(entry, statement))


def _withdrawn(entry: MetadataBlobPayloadEntry) -> bool:
    """REVOKED, or any kind of compromise, in the entry's status reports."""
    return any(
        report.status == AuthenticatorStatus.REVOKED or report.status.endswith("_COMPROMISE")
        for report in entry.status_reports
    )


def _hardware(entry: MetadataBlobPayloadEntry, statement: MetadataStatement) -> bool:
    protection = set(statement.key_protection)
    # A model whose user verification can be bypassed proves no AAL3 either.
    bypassed = any(
        r.status == AuthenticatorStatus.USER_VERIFICATION_BYPASS for r in entry.status_reports
    )
    return bool(protection & _HARDWARE_PROTECTION) and "software" not in protection and not bypassed


def _chains_to(trust_path: Sequence[bytes], root: bytes) -> bool:
    try:
        issuer = x509.load_der_x509_certificate(trust_path[-1]).issuer
        if x509.load_der_x509_certificate(root).subject != issuer:
            return False
        verify_x509_chain([*trust_path, root])
    except Exception:  # a broken or foreign chain, however it breaks, proves nothing
        return False
    return True


def _name(der: bytes) -> str:
    subject = x509.load_der_x509_certificate(der).subject
    for oid in (x509.NameOID.COMMON_NAME, x509.NameOID.ORGANIZATION_NAME):
        names = subject.get_attributes_for_oid(oid)
        if names:
            return str(names[0].value)
    return subject.rfc4514_string()
