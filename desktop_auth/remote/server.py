"""``desktop-auth server``: the core's capabilities as an HTTPS JSON API (FastAPI).

Each exposed capability method is one ``POST /v1/<capability>/<method>`` route, made
from ``wire.operations()``: its request body is the method's parameters, its answer the
method's result.  The caller's session is found from the bearer token, never taken from
the request body (B2, B3).  The OpenAPI document is served at ``/openapi.json`` and kept
in the repository (``docs/openapi.json``; a test compares them).
"""

from __future__ import annotations

import inspect
import io
import logging
from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, create_model

from desktop_auth import __version__, errors
from desktop_auth.core.context import calling_from
from desktop_auth.core.organisation import Organisation
from desktop_auth.core.service import Actor, AuthService, Session
from desktop_auth.remote import wire

log = logging.getLogger("desktop_auth.server")

#: The header a workstation names itself in (for the audit log and "where you are signed in").
WORKSTATION_HEADER = "X-Desktop-Auth-Workstation"
MAX_WORKSTATION_NAME = 100

_bearer = HTTPBearer(auto_error=False, description="The session token of a sign-in")
_BEARER = Depends(_bearer)


def _status(error: errors.DesktopAuthError) -> int:
    if isinstance(error, errors.SessionEndedError | errors.SessionExpiredError):
        return 401
    if isinstance(error, errors.SignInRequiredError):
        return 401
    if isinstance(error, errors.PermissionDeniedError | errors.LocalOnlyError):
        return 403
    if isinstance(error, errors.StoreUnavailableError):
        return 503
    return 400


def _workstation(request: Request) -> str:
    """The calling workstation's own name (printable, short) and the address it came from."""
    claimed = request.headers.get(WORKSTATION_HEADER, "")
    name = "".join(c for c in claimed if c.isprintable())[:MAX_WORKSTATION_NAME] or "?"
    address = request.client.host if request.client is not None else "?"
    return f"{name} ({address})"


def create_app(service: AuthService) -> FastAPI:
    app = FastAPI(
        title="desktop-auth sign-in server",
        version=__version__,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )

    @app.exception_handler(errors.DesktopAuthError)
    def _refused(_request: Request, error: errors.DesktopAuthError) -> JSONResponse:
        return JSONResponse(wire.error_to_json(error), status_code=_status(error))

    def organisation() -> Organisation | None:
        """The organisation this server signs in for; null before ``server init``."""
        return service.organisation()

    app.add_api_route(
        f"/{wire.API_VERSION}/organisation",
        organisation,
        methods=["GET"],
        response_model=Organisation | None,
        operation_id="organisation",
    )
    for operation in wire.operations():
        _add_route(app, service, operation)

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
        tags=[wire.EXPORT_CSV[0]],
    )
    return app


class CsvExport(BaseModel):
    csv: str
    events: int


def _session(service: AuthService, credentials: HTTPAuthorizationCredentials | None) -> Session:
    if credentials is None:
        raise errors.SignInRequiredError()
    return service.sign_in.resume(credentials.credentials)


def _add_route(app: FastAPI, service: AuthService, operation: wire.Operation) -> None:
    method: Callable[..., Any] = getattr(getattr(service, operation.capability), operation.name)
    body = _body_model(operation)
    returns = operation.returns
    adapter = wire.adapter(returns)

    def endpoint(
        request: Request,
        body: BaseModel | None = None,
        credentials: HTTPAuthorizationCredentials | None = None,
    ) -> Any:
        arguments = (
            {} if body is None else {name: getattr(body, name) for name in type(body).model_fields}
        )
        if operation.caller_parameter is not None:
            session = _session(service, credentials)
            arguments[operation.caller_parameter] = (
                session if operation.caller is wire.Caller.SESSION else Actor.for_session(session)
            )
        with calling_from(_workstation(request)):
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
    )


def _body_model(operation: wire.Operation) -> type[BaseModel] | None:
    if not operation.parameters:
        return None
    fields: dict[str, Any] = {
        p.name: (p.annotation, ... if p.default is inspect.Parameter.empty else p.default)
        for p in operation.parameters
    }
    name = "".join(part.title() for part in f"{operation.capability}_{operation.name}".split("_"))
    return create_model(f"{name}Request", __config__=wire.CONFIG, **fields)
