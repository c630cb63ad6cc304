"""The vault end to end on the workstation: python-fido2's real client over the software
key, PRF (hmac-secret) with user verification, the store in between (SECURITY.md V1–V3)."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_auth.core.service import Actor, AuthService, VaultKeyChoice
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.errors import (
    SecurityKeyNoPrfError,
    SecurityKeyNotRegisteredError,
    VaultNeedsTwoSlotsError,
    VaultRecoveryKeyTypoError,
    VaultSealBrokenError,
    VaultWrongKeyError,
)
from desktop_auth.store.db import Store
from desktop_auth.store.models import VaultEntryRow
from desktop_auth.vault.client import OpenVault, VaultClient, codes_from
from desktop_auth.vault.entries import EntryContent
from desktop_auth.vault.recovery_key import ALPHABET, RecoveryKey
from desktop_auth.vocabulary import FactorKind, VaultSlotKind
from tests.helpers import MemoryKeyring, PinnedClock, make_service
from tests.webauthn_helpers import KeyUser, client_for, hardware_key, make_user_with_key

GITHUB = EntryContent(
    service="GitHub",
    account="jan-devries",
    codes=codes_from(["a1b2c-3d4e5", "f6g7h-8i9j0", "k1l2m-3n4o5"]),
    notes="Printed copy in the top drawer",
)


@pytest.fixture
def plugged() -> list[SoftAuthenticator]:
    """The key in the USB port: the last one put in."""
    return []


@pytest.fixture
def service(
    store: Store,
    clock: PinnedClock,
    memory_keyring: MemoryKeyring,
    plugged: list[SoftAuthenticator],
) -> AuthService:
    return make_service(
        store, clock=clock, keyring=memory_keyring, security_keys=lambda: plugged[-1:]
    )


@pytest.fixture
def user_with_key(service: AuthService, admin: Actor, plugged: list[SoftAuthenticator]) -> KeyUser:
    plugged.append(hardware_key())
    return make_user_with_key(service, admin, plugged[-1])


def keys_of(service: AuthService, jan: KeyUser) -> list[VaultKeyChoice]:
    return list(VaultClient(service, jan.session).key_choices())


def make_vault(service: AuthService, jan: KeyUser) -> tuple[OpenVault, str]:
    """A vault opened by Jan's key and a printed key; returns it and the printed key."""
    client = VaultClient(service, jan.session)
    [key] = client.key_choices()
    creation = client.begin_create(key)
    printed = creation.recovery_key.formatted()
    return creation.finish(printed.lower(), label="Printed key"), printed


def add_spare_key(
    service: AuthService, jan: KeyUser, plugged: list[SoftAuthenticator], **knobs: object
) -> VaultKeyChoice:
    spare = hardware_key(**knobs)
    ceremony = service.security_keys.begin_add(jan.session, "Spare key")
    service.security_keys.finish_add(jan.session, client_for(spare).register(ceremony.options))
    plugged.append(spare)  # the key plugged in from now on
    [choice] = [k for k in keys_of(service, jan) if k.label == "Spare key"]
    return choice


