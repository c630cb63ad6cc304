"""The CLI as a person at a terminal uses it, on a fresh SQLite store per test."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from desktop_auth.cli import main

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
def initialized(cli: Cli) -> Cli:
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
