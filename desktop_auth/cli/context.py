"""What every command handler gets: config, language, parsed options, the service."""

from __future__ import annotations

import argparse
import getpass
import hmac
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop_auth.config import Config

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService
from desktop_auth.errors import (
    PassphraseNeedsTerminalError,
    PassphrasesDifferError,
    PassphraseStdinEmptyError,
    PasswordNeedsTerminalError,
    PasswordsDifferError,
    PasswordStdinEmptyError,
)
from desktop_auth.messages import translate


@dataclass
class CliContext:
    config: Config
    language: str
    args: argparse.Namespace
    _service: AuthService | None = field(default=None, init=False)

    def t(self, key: str, **params: object) -> str:
        return translate(key, self.language, **params)

    def out(self, key: str, **params: object) -> None:
        print(self.t(key, **params))

    def error(self, key: str, **params: object) -> None:
        print(f"desktop-auth: {self.t(key, **params)}", file=sys.stderr)

    def service(self, *, check_data_key: bool = True) -> AuthService:
        """The service; it refuses to start with a wrong data key unless told not to check."""
        if self._service is None:
            # Imported here: `desktop-auth` without a command opens the window, which
            # should not wait for the database and crypto libraries to load.
            from desktop_auth.remote.connect import open_service

            self._service = open_service(
                self.config, administrator=True, check_data_key=check_data_key
            )
        return self._service

    def close(self) -> None:
        """The store's connections, or the server's, once the command is done."""
        if self._service is not None:
            self._service.close()
            self._service = None

    def read_passphrase(self, *, from_stdin: bool, twice: bool, prompt: str | None = None) -> str:
        """A key file's passphrase from standard input (one line) or a hidden prompt
        (``prompt``, already translated; by default "Passphrase for the key file")."""
        if from_stdin:
            line = sys.stdin.readline()
            passphrase = line[:-1] if line.endswith("\n") else line
            if not passphrase:
                raise PassphraseStdinEmptyError()
            return passphrase
        if not sys.stdin.isatty():
            raise PassphraseNeedsTerminalError()
        first = getpass.getpass(prompt or self.t("cli.prompt.key_passphrase"))
        if twice:
            second = getpass.getpass(self.t("cli.prompt.repeat_key_passphrase"))
            if not hmac.compare_digest(first.encode(), second.encode()):
                raise PassphrasesDifferError()
        return first

    def read_password(self, *, from_stdin: bool) -> str:
        """A password from standard input (one line) or typed once at a hidden prompt."""
        if from_stdin:
            return _password_from_stdin()
        if not sys.stdin.isatty():
            raise PasswordNeedsTerminalError()
        return getpass.getpass(self.t("cli.prompt.password"))

    def read_line(self, prompt_key: str) -> str:
        """One line (a code), prompted for at a terminal."""
        if sys.stdin.isatty():
            return input(self.t(prompt_key)).strip()
        return sys.stdin.readline().strip()

    def read_new_password(self, *, from_stdin: bool) -> str:
        """A password from standard input (one line) or typed twice at a hidden prompt."""
        if from_stdin:
            return _password_from_stdin()
        if not sys.stdin.isatty():
            raise PasswordNeedsTerminalError()
        first = getpass.getpass(self.t("cli.prompt.new_password"))
        second = getpass.getpass(self.t("cli.prompt.repeat_password"))
        if not hmac.compare_digest(first.encode(), second.encode()):
            raise PasswordsDifferError()
        return first


def _password_from_stdin() -> str:
    line = sys.stdin.readline()
    password = line[:-1] if line.endswith("\n") else line
    if not password:
        raise PasswordStdinEmptyError()
    return password
