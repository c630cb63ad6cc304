#!/usr/bin/env python3
"""Set up and run desktop-auth with nothing but Python 3.11+.

    python3 tasks.py run     # make .venv, install, start the program (SQLite store)
    python3 tasks.py test    # make .venv, install test tools, run every check and test
    python3 tasks.py translations  # after changing GUI texts: update .ts, build .qm
    python3 tasks.py deb     # build dist/desktop-auth_<version>_<arch>.deb for IT

It makes its own virtual environment in .venv and installs the project into
it; on Debian/Ubuntu it installs the few system packages the tests need
(dbus, gnome-keyring, postgresql) with apt-get when run as root or with password-less sudo.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".tasks-stamp"
MIN_PYTHON = (3, 11)

#: Command the tests need → the Debian package that provides it.
TEST_SYSTEM_TOOLS = {
    "dbus-run-session": "dbus",
    "gnome-keyring-daemon": "gnome-keyring",
    "oathtool": "oathtool",  # an independent TOTP generator to check ours against
    "pdftotext": "poppler-utils",  # reads back the recovery sheet's PDF
    "initdb": "postgresql",  # the tests start their own PostgreSQL server on loopback
    "gcc": "gcc",  # builds a stand-in Qt plugin whose library is hidden (system_libraries)
    "systemd-analyze": "systemd",  # verifies the sign-in server's unit (packaging/server)
    "nginx": "nginx",  # checks and runs the reverse proxy's site (packaging/server)
}
#: Debian keeps PostgreSQL's server programs off PATH, in a folder per major version.
POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def say(message: str) -> None:
    print(f"[tasks] {message}", flush=True)


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    say(" ".join(str(part) for part in command))
    subprocess.run([str(part) for part in command], check=True, cwd=ROOT, env=env)


def venv_bin(name: str) -> Path:
    folder = VENV / ("Scripts" if os.name == "nt" else "bin")
    return folder / (f"{name}.exe" if os.name == "nt" else name)


def apt_install(packages: list[str]) -> None:
    """Install Debian packages, or say exactly what to install when we cannot."""
    if not packages:
        return
    if shutil.which("apt-get") is None:
        sys.exit(f"[tasks] please install: {' '.join(packages)}")
    prefix: list[str] = []
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        if (
            shutil.which("sudo") is None
            or subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode
        ):
            sys.exit(f"[tasks] please run: sudo apt-get install {' '.join(packages)}")
        prefix = ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(*prefix, "apt-get", "update", "-qq", env=env)
    run(*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages, env=env)


def have_tool(tool: str) -> bool:
    if shutil.which(tool) is not None:
        return True
    return any(Path(folder, tool).is_file() for folder in glob.glob(POSTGRES_BIN_GLOB))


def ensure_system_tools(tools: dict[str, str]) -> None:
    if not sys.platform.startswith("linux"):
        return
    missing = sorted({package for tool, package in tools.items() if not have_tool(tool)})
    apt_install(missing)


def ensure_venv(extras: str) -> None:
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"[tasks] desktop-auth needs Python {'.'.join(map(str, MIN_PYTHON))} or newer")
    if not venv_bin("python").exists():
        say(f"creating {VENV}")
        created = subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=False)
        if created.returncode != 0:
            # Debian ships venv's pip bootstrap separately.
            shutil.rmtree(VENV, ignore_errors=True)
            version = f"{sys.version_info.major}.{sys.version_info.minor}"
            apt_install([f"python{version}-venv"])
            run(sys.executable, "-m", "venv", VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    python = venv_bin("python")
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(python, "-m", "pip", "install", "--quiet", "--editable", target)
    STAMP.write_text(wanted)


def ensure_window_libraries() -> None:
    """The system libraries Qt needs for a window (desktop_auth/system_libraries.py keeps
    the one list; it asks the dynamic linker what Qt's plugin still lacks)."""
    if not sys.platform.startswith("linux"):
        return
    listed = subprocess.run(
        [str(venv_bin("python")), "-m", "desktop_auth.system_libraries"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    apt_install(listed.stdout.split())


def command_run(arguments: list[str]) -> int:
    ensure_venv("postgresql")
    ensure_window_libraries()
    return subprocess.run([str(venv_bin("desktop-auth")), *arguments], cwd=ROOT).returncode


def command_test(arguments: list[str]) -> int:
    ensure_system_tools(TEST_SYSTEM_TOOLS)
    ensure_debian_python_venv()  # the Debian package test builds with it
    ensure_venv("postgresql,test,dev")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    checks = [
        [venv_bin("ruff"), "check", "."],
        [venv_bin("ruff"), "format", "--check", "."],
        [venv_bin("mypy")],
        [venv_bin("lint-imports")],
        [venv_bin("python"), "-m", "pytest", *parallel(arguments), *arguments],
    ]
    for check in checks:
        try:
            run(*check, env=env)
        except subprocess.CalledProcessError as failed:
            say(f"failed: {' '.join(str(p) for p in check)}")
            return failed.returncode or 1
    return 0


def parallel(arguments: list[str]) -> list[str]:
    """One pytest worker per core (pytest-xdist), unless the command line chose itself.

    Much of the suite waits on subprocesses, servers and argon2 in one core; one worker per
    core halves CI's time. Tests never share a store, a server or a folder (each worker
    starts its own PostgreSQL), so they may run side by side.
    """
    chosen = any(
        argument.startswith(("-n", "--numprocesses", "--dist")) or argument == "no:xdist"
        for argument in arguments
    )
    return [] if chosen else ["--numprocesses", "auto", "--dist", "worksteal"]


def ensure_debian_python_venv() -> None:
    """packaging/deb.py makes the package's environment with Debian's own python3."""
    system_python = Path("/usr/bin/python3")
    if not sys.platform.startswith("linux") or not system_python.exists():
        return
    probe = subprocess.run([str(system_python), "-c", "import ensurepip"], capture_output=True)
    if probe.returncode != 0:
        version = subprocess.run(
            [str(system_python), "-c", "import sys; print(*sys.version_info[:2], sep='.')"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        apt_install([f"python{version}-venv"])


def command_deb(arguments: list[str]) -> int:
    """Build dist/desktop-auth_<version>_<arch>.deb (packaging/deb.py)."""
    ensure_venv("postgresql,test,dev")
    ensure_debian_python_venv()
    out = arguments[0] if arguments else str(ROOT / "dist")
    return subprocess.run(
        [str(venv_bin("python")), str(ROOT / "packaging" / "deb.py"), out]
    ).returncode


def command_translations(arguments: list[str]) -> int:
    """Refresh the .ts sources from the GUI code, then build the .qm files the app ships."""
    ensure_venv("test,dev")
    sources = sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "desktop_auth" / "gui").rglob("*.py")
    )
    for ts in sorted((ROOT / "resources" / "translations").glob("desktop_auth_*.ts")):
        language = ts.stem.rsplit("_", 1)[1]
        if "--check" not in arguments:
            run(
                venv_bin("pyside6-lupdate"),
                *sources,
                "-source-language",
                "en",
                "-target-language",
                language,
                "-no-obsolete",
                "-locations",
                "none",
                # English is the source language: its file holds only the plural forms
                # ("1 code", "2 codes"), which the source text cannot give.
                *(["-pluralonly"] if language == "en" else []),
                "-ts",
                ts,
            )
        run(venv_bin("pyside6-lrelease"), "-silent", ts, "-qm", ts.with_suffix(".qm"))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("task", choices=["run", "test", "system-deps", "translations", "deb"])
    parser.add_argument(
        "arguments",
        nargs=argparse.REMAINDER,
        help="passed on to desktop-auth (run) or pytest (test)",
    )
    args = parser.parse_args()
    if args.task == "system-deps":
        ensure_system_tools(TEST_SYSTEM_TOOLS)
        ensure_debian_python_venv()
        return 0
    if args.task == "translations":
        return command_translations(args.arguments)
    if args.task == "deb":
        return command_deb(args.arguments)
    if args.task == "run":
        return command_run(args.arguments)
    return command_test(args.arguments)


if __name__ == "__main__":
    sys.exit(main())
