"""A sign-in server in this process (uvicorn in a thread, on loopback) over a test's own
service, and a workstation's ``RemoteService`` to it: the GUI's tests run through it too."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import uvicorn
from starlette.requests import Request
from starlette.responses import Response

from desktop_auth.core.service import AuthService
from desktop_auth.remote.client import RemoteService
from desktop_auth.remote.server import create_app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class InProcessServer:
    """uvicorn in a thread on 127.0.0.1, over ``service``; stop and start it again (on the
    same port) for outage tests.  ``calls`` is every path asked."""

    def __init__(self, service: AuthService) -> None:
        self.service = service
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.calls: list[str] = []
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        app = create_app(self.service)
        calls = self.calls

        @app.middleware("http")
        async def counted(
            request: Request, call_next: Callable[[Request], Awaitable[Response]]
        ) -> Response:
            calls.append(request.url.path)
            return await call_next(request)

        server = uvicorn.Server(
            uvicorn.Config(
                app, host="127.0.0.1", port=self.port, log_level="warning",
                access_log=False, lifespan="off",
            )
        )  # fmt: skip
        thread = threading.Thread(target=server.run, name="sign-in server", daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise AssertionError("the in-process sign-in server did not start")
            time.sleep(0.01)
        self._server, self._thread = server, thread

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=30)
        self._server = self._thread = None


@contextmanager
def serving(service: AuthService) -> Iterator[RemoteService]:
    """``service`` behind a server on 127.0.0.1; the client finds the same security keys
    as ``service`` does (a test's software key)."""
    server = InProcessServer(service)
    server.start()
    client = RemoteService(
        server.url,
        workstation="WS-042",
        security_keys=service._key_devices,
    )
    try:
        yield client
    finally:
        client.close()
        server.stop()
    # The test went through the server, not around it.
    assert server.calls, "nothing was asked of the sign-in server"
