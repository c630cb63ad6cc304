"""``desktop-auth server``: the core's capabilities as an HTTPS JSON API (FastAPI).

Each exposed capability method is one ``POST /v1/<capability>/<method>`` route, made
from ``wire.operations()``: its request body is the method's parameters, its answer the
method's result.  The caller's session is found from the bearer token, never taken from
the request body (B2, B3).  The OpenAPI document is served at ``/openapi.json`` and kept
in the repository (``docs/openapi.json``; a test compares them).
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import logging
from collections.abc import Callable
from typing import Any

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, create_model
from starlette.exceptions import HTTPException as StarletteHTTPException

from desktop_auth import __version__, errors
from desktop_auth.core.context import calling_from
from desktop_auth.core.organisation import Organisation
from desktop_auth.core.service import Actor, AuthService, Session
from desktop_auth.remote import wire
from desktop_auth.remote.hashing_pool import HashingPool
from desktop_auth.remote.protection import (
    BODY_TOO_LARGE,
    WORKSTATION_HEADER,
    Protection,
    ServerLimits,
    audit_refusal,
    check_account,
    check_address,
    client_address,
    workstation_of,
)

__all__ = ["JWKS_PATH", "ServerLimits", "create_app"]

log = logging.getLogger("desktop_auth.server")

#: Password steps under way at once, per hash the pool runs at once: the others wait for a
#: thread (their argon2 would wait for the pool anyway).
PASSWORD_STEPS_PER_HASH = 4
#: Password attempts: counted against the account's budget too, from any address.
ACCOUNT_BUDGETED = frozenset({("sign_in", "with_password")})
#: The operations that run argon2 (a password verified or hashed): they run in threads of
#: their own, and their hashing in the ``HashingPool``'s ``ServerLimits.hashes_at_once``
#: threads at a lower priority.
HASHING = frozenset(
    {
        ("sign_in", "with_password"),
        ("sign_in", "complete_password_change"),
        ("my_account", "change_password"),
        ("accounts", "create"),
        ("accounts", "create_many"),
        ("accounts", "reset_password"),
        ("rollout", "import_users"),
    }
)
#: Where web applications find the keys that verify a signed sign-in token.
JWKS_PATH = "/.well-known/jwks.json"

_bearer = HTTPBearer(auto_error=False, description="The session token of a sign-in")
_BEARER = Depends(_bearer)


def _status(error: errors.DesktopAuthError) -> int:
    if isinstance(error, errors.SessionEndedError | errors.SessionExpiredError):
        return 401
    if isinstance(error, errors.SignInRequiredError):
        return 401
    if isinstance(error, errors.PermissionDeniedError | errors.LocalOnlyError):
        return 403
    if isinstance(error, errors.TooManyRequestsError):
        return 429
    if isinstance(error, errors.StoreUnavailableError):
        return 503
    return 400


def _workstation(request: Request) -> str:
    return workstation_of(request.scope, request.headers.get(WORKSTATION_HEADER, ""))


def create_app(service: AuthService, limits: ServerLimits | None = None) -> FastAPI:
    limits = limits or ServerLimits()
    app = FastAPI(
        title="desktop-auth sign-in server",
        version=__version__,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    plain_document = app.openapi

    def document() -> dict[str, Any]:
        """FastAPI's document, each integer with the bounds the server holds it to."""
        return state_integer_bounds(plain_document())

    app.openapi = document  # type: ignore[method-assign]
    app.add_middleware(Protection, service=service, limits=limits)
    # argon2 in the pool's threads of lower priority; the steps around it at the normal one.
    service.operations.password_hasher.run_hashing = HashingPool(limits.hashes_at_once).run_blocking
    app.state.password_steps = CapacityLimiter(limits.hashes_at_once * PASSWORD_STEPS_PER_HASH)

    @app.exception_handler(errors.DesktopAuthError)
    def _refused(_request: Request, error: errors.DesktopAuthError) -> JSONResponse:
        headers = {}
        if isinstance(error, errors.TooManyRequestsError):
            headers["Retry-After"] = str(error.params.get("seconds", 60))
        return JSONResponse(wire.error_to_json(error), status_code=_status(error), headers=headers)

    @app.exception_handler(RequestValidationError)
    @app.exception_handler(StarletteHTTPException)
    async def _malformed(request: Request, error: Exception) -> JSONResponse:
        """A body that is no valid JSON for the operation, a path or method that does not
        exist: refused in the API's own error form, and audited (B5)."""
        status = error.status_code if isinstance(error, StarletteHTTPException) else 400
        reason = "malformed" if status in (400, 422) else "no_such_operation"
        if request.scope.get(BODY_TOO_LARGE):  # FastAPI wraps what the reader raised
            status, reason = 413, "too_large"
        await to_thread.run_sync(
            audit_refusal,
            service,
            limits,
            _workstation(request),
            client_address(request.scope),
            reason,
            status,
        )
        refusal = errors.RequestRefusedError(reason=reason)
        return JSONResponse(wire.error_to_json(refusal), status_code=status)

    def organisation() -> Organisation | None:
        """The organisation this server signs in for; null before ``server init``."""
        return service.organisation()

    app.add_api_route(
        f"/{wire.API_VERSION}/organisation",
        organisation,
        methods=["GET"],
        response_model=Organisation | None,
        operation_id="organisation",
        responses=REFUSALS,
    )

    def jwks() -> JSONResponse:
        """The public keys that verify signed sign-in tokens (a JWKS, RFC 7517)."""
        return JSONResponse(
            service.sign_in.public_keys(), headers={"Cache-Control": "public, max-age=3600"}
        )

    app.add_api_route(
        JWKS_PATH,
        jwks,
        methods=["GET"],
        operation_id="jwks",
        responses=REFUSALS,
        response_model=dict[str, list[dict[str, str]]],
    )
    for operation in wire.operations():
        _add_route(app, service, limits, operation)

    def export_csv(
        request: Request, credentials: HTTPAuthorizationCredentials | None = _BEARER
    ) -> CsvExport:
        """The whole audit log as CSV, oldest first; the export itself is audited."""
        actor = Actor.for_session(_session(service, credentials))
        text = io.StringIO()
        with calling_from(_workstation(request)):
            count = service.audit.export_csv(text, actor=actor)
        return CsvExport(csv=text.getvalue(), events=count)

    app.add_api_route(
        wire.EXPORT_CSV_PATH,
        export_csv,
        methods=["POST"],
        response_model=CsvExport,
        operation_id=".".join(wire.EXPORT_CSV),
        responses=REFUSALS,
        tags=[wire.EXPORT_CSV[0]],
    )
    return app


