"""The sign-in database goes away while the window is open (issue 8): the window says so
calmly, stays responsive, and the same step works once the server is back."""

from __future__ import annotations

from typing import cast

from pytestqt.qtbot import QtBot

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.gui.workers import wait_for_workers
from desktop_auth.remote.client import RemoteService
from desktop_auth.store.db import Store
from tests.gui.conftest import _window, shoot
from tests.gui.helpers import sign_in, type_into, wait_page
from tests.helpers import (
    USER_PASSWORD,
    PinnedClock,
    initialize_organisation,
    make_service,
)
from tests.postgres_server import PostgresServer
from tests.remote_helpers import InProcessServer
from tests.totp_helpers import make_user_with_app, phone_code


def test_window_fails_closed_while_the_database_is_down_then_goes_on(
    qtbot: QtBot, own_server: PostgresServer
) -> None:
    store = Store.open(own_server.url(own_server.new_database()))
    store.upgrade()
    clock = PinnedClock()
    service = make_service(store, clock=clock, workstation="WS-1")
    user = make_user_with_app(service, initialize_organisation(service), clock)
    windows = _window(qtbot, service)
    try:
        window = next(windows)
        sign_in(qtbot, window, user.email, USER_PASSWORD)
        page = window.second_factor
        wait_page(qtbot, window, page)

        own_server.stop()
        type_into(qtbot, page.code, phone_code(user.secret, clock))
        qtbot.waitUntil(lambda: page.error.isVisible(), timeout=20_000)
        assert page.error.text().startswith("The sign-in database cannot be reached")
        assert not page.runner.busy and page.code.isEnabled()  # responsive, ready to retry
        shoot(window, "40-database-down")

        own_server.start()
        type_into(qtbot, page.code, phone_code(user.secret, clock))
        wait_page(qtbot, window, window.home)
        assert window.session is not None and window.session.email == user.email
    finally:
        # The window first: closing it signs out, which needs the store. Closed after the
        # service (as this test did), its sign-out opened a connection on the disposed
        # engine that nobody closed: a ResourceWarning in a random-order run.
        next(windows, None)
        wait_for_workers()
        service.close()


def test_window_fails_closed_while_the_sign_in_server_is_down_then_goes_on(
    qtbot: QtBot, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """A workstation of a sign-in server: the server stops mid-sign-in; one calm line, the
    same step works once it is back."""
    user = make_user_with_app(service, admin, clock)
    server = InProcessServer(service)
    server.start()
    client = RemoteService(server.url, workstation="WS-1")
    windows = _window(qtbot, cast(AuthService, client))
    try:
        window = next(windows)
        sign_in(qtbot, window, user.email, USER_PASSWORD)
        page = window.second_factor
        wait_page(qtbot, window, page)

        server.stop()
        type_into(qtbot, page.code, phone_code(user.secret, clock))
        qtbot.waitUntil(lambda: page.error.isVisible(), timeout=20_000)
        assert page.error.text().startswith("Cannot reach the sign-in server at http://127.0.0.1")
        assert not page.runner.busy and page.code.isEnabled()  # responsive, ready to retry
        shoot(window, "41-server-down")

        server.start()
        type_into(qtbot, page.code, phone_code(user.secret, clock))
        wait_page(qtbot, window, window.home)
        assert window.session is not None and window.session.email == user.email
    finally:
        next(windows, None)  # the window first: closing it signs out at the server
        wait_for_workers()
        client.close()
        server.stop()
