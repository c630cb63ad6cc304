"""The software authenticator's fingerprint sensor (CTAP 2.1 §6.7, authenticatorBioEnrollment).

Enough for python-fido2's real ``FPBioEnrollment`` to enroll a finger sample by sample,
list, rename and remove enrollments.  A "sample" is a touch of the soft key; what the
sensor says about each one comes from ``feedback`` (a test queues a poor sample there),
so enrolment with progress and a bad touch can be tested without a sensor.
"""

from __future__ import annotations

import secrets
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from fido2 import cbor
from fido2.ctap import CtapError
from fido2.ctap2.bio import BioEnrollment, FPBioEnrollment

ERR = CtapError.ERR
CMD = FPBioEnrollment.CMD
R = BioEnrollment.RESULT
FEEDBACK = FPBioEnrollment.FEEDBACK
#: What a small key's sensor holds and asks for (a YubiKey Bio: 5 fingers, a few touches).
MAX_FINGERPRINTS = 5
SAMPLES_REQUIRED = 4
MAX_NAME_BYTES = 15
_TOUCH_SENSOR = 1  # fingerprintKind: touch, not swipe

_AUTHENTICATED = frozenset(
    {
        CMD.ENROLL_BEGIN,
        CMD.ENROLL_CAPTURE_NEXT,
        CMD.ENUMERATE_ENROLLMENTS,
        CMD.SET_NAME,
        CMD.REMOVE_ENROLLMENT,
    }
)


class SoftFingerprintSensor:
    """Enrolled fingers (template id → name) and the enrolment under way."""

    def __init__(self, *, max_fingerprints: int = MAX_FINGERPRINTS) -> None:
        self.max_fingerprints = max_fingerprints
        self.templates: dict[bytes, str] = {}
        #: The sensor's verdict on the next samples, oldest first; empty: a good sample.
        self.feedback: deque[FPBioEnrollment.FEEDBACK] = deque()
        self._enrolling: bytes | None = None
        self._remaining = 0

    @property
    def has_enrollments(self) -> bool:
        return bool(self.templates)

    def forget_all(self) -> None:
        self.templates.clear()
        self._enrolling = None

    def handle(
        self,
        request: Mapping[int, Any],
        *,
        check_token: Callable[[object, object, bytes], None],
        wait_for_finger: Callable[[], None],
    ) -> Mapping[int, Any]:
        if request.get(6):  # getModality
            return {R.MODALITY: BioEnrollment.MODALITY.FINGERPRINT}
        modality, sub, params = request.get(1), request.get(2), request.get(3) or {}
        if modality != BioEnrollment.MODALITY.FINGERPRINT:
            raise CtapError(ERR.INVALID_PARAMETER)
        if sub in _AUTHENTICATED:
            message = bytes([modality, sub]) + (cbor.encode(params) if params else b"")
            check_token(request.get(4), request.get(5), message)
        if sub == CMD.GET_SENSOR_INFO:
            return {
                R.FINGERPRINT_KIND: _TOUCH_SENSOR,
                R.MAX_SAMPLES_REQUIRED: SAMPLES_REQUIRED,
                R.MAX_TEMPLATE_FRIENDLY_NAME: MAX_NAME_BYTES,
            }
        if sub == CMD.ENROLL_BEGIN:
            if len(self.templates) >= self.max_fingerprints:
                raise CtapError(ERR.FP_DATABASE_FULL)
            self._enrolling, self._remaining = secrets.token_bytes(2), SAMPLES_REQUIRED
            return {R.TEMPLATE_ID: self._enrolling, **self._sample(wait_for_finger)}
        if sub == CMD.ENROLL_CAPTURE_NEXT:
            if self._enrolling is None or params.get(1) != self._enrolling:
                raise CtapError(ERR.INVALID_PARAMETER)
            return self._sample(wait_for_finger)
        if sub == CMD.ENROLL_CANCEL:
            self._enrolling = None
            return {}
        if sub == CMD.ENUMERATE_ENROLLMENTS:
            if not self.templates:
                raise CtapError(ERR.INVALID_OPTION)  # CTAP 2.1: none enrolled
            return {R.TEMPLATE_INFOS: [{1: i, 2: name} for i, name in self.templates.items()]}
        if sub == CMD.SET_NAME:
            template_id, name = params.get(1), params.get(2)
            if template_id not in self.templates or not isinstance(name, str):
                raise CtapError(ERR.INVALID_OPTION)
            if len(name.encode()) > MAX_NAME_BYTES:
                raise CtapError(ERR.INVALID_LENGTH)
            self.templates[template_id] = name
            return {}
        if sub == CMD.REMOVE_ENROLLMENT:
            if self.templates.pop(bytes(params.get(1) or b""), None) is None:
                raise CtapError(ERR.INVALID_OPTION)
            return {}
        raise CtapError(ERR.INVALID_SUBCOMMAND)

    @property
    def enrolling(self) -> bool:
        """An enrolment is under way: begun, and neither done nor cancelled (enrollCancel)."""
        return self._enrolling is not None

    def _sample(self, wait_for_finger: Callable[[], None]) -> dict[int, Any]:
        # A touch cancelled or timed out leaves the enrolment open, as on a real sensor:
        # the platform ends it with enrollCancel.
        wait_for_finger()
        verdict = self.feedback.popleft() if self.feedback else FEEDBACK.FP_GOOD
        if verdict == FEEDBACK.FP_GOOD:
            self._remaining -= 1
        if self._remaining == 0 and self._enrolling is not None:
            self.templates[self._enrolling] = ""
            self._enrolling = None
        return {R.LAST_SAMPLE_STATUS: verdict, R.REMAINING_SAMPLES: self._remaining}
