"""argon2 runs in threads of its own at a lower priority, so that a crowd at the password
step never queues the code steps behind it; the step's own Python stays at the normal
priority, as a thread of low priority holding the interpreter's lock kept the code steps
waiting (issue 15)."""

from __future__ import annotations

import os
import threading
from typing import Any

import argon2
import pytest

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.remote.hashing_pool import HASHING_NICENESS
from tests.helpers import USER_PASSWORD, make_user
from tests.unit.remote.test_protection import call, password_attempt


def niceness() -> int:
    """This thread's own (Linux: per thread; the tests run there, as CI does)."""
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_only_argon2_runs_niced_in_its_own_threads(
    service: AuthService, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = make_user(service, admin)
    seen: dict[str, tuple[str, int]] = {}
    sign_in = service.sign_in

    def watched(name: str) -> Any:
        real = getattr(sign_in, name)

        def run(*args: Any, **kwargs: Any) -> Any:
            seen[name] = (threading.current_thread().name, niceness())
            return real(*args, **kwargs)

        return run

    for name in ("with_password", "assess_password"):
        monkeypatch.setattr(sign_in, name, watched(name))
    real_verify = argon2.PasswordHasher.verify

    def verify(hasher: argon2.PasswordHasher, *args: Any) -> Any:
        seen["argon2"] = (threading.current_thread().name, niceness())
        return real_verify(hasher, *args)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", verify)
    base = niceness()
    answers = call(
        service,
        [
            password_attempt(email, USER_PASSWORD),
            {
                "url": "/v1/sign_in/assess_password",
                "json": {"password": "koffie", "email": email},
                "headers": password_attempt(email)["headers"],
            },
        ],
    )
    assert [answer.status_code for answer in answers] == [200, 200]
    thread, nice = seen["argon2"]
    assert thread.startswith("desktop-auth-argon2") and nice == base + HASHING_NICENESS
    thread, nice = seen["with_password"]
    assert not thread.startswith("desktop-auth-argon2") and nice == base
    thread, nice = seen["assess_password"]
    assert not thread.startswith("desktop-auth-argon2") and nice == base
