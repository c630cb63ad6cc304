"""Configuration: one TOML file, overridden by environment variables and options.

Precedence, strongest first: a command-line option, ``DESKTOP_AUTH_*``
variables, the TOML file (``DESKTOP_AUTH_CONFIG`` or the user config dir),
built-in defaults.  Passwords never live here (SECURITY.md C4): a database URL
with a password in the file is refused.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from desktop_auth.core.escrow_key import escrow_key_halves, is_single_key
from desktop_auth.core.mail_settings import SmtpSettings
from desktop_auth.core.password_cost import Argon2Parameters
from desktop_auth.errors import (
    ConfigEscrowKeyError,
    ConfigOriginsError,
    ConfigSmtpError,
    ConfigSyntaxError,
    ConfigUnknownKeyError,
    ConfigUnreadableError,
    DatabaseUrlInvalidError,
)

APP_NAME = "desktop-auth"
ENV_CONFIG = "DESKTOP_AUTH_CONFIG"
ENV_DATABASE_URL = "DESKTOP_AUTH_DATABASE_URL"
ENV_DATA_KEY_FILE = "DESKTOP_AUTH_DATA_KEY_FILE"
ENV_LANGUAGE = "DESKTOP_AUTH_LANGUAGE"
ENV_SERVER_URL = "DESKTOP_AUTH_SERVER_URL"
_TOP_LEVEL_KEYS = {
    "database_url",
    "data_key_file",
    "language",
    "argon2",
    "smtp",
    "webauthn_origins",
    "server_url",
    "server_ca_file",
    "vault_escrow_key",
}
_SMTP_KEYS = {"host", "port", "security", "sender", "username", "ca_file", "timeout"}
_ARGON2_KEYS = {"time_cost", "memory_kib", "parallelism"}


@dataclass(frozen=True, kw_only=True)
class Config:
    database_url: str
    data_key_file: Path | None = None
    language: str | None = None
    argon2: Argon2Parameters = field(default_factory=Argon2Parameters)
    #: Where security e-mails go out; None: they wait in the queue.
    smtp: SmtpSettings | None = None
    #: WebAuthn origins accepted beside ``https://<rp id>`` (exact matches).
    webauthn_origins: tuple[str, ...] = ()
    #: The TOML file this came from, if any (shown by ``doctor``).
    source: Path | None = None
    #: The file ``database_url`` was read from: ``Store.open`` refuses a password in it.
    database_url_file: Path | None = None
    #: A sign-in server: then this workstation is its client and opens no store itself.
    server_url: str | None = None
    #: The CA certificate(s) the server's TLS certificate must chain to (else the system's).
    server_ca_file: Path | None = None
    #: No database was configured: this user's own embedded store, the one place where
    #: the window may make a new store and set up an organisation (issue 19).
    default_store: bool = False
    #: The organisation's vault escrow key, as IT deployed it here (the line ``admin vault
    #: escrow init`` prints): the only key this workstation seals a vault key to.  The
    #: policy comes from the store or the server; a key put there by whoever controls
    #: those would otherwise receive every vault key (SECURITY.md V2).
    vault_escrow_key: str = ""


def window_check_stamp() -> Path:
    """Where the start remembers that the window's system libraries were all there."""
    return platformdirs.user_cache_path(APP_NAME, appauthor=False) / "window-libraries.ok"


def default_config_path() -> Path:
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


