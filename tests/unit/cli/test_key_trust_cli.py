"""`desktop-auth admin keys metadata | roots`: the trust anchors of attestation (A1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from desktop_auth.core.key_trust import save_blob
from desktop_auth.factors.metadata import BlobSummary
from desktop_auth.store.db import Store
from tests.attestation_helpers import YUBIKEY_5_NFC, blob, entry, root
from tests.unit.cli.conftest import Cli


def test_a1_the_import_refuses_a_blob_whose_signature_does_not_lead_to_fido(
    initialized_here: Cli, tmp_path: Path
) -> None:
    """A BLOB signed under any root but the FIDO Alliance's: one translated line, and
    nothing kept."""
    maker = root("Test Maker Root")
    forged = tmp_path / "blob.jwt"
    forged.write_bytes(blob(root("Not The FIDO Root"), [entry(YUBIKEY_5_NFC, maker)]))
    code, out, err = initialized_here("admin", "keys", "metadata", "import", str(forged))
    assert (code, out) == (1, "")
    assert err == (
        "desktop-auth: This file is not a FIDO metadata file signed by the FIDO Alliance;"
        " nothing was imported.\n"
    )
    code, out, err = initialized_here(
        "--language", "nl", "admin", "keys", "metadata", "import", str(forged)
    )
    assert code == 1 and len(err.splitlines()) == 1 and "niets geïmporteerd" in err
    code, out, err = initialized_here("admin", "keys", "metadata", "show")
    assert (code, err) == (0, "") and "No FIDO metadata imported" in out
    code, _, err = initialized_here("admin", "keys", "metadata", "import", str(tmp_path / "no"))
    assert code == 1 and "Cannot read the file" in err


def test_a1_own_roots_are_set_shown_and_cleared(initialized: Cli, tmp_path: Path) -> None:
    pem = tmp_path / "roots.pem"
    pem.write_text(root("Salariszaken Key Root").pem)
    code, out, err = initialized("admin", "keys", "roots", "set", str(pem))
    assert (code, err) == (0, "") and "Own root certificate: Salariszaken Key Root" in out
    code, out, err = initialized("admin", "keys", "metadata", "show")
    assert (code, err) == (0, "") and "Salariszaken Key Root" in out
    pem.write_text("not a certificate")
    code, out, err = initialized("admin", "keys", "roots", "set", str(pem))
    assert code == 1 and "no usable root certificates" in err
    code, out, err = initialized("admin", "keys", "roots", "clear")
    assert (code, err) == (0, "") and "No root certificates of your own." in out


def test_a1_show_names_the_blob_and_says_when_a_new_one_is_due(
    initialized_here: Cli, tmp_path: Path
) -> None:
    """What a BLOB imported on the server's host says of itself (written here directly:
    the CLI only accepts the FIDO Alliance's own)."""
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    try:
        with store.transaction() as db:
            summary = BlobSummary(number=3, next_update=date(2020, 2, 1), entries=120)
            save_blob(db, "x.y.z", summary, datetime(2020, 1, 2, tzinfo=UTC))
    finally:
        store.dispose()
    code, out, err = initialized_here("admin", "keys", "metadata", "show")
    assert (code, err) == (0, "")
    assert "FIDO metadata number 3: 120 models, imported 2020-01-02, next update 2020-02-01." in out
    assert "download the new BLOB" in out
