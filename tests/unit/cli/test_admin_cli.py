"""`desktop-auth admin …`: every command, its output and its exit code."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.cli.conftest import ADMIN_PASSWORD, Cli


def temporary_password(out: str) -> str:
    return next(line.strip() for line in out.splitlines() if line.startswith("    "))


def test_without_a_command_the_program_opens_the_window(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_auth.gui import app as gui_app

    opened: list[bool] = []

    def run(config: object, *, language: str, demo: bool = False) -> int:
        opened.append(demo)
        return 0

    monkeypatch.setattr(gui_app, "run", run)
    code, out, _err = cli()
    assert code == 0 and out == "" and opened == [False]
    assert cli("--demo")[0] == 0 and opened == [False, True]


def test_init_twice_is_refused(initialized_here: Cli) -> None:
    code, _, err = initialized_here(
        "admin",
        "init",
        "--organisation",
        "X",
        "--rp-id",
        "x.nl",
        "--email",
        "x@x.nl",
        "--name",
        "X",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert code == 1 and err.strip() == "desktop-auth: This sign-in database is already set up."


def test_init_with_a_weak_password_explains_why_and_writes_nothing(cli: Cli) -> None:
    code, _, err = cli(
        "admin",
        "init",
        "--organisation",
        "Salariszaken",
        "--rp-id",
        "salariszaken.nl",
        "--email",
        "beheer@salariszaken.nl",
        "--name",
        "A",
        "--password-stdin",
        stdin="Welkom01!\n",
    )
    assert code == 1
    assert "too short" in err and "most common passwords" in err
    assert "Welkom01!" not in err
    code, out, _ = cli("admin", "user", "list")
    assert code == 0 and "No users found." in out


def test_init_without_a_terminal_needs_password_stdin(cli: Cli) -> None:
    code, _, err = cli(
        "admin",
        "init",
        "--organisation",
        "S",
        "--rp-id",
        "s.nl",
        "--email",
        "a@s.nl",
        "--name",
        "A",
    )
    assert code == 1 and "--password-stdin" in err


def test_user_lifecycle(initialized: Cli) -> None:
    cli = initialized
    code, out, _ = cli("admin", "user", "add", "Jan@Example.nl", "--name", "Jan de Vries")
    assert code == 0 and "Created Jan@example.nl" in out
    assert len(temporary_password(out).split("-")) >= 6

    code, out, _ = cli("admin", "user", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["E-mail", "Name", "Role", "Status", "Last", "sign-in"]
    assert any(
        line.startswith("Jan@example.nl") and "employee" in line and "active" in line
        for line in lines
    )

    assert cli("admin", "user", "disable", "jan@example.nl")[0] == 0
    assert "disabled" in cli("admin", "user", "show", "jan@example.nl")[1]
    assert cli("admin", "user", "enable", "jan@example.nl")[0] == 0
    code, out, _ = cli("admin", "user", "set-role", "jan@example.nl", "admin")
    assert code == 0 and "administrator" in out
    code, out, _ = cli("admin", "user", "reset-password", "jan@example.nl")
    assert code == 0 and "temporary password" in out
    code, out, err = cli("admin", "user", "unlock", "jan@example.nl")
    assert code != 0 and "not locked" in err  # nothing to undo, nothing audited
    code, out, _ = cli("admin", "user", "show", "jan@example.nl")
    assert "Must change password  yes" in out

    code, out, _ = cli("admin", "audit", "list", "--user", "jan@example.nl")
    types = [line.split()[3] for line in out.splitlines()]
    assert types == [
        "user.created",
        "user.disabled",
        "user.enabled",
        "user.role_changed",
        "password.reset_by_admin",
    ]


def test_dutch_output(initialized: Cli) -> None:
    code, out, _ = initialized("--language", "nl", "admin", "user", "list")
    assert code == 0 and "beheerder" in out and "Laatst ingelogd" in out
    code, _, err = initialized("--language", "nl", "admin", "user", "show", "x@example.nl")
    assert code == 1 and err.strip() == "desktop-auth: Er is geen gebruiker met dit e-mailadres."


@pytest.mark.parametrize(
    ("argv", "expected_code", "fragment"),
    [
        (("admin", "user", "add", "not-an-address", "--name", "X"), 1, "valid e-mail address"),
        (("admin", "user", "add", "x@example.nl"), 2, "--name"),
        (("admin", "user", "set-role", "x@example.nl", "god"), 2, "invalid choice"),
        (("admin", "user", "show", "nobody@example.nl"), 1, "no user with that"),
        (("admin", "frobnicate"), 2, "invalid choice"),
        (("admin", "audit", "list", "--limit", "many"), 2, "invalid int"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(
    initialized_here: Cli, argv: tuple[str, ...], expected_code: int, fragment: str
) -> None:
    code, out, err = initialized_here(*argv)
    assert (code, out) == (expected_code, "")
    assert len(err.strip().splitlines()) == 1 and fragment in err
    assert "Traceback" not in err


def test_audit_verify_and_export(initialized: Cli, tmp_path: Path) -> None:
    cli = initialized
    cli("admin", "user", "add", "jan@example.nl", "--name", "Jan")
    code, out, _ = cli("admin", "audit", "verify")
    assert code == 0 and "intact: 2 events" in out
    target = tmp_path / "audit.csv"
    code, out, _ = cli("admin", "audit", "export", "--csv", "--output", str(target))
    assert code == 0 and "Exported 2 events" in out
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [r[2] for r in rows[1:]] == ["store.initialized", "user.created"]
    assert not (tmp_path / "audit.csv.partial").exists()
    code, out, _ = cli("admin", "audit", "export", "--csv")
    assert code == 0 and out.startswith("id,occurred_at,event_type")


def test_audit_verify_names_the_broken_event(initialized: Cli, tmp_path: Path) -> None:
    import sqlite3

    initialized("admin", "user", "add", "jan@example.nl", "--name", "Jan")
    db = sqlite3.connect(tmp_path / "store.sqlite3")
    db.execute("DROP TRIGGER audit_events_no_UPDATE")
    db.execute("UPDATE audit_events SET details = '{}' WHERE id = 2")
    db.commit()
    db.close()
    code, out, _ = initialized("admin", "audit", "verify")
    assert code == 1
    assert "NOT intact: at event 2, the event was changed after it was written." in out


def test_db_upgrade_and_doctor(initialized_here: Cli) -> None:
    code, out, _ = initialized_here("admin", "db", "upgrade")
    assert code == 0 and "up to date" in out
    code, out, _ = initialized_here("admin", "doctor")
    assert "[ok] Database: reachable, schema up to date (0016)" in out
    assert "Qt window system" in out and "Security keys" in out and "System keyring" in out
    assert code in (0, 1)
    assert (code == 1) == ("[XX]" in out)


def test_entry_points_run_as_programs(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DESKTOP_AUTH_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}",
        "LANG": "en_GB.UTF-8",
    }
    env.pop("LANGUAGE", None)
    # Without a command the program opens the window (tests/gui); --help shows how.
    module = subprocess.run(
        [sys.executable, "-m", "desktop_auth", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert module.returncode == 0 and "--demo" in module.stdout
    script = Path(sys.executable).with_name("desktop-auth")
    helped = subprocess.run(
        [str(script), "admin", "--help"], capture_output=True, text=True, env=env, check=False
    )
    assert helped.returncode == 0
    for command in ("init", "user", "audit", "db", "doctor"):
        assert command in helped.stdout


def test_helpdesk_sees_and_removes_a_lost_phone(
    initialized: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """M5 from the command line: `user show` lists the methods, `remove-method` revokes one."""
    from desktop_auth.config import load_config
    from desktop_auth.core.service import AuthService
    from tests.helpers import PinnedClock
    from tests.totp_helpers import make_user_with_app

    clock = PinnedClock()
    service = AuthService.open(load_config(), clock=clock, workstation="WS-042")
    try:
        user = make_user_with_app(service, service.accounts.local_administrator(), clock)
    finally:
        service.close()

    code, out, _ = initialized("admin", "user", "show", "jan@example.nl")
    assert code == 0
    assert f"#{user.method_id} authenticator app: Telefoon — added " in out
    assert "on WS-042, last used" in out and user.secret not in out
    code, _, err = initialized("admin", "user", "remove-method", "jan@example.nl", "totp", "999")
    assert code == 1 and "does not exist" in err and len(err.strip().splitlines()) == 1
    code, out, _ = initialized(
        "admin", "user", "remove-method", "jan@example.nl", "totp", str(user.method_id)
    )
    assert (code, out.strip()) == (0, "Removed Telefoon from jan@example.nl.")
    code, out, _ = initialized("admin", "user", "show", "jan@example.nl")
    assert "Verification methods" in out and "none" in out and "Telefoon" not in out
    code, out, _ = initialized("admin", "audit", "list", "--user", "jan@example.nl")
    assert "factor.removed" in out


@pytest.fixture
def data_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data key in a file, for the test's own service and the store's (or server's)."""
    path = tmp_path / "data.key"
    monkeypatch.setenv("DESKTOP_AUTH_DATA_KEY_FILE", str(path))
    return path


