"""The fingerprints on a person's own security key: enrolled touch by touch, listed,
renamed and removed (issue 18), through python-fido2's own ``FPBioEnrollment``.

Each call takes a PIN token (the PIN is passed on to the key, never kept).  Enrolment
reports after every sample how many touches are still needed and what the sensor said
about a poor one, so the person sees progress rather than a key that blinks on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from threading import Event

from fido2.ctap import CtapDevice, CtapError
from fido2.ctap2.bio import CaptureError, FPBioEnrollment, FPEnrollmentContext
from fido2.ctap2.pin import ClientPin

from desktop_auth.devices.ctap import connected_authenticators
from desktop_auth.devices.key_pin import ctap2_of, key_info_of, only_key, pin_failure
from desktop_auth.errors import (
    SecurityKeyCancelledError,
    SecurityKeyFingerprintNameError,
    SecurityKeyFingerprintNotFoundError,
    SecurityKeyFingerprintsFullError,
    SecurityKeyFingerprintsNotSupportedError,
    SecurityKeyPinNotSetError,
    SecurityKeyTimeoutError,
)

#: Samples in a row without a finger before enrolment stops as timed out.
MAX_IDLE_SAMPLES = 3
#: CTAP 2.1 §6.7.4: a friendly name is at most this many bytes of UTF-8 unless the key
#: says otherwise (maxTemplateFriendlyName).
DEFAULT_MAX_NAME_BYTES = 64


@dataclass(frozen=True, kw_only=True)
class Fingerprint:
    template_id: bytes
    name: str


@dataclass(frozen=True, kw_only=True)
class Sample:
    """One touch during enrolment: still ``remaining`` good ones to go; ``feedback`` is the
    sensor's word on a poor one (``FP_TOO_FAST``, …), None for a good one."""

    remaining: int
    feedback: str | None

    @property
    def message_key(self) -> str:
        """What to tell the person about a poor sample (``key.fingerprint_feedback.…``)."""
        name = (self.feedback or "").lower()
        return f"key.fingerprint_feedback.{name if name in _FEEDBACK_TOLD else 'other'}"


#: The sensor's verdicts that have their own advice in the catalogue.
_FEEDBACK_TOLD = frozenset(
    {
        "fp_too_high",
        "fp_too_low",
        "fp_too_left",
        "fp_too_right",
        "fp_too_fast",
        "fp_too_slow",
        "fp_poor_quality",
        "fp_too_skewed",
        "fp_too_short",
        "fp_merge_failure",
        "fp_exists",
        "no_user_activity",
        "no_up_transition",
    }
)


def _enrollment(device: CtapDevice, pin: str) -> FPBioEnrollment:
    ctap = ctap2_of(device)
    if not FPBioEnrollment.is_supported(ctap.info):
        raise SecurityKeyFingerprintsNotSupportedError()
    if not key_info_of(ctap, ctap.info).pin_set:
        raise SecurityKeyPinNotSetError()  # a fingerprint stands in for the PIN, after one
    client_pin = ClientPin(ctap)
    try:
        token = client_pin.get_pin_token(pin, ClientPin.PERMISSION.BIO_ENROLL)
        return FPBioEnrollment(ctap, client_pin.protocol, token)
    except (CtapError, ValueError) as error:
        raise pin_failure(error, device) from error


def _listed(bio: FPBioEnrollment) -> tuple[Fingerprint, ...]:
    try:
        enrolled = bio.enumerate_enrollments()
    except CtapError as error:
        raise pin_failure(error, None) from error
    return tuple(
        Fingerprint(template_id=bytes(template_id), name=name or "")
        for template_id, name in enrolled.items()
    )


def _max_name_bytes(bio: FPBioEnrollment) -> int:
    info = bio.get_fingerprint_sensor_info()
    return int(
        info.get(FPBioEnrollment.RESULT.MAX_TEMPLATE_FRIENDLY_NAME) or DEFAULT_MAX_NAME_BYTES
    )


