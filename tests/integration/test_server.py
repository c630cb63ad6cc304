"""The sign-in server for real: uvicorn in a subprocess on loopback, on SQLite and on
PostgreSQL, driven through ``RemoteService`` (issue 14)."""

from __future__ import annotations

import io
import json
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pyotp
import pytest

from desktop_auth.config import load_config
from desktop_auth.core.service import (
    Actor,
    AssuranceLevel,
    Session,
    SignInOutcome,
)
from desktop_auth.errors import (
    PermissionDeniedError,
    ServerCertificateError,
    SessionEndedError,
    SignInRequiredError,
)
from desktop_auth.remote.client import RemoteService
from desktop_auth.vocabulary import FactorKind, Role
from tests.conftest import ENGINES
from tests.tls_helpers import self_signed_certificate
from tests.totp_helpers import secret_from_uri

pytestmark = [
    pytest.mark.integration,
    pytest.mark.parametrize("engine", ENGINES, indirect=True),
]

ADMIN_EMAIL = "beheer@salariszaken.nl"
ADMIN_PASSWORD = "koffie tafel regen zomer fiets"
NEW_PASSWORD = "zeven blauwe vogels op het dak"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture
def server_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "server.toml"
    config.write_text("[argon2]\nmemory_kib = 19456\ntime_cost = 2\nparallelism = 1\n")
    return {
        **os.environ,
        "DESKTOP_AUTH_CONFIG": str(config),
        "DESKTOP_AUTH_DATABASE_URL": database_url,
        "DESKTOP_AUTH_DATA_KEY_FILE": str(tmp_path / "data.key"),
    }


@pytest.fixture
def initialized(server_env: dict[str, str]) -> None:
    """``server init``, on the server's host, as IT runs it."""
    done = subprocess.run(
        [sys.executable, "-c", "from desktop_auth.cli import main; raise SystemExit(main())",
         "server", "init", "--organisation", "Salariszaken", "--rp-id", "salariszaken.nl",
         "--email", ADMIN_EMAIL, "--name", "Anna Beheer", "--password-stdin"],
        input=ADMIN_PASSWORD + "\n", env=server_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def _start(env: dict[str, str], log: Path, tls: tuple[Path, Path] | None = None) -> Server:
    port = _free_port()
    security = (
        ["--certificate", str(tls[0]), "--private-key", str(tls[1])]
        if tls
        else ["--insecure-loopback"]
    )
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [sys.executable, "-c", "from desktop_auth.cli import main; raise SystemExit(main())",
             "server", "--listen", f"127.0.0.1:{port}", *security],
            env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    scheme = "https" if tls else "http"
    server = Server(f"{scheme}://127.0.0.1:{port}", process, log)
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=str(tls[0])) if tls else True
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log.read_text(errors="replace"))
        try:
            httpx.get(f"{server.url}/openapi.json", timeout=1, verify=verify)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.stop()
    raise AssertionError("the server did not start within 60 s")


@pytest.fixture
def servers(
    server_env: dict[str, str], initialized: None, tmp_path: Path
) -> Iterator[list[Server]]:
    """Two server processes on one store: as behind a load balancer."""
    started = [_start(server_env, tmp_path / f"server-{n}.log") for n in (1, 2)]
    yield started
    for server in started:
        server.stop()
    for server in started:  # nothing secret ever reaches the server's output
        assert ADMIN_PASSWORD not in server.log.read_text(errors="replace")


Connect = Callable[..., RemoteService]


@pytest.fixture
def connect() -> Iterator[Connect]:
    """Workstations' clients, closed after the test."""
    made: list[RemoteService] = []

    def connect(url: str, **options: object) -> RemoteService:
        made.append(RemoteService(url, **options))  # type: ignore[arg-type]
        return made[-1]

    yield connect
    for client in made:
        client.close()


def _code(secret: str, *, after: str | None = None) -> str:
    """The app's current code; a new step when ``after`` was this step's (replay guard)."""
    totp = pyotp.TOTP(secret)
    code = totp.now()
    while code == after:
        time.sleep(1)
        code = totp.now()
    return code


@dataclass(frozen=True)
class AppSetUp:
    session: Session
    secret: str
    #: The code that proved it: the next sign-in needs the next one (replay guard).
    code: str


def _set_up_app(client: RemoteService, ticket: str) -> AppSetUp:
    enrollment = client.authenticator_apps.begin_setup(ticket, "Telefoon")  # type: ignore[attr-defined]
    secret = secret_from_uri(enrollment.uri)
    code = _code(secret)
    done = client.authenticator_apps.finish_setup(  # type: ignore[attr-defined]
        ticket, enrollment.enrollment_id, code
    )
    assert done.outcome is SignInOutcome.DONE and done.session is not None
    return AppSetUp(done.session, secret, code)


