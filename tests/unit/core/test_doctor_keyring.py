"""``admin doctor`` judges the keyring by what is configured (issue 19): a workstation whose
data key is in a key file and whose store is a SQLite file needs no keyring."""

from __future__ import annotations

from pathlib import Path

from keyring.backends.fail import Keyring as NoKeyring

from desktop_auth.config import Config
from desktop_auth.core import doctor
from desktop_auth.core.checks import CheckStatus


def keyring_check(config: Config) -> doctor.CheckResult:
    [result] = [r for r in doctor.run_checks(config, NoKeyring()) if r.name_key == "doctor.keyring"]
    return result


def test_no_keyring_is_fine_where_a_key_file_and_a_file_store_need_none(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    with_file = keyring_check(Config(database_url=url, data_key_file=tmp_path / "data.key"))
    assert (with_file.status, with_file.detail_key) == (CheckStatus.OK, "doctor.keyring.not_needed")
    without = keyring_check(Config(database_url=url))
    assert (without.status, without.fix_key) == (CheckStatus.FAILED, "error.keyring_unavailable")
    on_postgres = keyring_check(
        Config(database_url="postgresql://u@127.0.0.1:9/db", data_key_file=tmp_path / "data.key")
    )
    assert on_postgres.status is CheckStatus.FAILED  # its password lives in the keyring (C4)
