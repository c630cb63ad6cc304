"""``RemoteService``: the same capabilities as ``AuthService``, answered by a sign-in server.

Each capability attribute is a proxy made from the core's own class: calling a method
binds the arguments against that method's signature, sends them (``wire``) and turns the
answer back into the same result types and errors.  A ``Session`` or ``Actor`` argument
becomes the bearer token.  What belongs to the workstation stays here: the security
key's client (WebAuthn as on the web: the server is the relying party), and the check
that plain HTTP goes only to this host.  Nothing of the store, no data key and no
database credential is ever on a workstation in this mode (B1).
"""

from __future__ import annotations

import contextlib
import inspect
import socket
import ssl
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import httpx

from desktop_auth.errors import (
    LocalOnlyError,
    ServerCertificateError,
    ServerProtocolError,
    ServerUnavailableError,
    SessionEndedError,
    SessionExpiredError,
    SignInRequiredError,
    StoreNotInitializedError,
)
from desktop_auth.remote import wire
from desktop_auth.remote.connect import check_server_url, store_admin_token

if TYPE_CHECKING:
    from fido2.ctap import CtapDevice

    from desktop_auth.core.service import (
        BackupCodeSlip,
        IssuedBackupCode,
        Organisation,
    )
    from desktop_auth.devices.ctap import KeyPrompts, SecurityKeyClient

TIMEOUT_SECONDS = 30.0


