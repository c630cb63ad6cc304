"""What the sign-in server does to every request (SECURITY.md B5): budgets in the store,
shared by every server process; no browsers; bounded bodies and time; security headers;
every refusal in the API's own error form, and audited."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from desktop_auth.core.service import Actor, AuthService, RateLimitPolicy
from desktop_auth.remote import wire
from desktop_auth.remote.protection import SECURITY_HEADERS, ServerLimits
from desktop_auth.remote.server import create_app
from desktop_auth.store.db import Store
from tests.helpers import MemoryKeyring, PinnedClock, make_service, make_user

WORKSTATION = {"X-Desktop-Auth-Workstation": "WS-7"}


def call(
    service: AuthService,
    requests: list[dict[str, Any]],
    *,
    limits: ServerLimits | None = None,
    address: str = "10.0.0.7",
) -> list[httpx.Response]:
    """Send ``requests`` (httpx.request keyword arguments) to a server over ``service``,
    from ``address``, as a workstation would; the answers."""

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=create_app(service, limits), client=(address, 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://server") as client:
            return [await client.request(**{"method": "POST", **r}) for r in requests]

    return asyncio.run(go())


def password_attempt(email: str, password: str = "niet het goede wachtwoord") -> dict[str, Any]:
    return {
        "url": "/v1/sign_in/with_password",
        "json": {"email": email, "password": password},
        "headers": WORKSTATION,
    }


def events(service: AuthService, event_type: str) -> list[dict[str, Any]]:
    return [
        {"workstation": e.workstation, **dict(e.details)}
        for e in service.audit.events(event_type=event_type, limit=None)
    ]


def test_b5_an_address_budget_is_shared_by_every_server_process(
    service: AuthService, admin: Actor, store: Store, memory_keyring: MemoryKeyring
) -> None:
    """Two servers on one store: the sixth request from one address is over a budget of 5,
    wherever it lands; another address still has its own."""
    make_user(service, admin)
    other_process = make_service(store, keyring=memory_keyring, workstation="SERVER-2")
    limits = ServerLimits(budgets=RateLimitPolicy(per_address=5, per_account=100))
    attempts = [password_attempt(f"mw{n}@example.nl") for n in range(3)]
    first = call(service, attempts, limits=limits)
    second = call(other_process, attempts, limits=limits)
    assert [r.status_code for r in first + second] == [400] * 5 + [429]
    refused = second[-1]
    assert refused.json() == {
        "code": "too_many_requests",
        "params": {"seconds": refused.json()["params"]["seconds"]},
        "reasons": [],
    }
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert [
        r.status_code for r in call(service, attempts[:1], limits=limits, address="10.0.0.8")
    ] == [400]
    # Audited once per window, however many more come.
    call(service, attempts, limits=limits)
    assert events(service, "server.requests_limited") == [
        {"workstation": "WS-7 (10.0.0.7)", "budget": "address", "limit": 5}
    ]
    # The address itself is nowhere in the store: only a keyed hash of it.
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT bucket FROM rate_limit_buckets").all()
    assert rows and all(b"10.0.0.7" not in bytes(row[0]) for row in rows)


def test_b5_an_accounts_budget_holds_from_every_address(service: AuthService, admin: Actor) -> None:
    email = make_user(service, admin)
    limits = ServerLimits(budgets=RateLimitPolicy(per_address=100, per_account=3))
    answers = [
        call(service, [password_attempt(email.upper())], limits=limits, address=f"10.1.0.{n}")[0]
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [400, 400, 400, 429]
    assert (
        call(service, [password_attempt("ander@example.nl")], limits=limits)[0].status_code == 400
    )
    [limited] = events(service, "server.requests_limited")
    assert limited["budget"] == "account" and limited["limit"] == 3


def test_b5_after_the_window_the_budget_is_whole_again(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    limits = ServerLimits(budgets=RateLimitPolicy(per_address=1, window=timedelta(minutes=1)))
    attempt = [password_attempt("mw@example.nl")]
    assert [r.status_code for r in call(service, attempt * 2, limits=limits)] == [400, 429]
    clock.advance(minutes=1)
    assert call(service, attempt, limits=limits)[0].status_code == 400


def test_b5_a_web_page_cannot_call_the_server(service: AuthService, admin: Actor) -> None:
    """No CORS: a browser's cross-site request (it always sends Origin) is refused."""
    [preflight, post] = call(
        service,
        [
            {
                "method": "OPTIONS",
                "url": "/v1/sign_in/with_password",
                "headers": {"Origin": "https://evil.example"},
            },
            {**password_attempt("jan@example.nl"), "headers": {"Origin": "https://evil.example"}},
        ],
    )
    for answer in (preflight, post):
        assert answer.status_code == 403
        assert answer.json()["code"] == "request_refused"
        assert answer.json()["params"] == {"reason": "browser"}
        assert not any(h.startswith("access-control-") for h in answer.headers)
    assert [e["reason"] for e in events(service, "server.request_refused")] == ["browser"] * 2
    # Nothing reached the sign-in: no failure was counted for the account.
    assert events(service, "sign_in.failed") == []