def test_sign_in_setup_recovery_and_helpdesk_through_the_server(
    servers: list[Server], connect: Connect
) -> None:
    client = connect(servers[0].url, workstation="WS-042")
    organisation = client.organisation()
    assert organisation is not None and organisation.name == "Salariszaken"

    # The first administrator sets up an authenticator app at the first sign-in.
    first = client.sign_in.with_password(ADMIN_EMAIL, ADMIN_PASSWORD)  # type: ignore[attr-defined]
    assert first.outcome is SignInOutcome.SETUP_REQUIRED and first.ticket
    admin_session = _set_up_app(client, first.ticket).session
    assert admin_session.assurance is AssuranceLevel.AAL2 and admin_session.role == Role.ADMIN
    helpdesk = Actor.for_session(admin_session)

    issued = client.accounts.create(  # type: ignore[attr-defined]
        actor=helpdesk, email="jan@example.nl", display_name="Jan Jansen"
    )
    assert [u.email for u in client.accounts.page(actor=helpdesk)] == [  # type: ignore[attr-defined]
        ADMIN_EMAIL,
        "jan@example.nl",
    ]

    # Jan: temporary password, his own, an app, recovery codes.
    step = client.sign_in.with_password("jan@example.nl", issued.temporary_password)  # type: ignore[attr-defined]
    assert step.outcome is SignInOutcome.MUST_CHANGE_PASSWORD and step.ticket
    step = client.sign_in.complete_password_change(step.ticket, NEW_PASSWORD)  # type: ignore[attr-defined]
    assert step.outcome is SignInOutcome.SETUP_REQUIRED and step.ticket
    jan = _set_up_app(client, step.ticket).session
    sheet = client.recovery_codes.generate(jan)  # type: ignore[attr-defined]
    assert len(sheet.codes) == 10
    assert client.recovery_codes.status(jan).left == 10  # type: ignore[attr-defined]

    # Jan's phone is lost: a recovery code gets him in, straight to setting up again.
    lost = client.sign_in.with_password("jan@example.nl", NEW_PASSWORD)  # type: ignore[attr-defined]
    assert lost.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED and lost.ticket
    back = client.sign_in.with_second_factor(lost.ticket, FactorKind.RECOVERY, sheet.codes[0])  # type: ignore[attr-defined]
    assert back.outcome is SignInOutcome.SETUP_REQUIRED and back.recovered

    # The helpdesk: a backup code, the audit log; an employee may not read the users.
    backup = client.recovery_codes.issue_backup_code(actor=helpdesk, email="jan@example.nl")  # type: ignore[attr-defined]
    assert backup.code
    events = client.audit.events(actor=helpdesk, subject="jan@example.nl")  # type: ignore[attr-defined]
    assert any(e.workstation.startswith("WS-042 (127.0.0.1)") for e in events)
    with pytest.raises(PermissionDeniedError):
        client.accounts.page(actor=Actor.for_session(jan))  # type: ignore[attr-defined]
    with pytest.raises(SignInRequiredError):
        client.accounts.page()  # type: ignore[attr-defined]


def test_forged_and_ended_sessions_are_refused_by_the_server(
    servers: list[Server], connect: Connect
) -> None:
    client = connect(servers[0].url)
    first = client.sign_in.with_password(ADMIN_EMAIL, ADMIN_PASSWORD)  # type: ignore[attr-defined]
    admin_session = _set_up_app(client, first.ticket).session
    forged = Session(
        token="A" * 43,
        user_id=admin_session.user_id,
        email=ADMIN_EMAIL,
        display_name="Anna Beheer",
        role=Role.ADMIN,
        methods=("password", "totp"),
        assurance=AssuranceLevel.AAL3,
        authenticated_at=admin_session.authenticated_at,
        expires_at=admin_session.expires_at + timedelta(days=1),
    )
    with pytest.raises(SessionEndedError):
        client.accounts.page(actor=Actor.for_session(forged))  # type: ignore[attr-defined]
    # A body that names another user or a level changes nothing: only the token counts.
    answer = httpx.post(
        f"{servers[0].url}/v1/accounts/page",
        json={"actor": {"label": "cli:root", "session": None}},
    )
    assert answer.status_code == 401 and answer.json()["code"] == "sign_in_required"
    client.sign_in.sign_out(admin_session)  # type: ignore[attr-defined]
    with pytest.raises(SessionEndedError):
        client.accounts.page(actor=Actor.for_session(admin_session))  # type: ignore[attr-defined]


def test_a_sign_in_begun_on_one_server_process_is_finished_on_another(
    servers: list[Server], connect: Connect
) -> None:
    one, other = (connect(s.url) for s in servers)
    first = one.sign_in.with_password(ADMIN_EMAIL, ADMIN_PASSWORD)  # type: ignore[attr-defined]
    assert first.ticket
    enrollment = one.authenticator_apps.begin_setup(first.ticket, "Telefoon")  # type: ignore[attr-defined]
    code = _code(secret_from_uri(enrollment.uri))
    done = other.authenticator_apps.finish_setup(first.ticket, enrollment.enrollment_id, code)  # type: ignore[attr-defined]
    assert done.outcome is SignInOutcome.DONE and done.session is not None
    assert one.my_account.methods(done.session)  # type: ignore[attr-defined]


