"""Starting the app: `desktop-auth` opens the window, `--demo` a throw-away store with a phone."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_auth import cli
from desktop_auth.config import Config
from desktop_auth.gui import app as gui_app
from desktop_auth.gui import demo
from desktop_auth.resources import resource_path
from tests.gui.helpers import finish_wizard_with_key, sign_in, type_into, wait_page, wait_wizard


def test_no_command_starts_the_window_and_admin_commands_still_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[tuple[Config, str | None, bool]] = []

    def fake_run(config: Config, *, language: str | None, demo: bool = False) -> int:
        started.append((config, language, demo))
        return 0

    monkeypatch.setattr(gui_app, "run", fake_run)
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    assert cli.main(["--database", url, "--language", "nl"]) == 0
    assert cli.main(["--database", url, "--demo"]) == 0
    assert [(c.database_url, d) for c, _lang, d in started] == [(url, False), (url, True)]
    assert started[0][1] == "nl"
    assert started[1][1] is None  # the window's own choice, else the system's
    assert cli.main(["--database", url, "admin", "db", "upgrade"]) == 0


def test_demo_walks_daily_sign_in_and_first_setup_with_the_on_screen_app(qtbot: QtBot) -> None:
    window, session = gui_app.build_window(Config(database_url="sqlite://"), demo=True)
    assert session is not None
    qtbot.addWidget(window)
    qtbot.addWidget(session.phone)
    window.show()
    window.open_store()
    qtbot.waitUntil(lambda: window.service is not None, timeout=30_000)
    assert window.windowTitle().startswith("DEMO")
    key_file = Path(session.folder.name) / "data.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert session.phone.isVisible() and len(session.phone.codes()) == 1
    assert demo.EMPLOYEE_EMAIL in window.sign_in.demo_hint.text()
    assert demo.ADMIN_EMAIL in window.sign_in.demo_hint.text()
    # The phone stands beside the window without taking its focus, and goes with it.
    assert session.phone.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert session.phone.parent() is window and session.phone.isWindow()

    sign_in(qtbot, window, demo.EMPLOYEE_EMAIL, demo.DEMO_PASSWORD)
    wait_page(qtbot, window, window.second_factor)
    type_into(qtbot, window.second_factor.code, session.phone.codes()[0])
    wait_page(qtbot, window, window.home)
    window.home.sign_out_button.click()

    sign_in(qtbot, window, demo.NEW_EMPLOYEE_EMAIL, demo.DEMO_PASSWORD)
    wizard = wait_wizard(qtbot, window)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: len(session.phone.codes()) == 2, timeout=20_000)  # "scanned"
    wizard.reject()
    window.close()
    assert not session.phone.isVisible()
    session.folder.cleanup()


def test_icon_and_desktop_file_are_shipped() -> None:
    desktop = resource_path("desktop-auth.desktop").read_text(encoding="utf-8")
    assert "Exec=desktop-auth" in desktop and "Icon=desktop-auth" in desktop
    assert "Name[nl]=" in desktop
    assert gui_app.window_icon().isNull() is False


def test_demo_walks_security_key_setup_and_passwordless_with_the_software_key(
    qtbot: QtBot,
) -> None:
    """The manual's clickable demo, now with "one tap": the demo's software key is
    accepted (outside demo mode it is refused, see the WebAuthn tests)."""

    window, session = gui_app.build_window(Config(database_url="sqlite://"), demo=True)
    assert session is not None
    qtbot.addWidget(window)
    qtbot.addWidget(session.phone)
    window.show()
    window.open_store()
    qtbot.waitUntil(lambda: window.service is not None, timeout=30_000)

    sign_in(qtbot, window, demo.NEW_EMPLOYEE_EMAIL, demo.DEMO_PASSWORD)
    wizard = wait_wizard(qtbot, window)
    wizard.next()
    wizard.currentPage().key_choice.click()  # type: ignore[attr-defined]
    # The prompt that asks for the touch is shown (the demo key's moment of delay only
    # keeps it up long enough for a person to read; no test times that).
    finish_wizard_with_key(qtbot, window, wizard, touch_prompt=True)
    window.home.sign_out_button.click()

    wait_page(qtbot, window, window.sign_in)
    window.sign_in.key_button.click()
    wait_page(qtbot, window, window.home)
    assert window.session is not None and window.session.email == demo.NEW_EMPLOYEE_EMAIL
    window.close()
    session.folder.cleanup()
