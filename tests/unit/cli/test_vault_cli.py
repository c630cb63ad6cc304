"""``desktop-auth vault``: the vault from a script, through the real key client."""

from __future__ import annotations

import os
import pwd
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_auth.config import load_config
from desktop_auth.core.service import AuthService
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.vault.client import VaultClient, codes_from
from desktop_auth.vault.entries import EntryContent
from desktop_auth.vocabulary import VaultSlotKind
from tests.helpers import USER_PASSWORD, past_sign_in
from tests.unit.cli.conftest import Cli
from tests.webauthn_helpers import client_for, hardware_key, make_user_with_key

JAN = "jan@example.nl"


@pytest.fixture
def plugged(monkeypatch: pytest.MonkeyPatch) -> list[SoftAuthenticator]:
    keys: list[SoftAuthenticator] = [hardware_key()]
    monkeypatch.setattr(
        "desktop_auth.devices.ctap.connected_authenticators", lambda: iter(keys[-1:])
    )
    return keys


@pytest.fixture
def jans_vault(initialized_here: Cli, plugged: list[SoftAuthenticator]) -> Iterator[str]:
    """Jan with a key and a vault holding GitHub's three codes; yields his printed key."""
    service = AuthService.open(load_config())
    try:
        jan = make_user_with_key(service, service.accounts.local_administrator(), plugged[-1], JAN)
        client = VaultClient(service, jan.session)
        [key] = client.key_choices()
        creation = client.begin_create(key)
        printed = creation.recovery_key.formatted()
        vault = creation.finish(printed, label="Printed key")
        vault.add(
            EntryContent(
                service="GitHub", account="jan-dev", codes=codes_from(["aaaa-1111", "bbbb-2222"])
            )
        )
        yield printed
    finally:
        service.close()


