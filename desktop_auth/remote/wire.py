"""What crosses between workstation and server, derived from the capabilities themselves.

Every exposed method is ``POST /v1/<capability>/<method>`` with its arguments as a JSON
object and its result as JSON, both shaped by the method's own type hints (through
pydantic), so the API cannot drift from the core.  A ``Session`` or ``Actor`` argument
never travels: the caller's session token goes in the ``Authorization`` header and the
server finds the session itself (SECURITY.md B2, B3).  An error travels as its code and
its message parameters, and is raised again on the workstation as the same class.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import typing
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, TypeAdapter

from desktop_auth import errors
from desktop_auth.core.administration import Accounts
from desktop_auth.core.audit_log import AuditLog
from desktop_auth.core.authenticator_apps import AuthenticatorApps
from desktop_auth.core.my_account import MyAccount
from desktop_auth.core.operations import Operations
from desktop_auth.core.policy_settings import PolicySettings
from desktop_auth.core.recovery_codes import RecoveryCodes
from desktop_auth.core.rollout import Rollout
from desktop_auth.core.security_keys import SecurityKeys
from desktop_auth.core.session import Session
from desktop_auth.core.sign_in import SignIn
from desktop_auth.core.users import Actor
from desktop_auth.core.vault import VaultStorage

API_VERSION = "v1"
#: ``audit.export_csv``: the CSV text and the number of events, for the client to write.
EXPORT_CSV = ("audit", "export_csv")
EXPORT_CSV_PATH = f"/{API_VERSION}/{EXPORT_CSV[0]}/{EXPORT_CSV[1]}"

#: The capabilities, by their ``AuthService`` attribute names.
CAPABILITIES: Mapping[str, type] = {
    "sign_in": SignIn,
    "my_account": MyAccount,
    "authenticator_apps": AuthenticatorApps,
    "security_keys": SecurityKeys,
    "recovery_codes": RecoveryCodes,
    "accounts": Accounts,
    "rollout": Rollout,
    "audit": AuditLog,
    "policy": PolicySettings,
    "operations": Operations,
    "vault": VaultStorage,
}

#: Not served: what runs on the workstation itself (the key's client, the local
#: administrator), and what only the server's own host may do with the data key.
LOCAL_ONLY: frozenset[tuple[str, str]] = frozenset(
    {
        ("security_keys", "client"),
        ("accounts", "local_administrator"),
        ("recovery_codes", "backup_code_slip"),  # made on the workstation
        # A stream cannot travel: served as the whole text (``EXPORT_CSV_PATH``).
        EXPORT_CSV,
        ("operations", "export_data_key"),
        ("operations", "import_data_key"),
        ("operations", "check_data_key"),
        ("operations", "grant_server_role"),  # the owner's, on the server's host
        ("operations", "send_queued_mail"),
        # Megabytes, more than a request may carry: imported on the server's host.
        ("policy", "import_key_metadata"),
        # Whom every vault key is sealed to: never one API call's choice.
        ("policy", "set_vault_escrow_key"),
    }
)


class Caller(StrEnum):
    """Who the server must find behind a call."""

    ANYONE = "anyone"  # a sign-in step: the ticket or the answer is the credential
    SESSION = "session"  # the signed-in user's own account
    ACTOR = "actor"  # an administrator's session


@dataclasses.dataclass(frozen=True)
class Parameter:
    name: str
    annotation: Any
    default: Any  # inspect.Parameter.empty when required


@dataclasses.dataclass(frozen=True)
class Operation:
    capability: str
    name: str
    caller: Caller
    #: The name of the Session or Actor parameter, filled from the token.
    caller_parameter: str | None
    parameters: tuple[Parameter, ...]
    returns: Any

    @property
    def path(self) -> str:
        return f"/{API_VERSION}/{self.capability}/{self.name}"

    def function(self) -> Callable[..., Any]:
        return getattr(CAPABILITIES[self.capability], self.name)  # type: ignore[no-any-return]


def operations() -> Iterator[Operation]:
    """Every served method, in a stable order (the OpenAPI document's)."""
    for capability, cls in CAPABILITIES.items():
        for name, function in sorted(vars(cls).items()):
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if (capability, name) in LOCAL_ONLY:
                continue
            yield _operation(capability, name, function)


@functools.cache  # asked on every remote call: the type hints are read once
def find(capability: str, name: str) -> Operation:
    cls = CAPABILITIES[capability]
    return _operation(capability, name, vars(cls)[name])


def _operation(capability: str, name: str, function: Callable[..., Any]) -> Operation:
    hints = typing.get_type_hints(function)
    caller, caller_parameter = Caller.ANYONE, None
    parameters: list[Parameter] = []
    for parameter in list(inspect.signature(function).parameters.values())[1:]:
        annotation = hints[parameter.name]
        if annotation is Session:
            caller, caller_parameter = Caller.SESSION, parameter.name
        elif annotation is Actor or annotation == Actor | None:
            # The helpdesk's reads take an optional actor in-process; over the wire the
            # caller's session is always required and given (B3).
            caller, caller_parameter = Caller.ACTOR, parameter.name
        else:
            parameters.append(Parameter(parameter.name, annotation, parameter.default))
    return Operation(
        capability=capability,
        name=name,
        caller=caller,
        caller_parameter=caller_parameter,
        parameters=tuple(parameters),
        returns=hints.get("return", type(None)),
    )


CONFIG = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64", arbitrary_types_allowed=True)


@functools.cache  # building an adapter costs milliseconds; every call needs its own few
def adapter(annotation: Any) -> TypeAdapter[Any]:
    if dataclasses.is_dataclass(annotation):  # it brings its own configuration
        return TypeAdapter(annotation)
    return TypeAdapter(annotation, config=CONFIG)


# --- errors --------------------------------------------------------------------------


def _error_classes() -> dict[str, type[errors.DesktopAuthError]]:
    found: dict[str, type[errors.DesktopAuthError]] = {}
    pending: list[type[errors.DesktopAuthError]] = [errors.DesktopAuthError]
    while pending:
        cls = pending.pop()
        found.setdefault(cls.code, cls)
        pending.extend(cls.__subclasses__())
    return found


ERROR_CLASSES = _error_classes()


def error_to_json(error: errors.DesktopAuthError) -> dict[str, Any]:
    params = {
        key: {"datetime": value.isoformat()} if isinstance(value, datetime) else value
        for key, value in error.params.items()
    }
    reasons = getattr(error, "reasons", None)  # WeakPasswordError: the rules it broke
    return {"code": error.code, "params": params, "reasons": list(reasons or ())}


def error_from_json(payload: Mapping[str, Any]) -> errors.DesktopAuthError:
    """The same error class as on the server, with its message's parameters; an unknown
    code (a newer server) is a ``ServerProtocolError``."""
    cls = ERROR_CLASSES.get(str(payload.get("code")))
    if cls is None:
        return errors.ServerProtocolError()
    params: dict[str, errors.ParamValue] = {}
    for key, value in dict(payload.get("params") or {}).items():
        if isinstance(value, dict) and "datetime" in value:
            params[str(key)] = datetime.fromisoformat(str(value["datetime"]))
        elif isinstance(value, str | int):
            params[str(key)] = value
    error = cls.__new__(cls)
    errors.DesktopAuthError.__init__(error, **params)
    if isinstance(error, errors.WeakPasswordError):
        error.reasons = tuple(str(r) for r in payload.get("reasons") or ())
    return error
