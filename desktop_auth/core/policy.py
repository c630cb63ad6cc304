"""The organisation's policy, one value kept in the store and shared by every workstation."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from sqlalchemy.orm import Session

from desktop_auth.core.escrow_key import escrow_key_halves
from desktop_auth.core.password_policy import PasswordPolicy
from desktop_auth.core.policy_limits import (
    POLICY_LIMITS,
    REMINDER_TEXT_MAX_LENGTH,
    check_limits,
    setting_name,
)
from desktop_auth.core.throttle import ThrottlePolicy
from desktop_auth.errors import (
    PolicyAllowedMethodsError,
    PolicyEnforcementDateError,
    PolicyEscrowKeyError,
    PolicyReminderTextError,
    PolicyUnknownSettingError,
    PolicyUnreadableError,
    PolicyUserVerificationError,
    PolicyWrongTypeError,
)
from desktop_auth.store.settings import POLICY, get_setting, put_setting
from desktop_auth.vocabulary import Method

logger = logging.getLogger(__name__)
#: The policy's sections: settings inside them are named "section.name".
SECTIONS = ("passwords", "throttle")


@dataclass(frozen=True, kw_only=True)
class Policy:
    """Every number's bounds are in ``POLICY_LIMITS``; ``with_changes`` changes settings."""

    passwords: PasswordPolicy = field(default_factory=PasswordPolicy)
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    #: The manual's "verplichte tweefactorauthenticatie": on unless an admin turns it off.
    second_factor_required: bool = True
    #: From this day (ISO date, e.g. "2026-07-01") a second factor is required; before it
    #: users without one are reminded and may choose "Remind me later".  None: now.
    enforcement_date: str | None = None
    #: Shown with the reminder before the enforcement date (empty: the standard text).
    reminder_text: str = ""
    session_hours: int = 10
    #: A session not used for this long ends on the server, whatever the window does.
    session_idle_minutes: int = 120
    #: Sensitive actions need a sign-in at most this old (SECURITY.md S1).
    reauthentication_minutes: int = 5
    #: A temporary password (a new account's, or after a reset) works this long (issue 16).
    temporary_password_days: int = 7
    #: A signed-in window left alone this long signs out (SECURITY.md S2; 0: never).
    idle_lock_minutes: int = 15
    #: How long a sign-in may sit between its steps (password → second factor).
    sign_in_step_minutes: int = 5
    #: Authenticator codes: accept this many 30-second steps either side of now.
    totp_window: int = 1
    #: Consecutive wrong second-factor answers that lock the second factor until an admin
    #: unlocks it.  With a window of 1, a guesser's chance per lock is 10 × 3 / 10^6.
    second_factor_lock_after: int = 10
    #: Recovery codes in a batch.
    recovery_code_count: int = 10
    #: How long a helpdesk backup code works.
    backup_code_hours: int = 24
    #: Security keys: "required", "preferred" or "discouraged" user verification (PIN,
    #: fingerprint, face) as a second factor; passwordless sign-in always requires it.
    webauthn_user_verification: str = "preferred"
    #: "Sign in with security key or fingerprint", without a password.
    passwordless_allowed: bool = True
    #: Require an attestation (not "none" or self-signed) from an allowed model.
    attestation_required: bool = False
    #: The models (AAGUIDs) allowed; empty means any.  A model on the list must prove it
    #: is one (a verified attestation, SECURITY.md A1).
    aaguid_allowlist: tuple[str, ...] = ()
    #: Passkeys that may be copied to other devices (synced, "backup eligible") may be set
    #: up; they never count as AAL3 (SECURITY.md W5, A2).
    synced_passkeys_allowed: bool = False
    #: What users may set up (``Method``).  Methods set up before stay usable: to switch
    #: one off for everyone, retire it (``admin rollout retire``).
    allowed_methods: tuple[str, ...] = tuple(Method)
    #: The organisation's vault escrow key (two administrators' X25519 public keys,
    #: ``core/escrow_key.py``), set by ``admin vault escrow init``; empty: no escrow, the
    #: default.  While set, every vault gets a slot sealed to it, and the screen says so.
    vault_escrow_key: str = ""

    def __post_init__(self) -> None:
        # Every number within POLICY_LIMITS; the sections check their own.
        check_limits("", self)
        if self.enforcement_date is not None:
            try:
                date.fromisoformat(self.enforcement_date)
            except ValueError as exc:
                raise PolicyEnforcementDateError() from exc
        if len(self.reminder_text) > REMINDER_TEXT_MAX_LENGTH:
            raise PolicyReminderTextError(maximum=REMINDER_TEXT_MAX_LENGTH)
        if self.webauthn_user_verification not in ("required", "preferred", "discouraged"):
            raise PolicyUserVerificationError()
        object.__setattr__(
            self, "aaguid_allowlist", tuple(str(a).lower() for a in self.aaguid_allowlist)
        )
        allowed = tuple(m for m in Method if m in self.allowed_methods)  # one order, no twins
        if not allowed or not set(self.allowed_methods) <= set(Method):
            raise PolicyAllowedMethodsError()
        object.__setattr__(self, "allowed_methods", allowed)
        if self.vault_escrow_key and self.escrow_public_keys is None:
            raise PolicyEscrowKeyError()

    @property
    def escrow_public_keys(self) -> tuple[bytes, bytes] | None:
        """The escrow key's two administrators' public keys (first, second), or None (off,
        or not two usable keys)."""
        halves = escrow_key_halves(self.vault_escrow_key)
        if halves is None:
            return None
        try:
            for raw in halves:
                # A point of low order makes every exchange all zeros: nothing sealed to
                # it would be secret, and cryptography refuses the exchange.
                X25519PrivateKey.generate().exchange(X25519PublicKey.from_public_bytes(raw))
        except ValueError:
            return None
        return halves

    def allows(self, method: str) -> bool:
        return method in self.allowed_methods

    @property
    def enforcement_day(self) -> date | None:
        return None if self.enforcement_date is None else date.fromisoformat(self.enforcement_date)

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(hours=self.session_hours)

    @property
    def session_idle_window(self) -> timedelta:
        return timedelta(minutes=self.session_idle_minutes)

    @property
    def sign_in_step_window(self) -> timedelta:
        return timedelta(minutes=self.sign_in_step_minutes)

    @property
    def backup_code_lifetime(self) -> timedelta:
        return timedelta(hours=self.backup_code_hours)

    @property
    def temporary_password_lifetime(self) -> timedelta:
        return timedelta(days=self.temporary_password_days)

    @property
    def reauthentication_window(self) -> timedelta:
        return timedelta(minutes=self.reauthentication_minutes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def with_changes(self, changes: Mapping[str, object]) -> Policy:
        """This policy with some settings changed, every one checked.

        Keys name one setting each: "reminder_text", or "throttle.lock_after" inside a
        section.  Raises ``PolicyUnknownSettingError``, ``PolicyWrongTypeError`` or
        ``PolicyValueOutOfRangeError`` (with the bounds from ``POLICY_LIMITS``), or the
        ``ConfigError`` of a rule between settings; never changes a setting not named.
        """
        current = self.to_dict()
        defaults = Policy().to_dict()
        for key, value in changes.items():
            section, _, name = key.rpartition(".")
            target = current.get(section) if section else current
            if (
                not isinstance(target, dict)
                or name not in target
                or (not section and name in SECTIONS)
            ):
                raise PolicyUnknownSettingError(setting=key)
            default = (defaults[section] if section else defaults)[name]
            if not _fits(target[name], default, value):
                raise PolicyWrongTypeError(setting=key)
            limit = POLICY_LIMITS.get(key)
            if limit is not None:
                limit.check(key, value)
            target[name] = value
        return Policy._build(current)

    @classmethod
    def _build(cls, values: Mapping[str, Any]) -> Policy:
        try:
            rest = {k: v for k, v in values.items() if k not in SECTIONS}
            return cls(
                passwords=PasswordPolicy(**values.get("passwords", {})),
                throttle=ThrottlePolicy(**values.get("throttle", {})),
                **rest,
            )
        except TypeError as exc:
            raise PolicyUnreadableError() from exc

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        """A stored policy, read calmly: a number outside today's bounds is moved onto the
        nearest bound (see ``_within_limits``); anything else wrong still refuses."""
        return cls._build(_within_limits(data))


def _fits(current: object, default: object, value: object) -> bool:
    """A new value has the kind of the one it replaces; an optional setting (default None,
    e.g. enforcement_date) takes text or None; a bool is never a number, nor one a bool."""
    if current is None or default is None:
        return value is None or isinstance(value, str)
    if isinstance(current, list | tuple):
        return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    if isinstance(current, bool) or isinstance(value, bool):
        return isinstance(current, bool) and isinstance(value, bool)
    return isinstance(value, type(current))


def _within_limits(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with each whole number outside POLICY_LIMITS moved onto the nearest bound.

    A policy stored by an older version may hold a value the bounds now refuse
    (``reauthentication_minutes=525600`` and ``session_hours=0`` were accepted once).
    Refusing to load it would stop every workstation from signing anyone in, and keeping
    it would leave a safeguard switched off; so it loads clamped.  Above the maximum
    becomes the maximum: for what opens access (re-authentication, session, sign-in step,
    backup code, code window) that is stricter than stored, fail-closed; a lock or delay
    becomes the longest the product allows.  Below the minimum becomes the minimum (a
    session of 0 hours would let nobody in).  The store keeps the old value until the next
    policy change saves the clamped one; each process logs a warning once.  Loading never
    writes: it runs in every transaction on every workstation, and an audit entry for each
    read would flood the audit log.  A value of the wrong kind is not guessed at: it still
    refuses to load.
    """
    values: dict[str, Any] = {
        key: dict(value) if key in SECTIONS and isinstance(value, Mapping) else value
        for key, value in data.items()
    }
    for key, limit in POLICY_LIMITS.items():
        section, _, name = key.rpartition(".")
        target = values.get(section) if section else values
        if not isinstance(target, dict):
            continue
        stored = target.get(name)
        if isinstance(stored, bool) or not isinstance(stored, int) or limit.allows(stored):
            continue
        target[name] = limit.clamp(stored)
        _warn_clamped(setting_name(section, name), stored, target[name])
    return values


_warned: set[tuple[str, int]] = set()


def _warn_clamped(setting: str, stored: int, used: int) -> None:
    if (setting, stored) not in _warned:
        _warned.add((setting, stored))
        logger.warning("stored policy: %s=%d is out of bounds; using %d", setting, stored, used)


def load_policy(session: Session) -> Policy:
    stored = get_setting(session, POLICY)
    return Policy() if stored is None else Policy.from_dict(stored)


def save_policy(session: Session, policy: Policy) -> None:
    put_setting(session, POLICY, policy.to_dict())
