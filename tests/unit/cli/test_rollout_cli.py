"""`desktop-auth admin rollout …` and `admin policy …`."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.unit.cli.conftest import Cli


def test_import_reports_bad_rows_and_imports_nothing(initialized: Cli, tmp_path: Path) -> None:
    users = tmp_path / "users.csv"
    users.write_text("email,name,role\ngoed@example.nl,Goed,\nkapot,Fout,\n", encoding="utf-8")
    code, out, err = initialized("admin", "rollout", "import", str(users))
    assert code == 1 and out == ""
    assert "line 3 (kapot): Enter a valid e-mail address" in err
    assert "Nothing was imported" in err
    assert "No users found" in initialized("admin", "user", "list", "--search", "goed")[1]


def test_import_writes_temporary_passwords_to_a_private_file(
    initialized: Cli,
    tmp_path: Path,
) -> None:
    users = tmp_path / "users.csv"
    users.write_text("email,name\njan@example.nl,Jan\npiet@example.nl,Piet\n", encoding="utf-8")
    out_file = tmp_path / "passwords.csv"
    code, out, _ = initialized(
        "admin", "rollout", "import", str(users), "--passwords-file", str(out_file)
    )
    assert code == 0 and "Imported 2 users" in out
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    lines = out_file.read_text().splitlines()
    assert lines[0] == "email,temporary_password" and lines[1].startswith("jan@example.nl,")
    password = lines[1].split(",", 1)[1]
    assert password and password not in out


def test_exemption_deadline_and_policy(initialized: Cli) -> None:
    cli = initialized
    cli("admin", "user", "add", "jan@example.nl", "--name", "Jan")
    code, out, _ = cli("admin", "rollout", "deadline", "jan@example.nl", "2026-09-01")
    assert code == 0 and "until 2026-09-01" in out
    code, out, _ = cli("admin", "rollout", "exempt", "jan@example.nl")
    assert code == 0 and "no longer needs" in out
    code, out, _ = cli("admin", "rollout", "exempt", "jan@example.nl", "--off")
    assert code == 0 and "like everyone else" in out
    code, out, _ = cli(
        "admin", "policy", "set", "enforcement_date=2026-07-01", "throttle.lock_after=12"
    )
    assert code == 0 and out.startswith("The policy is saved:")
    shown = json.loads(cli("admin", "policy", "show")[1])
    assert shown["enforcement_date"] == "2026-07-01" and shown["throttle"]["lock_after"] == 12
    for bad, fragment in (
        ("enforcement_date=1 juli", "a date such as 2026-07-01"),
        ("nonsense=1", "no policy setting nonsense"),
        ("totp_window=wide", "does not fit"),
        ("no-equals-sign", "KEY=VALUE"),
    ):
        code, out, err = cli("admin", "policy", "set", bad)
        assert code == 1 and fragment in err, bad
    assert json.loads(cli("admin", "policy", "show")[1])["totp_window"] == 1
    events = cli("admin", "audit", "list")[1]
    assert "user.deadline_changed" in events and "policy.changed" in events


def test_retire_from_the_command_line(initialized: Cli) -> None:
    code, out, _ = initialized("admin", "rollout", "retire", "totp", "--before", "2026-01-01")
    assert code == 0 and "Switched off 0 methods of 0 users" in out
    code, _, err = initialized("admin", "rollout", "retire", "sms")
    assert code == 2 and "invalid choice" in err


def test_report(initialized: Cli) -> None:
    initialized("admin", "user", "add", "jan@example.nl", "--name", "Jan")
    initialized("admin", "policy", "set", "enforcement_date=2026-07-01")
    code, out, _ = initialized("admin", "report")
    assert code == 0
    assert "Two-step sign-in set up: 0 of 2 active users (0 %)." in out
    assert "Required from: 2026-07-01." in out
    assert "    jan@example.nl" in out
    code, out, _ = initialized("--language", "nl", "admin", "report")
    assert "Nog niet ingesteld (2 getoond):" in out


def test_allowed_methods_from_the_command_line(initialized: Cli) -> None:
    """A list setting takes words separated by commas (or JSON); SMS cannot be named."""
    code, _, _ = initialized(
        "admin", "policy", "set", "allowed_methods=authenticator_app, security_key"
    )
    assert code == 0
    shown = json.loads(initialized("admin", "policy", "show")[1])
    assert shown["allowed_methods"] == ["security_key", "authenticator_app"]
    code, _, err = initialized("admin", "policy", "set", "allowed_methods=sms")
    assert code == 1 and "at least one method" in err
    code, _, err = initialized("admin", "policy", "set", 'allowed_methods=["windows_hello"]')
    assert code == 0
    assert json.loads(initialized("admin", "policy", "show")[1])["allowed_methods"] == [
        "windows_hello"
    ]


def test_a_policy_value_out_of_range_is_refused_with_its_range_in_words(initialized: Cli) -> None:
    cli = initialized
    code, out, err = cli("admin", "policy", "set", "throttle.lock_minutes=20000")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "desktop-auth: throttle.lock_minutes must be from 1 to 10080, not 20000.",
        "  How long a locked account stays locked: 1 to 10080 minutes.",
    ]
    code, _, err = cli(
        "--language", "nl", "admin", "policy", "set", "reauthentication_minutes=525600"
    )
    assert code == 1
    assert "reauthentication_minutes moet van 1 tot en met 60 zijn, niet 525600." in err
    assert "gevoelige handelingen: 1 tot en met 60 minuten." in err
    code, _, err = cli("admin", "policy", "set", "totp_window=true")  # a bool is no number
    assert code == 1 and "does not fit the setting totp_window" in err
    assert "0 to 2 steps of 30 seconds" in err
    shown = json.loads(cli("admin", "policy", "show")[1])
    assert shown["throttle"]["lock_minutes"] == 15 and shown["reauthentication_minutes"] == 5
    code, out, _ = cli("admin", "policy", "set", "throttle.lock_minutes=10080")
    assert code == 0 and json.loads(out.split("\n", 1)[1])["throttle"]["lock_minutes"] == 10080


def test_policy_set_help_lists_every_range(cli: Cli) -> None:
    code, out, _ = cli("admin", "policy", "set", "--help")
    assert code == 0
    assert "throttle.lock_minutes" in out and "1 to 10080 minutes" in out
    assert "reauthentication_minutes" in out and "1 to 60 minutes" in out
    code, out, _ = cli("--language", "nl", "admin", "policy", "set", "--help")
    assert code == 0 and "1 tot en met 24 uur" in out