def default_store_file() -> Path:
    """This user's own embedded store, used when nothing names another."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "desktop-auth.sqlite3"


def default_database_url() -> str:
    return f"sqlite:///{default_store_file()}"


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:  # TOML is UTF-8 only
        raise ConfigSyntaxError(path=str(path)) from exc
    except OSError as exc:
        raise ConfigUnreadableError(path=str(path)) from exc


def _check_url(url: str) -> str:
    """The URL's form only.  SQLAlchemy parses it in full, and refuses a password written
    in the file (SECURITY.md C4), when the store opens (``Store.open``): importing it here
    would cost a third of a second before the window paints."""
    scheme = urlsplit(url).scheme
    if not scheme or not url[len(scheme) :].startswith("://"):
        raise DatabaseUrlInvalidError()
    return url


def _argon2_from(table: Any, path: Path) -> Argon2Parameters:
    if not isinstance(table, dict) or set(table) - _ARGON2_KEYS:
        raise ConfigUnknownKeyError(path=str(path), key="argon2")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in table.values()):
        raise ConfigUnknownKeyError(path=str(path), key="argon2")
    parameters = Argon2Parameters(**table)
    parameters.check_minimum()
    return parameters


def _smtp_from(table: Any, path: Path) -> SmtpSettings:
    if not isinstance(table, dict) or set(table) - _SMTP_KEYS:
        raise ConfigUnknownKeyError(path=str(path), key="smtp")
    security = str(table.get("security", "starttls"))
    if security not in ("starttls", "tls") or "password" in table:
        raise ConfigSmtpError(path=str(path))
    try:
        return SmtpSettings(
            host=str(table["host"]),
            port=int(table.get("port", 465 if security == "tls" else 587)),
            security=security,
            sender=str(table["sender"]),
            username=str(table["username"]) if table.get("username") else None,
            ca_file=Path(str(table["ca_file"])).expanduser() if table.get("ca_file") else None,
            timeout=float(table.get("timeout", 15)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigSmtpError(path=str(path)) from exc


def _origins_from(value: Any, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(
        isinstance(o, str) and o.startswith("https://") for o in value
    ):
        raise ConfigOriginsError(path=str(path))
    return tuple(value)


def _escrow_key_from(value: Any, path: Path) -> str:
    """Its form only: the policy's own check (usable X25519 points) applies to the key it
    is compared with, and importing cryptography here would slow every start."""
    if isinstance(value, str) and escrow_key_halves(value) is not None:
        return value
    if isinstance(value, str) and is_single_key(value):
        # The earlier one-key form, left by an upgrade that switched that escrow off: it
        # pins nothing (the vault screen tells the user, who tells IT), rather than
        # keeping the workstation from starting.
        return ""
    raise ConfigEscrowKeyError(path=str(path))


def load_config(
    *,
    config_path: Path | None = None,
    database_url: str | None = None,
    server_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    env = os.environ if environ is None else environ
    explicit_path = config_path or (Path(env[ENV_CONFIG]) if env.get(ENV_CONFIG) else None)
    path = explicit_path or default_config_path()
    data: dict[str, Any] = {}
    source: Path | None = None
    if path.is_file():
        data, source = _read_file(path), path
    elif explicit_path is not None:
        raise ConfigUnreadableError(path=str(path))
    unknown = set(data) - _TOP_LEVEL_KEYS
    if unknown:
        raise ConfigUnknownKeyError(path=str(path), key=sorted(unknown)[0])

    url_file: Path | None = None
    if database_url:
        url = _check_url(database_url)
    elif env.get(ENV_DATABASE_URL):
        url = _check_url(env[ENV_DATABASE_URL])
    elif "database_url" in data:
        url, url_file = _check_url(str(data["database_url"])), source
    else:
        url = default_database_url()
    default_store = url == default_database_url()

    key_file_text = env.get(ENV_DATA_KEY_FILE) or data.get("data_key_file")
    key_file = Path(str(key_file_text)).expanduser() if key_file_text else None
    language = env.get(ENV_LANGUAGE) or data.get("language")
    argon2 = _argon2_from(data["argon2"], path) if "argon2" in data else Argon2Parameters()
    server = server_url or env.get(ENV_SERVER_URL) or data.get("server_url")
    ca_file = data.get("server_ca_file")
    return Config(
        database_url=url,
        data_key_file=key_file,
        language=str(language) if language else None,
        argon2=argon2,
        smtp=_smtp_from(data["smtp"], path) if "smtp" in data else None,
        webauthn_origins=_origins_from(data.get("webauthn_origins", []), path),
        source=source,
        database_url_file=url_file,
        server_url=str(server) if server else None,
        server_ca_file=Path(str(ca_file)).expanduser() if ca_file else None,
        default_store=default_store,
        vault_escrow_key=(
            _escrow_key_from(data["vault_escrow_key"], path) if "vault_escrow_key" in data else ""
        ),
    )