def test_b5_every_answer_carries_the_security_headers(service: AuthService, admin: Actor) -> None:
    answers = call(
        service,
        [
            {"method": "GET", "url": "/v1/organisation"},
            password_attempt("jan@example.nl"),
            {"url": "/v1/sign_in/with_password", "content": b"{", "headers": WORKSTATION},
            {"method": "GET", "url": "/nowhere"},
        ],
    )
    assert [a.status_code for a in answers] == [200, 400, 400, 404]
    for answer in answers:
        for name, value in SECURITY_HEADERS.items():
            assert answer.headers[name] == value, (answer.request.url, name)


@pytest.fixture
def small_limits() -> ServerLimits:
    return ServerLimits(max_body_bytes=1024, budgets=RateLimitPolicy(per_address=10_000))


def test_b5_a_body_over_the_limit_is_refused_while_it_is_read(
    service: AuthService, admin: Actor, small_limits: ServerLimits
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"email": "jan@example.nl", "password": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}'

    async def stream() -> Any:
        for chunk in chunks():
            yield chunk

    declared, streamed = call(
        service,
        [
            {"url": "/v1/sign_in/with_password", "content": b"x" * 2000, "headers": WORKSTATION},
            {"url": "/v1/sign_in/with_password", "content": stream(), "headers": WORKSTATION},
        ],
        limits=small_limits,
    )
    assert "content-length" not in streamed.request.headers
    for answer in (declared, streamed):
        assert answer.status_code == 413
        assert answer.json()["params"] == {"reason": "too_large"}
    assert [e["reason"] for e in events(service, "server.request_refused")] == ["too_large"] * 2


def test_b5_a_request_that_takes_too_long_is_answered_and_audited(
    service: AuthService, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(email: str, password: str) -> None:
        time.sleep(2)

    monkeypatch.setattr(service.sign_in, "with_password", slow)
    limits = ServerLimits(request_seconds=0.3)
    [answer] = call(service, [password_attempt("jan@example.nl")], limits=limits)
    assert answer.status_code == 503 and answer.json()["params"] == {"reason": "too_slow"}
    assert [e["reason"] for e in events(service, "server.request_refused")] == ["too_slow"]


BAD_BODIES: list[bytes] = [
    b"[" * 5000 + b"]" * 5000,  # deeply nested
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
    b"\xff\xfe\x00not utf-8",
    b'{"email": "\xc3\x28", "password": "x"}',  # invalid UTF-8 inside a string
    b'{"email": "\\ud800", "password": "\\udfff"}',  # lone surrogates
    b'{"email": "jan@example.nl", "password": "\\ud83d"}',
    b"",
    b"null",
    b"[]",
    b'"a string"',
    b"1e999999",
    b'{"email": 5, "password": ["x"]}',
    b'{"email": "' + b"a" * 900 + b'@example.nl", "password": "x"}',
    b'{"email": "jan@example.nl", "password": "x", "extra": {"deep": [1, 2, {"x": null}]}}',
    b"{" + b'"k": 1,' * 100 + b'"z": 2}',
    b"NaN",
    b"\x00" * 64,
]


def test_b5_fuzzed_bodies_crash_nothing_and_every_refusal_is_audited(
    service: AuthService, admin: Actor
) -> None:
    """Every operation, every bad body: never a 5xx, always the API's error form."""
    limits = ServerLimits(max_body_bytes=64 * 1024, budgets=RateLimitPolicy(per_address=10**6))
    operations = [op for op in wire.operations() if op.caller_parameter is None]
    assert len(operations) >= 10
    requests = [
        {
            "url": op.path,
            "content": body,
            "headers": {**WORKSTATION, "Content-Type": "application/json"},
        }
        for op in operations
        for body in BAD_BODIES
    ]
    answers = call(service, requests, limits=limits)
    statuses = [a.status_code for a in answers]
    assert all(s < 500 for s in statuses), [
        (r["url"], r["content"][:40], a.status_code)
        for r, a in zip(requests, answers, strict=True)
        if a.status_code >= 500
    ]
    payloads = [a.json() for a in answers]  # every answer is JSON
    for answer, payload in zip(answers, payloads, strict=True):
        if answer.status_code != 200:
            assert set(payload) == {"code", "params", "reasons"}, payload
    refused = sum(1 for p in payloads if isinstance(p, dict) and p.get("code") == "request_refused")
    assert refused >= len(BAD_BODIES)  # most bodies are no valid request at all
    assert len(events(service, "server.request_refused")) == refused


def test_b5_an_integer_no_store_column_holds_is_refused_as_bad_input(
    service: AuthService, admin: Actor
) -> None:
    """JSON numbers have no limit; a 64-bit column has. Past it the store raised an
    OverflowError, a server error (found by the per-operation schema walk)."""
    ids = [2**63, -(2**63) - 1, 2**63 - 1]
    answers = call(
        service,
        [
            {"url": "/v1/accounts/method_kinds", "json": {"user_ids": [i]}, "headers": WORKSTATION}
            for i in ids
        ],
    )
    too_wide, too_negative, widest = answers
    for answer in (too_wide, too_negative):
        assert answer.status_code == 400
        assert answer.json()["params"] == {"reason": "malformed"}
    # The widest that fits gets past the check: on to who is asking.
    assert widest.status_code == 401
    assert [e["reason"] for e in events(service, "server.request_refused")] == ["malformed"] * 2
