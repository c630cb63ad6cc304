"""`desktop-auth admin key export | import`: the data key to another workstation by file."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from desktop_auth.store.secretbox import new_data_key
from tests.unit.cli.conftest import Cli, _initialize

PASSPHRASE = "zomer fiets koffie sleutel"


def test_key_travels_by_file_to_a_workstation_that_refused_to_start(
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """C2: the key is never printed; the file is the owner's only (0600)."""
    monkeypatch.setenv("DESKTOP_AUTH_DATA_KEY_FILE", str(tmp_path / "first.key"))
    initialized_here = _initialize(cli)  # the first run makes the key (its audit log's)
    exported = tmp_path / "transport.json"
    code, out, err = initialized_here(
        "admin", "key", "export", str(exported), "--passphrase-stdin", stdin=PASSPHRASE + "\n"
    )
    assert (code, err) == (0, "")
    assert f"desktop-auth admin key import {exported}" in out
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    key = (tmp_path / "first.key").read_text().strip()
    assert key not in out and key not in exported.read_text() and PASSPHRASE not in out

    code, _, err = initialized_here(
        "admin", "key", "export", str(exported), "--passphrase-stdin", stdin=PASSPHRASE + "\n"
    )
    assert code == 1 and "already exists" in err

    # A second workstation, with a wrong key of its own in the keyring's place.
    second = tmp_path / "second.key"
    second.write_text(base64.b64encode(new_data_key()).decode() + "\n")
    second.chmod(0o600)
    monkeypatch.setenv("DESKTOP_AUTH_DATA_KEY_FILE", str(second))
    code, out, err = initialized_here("--language", "nl", "admin", "user", "list")
    assert code == 1 and out == ""
    assert "hoort niet bij deze inlogdatabase" in err and "admin key import" in err

    second.unlink()  # IT removes the wrong key file, then imports the right key
    code, out, err = initialized_here(
        "admin", "key", "import", str(exported), "--passphrase-stdin", stdin="wrong passphrase\n"
    )
    assert code == 1 and "does not open" in err and not second.exists()
    code, out, err = initialized_here(
        "admin", "key", "import", str(exported), "--passphrase-stdin", stdin=PASSPHRASE + "\n"
    )
    assert (code, err) == (0, "")
    assert "belongs to this sign-in database" in out and key not in out
    assert second.read_text().strip() == key
    code, out, err = initialized_here("admin", "user", "list")
    assert code == 0 and "beheer@salariszaken.nl" in out


def test_key_commands_need_a_passphrase_and_a_readable_file(
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DESKTOP_AUTH_DATA_KEY_FILE", str(tmp_path / "first.key"))
    initialized_here = _initialize(cli)
    target = str(tmp_path / "k.json")
    export = ("admin", "key", "export", target, "--passphrase-stdin")
    code, _, err = initialized_here(*export, stdin="\n")
    assert code == 1 and "No passphrase" in err
    code, _, err = initialized_here(*export, stdin="kort\n")
    assert code == 1 and "at least 12 characters" in err and not Path(target).exists()
    code, _, err = initialized_here("admin", "key", "export", target)  # no terminal in tests
    assert code == 1 and "--passphrase-stdin" in err
    code, _, err = initialized_here("admin", "key", "import", str(tmp_path / "missing.json"))
    assert code == 1 and "Cannot read the file" in err