class Refusal(BaseModel):
    """Every refusal: an error code the workstation raises again as the same class, with
    its message's parameters (and a weak password's reasons)."""

    code: str
    params: dict[str, str | int | dict[str, str]]
    reasons: list[str]


#: What any route may answer besides its result (B5: documented, so clients and
#: schemathesis can hold the server to it).
REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": Refusal, "description": description}
    for status, description in (
        (400, "Refused: bad input, or the core said no"),
        (401, "No session, or it ended"),
        (403, "Not allowed, or a request from a web page"),
        (404, "No such operation"),
        (413, "The body is too large"),
        (429, "Over the budget of this address or account"),
        (503, "The store is unreachable, or the request took too long"),
    )
}


class CsvExport(BaseModel):
    csv: str
    events: int


def _session(service: AuthService, credentials: HTTPAuthorizationCredentials | None) -> Session:
    if credentials is None:
        raise errors.SignInRequiredError()
    return service.sign_in.resume(credentials.credentials)


def _add_route(
    app: FastAPI, service: AuthService, limits: ServerLimits, operation: wire.Operation
) -> None:
    method: Callable[..., Any] = getattr(getattr(service, operation.capability), operation.name)
    body = _body_model(operation)
    returns = operation.returns
    adapter = wire.adapter(returns)

    hashing = (operation.capability, operation.name) in HASHING
    password_steps: CapacityLimiter = app.state.password_steps

    async def endpoint(
        request: Request,
        body: BaseModel | None = None,
        credentials: HTTPAuthorizationCredentials | None = None,
    ) -> Any:
        if hashing:  # threads of their own: a crowd of them leaves the others' threads be
            return await to_thread.run_sync(
                answer, request, body, credentials, limiter=password_steps
            )
        return await to_thread.run_sync(answer, request, body, credentials)

    def answer(
        request: Request,
        body: BaseModel | None,
        credentials: HTTPAuthorizationCredentials | None,
    ) -> Any:
        arguments = (
            {} if body is None else {name: getattr(body, name) for name in type(body).model_fields}
        )
        if not _storable(arguments):
            audit_refusal(
                service,
                limits,
                _workstation(request),
                client_address(request.scope),
                "malformed",
                400,
            )
            raise errors.RequestRefusedError(reason="malformed")
        with calling_from(_workstation(request)):
            if operation.caller_parameter is None:  # no session: an address's budget (B5)
                check_address(service, limits, client_address(request.scope))
                if (operation.capability, operation.name) in ACCOUNT_BUDGETED:
                    check_account(service, limits, str(arguments.get("email", "")))
            else:
                session = _session(service, credentials)
                arguments[operation.caller_parameter] = (
                    session
                    if operation.caller is wire.Caller.SESSION
                    else Actor.for_session(session)
                )
            result = method(**arguments)
        return JSONResponse(adapter.dump_python(result, mode="json"))

    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
    ]
    if body is not None:
        parameters.append(
            inspect.Parameter("body", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=body)
        )
    if operation.caller_parameter is not None:
        parameters.append(
            inspect.Parameter(
                "credentials",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=HTTPAuthorizationCredentials | None,
                default=_BEARER,
            )
        )
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__doc__ = inspect.getdoc(operation.function())
    app.add_api_route(
        operation.path,
        endpoint,
        methods=["POST"],
        response_model=returns,
        operation_id=f"{operation.capability}.{operation.name}",
        tags=[operation.capability],
        responses=REFUSALS,
    )


