"""`desktop-auth key info | pin`: the person's own security key (issue 18)."""

from __future__ import annotations

import io
import os
import socket
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from desktop_auth.cli import main, security_key
from desktop_auth.devices.soft import SOFT_AAGUID, SoftAuthenticator
from tests.unit.cli.conftest import Cli


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> SoftAuthenticator:
    """A key out of the box: it can hold a PIN and has none."""
    plugged_in = SoftAuthenticator(supports_pin=True, min_pin_length=6)
    monkeypatch.setattr(security_key, "devices", lambda: [plugged_in])
    return plugged_in


def test_info_shows_model_versions_and_that_no_pin_is_set(cli: Cli, key: SoftAuthenticator) -> None:
    code, out, err = cli("key", "info")
    assert (code, err) == (0, "")
    assert str(SOFT_AAGUID) in out
    assert "FIDO_2_0" in out
    assert "not set" in out and "desktop-auth key pin" in out and "6" in out
    assert "hmac-secret/PRF): yes" in out
    key.supports_prf = False  # an older key, without hmac-secret
    code, out, err = cli("key", "info")
    assert "hmac-secret/PRF): no" in out


def test_pin_sets_a_first_pin_from_stdin_and_info_then_shows_tries_left(
    cli: Cli, key: SoftAuthenticator
) -> None:
    code, out, err = cli("key", "pin", "--pin-stdin", stdin="4823917\n")
    assert (code, err) == (0, "")
    assert "4823917" not in out
    assert key.client_pin.is_set
    code, out, _ = cli("key", "info")
    assert "PIN: set" in out and "PIN tries left: 8" in out


def test_pin_changes_a_pin_reading_the_old_one_first(cli: Cli, key: SoftAuthenticator) -> None:
    key.client_pin.preset("4823917")
    code, out, err = cli("key", "pin", "--pin-stdin", stdin="4823917\n7713954\n")
    assert (code, err) == (0, "")
    assert "changed" in out
    assert "4823917" not in out + err and "7713954" not in out + err


def test_a_wrong_current_pin_says_how_many_tries_are_left(cli: Cli, key: SoftAuthenticator) -> None:
    key.client_pin.preset("4823917")
    code, out, err = cli("key", "pin", "--pin-stdin", stdin="0000000\n7713954\n")
    assert code != 0
    assert "7 more tries" in err
    assert "0000000" not in out + err


def test_a_too_short_pin_names_the_minimum(cli: Cli, key: SoftAuthenticator) -> None:
    code, _, err = cli("key", "pin", "--pin-stdin", stdin="12345\n")
    assert code != 0 and "at least 6" in err
    assert not key.client_pin.is_set


def test_a_blocked_pin_says_to_reset_the_key(cli: Cli, key: SoftAuthenticator) -> None:
    key.client_pin.preset("4823917")
    key.pin_retries = 0
    code, _, err = cli("key", "pin", "--pin-stdin", stdin="4823917\n7713954\n")
    assert code != 0 and "reset" in err and "removes every sign-in" in err
    code, _, err = cli("key", "info")
    assert code == 0 and "reset" in err


def test_without_a_terminal_or_pin_stdin_no_pin_is_asked(cli: Cli, key: SoftAuthenticator) -> None:
    code, _, err = cli("key", "pin", stdin="4823917\n")
    assert code != 0 and "--pin-stdin" in err
    assert not key.client_pin.is_set


def test_no_key_plugged_in_is_one_calm_line(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security_key, "devices", lambda: [])
    code, _, err = cli("key", "info")
    assert code != 0 and err.count("\n") == 1


def test_the_key_group_speaks_dutch(cli: Cli, key: SoftAuthenticator) -> None:
    code, out, _ = cli("--language", "nl", "key", "info")
    assert code == 0 and "Pincode: niet ingesteld" in out


def store_sign_ins(key: SoftAuthenticator, *sites: tuple[str, str]) -> None:
    """Passkeys on the key, as other sites' registrations leave them."""
    from desktop_auth.devices.soft import SoftCredential

    for rp_id, account in sites:
        key.credentials.append(
            SoftCredential(
                credential_id=os.urandom(32),
                rp_id=rp_id,
                user_id=account.encode(),
                user_name=account,
                private_key=ec.generate_private_key(ec.SECP256R1()),
                resident=True,
            )
        )


