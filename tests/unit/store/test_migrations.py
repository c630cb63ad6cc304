"""Migrations and models agree; the SQLite store is set up as DESIGN.md says."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from desktop_auth.store.db import Store
from desktop_auth.store.models import Base, is_modelled
from tests.conftest import ENGINES


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_empty_database_migrates_to_head_and_matches_the_models(database_url: str) -> None:
    """The same migrations give the same schema on SQLite and PostgreSQL."""
    store = Store.open(database_url)
    assert store.current_revision() is None
    store.upgrade()
    assert store.current_revision() == store.head_revision()
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": is_modelled})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    store.upgrade()  # idempotent
    store.dispose()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_sqlite_store_uses_wal_and_foreign_keys(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30_000


def test_sqlite_folder_is_created(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path)) / "nieuw" / "map"
    store = Store.open(f"sqlite:///{folder / 'store.sqlite3'}")
    store.upgrade()
    assert (folder / "store.sqlite3").is_file()
    store.dispose()


def test_the_fast_path_head_is_alembics_head(store: Store) -> None:
    """A store at HEAD_REVISION opens without Alembic: that constant must be the real head."""
    from desktop_auth.store.db import HEAD_REVISION

    assert store.head_revision() == HEAD_REVISION
    assert store.current_revision() == HEAD_REVISION
