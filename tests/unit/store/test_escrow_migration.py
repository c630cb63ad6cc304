"""Migration 0015: an escrow of the earlier form (one key, its private half in two share
files opened at one keyboard) is switched off, and the two-key form fits the columns."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import select, text

from desktop_auth.core.escrow_key import escrow_key_of
from desktop_auth.store.db import Store
from desktop_auth.store.models import VaultEscrowRequest, VaultSlot
from desktop_auth.store.settings import POLICY, get_setting
from tests.conftest import ENGINES

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _slot(kind: str, sealed_to: str | None) -> dict[str, object]:
    return {
        "slot_id": os.urandom(8).hex(),
        "kind": kind,
        "sealed_to": sealed_to,
        "wrapped": os.urandom(61),
        "now": NOW,
    }


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_an_escrow_of_one_key_is_switched_off_and_two_keys_fit(database_url: str) -> None:
    store = Store.open(database_url)
    config = store._alembic_config()
    single = base64.b64encode(os.urandom(32)).decode()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0014")
        connection.execute(
            text("INSERT INTO settings (key, value) VALUES ('policy', :value)"),
            {"value": json.dumps({"vault_escrow_key": single, "reminder_text": "Kom op"})},
        )
        connection.execute(
            text(
                "INSERT INTO users (email, email_key, display_name, name_key, role, disabled, "
                "password_hash, password_changed_at, must_change_password, failed_attempts, "
                "created_at) VALUES ('jan@x.nl', 'jan@x.nl', 'Jan', 'jan', 'employee', :no, "
                "'x', :now, :no, 0, :now)"
            ),
            {"now": NOW, "no": False},
        )
        connection.execute(
            text(
                "INSERT INTO vaults (user_id, vault_id, write_check, created_at) "
                "SELECT id, 'v-1', :check, :now FROM users"
            ),
            {"check": os.urandom(32), "now": NOW},
        )
        insert_slot = text(
            "INSERT INTO vault_slots (vault_id, slot_id, kind, label, sealed_to, wrapped_key, "
            "created_at, changed_at) SELECT id, :slot_id, :kind, 'x', :sealed_to, :wrapped, "
            ":now, :now FROM vaults"
        )
        connection.execute(insert_slot, _slot("escrow", single))
        connection.execute(insert_slot, _slot("recovery_key", None))
        connection.execute(
            text(
                "INSERT INTO vault_escrow_requests (request_id, vault_id, escrow_key, "
                "requested_by, requester, requested_at, expires_at) SELECT 'AAAA-BBBB-CCCC', "
                "id, :key, 'cli:anna', 'cli:anna', :now, :now FROM vaults"
            ),
            {"key": single, "now": NOW},
        )
    store.upgrade()
    with store.transaction() as db:
        policy = get_setting(db, POLICY)
        assert policy == {"vault_escrow_key": "", "reminder_text": "Kom op"}  # only that
        assert db.execute(select(VaultSlot.kind)).scalars().all() == ["recovery_key"]
        assert db.execute(select(VaultEscrowRequest)).first() is None
        # Two keys and the separator fit where PostgreSQL checks the width.
        two = escrow_key_of(os.urandom(32), os.urandom(32))
        db.execute(
            text("UPDATE vault_slots SET sealed_to = :two"),
            {"two": two},
        )
        assert db.execute(select(VaultSlot.sealed_to)).scalar_one() == two
        db.execute(text("UPDATE vault_slots SET sealed_to = NULL"))
        db.execute(
            text("UPDATE settings SET value = :value WHERE key = 'policy'"),
            {"value": json.dumps({"vault_escrow_key": two, "reminder_text": "Kom op"})},
        )
    # Back to 0014, whose code reads one key only: the two-key escrow is switched off too.
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0014")
    with store.transaction() as db:
        assert get_setting(db, POLICY) == {"vault_escrow_key": "", "reminder_text": "Kom op"}
    store.dispose()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_store_without_escrow_is_left_as_it_was(database_url: str) -> None:
    store = Store.open(database_url)
    config = store._alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0014")
    store.upgrade()  # no policy row at all
    with store.transaction() as db:
        assert get_setting(db, POLICY) is None
    store.dispose()
