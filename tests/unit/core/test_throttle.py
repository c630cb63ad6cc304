"""Throttling and locks (SECURITY.md T1, T2 in words; T4 races live in tests/integration)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desktop_auth.core.service import Actor, AuthService, SignInOutcome, UserStatus
from desktop_auth.core.throttle import ThrottlePolicy
from desktop_auth.errors import ConfigError, InvalidCredentialsError
from tests.helpers import USER_PASSWORD, PinnedClock, make_user

WRONG = "niet het goede wachtwoord"


def fail(service: AuthService, email: str, times: int, clock: PinnedClock) -> list[str]:
    """Fail ``times`` sign-ins, waiting out each delay; returns the error codes seen."""
    keys = []
    for _ in range(times):
        result = None
        try:
            result = service.sign_in.with_password(email, WRONG)
        except InvalidCredentialsError as exc:
            keys.append(exc.code)
        assert result is None
        clock.advance(seconds=61)  # longer than any delay, shorter than the lock
    return keys


def test_t1_delay_from_five_lock_at_ten_for_fifteen_minutes(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """T1: 10 failures lock; the right password is then refused until the lock ends."""
    email = make_user(service, admin)
    keys = fail(service, email, 4, clock)
    assert keys == ["invalid_credentials"] * 4
    with pytest.raises(InvalidCredentialsError) as fifth:
        service.sign_in.with_password(email, WRONG)
    assert fifth.value.code == "invalid_credentials_wait"
    # Within the delay even the right password gets only "wait".
    waiting = service.sign_in.with_password(email, USER_PASSWORD)
    assert waiting.outcome is SignInOutcome.THROTTLED and waiting.retry_at is not None
    clock.advance(seconds=61)
    keys = fail(service, email, 4, clock)
    assert keys == ["invalid_credentials_wait"] * 4
    with pytest.raises(InvalidCredentialsError) as tenth:
        service.sign_in.with_password(email, WRONG)
    assert tenth.value.code == "invalid_credentials_locked"
    locked_at = clock.now()

    clock.advance(minutes=14)
    refused = service.sign_in.with_password(email, USER_PASSWORD)
    assert refused.outcome is SignInOutcome.LOCKED
    assert refused.retry_at == locked_at + timedelta(minutes=15)
    assert service.accounts.get(email).status(clock.now()) is UserStatus.LOCKED

    clock.advance(minutes=2)
    assert service.sign_in.with_password(email, USER_PASSWORD).outcome is (
        SignInOutcome.SETUP_REQUIRED
    )
    assert service.accounts.get(email).failed_attempts == 0  # success resets


def test_t1_admin_unlock_lets_the_user_in_at_once(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    email = make_user(service, admin)
    fail(service, email, 9, clock)
    with pytest.raises(InvalidCredentialsError):
        service.sign_in.with_password(email, WRONG)
    assert service.sign_in.with_password(email, USER_PASSWORD).outcome is SignInOutcome.LOCKED
    service.accounts.unlock(actor=admin, email=email)
    assert service.sign_in.with_password(email, USER_PASSWORD).outcome is (
        SignInOutcome.SETUP_REQUIRED
    )
    events = [e.event_type for e in service.audit.events(subject=email, limit=None)]
    assert "account.locked" in events and "user.unlocked" in events


def test_unknown_addresses_lock_the_same_way_without_rows(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """T2: an unknown address behaves like a known one under attack, and leaves no row."""
    known = make_user(service, admin)
    unknown = "niemand@example.nl"
    known_keys = fail(service, known, 10, clock)
    unknown_keys = fail(service, unknown, 10, clock)
    assert known_keys == unknown_keys
    known_refused = service.sign_in.with_password(known, WRONG)
    unknown_refused = service.sign_in.with_password(unknown, WRONG)
    assert known_refused.outcome is unknown_refused.outcome is SignInOutcome.LOCKED
    assert [u.email for u in service.accounts.page()] == ["beheer@salariszaken.nl", known]


def test_policy_bounds_are_checked() -> None:
    """T1: at most 100 failures before a lock (NIST SP 800-63B §3.2.2)."""
    with pytest.raises(ConfigError):
        ThrottlePolicy(lock_after=101, delay_after=5)
    with pytest.raises(ConfigError):
        ThrottlePolicy(delay_after=11, lock_after=10)
    assert ThrottlePolicy().wait_after(4) is None
    assert ThrottlePolicy().wait_after(5) == timedelta(seconds=2)
    assert ThrottlePolicy().wait_after(7) == timedelta(seconds=8)
    assert ThrottlePolicy().wait_after(10) == timedelta(minutes=15)


def test_t2_a_day_later_a_real_and_an_unknown_address_still_look_alike(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """A run of failures is forgotten a day after its last one, for both: the next wrong
    password starts a new run for the account as for the address that has none."""
    known = make_user(service, admin)
    unknown = "niemand@example.nl"
    assert fail(service, known, 10, clock) == fail(service, unknown, 10, clock)
    clock.advance(days=1, minutes=1)
    fail(service, "iemand.anders@example.nl", 1, clock)  # another failure prunes old rows
    again = fail(service, known, 6, clock)
    assert again == fail(service, unknown, 6, clock)
    # A new run: plain refusals, then the delays, not the lock the old run had reached.
    assert again[:4] == ["invalid_credentials"] * 4
    assert "invalid_credentials_locked" not in again
