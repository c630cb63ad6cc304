"""An installed wheel carries every resource and the migrations (STYLE.md rule 10)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import sys
from pathlib import Path
import desktop_auth, desktop_auth.resources as r
from desktop_auth.store.db import Store
site = Path(sys.argv[1]).resolve()
assert Path(desktop_auth.__file__).resolve().is_relative_to(site), desktop_auth.__file__
assert r.resources_root().is_relative_to(site), r.resources_root()
for name in r.REQUIRED_RESOURCES:
    assert r.resource_path(name).stat().st_size > 0, name
store = Store.open("sqlite:///" + sys.argv[2])
store.upgrade()
assert store.current_revision() == store.head_revision() == "0016"
print("wheel-ok")
"""


def test_installed_wheel_finds_every_resource_and_migrates(tmp_path: Path) -> None:
    dist, site = tmp_path / "dist", tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(dist.glob("desktop_auth-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "desktop_auth/py.typed" in names
    assert "desktop_auth/_resources/wordlists/en-eff-large.LICENSE.txt" in names
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(site), str(tmp_path / "store.sqlite3")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wheel-ok"
