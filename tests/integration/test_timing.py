"""Unknown account and wrong password take the same time (SECURITY.md T2)."""

from __future__ import annotations

import dataclasses
import statistics
import time

import pytest

from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.core.throttle import ThrottlePolicy
from desktop_auth.errors import InvalidCredentialsError
from desktop_auth.store.db import Store
from tests.helpers import PinnedClock

SAMPLES = 9


def test_t2_unknown_and_wrong_password_timing_medians_within_20_percent(
    store: Store, clock: PinnedClock, admin: Actor, service: AuthService
) -> None:
    """T2: with production argon2 parameters, both paths cost one verify."""
    policy = dataclasses.replace(
        service.policy.current(), throttle=ThrottlePolicy(delay_after=100, lock_after=100)
    )
    service.policy.replace(actor=admin, policy=policy)
    real = AuthService(
        store,
        data_keys=service._data_keys,
        clock=clock,
        hasher=PasswordHasher(),
        workstation="WS-042",
    )
    real.accounts.create(actor=admin, email="jan@example.nl", display_name="Jan")

    def attempt(email: str) -> float:
        start = time.perf_counter()
        with pytest.raises(InvalidCredentialsError):
            real.sign_in.with_password(email, "niet het goede wachtwoord")
        return time.perf_counter() - start

    attempt("warm@example.nl")  # the dummy hash is made once, before any real attempt
    known, unknown = [], []
    for _ in range(SAMPLES):  # interleaved, so machine noise hits both alike
        known.append(attempt("jan@example.nl"))
        unknown.append(attempt("niemand@example.nl"))
    known_median, unknown_median = statistics.median(known), statistics.median(unknown)
    ratio = max(known_median, unknown_median) / min(known_median, unknown_median)
    assert ratio <= 1.20, (known_median, unknown_median)
