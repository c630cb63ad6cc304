"""The trust anchors of attestation (SECURITY.md A1): the FIDO Metadata Service BLOB and
the organisation's own root certificates.

The BLOB is a JWT the FIDO Alliance signs; ``read_blob`` checks its signature chain up to
the FIDO root (python-fido2's ``mds3.parse_blob``) when an administrator imports it.  The
store then keeps the checked text, like the policy it belongs to, and ``stored_blob``
reads it back without checking again (a writer of the store could change the policy
itself).  An organisation that attests its own keys adds its root certificates (PEM).
"""

from __future__ import annotations

import base64
import functools
import json
from dataclasses import dataclass
from datetime import date

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from fido2.mds3 import MetadataBlobPayload, parse_blob
from fido2.utils import websafe_decode

from desktop_auth.errors import AttestationRootsInvalidError, KeyMetadataInvalidError

#: The root of the MDS3 BLOB's signing chain: "GlobalSign Root CA - R3", as the FIDO
#: Alliance names it at https://fidoalliance.org/metadata/ (its SHA-256 fingerprint is
#: ``FIDO_ROOT_SHA256``).
FIDO_ROOT_PEM = b"""-----BEGIN CERTIFICATE-----
MIIDXzCCAkegAwIBAgILBAAAAAABIVhTCKIwDQYJKoZIhvcNAQELBQAwTDEgMB4G
A1UECxMXR2xvYmFsU2lnbiBSb290IENBIC0gUjMxEzARBgNVBAoTCkdsb2JhbFNp
Z24xEzARBgNVBAMTCkdsb2JhbFNpZ24wHhcNMDkwMzE4MTAwMDAwWhcNMjkwMzE4
MTAwMDAwWjBMMSAwHgYDVQQLExdHbG9iYWxTaWduIFJvb3QgQ0EgLSBSMzETMBEG
A1UEChMKR2xvYmFsU2lnbjETMBEGA1UEAxMKR2xvYmFsU2lnbjCCASIwDQYJKoZI
hvcNAQEBBQADggEPADCCAQoCggEBAMwldpB5BngiFvXAg7aEyiie/QV2EcWtiHL8
RgJDx7KKnQRfJMsuS+FggkbhUqsMgUdwbN1k0ev1LKMPgj0MK66X17YUhhB5uzsT
gHeMCOFJ0mpiLx9e+pZo34knlTifBtc+ycsmWQ1z3rDI6SYOgxXG71uL0gRgykmm
KPZpO/bLyCiR5Z2KYVc3rHQU3HTgOu5yLy6c+9C7v/U9AOEGM+iCK65TpjoWc4zd
QQ4gOsC0p6Hpsk+QLjJg6VfLuQSSaGjlOCZgdbKfd/+RFO+uIEn8rUAVSNECMWEZ
XriX7613t2Saer9fwRPvm2L7DWzgVGkWqQPabumDk3F2xmmFghcCAwEAAaNCMEAw
DgYDVR0PAQH/BAQDAgEGMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFI/wS3+o
LkUkrk1Q+mOai97i3Ru8MA0GCSqGSIb3DQEBCwUAA4IBAQBLQNvAUKr+yAzv95ZU
RUm7lgAJQayzE4aGKAczymvmdLm6AC2upArT9fHxD4q/c2dKg8dEe3jgr25sbwMp
jjM5RcOO5LlXbKr8EpbsU8Yt5CRsuZRj+9xTaGdWPoO4zzUhw8lo/s7awlOqzJCK
6fBdRoyV3XpYKBovHd7NADdBj+1EbddTKJd+82cEHhXXipa0095MJ6RMG3NzdvQX
mcIfeg7jLQitChws/zyrVQ4PkX4268NXSb7hLi18YIvDQVETI53O9zJrlAGomecs
Mx86OyXShkDOOyyGeMlhLxS67ttVb9+E7gUJTb0o2HLO02JQZR7rkpeDMdmztcpH
WD9f
-----END CERTIFICATE-----
"""
FIDO_ROOT = x509.load_pem_x509_certificate(FIDO_ROOT_PEM).public_bytes(Encoding.DER)
FIDO_ROOT_SHA256 = "cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b"


@dataclass(frozen=True, kw_only=True)
class BlobSummary:
    """What an administrator is shown of the imported BLOB."""

    #: The BLOB's serial number: a newer one has a higher number.
    number: int
    #: When the FIDO Alliance will publish the next one (import it then).
    next_update: date
    entries: int


def read_blob(content: bytes, *, trust_root: bytes = FIDO_ROOT) -> MetadataBlobPayload:
    """The BLOB's payload once its signature chain leads to ``trust_root`` (DER);
    ``KeyMetadataInvalidError`` for anything else, whatever went wrong."""
    try:
        # parse_blob skips the check when given None: never let that happen here.
        if not trust_root:
            raise ValueError("no trust root")
        return parse_blob(content.strip(), trust_root)
    except Exception as exc:  # a hostile file fails in many ways; all mean "not valid"
        raise KeyMetadataInvalidError() from exc


def summary(payload: MetadataBlobPayload) -> BlobSummary:
    return BlobSummary(
        number=payload.no, next_update=payload.next_update, entries=len(payload.entries)
    )


@functools.lru_cache(maxsize=2)  # the real BLOB is megabytes: read once per process
def stored_blob(text: str) -> MetadataBlobPayload:
    """A BLOB whose signature was checked when it was imported (see the module's note)."""
    payload = text.strip().split(".")[1]
    parsed: MetadataBlobPayload = MetadataBlobPayload.from_dict(json.loads(websafe_decode(payload)))
    return parsed


def model_description(payload: MetadataBlobPayload, aaguid: str) -> str | None:
    """The model's name as its maker describes it in the BLOB ("YubiKey 5 Series with
    NFC"); None for a model the BLOB does not list."""
    for entry in payload.entries:
        if entry.aaguid is not None and str(entry.aaguid) == aaguid:
            statement = entry.metadata_statement
            return statement.description if statement is not None else None
    return None


def read_roots(pem: bytes) -> tuple[bytes, ...]:
    """The certificate authorities in a PEM file, as DER; ``AttestationRootsInvalidError``
    when there is none, or one is no certificate authority."""
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise AttestationRootsInvalidError() from exc
    for certificate in certificates:
        try:
            constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
        except x509.ExtensionNotFound as exc:
            raise AttestationRootsInvalidError() from exc
        if not constraints.value.ca:
            raise AttestationRootsInvalidError()
    return tuple(c.public_bytes(Encoding.DER) for c in certificates)


def roots_to_text(roots: tuple[bytes, ...]) -> list[str]:
    """For the store (JSON): base64 DER."""
    return [base64.b64encode(der).decode() for der in roots]


def roots_from_text(stored: list[str]) -> tuple[bytes, ...]:
    return tuple(base64.b64decode(text) for text in stored)


def root_name(der: bytes) -> str:
    """A root's common name (or its whole subject), to show the administrator."""
    subject = x509.load_der_x509_certificate(der).subject
    names = subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else subject.rfc4514_string()
