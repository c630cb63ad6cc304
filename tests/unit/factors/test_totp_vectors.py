"""RFC 6238 Appendix B and RFC 4226 Appendix D through the project's verifier."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from desktop_auth.core.clock import SystemClock
from desktop_auth.factors.otp_codes import OtpParameters, matching_step

SEEDS = {
    "SHA1": b"12345678901234567890",
    "SHA256": b"12345678901234567890123456789012",
    "SHA512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
RFC4226 = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]


@pytest.mark.parametrize(("unix_time", "sha1", "sha256", "sha512"), RFC6238)
def test_rfc6238_appendix_b(unix_time: int, sha1: str, sha256: str, sha512: str) -> None:
    with time_machine.travel(datetime.fromtimestamp(unix_time, UTC), tick=False):
        now = SystemClock().now()
        for algorithm, code in (("SHA1", sha1), ("SHA256", sha256), ("SHA512", sha512)):
            parameters = OtpParameters(algorithm=algorithm, digits=8, period=30)
            step = matching_step(SEEDS[algorithm], code, now=now, window=0, parameters=parameters)
            assert step == unix_time // 30, algorithm
            wrong = str((int(code) + 1) % 10**8).zfill(8)
            assert (
                matching_step(SEEDS[algorithm], wrong, now=now, window=0, parameters=parameters)
                is None
            )


@pytest.mark.parametrize(("counter", "code"), list(enumerate(RFC4226)))
def test_rfc4226_appendix_d_as_time_steps(counter: int, code: str) -> None:
    """HOTP(counter) is TOTP at step ``counter``: pin the clock inside that step."""
    with time_machine.travel(datetime.fromtimestamp(counter * 30 + 7, UTC), tick=False):
        step = matching_step(
            SEEDS["SHA1"], code, now=SystemClock().now(), window=0, parameters=OtpParameters()
        )
    assert step == counter