def test_helpdesk_issues_a_backup_code(data_key_file: Path, initialized: Cli) -> None:
    """`user backup-code`: shown once to the admin, usable once by the user (M8)."""
    from desktop_auth.config import load_config
    from desktop_auth.core.service import AuthService, SignInOutcome
    from tests.helpers import USER_PASSWORD, PinnedClock
    from tests.totp_helpers import make_user_with_app

    clock = PinnedClock()
    service = AuthService.open(load_config(), clock=clock)
    user = make_user_with_app(service, service.accounts.local_administrator(), clock)

    code, out, err = initialized("admin", "user", "backup-code", user.email)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert "recovery codes of jan@example.nl no longer work" in lines[0]
    assert lines[1].startswith("One-time backup code for jan@example.nl, valid until ")
    backup = lines[2].strip()
    assert len(backup) == 19 and backup.count("-") == 3
    assert "backup_code.issued" in initialized("admin", "audit", "list")[1]

    result = service.sign_in.with_password(user.email, USER_PASSWORD)
    assert result.ticket and [m.kind for m in result.methods] == ["backup"]
    after = service.sign_in.with_second_factor(result.ticket, "backup", backup)
    assert after.outcome is SignInOutcome.SETUP_REQUIRED
    service.close()

    code, out, err = initialized("admin", "user", "backup-code", "niemand@example.nl")
    assert code == 1 and out == "" and "no user with that" in err


