"""Connecting to PostgreSQL as a workstation does: password from the keyring, TLS options
passed through, a calm error when the server says no (SECURITY.md C4)."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_auth.config import load_config
from desktop_auth.core.service import AuthService
from desktop_auth.errors import ConfigError, StoreUnavailableError
from desktop_auth.store.credentials import database_keyring_name
from desktop_auth.store.db import Store
from tests.helpers import MemoryKeyring
from tests.postgres_server import APP_USER, PostgresServer


def keyring_with_password(server: PostgresServer, database: str) -> MemoryKeyring:
    backend = MemoryKeyring()
    name = database_keyring_name(server.url(database, with_password=False))
    assert name == f"database/{APP_USER}@127.0.0.1/{database}"
    backend.set_password("desktop-auth", name, server.app_password)
    return backend


def test_c4_the_database_password_comes_from_the_keyring(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    database = postgres_server.new_database()
    url = postgres_server.url(database, with_password=False)
    config_file = tmp_path / "config.toml"
    config_file.write_text(f'database_url = "{url}"\ndata_key_file = "{tmp_path / "k"}"\n')
    config = load_config(config_path=config_file, environ={})
    assert postgres_server.app_password not in config.database_url

    service = AuthService.open(
        config, keyring_backend=keyring_with_password(postgres_server, database)
    )
    assert service.organisation() is None  # connected, migrated, read
    service.close()

    with pytest.raises(StoreUnavailableError):  # no keyring entry: the server says no
        AuthService.open(config, keyring_backend=MemoryKeyring())


def test_c4_a_password_in_the_config_file_is_refused(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text(f'database_url = "{postgres_server.url("x")}"\n')
    config = load_config(config_path=config_file, environ={})
    with pytest.raises(ConfigError) as refused:  # before any connection is made
        AuthService.open(config, keyring_backend=MemoryKeyring())
    assert refused.value.code == "config_password_in_file"
    assert postgres_server.app_password not in str(refused.value)


def test_tls_options_in_the_url_reach_the_driver(postgres_server: PostgresServer) -> None:
    """The test server speaks no TLS: ``sslmode=require`` must fail, ``disable`` connect."""
    database = postgres_server.new_database()
    backend = keyring_with_password(postgres_server, database)
    plain_url = postgres_server.url(database, with_password=False)
    store = Store.open(plain_url + "?sslmode=disable", keyring_backend=backend)
    with store.transaction() as db:
        assert db.execute(text("SELECT 1")).scalar_one() == 1
    store.dispose()
    demanding = Store.open(plain_url + "?sslmode=require", keyring_backend=backend)
    with pytest.raises(StoreUnavailableError), demanding.transaction() as db:
        db.execute(text("SELECT 1"))
    demanding.dispose()


def test_a_plain_postgresql_url_uses_psycopg(postgres_server: PostgresServer) -> None:
    url = postgres_server.url(postgres_server.new_database()).replace("+psycopg", "")
    store = Store.open(url)
    assert store.engine.dialect.driver == "psycopg"
    store.upgrade()
    assert store.current_revision() == store.head_revision()
    store.dispose()


def test_c2_the_database_password_appears_in_no_log_and_no_error(
    postgres_server: PostgresServer, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    database = postgres_server.new_database()
    url = postgres_server.url(database, with_password=False)
    config = load_config(environ={"DESKTOP_AUTH_DATABASE_URL": url}, config_path=None)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)
    logging.getLogger("sqlalchemy.pool").setLevel(logging.DEBUG)
    try:
        service = AuthService.open(
            config, keyring_backend=keyring_with_password(postgres_server, database)
        )
        assert repr(service) and postgres_server.app_password not in repr(
            service._context.store.engine
        )
        assert service.organisation() is None
        service.close()

        planted = "Planted-Wrong-Db-Password-Zeehond"
        wrong = MemoryKeyring()
        wrong.set_password("desktop-auth", str(database_keyring_name(url)), planted)
        with pytest.raises(StoreUnavailableError) as refused:
            AuthService.open(config, keyring_backend=wrong)
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
        logging.getLogger("sqlalchemy.pool").setLevel(logging.WARNING)
    error_text = "".join(traceback.format_exception(refused.value))
    assert "password authentication failed" in error_text  # the cause is kept, for admins
    for secret in (postgres_server.app_password, planted):
        assert secret not in caplog.text
        assert secret not in error_text
