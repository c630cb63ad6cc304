"""Row locks for read-decide-write steps that one atomic UPDATE cannot express.

SQLite serialises writers already (every transaction begins IMMEDIATE), so
``FOR UPDATE`` renders as nothing there.  PostgreSQL runs READ COMMITTED: two
workstations may read the same rows at once, so a step that decides on what it
read ("replace the batch", "revoke the live code, then add one", "is another
method left?") first locks the row its decision hangs on.  The second
workstation waits, then reads what the first committed.

Lock order, to stay free of deadlocks: the user's row first, then the store's
settings row, then the audit head (which every audited transaction takes last).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_auth.store.models import Setting, User
from desktop_auth.vocabulary import Role


def lock_user(db: Session, user_id: int) -> None:
    """Queue every other change to this user's factors and codes behind this transaction."""
    db.execute(select(User.id).where(User.id == user_id).with_for_update()).scalar_one_or_none()


def lock_setting(db: Session, key: str) -> None:
    """Queue other transactions that would decide on the same store-wide setting."""
    db.execute(select(Setting.key).where(Setting.key == key).with_for_update()).all()


def lock_enabled_admins(db: Session) -> Sequence[int]:
    """Lock the enabled administrators and return their ids.

    Two admins demoting each other at once would otherwise both see the other
    one still there; after the lock the second sees the first's change.
    """
    return (
        db.execute(
            select(User.id)
            .where(User.role == Role.ADMIN.value, User.disabled.is_(False))
            .order_by(User.id)
            .with_for_update()
        )
        .scalars()
        .all()
    )
