"""The Debian package IT deploys: built from this tree, installed on this machine, run.

Needs root (CI and the development machines run as root) and Debian's apt; it installs
the package for real, runs ``desktop-auth --version`` and ``admin doctor`` from it, and
removes it again.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}


def run(
    *command: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False, env=env
    )


# Building, compiling and installing a whole environment: about 3 minutes alone, and more
# beside the other worker's heavy tests; the suite's 300 s guards against hangs, not this.
@pytest.mark.timeout(900)
def test_the_debian_package_installs_runs_and_goes(tmp_path: Path) -> None:
    assert os.geteuid() == 0, "installing a .deb needs root, as CI has"
    built = run(sys.executable, ROOT / "packaging" / "deb.py", tmp_path / "dist")
    assert built.returncode == 0, built.stderr
    package = Path(built.stdout.strip().splitlines()[-1])
    depends = run("dpkg-deb", "--field", package, "Depends").stdout
    assert "python3.11" in depends and "libxcb-icccm4" in depends and "libxcb-cursor0" in depends
    listing = run("dpkg-deb", "--contents", package).stdout
    for path in (
        "./usr/bin/desktop-auth -> /opt/desktop-auth/bin/desktop-auth",
        "./usr/share/applications/desktop-auth.desktop",
        "./usr/share/icons/hicolor/scalable/apps/desktop-auth.svg",
        "./usr/share/man/man1/desktop-auth.1.gz",
    ):
        assert path in listing, path
    assert str(tmp_path) not in listing

    assert run("apt-get", "update", "-qq", env=APT_ENV).returncode == 0
    installed = run("apt-get", "install", "-y", "-qq", package.resolve(), env=APT_ENV)
    try:
        assert installed.returncode == 0, installed.stderr[-2000:]
        assert run("/usr/bin/desktop-auth", "--version").stdout.strip() == "desktop-auth 0.1.0"
        config = tmp_path / "config.toml"
        config.write_text("")
        doctor = run(
            "/usr/bin/desktop-auth",
            "admin",
            "doctor",
            env={
                **os.environ,
                "DESKTOP_AUTH_CONFIG": str(config),
                "DESKTOP_AUTH_DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}",
                "DESKTOP_AUTH_DATA_KEY_FILE": str(tmp_path / "data.key"),
            },
        )
        assert doctor.returncode in (0, 1), doctor.stderr  # 1: a check failed, said calmly
        assert "Traceback" not in doctor.stderr
        assert str(config) in doctor.stdout and "[" in doctor.stdout
        # The window's libraries came with it: Qt's xcb plugin lacks nothing now.
        plugin = next(Path("/opt/desktop-auth/lib").rglob("platforms/libqxcb.so"))
        assert "not found" not in run("ldd", plugin).stdout
        page = gzip.decompress(Path("/usr/share/man/man1/desktop-auth.1.gz").read_bytes())
        assert b".TH" in page and b"admin" in page
    finally:
        removed = run("apt-get", "purge", "-y", "-qq", "desktop-auth", env=APT_ENV)
    assert removed.returncode == 0, removed.stderr
    assert not Path("/opt/desktop-auth").exists()
    assert not Path("/usr/bin/desktop-auth").exists()
