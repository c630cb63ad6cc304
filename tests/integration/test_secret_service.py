"""The data key in a real Secret Service: gnome-keyring under its own D-Bus session.

This must run wherever the test suite runs (CI installs gnome-keyring and dbus):
a missing tool fails the test, it is not skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

SESSION_SCRIPT = textwrap.dedent(
    """
    set -eu
    mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
    eval "$(printf 'keyring-test-password' | gnome-keyring-daemon --unlock --components=secrets)"
    "$PYTHON" -m tests.integration.secret_service_probe seal "$DATABASE"
    "$PYTHON" -m tests.integration.secret_service_probe open "$DATABASE"
    """
)


def test_data_key_lives_in_the_secret_service_and_survives_a_restart(tmp_path: Path) -> None:
    missing = [
        tool for tool in ("dbus-run-session", "gnome-keyring-daemon") if shutil.which(tool) is None
    ]
    assert not missing, f"install {missing} (Debian: dbus gnome-keyring); CI installs them"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "PYTHON": sys.executable,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "DATABASE": f"sqlite:///{tmp_path / 'store.sqlite3'}",
    }
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", SESSION_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    assert "keyring.backends.SecretService.Keyring" in lines[0].removeprefix("backend=").split(",")
    assert lines[1].startswith("sealed=") and lines[2].startswith("opened=")
    assert lines[1].split("=")[1] == lines[2].split("=")[1]  # same key fingerprint both times
    assert lines[3] == "plaintext-matches"
    # The key is in gnome-keyring's files, not in the store.
    store_bytes = (tmp_path / "store.sqlite3").read_bytes()
    assert b"data-key" not in store_bytes
    assert any((home / "data" / "keyrings").iterdir())
