"""Which authenticators an organisation accepts (SECURITY.md W5).

By default any authenticator is welcome except the demo software key; a policy
may require a real attestation (not "none" and not self-signed), verified with
python-fido2's attestation formats, from a model on an AAGUID allow-list, such
as the one key model an enterprise hands out.
"""

from __future__ import annotations

from uuid import UUID

from fido2.attestation.base import Attestation, AttestationType, InvalidAttestation
from fido2.webauthn import AttestationObject

from desktop_auth.errors import (
    SecurityKeyAttestationError,
    SecurityKeyDemoOnlyError,
    SecurityKeyNotAllowedError,
)

#: Attestation types that say nothing about the model: anyone can make them.
_UNPROVEN = (AttestationType.NONE, AttestationType.SELF)


def check(
    attestation_object: AttestationObject,
    client_data_hash: bytes,
    aaguid: UUID,
    *,
    required: bool,
    allowlist: tuple[str, ...],
    soft_allowed: bool,
    soft_aaguid: UUID,
) -> None:
    """Raise ``SecurityKeyNotAllowedError`` unless policy accepts this authenticator."""
    if aaguid == soft_aaguid and not soft_allowed:
        raise SecurityKeyDemoOnlyError()
    if allowlist and str(aaguid) not in allowlist:
        raise SecurityKeyNotAllowedError()
    if not required:
        return
    try:
        verifier = Attestation.for_type(attestation_object.fmt)()
        result = verifier.verify(
            attestation_object.att_stmt, attestation_object.auth_data, client_data_hash
        )
    except (InvalidAttestation, ValueError) as exc:
        raise SecurityKeyAttestationError() from exc
    if result.attestation_type in _UNPROVEN or not result.trust_path:
        raise SecurityKeyAttestationError()
