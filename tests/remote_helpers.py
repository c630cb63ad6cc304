"""A sign-in server in this process (uvicorn in a thread, on loopback) over a test's own
service, and a workstation's ``RemoteService`` to it: the GUI's tests run through it too."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from desktop_auth.core.service import AuthService
from desktop_auth.remote.client import RemoteService
from desktop_auth.remote.server import create_app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(service: AuthService) -> Iterator[RemoteService]:
    """``service`` behind a server on 127.0.0.1; the client finds the same security keys
    as ``service`` does (a test's software key)."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(service), host="127.0.0.1", port=port, log_level="warning",
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
    client = RemoteService(
        f"http://127.0.0.1:{port}",
        workstation="WS-042",
        security_keys=service._key_devices,
    )
    calls: list[str] = []
    send = client.request

    def counted(verb: str, path: str, body: object, token: str | None) -> object:
        calls.append(path)
        return send(verb, path, body, token)

    client.request = counted  # type: ignore[method-assign]
    try:
        yield client
    finally:
        client.close()
        server.should_exit = True
        thread.join(timeout=30)
    # The test went through the server, not around it.
    assert calls, "nothing was asked of the sign-in server"
