"""What the sign-in server does to every request before the core sees it (SECURITY.md B5).

- **No browsers.** The server has no web pages and no CORS: a request that carries an
  ``Origin`` header comes from a web page (a drive-by from a site the employee visits
  could otherwise post to a server on the workstation's network) and is refused.
- **Size and time.** A body over ``max_body_bytes`` is refused while it is read, never
  buffered whole; a request that takes longer than ``request_seconds`` is answered 503.
- **Security headers** on every answer: no caching (answers carry sessions and codes),
  no sniffing, no framing, no referrer, a CSP that allows nothing, HSTS over TLS.
- **Budgets.** ``check_address`` and ``check_account`` count a request against the
  store's shared budgets (``core/rate_limits.py``) and refuse what is over them.

Every refusal is audited, with the calling workstation: the first one over a budget in
its window (``server.requests_limited``), and each malformed or refused request
(``server.request_refused``), which itself counts against the address's budget so that
no flood of junk floods the audit log.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from anyio import to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from desktop_auth import errors
from desktop_auth.core.context import calling_from
from desktop_auth.core.service import AuthService, RateLimitPolicy
from desktop_auth.remote import wire


@dataclass(frozen=True, kw_only=True)
class ServerLimits:
    max_body_bytes: int = 64 * 1024
    request_seconds: float = 30.0
    budgets: RateLimitPolicy = field(default_factory=RateLimitPolicy)
    #: argon2 hashes at once (for ``server.HASHING``'s requests, in a ``HashingPool``): one
    #: per core; more only split the cores into slower hashes.
    hashes_at_once: int = field(default_factory=lambda: os.cpu_count() or 1)


SECURITY_HEADERS = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "cross-origin-resource-policy": "same-origin",
}
HSTS = "max-age=31536000"
#: Set in the request's scope when its body ran over the limit while being read.
BODY_TOO_LARGE = "desktop_auth.body_too_large"


class _BodyTooLargeError(Exception):
    pass


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "?"


def workstation_of(scope: Scope, claimed: str) -> str:
    """The calling workstation's own name (printable, short) and the address it came from."""
    name = "".join(c for c in claimed if c.isprintable())[:MAX_WORKSTATION_NAME] or "?"
    return f"{name} ({client_address(scope)})"


#: The header a workstation names itself in (for the audit log and "where you are signed in").
WORKSTATION_HEADER = "X-Desktop-Auth-Workstation"
MAX_WORKSTATION_NAME = 100


class Protection:
    """ASGI middleware: browsers refused, bodies and time bounded, headers set."""

    def __init__(self, app: ASGIApp, service: AuthService, limits: ServerLimits) -> None:
        self._app = app
        self._service = service
        self._limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        secure = scope.get("scheme") == "https"
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                answer = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in answer:
                        answer[name] = value
                if secure:
                    answer["strict-transport-security"] = HSTS
            await send(message)

        async def refuse(reason: str, status: int) -> None:
            await to_thread.run_sync(self._audit_refusal, scope, headers, reason, status)
            if not started:
                await _send_error(
                    send_with_headers, errors.RequestRefusedError(reason=reason), status
                )

        if "origin" in headers:
            await refuse("browser", 403)
            return
        declared = headers.get("content-length")
        if declared is not None and (
            not declared.isdigit() or int(declared) > self._limits.max_body_bytes
        ):
            await refuse("too_large", 413)
            return

        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self._limits.max_body_bytes:
                    scope[BODY_TOO_LARGE] = True
                    raise _BodyTooLargeError()
            return message

        try:
            async with asyncio.timeout(self._limits.request_seconds):
                await self._app(scope, bounded_receive, send_with_headers)
        except _BodyTooLargeError:
            await refuse("too_large", 413)
        except TimeoutError:
            await refuse("too_slow", 503)

    def _audit_refusal(self, scope: Scope, headers: Headers, reason: str, status: int) -> None:
        audit_refusal(
            self._service,
            self._limits,
            workstation_of(scope, headers.get(WORKSTATION_HEADER, "")),
            client_address(scope),
            reason,
            status,
        )


def audit_refusal(
    service: AuthService,
    limits: ServerLimits,
    workstation: str,
    address: str,
    reason: str,
    status: int,
) -> None:
    """One refused request in the audit log, unless the address is over its budget (then
    only the first refusal of the window is, as ``server.requests_limited``)."""
    try:
        with calling_from(workstation):
            check_address(service, limits, address)
            service.operations.rate_limits.record_refusal(reason, status)
    except errors.DesktopAuthError:
        return  # over the budget (audited once) or the store is down: the answer stands


def check_address(service: AuthService, limits: ServerLimits, address: str) -> None:
    verdict = service.operations.rate_limits.take_address(address, limits.budgets)
    if not verdict.allowed:
        raise errors.TooManyRequestsError(seconds=verdict.retry_after)


def check_account(service: AuthService, limits: ServerLimits, email: str) -> None:
    verdict = service.operations.rate_limits.take_account(email, limits.budgets)
    if not verdict.allowed:
        raise errors.TooManyRequestsError(seconds=verdict.retry_after)


async def _send_error(
    send: Callable[[Message], Awaitable[None]], error: errors.DesktopAuthError, status: int
) -> None:
    body = json.dumps(wire.error_to_json(error)).encode()
    start: dict[str, Any] = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body})
