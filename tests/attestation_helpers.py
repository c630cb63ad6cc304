"""A test PKI for attestation: roots, a model's batch certificate, a self-made one, and a
FIDO Metadata Service BLOB signed under a test root (SECURITY.md A1)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from desktop_auth.devices.soft import SoftAuthenticator

#: The YubiKey 5 NFC's AAGUID: the model on the red team's allow-list.
YUBIKEY_5_NFC = uuid.UUID("fa2b99dc-9e39-4257-8f92-4a30d23c4118")
_AAGUID_OID = x509.ObjectIdentifier("1.3.6.1.4.1.45724.1.1.4")
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _name(common_name: str, organisation: str, unit: str | None = None) -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: Any,
    signer: Any,
    *,
    ca: bool,
    aaguid: uuid.UUID | None = None,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(_EPOCH)
        .not_valid_after(_EPOCH + timedelta(days=365 * 30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if aaguid is not None:
        value = b"\x04\x10" + aaguid.bytes  # an OCTET STRING, as the FIDO spec has it
        builder = builder.add_extension(x509.UnrecognizedExtension(_AAGUID_OID, value), False)
    return builder.sign(signer, hashes.SHA256())


@dataclass
class Authority:
    """A certificate authority: a model maker's attestation root, or the BLOB's signer."""

    key: Any
    certificate: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(Encoding.DER)

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(Encoding.PEM).decode()

    def issue(self, name: str, *, ca: bool = True, rsa_key: bool = False) -> Authority:
        key = (
            rsa.generate_private_key(65537, 2048)
            if rsa_key
            else ec.generate_private_key(ec.SECP256R1())
        )
        subject = _name(name, "Test Authority")
        certificate = _certificate(
            subject, self.certificate.subject, key.public_key(), self.key, ca=ca
        )
        return Authority(key=key, certificate=certificate)

    def attestation_certificate(
        self, aaguid: uuid.UUID, organisation: str = "Yubico AB"
    ) -> tuple[ec.EllipticCurvePrivateKey, list[bytes]]:
        """A model's batch certificate (CA=false) under this authority, for the soft key."""
        key = ec.generate_private_key(ec.SECP256R1())
        subject = _name("Test EE Serial 1", organisation, "Authenticator Attestation")
        certificate = _certificate(
            subject, self.certificate.subject, key.public_key(), self.key, ca=False, aaguid=aaguid
        )
        return key, [certificate.public_bytes(Encoding.DER)]


def root(name: str = "Test Attestation Root") -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name, "Test Authority")
    return Authority(
        key=key, certificate=_certificate(subject, subject, key.public_key(), key, ca=True)
    )


def self_made(aaguid: uuid.UUID) -> tuple[ec.EllipticCurvePrivateKey, list[bytes]]:
    """The red team's certificate: made on the spot, self-signed, CA=false, O="Yubico AB"."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name("Yubico U2F EE Serial 23925734811456", "Yubico AB", "Authenticator Attestation")
    certificate = _certificate(subject, subject, key.public_key(), key, ca=False, aaguid=aaguid)
    return key, [certificate.public_bytes(Encoding.DER)]


def attested_key(
    authority: Authority, aaguid: uuid.UUID = YUBIKEY_5_NFC, **knobs: Any
) -> SoftAuthenticator:
    """A software key that attests as a model whose batch certificate ``authority`` issued."""
    key = SoftAuthenticator(aaguid=aaguid, **knobs)
    key.attestation_certificate = authority.attestation_certificate(aaguid)
    return key


def entry(
    aaguid: uuid.UUID,
    attestation_root: Authority,
    *,
    description: str = "YubiKey 5 Series with NFC",
    statuses: Sequence[str] = ("FIDO_CERTIFIED",),
    key_protection: Sequence[str] = ("hardware", "secure_element"),
) -> dict[str, Any]:
    return {
        "aaguid": str(aaguid),
        "timeOfLastStatusChange": "2024-01-01",
        "statusReports": [{"status": s, "effectiveDate": "2024-01-01"} for s in statuses],
        "metadataStatement": {
            "description": description,
            "aaguid": str(aaguid),
            "authenticatorVersion": 50100,
            "schema": 3,
            "upv": [{"major": 1, "minor": 0}],
            "attestationTypes": ["basic_full"],
            "userVerificationDetails": [[{"userVerificationMethod": "passcode_internal"}]],
            "keyProtection": list(key_protection),
            "matcherProtection": ["on_chip"],
            "attachmentHint": ["external"],
            "tcDisplay": [],
            "attestationRootCertificates": [base64.b64encode(attestation_root.der).decode()],
        },
    }


def _b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def blob(
    trust_root: Authority,
    entries: Sequence[dict[str, Any]],
    *,
    number: int = 1,
    next_update: str = "2027-01-01",
) -> bytes:
    """An MDS3 BLOB: a JWT (RS256, as the FIDO Alliance signs it) whose x5c chain leads to
    ``trust_root``, the root the service is given in place of the FIDO Alliance's."""
    signer = trust_root.issue("Test Metadata Signer", ca=False, rsa_key=True)
    header = {
        "alg": "RS256",
        "typ": "JWT",
        "x5c": [base64.b64encode(signer.der).decode()],
    }
    payload = {
        "legalHeader": "Test metadata, not for use.",
        "no": number,
        "nextUpdate": next_update,
        "entries": list(entries),
    }
    message = _b64url(json.dumps(header).encode()) + b"." + _b64url(json.dumps(payload).encode())
    signature = signer.key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return message + b"." + _b64url(signature)


def tampered(content: bytes) -> bytes:
    """The BLOB with its serial number changed and the signature left as it was."""
    header, payload, signature = content.split(b".")
    data = json.loads(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)))
    data["no"] += 1
    return header + b"." + _b64url(json.dumps(data).encode()) + b"." + signature