def _checked_name(bio: FPBioEnrollment, name: str) -> str:
    name = name.strip()
    limit = _max_name_bytes(bio)
    if not name or len(name.encode()) > limit or not name.isprintable():
        raise SecurityKeyFingerprintNameError(limit=limit)
    return name


def _known(fingerprints: tuple[Fingerprint, ...], template_id: bytes) -> None:
    if all(f.template_id != template_id for f in fingerprints):
        raise SecurityKeyFingerprintNotFoundError()


def _capture_all(
    enroller: FPEnrollmentContext,
    on_sample: Callable[[Sample], None],
    cancel: Event | None,
) -> bytes:
    """Touch after touch until the key has its samples; the template id.  A sensor that
    feels no finger again and again (the person walked away) ends it as a timeout."""
    idle = 0
    while True:
        try:
            template_id = enroller.capture(event=cancel)
        except CaptureError as poor:
            feedback = FPBioEnrollment.FEEDBACK(poor.code)
            if feedback == FPBioEnrollment.FEEDBACK.FP_DATABASE_FULL:
                raise SecurityKeyFingerprintsFullError() from poor
            idle = idle + 1 if feedback == FPBioEnrollment.FEEDBACK.NO_USER_ACTIVITY else 0
            if idle >= MAX_IDLE_SAMPLES:
                raise SecurityKeyTimeoutError() from poor
            on_sample(Sample(remaining=enroller.remaining or 0, feedback=feedback.name))
            continue
        if template_id is not None:
            return template_id
        on_sample(Sample(remaining=enroller.remaining or 0, feedback=None))


class KeyFingerprints:
    """The fingerprints on the one key plugged in; each call asks the key for a token."""

    def __init__(self, devices: Callable[[], Iterable[CtapDevice]] | None = None) -> None:
        self._devices = devices or connected_authenticators

    def list(self, pin: str) -> tuple[Fingerprint, ...]:
        return _listed(_enrollment(only_key(self._devices), pin))

    def enroll(
        self,
        pin: str,
        name: str,
        *,
        on_sample: Callable[[Sample], None],
        cancel: Event | None = None,
    ) -> tuple[Fingerprint, ...]:
        """Enroll a finger: touch after touch until the key has enough good samples; then
        named.  Cancelled (``cancel`` set), the key drops the half-made enrolment."""
        bio = _enrollment(only_key(self._devices), pin)
        name = _checked_name(bio, name)
        enroller = bio.enroll()
        template_id: bytes | None = None
        try:
            template_id = _capture_all(enroller, on_sample, cancel)
            bio.set_name(template_id, name)
        except CtapError as error:
            if error.code == CtapError.ERR.FP_DATABASE_FULL:
                raise SecurityKeyFingerprintsFullError() from error
            if error.code == CtapError.ERR.KEEPALIVE_CANCEL:
                raise SecurityKeyCancelledError() from error
            raise pin_failure(error, None) from error
        finally:
            if template_id is None:  # cancelled, timed out or failed: end it on the key
                with suppress(CtapError, OSError):
                    enroller.cancel()
        on_sample(Sample(remaining=0, feedback=None))
        return _listed(bio)

    def rename(self, pin: str, template_id: bytes, name: str) -> tuple[Fingerprint, ...]:
        bio = _enrollment(only_key(self._devices), pin)
        name = _checked_name(bio, name)
        _known(_listed(bio), template_id)
        try:
            bio.set_name(template_id, name)
        except CtapError as error:
            raise pin_failure(error, None) from error
        return _listed(bio)

    def remove(self, pin: str, template_id: bytes) -> tuple[Fingerprint, ...]:
        """Remove one fingerprint; the key no longer accepts that finger."""
        bio = _enrollment(only_key(self._devices), pin)
        _known(_listed(bio), template_id)
        try:
            bio.remove_enrollment(template_id)
        except CtapError as error:
            raise pin_failure(error, None) from error
        return _listed(bio)
