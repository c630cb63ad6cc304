"""`desktop-auth key reset | fingerprints` (issue 18): a reset only for a person at a
terminal, asked twice; fingerprints enrolled with progress, renamed and removed."""

from __future__ import annotations

import pytest
from fido2.ctap2.bio import FPBioEnrollment

from desktop_auth.cli import main, security_key
from desktop_auth.devices.soft import RESET_WINDOW_SECONDS, SoftAuthenticator
from desktop_auth.devices.soft_bio import SoftFingerprintSensor
from tests.unit.cli.conftest import Cli
from tests.unit.cli.test_security_key_cli import Terminal, store_sign_ins
from tests.webauthn_helpers import KeyClock

PIN = "4823917"


@pytest.fixture
def clock() -> KeyClock:
    return KeyClock(0.0)


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch, clock: KeyClock) -> SoftAuthenticator:
    """A key with a sensor, a PIN and a passkey, plugged in."""
    plugged_in = SoftAuthenticator(
        supports_pin=True, fingerprints=SoftFingerprintSensor(), clock=clock
    )
    plugged_in.client_pin.preset(PIN)
    store_sign_ins(plugged_in, ("github.com", "jan-dev"))
    monkeypatch.setattr(security_key, "devices", lambda: [plugged_in])
    return plugged_in


def at_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str, typed: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", Terminal(typed))
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_reset_warns_asks_for_the_word_then_the_replug_and_erases_the_key(
    key: SoftAuthenticator,
    clock: KeyClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock.now = 60.0  # plugged in long ago: the replug while asked is what allows the reset
    monkeypatch.setattr("builtins.input", _input_that_replugs(key))
    code, out, err = at_terminal(monkeypatch, capsys, "key", "reset", typed="")
    assert (code, err) == (0, ""), err
    assert "every sign-in stored on it" in out and "cannot be undone" in out
    assert "Touch the key to confirm." in out and "The key is erased." in out
    assert key.credentials == [] and not key.client_pin.is_set


def _input_that_replugs(key: SoftAuthenticator, word: str = "reset") -> object:
    """A person who types ``word`` at the first question, and at the second unplugs and
    replugs the key, then presses Enter."""
    answers = iter([word, ""])

    def typed(prompt: str) -> str:
        print(prompt, end="")
        answer = next(answers)
        if "plug it back in" in prompt or "weer in" in prompt:
            key.replug()
        return answer

    return typed


def test_reset_erases_nothing_without_the_word_or_a_terminal_or_in_time(
    cli: Cli,
    key: SoftAuthenticator,
    clock: KeyClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = cli("key", "reset", stdin="reset\n\n")
    assert code != 0 and "at a terminal" in err
    code, out, _ = at_terminal(monkeypatch, capsys, "key", "reset", typed="yes\n")
    assert code == 1 and "Nothing was erased." in out
    # Enter pressed without replugging, long after the key went in: the key refuses.
    clock.now = RESET_WINDOW_SECONDS + 5
    code, _, err = at_terminal(monkeypatch, capsys, "key", "reset", typed="reset\n\n")
    assert code != 0 and "first seconds after it is plugged in" in err
    assert len(key.credentials) == 1 and key.client_pin.is_set


def test_reset_in_dutch_asks_for_the_dutch_word(
    key: SoftAuthenticator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("builtins.input", _input_that_replugs(key, word="wissen"))
    code, out, err = at_terminal(monkeypatch, capsys, "--language", "nl", "key", "reset", typed="")
    assert (code, err) == (0, ""), err
    assert "Typ wissen" in out and "De sleutel is gewist." in out
    assert key.credentials == []


def test_fingerprints_are_added_with_progress_renamed_listed_and_removed(
    cli: Cli, key: SoftAuthenticator
) -> None:
    assert key.fingerprints is not None
    key.fingerprints.feedback.extend(
        [FPBioEnrollment.FEEDBACK.FP_GOOD, FPBioEnrollment.FEEDBACK.FP_POOR_QUALITY]
    )
    code, out, err = cli(
        "key", "fingerprints", "--pin-stdin", "--add", "Right index", stdin=f"{PIN}\n"
    )
    assert (code, err) == (0, ""), err
    assert "Touch the fingerprint sensor" in out
    assert "Good. 3 more touches." in out
    assert "press your finger flat on it. Touch again." in out
    assert "Fingerprint Right index is enrolled." in out and "1. Right index" in out
    assert PIN not in out

    code, out, err = cli(
        "key", "fingerprints", "--pin-stdin", "--rename", "1", "Left thumb", stdin=f"{PIN}\n"
    )
    assert (code, err) == (0, "") and "1. Left thumb" in out
    code, out, _ = cli("--language", "nl", "key", "fingerprints", "--pin-stdin", stdin=f"{PIN}\n")
    assert "1. Left thumb" in out
    code, _, err = cli("key", "fingerprints", "--pin-stdin", "--remove", "2", stdin=f"{PIN}\n")
    assert code != 0 and "not on this security key" in err
    code, out, err = cli("key", "fingerprints", "--pin-stdin", "--remove", "1", stdin=f"{PIN}\n")
    assert (code, err) == (0, "")
    assert "Fingerprint Left thumb is removed." in out and "No fingerprints are enrolled" in out


def test_a_key_without_a_sensor_says_so_in_one_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = SoftAuthenticator(supports_pin=True)
    plain.client_pin.preset(PIN)
    monkeypatch.setattr(security_key, "devices", lambda: [plain])
    code, _, err = cli("key", "fingerprints", "--pin-stdin", stdin=f"{PIN}\n")
    assert code != 0 and "no fingerprint sensor" in err and err.count("\n") == 1
