"""The fingerprints on a key with a sensor (issue 18): enrolled touch by touch with
progress, listed, renamed and removed, through python-fido2's real ``FPBioEnrollment``
and a PIN token, on the software key's simulated sensor."""

from __future__ import annotations

from threading import Event

import pytest
from fido2.ctap import CtapError
from fido2.ctap2.base import Ctap2
from fido2.ctap2.bio import FPBioEnrollment
from fido2.ctap2.pin import ClientPin

from desktop_auth.devices.key_fingerprints import KeyFingerprints, Sample
from desktop_auth.devices.key_pin import OwnSecurityKey
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.devices.soft_bio import SAMPLES_REQUIRED, SoftFingerprintSensor
from desktop_auth.errors import (
    SecurityKeyCancelledError,
    SecurityKeyFingerprintNameError,
    SecurityKeyFingerprintNotFoundError,
    SecurityKeyFingerprintsFullError,
    SecurityKeyFingerprintsNotSupportedError,
    SecurityKeyOneKeyOnlyError,
    SecurityKeyPinNotSetError,
    SecurityKeyPinWrongLeftError,
    SecurityKeyTimeoutError,
)
from tests.unit.devices.test_key_sign_ins import PIN


@pytest.fixture
def sensor() -> SoftFingerprintSensor:
    return SoftFingerprintSensor(max_fingerprints=2)


@pytest.fixture
def key(sensor: SoftFingerprintSensor) -> SoftAuthenticator:
    key = SoftAuthenticator(supports_pin=True, fingerprints=sensor)
    key.client_pin.preset(PIN)
    return key


def enroll(key: SoftAuthenticator, name: str) -> tuple[list[Sample], tuple[object, ...]]:
    samples: list[Sample] = []
    found = KeyFingerprints(lambda: [key]).enroll(PIN, name, on_sample=samples.append)
    return samples, found


def test_a_finger_is_enrolled_touch_by_touch_and_listed_by_name(
    key: SoftAuthenticator, sensor: SoftFingerprintSensor
) -> None:
    assert KeyFingerprints(lambda: [key]).list(PIN) == ()
    sensor.feedback.append(FPBioEnrollment.FEEDBACK.FP_GOOD)
    sensor.feedback.append(FPBioEnrollment.FEEDBACK.FP_TOO_FAST)  # the second touch is poor
    touches: list[str] = []
    key.touch = lambda: touches.append("touch") is None
    samples, found = enroll(key, "  Right index ")
    assert [(s.remaining, s.feedback) for s in samples] == [
        (SAMPLES_REQUIRED - 1, None),
        (SAMPLES_REQUIRED - 1, "FP_TOO_FAST"),
        (SAMPLES_REQUIRED - 2, None),
        (SAMPLES_REQUIRED - 3, None),
        (0, None),
    ]
    assert len(touches) == SAMPLES_REQUIRED + 1
    assert [f.name for f in found] == ["Right index"]
    assert list(sensor.templates.values()) == ["Right index"]
    assert key._info()[0x04]["bioEnroll"] is True
    assert OwnSecurityKey(lambda: [key]).info().pin_set


def test_a_fingerprint_is_renamed_and_removed(key: SoftAuthenticator) -> None:
    _, (first,) = enroll(key, "Right index")
    fingerprints = KeyFingerprints(lambda: [key])
    (renamed,) = fingerprints.rename(PIN, first.template_id, "Left thumb")  # type: ignore[attr-defined]
    assert renamed.name == "Left thumb"
    assert fingerprints.remove(PIN, renamed.template_id) == ()
    with pytest.raises(SecurityKeyFingerprintNotFoundError):
        fingerprints.remove(PIN, renamed.template_id)
    with pytest.raises(SecurityKeyFingerprintNotFoundError):
        fingerprints.rename(PIN, renamed.template_id, "Gone")


def test_a_name_the_key_cannot_hold_is_refused_before_any_touch(key: SoftAuthenticator) -> None:
    touches: list[str] = []
    key.touch = lambda: touches.append("touch") is None
    for name in ("", "   ", "A name far too long for it", "Tab\tname"):
        with pytest.raises(SecurityKeyFingerprintNameError) as refused:
            enroll(key, name)
        assert refused.value.params == {"limit": 15}
    assert touches == []


def test_a_full_sensor_says_to_remove_one_first(key: SoftAuthenticator) -> None:
    enroll(key, "Right index")
    enroll(key, "Left index")
    with pytest.raises(SecurityKeyFingerprintsFullError):
        enroll(key, "Right thumb")
    assert len(KeyFingerprints(lambda: [key]).list(PIN)) == 2


