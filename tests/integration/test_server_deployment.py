"""The sign-in server as IT deploys it (packaging/server, issue 15): the systemd units are
valid and hardened, their command lines are ones the program accepts, the nginx site
passes ``nginx -t``, the compose file names its services, and one call goes through
nginx's TLS to a running server, which sees the caller's own address.

The tools come from Debian (``systemd``, ``nginx``; ``python3 tasks.py system-deps``); a
missing one fails these tests, never skips them.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
import yaml

from desktop_auth.cli import admin, server
from desktop_auth.cli.parser import build_parser
from desktop_auth.config import load_config
from desktop_auth.remote.protection import WORKSTATION_HEADER, ServerLimits
from desktop_auth.store.keys import KeyFileDataKeyStore
from desktop_auth.vocabulary import AuditEventType
from tests.postgres_server import PostgresServer
from tests.tls_helpers import self_signed_certificate

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging" / "server"
SERVER_UNIT = PACKAGING / "desktop-auth-server.service"
MIGRATE_UNIT = PACKAGING / "desktop-auth-server-migrate.service"
NGINX_SITE = PACKAGING / "nginx-desktop-auth.conf"
INSTALLED_PROGRAM = "/usr/bin/desktop-auth"
#: Where Debian puts programs meant for root, often off a test runner's PATH.
SBIN_FOLDERS = ("/usr/sbin", "/sbin")


def _tool(name: str) -> str:
    found = shutil.which(name) or next(
        (str(Path(f, name)) for f in SBIN_FOLDERS if Path(f, name).is_file()), None
    )
    assert found, f"{name} is missing: run 'python3 tasks.py system-deps'"
    return found


def _unit_settings(path: Path) -> dict[str, list[str]]:
    """Every ``Key=value`` of a unit file, in order, continuation lines joined."""
    settings: dict[str, list[str]] = {}
    logical = re.sub(r"\\\n\s*", " ", path.read_text(encoding="utf-8"))
    for line in logical.splitlines():
        if line.startswith(("#", ";", "[")) or "=" not in line:
            continue
        key, _, value = line.partition("=")
        settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def _program_arguments(exec_line: str, environment: dict[str, str]) -> list[str]:
    """An ``ExecStart=`` line's arguments after the program, ``${NAME}`` filled in."""
    words = shlex.split(exec_line)
    program = words[0].lstrip("-@:+!")
    assert program == INSTALLED_PROGRAM, exec_line
    return [re.sub(r"\$\{(\w+)\}", lambda m: environment[m[1]], word) for word in words[1:]]


def _environment_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {name: value for name, value in pairs if not name.startswith("#")}


def _server_arguments() -> list[str]:
    (exec_start,) = _unit_settings(SERVER_UNIT)["ExecStart"]
    return _program_arguments(exec_start, {})


def _unit_copies(folder: Path) -> Path:
    """The units as installed, but starting this tree's program (verify wants it to exist)."""
    program = Path(sys.executable).with_name("desktop-auth")
    assert program.is_file(), program
    folder.mkdir()
    for unit in (SERVER_UNIT, MIGRATE_UNIT):
        text = unit.read_text(encoding="utf-8")
        (folder / unit.name).write_text(text.replace(INSTALLED_PROGRAM, str(program)))
    return folder


