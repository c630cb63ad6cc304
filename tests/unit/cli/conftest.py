"""The CLI as a person at a terminal uses it, on a fresh SQLite store per test."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from desktop_auth.cli import main
from desktop_auth.config import load_config
from desktop_auth.core.service import AuthService
from desktop_auth.remote.connect import ADMIN_SESSION_SERVICE
from tests.helpers import MemoryKeyring, past_sign_in
from tests.remote_helpers import serving

ADMIN_PASSWORD = "koffie tafel regen zomer fiets"


class Cli:
    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(argv))
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    config = tmp_path / "config.toml"
    # The OWASP floor: the cheapest hashing the configuration accepts.
    config.write_text("[argon2]\nmemory_kib = 19456\ntime_cost = 2\nparallelism = 1\n")
    monkeypatch.setenv("DESKTOP_AUTH_CONFIG", str(config))
    monkeypatch.setenv("DESKTOP_AUTH_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    return Cli(capsys, monkeypatch)


@pytest.fixture
def initialized_here(cli: Cli) -> Cli:
    """A store made by ``admin init`` on this host, worked on directly (the local
    administrator): for what is done only on the store's own host (keys, db, doctor)."""
    return _initialize(cli)


@pytest.fixture(params=["embedded", "server"])
def initialized(
    request: pytest.FixtureRequest, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Cli]:
    """A store made by ``admin init``; then the commands work on it directly, and a second
    time as a workstation of a sign-in server on it, as an administrator signed in at AAL2
    (``admin login`` itself: tests/integration/test_server.py)."""
    _initialize(cli)
    if request.param == "embedded":
        yield cli
        return
    service = AuthService.open(load_config())
    try:
        with serving(service) as client:
            session = past_sign_in(service, "beheer@salariszaken.nl")
            workstation = MemoryKeyring()
            workstation.set_password(ADMIN_SESSION_SERVICE, client.url, session.token)
            for name in ("get_password", "set_password", "delete_password"):
                monkeypatch.setattr(keyring, name, getattr(workstation, name))
            monkeypatch.setenv("DESKTOP_AUTH_SERVER_URL", client.url)
            yield cli
    finally:
        service.close()


def _initialize(cli: Cli) -> Cli:
    code, out, err = cli(
        "admin",
        "init",
        "--organisation",
        "Salariszaken",
        "--rp-id",
        "salariszaken.nl",
        "--email",
        "beheer@salariszaken.nl",
        "--name",
        "Anna Beheer",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert (code, err) == (0, "")
    assert "Salariszaken" in out and "beheer@salariszaken.nl" in out
    return cli
