"""A vault remembers that a security key stopped opening it (SECURITY.md V3).

Apart from ``core.vault`` because removing a security key from an account — which the
second-factor flow does, for the owner, the helpdesk and a roll-out — takes its vault slot
with it, and that flow is below the vault service.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from desktop_auth.store.models import Vault, VaultSlot


def note_key_leaving(db: DbSession, credential_row_id: int, now: datetime) -> None:
    """The security key ``credential_row_id`` is being removed: its slot goes with it (the
    foreign key), but the vault key it unwrapped stays, so the vault asks for a new one."""
    vault = db.execute(
        select(Vault)
        .join(VaultSlot, VaultSlot.vault_id == Vault.id)
        .where(VaultSlot.credential_row_id == credential_row_id)
    ).scalar_one_or_none()
    if vault is not None:
        vault.slot_removed_at = now
