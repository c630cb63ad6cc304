"""The sign-in database goes away while the window is open (issue 8): the window says so
calmly, stays responsive, and the same step works once the server is back."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_auth.gui.workers import wait_for_workers
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
from tests.totp_helpers import make_user_with_app, phone_code


def test_window_fails_closed_while_the_database_is_down_then_goes_on(
    qtbot: QtBot, own_server: PostgresServer
) -> None:
    store = Store.open(own_server.url(own_server.new_database()))
    store.upgrade()
    clock = PinnedClock()
    service = make_service(store, clock=clock, workstation="WS-1")
    user = make_user_with_app(service, initialize_organisation(service), clock)
    window = next(_window(qtbot, service))
    sign_in(qtbot, window, user.email, USER_PASSWORD)
    page = window.second_factor
    wait_page(qtbot, window, page)

    own_server.stop()
    type_into(qtbot, page.code, phone_code(user.secret, clock))
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=20_000)
    assert page.error.text().startswith("Cannot reach the sign-in database")
    assert not page.runner.busy and page.code.isEnabled()  # responsive, ready to retry
    shoot(window, "40-database-down")

    own_server.start()
    type_into(qtbot, page.code, phone_code(user.secret, clock))
    wait_page(qtbot, window, window.home)
    assert window.session is not None and window.session.email == user.email
    wait_for_workers()  # the idle-lock job reads the policy after the sign-in
    service.close()
