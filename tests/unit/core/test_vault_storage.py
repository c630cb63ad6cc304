"""What the store enforces of the vault, whatever a workstation sends (SECURITY.md V2, V3).

The store sees only ids and opaque bytes here: these tests send made-up ciphertext on
purpose, because the rules must hold for a workstation that does not play along.
"""

from __future__ import annotations

import os
import uuid

import pytest

from desktop_auth.core.service import (
    Actor,
    AuthService,
    NewSlot,
    NewVaultKey,
    ResealedEntry,
    SealedVault,
    write_check_of,
)
from desktop_auth.errors import (
    ReauthenticationRequiredError,
    VaultChangedElsewhereError,
    VaultEntryNotFoundError,
    VaultExistsError,
    VaultKeyHasSlotError,
    VaultKeyNotYoursError,
    VaultLastRecoveryKeyError,
    VaultMalformedError,
    VaultNeedsTwoSlotsError,
    VaultNotFoundError,
    VaultWrongKeyError,
)
from desktop_auth.vocabulary import FactorKind, VaultSlotKind
from tests.helpers import PinnedClock
from tests.webauthn_helpers import KeyUser, client_for, hardware_key, make_user_with_key

#: Stands for the workstation's write proof (an HKDF of the vault key it holds).
PROOF = os.urandom(32)
CHECK = write_check_of(PROOF)


def new_id() -> str:
    return str(uuid.uuid4())


def key_slot(method_id: int | None, **changes: object) -> NewSlot:
    fields: dict[str, object] = {
        "slot_id": new_id(),
        "kind": VaultSlotKind.SECURITY_KEY,
        "label": "YubiKey 5",
        "method_id": method_id,
        "salt": os.urandom(32),
        "wrapped_key": os.urandom(61),
    }
    return NewSlot(**{**fields, **changes})  # type: ignore[arg-type]


def printed_slot(**changes: object) -> NewSlot:
    fields: dict[str, object] = {
        "slot_id": new_id(),
        "kind": VaultSlotKind.RECOVERY_KEY,
        "label": "Printed recovery key",
        "wrapped_key": os.urandom(61),
    }
    return NewSlot(**{**fields, **changes})  # type: ignore[arg-type]


def make_vault(service: AuthService, jan: KeyUser) -> SealedVault:
    return service.vault.create(
        jan.session, new_id(), [key_slot(jan.method_id), printed_slot()], CHECK
    )