def test_the_served_openapi_document_is_the_one_in_the_repository(servers: list[Server]) -> None:
    served = httpx.get(f"{servers[0].url}/openapi.json").json()
    kept = json.loads(Path("docs/openapi.json").read_text(encoding="utf-8"))
    assert served == kept


def test_admin_commands_without_a_signed_in_administrator_are_refused(
    servers: list[Server], tmp_path: Path
) -> None:
    """A workstation: a server URL and nothing else — no database URL, no data key."""
    config = tmp_path / "workstation.toml"
    config.write_text(f'server_url = "{servers[0].url}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTOP_AUTH_")}
    env["DESKTOP_AUTH_CONFIG"] = str(config)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    loaded = load_config(config_path=config, environ=env)
    assert loaded.server_url == servers[0].url and loaded.data_key_file is None
    done = subprocess.run(
        [sys.executable, "-c", "from desktop_auth.cli import main; raise SystemExit(main())",
         "admin", "user", "list"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "Sign in first: desktop-auth admin login." in done.stderr
    assert "beheer@" not in done.stdout


def test_tls_a_trusted_certificate_works_and_any_other_is_refused(
    server_env: dict[str, str], initialized: None, tmp_path: Path, connect: Connect
) -> None:
    certificate, key = self_signed_certificate(tmp_path, "server")
    server = _start(server_env, tmp_path / "tls.log", tls=(certificate, key))
    try:
        with RemoteService(server.url, ca_file=certificate) as trusted:
            organisation = trusted.organisation()
        assert organisation is not None and organisation.name == "Salariszaken"
        # Not trusted by the system, nor by a CA file of another certificate: nothing sent.
        with pytest.raises(ServerCertificateError):
            connect(server.url).sign_in.with_password(ADMIN_EMAIL, ADMIN_PASSWORD)
        other, _ = self_signed_certificate(tmp_path, "other")
        with pytest.raises(ServerCertificateError):
            connect(server.url, ca_file=other).sign_in.with_password(ADMIN_EMAIL, ADMIN_PASSWORD)
    finally:
        server.stop()
    assert ADMIN_PASSWORD not in server.log.read_text(errors="replace")


def test_the_admin_cli_signs_in_at_the_server_and_keeps_only_a_session(
    servers: list[Server],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``admin login`` (password, then the app's code), then the helpdesk's commands act as
    that administrator; the workstation's keyring holds the session token and nothing else."""
    import keyring

    from desktop_auth.cli import main
    from tests.helpers import MemoryKeyring

    with RemoteService(servers[0].url) as setup:  # the administrator's first sign-in
        first = setup.sign_in.with_password(ADMIN_EMAIL, ADMIN_PASSWORD)  # type: ignore[attr-defined]
        admin_app = _set_up_app(setup, first.ticket)
    workstation = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: workstation)
    monkeypatch.setattr(keyring, "get_password", workstation.get_password)
    monkeypatch.setattr(keyring, "set_password", workstation.set_password)
    monkeypatch.setattr(keyring, "delete_password", workstation.delete_password)
    config = tmp_path / "workstation.toml"
    config.write_text(f'server_url = "{servers[0].url}"\n')
    for name in ("DESKTOP_AUTH_DATABASE_URL", "DESKTOP_AUTH_DATA_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DESKTOP_AUTH_CONFIG", str(config))
    monkeypatch.setenv("LANG", "en_GB.UTF-8")

    def cli(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    code, _, err = cli("admin", "user", "list")
    assert code != 0 and "Sign in first" in err
    # The workstation's doctor checks the server, not a store it does not have.
    _, out, _ = cli("admin", "doctor")
    assert f"[ok] Sign-in server: {servers[0].url} answers for Salariszaken" in out
    assert "Database" not in out and "Data key" not in out
    code, _, err = cli("admin", "db", "upgrade")
    assert code != 0 and "on the sign-in server's own host" in err
    code, out, err = cli(
        "admin", "login", "--email", ADMIN_EMAIL, "--password-stdin",
        stdin=f"{ADMIN_PASSWORD}\n{_code(admin_app.secret, after=admin_app.code)}\n",
    )  # fmt: skip
    assert code == 0, err
    assert f"Signed in as {ADMIN_EMAIL}" in out
    code, out, err = cli("admin", "user", "add", "jan@example.nl", "--name", "Jan Jansen")
    assert code == 0, err
    code, out, err = cli("admin", "user", "list")
    assert code == 0, err
    assert "jan@example.nl" in out and ADMIN_EMAIL in out
    # What the workstation keeps: one session token, no database URL, no data key.
    assert list(workstation.entries) == [("desktop-auth-admin-session", servers[0].url)]
    assert ADMIN_PASSWORD not in out + err
    # A kept session that ended at the server (elsewhere, or by expiry) is forgotten.
    [token] = workstation.entries.values()
    with RemoteService(servers[1].url) as elsewhere:
        elsewhere.sign_in.sign_out(elsewhere.sign_in.resume(token))  # type: ignore[attr-defined]
    code, _, err = cli("admin", "user", "list")
    assert code != 0 and "Sign in first" in err
    assert workstation.entries == {}
    code, out, err = cli("admin", "logout")
    assert code == 0 and "Signed out" in out
