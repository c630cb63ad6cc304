"""The bounds of every numeric policy setting, as data, written once.

``Policy`` (and its ``throttle`` and ``passwords`` sections) checks itself against
``POLICY_LIMITS``; ``Policy.with_changes`` refuses a change outside it; the admin
console's spin boxes take their ranges and suffixes from it; the CLI's
``admin policy set`` lists it in its help.  Plain data in a module of its own, so
screens and the CLI can read it without loading the store (like ``core.methods``).

Keys are the names ``Policy.with_changes`` takes: "session_hours" for a top-level
setting, "throttle.lock_minutes" for one inside a section.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from desktop_auth.errors import PolicyValueOutOfRangeError, PolicyWrongTypeError

#: The reminder text shown before the enforcement date is at most this long.
REMINDER_TEXT_MAX_LENGTH = 500


class Unit(StrEnum):
    """What a setting counts; screens show the time units as a suffix."""

    MINUTES = "minutes"
    HOURS = "hours"
    SECONDS = "seconds"
    #: 30-second authenticator code steps.
    STEPS = "steps"
    FAILURES = "failures"
    #: Temporary locks of an account.
    LOCKS = "locks"
    CODES = "codes"
    CHARACTERS = "characters"
    #: zxcvbn's password strength score.
    SCORE = "score"
    DAYS = "days"


@dataclass(frozen=True, kw_only=True)
class Limit:
    """A whole-number setting's allowed range, both ends included."""

    minimum: int
    maximum: int
    unit: Unit
    #: Message key: what the setting does and its range, in words ({minimum}, {maximum}).
    message: str

    def __post_init__(self) -> None:
        if self.minimum > self.maximum:
            raise ValueError(f"empty range {self.minimum}..{self.maximum}")

    def allows(self, value: int) -> bool:
        return self.minimum <= value <= self.maximum

    def clamp(self, value: int) -> int:
        return min(max(value, self.minimum), self.maximum)

    def check(self, setting: str, value: object) -> None:
        """Raise unless ``value`` is a whole number (not a bool) within the range."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise PolicyWrongTypeError(setting=setting)
        if not self.allows(value):
            raise PolicyValueOutOfRangeError(
                setting=setting,
                value=value,
                minimum=self.minimum,
                maximum=self.maximum,
                unit=self.unit.value,
            )


def _limit(minimum: int, maximum: int, unit: Unit, message: str) -> Limit:
    return Limit(minimum=minimum, maximum=maximum, unit=unit, message=message)


#: Every numeric knob of the policy.  Chosen for an authentication product: nothing can
#: switch a safeguard off by being huge (a year of "re-authentication" would end
#: SECURITY.md S1) or break sign-in by being zero (a session of 0 hours).
POLICY_LIMITS: Mapping[str, Limit] = MappingProxyType(
    {
        # A working day at most: a forgotten session does not live for days.
        "session_hours": _limit(1, 24, Unit.HOURS, "policy.limit.session_hours"),
        # An unused session ends after this (SECURITY.md B2), at most a working day.
        "session_idle_minutes": _limit(5, 1440, Unit.MINUTES, "policy.limit.session_idle_minutes"),
        # SECURITY.md S1: sensitive actions need a recent sign-in (default 5 minutes).
        "temporary_password_days": _limit(1, 90, Unit.DAYS, "policy.limit.temporary_password_days"),
        "reauthentication_minutes": _limit(
            1, 60, Unit.MINUTES, "policy.limit.reauthentication_minutes"
        ),
        # SECURITY.md S2; 0 switches the idle lock off.
        "idle_lock_minutes": _limit(0, 480, Unit.MINUTES, "policy.limit.idle_lock_minutes"),
        "sign_in_step_minutes": _limit(1, 30, Unit.MINUTES, "policy.limit.sign_in_step_minutes"),
        # RFC 6238 §5.2: at most a few steps of clock drift; 2 already accepts 5 codes.
        "totp_window": _limit(0, 2, Unit.STEPS, "policy.limit.totp_window"),
        # NIST SP 800-63B §3.2.2: at most 100 consecutive failures before a lock.
        "second_factor_lock_after": _limit(
            1, 100, Unit.FAILURES, "policy.limit.second_factor_lock_after"
        ),
        "recovery_code_count": _limit(5, 16, Unit.CODES, "policy.limit.recovery_code_count"),
        # A helpdesk backup code: an hour to a week.
        "backup_code_hours": _limit(1, 168, Unit.HOURS, "policy.limit.backup_code_hours"),
        "throttle.delay_after": _limit(1, 100, Unit.FAILURES, "policy.limit.throttle.delay_after"),
        "throttle.lock_after": _limit(1, 100, Unit.FAILURES, "policy.limit.throttle.lock_after"),
        # Up to a week: long enough for an escalation over a weekend.
        "throttle.lock_minutes": _limit(
            1, 7 * 24 * 60, Unit.MINUTES, "policy.limit.throttle.lock_minutes"
        ),
        # NIST SP 800-63B: at most 100 consecutive failures; 10 locks of 10 already reach it.
        "throttle.helpdesk_lock_after": _limit(
            1, 10, Unit.LOCKS, "policy.limit.throttle.helpdesk_lock_after"
        ),
        "throttle.first_delay_seconds": _limit(
            1, 60, Unit.SECONDS, "policy.limit.throttle.first_delay_seconds"
        ),
        "throttle.max_delay_seconds": _limit(
            1, 3600, Unit.SECONDS, "policy.limit.throttle.max_delay_seconds"
        ),
        # NIST SP 800-63B §3.1.1.2: at least 8; more than 64 only locks people out.
        "passwords.min_length": _limit(8, 64, Unit.CHARACTERS, "policy.limit.passwords.min_length"),
        # At least 128 (SECURITY.md P2); a cap keeps hashing a pasted book cheap to refuse.
        "passwords.max_length": _limit(
            128, 1024, Unit.CHARACTERS, "policy.limit.passwords.max_length"
        ),
        "passwords.min_score": _limit(0, 4, Unit.SCORE, "policy.limit.passwords.min_score"),
    }
)


def setting_name(section: str, name: str) -> str:
    """The key of a setting in ``POLICY_LIMITS``: "throttle.lock_minutes", "session_hours"."""
    return f"{section}.{name}" if section else name


def section_limits(section: str) -> dict[str, Limit]:
    """The limits of one section's fields by field name ("" for the top level)."""
    found: dict[str, Limit] = {}
    for key, limit in POLICY_LIMITS.items():
        outer, _, name = key.rpartition(".")
        if outer == section:
            found[name] = limit
    return found


def check_limits(section: str, values: object) -> None:
    """Check every limited field of a policy section (a dataclass instance)."""
    for name, limit in section_limits(section).items():
        limit.check(setting_name(section, name), getattr(values, name))
