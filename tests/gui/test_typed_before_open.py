"""The sign-in form is on screen before the store has opened (issue 20): what is typed
meanwhile is kept, a sign-in asked for meanwhile is sent once the store is open, and
nothing is sent when the store cannot be opened or the person cancelled."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.errors import StoreUnavailableError
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.sign_in import SignInPage
from desktop_auth.gui.workers import wait_for_workers
from tests.gui.conftest import shoot
from tests.gui.helpers import press_enter, type_into, wait_page
from tests.helpers import USER_PASSWORD, PinnedClock
from tests.totp_helpers import make_user_with_app


class SlowStore:
    """An opener that answers only when the test says so: the store "opening".  Each
    call gives the next of ``answers``: a service, or None for "cannot be reached"."""

    def __init__(self, *answers: AuthService | None) -> None:
        self.answers = list(answers)
        self.release = threading.Event()
        self.calls = 0

    def __call__(self) -> AuthService:
        self.calls += 1
        assert self.release.wait(20)
        answer = self.answers.pop(0)
        if answer is None:
            raise StoreUnavailableError()
        return answer


def sign_in_events(service: AuthService, email: str) -> list[str]:
    return [e.event_type for e in service.audit.events(subject=email, limit=None)
            if e.event_type.startswith("sign_in.")]  # fmt: skip


def type_sign_in(qtbot: QtBot, page: SignInPage, email: str) -> None:
    """E-mail address, password, Enter: before the store has opened."""
    type_into(qtbot, page.email, email)
    type_into(qtbot, page.password.edit, USER_PASSWORD)
    press_enter(qtbot, page.password.edit)


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[Callable[[SlowStore], MainWindow]]:
    windows: list[MainWindow] = []

    def make(store: SlowStore) -> MainWindow:
        window = MainWindow(store, may_set_up=False)  # a configured store: sign-in first
        qtbot.addWidget(window)
        window.show()
        window.open_store()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
    wait_for_workers()


@pytest.fixture
def jans_window(
    open_window: Callable[[SlowStore], MainWindow],
    service: AuthService,
    admin: Actor,
    clock: PinnedClock,
) -> tuple[MainWindow, SlowStore, str]:
    """A window whose store is still opening, and Jan, who has an app, to sign in."""
    jan = make_user_with_app(service, admin, clock)
    store = SlowStore(service)
    return open_window(store), store, jan.email


def test_the_form_is_typable_before_the_store_opens_and_the_sign_in_goes_once_it_has(
    qtbot: QtBot, jans_window: tuple[MainWindow, SlowStore, str], service: AuthService
) -> None:
    window, store, email = jans_window
    page = window.sign_in
    assert window.stack.currentWidget() is page and window.service is None
    qtbot.waitUntil(page.email.hasFocus)  # typing goes to the e-mail field at once
    type_sign_in(qtbot, page, email)
    assert page.runner.busy and page.busy.isVisible()  # waits for the store, visibly
    assert not page.email.isEnabled() and page.password.text() == USER_PASSWORD
    assert page.busy.label.text() == "Opening the sign-in database…"  # why it waits
    shoot(window, "01-sign-in-sent-before-the-store-opened")
    store.release.set()
    qtbot.waitUntil(lambda: window.service is service)
    wait_page(qtbot, window, window.second_factor)  # the password went, and was right
    assert window.service is service and page.password.text() == ""
    assert store.calls == 1


def test_a_sign_in_typed_before_a_store_that_cannot_open_is_not_sent(
    qtbot: QtBot,
    open_window: Callable[[SlowStore], MainWindow],
    service: AuthService,
    admin: Actor,
    clock: PinnedClock,
) -> None:
    jan = make_user_with_app(service, admin, clock)
    before = sign_in_events(service, jan.email)
    store = SlowStore(None, service)  # unreachable first, then back
    window = open_window(store)
    page = window.sign_in
    type_into(qtbot, page.email, jan.email)
    type_into(qtbot, page.password.edit, USER_PASSWORD)
    page.sign_in_button.click()
    assert page.runner.busy
    store.release.set()
    qtbot.waitUntil(window.start_page.error.isVisible, timeout=20_000)
    assert window.stack.currentWidget() is window.start_page
    assert "could not be opened" in window.start_page.title.text()
    assert not page.runner.busy
    assert page.password.text() == "" and page.service is None  # dropped, not kept
    window.start_page.retry_button.click()  # the store is back
    qtbot.waitUntil(lambda: window.service is service, timeout=20_000)
    wait_page(qtbot, window, page)
    qtbot.wait(200)  # time for a wrongly sent sign-in to come back
    assert window.session is None and not page.runner.busy
    assert sign_in_events(service, jan.email) == before  # no attempt reached the store


def test_closing_the_window_drops_a_sign_in_waiting_for_the_store(
    qtbot: QtBot, jans_window: tuple[MainWindow, SlowStore, str], service: AuthService
) -> None:
    window, store, email = jans_window
    before = sign_in_events(service, email)
    type_sign_in(qtbot, window.sign_in, email)
    assert window.sign_in.runner.busy
    window.close()
    store.release.set()
    assert wait_for_workers(10_000)  # nothing left waiting: the app can end
    qtbot.wait(200)
    assert sign_in_events(service, email) == before and window.session is None


def test_cancelling_a_waiting_sign_in_sends_nothing_when_the_store_opens(
    qtbot: QtBot, jans_window: tuple[MainWindow, SlowStore, str], service: AuthService
) -> None:
    window, store, email = jans_window
    page = window.sign_in
    type_sign_in(qtbot, page, email)
    assert page.runner.busy
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert not page.runner.busy and page.email.isEnabled()
    assert page.busy.label.text() == "One moment…"  # for the next sign-in's wait
    store.release.set()
    qtbot.waitUntil(lambda: window.service is service)
    qtbot.wait(200)  # time for a wrongly sent sign-in to come back
    assert window.stack.currentWidget() is page
    assert not page.runner.busy and window.session is None
    assert page.password.text() == USER_PASSWORD  # still there, for Enter again
    press_enter(qtbot, page.password.edit)
    wait_page(qtbot, window, window.second_factor)


def test_the_key_button_before_the_store_opens_waits_for_it_too(
    qtbot: QtBot,
    open_window: Callable[[SlowStore], MainWindow],
    service: AuthService,
    admin: Actor,
) -> None:
    store = SlowStore(service)
    window = open_window(store)
    page = window.sign_in
    page.key_button.click()
    assert page.runner.busy and page.key_status.text() == ""  # no key asked yet
    store.release.set()
    # Then the key is asked for (this test's machine has none: it waits for one).
    qtbot.waitUntil(lambda: page.key_status.text() != "", timeout=20_000)
    assert page.key_status.text() == "Preparing your security key…" and page.runner.busy
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert not page.runner.busy
