"""One-time codes: secrets, key URIs, QR codes, forgiving input and the time-step match.

The HOTP/TOTP arithmetic is pyotp's; this module decides only which steps to
try (the window) and compares in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno

from desktop_auth.errors import InvalidCodeFormatError

#: The one combination Google/Microsoft Authenticator, Authy and the vendor's app all handle.
DEFAULT_ALGORITHM = "SHA1"
DEFAULT_DIGITS = 6
DEFAULT_PERIOD = 30
SECRET_BYTES = 20  # 160 bits (SECURITY.md M9: at least 112)

ALGORITHMS: dict[str, Callable[..., object]] = {
    "SHA1": hashlib.sha1,
    "SHA256": hashlib.sha256,
    "SHA512": hashlib.sha512,
}


@dataclass(frozen=True, kw_only=True)
class OtpParameters:
    algorithm: str = DEFAULT_ALGORITHM
    digits: int = DEFAULT_DIGITS
    period: int = DEFAULT_PERIOD


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def base32_secret(secret: bytes) -> str:
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def grouped(base32: str, size: int = 4) -> str:
    """ "JBSW Y3DP EHPK …": easier to type by hand from the screen."""
    return " ".join(base32[i : i + size] for i in range(0, len(base32), size))


def _totp(secret: bytes, parameters: OtpParameters) -> pyotp.TOTP:
    return pyotp.TOTP(
        base32_secret(secret),
        digits=parameters.digits,
        digest=ALGORITHMS[parameters.algorithm],
        interval=parameters.period,
    )


def provisioning_uri(secret: bytes, *, account: str, issuer: str) -> str:
    """The Google Authenticator key-URI: issuer as label prefix and as ``issuer`` parameter.

    The format forbids a colon in either: apps split the label at the first one, so
    "Acme: Payroll" would show as issuer "Acme" (M11).  A colon becomes a space.
    """
    return _totp(secret, OtpParameters()).provisioning_uri(
        name=_without_colons(account), issuer_name=_without_colons(issuer)
    )


def _without_colons(text: str) -> str:
    return " ".join(text.replace(":", " ").split())


def qr_svg(uri: str) -> str:
    return str(segno.make(uri, error="m", micro=False).svg_inline(scale=6, border=4))


def qr_png(uri: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def normalize_code(typed: str, digits: int = DEFAULT_DIGITS) -> str:
    """Accept "123456", "123 456", "123-456", full-width digits and pasted spaces."""
    text = unicodedata.normalize("NFKC", typed).strip()
    text = "".join(text.split())  # any inner white space, as pasted from an app
    half = len(text) // 2
    if len(text) == digits + 1 and text[half] == "-":
        text = text[:half] + text[half + 1 :]
    if len(text) != digits or not text.isascii() or not text.isdigit():
        raise InvalidCodeFormatError(digits=digits)
    return text


def time_step(moment: datetime, period: int) -> int:
    return int(moment.timestamp()) // period


def matching_step(
    secret: bytes, code: str, *, now: datetime, window: int, parameters: OtpParameters
) -> int | None:
    """The time step within ±``window`` whose code equals ``code``, or None.

    Every candidate is compared (constant-time), so the answer's timing does
    not tell which step matched.
    """
    totp = _totp(secret, parameters)
    current = time_step(now, parameters.period)
    matched = None
    for step in range(current - window, current + window + 1):
        if hmac.compare_digest(totp.generate_otp(step).encode(), code.encode()):
            matched = step  # the latest, should two steps share a code
    return matched