def vault_cli(cli: Cli, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    return cli(
        "vault", "--email", JAN, "--password-stdin", *argv, stdin=USER_PASSWORD + "\n" + stdin
    )


def test_list_use_and_add_through_the_key(
    initialized_here: Cli, jans_vault: str, tmp_path: Path, plugged: list[SoftAuthenticator]
) -> None:
    cli = initialized_here
    code, out, err = vault_cli(cli, "list")
    assert (code, err) == (0, "")
    assert "GitHub (jan-dev): 2 of 2 codes left" in out
    assert "aaaa-1111" not in out  # a list shows no code

    code, out, err = vault_cli(cli, "use", "github")
    assert code == 0 and out.strip().splitlines()[-1] == "aaaa-1111"
    assert "Only 1 code left for this service" in err
    code, out, _err = vault_cli(cli, "use", "GitHub")
    assert out.strip().splitlines()[-1] == "bbbb-2222"
    code, _out, err = vault_cli(cli, "use", "GitHub")
    assert code != 0 and "Every code of that service is used" in err

    # A note comes from a file: on the command line every user of the machine would see it.
    notes = tmp_path / "note.txt"
    notes.write_text("PIN-hint: de verjaardag van oma\n", encoding="utf-8")
    code, _out, err = vault_cli(cli, "add", "Microsoft", "--notes", "x", stdin="4938 2019\n")
    assert code != 0 and "Cannot read the file x." in err  # a path, never the note itself
    notes_in_latin1 = tmp_path / "latin1.txt"
    notes_in_latin1.write_bytes("café".encode("latin-1"))
    code, _out, err = vault_cli(
        cli, "add", "Microsoft", "--notes-file", str(notes_in_latin1), stdin="4938 2019\n"
    )
    assert code != 0 and "UTF-8" in err
    code, out, err = vault_cli(
        cli,
        "add",
        "Microsoft",
        "--account",
        "jan@outlook.com",
        "--notes-file",
        str(notes),
        stdin="1. 4938 2019   2. 4923 8821\n",
    )
    assert (code, err) == (0, "") and "Added Microsoft with 2 codes." in out
    code, out, _err = vault_cli(cli, "show", "Microsoft")
    assert "4938 2019" in out and "4923 8821" in out
    service = AuthService.open(load_config())
    try:
        opened = VaultClient(service, past_sign_in(service, JAN)).open_with_key()
        [entry] = [e for e in opened.entries() if e.content.service == "Microsoft"]
        assert entry.content.notes == "PIN-hint: de verjaardag van oma"
    finally:
        service.close()


def test_the_printed_key_opens_it_without_a_key(
    initialized_here: Cli, jans_vault: str, plugged: list[SoftAuthenticator]
) -> None:
    cli = initialized_here
    code, out, err = vault_cli(cli, "--recovery-key-stdin", "list", stdin=jans_vault.lower() + "\n")
    assert (code, err) == (0, ""), err
    assert "GitHub" in out
    code, _out, err = vault_cli(cli, "--recovery-key-stdin", "list", stdin="ABCDE-FGHJK\n")
    assert code != 0 and "8 groups of 5" in err


def test_status_without_a_vault(initialized_here: Cli, plugged: list[SoftAuthenticator]) -> None:
    service = AuthService.open(load_config())
    try:
        make_user_with_key(service, service.accounts.local_administrator(), plugged[-1], JAN)
    finally:
        service.close()
    code, out, err = vault_cli(initialized_here, "status")
    assert (code, err) == (0, "") and "You have no vault yet" in out


def test_status_says_when_a_removed_key_still_opens_an_old_copy(
    initialized_here: Cli, jans_vault: str
) -> None:
    code, _out, err = vault_cli(initialized_here, "status")
    assert (code, err) == (0, "")
    service = AuthService.open(load_config())
    try:
        jan = past_sign_in(service, JAN)
        spare = hardware_key()
        ceremony = service.security_keys.begin_add(jan, "Spare key")
        service.security_keys.finish_add(jan, client_for(spare).register(ceremony.options))
        [spare_method] = [m for m in service.accounts.methods(JAN) if m.label == "Spare key"]
        service.accounts.remove_method(
            actor=service.accounts.local_administrator(),
            email=JAN,
            kind=spare_method.kind,
            method_id=spare_method.method_id,
        )  # no slot of the vault's: nothing to say
        code, _out, err = vault_cli(initialized_here, "status")
        assert (code, err) == (0, "")
        opened = VaultClient(service, jan).open_with_key()
        [key_slot] = [s for s in opened.slots if s.kind is VaultSlotKind.SECURITY_KEY]
        opened.remove_slot(key_slot)
    finally:
        service.close()
    code, _out, err = vault_cli(initialized_here, "status")
    assert code == 0 and "A way into this vault was removed on" in err
    assert "New printed key" in err


def escrow_open(cli: Cli, key: Path, half: Path, *, stdin: str) -> tuple[int, str, str]:
    """The first administrator, at their own workstation, with their own key file."""
    return cli(
        "admin",
        "vault",
        "escrow",
        "open",
        "--email",
        JAN,
        str(key),
        str(half),
        "--passphrase-stdin",
        stdin=stdin,
    )


def escrow_finish(cli: Cli, half: Path, key: Path, *, stdin: str) -> tuple[int, str, str]:
    """The second administrator, at theirs, with the file the first wrote."""
    return cli(
        "admin", "vault", "escrow", "finish", str(half), str(key), "--passphrase-stdin", stdin=stdin
    )


def keygen(cli: Cli, path: Path, passphrase: str) -> str:
    """One administrator makes their key; the public key it prints."""
    code, out, err = cli(
        "admin", "vault", "escrow", "keygen", str(path), "--passphrase-stdin", stdin=passphrase
    )
    assert (code, err) == (0, ""), err
    assert passphrase not in out and stat.S_IMODE(path.stat().st_mode) == 0o600
    [public] = re.findall(r"^\s+([A-Za-z0-9+/]{43}=)$", out, re.MULTILINE)
    return public


def escrow_on(cli: Cli, tmp_path: Path) -> tuple[Path, Path, str]:
    """Anna's and Piet's keys, escrow on with both; the line for the configuration."""
    anna, piet = tmp_path / "anna.key", tmp_path / "piet.key"
    code, out, err = cli(
        "admin", "vault", "escrow", "init", keygen(cli, anna, ANNA), keygen(cli, piet, PIET)
    )
    assert (code, err) == (0, ""), err
    [deploy] = [line.strip() for line in out.splitlines() if "vault_escrow_key = " in line]
    return anna, piet, deploy


ANNA = "anna-heeft-een-lange-zin"
PIET = "piet-heeft-er-ook-een"


def as_user(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The next commands run as another operating-system user of the store's host."""
    monkeypatch.setattr("desktop_auth.core.users.operating_system_account", lambda: name)


def test_escrow_from_init_to_a_new_printed_key_for_a_user_who_lost_everything(
    initialized_here: Cli, jans_vault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = initialized_here
    anna, piet, deploy = escrow_on(cli, tmp_path)
    code, _out, err = cli(
        "admin", "vault", "escrow", "keygen", str(anna), "--passphrase-stdin", stdin=ANNA
    )
    assert code != 0 and "already exists" in err  # a key is never overwritten
    public = keygen(cli, tmp_path / "kees.key", "kees-heeft-ook-een-zin")
    code, _out, err = cli("admin", "vault", "escrow", "init", public, public)
    assert code != 0 and "two different administrators" in err  # one key twice: one person

    # Until IT puts the printed line in the workstation's configuration, nothing is
    # sealed to the key: the policy alone is not trusted with it.
    code, out, err = vault_cli(cli, "list")
    assert code == 0 and "only two administrators together" not in out
    code, out, err = vault_cli(cli, "status")
    assert "not set up to trust" in err and "only two administrators together" not in out
    config = Path(os.environ["DESKTOP_AUTH_CONFIG"])
    config.write_text(deploy + "\n" + config.read_text())  # a top-level key
    code, _out, err = vault_cli(cli, "list")  # Jan opens his vault: its escrow slot is added
    assert (code, err) == (0, "")
    code, out, err = vault_cli(cli, "status")
    assert "only two administrators together" in out and err == ""

    # A key file is not enough: a second administrator approves.
    half = tmp_path / "jan.half"
    code, _out, err = escrow_open(cli, anna, half, stdin=ANNA)
    assert code != 0 and "takes two administrators" in err and not half.exists()
    as_user(monkeypatch, "anna")
    code, out, err = cli("admin", "vault", "escrow", "request", "--email", JAN)
    assert (code, err) == (0, ""), err
    [request] = re.findall(r"request ([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", out)
    assert f"escrow approve {request}" in out
    code, _out, err = cli("admin", "vault", "escrow", "approve", request)
    assert code != 0 and "a second administrator" in err
    as_user(monkeypatch, "piet")
    code, out, err = cli("admin", "vault", "escrow", "requests")
    assert code == 0 and f"{request}  {JAN}  asked by cli:anna@" in out and "waiting" in out
    code, out, err = cli("--language", "nl", "admin", "vault", "escrow", "approve", request)
    assert (code, err) == (0, "") and "Goedgekeurd: cli:anna@" in out and "finish" in out
    code, out, err = cli("admin", "vault", "escrow", "requests")
    assert "approved by cli:piet@" in out

    # Anna, at her workstation, opens her layer; a wrong passphrase or Piet's key, nothing.
    as_user(monkeypatch, "anna")
    code, _out, err = escrow_open(cli, anna, half, stdin="niet-het-goede-wachtwoord\n")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, _out, err = escrow_open(cli, piet, half, stdin=PIET)
    assert code != 0 and "not the first administrator's key" in err and not half.exists()
    nowhere = tmp_path / "missing" / "jan.half"  # refused before the approval is used
    code, _out, err = escrow_open(cli, anna, nowhere, stdin=ANNA)
    assert code != 0 and "Traceback" not in err and not nowhere.exists()
    code, out, err = escrow_open(cli, anna, half, stdin=ANNA)
    assert (code, err) == (0, ""), err
    assert f"Give {half} to the second administrator" in out
    assert stat.S_IMODE(half.stat().st_mode) == 0o600
    code, _out, err = escrow_finish(cli, half, anna, stdin=ANNA)  # Anna alone goes no further
    assert code != 0 and "not the second administrator's key" in err
    code, _out, err = escrow_finish(cli, tmp_path / "anna.key", piet, stdin=PIET)
    assert code != 0 and "not a file that" in err

    # Piet, at his, finishes.
    as_user(monkeypatch, "piet")
    code, out, err = escrow_finish(cli, half, piet, stdin=PIET)
    assert (code, err) == (0, ""), err
    [printed] = [line.strip() for line in out.splitlines() if line.count("-") == 7]
    assert printed != jans_vault
    assert not half.exists() and f"{half} is deleted" in out  # it opened the vault key
    code, out, err = vault_cli(cli, "--recovery-key-stdin", "list", stdin=printed + "\n")
    assert (code, err) == (0, "") and "GitHub" in out

    code, out, err = vault_cli(cli, "status")
    assert "knows its key: make a new printed key" in err  # until Jan makes one

    code, out, err = escrow_open(cli, anna, tmp_path / "again.half", stdin=ANNA)
    assert code != 0 and "takes two administrators" in err  # the approval is used up
    code, out, err = cli("admin", "vault", "escrow", "requests")
    assert code == 0 and "No requests" in out

    code, out, err = cli("admin", "vault", "escrow", "off")
    assert code == 0 and "Escrow slots removed: 1." in out
    code, out, err = escrow_open(cli, anna, tmp_path / "off.half", stdin=ANNA)
    assert code != 0 and "no organisation escrow" in err


def test_a_borrowed_user_name_is_not_a_second_administrator(
    initialized_here: Cli, jans_vault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: the local administrator was named from $USER, so one person could ask
    and then approve "as" another by setting it; the name is the process's own account."""
    cli = initialized_here
    _anna, _piet, deploy = escrow_on(cli, tmp_path)
    config = Path(os.environ["DESKTOP_AUTH_CONFIG"])
    config.write_text(deploy + "\n" + config.read_text())
    assert vault_cli(cli, "list")[0] == 0  # Jan's vault gets its escrow slot
    code, out, err = cli("admin", "vault", "escrow", "request", "--email", JAN)
    assert (code, err) == (0, ""), err
    [request] = re.findall(r"request ([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", out)
    me = pwd.getpwuid(os.geteuid()).pw_name
    for variable in ("USER", "LOGNAME", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "piet")
    code, _out, err = cli("admin", "vault", "escrow", "approve", request)
    assert code != 0 and "a second administrator" in err
    code, out, _err = cli("admin", "vault", "escrow", "requests")
    assert f"asked by cli:{me}@" in out and "cli:piet@" not in out

    # The owner objects: the helpdesk withdraws the request.
    code, out, err = cli("--language", "nl", "admin", "vault", "escrow", "cancel", request)
    assert (code, err) == (0, "") and f"Ingetrokken: verzoek {request}" in out
    code, out, _err = cli("admin", "vault", "escrow", "requests")
    assert "No requests" in out
    code, _out, err = cli("admin", "vault", "escrow", "cancel", request)
    assert code != 0 and "Traceback" not in err
