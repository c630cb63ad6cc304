"""Engine, sessions and migrations for any SQLAlchemy URL (SQLite by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig
    from keyring.backend import KeyringBackend

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm import Session, sessionmaker

from desktop_auth.errors import (
    ConfigPasswordInFileError,
    DatabaseDriverMissingError,
    DatabaseUrlInvalidError,
    DatabaseUrlOptionError,
    StoreFileError,
    StoreNotFoundError,
    StoreUnavailableError,
    StoreUpgradeNotAllowedError,
)
from desktop_auth.store.credentials import with_keyring_password

MIGRATIONS_LOCATION = str(Path(__file__).resolve().parent / "migrations")
#: The newest migration's revision.  A store already there opens without loading Alembic
#: (about 100 ms of the window's start); a test keeps this equal to Alembic's own head.
HEAD_REVISION = "0016"

#: How long a SQLite writer waits for another workstation process's write to finish.
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: How long a workstation waits for a PostgreSQL server that does not answer, before
#: sign-in fails closed with "cannot reach the sign-in database".
POSTGRES_CONNECT_TIMEOUT_S = 10
#: Query options that carry a secret to the driver: never in a configuration file.
SECRET_QUERY_KEYS = ("password", "sslpassword")
#: A random, constant number for PostgreSQL's advisory lock around migrations.
MIGRATION_LOCK_ID = 0x6465736B61757468  # "deskauth"
#: PostgreSQL's SQLSTATE for "permission denied".
INSUFFICIENT_PRIVILEGE = "42501"


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _private_sqlite_file(path: Path) -> None:
    """The store, its WAL and its shared-memory file readable by their owner only (C7).

    A new folder is made 0700 and a new store 0600 before SQLite opens it (SQLite gives its
    -wal and -shm files the store's own mode); an older store left 0644 is tightened.
    """
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            path.parent.chmod(0o700)
    if os.name != "posix":
        return  # Windows: the profile folder's ACL already keeps other users out
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if file.stat().st_uid == os.getuid() and file.stat().st_mode & 0o077:
                file.chmod(0o600)
        except FileNotFoundError:
            continue


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: two processes that read then
        # write (counters, the audit chain) queue instead of failing with
        # "database is locked" half-way, and read-modify-write stays exact.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _is_plain_text(url: str) -> bool:
    """No NUL (no C library takes it) and no lone surrogate (undecodable bytes)."""
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in url


def _check_postgres_url(engine: Engine) -> None:
    """libpq judges the URL's values only when it first connects (``connect_timeout=:``,
    a quote left open): its refusal then is the URL's fault, said in our words."""
    from psycopg import ProgrammingError as DriverRefusal

    _refuse_unknown_postgres_options(engine.url)

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, args: Any, params: Any) -> Any:
        try:
            return dialect.loaded_dbapi.connect(*args, **params)
        except DriverRefusal:
            raise DatabaseUrlInvalidError() from None


def _refuse_unknown_postgres_options(parsed: URL) -> None:
    """libpq refuses an option it does not know only at the first connection, as a driver
    traceback; the URL's own check names the option instead (never its value)."""
    try:
        from psycopg import ProgrammingError as DriverRefusal
        from psycopg.conninfo import make_conninfo
    except ModuleNotFoundError:
        return  # no driver: create_engine says so in its own words below
    for option in parsed.query:
        try:
            make_conninfo("", **{option: "1"})
        except DriverRefusal:
            raise DatabaseUrlOptionError(option=option) from None


def create_store_engine(url: str | URL, *, create: bool = True) -> Engine:
    """Create an engine for ``url``; a SQLite file's folder is created when missing.

    Other engines get a pool that tests each connection before lending it out
    (pre-ping: a server restarted overnight costs no failed sign-in), and the
    URL's query options (``sslmode``, ``sslrootcert``, …) reach the driver as
    they are.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for option in parsed.query:  # pysqlite would ignore them with a warning alone
            raise DatabaseUrlOptionError(option=option)
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database).expanduser()
            if not create and not path.exists():
                raise StoreNotFoundError(path=str(path))
            try:
                _private_sqlite_file(path)
            except OSError as exc:
                raise StoreFileError(path=str(path)) from exc
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            hide_parameters=True,  # a failed statement's log line holds no hash or key
        )
        _prepare_sqlite(engine)
        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, our driver
        connect_args["application_name"] = "desktop-auth"
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
    try:
        engine = create_engine(
            parsed, pool_pre_ping=True, connect_args=connect_args, hide_parameters=True
        )
    except ModuleNotFoundError as exc:
        raise DatabaseDriverMissingError(driver=parsed.drivername) from exc
    except NoSuchModuleError as exc:  # a database SQLAlchemy has never heard of
        raise DatabaseUrlInvalidError() from exc
    if engine.dialect.name == "postgresql":
        _check_postgres_url(engine)
    return engine


class Store:
    """An engine plus a session factory: what the core needs from persistence."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(
        cls,
        url: str,
        *,
        keyring_backend: KeyringBackend | None = None,
        written_in: Path | None = None,
        create: bool = True,
    ) -> Store:
        """Open ``url``; a server's password comes from the keyring (SECURITY.md C4).

        ``written_in`` is the configuration file the URL was read from: a password in
        it (in the URL's user part or its query) is refused, as SQLAlchemy reads the URL.
        """
        if not _is_plain_text(url):
            raise DatabaseUrlInvalidError()
        try:
            parsed = make_url(url)
        except (ArgumentError, ValueError) as exc:  # config.py checked the form only
            raise DatabaseUrlInvalidError() from exc
        if written_in is not None and (
            parsed.password or any(key.lower() in SECRET_QUERY_KEYS for key in parsed.query)
        ):
            raise ConfigPasswordInFileError(path=str(written_in))
        return cls(
            create_store_engine(with_keyring_password(parsed, keyring_backend), create=create)
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back whole on any error.

        A lost or unreachable database surfaces as ``StoreUnavailableError``
        (fail closed, one calm message), never as a driver traceback.
        """
        try:
            with self._sessions.begin() as session:
                yield session
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailableError() from exc

    def dispose(self) -> None:
        self.engine.dispose()

    # --- migrations --------------------------------------------------------------

    def _alembic_config(self) -> AlembicConfig:
        from alembic.config import Config as AlembicConfig

        config = AlembicConfig()
        config.set_main_option("script_location", MIGRATIONS_LOCATION)
        return config

    def upgrade(self) -> None:
        """Apply every migration not yet applied (idempotent, one transaction)."""
        if self._stored_revision() == HEAD_REVISION:
            return
        from alembic import command

        config = self._alembic_config()
        try:
            with self.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    # Workstations starting together on a new server migrate one by one;
                    # the lock ends with the transaction.
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})")
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailableError() from exc
        except ProgrammingError as exc:
            if getattr(exc.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
                # The server's own role may not change the schema, by design.
                raise StoreUpgradeNotAllowedError() from exc
            raise

    def _stored_revision(self) -> str | None:
        """The revision the store says it is at, read with plain SQL; None for a new store."""
        try:
            with self.engine.connect() as connection:
                if not inspect(connection).has_table("alembic_version"):
                    return None
                rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
                versions = [row[0] for row in rows]
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailableError() from exc
        return versions[0] if len(versions) == 1 else None

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        try:
            with self.engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailableError() from exc

    def head_revision(self) -> str | None:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()