def test_a_cancelled_enrolment_leaves_no_half_finger(
    key: SoftAuthenticator, sensor: SoftFingerprintSensor
) -> None:
    cancel = Event()
    with pytest.raises(SecurityKeyCancelledError):
        KeyFingerprints(lambda: [key]).enroll(
            PIN, "Right index", on_sample=lambda _sample: cancel.set(), cancel=cancel
        )
    assert sensor.templates == {}
    assert not sensor.enrolling  # ended on the key (enrollCancel), not just abandoned
    assert KeyFingerprints(lambda: [key]).list(PIN) == ()


def test_c2_a_key_without_sensor_or_pin_and_a_wrong_pin_are_told_apart(
    key: SoftAuthenticator,
) -> None:
    with pytest.raises(SecurityKeyFingerprintsNotSupportedError):
        KeyFingerprints(lambda: [SoftAuthenticator(supports_pin=True)]).list(PIN)
    no_pin = SoftAuthenticator(supports_pin=True, fingerprints=SoftFingerprintSensor())
    with pytest.raises(SecurityKeyPinNotSetError):
        KeyFingerprints(lambda: [no_pin]).list(PIN)
    with pytest.raises(SecurityKeyPinWrongLeftError) as wrong:
        KeyFingerprints(lambda: [key]).list("0000000")
    assert wrong.value.params == {"left": 7}
    assert "0000000" not in str(wrong.value) and PIN not in str(wrong.value)


def test_a_sensor_that_feels_no_finger_ends_as_a_timeout_and_closes_the_enrolment(
    key: SoftAuthenticator, sensor: SoftFingerprintSensor
) -> None:
    sensor.feedback.extend([FPBioEnrollment.FEEDBACK.NO_USER_ACTIVITY] * 10)
    samples: list[Sample] = []
    with pytest.raises(SecurityKeyTimeoutError):
        KeyFingerprints(lambda: [key]).enroll(PIN, "Right index", on_sample=samples.append)
    assert len(samples) == 2 and not sensor.enrolling and sensor.templates == {}


def test_the_pin_token_is_asked_for_bio_enrollment_and_one_for_else_is_refused(
    key: SoftAuthenticator,
) -> None:
    """CTAP 2.1 permissions: the key hands out tokens for what they are asked for (a key
    with a sensor speaks 2.1), and a token for credential management enrolls nothing."""
    ctap = Ctap2(key)
    assert ctap.info.options.get("pinUvAuthToken") is True
    client_pin = ClientPin(ctap)
    token = client_pin.get_pin_token(PIN, ClientPin.PERMISSION.CREDENTIAL_MGMT)
    with pytest.raises(CtapError) as refused:
        FPBioEnrollment(ctap, client_pin.protocol, token).enumerate_enrollments()
    assert refused.value.code == CtapError.ERR.PIN_AUTH_INVALID
    token = client_pin.get_pin_token(PIN, ClientPin.PERMISSION.BIO_ENROLL)
    assert FPBioEnrollment(ctap, client_pin.protocol, token).enumerate_enrollments() == {}


def test_a_key_with_a_sensor_registers_through_the_client_with_a_uv_token(
    key: SoftAuthenticator,
) -> None:
    """python-fido2 asks such a key for a token by its own check (the finger) and sends
    the token's proof with makeCredential; the key reports the user verified."""
    import os

    from fido2.client import DefaultClientDataCollector, Fido2Client
    from fido2.utils import websafe_encode

    from tests.unit.devices.test_key_sign_ins import GivesPin

    client = Fido2Client(key, DefaultClientDataCollector("https://github.com"), GivesPin())
    made = client.make_credential(
        {
            "rp": {"id": "github.com", "name": "GitHub"},
            "user": {"id": websafe_encode(b"jan"), "name": "jan-dev", "displayName": "Jan"},
            "challenge": websafe_encode(os.urandom(32)),
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
            "authenticatorSelection": {"residentKey": "required", "userVerification": "required"},
        }
    )
    assert made.response.attestation_object.auth_data.is_user_verified()
    assert key.client_pin.token_permissions == ClientPin.PERMISSION.MAKE_CREDENTIAL


def test_two_keys_plugged_in_get_no_pin(key: SoftAuthenticator) -> None:
    other = SoftAuthenticator(supports_pin=True, fingerprints=SoftFingerprintSensor())
    other.client_pin.preset("7713954")
    with pytest.raises(SecurityKeyOneKeyOnlyError):
        KeyFingerprints(lambda: [key, other]).list(PIN)
    assert other.pin_retries == 8 and key.pin_retries == 8