def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    units = _unit_copies(tmp_path / "units")
    verified = subprocess.run(
        [_tool("systemd-analyze"), "verify", *(str(u) for u in sorted(units.iterdir()))],
        capture_output=True, text=True, check=False, cwd=units,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    # An unknown or misspelt key is only a warning to systemd: here it is a failure.
    assert verified.stderr.strip() == "", verified.stderr


@pytest.mark.parametrize("unit", [SERVER_UNIT, MIGRATE_UNIT], ids=lambda u: u.name)
def test_the_units_are_hardened(unit: Path, tmp_path: Path) -> None:
    units = _unit_copies(tmp_path / "units")
    rated = subprocess.run(
        [_tool("systemd-analyze"), "security", "--offline=yes", "--threshold=20",
         "--no-pager", str(units / unit.name)],
        capture_output=True, text=True, check=False, cwd=units,
    )  # fmt: skip
    # --threshold=20 is 2.0 of 10, "OK" on systemd's scale; what is left is mostly the
    # network the server needs.
    assert rated.returncode == 0, rated.stdout[-3000:] + rated.stderr
    settings = _unit_settings(unit)
    for key, value in {
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "NoNewPrivileges": "yes",
        "CapabilityBoundingSet": "",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
        "UMask": "0077",
    }.items():
        assert settings.get(key) == [value], key
    assert settings["SystemCallFilter"][0] == "@system-service"
    # The server its own system user; each migration a user of its own (the owner's
    # password never readable by the server's user).
    user = {SERVER_UNIT: ("User", "desktop-auth"), MIGRATE_UNIT: ("DynamicUser", "yes")}[unit]
    assert settings.get(user[0]) == [user[1]]


def test_secrets_reach_the_server_only_as_its_own_credentials() -> None:
    server_unit, migrate_unit = _unit_settings(SERVER_UNIT), _unit_settings(MIGRATE_UNIT)
    assert server_unit["LoadCredential"] == [
        "data-key:/etc/credstore/desktop-auth.data-key",
        "pgpass:/etc/credstore/desktop-auth.pgpass",
    ]
    environment = dict(e.split("=", 1) for e in server_unit["Environment"])
    # Owner-only copies in the unit's own runtime directory (see the unit for why).
    assert server_unit["RuntimeDirectory"] == ["desktop-auth-server"]
    assert server_unit["RuntimeDirectoryMode"] == ["0700"]
    assert server_unit["ExecStartPre"] == [
        "/usr/bin/install -m 0400 %d/data-key %d/pgpass %t/desktop-auth-server/"
    ]
    assert environment["DESKTOP_AUTH_DATA_KEY_FILE"] == "%t/desktop-auth-server/data-key"
    assert environment["PGPASSFILE"] == "%t/desktop-auth-server/pgpass"
    assert not any("PASSWORD" in name for name in environment)
    # The owner's password is the migration unit's credential, never the server's.
    assert migrate_unit["LoadCredential"] == ["pgpass:/etc/credstore/desktop-auth.owner-pgpass"]
    assert "owner" not in " ".join(server_unit["LoadCredential"])
    assert server_unit["Requires"] == ["desktop-auth-server-migrate.service"]
    assert "desktop-auth-server-migrate.service" in " ".join(server_unit["After"])


def test_the_units_command_lines_are_ones_the_program_accepts() -> None:
    parser = build_parser("en")
    served = parser.parse_args(_server_arguments())
    assert served.handler is server.run
    assert served.insecure_loopback and served.listen == "127.0.0.1:8443"
    assert served.trusted_proxy == ["127.0.0.1"]

    environment = _environment_file(PACKAGING / "migrate.env")
    assert "@" in environment["DESKTOP_AUTH_DATABASE_URL"]
    assert ":" not in environment["DESKTOP_AUTH_DATABASE_URL"].split("@")[0].split("//")[1]
    handlers = [
        parser.parse_args(_program_arguments(line, environment))
        for line in _unit_settings(MIGRATE_UNIT)["ExecStart"]
    ]
    assert [h.handler for h in handlers] == [admin.db_upgrade, admin.db_grant]
    assert handlers[1].role == "desktop_auth_server"


def test_the_system_user_and_the_credential_folder_are_made(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    made = subprocess.run(
        [_tool("systemd-sysusers"), f"--root={tmp_path}",
         str(PACKAGING / "sysusers-desktop-auth.conf")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (entry,) = [
        line for line in (tmp_path / "etc" / "passwd").read_text().splitlines()
        if line.startswith("desktop-auth:")
    ]  # fmt: skip
    assert entry.endswith(":/var/lib/desktop-auth:/usr/sbin/nologin")
    created = subprocess.run(
        [_tool("systemd-tmpfiles"), f"--root={tmp_path}", "--create",
         str(PACKAGING / "tmpfiles-desktop-auth.conf")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    credstore = (tmp_path / "etc" / "credstore").stat()
    assert credstore.st_mode & 0o777 == 0o700 and credstore.st_uid == 0


# --- nginx ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the site should say {old!r} once"
    return text.replace(old, new)


def nginx_prefix(folder: Path, *, listen_port: int, server_port: int) -> Path:
    """The site as shipped, in a throw-away nginx prefix: its own ports, a self-signed
    certificate, logs and temporary files in ``folder``; returns the main config file."""
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = self_signed_certificate(folder, "tls")
    site = NGINX_SITE.read_text(encoding="utf-8")
    site = _replace_once(site, "listen 443 ssl;", f"listen 127.0.0.1:{listen_port} ssl;")
    site = _replace_once(site, "listen [::]:443 ssl;", "")  # this runner may lack IPv6
    site = _replace_once(site, "server 127.0.0.1:8443;", f"server 127.0.0.1:{server_port};")
    site = _replace_once(site, "/etc/nginx/tls/desktop-auth.pem", str(certificate))
    site = _replace_once(site, "/etc/nginx/tls/desktop-auth.key", str(key))
    (folder / "site.conf").write_text(site)
    # As root, nginx's workers would run as nobody, who cannot enter pytest's folders.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temporary = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        f"{user}\ndaemon off;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        "worker_processes 1;\nevents { worker_connections 64; }\n"
        f"http {{\n    access_log {folder / 'access.log'};\n{temporary}\n"
        f"    include {folder / 'site.conf'};\n}}\n"
    )
    return main


def _nginx(main: Path, *options: str) -> list[str]:
    return [_tool("nginx"), "-p", str(main.parent), "-c", str(main),
            "-e", str(main.parent / "error.log"), *options]  # fmt: skip


def test_the_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    main = nginx_prefix(tmp_path / "nginx", listen_port=_free_port(), server_port=_free_port())
    checked = subprocess.run(_nginx(main, "-t"), capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    assert "[warn]" not in checked.stderr, checked.stderr


def test_the_nginx_site_matches_the_servers_limits_and_address() -> None:
    site = NGINX_SITE.read_text(encoding="utf-8")
    limits = ServerLimits()
    assert limits.max_body_bytes == 64 * 1024
    assert re.search(r"^\s*client_max_body_size 64k;", site, re.MULTILINE)
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", site)[1])  # type: ignore[index]
    # Longer than the server's own limit, so that the server's 503 reaches the caller.
    assert limits.request_seconds < read_timeout <= limits.request_seconds + 10
    assert re.search(r"ssl_protocols TLSv1\.2 TLSv1\.3;", site)
    assert "Strict-Transport-Security" in site
    # What --trusted-proxy believes (uvicorn's proxy headers), set from nginx's own view.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert "proxy_set_header X-Forwarded-Proto https;" in site
    served = build_parser("en").parse_args(_server_arguments())
    assert f"server {served.listen};" in site


# --- the container image and compose -------------------------------------------------------


def _containerfile_instruction(name: str) -> str:
    """The last ``name`` instruction of the runtime stage, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (PACKAGING / "Containerfile").read_text(encoding="utf-8"))
    found = [line[len(name) + 1 :] for line in text.splitlines() if line.startswith(f"{name} ")]
    assert found, name
    return found[-1]


def test_the_image_runs_the_server_as_its_own_user_and_checks_its_health() -> None:
    assert _containerfile_instruction("FROM").startswith("docker.io/library/python:3.11-slim")
    assert _containerfile_instruction("USER") == "desktop-auth"
    assert "--uid 10001" in _containerfile_instruction("RUN useradd")
    assert json.loads(_containerfile_instruction("ENTRYPOINT")) == ["desktop-auth"]
    command = json.loads(_containerfile_instruction("CMD"))
    served = build_parser("en").parse_args(command)
    assert served.handler is server.run
    assert served.trusted_proxy == ["127.0.0.1"]
    # The health check asks a GET route the server has, on the address it listens on.
    health = re.search(r"'http://([\d.:]+)(/[^']+)'", _containerfile_instruction("HEALTHCHECK"))
    assert health is not None
    assert health[1] == served.listen
    document = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert "get" in document["paths"][health[2]]
    # The same secrets' places as compose mounts them (as /run/secrets/<name>).
    environment = _containerfile_instruction("ENV")
    assert "DESKTOP_AUTH_DATA_KEY_FILE=/run/secrets/data-key" in environment
    assert "PGPASSFILE=/run/secrets/pgpass" in environment


def test_compose_names_its_services_and_their_secrets() -> None:
    compose = yaml.safe_load((PACKAGING / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", "server", "nginx"}
    assert services["nginx"]["network_mode"] == "service:server"
    assert (
        "./nginx-desktop-auth.conf:/etc/nginx/conf.d/default.conf:ro"
        in (services["nginx"]["volumes"])
    )
    assert set(services["server"]["secrets"]) == {"data-key", "pgpass"}
    assert set(services["migrate"]["secrets"]) == {"owner-pgpass"}
    migrate = build_parser("en").parse_args(services["migrate"]["command"])
    assert migrate.handler is admin.db_grant
    for name in ("migrate", "server"):
        url = services[name]["environment"]["DESKTOP_AUTH_DATABASE_URL"]
        assert ":" not in url.split("//")[1].split("@")[0], "no password in a URL"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert (
        services["server"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    )
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./") and not source.startswith("./tls"):
                assert (PACKAGING / source).exists(), source
    # Every secret is a file make-secrets.sh makes, and none is an environment variable.
    made = {"data-key", "pgpass", "owner-pgpass", "postgres-password", "owner-password",
            "server-password"}  # fmt: skip
    assert {s: v["file"] for s, v in compose["secrets"].items()} == {
        name: f"./secrets/{name}" for name in made
    }
    for service in services.values():
        for name in service.get("environment", {}):
            assert "PASSWORD" not in name or name.endswith("_FILE"), name


def test_make_secrets_makes_owner_only_files_the_program_and_libpq_accept(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "secrets"
    made = subprocess.run(
        ["sh", str(PACKAGING / "make-secrets.sh"), str(folder), "db.example.nl", "5433"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert made.stdout == "" and made.stderr == ""  # nothing secret is printed
    assert folder.stat().st_mode & 0o777 == 0o700
    for path in folder.iterdir():
        assert path.stat().st_mode & 0o777 == 0o400, path
    key = KeyFileDataKeyStore(folder / "data-key").load("any store")
    assert key is not None and len(key) == 32
    for role, pgpass, password in (
        ("desktop_auth_server", "pgpass", "server-password"),
        ("desktop_auth_owner", "owner-pgpass", "owner-password"),
    ):
        line = (folder / pgpass).read_text().strip()
        host, port, database, user, secret = line.split(":")
        assert (host, port, database, user) == ("db.example.nl", "5433", "desktop_auth", role)
        assert re.fullmatch(r"[A-Za-z0-9]{40}", secret)
        assert secret == (folder / password).read_text().strip()
    assert (folder / "server-password").read_text() != (folder / "owner-password").read_text()
    # A second run never replaces a secret.
    again = subprocess.run(
        ["sh", str(PACKAGING / "make-secrets.sh"), str(folder)], capture_output=True, check=False
    )
    assert again.returncode != 0


def test_the_example_config_is_one_the_program_reads() -> None:
    config = load_config(config_path=PACKAGING / "config.toml", environ={})
    assert config.database_url.startswith("postgresql+psycopg://desktop_auth_server@")
    assert config.server_url is None and config.data_key_file is None


# --- the whole deployment, for real ---------------------------------------------------------

ADMIN_PASSWORD = "koffie tafel regen zomer fiets"
#: A second loopback address for the workstation: nginx and the server both see
#: 127.0.0.1 from each other, so only this shows whose address reached the audit log.
WORKSTATION_ADDRESS = "127.0.0.2"


def _as_systemd_starts(unit: Path, secrets: Path, folder: Path, **overrides: str) -> dict[str, str]:
    """What systemd does before ``ExecStart=``, in ``folder``: the unit's credentials
    under their ids, from make-secrets.sh's files installed as the README says
    (``desktop-auth.<name>``), mode 0440 as newer systemd's ACL shows them; its runtime
    directory; its ``ExecStartPre=``.  Returns its environment, ``%d`` and ``%t`` filled in."""
    settings = _unit_settings(unit)
    credentials, runtime = folder / "credentials", folder / "run"
    credentials.mkdir(parents=True, mode=0o700)
    for credential in settings["LoadCredential"]:
        name, _, source = credential.partition(":")
        installed = Path(source).name.removeprefix("desktop-auth.")
        shutil.copyfile(secrets / installed, credentials / name)
        (credentials / name).chmod(0o440)
    for directory in settings["RuntimeDirectory"]:
        (runtime / directory).mkdir(parents=True, mode=0o700)

    def filled(text: str) -> str:
        return text.replace("%d", str(credentials)).replace("%t", str(runtime))

    for line in settings.get("ExecStartPre", []):
        done = subprocess.run(
            [filled(word) for word in shlex.split(line)], capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    environment = dict(e.split("=", 1) for e in settings.get("Environment", []))
    return {**os.environ, **{k: filled(v) for k, v in environment.items()}, **overrides}


def _run_unit_command(exec_line: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """An ``ExecStart=`` line, with this tree's program for the installed one."""
    program = Path(sys.executable).with_name("desktop-auth")
    return subprocess.run(
        [str(program), *_program_arguments(exec_line, env)], env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip


def _wait_for(check: Callable[[], bool], what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what} ended early"
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not start within 60 s")


def _answers(url: str, **options: object) -> bool:
    try:
        httpx.get(url, timeout=1, **options)  # type: ignore[arg-type]
    except httpx.TransportError:
        return False
    return True


@pytest.fixture
def stopped_at_end() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in reversed(started):
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_call_through_nginx_reaches_the_server_with_the_workstations_address(
    postgres_server: PostgresServer,
    tmp_path: Path,
    stopped_at_end: list[subprocess.Popen[bytes]],
) -> None:
    """The README's steps on this machine's test PostgreSQL: secrets, roles, migrations as
    the owner, ``server init``, the unit's own command line, nginx's site in front."""
    port = postgres_server.port
    secrets = tmp_path / "secrets"
    made = subprocess.run(
        ["sh", str(PACKAGING / "make-secrets.sh"), str(secrets), "127.0.0.1", str(port)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    psql = postgres_server.bin / "psql"
    roles = subprocess.run(
        ["sh", str(PACKAGING / "compose-initdb.sh")],
        env={**os.environ, "PATH": f"{psql.parent}:{os.environ['PATH']}", "SECRETS": str(secrets),
             "POSTGRES_USER": "postgres", "PGHOST": "127.0.0.1", "PGPORT": str(port),
             "PGPASSWORD": postgres_server.superuser_password},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert roles.returncode == 0, roles.stderr

    # The server's config.toml: the server's role, and a quick password hash for the test.
    config = tmp_path / "config.toml"
    config.write_text(
        f'database_url = "postgresql+psycopg://desktop_auth_server@127.0.0.1:{port}/desktop_auth"\n'
        "[argon2]\nmemory_kib = 19456\ntime_cost = 2\nparallelism = 1\n"
    )
    home = {"DESKTOP_AUTH_CONFIG": str(config), "HOME": str(tmp_path)}

    migrate_env = _environment_file(PACKAGING / "migrate.env")
    owner_url = re.sub(r"@[^/]+/", f"@127.0.0.1:{port}/", migrate_env["DESKTOP_AUTH_DATABASE_URL"])
    owner_url = owner_url.split("?")[0]  # the test server has no TLS
    migrate = _as_systemd_starts(
        MIGRATE_UNIT, secrets, tmp_path / "migrate-unit", **home,
        DESKTOP_AUTH_DATABASE_URL=owner_url,
        DESKTOP_AUTH_SERVER_ROLE=migrate_env["DESKTOP_AUTH_SERVER_ROLE"],
    )  # fmt: skip
    for line in _unit_settings(MIGRATE_UNIT)["ExecStart"]:
        done = _run_unit_command(line, migrate)
        assert done.returncode == 0, done.stderr

    serve = _as_systemd_starts(SERVER_UNIT, secrets, tmp_path / "server-unit", **home)
    initialized = subprocess.run(
        [str(Path(sys.executable).with_name("desktop-auth")), "server", "init",
         "--organisation", "Salariszaken", "--rp-id", "salariszaken.nl",
         "--email", "beheer@salariszaken.nl", "--name", "Anna Beheer", "--password-stdin"],
        input=ADMIN_PASSWORD + "\n", env=serve, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert initialized.returncode == 0, initialized.stderr

    server_port, nginx_port = _free_port(), _free_port()
    log = tmp_path / "server.log"
    (exec_start,) = _unit_settings(SERVER_UNIT)["ExecStart"]
    arguments = [
        f"127.0.0.1:{server_port}" if a == "127.0.0.1:8443" else a
        for a in _program_arguments(exec_start, {})
    ]
    program = Path(sys.executable).with_name("desktop-auth")
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        server_process = subprocess.Popen(
            [str(program), *arguments], env=serve, stdout=output, stderr=subprocess.STDOUT
        )
    stopped_at_end.append(server_process)
    _wait_for(
        lambda: _answers(f"http://127.0.0.1:{server_port}/v1/organisation"),
        "the server", stopped_at_end[-1],
    )  # fmt: skip

    main = nginx_prefix(tmp_path / "nginx", listen_port=nginx_port, server_port=server_port)
    stopped_at_end.append(subprocess.Popen(_nginx(main), stderr=subprocess.DEVNULL))
    trust = ssl.create_default_context(cafile=str(main.parent / "tls.pem"))
    _wait_for(
        lambda: _answers(f"https://127.0.0.1:{nginx_port}/v1/organisation", verify=trust),
        "nginx", stopped_at_end[-1],
    )  # fmt: skip

    transport = httpx.HTTPTransport(verify=trust, local_address=WORKSTATION_ADDRESS)
    with httpx.Client(transport=transport, base_url=f"https://127.0.0.1:{nginx_port}") as client:
        answer = client.get("/v1/organisation")
        assert answer.status_code == 200, answer.text
        assert answer.json()["name"] == "Salariszaken"
        assert answer.headers["x-frame-options"] == "DENY"  # the server's own headers
        assert answer.headers.get_list("strict-transport-security") == ["max-age=31536000"]
        assert "server" not in answer.headers or "nginx/" not in answer.headers["server"]

        # A refused call is audited with the workstation's address, not nginx's, and not
        # the one the caller claims for itself.
        refused = client.post(
            "/v1/no_such/operation",
            json={},
            headers={WORKSTATION_HEADER: "WS-NGINX", "X-Forwarded-For": "203.0.113.9"},
        )
        assert refused.status_code == 404, refused.text

        too_large = client.post(
            "/v1/sign_in/with_password", content=b"{" + b" " * (64 * 1024) + b"}",
            headers={"content-type": "application/json"},
        )  # fmt: skip
        assert too_large.status_code == 413  # refused by nginx, before the server

    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname="desktop_auth",
        password=postgres_server.superuser_password,
    ) as conn:  # fmt: skip
        audited = conn.execute(
            "SELECT workstation FROM audit_events WHERE event_type = %s",
            (AuditEventType.REQUEST_REFUSED.value,),
        ).fetchall()
    assert ("WS-NGINX (127.0.0.2)",) in audited, audited
    assert not any("203.0.113.9" in row[0] for row in audited)
    # Nothing secret reached the server's output.
    output = log.read_text(errors="replace")
    for name in ("server-password", "owner-password"):
        assert (secrets / name).read_text().strip() not in output
    assert ADMIN_PASSWORD not in output
