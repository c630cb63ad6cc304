"""Embedding the sign-in in another PySide6 program, and the workstation gate (issue 9)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_auth import cli
from desktop_auth.core.service import Actor, AssuranceLevel, AuthService, Session
from desktop_auth.gui import embed
from tests.gui.helpers import type_into, wait_page
from tests.helpers import USER_PASSWORD, PinnedClock
from tests.totp_helpers import make_user_with_app, phone_code

RECORD = "import json, os, sys; json.dump({k: v for k, v in os.environ.items() if k.startswith('DESKTOP_AUTH_')}, open(sys.argv[1], 'w'))"  # noqa: E501


def drive_sign_in(qtbot: QtBot, email: str, secret: str, clock: PinnedClock) -> None:
    """What a person does in the modal dialog, scheduled to run inside its event loop."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, embed.SignInDialog)
        main = dialog.main
        qtbot.waitUntil(lambda: main.service is not None, timeout=10_000)
        wait_page(qtbot, main, main.sign_in)
        type_into(qtbot, main.sign_in.email, email)
        type_into(qtbot, main.sign_in.password.edit, USER_PASSWORD)
        main.sign_in.sign_in_button.click()
        wait_page(qtbot, main, main.second_factor)
        type_into(qtbot, main.second_factor.code, phone_code(secret, clock))

    QTimer.singleShot(0, act)


def test_sign_in_returns_the_session_to_the_embedding_program(
    qtbot: QtBot, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    drive_sign_in(qtbot, user.email, user.secret, clock)
    session = embed.sign_in(service=service)
    assert isinstance(session, Session)
    assert session.email == user.email and session.assurance is AssuranceLevel.AAL2


def test_closing_the_dialog_returns_none(qtbot: QtBot, service: AuthService, admin: Actor) -> None:
    def close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, embed.SignInDialog)
        dialog.reject()

    QTimer.singleShot(0, close)
    assert embed.sign_in(service=service) is None


def test_gate_starts_the_program_only_after_a_complete_sign_in(
    qtbot: QtBot, service: AuthService, admin: Actor, clock: PinnedClock, tmp_path: Path
) -> None:
    user = make_user_with_app(service, admin, clock)
    record = tmp_path / "env.json"
    command = [sys.executable, "-c", RECORD, str(record)]

    # Cancelled: the program never starts.
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())  # type: ignore[union-attr]
    assert embed.run_gated(embed.sign_in(service=service), command) == embed.EXIT_CANCELLED
    assert not record.exists()

    drive_sign_in(qtbot, user.email, user.secret, clock)
    assert embed.run_gated(embed.sign_in(service=service), command) == 0
    seen = json.loads(record.read_text())
    assert seen["DESKTOP_AUTH_USER"] == user.email
    assert seen["DESKTOP_AUTH_ASSURANCE"] == "AAL2"
    assert seen["DESKTOP_AUTH_METHODS"] == "password,totp"
    assert USER_PASSWORD not in record.read_text()


def test_gate_command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`desktop-auth gate -- PROGRAM` hands over to the gate; nothing to start is an error."""
    started: list[tuple[list[str], str | None]] = []

    def fake_gate(
        config: object, *, language: str, command: list[str], url: str | None, idle_minutes: int
    ) -> int:
        started.append((list(command), url))
        assert idle_minutes == 15  # the default lock
        return 0

    monkeypatch.setattr(embed, "gate", fake_gate)
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    assert cli.main(["--database", url, "gate", "--", "echo", "hallo"]) == 0
    assert cli.main(["--database", url, "gate", "--url", "https://salariszaken.nl"]) == 0
    assert cli.main(["--database", url, "gate"]) == 1
    assert started == [(["echo", "hallo"], None), ([], "https://salariszaken.nl")]


TOUCH_LATER = "import pathlib, sys, time; time.sleep(0.5); pathlib.Path(sys.argv[1]).touch()"


def a_session(service: AuthService, admin: Actor, clock: PinnedClock) -> Session:
    return make_user_with_app(service, admin, clock).session


def test_s2_gate_left_idle_asks_again_and_ends_the_program_when_nobody_signs_in(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    session = a_session(service, admin, clock)
    asked: list[str] = []
    idle = iter([0.0, 30.0, 16 * 60.0])

    def nobody() -> Session | None:
        asked.append("sign in again")
        return None

    status = embed.run_gated(
        session,
        [sys.executable, "-c", "import time; time.sleep(60)"],
        idle_minutes=15,
        idle_seconds=lambda: next(idle, 16 * 60.0),
        sign_in_again=nobody,
        poll_seconds=0.05,
    )
    assert status == embed.EXIT_CANCELLED and asked == ["sign in again"]


def test_gate_goes_on_after_signing_in_again(
    service: AuthService, admin: Actor, clock: PinnedClock, tmp_path: Path
) -> None:
    session = a_session(service, admin, clock)
    done = tmp_path / "done"
    idle = iter([16 * 60.0])  # idle once; after signing in again there is input again

    status = embed.run_gated(
        session,
        [
            sys.executable,
            "-c",
            f"import time, pathlib; time.sleep(0.5); pathlib.Path({str(done)!r}).touch()",
        ],
        idle_minutes=15,
        idle_seconds=lambda: next(idle, 0.0),
        sign_in_again=lambda: session,
        poll_seconds=0.05,
    )
    assert status == 0 and done.exists()


def test_without_a_display_the_idle_time_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_auth.gui import idle_time

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr(idle_time.sys, "platform", "linux")
    assert idle_time.system_idle_seconds() is None