def test_user_list_sorts_pages_and_counts(initialized: Cli) -> None:
    """CLI parity with the console's table: any sort order, a page at a time, the total."""
    for email, name in (("zoe@example.nl", "Anna Zwart"), ("bram@example.nl", "Zeger Appel")):
        assert initialized("admin", "user", "add", email, "--name", name)[0] == 0
    code, out, _ = initialized("admin", "user", "list", "--sort", "name", "--descending")
    emails = [line.split()[0] for line in out.splitlines()[1:-1]]
    assert code == 0 and emails == ["bram@example.nl", "zoe@example.nl", "beheer@salariszaken.nl"]
    assert out.splitlines()[-1] == "Users 1–3 of 3"
    code, out, _ = initialized("admin", "user", "list", "--limit", "1", "--offset", "1")
    assert [line.split()[0] for line in out.splitlines()[1:-1]] == ["bram@example.nl"]
    assert out.splitlines()[-1] == "Users 2–2 of 3"
    code, out, _ = initialized("admin", "user", "list", "--search", "zw")
    assert out.splitlines()[-1] == "Users 1–1 of 1"
    code, _, err = initialized("admin", "user", "list", "--offset", "-1")
    assert code == 2 and "argument --offset: not a whole number of 0 or more" in err
    code, _, err = initialized("admin", "user", "list", "--search", "\udcff")  # argv byte 0xff
    assert code == 2 and "not valid text" in err
    code, _, err = initialized("admin", "user", "list", "--sort", "salary")
    assert code == 1 and "Unknown sort order salary" in err and "last_sign_in" in err


def test_b4_jwks_prints_the_public_keys_and_nothing_secret(initialized: Cli) -> None:
    code, out, _ = initialized("jwks")
    published = json.loads(out)
    assert code == 0 and len(published["keys"]) == 3
    for key in published["keys"]:
        assert (key["kty"], key["crv"], key["alg"], key["use"]) == (
            "OKP",
            "Ed25519",
            "EdDSA",
            "sig",
        )
        assert "d" not in key  # the private part
