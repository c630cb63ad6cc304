"""Key health (issue 18): ``admin doctor`` names each key plugged in by its model (from the
imported FIDO metadata where it lists the model), with its PIN, room and vault unlock; and
the window asks the service for the model's name."""

from __future__ import annotations

import pytest

from desktop_auth.config import Config
from desktop_auth.core import doctor
from desktop_auth.core.checks import CheckResult, CheckStatus
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.errors import InvalidInputError
from desktop_auth.messages import translate
from desktop_auth.store.db import Store
from tests.attestation_helpers import YUBIKEY_5_NFC, blob, entry, root
from tests.helpers import MemoryKeyring, PinnedClock, make_service, make_user, past_sign_in

MDS_ROOT = root("Test FIDO Metadata Root")
MAKER_ROOT = root("Test Yubico Attestation Root")


@pytest.fixture
def service(store: Store, clock: PinnedClock, memory_keyring: MemoryKeyring) -> AuthService:
    return make_service(store, clock=clock, keyring=memory_keyring, metadata_root=MDS_ROOT.der)


def _key_lines(database_url: str, *keys: SoftAuthenticator) -> list[CheckResult]:
    results = doctor.run_checks(Config(database_url=database_url), devices=lambda: list(keys))
    return [r for r in results if r.name_key in ("doctor.key", "doctor.key_prf")]


def _text(result: CheckResult, language: str = "en") -> str:
    return translate(result.detail_key, language, **result.params)


def test_doctor_names_the_model_from_the_metadata_and_tells_pin_room_and_vault_unlock(
    service: AuthService, admin: Actor, database_url: str
) -> None:
    service.policy.import_key_metadata(
        blob(MDS_ROOT, [entry(YUBIKEY_5_NFC, MAKER_ROOT)]), actor=admin
    )
    listed = SoftAuthenticator(aaguid=YUBIKEY_5_NFC, supports_pin=True)
    listed.client_pin.preset("4823917")
    unlisted = SoftAuthenticator(supports_pin=True, supports_prf=False)
    health, vault, fresh, no_vault = _key_lines(database_url, listed, unlisted)
    assert health.status is CheckStatus.OK
    assert _text(health) == (
        "YubiKey 5 Series with NFC: PIN set, 8 tries left; free sign-in slots: 25"
    )
    assert _text(vault) == "YubiKey 5 Series with NFC can open the recovery-code vault (PRF)"
    # A model the metadata does not list is named by its AAGUID; no PIN is a warning.
    assert (fresh.status, fresh.fix_key) == (CheckStatus.WARNING, "doctor.fix.key_pin")
    assert _text(fresh).startswith(f"{unlisted.aaguid}: no PIN set")
    assert "no PRF" in _text(no_vault) and "geen PRF" in _text(no_vault, "nl")


def test_a_blocked_pin_fails_with_the_reset_as_its_fix_and_a_full_key_warns(
    database_url: str,
) -> None:
    blocked = SoftAuthenticator(supports_pin=True)
    blocked.client_pin.preset("4823917")
    blocked.pin_retries = 0
    (health, _vault) = _key_lines(database_url, blocked)
    assert (health.status, health.fix_key) == (CheckStatus.FAILED, "doctor.fix.key_reset")
    assert "desktop-auth key reset" in translate(health.fix_key, "en")
    full = SoftAuthenticator(supports_pin=True)
    full.client_pin.preset("4823917")
    full.credentials.extend(blocked_credentials(25))
    (health, _vault) = _key_lines(database_url, full)
    assert (health.status, health.fix_key) == (CheckStatus.WARNING, "doctor.fix.key_full")
    assert _key_lines(database_url) == []  # no key plugged in: the device check says so


def blocked_credentials(count: int) -> list[object]:
    from tests.unit.cli.test_security_key_cli import store_sign_ins

    holder = SoftAuthenticator()
    store_sign_ins(holder, *[(f"site{n}.example", f"user{n}") for n in range(count)])
    return list(holder.credentials)


def test_the_window_asks_the_service_for_a_models_name(service: AuthService, admin: Actor) -> None:
    make_user(service, admin)
    session = past_sign_in(service, "jan@example.nl")
    assert service.security_keys.model_name(session, str(YUBIKEY_5_NFC)) is None  # no BLOB
    service.policy.import_key_metadata(
        blob(MDS_ROOT, [entry(YUBIKEY_5_NFC, MAKER_ROOT, description="YubiKey Bio")]),
        actor=admin,
    )
    assert service.security_keys.model_name(session, str(YUBIKEY_5_NFC)) == "YubiKey Bio"
    assert service.security_keys.model_name(session, "00000000-0000-0000-0000-000000000000") is None


class PulledOut(SoftAuthenticator):
    """A key pulled out while it was read."""

    def call(self, *args: object, **kwargs: object) -> bytes:
        raise OSError("device gone")


def test_a_key_asking_for_a_new_pin_warns_and_one_that_does_not_answer_is_named(
    database_url: str,
) -> None:
    asks = SoftAuthenticator(supports_pin=True)
    asks.client_pin.preset("4823917")
    asks.client_pin.force_change = True
    (health, _vault) = _key_lines(database_url, asks)
    assert (health.status, health.detail_key) == (CheckStatus.WARNING, "doctor.key.pin_change")
    (gone,) = _key_lines(database_url, PulledOut())
    assert (gone.status, gone.detail_key) == (CheckStatus.WARNING, "doctor.key.unreadable")


def test_l1_an_erased_key_is_audited_by_its_model_and_a_malformed_one_is_refused(
    service: AuthService, admin: Actor
) -> None:
    make_user(service, admin)
    session = past_sign_in(service, "jan@example.nl")
    service.security_keys.note_key_erased(session, str(YUBIKEY_5_NFC))
    (erased,) = [
        e for e in service.audit.events(limit=None) if e.event_type == "security_key.erased"
    ]
    assert (erased.actor, erased.details) == ("jan@example.nl", {"aaguid": str(YUBIKEY_5_NFC)})
    with pytest.raises(InvalidInputError):
        service.security_keys.note_key_erased(session, "not a model id")
