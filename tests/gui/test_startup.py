"""`desktop-auth` paints its window first and opens the store right after (gui.app.start)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from pytestqt.qtbot import QtBot

from desktop_auth.config import Config
from desktop_auth.core.service import AuthService
from desktop_auth.gui import app as gui_app
from desktop_auth.gui.i18n import current_language
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.workers import wait_for_workers


class FirstPaint(QObject):
    """Notes whether the store was already being opened when the window first painted."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.opening_at_first_paint: bool | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and self.opening_at_first_paint is None:
            self.opening_at_first_paint = self.window.runner.busy
        return False


def test_start_shows_the_window_then_opens_the_store_after_its_first_paint(
    qtbot: QtBot, tmp_path: Path
) -> None:
    config = Config(
        database_url=f"sqlite:///{tmp_path / 'store.sqlite3'}",
        data_key_file=tmp_path / "key",
        default_store=True,  # the user's own store: made on first use, set up here
    )
    _app, window, demo = gui_app.start(config, language="en")
    qtbot.addWidget(window)
    first_paint = FirstPaint(window)
    window.installEventFilter(first_paint)
    assert demo is None and window.isVisible()
    assert window.stack.currentWidget() is window.start_page
    qtbot.waitUntil(lambda: window.service is not None, timeout=20_000)
    assert window.service is not None
    assert first_paint.opening_at_first_paint is False
    assert window.stack.currentWidget() is window.first_run  # a new, empty store
    wait_for_workers()
    window.service.close()


def test_a_window_that_never_paints_still_opens_its_store(
    qtbot: QtBot, service: AuthService
) -> None:
    window = MainWindow(lambda: service)
    qtbot.addWidget(window)
    window.open_store_once_painted()  # never shown, so never painted
    qtbot.waitUntil(lambda: window.service is service, timeout=5_000)
    assert not window.isVisible()
    wait_for_workers()