def test_v2_a_vault_is_made_with_a_key_and_the_printed_key(
    service: AuthService, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    assert service.vault.state(jan.session) is None
    with pytest.raises(VaultNeedsTwoSlotsError):
        service.vault.create(jan.session, new_id(), [printed_slot()], CHECK)
    with pytest.raises(VaultNeedsTwoSlotsError):
        service.vault.create(jan.session, new_id(), [key_slot(jan.method_id)], CHECK)
    assert service.vault.state(jan.session) is None  # nothing half-written
    vault = make_vault(service, jan)
    assert vault.accepts_entries and vault.rp_id == "salariszaken.nl"
    assert [s.kind for s in vault.slots] == [VaultSlotKind.SECURITY_KEY, VaultSlotKind.RECOVERY_KEY]
    [key] = [s for s in vault.slots if s.kind is VaultSlotKind.SECURITY_KEY]
    assert key.method_id == jan.method_id and key.credential_id
    assert service.vault.state(jan.session) == vault
    with pytest.raises(VaultExistsError):
        make_vault(service, jan)


def test_a_key_slot_names_one_of_the_users_own_keys_once(
    service: AuthService, admin: Actor, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    piet = make_user_with_key(service, admin, email="piet@example.nl")
    with pytest.raises(VaultKeyNotYoursError):
        service.vault.create(
            jan.session, new_id(), [key_slot(piet.method_id), printed_slot()], CHECK
        )
    with pytest.raises(VaultKeyNotYoursError):
        service.vault.create(jan.session, new_id(), [key_slot(None), printed_slot()], CHECK)
    vault = make_vault(service, jan)
    with pytest.raises(VaultKeyHasSlotError):
        service.vault.add_slot(jan.session, PROOF, key_slot(jan.method_id))
    choices = service.vault.key_choices(jan.session)
    assert [(k.method_id, k.has_slot) for k in choices.keys] == [(jan.method_id, True)]
    assert len(service.vault.state(jan.session).slots) == len(vault.slots)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "bad",
    [
        {"slot_id": "not-a-uuid"},
        {"slot_id": str(uuid.uuid1())},
        {"salt": os.urandom(16)},
        {"salt": None},
        {"wrapped_key": b""},
        {"wrapped_key": os.urandom(4096)},
        {"label": ""},
        {"label": "x" * 101},
        {"label": "new\nline"},
    ],
)
def test_malformed_slots_are_refused_and_nothing_is_kept(
    service: AuthService, user_with_key: KeyUser, bad: dict[str, object]
) -> None:
    jan = user_with_key
    with pytest.raises(VaultMalformedError):
        service.vault.create(
            jan.session, new_id(), [key_slot(jan.method_id, **bad), printed_slot()], CHECK
        )
    assert service.vault.state(jan.session) is None


def test_a_printed_key_slot_carries_no_salt_or_key(
    service: AuthService, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    with pytest.raises(VaultMalformedError):
        service.vault.create(
            jan.session,
            new_id(),
            [key_slot(jan.method_id), printed_slot(salt=os.urandom(32))],
            CHECK,
        )


def test_v2_entries_are_kept_only_while_both_kinds_of_slot_exist(
    service: AuthService, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    with pytest.raises(VaultNotFoundError):
        service.vault.save_entry(jan.session, PROOF, new_id(), os.urandom(512), 0)
    vault = make_vault(service, jan)
    entry = service.vault.save_entry(jan.session, PROOF, new_id(), os.urandom(512), 0)
    assert entry.revision == 1
    [key] = [s for s in vault.slots if s.kind is VaultSlotKind.SECURITY_KEY]
    after = service.vault.remove_slot(jan.session, PROOF, key.slot_id)
    assert not after.accepts_entries and after.entries == (entry,)  # still there, sealed
    with pytest.raises(VaultNeedsTwoSlotsError):
        service.vault.save_entry(jan.session, PROOF, new_id(), os.urandom(512), 0)


def test_the_printed_keys_only_slot_is_replaced_never_removed(
    service: AuthService, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    vault = make_vault(service, jan)
    [printed] = [s for s in vault.slots if s.kind is VaultSlotKind.RECOVERY_KEY]
    with pytest.raises(VaultLastRecoveryKeyError):
        service.vault.remove_slot(jan.session, PROOF, printed.slot_id)
    service.vault.add_slot(jan.session, PROOF, printed_slot())
    after = service.vault.remove_slot(jan.session, PROOF, printed.slot_id)
    assert [s.kind for s in after.slots].count(VaultSlotKind.RECOVERY_KEY) == 1
    assert printed.slot_id not in {s.slot_id for s in after.slots}


def test_v3_removing_a_security_key_removes_its_slot(
    service: AuthService, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    second = hardware_key()
    ceremony = service.security_keys.begin_add(jan.session, "Spare key")
    service.security_keys.finish_add(jan.session, client_for(second).register(ceremony.options))
    make_vault(service, jan)
    service.my_account.remove_method(jan.session, FactorKind.WEBAUTHN, jan.method_id)
    vault = service.vault.state(jan.session)
    assert vault is not None
    assert [s.kind for s in vault.slots] == [VaultSlotKind.RECOVERY_KEY]
    assert not vault.accepts_entries


def test_a_save_from_an_older_read_is_refused(service: AuthService, user_with_key: KeyUser) -> None:
    jan = user_with_key
    make_vault(service, jan)
    entry_id = new_id()
    first = service.vault.save_entry(jan.session, PROOF, entry_id, b"one" * 100, 0)
    service.vault.save_entry(jan.session, PROOF, entry_id, b"two" * 100, first.revision)
    with pytest.raises(VaultChangedElsewhereError):
        service.vault.save_entry(jan.session, PROOF, entry_id, b"lost" * 100, first.revision)
    with pytest.raises(VaultEntryNotFoundError):
        service.vault.save_entry(jan.session, PROOF, new_id(), b"x" * 100, 3)
    [kept] = service.vault.state(jan.session).entries  # type: ignore[union-attr]
    assert kept.sealed == b"two" * 100 and kept.revision == 2


def test_another_users_entry_cannot_be_written_or_removed(
    service: AuthService, admin: Actor, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    piet = make_user_with_key(service, admin, email="piet@example.nl")
    make_vault(service, jan)
    make_vault(service, piet)
    entry_id = new_id()
    service.vault.save_entry(jan.session, PROOF, entry_id, b"jan" * 100, 0)
    with pytest.raises(VaultMalformedError):
        service.vault.save_entry(piet.session, PROOF, entry_id, b"piet" * 100, 0)
    with pytest.raises(VaultEntryNotFoundError):
        service.vault.remove_entry(piet.session, PROOF, entry_id)
    assert service.vault.state(piet.session).entries == ()  # type: ignore[union-attr]
    assert len(service.vault.state(jan.session).entries) == 1  # type: ignore[union-attr]


def test_sizes_are_bounded(service: AuthService, user_with_key: KeyUser) -> None:
    jan = user_with_key
    make_vault(service, jan)
    for sealed in (b"", os.urandom(16385)):
        with pytest.raises(VaultMalformedError):
            service.vault.save_entry(jan.session, PROOF, new_id(), sealed, 0)
    with pytest.raises(VaultMalformedError):
        service.vault.save_entry(jan.session, PROOF, "entry", b"x", 0)
    for revision in (-1, 2**31, 2**70):  # never as far as SQL, where it would overflow
        with pytest.raises(VaultMalformedError):
            service.vault.save_entry(jan.session, PROOF, new_id(), b"x", revision)
    with pytest.raises(VaultKeyNotYoursError):
        service.vault.add_slot(jan.session, PROOF, key_slot(2**70))


def test_slot_changes_and_removing_entries_need_a_recent_sign_in(
    service: AuthService, user_with_key: KeyUser, clock: PinnedClock
) -> None:
    jan = user_with_key
    make_vault(service, jan)
    entry = service.vault.save_entry(jan.session, PROOF, new_id(), b"x" * 100, 0)
    clock.advance(minutes=30)
    service.vault.save_entry(jan.session, PROOF, entry.entry_id, b"y" * 100, entry.revision)
    with pytest.raises(ReauthenticationRequiredError):
        service.vault.add_slot(jan.session, PROOF, printed_slot())
    with pytest.raises(ReauthenticationRequiredError):
        service.vault.remove_entry(jan.session, PROOF, entry.entry_id)


def test_the_audit_trail_names_ids_never_contents(
    service: AuthService, admin: Actor, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    vault = make_vault(service, jan)
    sealed = os.urandom(512)
    entry = service.vault.save_entry(jan.session, PROOF, new_id(), sealed, 0)
    service.vault.remove_entry(jan.session, PROOF, entry.entry_id)
    events = service.audit.events(subject=jan.email, actor=admin)
    kinds = [e.event_type for e in events if e.event_type.startswith("vault.")]
    assert kinds == ["vault.entry_removed", "vault.entry_saved", "vault.created"]
    text = repr(events)
    assert sealed.hex() not in text and vault.slots[0].wrapped_key.hex() not in text
    assert all(
        e.details.get("vault") == vault.vault_id
        for e in events
        if e.event_type.startswith("vault.")
    )


def test_every_change_needs_the_vault_keys_write_proof_and_a_refusal_is_audited(
    service: AuthService, admin: Actor, user_with_key: KeyUser
) -> None:
    """A live session without the vault key (a stolen token, another program at the
    workstation) can neither overwrite entries nor re-wrap a slot to random bytes."""
    jan = user_with_key
    vault = make_vault(service, jan)
    entry = service.vault.save_entry(jan.session, PROOF, new_id(), b"kept" * 100, 0)
    [key, printed] = vault.slots
    before = service.vault.state(jan.session)
    wrong = os.urandom(32)
    attempts = [
        lambda proof: service.vault.save_entry(
            jan.session, proof, entry.entry_id, b"garbage" * 10, entry.revision
        ),
        lambda proof: service.vault.save_entry(jan.session, proof, new_id(), b"new" * 10, 0),
        lambda proof: service.vault.remove_entry(jan.session, proof, entry.entry_id),
        lambda proof: service.vault.rewrap_slot(
            jan.session, proof, key.slot_id, os.urandom(32), os.urandom(61)
        ),
        lambda proof: service.vault.add_slot(jan.session, proof, printed_slot()),
        lambda proof: service.vault.remove_slot(jan.session, proof, printed.slot_id),
        lambda proof: service.vault.rekey(
            jan.session,
            proof,
            NewVaultKey(
                write_check=write_check_of(wrong),
                slots=(key_slot(jan.method_id), printed_slot()),
                entries=(ResealedEntry(entry_id=entry.entry_id, sealed=b"x" * 50, revision=1),),
            ),
        ),
    ]
    for attempt in attempts:
        for proof in (wrong, b"", CHECK, PROOF[:16]):
            with pytest.raises(VaultWrongKeyError):
                attempt(proof)
    assert service.vault.state(jan.session) == before
    refused = [
        e
        for e in service.audit.events(subject=jan.email, actor=admin)
        if e.event_type == "vault.write_refused"
    ]
    assert len(refused) == len(attempts) * 4
    assert all(e.details == {"vault": vault.vault_id} for e in refused)


def test_a_new_vault_key_replaces_every_slot_and_reseals_every_entry_at_once(
    service: AuthService, admin: Actor, user_with_key: KeyUser
) -> None:
    jan = user_with_key
    vault = make_vault(service, jan)
    one = service.vault.save_entry(jan.session, PROOF, new_id(), b"one" * 100, 0)
    two = service.vault.save_entry(jan.session, PROOF, new_id(), b"two" * 100, 0)
    new_proof = os.urandom(32)
    new_slots = (key_slot(jan.method_id), printed_slot())
    after = service.vault.rekey(
        jan.session,
        PROOF,
        NewVaultKey(
            write_check=write_check_of(new_proof),
            slots=new_slots,
            entries=(
                ResealedEntry(entry_id=one.entry_id, sealed=b"ONE" * 100, revision=1),
                ResealedEntry(entry_id=two.entry_id, sealed=b"TWO" * 100, revision=1),
            ),
        ),
    )
    assert [s.slot_id for s in after.slots] == [s.slot_id for s in new_slots]
    assert not {s.slot_id for s in vault.slots} & {s.slot_id for s in after.slots}
    assert [(e.sealed, e.revision) for e in after.entries] == [
        (b"ONE" * 100, 2),
        (b"TWO" * 100, 2),
    ]
    with pytest.raises(VaultWrongKeyError):  # the old key's proof writes no more
        service.vault.save_entry(jan.session, PROOF, new_id(), b"x" * 10, 0)
    service.vault.save_entry(jan.session, new_proof, new_id(), b"x" * 10, 0)
    events = service.audit.events(subject=jan.email, actor=admin)
    [rekeyed] = [e for e in events if e.event_type == "vault.rekeyed"]
    assert rekeyed.details == {"vault": vault.vault_id, "slots": 2, "entries": 2}


def test_a_new_vault_key_from_an_older_read_changes_nothing(
    service: AuthService, user_with_key: KeyUser
) -> None:
    """Another workstation saved or added an entry since this one read the vault: the
    rekey would lose it (or leave it sealed under the old key), so nothing happens."""
    jan = user_with_key
    vault = make_vault(service, jan)
    one = service.vault.save_entry(jan.session, PROOF, new_id(), b"one" * 100, 0)

    def rekey(*entries: ResealedEntry, slots: tuple[NewSlot, ...] | None = None) -> None:
        service.vault.rekey(
            jan.session,
            PROOF,
            NewVaultKey(
                write_check=write_check_of(os.urandom(32)),
                slots=slots or (key_slot(jan.method_id), printed_slot()),
                entries=entries,
            ),
        )

    resealed = ResealedEntry(entry_id=one.entry_id, sealed=b"ONE" * 100, revision=1)
    service.vault.save_entry(jan.session, PROOF, one.entry_id, b"changed" * 10, 1)
    with pytest.raises(VaultChangedElsewhereError):
        rekey(resealed)  # read at revision 1, now 2
    with pytest.raises(VaultChangedElsewhereError):
        rekey()  # an entry left out
    with pytest.raises(VaultChangedElsewhereError):
        rekey(
            ResealedEntry(entry_id=one.entry_id, sealed=b"ONE" * 100, revision=2),
            ResealedEntry(entry_id=new_id(), sealed=b"NEW" * 100, revision=0),
        )
    with pytest.raises(VaultChangedElsewhereError):
        rekey(resealed, resealed)
    with pytest.raises(VaultNeedsTwoSlotsError):
        rekey(resealed, slots=(printed_slot(),))
    after = service.vault.state(jan.session)
    assert after is not None and after.slots == vault.slots
    assert [(e.sealed, e.revision) for e in after.entries] == [(b"changed" * 10, 2)]
