"""A real PostgreSQL server of the tests' own, in a temporary folder on loopback.

``initdb`` and ``pg_ctl`` come from Debian's ``postgresql`` package
(``/usr/lib/postgresql/<major>/bin``; ``python3 tasks.py test`` installs it) or
from PATH.  PostgreSQL refuses to run as root, so under root (CI) the server
runs as the ``postgres`` user, in a folder it owns.  Clients connect over TCP
on 127.0.0.1 with a password (SCRAM), as workstations would.

A missing PostgreSQL is a failure, never a skip: CI must run these tests.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
from sqlalchemy.engine import URL

SUPERUSER = "postgres"
#: The role the product connects as: an ordinary owner of its database, not a superuser.
APP_USER = "desktop_auth"
START_SECONDS = 60


def postgres_bin() -> Path:
    """The folder with initdb and pg_ctl (the newest major version installed)."""
    folders = sorted(
        (Path(f) for f in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for folder in reversed(folders):
        if (folder / "initdb").is_file():
            return folder
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise RuntimeError(
        "PostgreSQL is not installed: install the Debian package 'postgresql' "
        "(python3 tasks.py test does so when it may use apt-get)"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """initdb + pg_ctl start in a temporary folder; ``stop`` and ``start`` for outage tests."""

    def __init__(self, *, durable: bool = False) -> None:
        #: A test server skips fsync; a benchmark's server keeps PostgreSQL's defaults.
        self.durable = durable
        self.bin = postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="desktop-auth-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.superuser_password = secrets.token_urlsafe(18)
        self.app_password = secrets.token_urlsafe(18)
        self._as_postgres = hasattr(os, "geteuid") and os.geteuid() == 0
        self._databases = 0
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._init()

    # --- running PostgreSQL's programs ---------------------------------------------

    def _argv(self, *command: str) -> list[str]:
        argv = [str(self.bin / command[0]), *command[1:]]
        if self._as_postgres:
            runuser = shutil.which("runuser")
            if runuser:
                argv = [runuser, "-u", SUPERUSER, "--", *argv]
            else:
                argv = ["su", SUPERUSER, "-s", "/bin/sh", "-c", " ".join(argv)]
        return argv

    def _run(self, *command: str, timeout: float = START_SECONDS) -> None:
        argv = self._argv(*command)
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{command[0]} failed: {result.stderr.strip()}\n{log}")

    def _init(self) -> None:
        self.sockets.mkdir()
        password_file = self.root / "superuser-password"
        password_file.write_text(self.superuser_password + "\n")
        if self._as_postgres:
            shutil.chown(self.root, SUPERUSER)
            for path in (self.sockets, password_file):
                shutil.chown(path, SUPERUSER)
        self.root.chmod(0o700)
        self._run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            SUPERUSER,
            "--pwfile",
            str(password_file),
            "--auth-local",
            "scram-sha-256",
            "--auth-host",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--no-instructions",
        )
        password_file.unlink()
        self.start()
        self._start_watchdog()
        with self.admin_connection() as conn:
            conn.execute(f"CREATE ROLE {APP_USER} LOGIN PASSWORD '{self.app_password}' CREATEDB")

    def start(self) -> None:
        settings = [
            "-c listen_addresses=127.0.0.1",
            f"-c port={self.port}",
            f"-c unix_socket_directories={self.sockets}",
            "-c max_connections=300",
        ]
        if not self.durable:
            # A test server: losing it in a power cut loses nothing of value.
            settings += ["-c fsync=off", "-c full_page_writes=off"]
        options = " ".join(settings)
        self._run(
            "pg_ctl",
            "start",
            "--pgdata",
            str(self.data),
            "--log",
            str(self.log),
            "--wait",
            "--timeout",
            str(START_SECONDS),
            "-o",
            options,
        )

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "--pgdata", str(self.data), "--mode", "fast", "--wait")

    def destroy(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop()
        finally:
            if self._watchdog is not None:
                self._watchdog.kill()
                self._watchdog.wait()
            shutil.rmtree(self.root, ignore_errors=True)

    def _start_watchdog(self) -> None:
        """Stop the server and remove its folder if this process dies without ``destroy``
        (killed, or aborted by a crashing library): no orphaned server outlives a run."""
        stop = self._argv("pg_ctl", "stop", "--pgdata", str(self.data), "--mode", "immediate")
        script = (
            "import os, shutil, subprocess, sys, time\n"
            "parent, root, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3:]\n"
            "while os.getppid() == parent:\n"
            "    time.sleep(0.5)\n"
            "subprocess.run(stop, capture_output=True, check=False)\n"
            "shutil.rmtree(root, ignore_errors=True)\n"
        )
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", script, str(os.getpid()), str(self.root), *stop],
            start_new_session=True,  # a Ctrl-C to the test run must not kill it first
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    # --- databases -------------------------------------------------------------------

    def admin_connection(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            password=self.superuser_password,
            dbname="postgres",
            autocommit=True,
        )

    def url(self, database: str, *, with_password: bool = True) -> str:
        """A SQLAlchemy URL for the product's role; the password only when asked for."""
        return URL.create(
            "postgresql+psycopg",
            username=APP_USER,
            password=self.app_password if with_password else None,
            host="127.0.0.1",
            port=self.port,
            database=database,
        ).render_as_string(hide_password=False)

    def server_role(self) -> tuple[str, str]:
        """A new login role with no rights of its own (the sign-in server's, in the
        least-privilege set-up); returns its name and password."""
        self._databases += 1
        name = f"server_{self._databases}_{secrets.token_hex(3)}"
        password = secrets.token_urlsafe(18)
        with self.admin_connection() as conn:
            conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
        return name, password

    def url_as(self, database: str, role: str, password: str) -> str:
        return URL.create(
            "postgresql+psycopg",
            username=role,
            password=password,
            host="127.0.0.1",
            port=self.port,
            database=database,
        ).render_as_string(hide_password=False)

    def new_database(self) -> str:
        """A fresh, empty database owned by the product's role; returns its name."""
        self._databases += 1
        name = f"store_{self._databases}_{secrets.token_hex(3)}"
        with self.admin_connection() as conn:
            conn.execute(f"CREATE DATABASE {name} OWNER {APP_USER} TEMPLATE template0")
        return name