def test_a_configured_store_that_is_not_there_is_not_made_anew(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Tried (issue 19): ``--database`` at a folder that did not exist made the folders and
    an empty store, and offered whoever sat there to set up an organisation of their own."""
    missing = tmp_path / "typo" / "store.sqlite3"
    config = Config(database_url=f"sqlite:///{missing}", data_key_file=tmp_path / "key")
    _app, window, _demo = gui_app.start(config, language="en")
    qtbot.addWidget(window)
    qtbot.waitUntil(window.start_page.error.isVisible, timeout=20_000)
    assert window.start_page.error.text() == (
        f"Cannot find the sign-in database at {missing}. "
        "Check the configuration, or contact the helpdesk."
    )
    assert window.service is None and not (tmp_path / "typo").exists()
    wait_for_workers()


def test_a_configured_empty_store_is_set_up_by_it_not_from_the_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """First-run set-up only on the user's own default store, or through ``admin init``."""
    path = tmp_path / "store.sqlite3"
    empty = AuthService.open(
        Config(database_url=f"sqlite:///{path}", data_key_file=tmp_path / "key")
    )
    empty.close()
    config = Config(database_url=f"sqlite:///{path}", data_key_file=tmp_path / "key")
    _app, window, _demo = gui_app.start(config, language="en")
    qtbot.addWidget(window)
    qtbot.waitUntil(window.start_page.error.isVisible, timeout=20_000)
    assert "has not been set up yet" in window.start_page.error.text()
    assert window.service is None and window.stack.currentWidget() is window.start_page
    wait_for_workers()


def test_a_store_that_cannot_be_opened_says_so_and_try_again_is_seen(qtbot: QtBot) -> None:
    """Issue 19 item 9: the title said "Opening…" above the error, the error stayed English
    after switching to Dutch, and a second failure looked like nothing happened."""
    from desktop_auth.errors import StoreUnavailableError
    from desktop_auth.gui.i18n import install_language

    def unreachable() -> AuthService:
        raise StoreUnavailableError()

    window = MainWindow(unreachable)
    qtbot.addWidget(window)
    window.show()
    page = window.start_page
    window.open_store()
    qtbot.waitUntil(page.error.isVisible, timeout=20_000)
    assert "could not be opened" in page.title.text() and "Opening" not in page.title.text()
    assert "helpdesk" in page.error.text()
    assert not page.tried.isVisible()
    page.retry_button.click()
    qtbot.waitUntil(lambda: page.tried.isVisible(), timeout=20_000)
    assert "2 tries" in page.tried.text()
    install_language("nl")  # Qt posts the LanguageChange: the page relabels as it arrives
    qtbot.waitUntil(lambda: "inlogdatabase" in page.error.text(), timeout=5_000)
    assert "helpdesk" in page.error.text()
    assert "inlogdatabase" in page.title.text()
    wait_for_workers()


def test_the_language_chosen_in_the_menu_is_the_one_the_next_start_shows(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Issue 19: the choice was gone at the next start. A language the command line or the
    configuration names still comes first."""
    config = Config(
        database_url=f"sqlite:///{tmp_path / 'store.sqlite3'}",
        data_key_file=tmp_path / "key",
        default_store=True,
    )
    _app, window, _demo = gui_app.start(config, language="en")
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.service is not None, timeout=20_000)
    assert window.menuBar().actions()[0].menu() is window.file_menu  # Quit, not languages
    assert window.quit_action not in window.language_menu.actions()
    window.language_actions["nl"].trigger()
    qtbot.waitUntil(lambda: window.file_menu.title() == "Be&stand")
    assert window.quit_action.text() == "&Afsluiten"
    window.close()
    wait_for_workers()
    assert window.service is not None
    window.service.close()

    _app, again, _demo = gui_app.start(config, language=None)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.service is not None, timeout=20_000)
    assert current_language() == "nl" and again.language_actions["nl"].isChecked()
    assert again.language_menu.title() == "&Taal"
    again.close()
    wait_for_workers()
    assert again.service is not None
    again.service.close()

    _app, named, _demo = gui_app.start(config, language="en")  # --language en
    qtbot.addWidget(named)
    assert current_language() == "en" and named.language_menu.title() == "&Language"
    qtbot.waitUntil(lambda: named.service is not None, timeout=20_000)
    named.close()
    wait_for_workers()
    assert named.service is not None
    named.service.close()


# Run in a fresh interpreter: at the window's first paint, is the sign-in form what it
# shows, ready to type into, and which of the heavy libraries have loaded?
FIRST_PAINT_PROBE = """
import os, sys
from PySide6.QtCore import QEvent, QObject
import desktop_auth.gui.app as gui_app
from desktop_auth.config import load_config
HEAVY = {"sqlalchemy", "alembic", "argon2", "cryptography", "fido2", "httpx", "psycopg",
         "joserfc", "jwt", "zxcvbn", "email_validator", "pyotp", "qrcode"}
app, window, _demo = gui_app.start(load_config(), language="en")
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            page = window.sign_in
            ready = window.stack.currentWidget() is page and page.email.isEnabled()
            loaded = sorted({name.split(".")[0] for name in sys.modules} & HEAVY)
            print("ready" if ready else "not ready", ",".join(loaded), flush=True)
            os._exit(0)
        return False
first_paint = FirstPaint()
window.installEventFilter(first_paint)
app.exec()
"""


def first_paint(tmp_path: Path, config_text: str, *, own_store: bool = False) -> str:
    """What FIRST_PAINT_PROBE says, with this configuration and this user's own folders."""
    config = tmp_path / "config.toml"
    config.write_text(config_text)
    if own_store:
        own = tmp_path / "data" / "desktop-auth" / "desktop-auth.sqlite3"
        own.parent.mkdir(parents=True)
        own.write_bytes(b"")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("DESKTOP_AUTH_DATABASE_URL", None)
    env.pop("DESKTOP_AUTH_SERVER_URL", None)
    env["DESKTOP_AUTH_CONFIG"] = str(config)
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")[0]


@pytest.mark.parametrize(
    ("config_text", "own_store"),
    [
        ('server_url = "https://signin.example.nl"\n', False),
        ('database_url = "sqlite:////var/lib/desktop-auth/store.sqlite3"\n', False),
        ("", True),  # this user's own store, made on an earlier day
    ],
    ids=["server", "configured store", "own store"],
)
def test_the_first_paint_is_the_sign_in_form_with_no_database_or_crypto_library_loaded(
    tmp_path: Path, config_text: str, own_store: bool
) -> None:
    """Issue 20: ready to type at once (``benchmarks/gui_startup.py`` times it); the store,
    and what it needs, load after the first paint."""
    assert first_paint(tmp_path, config_text, own_store=own_store) == "ready "


def test_a_first_run_starts_with_opening_not_with_a_sign_in_form(tmp_path: Path) -> None:
    """No own store yet: the first run may end in setting one up, not in a sign-in."""
    assert first_paint(tmp_path, "") == "not ready "
