"""I1 at the terminal: what the red team typed gets one translated line and exit code 1 (or
is simply accepted), never a traceback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.unit.cli.conftest import Cli


def test_i1_log_level_in_any_case(
    initialized_here: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tried: ``--log-level debug`` was refused; logging's level names take any case."""
    logger = logging.getLogger("desktop_auth")
    monkeypatch.setattr(logger, "handlers", list(logger.handlers))  # put back afterwards
    monkeypatch.setattr(logger, "level", logger.level)
    log = tmp_path / "debug.log"
    code, out, err = initialized_here(
        "--log-level", "debug", "--log-file", str(log), "admin", "user", "list"
    )
    assert (code, err) == (0, "") and "beheer@salariszaken.nl" in out
    assert logger.getEffectiveLevel() == logging.DEBUG
    assert log.exists()


def test_i1_an_option_postgresql_does_not_know_is_named(cli: Cli) -> None:
    """Tried: ``?PASSWORD=`` gave a psycopg traceback."""
    url = "postgresql://beheer@127.0.0.1:9/auth?PASSWORD=geheim"
    code, out, err = cli("--database", url, "admin", "user", "list")
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        "desktop-auth: The database URL has an option PostgreSQL does not know: PASSWORD. "
        "Option names are written in lower case (sslmode, connect_timeout, …)."
    ]
    assert "geheim" not in err


def test_i1_a_csv_field_over_the_limit_is_one_line(initialized_here: Cli, tmp_path: Path) -> None:
    """Tried: a field over 131,072 characters ended in ``_csv.Error``."""
    users = tmp_path / "users.csv"
    users.write_text("email,name\njan@example.nl," + "a" * 140_000 + "\n", encoding="utf-8")
    code, out, err = initialized_here("admin", "rollout", "import", str(users))
    assert code == 1 and out == ""
    [line] = err.strip().splitlines()
    assert line.startswith("desktop-auth: Line 2 of the file cannot be read as CSV")
    code, out, _ = initialized_here("admin", "user", "list")
    assert code == 0 and "jan@example.nl" not in out
