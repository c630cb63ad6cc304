"""No secret in the database file, the logs, the audit log or CLI output (SECURITY.md C2)."""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

import pytest

from desktop_auth.cli import main

ADMIN_PASSWORD = "Planted-Admin-Secret-Walvis-Orgel"
WRONG_PASSWORD = "Planted-Wrong-Secret-Zeppelin-Haring"
USER_PASSWORD = "Planted-User-Secret-Kameel-Tulp"
NEXT_PASSWORD = "Planted-Next-Secret-Molen-Kaas"


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = ""
) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_c2_planted_secrets_appear_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_auth.config import load_config
    from desktop_auth.core.service import AuthService

    database = tmp_path / "store.sqlite3"
    log_file = tmp_path / "debug.log"
    config = tmp_path / "config.toml"
    config.write_text("[argon2]\nmemory_kib = 19456\ntime_cost = 2\nparallelism = 1\n")
    monkeypatch.setenv("DESKTOP_AUTH_CONFIG", str(config))
    monkeypatch.setenv("DESKTOP_AUTH_DATABASE_URL", f"sqlite:///{database}")
    logs = ["--log-level", "DEBUG", "--log-file", str(log_file)]
    output = []

    code, text = run(
        monkeypatch,
        capsys,
        *logs,
        "admin",
        "init",
        "--organisation",
        "Salariszaken",
        "--rp-id",
        "salariszaken.nl",
        "--email",
        "beheer@salariszaken.nl",
        "--name",
        "Anna",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert code == 0
    output.append(text)
    code, text = run(
        monkeypatch, capsys, *logs, "admin", "user", "add", "jan@example.nl", "--name", "Jan"
    )
    assert code == 0
    temporary = next(line.strip() for line in text.splitlines() if line.startswith("    "))
    # Shown once on purpose, to the admin; from here on it must appear nowhere.
    output.append(text.replace(temporary, ""))

    # The same core the GUI uses, with its logging captured at DEBUG.
    handler = logging.FileHandler(log_file, encoding="utf-8")
    root = logging.getLogger("desktop_auth")
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    service = AuthService.open(load_config())
    try:
        ticket = service.sign_in.with_password("jan@example.nl", temporary).ticket
        assert ticket
        with pytest.raises(Exception, match="weak_password") as weak:
            service.sign_in.complete_password_change(ticket, "Welkom01!")
        output.append(repr(weak.value) + str(weak.value))
        service.sign_in.complete_password_change(ticket, USER_PASSWORD)
        for _ in range(3):
            with pytest.raises(Exception, match="invalid_credentials") as failure:
                service.sign_in.with_password("jan@example.nl", WRONG_PASSWORD)
            output.append(repr(failure.value) + str(dict(failure.value.params)))
        with pytest.raises(Exception, match="invalid_credentials"):
            service.sign_in.with_password("niemand@example.nl", WRONG_PASSWORD)
    finally:
        service.close()
        root.removeHandler(handler)
        handler.close()

    for argv in (
        ("admin", "audit", "list", "--limit", "100"),
        ("admin", "audit", "export", "--csv"),
        ("admin", "user", "show", "jan@example.nl"),
        ("admin", "user", "list"),
    ):
        code, text = run(monkeypatch, capsys, *logs, *argv)
        assert code == 0
        output.append(text)

    secrets = [ADMIN_PASSWORD, WRONG_PASSWORD, USER_PASSWORD, temporary, "Welkom01!"]
    files = [p for p in tmp_path.iterdir() if p.name.startswith("store.sqlite3")]
    assert database in files and log_file.stat().st_size > 0
    haystacks = {p.name: p.read_bytes() for p in [*files, log_file]}
    haystacks["output"] = "\n".join(output).encode()
    for name, data in haystacks.items():
        for secret in secrets:
            for encoding in ("utf-8", "utf-16-le"):
                assert secret.encode(encoding) not in data, f"a planted secret is in {name}"


def test_c2_authenticator_seed_and_codes_appear_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The seed (raw, Base32, hex), typed codes, recovery and backup codes stay out of the
    DB, the logs, the audit log and the output."""
    from desktop_auth.config import load_config
    from desktop_auth.core.service import AuthService
    from desktop_auth.errors import InvalidCodeError
    from tests.helpers import PinnedClock
    from tests.totp_helpers import make_user_with_app, phone_code, secret_bytes, sign_in_ticket

    database = tmp_path / "store.sqlite3"
    log_file = tmp_path / "debug.log"
    config = tmp_path / "config.toml"
    config.write_text("[argon2]\nmemory_kib = 19456\ntime_cost = 2\nparallelism = 1\n")
    monkeypatch.setenv("DESKTOP_AUTH_CONFIG", str(config))
    monkeypatch.setenv("DESKTOP_AUTH_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("DESKTOP_AUTH_DATA_KEY_FILE", str(tmp_path / "data.key"))
    handler = logging.FileHandler(log_file, encoding="utf-8")
    root = logging.getLogger("desktop_auth")
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    clock = PinnedClock()
    service = AuthService.open(load_config(), clock=clock)
    output = []
    try:
        admin = service.accounts.local_administrator()
        service.initialize(
            actor=admin,
            organisation_name="Salariszaken",
            rp_id="salariszaken.nl",
            admin_email="beheer@salariszaken.nl",
            admin_display_name="Anna",
            admin_password=ADMIN_PASSWORD,
        )
        user = make_user_with_app(service, admin, clock)
        ticket = sign_in_ticket(service, user.email)
        code = phone_code(user.secret, clock)
        wrong = str((int(code) + 1) % 10**6).zfill(6)
        with pytest.raises(InvalidCodeError) as failure:
            service.sign_in.with_second_factor(ticket, "totp", wrong)
        output.append(repr(failure.value) + str(dict(failure.value.params)))
        done = service.sign_in.with_second_factor(ticket, "totp", code)
        output.append(repr(done) + repr(done.session))
        output.append(repr(service.accounts.methods(user.email)))
        # Recovery and backup codes: made, mistyped, used.
        assert done.session is not None
        sheet = service.recovery_codes.generate(done.session)
        output.append(repr(sheet) + repr(service.recovery_codes.status(done.session)))
        clock.advance(seconds=30)
        ticket = sign_in_ticket(service, user.email)
        with pytest.raises(InvalidCodeError) as wrong_code:
            service.sign_in.with_second_factor(ticket, "recovery", "2345-6789-ABCD-EFGH")
        output.append(repr(wrong_code.value) + str(dict(wrong_code.value.params)))
        output.append(repr(service.sign_in.with_second_factor(ticket, "recovery", sheet.codes[0])))
        issued = service.recovery_codes.issue_backup_code(actor=admin, email=user.email)
        output.append(repr(issued))
        ticket = sign_in_ticket(service, user.email)
        output.append(repr(service.sign_in.with_second_factor(ticket, "backup", issued.code)))
        lookup_codes = [*sheet.codes, issued.code]
    finally:
        service.close()
        root.removeHandler(handler)
        handler.close()

    for argv in (
        ("admin", "audit", "list", "--limit", "100"),
        ("admin", "audit", "export", "--csv"),
        ("admin", "user", "show", user.email),
    ):
        exit_code, text = run(monkeypatch, capsys, "--log-file", str(log_file), *argv)
        assert exit_code == 0
        output.append(text)

    raw = secret_bytes(user.secret)
    codes = [form for c in lookup_codes for form in (c, c.replace("-", ""))]
    files = [p for p in tmp_path.iterdir() if p.name.startswith("store.sqlite3")]
    haystacks = {p.name: p.read_bytes() for p in files}
    for name, data in haystacks.items():
        for planted in (raw, user.secret.encode(), raw.hex().encode(), *map(str.encode, codes)):
            assert planted not in data, f"a secret is in {name}"
    texts = {"log": log_file.read_text(encoding="utf-8"), "output": "\n".join(output)}
    assert texts["log"] and "second_factor.failed" in texts["log"]
    for name, text in texts.items():
        for planted in (user.secret, raw.hex(), code, wrong, *codes):
            assert planted not in text, f"a planted secret is in {name}"


def test_v1_vault_codes_and_keys_appear_nowhere_on_the_server_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codes planted in the vault through a sign-in server, and the vault key, the printed
    key and the key's PRF outputs: absent from the store file and its WAL, every log line
    (the server's too) and what the server answered (SECURITY.md V1)."""
    from typing import cast

    from desktop_auth.config import load_config
    from desktop_auth.core.service import AuthService
    from desktop_auth.devices import ctap
    from desktop_auth.vault.client import VaultClient, codes_from
    from desktop_auth.vault.entries import EntryContent
    from tests.helpers import PinnedClock, initialize_organisation
    from tests.remote_helpers import serving
    from tests.webauthn_helpers import hardware_key, make_user_with_key

    planted = ["Planted-Vault-Code-Narwal-7731", "Planted-Vault-Code-Fjord-2290"]
    planted_note = "Planted-Vault-Note-Kievit-Ooievaar"
    database = tmp_path / "store.sqlite3"
    config = tmp_path / "config.toml"
    config.write_text("[argon2]\nmemory_kib = 19456\ntime_cost = 2\nparallelism = 1\n")
    monkeypatch.setenv("DESKTOP_AUTH_CONFIG", str(config))
    monkeypatch.setenv("DESKTOP_AUTH_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("DESKTOP_AUTH_DATA_KEY_FILE", str(tmp_path / "data.key"))
    key = hardware_key()
    monkeypatch.setattr(ctap, "connected_authenticators", lambda: iter([key]))
    prf_outputs: list[bytes] = []
    evaluate = ctap.SecurityKeyClient.evaluate_prf

    def recorded(self: ctap.SecurityKeyClient, *args: object, **kwargs: object) -> object:
        answer = evaluate(self, *args, **kwargs)  # type: ignore[arg-type]
        prf_outputs.extend(o for o in (answer.first, answer.second) if o)
        return answer

    monkeypatch.setattr(ctap.SecurityKeyClient, "evaluate_prf", recorded)
    log_file = tmp_path / "everything.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # Our own loggers too, whatever an earlier test (a CLI --log-level) left them at.
    ours = logging.getLogger("desktop_auth")
    ours_before = (ours.level, ours.propagate)
    ours.setLevel(logging.DEBUG)
    ours.propagate = True
    answers: list[str] = []
    service = AuthService.open(load_config(), clock=PinnedClock())
    try:
        admin = initialize_organisation(service)
        jan = make_user_with_key(service, admin, key)
        with serving(service) as remote:
            workstation = cast(AuthService, remote)
            session = workstation.sign_in.resume(jan.session.token)
            client = VaultClient(workstation, session)
            [choice] = client.key_choices()
            creation = client.begin_create(choice)
            printed = creation.recovery_key
            vault = creation.finish(printed.formatted(), label="Printed key")
            entry = vault.add(
                EntryContent(service="Bank", codes=codes_from(planted), notes=planted_note)
            )
            vault.mark_used(entry, 0, on=PinnedClock().now().date())
            again = client.open_with_key()
            assert [e.content.notes for e in again.entries()] == [planted_note]
            vault_key = again._vault_key
            assert vault_key is not None
            # A new printed key, and with it a new vault key, across the wire too.
            replacement = again.begin_new_recovery_key()
            replacement.finish(replacement.recovery_key.formatted(), label="Printed key 2")
            assert [e.content.notes for e in again.entries()] == [planted_note]
            new_vault_key = again._vault_key
            assert new_vault_key is not None and new_vault_key != vault_key
            answers.append(repr(workstation.vault.state(session)))
            answers.append(repr(service.audit.events(limit=None, actor=admin)))
            # While the store is open its WAL holds the latest pages: read it now too.
            during = {
                f"{p.name} (open)": p.read_bytes()
                for p in tmp_path.iterdir()
                if p.name.startswith("store")
            }
    finally:
        service.close()
        root.removeHandler(handler)
        root.setLevel(previous_level)
        ours.setLevel(ours_before[0])
        ours.propagate = ours_before[1]
        handler.close()

    assert len(prf_outputs) >= 3
    secrets = [
        *(code.encode() for code in planted),
        planted_note.encode(),
        vault_key.material,
        vault_key.material.hex().encode(),
        new_vault_key.material,
        printed.material,
        printed.formatted().encode(),
        printed.formatted().replace("-", "").encode(),
        replacement.recovery_key.material,
        replacement.recovery_key.formatted().encode(),
        *prf_outputs,
    ]
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("store")}
    assert any(name.endswith("-wal (open)") for name in during), sorted(during)
    files.update(during)
    files["log"] = log_file.read_bytes()
    files["answers"] = "\n".join(answers).encode()
    assert b"vault.entry_saved" in files["log"]
    for name, data in files.items():
        for secret in secrets:
            assert secret not in data, f"a vault secret is in {name}"
