"""Migration 0006's user search index: filled from the users already there, and a search
that still answers when a later migration would have lost the index's triggers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import insert, select, text

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.store.db import Store
from desktop_auth.store.models import User
from desktop_auth.store.user_search import user_matches
from tests.conftest import ENGINES


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_users_from_before_0006_get_their_name_key_and_are_found(database_url: str) -> None:
    store = Store.open(database_url)
    config = store._alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        now = datetime(2026, 11, 1, tzinfo=UTC)
        connection.execute(
            text(
                "INSERT INTO users (email, email_key, display_name, role, disabled, "
                "password_hash, password_changed_at, must_change_password, failed_attempts, "
                "created_at) VALUES ('J.Strauss@x.nl', 'j.strauss@x.nl', 'Jürgen Strauß', "
                "'employee', :no, 'x', :now, :no, 0, :now)"
            ),
            {"now": now, "no": False},
        )
    store.upgrade()
    with store.transaction() as db:
        assert db.execute(select(User.name_key)).scalar_one() == "jürgen strauss"
        found = db.execute(select(User.email).where(user_matches(db, "STRAUSS"))).scalars()
        assert list(found) == ["J.Strauss@x.nl"]
    store.dispose()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_without_its_triggers_the_index_is_not_trusted(
    store: Store, service: AuthService, admin: Actor
) -> None:
    """A table rebuilt by a later migration loses the triggers: the search then scans."""
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER user_search_insert")
        connection.execute(
            insert(User),
            [
                {
                    "email": "nieuw@example.nl",
                    "email_key": "nieuw@example.nl",
                    "display_name": "Nieuwe Collega",
                    "name_key": "nieuwe collega",
                    "password_hash": "x",
                    "password_changed_at": datetime.now(UTC),
                    "created_at": datetime.now(UTC),
                }
            ],
        )
    with store.transaction() as db:
        assert "MATCH" not in str(user_matches(db, "collega"))
    assert [u.email for u in service.accounts.page(search="collega")] == ["nieuw@example.nl"]
