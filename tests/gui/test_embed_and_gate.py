"""Embedding the sign-in in another PySide6 program, and the workstation gate (issue 9)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_auth import cli
from desktop_auth.core.service import GATE_AUDIENCE, Actor, AssuranceLevel, AuthService, Session
from desktop_auth.errors import SessionEndedError
from desktop_auth.gui import embed
from desktop_auth.gui import gate as gate_module
from desktop_auth.store.db import Store
from tests.gui.helpers import type_into, wait_page
from tests.helpers import (
    USER_PASSWORD,
    MemoryKeyring,
    PinnedClock,
    initialize_organisation,
    make_service,
    past_sign_in,
)
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


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def live_service(store: Store, memory_keyring: MemoryKeyring) -> AuthService:
    """A service on today's clock (less the minute that setting up an app moves it on):
    the example program checks the token's times for real."""
    return make_service(
        store, clock=PinnedClock(datetime.now(UTC) - timedelta(minutes=1)), keyring=memory_keyring
    )


def test_s2_b4_gate_hands_the_program_a_signed_token_and_no_unsigned_identity(
    qtbot: QtBot, live_service: AuthService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = live_service
    clock = service._context.clock
    assert isinstance(clock, PinnedClock)
    user = make_user_with_app(service, initialize_organisation(service), clock)
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(service.sign_in.public_keys()))
    record = tmp_path / "env.json"
    gate = embed.Gate(service, audience=GATE_AUDIENCE, now=clock.now)
    recorder = [sys.executable, "-c", RECORD, str(record)]

    # Cancelled: the program never starts.
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())  # type: ignore[union-attr]
    assert gate.run(embed.sign_in(service=service), recorder) == embed.EXIT_CANCELLED
    assert not record.exists()

    # Whoever starts the gate cannot pass an identity of their own making through it.
    # (The suite's own settings, DESKTOP_AUTH_TEST_ENGINE and the like, are not what the
    # recorder is looking for: out of the way first.)
    for name in [name for name in os.environ if name.startswith("DESKTOP_AUTH_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DESKTOP_AUTH_USER", "directeur@salariszaken.nl")
    monkeypatch.setenv("DESKTOP_AUTH_ASSURANCE", "AAL3")
    drive_sign_in(qtbot, user.email, user.secret, clock)
    session = embed.sign_in(service=service)
    assert gate.run(session, recorder) == 0
    seen = json.loads(record.read_text())
    assert sorted(seen) == ["DESKTOP_AUTH_TOKEN"]
    assert USER_PASSWORD not in record.read_text()

    # The example program verifies that token, and refuses one from anywhere else.
    verifier = [sys.executable, str(EXAMPLES / "gated_program.py"), "--jwks-file", str(jwks)]
    check = subprocess.run(
        verifier, env={**os.environ, **seen}, capture_output=True, text=True, check=False
    )
    assert (check.returncode, check.stdout.strip()) == (
        0,
        f"Signed in: {user.email} (AAL2, pwd + otp + mfa)",
    )
    claims = jwt.decode(seen["DESKTOP_AUTH_TOKEN"], options={"verify_signature": False})
    forged = jwt.encode(
        {**claims, "email": "directeur@salariszaken.nl"},
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": jwt.get_unverified_header(seen["DESKTOP_AUTH_TOKEN"])["kid"]},
    )
    refused = subprocess.run(
        verifier,
        env={**os.environ, "DESKTOP_AUTH_TOKEN": forged},
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 3 and "Refused" in refused.stderr
    # The program ended, and its sign-in with it.
    assert session is not None
    with pytest.raises(SessionEndedError):
        service.sign_in.resume(session.token)


def test_gate_command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`desktop-auth gate -- PROGRAM` hands over to the gate; nothing to start is an error."""
    started: list[tuple[list[str], str | None, str | None]] = []

    def fake_gate(
        config: object,
        *,
        language: str,
        command: list[str],
        url: str | None,
        idle_minutes: int,
        audience: str | None,
    ) -> int:
        started.append((list(command), url, audience))
        assert idle_minutes == 15  # the default lock
        return 0

    monkeypatch.setattr(embed, "gate", fake_gate)
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    assert cli.main(["--database", url, "gate", "--", "echo", "hallo"]) == 0
    assert cli.main(["--database", url, "gate", "--url", "https://salariszaken.nl"]) == 0
    assert cli.main(["--database", url, "gate", "--audience", "salaris", "--", "x"]) == 0
    assert cli.main(["--database", url, "gate"]) == 1
    assert started == [
        (["echo", "hallo"], None, None),
        ([], "https://salariszaken.nl", None),
        (["x"], None, "salaris"),
    ]


SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]


def a_session(service: AuthService, admin: Actor, clock: PinnedClock) -> Session:
    return make_user_with_app(service, admin, clock).session


def quick_gate(
    service: AuthService, told: list[str], clock: PinnedClock, **options: Any
) -> embed.Gate:
    return embed.Gate(
        service,
        audience=GATE_AUDIENCE,
        poll_seconds=0.05,
        tell=told.append,
        **{"now": clock.now, **options},
    )


def test_s2_gate_left_idle_asks_again_and_ends_the_program_when_nobody_signs_in(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    session = a_session(service, admin, clock)
    asked: list[str] = []
    idle = iter([0.0, 30.0, 16 * 60.0])

    def nobody() -> Session | None:
        asked.append("sign in again")
        return None

    gate = quick_gate(
        service,
        [],
        clock,
        idle_minutes=15,
        idle_seconds=lambda: next(idle, 16 * 60.0),
        sign_in_again=nobody,
    )
    assert gate.run(session, SLEEP) == embed.EXIT_CANCELLED and asked == ["sign in again"]
    with pytest.raises(SessionEndedError):
        service.sign_in.resume(session.token)


def test_s2_gate_goes_on_after_the_same_person_signs_in_again(
    service: AuthService, admin: Actor, clock: PinnedClock, tmp_path: Path
) -> None:
    session = a_session(service, admin, clock)
    again = past_sign_in(service, session.email)
    done = tmp_path / "done"
    idle = iter([16 * 60.0])  # idle once; after signing in again there is input again
    gate = quick_gate(
        service,
        [],
        clock,
        idle_minutes=15,
        idle_seconds=lambda: next(idle, 0.0),
        sign_in_again=lambda: again,
    )
    touch = f"import time, pathlib; time.sleep(0.5); pathlib.Path({str(done)!r}).touch()"
    assert gate.run(session, [sys.executable, "-c", touch]) == 0 and done.exists()
    for ended in (session, again):  # the first replaced, the second at the program's end
        with pytest.raises(SessionEndedError):
            service.sign_in.resume(ended.token)


def test_s2_someone_else_signing_in_after_the_idle_lock_ends_the_first_ones_program(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """Tried: another employee signed in after the lock and the program ran on as the first."""
    session = a_session(service, admin, clock)
    other = make_user_with_app(service, admin, clock, email="piet@example.nl").session
    told: list[str] = []
    gate = quick_gate(
        service,
        told,
        clock,
        idle_minutes=15,
        idle_seconds=lambda: 16 * 60.0,
        sign_in_again=lambda: other,
    )
    assert gate.run(session, SLEEP) == embed.EXIT_CANCELLED
    assert told == [
        "piet@example.nl signed in, but this program was opened by jan@example.nl,"
        " so it was closed. Open it again under your own sign-in."
    ]
    for ended in (session, other):
        with pytest.raises(SessionEndedError):
            service.sign_in.resume(ended.token)


def test_s2_the_program_is_warned_and_then_ended_with_its_sign_in(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    session = a_session(service, admin, clock)
    ends = session.expires_at
    moments = iter([ends - timedelta(minutes=20), ends - timedelta(minutes=4)])
    told: list[str] = []
    gate = quick_gate(service, told, clock, now=lambda: next(moments, ends))
    assert gate.run(session, SLEEP) == embed.EXIT_CANCELLED
    assert len(told) == 2
    assert told[0].startswith("Your sign-in ends at ") and "Save your work" in told[0]
    assert told[1].startswith("Your sign-in has ended, so the program was closed.")


def test_s2_a_sign_in_ended_elsewhere_ends_the_program(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    session = a_session(service, admin, clock)
    told: list[str] = []

    def now_while_the_helpdesk_resets() -> datetime:
        if not told and not resets:
            resets.append(service.accounts.reset_password(actor=admin, email=session.email))
        return clock.now()

    resets: list[object] = []
    gate = quick_gate(service, told, clock, check_seconds=0.0, now=now_while_the_helpdesk_resets)
    assert gate.run(session, SLEEP) == embed.EXIT_CANCELLED
    assert told == [
        "Your sign-in was ended (signed out elsewhere, or by the helpdesk),"
        " so the program was closed."
    ]


def test_b4_gate_url_hands_the_web_application_a_token_for_its_origin_only(
    service: AuthService, admin: Actor, clock: PinnedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = a_session(service, admin, clock)
    opened: list[str] = []
    monkeypatch.setattr(
        gate_module.QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True
    )
    origin = gate_module.web_audience("https://salaris.example.nl/a")
    gate = embed.Gate(service, audience=origin, now=clock.now)
    assert gate.open_url(session, "https://salaris.example.nl/a?b=1#old") == 0
    [url] = opened
    base, fragment = url.split("#")
    assert base == "https://salaris.example.nl/a?b=1"
    name, token = fragment.split("=", 1)
    assert name == "desktop_auth_token"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"] == "https://salaris.example.nl" and claims["email"] == session.email
    with pytest.raises(SessionEndedError):  # handed over: the web application keeps its own
        service.sign_in.resume(session.token)


def test_the_gate_notice_looks_calm_in_both_languages(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_auth.gui.i18n import install_language, message

    for language in ("en", "nl"):
        install_language(language)
        gate_module.show_notice(message("gate.ending_soon", time="17:30"))
        box = gate_module._open_notices[-1]
        qtbot.waitExposed(box)
        assert not box.isModal() and "17:30" in box.text()
        assert box.grab().save(str(tmp_path / f"gate-notice-{language}.png"))
        box.close()
    install_language("en")


def test_without_a_display_the_idle_time_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_auth.gui import idle_time

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr(idle_time.sys, "platform", "linux")
    assert idle_time.system_idle_seconds() is None