class RemoteService:
    """A workstation's view of a sign-in server; used wherever an ``AuthService`` is."""

    def __init__(
        self,
        url: str,
        *,
        ca_file: Path | None = None,
        workstation: str | None = None,
        transport: httpx.BaseTransport | None = None,
        administrator_token: str | None = None,
        security_keys: Callable[[], Iterable[CtapDevice]] | None = None,
    ) -> None:
        """``administrator_token``: the session of ``desktop-auth admin login``, which the
        administration commands act as (``accounts.local_administrator()`` here);
        ``security_keys``: where keys are found (USB/NFC and Windows Hello by default)."""
        self.key_devices = security_keys
        self.url = check_server_url(url)
        self.administrator_token = administrator_token
        #: Where the token came from, to forget it there when it has ended.
        self.url_of_kept_token: str | None = None
        verify: ssl.SSLContext | bool = True
        if ca_file is not None:
            verify = ssl.create_default_context(cafile=str(ca_file))
        self._http = httpx.Client(
            base_url=self.url,
            verify=verify,
            timeout=TIMEOUT_SECONDS,
            transport=transport,
            # No proxy and no CA bundle from the environment: passwords and tokens go
            # straight to the configured server, verified against the configured CA.
            trust_env=False,
            headers={"X-Desktop-Auth-Workstation": workstation or socket.gethostname()},
        )
        for name in wire.CAPABILITIES:
            setattr(self, name, _Capability(self, name))

    # --- what AuthService has beside its capabilities ---------------------------------

    def organisation(self) -> Organisation | None:
        from desktop_auth.core.service import Organisation

        return cast(
            "Organisation | None",
            wire.adapter(Organisation | None).validate_python(
                self.request("GET", f"/{wire.API_VERSION}/organisation", None, None)
            ),
        )

    def initialize(self, **_options: object) -> object:
        raise LocalOnlyError(command="desktop-auth server init")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RemoteService:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def as_administrator(self) -> Iterator[None]:
        """Around a call with the kept administrator's token: once the server says that
        session has ended, the keyring forgets it and the answer is "sign in first"."""
        try:
            yield
        except (SessionEndedError, SessionExpiredError):
            if self.url_of_kept_token is not None:
                store_admin_token(self.url_of_kept_token, None)
            self.administrator_token = None
            raise SignInRequiredError() from None

    # --- the transport ------------------------------------------------------------------

    def request(self, verb: str, path: str, body: Any, token: str | None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if self._http.is_closed:  # a late worker after the window closed: nothing to reach
            raise ServerUnavailableError(url=self.url)
        try:
            response = self._http.request(verb, path, json=body, headers=headers)
        except httpx.ConnectError as exc:
            if isinstance(exc.__context__, ssl.SSLError) or "CERTIFICATE" in str(exc).upper():
                raise ServerCertificateError(url=self.url) from None
            raise ServerUnavailableError(url=self.url) from None
        except httpx.TransportError:
            raise ServerUnavailableError(url=self.url) from None
        try:
            payload = response.json()
        except ValueError:
            raise ServerProtocolError() from None
        if response.status_code == 200:
            return payload
        if isinstance(payload, dict) and "code" in payload:
            raise wire.error_from_json(payload)
        raise ServerProtocolError()


class _Capability:
    """One capability of the server, with the core class's methods."""

    def __init__(self, service: RemoteService, name: str) -> None:
        self._service = service
        self._name = name

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method.startswith("_"):
            raise AttributeError(method)
        key = (self._name, method)
        if key == ("security_keys", "client"):
            return self._key_client
        if key == ("accounts", "local_administrator"):
            return self._administrator
        if key == ("recovery_codes", "backup_code_slip"):
            return self._backup_code_slip
        if key == wire.EXPORT_CSV:
            return self._export_csv
        if key in wire.LOCAL_ONLY:
            return _local_only(f"desktop-auth admin … ({self._name}.{method})")
        if method not in vars(wire.CAPABILITIES[self._name]):
            raise AttributeError(method)
        return _Call(self._service, wire.find(self._name, method))

    def _administrator(self) -> object:
        """On a server there is no local administrator: the signed-in one stands in."""
        from desktop_auth.core.service import Actor

        token = self._service.administrator_token
        if token is None:
            raise SignInRequiredError()
        with self._service.as_administrator():
            session = self._service.sign_in.resume(token)  # type: ignore[attr-defined]
        return Actor.for_session(session)

    def _export_csv(self, stream: IO[str], *, actor: object) -> int:
        """The server's whole CSV text, written to ``stream`` here."""
        answer = self._service.request("POST", wire.EXPORT_CSV_PATH, None, _token_of(actor))
        stream.write(str(answer["csv"]))
        return int(answer["events"])

    def _backup_code_slip(self, issued: IssuedBackupCode) -> BackupCodeSlip:
        """Made here: the code need not travel to the server a second time."""
        from desktop_auth.core.service import BackupCodeSlip

        organisation = self._service.organisation()
        if organisation is None:
            raise StoreNotInitializedError()
        return BackupCodeSlip(
            organisation=organisation.name,
            email=issued.email,
            expires_at=issued.expires_at,
            code=issued.code,
        )

    def _key_client(self, prompts: KeyPrompts | None = None) -> SecurityKeyClient:
        """The workstation's side of WebAuthn, for the server's relying party."""
        from desktop_auth.devices.ctap import (
            SecurityKeyClient,
            connected_authenticators,
            windows_hello_available,
        )

        rp = self._service.security_keys.relying_party()  # type: ignore[attr-defined]
        devices = self._service.key_devices
        return SecurityKeyClient(
            f"https://{rp.rp_id}",
            prompts=prompts,
            devices=devices or connected_authenticators,
            use_windows_hello=devices is None and windows_hello_available(),
        )


class _Call:
    def __init__(self, service: RemoteService, operation: wire.Operation) -> None:
        self._service = service
        self._operation = operation
        self._signature = inspect.signature(operation.function())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        operation = self._operation
        bound = self._signature.bind(None, *args, **kwargs)
        bound.apply_defaults()
        token: str | None = None
        if operation.caller_parameter is not None:
            caller = bound.arguments.get(operation.caller_parameter)
            if caller is None:  # a helpdesk read without an actor: the signed-in admin's
                token = self._service.administrator_token
                if token is None:
                    raise SignInRequiredError()
                with self._service.as_administrator():
                    return self._send(token, bound.arguments)
            token = _token_of(caller)
        return self._send(token, bound.arguments)

    def _send(self, token: str | None, arguments: dict[str, Any]) -> Any:
        operation = self._operation
        body = {
            p.name: wire.adapter(p.annotation).dump_python(arguments[p.name], mode="json")
            for p in operation.parameters
        }
        answer = self._service.request("POST", operation.path, body or None, token)
        return wire.adapter(operation.returns).validate_python(answer)


def _token_of(caller: object) -> str:
    from desktop_auth.core.service import Actor, Session

    if isinstance(caller, Actor):
        caller = caller.session
    if isinstance(caller, Session):
        return caller.token
    # An Actor without a session is the local administrator: there is none on a server.
    raise SignInRequiredError()


def _local_only(command: str) -> Callable[..., Any]:
    def refuse(*_args: object, **_kwargs: object) -> object:
        raise LocalOnlyError(command=command)

    return refuse
