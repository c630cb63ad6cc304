"""C7: the store, its WAL, logs and exports are readable by their owner only."""

from __future__ import annotations

import stat
from pathlib import Path

from desktop_auth.cli import main
from desktop_auth.store.db import Store
from desktop_auth.store.keys import KeyFileDataKeyStore
from tests.helpers import initialize_organisation, make_service


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_c7_a_new_store_folder_is_0700_and_the_store_and_its_wal_0600(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "desktop-auth"
    store = Store.open(f"sqlite:///{folder / 'store.sqlite3'}")
    try:
        store.upgrade()  # writes: the -wal and -shm files exist now
        assert mode(folder) == 0o700
        files = sorted(folder.iterdir())
        assert {p.name for p in files} >= {
            "store.sqlite3",
            "store.sqlite3-wal",
            "store.sqlite3-shm",
        }
        assert all(mode(p) == 0o600 for p in files), {p.name: oct(mode(p)) for p in files}
    finally:
        store.dispose()


def test_c7_an_older_store_left_0644_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    Store.open(f"sqlite:///{path}").dispose()
    path.chmod(0o644)
    Store.open(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600


def test_c7_the_audit_export_follows_no_planted_link_and_the_log_is_private(
    tmp_path: Path,
) -> None:
    """`audit export --output F` wrote through a symlink planted at F.partial."""
    config = tmp_path / "config.toml"
    key_file = tmp_path / "data.key"
    config.write_text(f'data_key_file = "{key_file}"\n')
    database = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store = Store.open(database)
    store.upgrade()
    initialize_organisation(make_service(store, data_keys=KeyFileDataKeyStore(key_file)))
    store.dispose()
    common = ["--config", str(config), "--database", database, "--language", "en"]
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch")
    output = tmp_path / "audit.csv"
    (tmp_path / "audit.csv.partial").symlink_to(victim)
    log = tmp_path / "desktop-auth.log"
    exit_code = main(
        [
            *common,
            "--log-file",
            str(log),
            "admin",
            "audit",
            "export",
            "--csv",
            "--output",
            str(output),
        ]
    )
    assert exit_code == 0
    assert victim.read_text() == "do not touch"
    assert output.read_text().startswith("id,occurred_at,event_type")
    assert mode(output) == 0o600
    assert mode(log) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == [
        "audit.csv.partial"  # the planted link, left as it was
    ]
