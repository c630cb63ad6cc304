"""The organisation's policy, one value kept in the store and shared by every workstation."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from desktop_auth.core.password_policy import PasswordPolicy
from desktop_auth.core.throttle import ThrottlePolicy
from desktop_auth.errors import ConfigError
from desktop_auth.store.settings import POLICY, get_setting, put_setting
from desktop_auth.vocabulary import Method


@dataclass(frozen=True, kw_only=True)
class Policy:
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
    #: Sensitive actions need a sign-in at most this old (SECURITY.md S1).
    reauthentication_minutes: int = 5
    #: A signed-in window left alone this long signs out (SECURITY.md S2; 0: never).
    idle_lock_minutes: int = 15
    #: How long a sign-in may sit between its steps (password → second factor).
    sign_in_step_minutes: int = 5
    #: Authenticator codes: accept this many 30-second steps either side of now (0–2).
    totp_window: int = 1
    #: Consecutive wrong second-factor answers that lock the second factor until an admin
    #: unlocks it.  With a window of 1, a guesser's chance per lock is 10 × 3 / 10^6.
    second_factor_lock_after: int = 10
    #: Recovery codes in a batch (5–16).
    recovery_code_count: int = 10
    #: How long a helpdesk backup code works (1 hour to 7 days).
    backup_code_hours: int = 24
    #: Security keys: "required", "preferred" or "discouraged" user verification (PIN,
    #: fingerprint, face) as a second factor; passwordless sign-in always requires it.
    webauthn_user_verification: str = "preferred"
    #: "Sign in with security key or fingerprint", without a password.
    passwordless_allowed: bool = True
    #: Require an attestation (not "none" or self-signed) from an allowed model.
    attestation_required: bool = False
    #: The models (AAGUIDs) allowed; empty means any.
    aaguid_allowlist: tuple[str, ...] = ()
    #: What users may set up (``Method``).  Methods set up before stay usable: to switch
    #: one off for everyone, retire it (``admin rollout retire``).
    allowed_methods: tuple[str, ...] = tuple(Method)

    def __post_init__(self) -> None:
        if not 0 <= self.totp_window <= 2:
            raise ConfigError("error.policy_totp_window")
        if not 1 <= self.second_factor_lock_after <= 100:
            raise ConfigError("error.policy_throttle")
        if not 5 <= self.recovery_code_count <= 16:
            raise ConfigError("error.policy_recovery_code_count")
        if not 1 <= self.backup_code_hours <= 168:
            raise ConfigError("error.policy_backup_code_hours")
        if not 0 <= self.idle_lock_minutes <= 480:
            raise ConfigError("error.policy_idle_lock")
        if self.enforcement_date is not None:
            try:
                date.fromisoformat(self.enforcement_date)
            except ValueError as exc:
                raise ConfigError("error.policy_enforcement_date") from exc
        if len(self.reminder_text) > 500:
            raise ConfigError("error.policy_reminder_text")
        if self.webauthn_user_verification not in ("required", "preferred", "discouraged"):
            raise ConfigError("error.policy_user_verification")
        object.__setattr__(
            self, "aaguid_allowlist", tuple(str(a).lower() for a in self.aaguid_allowlist)
        )
        allowed = tuple(m for m in Method if m in self.allowed_methods)  # one order, no twins
        if not allowed or not set(self.allowed_methods) <= set(Method):
            raise ConfigError("error.policy_allowed_methods")
        object.__setattr__(self, "allowed_methods", allowed)

    def allows(self, method: str) -> bool:
        return method in self.allowed_methods

    @property
    def enforcement_day(self) -> date | None:
        return None if self.enforcement_date is None else date.fromisoformat(self.enforcement_date)

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(hours=self.session_hours)

    @property
    def sign_in_step_window(self) -> timedelta:
        return timedelta(minutes=self.sign_in_step_minutes)

    @property
    def backup_code_lifetime(self) -> timedelta:
        return timedelta(hours=self.backup_code_hours)

    @property
    def reauthentication_window(self) -> timedelta:
        return timedelta(minutes=self.reauthentication_minutes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Policy:
        try:
            values = dict(data)
            values["passwords"] = PasswordPolicy(**values.get("passwords", {}))
            values["throttle"] = ThrottlePolicy(**values.get("throttle", {}))
            return cls(**values)
        except TypeError as exc:
            raise ConfigError("error.policy_unreadable") from exc


def load_policy(session: Session) -> Policy:
    stored = get_setting(session, POLICY)
    return Policy() if stored is None else Policy.from_dict(stored)


def save_policy(session: Session, policy: Policy) -> None:
    put_setting(session, POLICY, policy.to_dict())