#: The widest integer either store keeps (a signed 64-bit column): JSON has no limit, and a
#: larger id reached SQLite as an OverflowError, a server error (B5).
STORED_INTEGERS = range(-(2**63), 2**63)


def state_integer_bounds(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with a ``minimum`` and ``maximum`` on every integer that has none: what
    ``_storable`` refuses beyond them, a client can read in the document (and a schema
    walk stays within).  In place, and idempotent, as FastAPI caches the document."""

    def walk(part: object) -> None:
        if isinstance(part, dict):
            if part.get("type") == "integer":
                part.setdefault("minimum", STORED_INTEGERS.start)
                part.setdefault("maximum", STORED_INTEGERS.stop - 1)
            for value in part.values():
                walk(value)
        elif isinstance(part, list):
            for value in part:
                walk(value)

    walk(schema)
    return schema


def _storable(value: object) -> bool:
    """Whether every part of a request can reach the store: each text encodes as UTF-8
    (JSON allows a lone surrogate, UTF-8 does not), each integer fits a 64-bit column."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, int):
        return value in STORED_INTEGERS
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return all(_storable(item) for item in value)
    if isinstance(value, BaseModel):
        return _storable(value.model_dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _storable(dataclasses.asdict(value))
    return True


def _body_model(operation: wire.Operation) -> type[BaseModel] | None:
    if not operation.parameters:
        return None
    fields: dict[str, Any] = {
        p.name: (p.annotation, ... if p.default is inspect.Parameter.empty else p.default)
        for p in operation.parameters
    }
    name = "".join(part.title() for part in f"{operation.capability}_{operation.name}".split("_"))
    return create_model(f"{name}Request", __config__=wire.CONFIG, **fields)
