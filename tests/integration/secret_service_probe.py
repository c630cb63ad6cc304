"""Run inside a D-Bus session by test_secret_service: seal with the real keyring, then reopen."""

from __future__ import annotations

import sys
from pathlib import Path

import keyring

from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.service import AuthService
from desktop_auth.store.db import Store
from tests.helpers import FAST_ARGON2, secret_box_of

PLAINTEXT = b"JBSWY3DPEHPK3PXP"


def main(action: str, url: str) -> None:
    store = Store.open(url)
    store.upgrade()
    service = AuthService(store, hasher=PasswordHasher(FAST_ARGON2), workstation="WS-1")
    sealed_file = Path(url.removeprefix("sqlite:///") + ".sealed")
    if action == "seal":
        backend = keyring.get_keyring()
        chained = getattr(backend, "backends", [backend])
        print("backend=" + ",".join(f"{type(b).__module__}.{type(b).__name__}" for b in chained))
        service.initialize(
            actor=service.accounts.local_administrator(),
            organisation_name="Probe",
            rp_id="probe.example",
            admin_email="a@probe.example",
            admin_display_name="A",
            admin_password="koffie tafel regen zomer fiets",
        )
        box = secret_box_of(service)
        sealed_file.write_bytes(box.seal(PLAINTEXT, table="t", row_id=1, purpose="p"))
        print(f"sealed={box.fingerprint}")
    else:
        box = secret_box_of(service)
        print(f"opened={box.fingerprint}")
        opened = box.open(sealed_file.read_bytes(), table="t", row_id=1, purpose="p")
        print("plaintext-matches" if opened == PLAINTEXT else "plaintext-differs")
    service.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