def test_sign_ins_lists_what_is_on_the_key_and_deletes_one_by_number(
    cli: Cli, key: SoftAuthenticator, tmp_path: Path
) -> None:
    key.client_pin.preset("4823917")
    store_sign_ins(key, ("github.com", "jan-dev"), ("google.com", "jan@gmail.com"))
    code, out, err = cli("key", "credentials", "--pin-stdin", stdin="4823917\n")
    assert (code, err) == (0, "")
    assert "1. github.com  jan-dev" in out and "2. google.com  jan@gmail.com" in out
    assert "Room for 23 more." in out and "4823917" not in out
    code, out, err = cli("key", "credentials", "--pin-stdin", "--delete", "2", stdin="4823917\n")
    assert (code, err) == (0, "")
    assert "Deleted the sign-in for jan@gmail.com at google.com." in out
    assert [c.user_name for c in key.credentials] == ["jan-dev"]
    code, _out, err = cli("key", "credentials", "--pin-stdin", "--delete", "5", stdin="4823917\n")
    assert code != 0 and "not on this security key" in err
    code, _out, err = cli("--language", "nl", "key", "credentials", "--pin-stdin", stdin="0000\n")
    assert code != 0 and "4823917" not in err and len(err.strip().splitlines()) == 1
    # No store here, and none made by looking at a key.
    assert not (tmp_path / "store.sqlite3").exists()


class Terminal(io.StringIO):
    """Standard input as a person at a terminal gives it."""

    def isatty(self) -> bool:
        return True


def test_the_organisations_own_sign_in_is_marked_and_kept_unless_asked_twice(
    initialized: Cli,
    key: SoftAuthenticator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli = initialized
    key.client_pin.preset("4823917")
    store_sign_ins(key, ("github.com", "jan-dev"), ("salariszaken.nl", "jan@salariszaken.nl"))
    code, out, err = cli("key", "credentials", "--pin-stdin", stdin="4823917\n")
    assert (code, err) == (0, "")
    # Its own first, marked: in the store's mode and through the sign-in server alike.
    assert "1. salariszaken.nl  jan@salariszaken.nl  (this organisation)" in out
    assert "2. github.com  jan-dev\n" in out

    code, out, err = cli("key", "credentials", "--pin-stdin", "--delete", "1", stdin="4823917\n")
    assert code != 0 and "your sign-in to this organisation (salariszaken.nl)" in err
    assert "--including-ours" in err and "Deleted" not in out
    assert len(key.credentials) == 2

    # At a terminal the question says what is at stake; anything but yes keeps it.
    monkeypatch.setattr(security_key.sys, "stdin", Terminal("4823917\nno\n"))
    code = main(["key", "credentials", "--pin-stdin", "--delete", "1", "--including-ours"])
    out = capsys.readouterr().out
    assert code == 1 and "This key will no longer sign you in" in out
    assert len(key.credentials) == 2

    code, out, err = cli(
        "key", "credentials", "--pin-stdin", "--delete", "1", "--including-ours", stdin="4823917\n"
    )
    assert (code, err) == (0, "")
    assert "Deleted the sign-in for jan@salariszaken.nl at salariszaken.nl." in out
    assert [c.rp_id for c in key.credentials] == ["github.com"]


def test_with_the_server_unreachable_no_sign_in_is_deleted_without_asking_twice(
    cli: Cli, key: SoftAuthenticator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKTOP_AUTH_SERVER_URL", f"https://127.0.0.1:{closed_port()}")
    key.client_pin.preset("4823917")
    store_sign_ins(key, ("salariszaken.nl", "jan@salariszaken.nl"))
    code, out, err = cli("key", "credentials", "--pin-stdin", stdin="4823917\n")
    assert code == 0 and "1. salariszaken.nl  jan@salariszaken.nl\n" in out
    assert "cannot show which sign-in is this organisation's own" in err

    code, out, err = cli("key", "credentials", "--pin-stdin", "--delete", "1", stdin="4823917\n")
    assert code != 0 and "did not answer" in err and len(key.credentials) == 1
    code, out, err = cli(
        "--language", "nl", "key", "credentials", "--pin-stdin", "--delete", "1", stdin="4823917\n"
    )
    assert code != 0 and "gaf geen antwoord" in err and len(key.credentials) == 1

    code, out, err = cli(
        "key", "credentials", "--pin-stdin", "--delete", "1", "--including-ours", stdin="4823917\n"
    )
    assert code == 0 and key.credentials == []


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