def test_a_new_vault_is_stored_only_once_its_printed_key_is_typed_back(
    service: AuthService, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    client = VaultClient(service, jan.session)
    assert not client.summary().exists
    [key] = client.key_choices()
    creation = client.begin_create(key)
    assert not client.summary().exists  # one touch made the slot in memory only
    with pytest.raises(VaultWrongKeyError):
        creation.finish(RecoveryKey.new().formatted(), label="x")  # another sheet's key
    assert not client.summary().exists
    vault = creation.finish(creation.recovery_key.formatted(), label="Printed key")
    summary = client.summary()
    assert summary.exists and summary.accepts_entries
    assert [s.kind for s in summary.slots] == [
        VaultSlotKind.SECURITY_KEY,
        VaultSlotKind.RECOVERY_KEY,
    ]
    assert vault.entries() == []


def test_entries_round_trip_and_the_key_opens_again_with_one_touch(
    service: AuthService, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    vault, _printed = make_vault(service, jan)
    added = vault.add(GITHUB)
    assert added.left == 3 and not added.running_low
    used = vault.mark_used(added, 0, on=date(2026, 12, 1))
    assert used.left == 2 and used.running_low and used.revision == 2
    vault.lock()
    with pytest.raises(Exception, match="vault_locked"):
        vault.entries()
    again = VaultClient(service, jan.session).open_with_key()
    [entry] = again.entries()
    assert entry.content.service == "GitHub" and entry.content.notes == GITHUB.notes
    assert [c.used_on for c in entry.content.codes] == [date(2026, 12, 1), None, None]


def test_v2_each_opening_rolls_the_key_slot_to_a_new_salt(
    service: AuthService, user_with_key: KeyUser
) -> None:
    """The PRF's second input in the same touch: an output seen once opens it no more."""
    jan = user_with_key
    make_vault(service, jan)
    client = VaultClient(service, jan.session)

    def key_slot() -> tuple[bytes | None, bytes]:
        [slot] = client.summary().key_slots
        return slot.salt, slot.wrapped_key

    before = key_slot()
    client.open_with_key()
    after = key_slot()
    assert after[0] != before[0] and after[1] != before[1]
    client.open_with_key().entries()  # and it still opens


def test_v3_the_printed_key_opens_when_the_key_is_lost_and_a_new_key_is_added(
    service: AuthService, user_with_key: KeyUser, plugged: list[SoftAuthenticator]
) -> None:
    jan = user_with_key
    vault, printed = make_vault(service, jan)
    vault.add(GITHUB)
    spare = add_spare_key(service, jan, plugged)
    service.my_account.remove_method(jan.session, FactorKind.WEBAUTHN, jan.method_id)  # lost
    client = VaultClient(service, jan.session)
    assert not client.summary().accepts_entries
    with pytest.raises(VaultWrongKeyError):
        client.open_with_key()  # the spare has no slot yet
    opened = client.open_with_recovery_key(printed.replace("-", " "))
    with pytest.raises(VaultNeedsTwoSlotsError):
        opened.add(GITHUB)
    opened.add_key(spare)
    opened.add(
        EntryContent(service="Microsoft", codes=codes_from(["ABCDE-FGHIJ-KLMNO-PQRST-UVWXY"]))
    )
    services = sorted(e.content.service for e in client.open_with_key().entries())
    assert services == ["GitHub", "Microsoft"]


def test_v3_a_removed_key_leaves_the_vault_asking_for_a_new_vault_key(
    service: AuthService,
    admin: Actor,
    user_with_key: KeyUser,
    plugged: list[SoftAuthenticator],
    clock: PinnedClock,
) -> None:
    """The lost key's slot is gone, but it unwrapped the vault key that still seals every
    entry: with a copy of the store from before, the key opens the vault.  The vault says
    so until a new printed key gives it a new vault key."""
    jan = user_with_key
    vault, _printed = make_vault(service, jan)
    vault.add(GITHUB)
    client = VaultClient(service, jan.session)
    assert client.summary().slot_removed_at is None
    spare = add_spare_key(service, jan, plugged)
    vault.add_key(spare)
    [spare_slot] = [s for s in vault.slots if s.label == "Spare key"]
    vault.remove_slot(spare_slot)  # from the vault only
    assert vault.slot_removed_at == clock.now()
    assert client.summary().slot_removed_at == clock.now()

    replacement = vault.begin_new_recovery_key()  # the spare is plugged in: it opens now
    replacement.finish(replacement.recovery_key.formatted(), label="Printed key 2")
    assert vault.slot_removed_at is None and client.summary().slot_removed_at is None

    # The helpdesk removes the lost key from Jan's account: the vault's slot goes with it.
    clock.advance(minutes=5)
    [spare_method] = [m for m in service.accounts.methods(jan.email) if m.label == "Spare key"]
    service.accounts.remove_method(
        actor=admin, email=jan.email, kind=FactorKind.WEBAUTHN, method_id=spare_method.method_id
    )
    summary = client.summary()
    assert summary.slot_removed_at == clock.now()
    assert "Spare key" not in [s.label for s in summary.slots]


def test_v3_a_new_printed_key_replaces_the_old_one_and_the_vault_key_with_it(
    service: AuthService, user_with_key: KeyUser, plugged: list[SoftAuthenticator]
) -> None:
    """The old sheet was seen by someone who also copied the store: with the vault key
    replaced, it opens neither the resealed entries nor anything saved afterwards."""
    jan = user_with_key
    vault, old = make_vault(service, jan)
    vault.add(GITHUB)
    spare = add_spare_key(service, jan, plugged)
    vault.add_key(spare)
    copied = VaultClient(service, jan.session).summary()  # the store as copied that day
    old_opened = VaultClient(service, jan.session).open_with_recovery_key(old)
    old_key = old_opened._key()

    plugged.append(jan.key)  # Jan's own key in the port again: the spare stays in a drawer
    replacement = vault.begin_new_recovery_key()
    assert replacement.dropped_keys == ("Spare key",)
    with pytest.raises(VaultWrongKeyError):
        replacement.finish(RecoveryKey.new().formatted(), label="Printed key 2")
    replacement.finish(replacement.recovery_key.formatted(), label="Printed key 2")
    vault.add(EntryContent(service="Microsoft", codes=codes_from(["ABCDE-FGHIJ"])))

    client = VaultClient(service, jan.session)
    with pytest.raises(VaultWrongKeyError):
        client.open_with_recovery_key(old)
    assert sorted(e.content.service for e in vault.entries()) == ["GitHub", "Microsoft"]
    assert copied.slots != client.summary().slots
    with pytest.raises(VaultSealBrokenError):  # the old vault key, from the copy and old sheet
        OpenVault(client, client._state(), old_key).entries()
    reopened = client.open_with_recovery_key(replacement.recovery_key.formatted())
    assert sorted(e.content.service for e in reopened.entries()) == ["GitHub", "Microsoft"]
    kinds = [(s.kind, s.label) for s in client.summary().slots]
    assert kinds == [
        (VaultSlotKind.SECURITY_KEY, keys_of(service, jan)[0].label),
        (VaultSlotKind.RECOVERY_KEY, "Printed key 2"),
    ]
    assert reopened.entries()[0].revision == 2  # resealed: one revision on


def test_a_typo_in_the_printed_key_is_named_before_any_unwrapping(
    service: AuthService, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    _vault, printed = make_vault(service, jan)
    groups = printed.split("-")
    # One character changed, which the group's check character always catches (a rotation,
    # as this test did before, is the group itself when its characters repeat).
    wrong = next(c for c in ALPHABET if c != groups[1][0])
    groups[1] = wrong + groups[1][1:]
    with pytest.raises(VaultRecoveryKeyTypoError) as raised:
        VaultClient(service, jan.session).open_with_recovery_key("-".join(groups))
    assert raised.value.params["groups"] == "2"


def test_a_key_without_prf_is_told_and_the_printed_key_serves(
    service: AuthService, user_with_key: KeyUser, plugged: list[SoftAuthenticator]
) -> None:
    jan = user_with_key
    vault, printed = make_vault(service, jan)
    plain = add_spare_key(service, jan, plugged, supports_prf=False)
    with pytest.raises(SecurityKeyNoPrfError):
        vault.add_key(plain)
    VaultClient(service, jan.session).open_with_recovery_key(printed)


def test_v1_another_users_vault_does_not_open_with_my_key_or_my_entries(
    service: AuthService, admin: Actor, user_with_key: KeyUser, plugged: list[SoftAuthenticator]
) -> None:
    jan = user_with_key
    jans, _ = make_vault(service, jan)
    plugged.append(hardware_key())
    piet = make_user_with_key(service, admin, plugged[-1], email="piet@example.nl")
    pieters, piets_printed = make_vault(service, piet)
    jans.add(GITHUB)
    pieters.add(EntryContent(service="Payroll", codes=codes_from(["11112222"])))
    # Move Jan's sealed entry into Piet's vault, as someone with the database could.
    with service._context.store.transaction() as db:
        rows = {row.entry_id: row for row in db.query(VaultEntryRow)}
        jan_row = next(r for r in rows.values() if r.vault_id == 1)
        piet_row = next(r for r in rows.values() if r.vault_id != 1)
        piet_row.sealed = jan_row.sealed
    opened = VaultClient(service, piet.session).open_with_recovery_key(piets_printed)
    with pytest.raises(VaultSealBrokenError):
        opened.entries()
    plugged.append(jan.key)  # Jan's key in Piet's hand opens nothing of his
    with pytest.raises(SecurityKeyNotRegisteredError):
        VaultClient(service, piet.session).open_with_key()


def test_v1_registration_asks_for_prf_and_its_output_never_leaves_the_workstation(
    service: AuthService, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    ceremony = service.security_keys.begin_add(jan.session, "Spare key")
    assert "eval" in ceremony.options["extensions"]["prf"]  # Windows Hello needs it at creation
    response = client_for(hardware_key()).register(ceremony.options)
    assert response["clientExtensionResults"]["prf"] == {"enabled": True}
    service.security_keys.finish_add(jan.session, response)


def test_v1_a_sign_in_request_cannot_get_a_vault_slots_prf_evaluated(
    service: AuthService, user_with_key: KeyUser
) -> None:
    """Found in review: a server could add the slot's salt to an ordinary sign-in request
    and receive the PRF output that wraps the vault key."""
    from fido2.utils import websafe_encode

    jan = user_with_key
    make_vault(service, jan)
    [slot] = VaultClient(service, jan.session).summary().key_slots
    assert slot.salt is not None and slot.credential_id is not None
    options = {
        "challenge": websafe_encode(b"x" * 32),
        "rpId": "salariszaken.nl",
        "allowCredentials": [{"type": "public-key", "id": websafe_encode(slot.credential_id)}],
        "userVerification": "required",
        "extensions": {"prf": {"eval": {"first": websafe_encode(slot.salt)}}},
    }
    response = client_for(jan.key).authenticate(options)
    assert "prf" not in response["clientExtensionResults"]
