"""``admin doctor`` on a database that is reachable but was never set up (no schema): it
says so, and every check answers, where the data-key check failed with "no such table"
on PostgreSQL (found while adding key health, issue 18)."""

from __future__ import annotations

from desktop_auth.config import Config
from desktop_auth.core import doctor
from desktop_auth.core.checks import CheckStatus
from tests.helpers import MemoryKeyring


def test_an_empty_database_is_reported_as_not_set_up_by_every_check(database_url: str) -> None:
    results = {
        r.name_key: r
        for r in doctor.run_checks(Config(database_url=database_url), MemoryKeyring(), devices=list)
    }
    database, data_key = results["doctor.database"], results["doctor.data_key"]
    assert database.status is CheckStatus.FAILED and database.fix_key == "doctor.fix.db_upgrade"
    assert (data_key.status, data_key.detail_key) == (
        CheckStatus.WARNING,
        "doctor.data_key.not_initialized",
    )
