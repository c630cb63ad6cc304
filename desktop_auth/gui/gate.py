"""``desktop-auth gate``: a program (or web application) only for a signed-in person,
and only for as long as that person's sign-in lasts.

The program gets one thing: ``DESKTOP_AUTH_TOKEN``, a signed sign-in token (a JWT,
EdDSA) for its audience, which it verifies against the organisation's public keys.
Variables that only claim an identity (``DESKTOP_AUTH_USER`` and the like) are not
passed on: anyone who starts a program can set those.  A web application gets the
token in the URL's fragment, which browsers never send to a server nor write to its
logs; its page hands the token to its own back end (``examples/web_app.py``).

While the program runs the gate holds its promise:

- left idle for ``idle_minutes`` it asks for the sign-in again, and only the same
  person may go on: someone else signing in ends the program (SECURITY.md S2);
- a few minutes before the sign-in's end it warns, and at the end it closes the
  program; a sign-in ended elsewhere (signed out, reset, disabled) ends it too;
- when the program ends, its sign-in is ended at the store or server.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_auth.errors import (
    DesktopAuthError,
    ServerUnavailableError,
    SessionEndedError,
    SessionExpiredError,
    StoreUnavailableError,
)
from desktop_auth.gui.i18n import clock_time, message

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, Session, SignedToken

EXIT_CANCELLED = 1
# What the gate tells a program; also removed from what the program inherits.
TOKEN_VARIABLE = "DESKTOP_AUTH_TOKEN"  # noqa: S105 (a variable's name, not a secret)
# Names older gates set without a signature: a parent's values must not pass through.
UNSIGNED_VARIABLES = (
    "DESKTOP_AUTH_USER",
    "DESKTOP_AUTH_NAME",
    "DESKTOP_AUTH_ASSURANCE",
    "DESKTOP_AUTH_METHODS",
    "DESKTOP_AUTH_SESSION_EXPIRES",
)
WARN_BEFORE_END = timedelta(minutes=5)
# How often the gate asks whether the sign-in still holds.
CHECK_SECONDS = 30.0
# What a web application finds in the fragment of the URL the gate opens.
URL_FRAGMENT_NAME = "desktop_auth_token"


def gated_environment(signed: SignedToken, base: Mapping[str, str]) -> dict[str, str]:
    """The program's environment: the caller's, less any claimed identity, plus the token."""
    inherited = {
        name: value
        for name, value in base.items()
        if name not in UNSIGNED_VARIABLES and name != TOKEN_VARIABLE
    }
    return {**inherited, TOKEN_VARIABLE: signed.token}


def web_audience(url: str) -> str:
    """A web application's audience: its origin (scheme, host and port)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def url_with_token(url: str, signed: SignedToken) -> str:
    base = url.split("#", 1)[0]
    return f"{base}#{URL_FRAGMENT_NAME}={quote(signed.token, safe='')}"


def show_notice(text: str) -> None:
    """A calm, non-blocking message: the program keeps running behind it."""
    box = QMessageBox(QMessageBox.Icon.Information, message("gate.title"), text)
    box.setModal(False)
    box.show()
    _open_notices.append(box)
    box.finished.connect(lambda _result: _open_notices.remove(box))


_open_notices: list[QMessageBox] = []


class Gate:
    """Runs one program for one person's sign-in, and ends it with that sign-in."""

    def __init__(
        self,
        service: AuthService,
        *,
        audience: str,
        idle_minutes: int = 0,
        idle_seconds: Callable[[], float | None] = lambda: None,
        sign_in_again: Callable[[], Session | None] | None = None,
        poll_seconds: float = 1.0,
        check_seconds: float = CHECK_SECONDS,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        tell: Callable[[str], None] = show_notice,
    ) -> None:
        self._service = service
        self._audience = audience
        self._idle_minutes = idle_minutes
        self._idle_seconds = idle_seconds
        self._sign_in_again = sign_in_again
        self._poll_seconds = poll_seconds
        self._check_seconds = check_seconds
        self._now = now
        self._tell = tell
        self._warned = False
        # The sign-in the program runs under now (a re-sign-in replaces it).
        self._current: Session | None = None

    def run(self, session: Session | None, command: Sequence[str]) -> int:
        """Start ``command`` for ``session``; its exit status, or EXIT_CANCELLED."""
        if session is None:
            return EXIT_CANCELLED
        try:
            signed = self._service.sign_in.signed_token(session, self._audience)
            program = subprocess.Popen(list(command), env=gated_environment(signed, os.environ))
            return self._watch(program, session)
        finally:
            self._sign_out(self._current or session)

    def open_url(self, session: Session | None, url: str) -> int:
        """Open the web application with a token for its origin; the sign-in ends here,
        the application keeps its own."""
        if session is None:
            return EXIT_CANCELLED
        try:
            signed = self._service.sign_in.signed_token(session, web_audience(url))
            opened = QDesktopServices.openUrl(QUrl(url_with_token(url, signed)))
        finally:
            self._sign_out(session)
        return 0 if opened else EXIT_CANCELLED

    # --- while the program runs ----------------------------------------------------------

    def _watch(self, program: subprocess.Popen[bytes], session: Session) -> int:
        self._current = session
        last_check = time.monotonic()
        while program.poll() is None:
            checked = time.monotonic() - last_check >= self._check_seconds
            if checked:
                last_check = time.monotonic()
            reason = self._reason_to_end(checked)
            if reason is not None:
                _end(program)
                if reason:
                    self._tell(reason)
                return EXIT_CANCELLED
            try:
                program.wait(self._poll_seconds)
            except subprocess.TimeoutExpired:
                QApplication.processEvents()
        return program.returncode

    def _reason_to_end(self, check_store: bool) -> str | None:
        """Why the program must end now ("" when nobody is there to tell), else None."""
        session = self._current
        assert session is not None
        now = self._now()
        if now >= session.expires_at:
            return message("gate.expired")
        if not self._warned and now >= session.expires_at - WARN_BEFORE_END:
            self._warned = True
            self._tell(message("gate.ending_soon", time=clock_time(session.expires_at)))
        if self._left_idle():
            assert self._sign_in_again is not None
            again = self._sign_in_again()
            if again is None:
                return ""
            if again.user_id != session.user_id:
                # Someone else at the desk: the program is the first person's, not theirs.
                self._sign_out(again)
                return message("gate.other_person", email=again.email, owner=session.email)
            self._sign_out(session)
            self._current, self._warned = again, False
            return None
        if check_store:
            try:
                self._service.sign_in.resume(session.token)
            except (SessionEndedError, SessionExpiredError):
                return message("gate.ended_elsewhere")
            except (ServerUnavailableError, StoreUnavailableError):
                pass  # a short outage ends no one's work; the end time is kept here
        return None

    def _left_idle(self) -> bool:
        if self._idle_minutes <= 0 or self._sign_in_again is None:
            return False
        idle = self._idle_seconds()
        return idle is not None and idle >= self._idle_minutes * 60

    def _sign_out(self, session: Session) -> None:
        # Unreachable now: the session still ends on its own at its end time.
        with contextlib.suppress(DesktopAuthError):
            self._service.sign_in.sign_out(session)


def _end(program: subprocess.Popen[bytes]) -> None:
    program.terminate()
    try:
        program.wait(10)
    except subprocess.TimeoutExpired:
        program.kill()
        program.wait()
