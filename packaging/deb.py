"""Build a Debian package of desktop-auth for IT to deploy.

    python3 tasks.py deb        # → dist/desktop-auth_<version>_<arch>.deb

What it holds:
- the program in a virtual environment of its own under ``/opt/desktop-auth``, made
  with Debian's ``python3`` (the package depends on that exact Python minor version),
  with the wheel of this project and its dependencies from PyPI;
- ``/usr/bin/desktop-auth``, the desktop entry and the icon where desktops look;
- a manual page made from the command's own argparse parser (argparse-manpage);
- ``Depends`` on the system libraries Qt needs for a window, from the same table the
  program checks at start (``desktop_auth/system_libraries.py``).

Run with the project's virtual environment's Python (``tasks.py deb`` does).  It needs
Debian's ``python3-venv`` and ``dpkg-deb``; it writes nothing outside its own
temporary folder but the package.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop_auth.system_libraries import WINDOW_LIBRARIES  # noqa: E402

PACKAGE = "desktop-auth"
PREFIX = Path("/opt/desktop-auth")
SYSTEM_PYTHON = Path("/usr/bin/python3")


def run(*command: str | Path, **options: object) -> str:
    done = subprocess.run(
        [str(part) for part in command], check=True, capture_output=True, text=True, **options
    )
    return done.stdout


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def build_wheel(folder: Path) -> Path:
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        folder,
        ROOT,
    )
    [wheel] = folder.glob("desktop_auth-*.whl")
    return wheel


def install_environment(stage: Path, wheel: Path) -> Path:
    """A virtual environment at ``stage/opt/desktop-auth`` that works at ``/opt/desktop-auth``."""
    target = stage / PREFIX.relative_to("/")
    run(SYSTEM_PYTHON, "-m", "venv", target)
    run(target / "bin" / "python", "-m", "pip", "install", "--quiet", f"{wheel}[postgresql,server]")
    # A virtual environment names its own folder in its scripts; point them at /opt.
    staged = str(target).encode()
    for path in [*(target / "bin").iterdir(), target / "pyvenv.cfg"]:
        if path.is_file() and not path.is_symlink():
            content = path.read_bytes()
            if staged in content:
                path.write_bytes(content.replace(staged, str(PREFIX).encode()))
    # Bytecode names the staging folder too: postinst compiles it in place instead.
    for cache in target.rglob("__pycache__"):
        shutil.rmtree(cache)
    return target


def manual_page(out: Path, version: str) -> None:
    page = run(
        Path(sys.executable).parent / "argparse-manpage",
        "--module",
        "desktop_auth.cli.parser",
        "--function",
        "manual_page_parser",
        "--prog",
        PACKAGE,
        "--project-name",
        PACKAGE,
        "--version",
        version,
        "--description",
        "workstation sign-in with a password and a second factor",
        "--manual-title",
        "desktop-auth manual",
        cwd=ROOT,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    # mtime 0: the same sources give the same package.
    with gzip.GzipFile(out, "wb", mtime=0) as file:
        file.write(page.encode())


def control(version: str, architecture: str, python_minor: str, size_kib: int) -> str:
    depends = [f"python{python_minor}", *sorted(set(WINDOW_LIBRARIES.values()))]
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {architecture}\n"
        "Maintainer: desktop-auth developers <desktop-auth@localhost>\n"
        f"Installed-Size: {size_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        "Recommends: gnome-keyring\n"
        "Section: admin\n"
        "Priority: optional\n"
        "Description: workstation sign-in with a password and a second factor\n"
        " Employees sign in with their password and a security key, Windows Hello or an\n"
        " authenticator app's code; recovery codes and a helpdesk backup code get them\n"
        " back in. Embedded on one workstation (SQLite) or for an organisation.\n"
    )


MAINTAINER_SCRIPTS = {
    # PySide6 ships Jinja templates named *.tmpl.py, which are not Python to compile.
    "postinst": (
        f"#!/bin/sh\nset -e\n{PREFIX}/bin/python -m compileall -q -x '\\.tmpl\\.py$' {PREFIX}/lib\n"
    ),
    "prerm": f"#!/bin/sh\nset -e\nfind {PREFIX} -name __pycache__ -prune -exec rm -rf {{}} +\n",
}


def build(out_dir: Path) -> Path:
    version = project_version()
    architecture = run("dpkg", "--print-architecture").strip()
    python_minor = run(
        SYSTEM_PYTHON, "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"
    ).strip()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="desktop-auth-deb-") as folder:
        work = Path(folder)
        stage = work / "stage"
        install_environment(stage, build_wheel(work / "wheel"))
        usr = stage / "usr"
        (usr / "bin").mkdir(parents=True)
        os.symlink(PREFIX / "bin" / PACKAGE, usr / "bin" / PACKAGE)
        share = usr / "share"
        for source, target in (
            (ROOT / "resources" / "desktop-auth.desktop", share / "applications"),
            (
                ROOT / "resources" / "icons" / "desktop-auth.svg",
                share / "icons" / "hicolor" / "scalable" / "apps",
            ),
        ):
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target / source.name)
        manual_page(share / "man" / "man1" / f"{PACKAGE}.1.gz", version)
        doc = share / "doc" / PACKAGE
        doc.mkdir(parents=True)
        (doc / "copyright").write_text(
            "desktop-auth\nLicense: Apache-2.0\n"
            " On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0.\n"
        )
        size_kib = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file()) // 1024
        debian = stage / "DEBIAN"
        debian.mkdir()
        (debian / "control").write_text(control(version, architecture, python_minor, size_kib))
        for name, script in MAINTAINER_SCRIPTS.items():
            (debian / name).write_text(script)
            (debian / name).chmod(0o755)
        package = out_dir / f"{PACKAGE}_{version}_{architecture}.deb"
        run("dpkg-deb", "--root-owner-group", "-Zxz", "--build", stage, package)
    return package


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist"))
