"""The organisation's vault escrow (issue 17, SECURITY.md V2): a slot sealed to two
administrators' own keys, one layer inside the other, opened only by both in turn."""

from __future__ import annotations

import base64
import dataclasses
import os
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from typing import cast

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import update

from desktop_auth.core import escrow_key as escrow_key_form
from desktop_auth.core.escrow_key import escrow_key_of
from desktop_auth.core.service import Actor, AuthService, NewSlot
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.errors import (
    KeyFileInvalidError,
    KeyFileWrongPassphraseError,
    KeyPassphraseShortError,
    PermissionDeniedError,
    PolicyEscrowKeyError,
    PolicyEscrowKeyLocalError,
    UserNotFoundError,
    VaultEscrowAdministratorRecentError,
    VaultEscrowHalfFileError,
    VaultEscrowKeyUntrustedError,
    VaultEscrowNotApprovedError,
    VaultEscrowNotFirstKeyError,
    VaultEscrowNotSecondKeyError,
    VaultEscrowOffError,
    VaultEscrowRequestNotFoundError,
    VaultEscrowSameAdministratorError,
    VaultEscrowSlotMissingError,
    VaultMalformedError,
    VaultNotFoundError,
    VaultWrongKeyError,
)
from desktop_auth.remote.wire import LOCAL_ONLY
from desktop_auth.store import key_envelope, models
from desktop_auth.store.db import Store
from desktop_auth.store.models import VaultSlot as VaultSlotRow
from desktop_auth.vault import crypto
from desktop_auth.vault.client import VaultClient, codes_from, escrow_slot
from desktop_auth.vault.crypto import VaultKey
from desktop_auth.vault.entries import EntryContent
from desktop_auth.vault.escrow import (
    AdministratorKey,
    HalfOpened,
    escrow_key,
    finish_opening,
    make_administrator_key,
    open_administrator_key,
    open_first_layer,
)
from desktop_auth.vault.recovery_key import RecoveryKey
from desktop_auth.vocabulary import Role, SecurityNotice, VaultSlotKind
from tests.conftest import ENGINES
from tests.helpers import MemoryKeyring, PinnedClock, make_service, past_sign_in
from tests.remote_helpers import serving
from tests.webauthn_helpers import KeyUser, hardware_key, make_user_with_key

ANNA = "anna-heeft-een-lange-zin"
PIET = "piet-heeft-er-ook-een"
VAULT_ID = str(uuid.uuid4())
SLOT_ID = str(uuid.uuid4())


#: Another administrator: on the store's host, another operating-system user.
PIET_ADMIN = Actor(label="cli:piet@werkplek")
KEES_ADMIN = Actor(label="cli:kees@werkplek")


def approved(service: AuthService, asker: Actor, email: str) -> str:
    """One administrator asks to open ``email``'s vault with the escrow, Piet approves."""
    asked = service.vault.request_escrow(actor=asker, email=email)
    service.vault.approve_escrow(actor=PIET_ADMIN, request_id=asked.request_id)
    return asked.request_id


@dataclasses.dataclass(frozen=True)
class Escrow:
    """Two administrators' keys, each made on its own workstation (here without the
    file's scrypt, which the key-file test covers), and the policy's escrow key of both."""

    first: AdministratorKey
    second: AdministratorKey

    @property
    def public_key(self) -> str:
        return escrow_key_of(self.first.public_bytes, self.second.public_bytes)


def other_spelling(raw: bytes) -> str:
    """The same 32 bytes in base64 with the last character's unused bits set: decoders
    that do not check them read the same key."""
    text = base64.b64encode(raw).decode()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(text[-2])
    spelled = text[:-2] + alphabet[last | 0b11] + "="
    assert base64.b64decode(spelled) == raw and spelled != text
    return spelled


def administrator_key() -> AdministratorKey:
    return AdministratorKey(X25519PrivateKey.generate())


def two_keys() -> Escrow:
    return Escrow(administrator_key(), administrator_key())


def recover_vault(
    service: AuthService,
    escrow: Escrow,
    *,
    actor: Actor,
    email: str,
    label: str,
    finisher: Actor | None = None,
) -> RecoveryKey:
    """Both steps: the first administrator opens their layer, the second (``finisher``,
    by default the same store identity) finishes with their own key."""
    half = open_first_layer(service, escrow.first, actor=actor, email=email)
    return finish_opening(service, escrow.second, half, actor=finisher or actor, label=label)


def escrow_pair() -> tuple[X25519PrivateKey, bytes]:
    private = X25519PrivateKey.generate()
    return private, private.public_key().public_bytes_raw()


def test_a_slot_sealed_to_the_escrow_opens_only_with_both_keys_in_turn_in_its_place() -> None:
    first, first_public = escrow_pair()
    second, second_public = escrow_pair()
    vault_key = VaultKey.new()
    jan = "jan@example.nl"
    sealed = crypto.seal_for_escrow(
        first_public, second_public, vault_key, vault_id=VAULT_ID, slot_id=SLOT_ID, owner=jan
    )
    assert vault_key.material not in sealed
    # The address as an administrator types it: any case, spaces around.
    inner = crypto.open_escrow_outer(
        first, sealed, vault_id=VAULT_ID, slot_id=SLOT_ID, owner=" Jan@Example.NL "
    )
    assert vault_key.material not in inner  # what the first administrator holds
    opened = crypto.open_escrow_inner(second, inner, vault_id=VAULT_ID, slot_id=SLOT_ID, owner=jan)
    assert opened == vault_key
    other, _ = escrow_pair()
    flipped = bytes([sealed[0] ^ 1]) + sealed[1:]
    elsewhere, piet = str(uuid.uuid4()), "piet@example.nl"
    outer_attempts = [
        (second, sealed, VAULT_ID, SLOT_ID, jan),  # the second key first: no outer layer
        (other, sealed, VAULT_ID, SLOT_ID, jan),  # another organisation's escrow
        (first, sealed, elsewhere, SLOT_ID, jan),  # moved to another vault
        (first, sealed, VAULT_ID, elsewhere, jan),  # posing as another slot
        (first, sealed, VAULT_ID, SLOT_ID, piet),  # handed out as someone else's
        (first, flipped, VAULT_ID, SLOT_ID, jan),  # the one-time key altered
        (first, bytes(32) + sealed[32:], VAULT_ID, SLOT_ID, jan),  # a low-order point
        (first, sealed[:20], VAULT_ID, SLOT_ID, jan),
    ]
    for key, wrapped, vault_id, slot_id, owner in outer_attempts:
        with pytest.raises(VaultWrongKeyError):
            crypto.open_escrow_outer(key, wrapped, vault_id=vault_id, slot_id=slot_id, owner=owner)
    inner_attempts = [
        (first, inner, VAULT_ID, SLOT_ID, jan),  # the first administrator alone: no further
        (other, inner, VAULT_ID, SLOT_ID, jan),
        (second, sealed, VAULT_ID, SLOT_ID, jan),  # the slot itself, the outer layer on
        (second, inner, elsewhere, SLOT_ID, jan),
        (second, inner, VAULT_ID, elsewhere, jan),
        (second, inner, VAULT_ID, SLOT_ID, piet),
        (second, inner[:-1] + bytes([inner[-1] ^ 1]), VAULT_ID, SLOT_ID, jan),
        (second, bytes(32) + inner[32:], VAULT_ID, SLOT_ID, jan),
    ]
    for key, layer, vault_id, slot_id, owner in inner_attempts:
        with pytest.raises(VaultWrongKeyError):
            crypto.open_escrow_inner(key, layer, vault_id=vault_id, slot_id=slot_id, owner=owner)


def test_each_administrator_makes_their_own_key_under_their_own_passphrase() -> None:
    """Issue 17: ``init`` took both administrators' passphrases at one keyboard; now each
    makes a key on their own workstation and only the public halves meet."""
    anna, piet = make_administrator_key(ANNA), make_administrator_key(PIET)
    assert anna.sealed not in repr(anna).encode() and ANNA.encode() not in anna.sealed
    opened = open_administrator_key(anna.sealed, ANNA)
    assert base64.b64encode(opened.public_bytes).decode() == anna.public_key
    assert repr(opened) == "AdministratorKey()"  # nothing of the key in a log line
    with pytest.raises(KeyFileWrongPassphraseError):
        open_administrator_key(anna.sealed, PIET)
    data_key_file = key_envelope.seal_key(os.urandom(32), ANNA)
    with pytest.raises(KeyFileInvalidError):  # a data key's export file is not a key
        open_administrator_key(data_key_file, ANNA)
    with pytest.raises(KeyPassphraseShortError):
        make_administrator_key("kort")
    # The policy's key names both, in order; the same key twice is not two people.
    both = escrow_key(f" {anna.public_key}\n", piet.public_key)
    assert escrow_key_form.escrow_key_halves(both) == (
        base64.b64decode(anna.public_key),
        base64.b64decode(piet.public_key),
    )
    assert escrow_key_form.escrow_key_halves(escrow_key(anna.public_key, anna.public_key)) is None
    assert len(both) <= escrow_key_form.ESCROW_KEY_LENGTH == models.ESCROW_KEY_LENGTH


def test_the_escrow_key_is_a_real_key_set_on_the_stores_host_only(
    service: AuthService, admin: Actor
) -> None:
    """Through the policy API one administrator (or a stolen token) could have every vault
    sealed to a key held whole: the key is set only by set_vault_escrow_key, which the
    sign-in server does not serve."""
    good = two_keys().first.public_bytes
    low_order = escrow_key_of(good, bytes(32))
    bad_keys = (
        "not base64!:" + base64.b64encode(good).decode(),
        escrow_key_of(good, os.urandom(31)),
        low_order,
        escrow_key_of(good, good),  # one key twice: one person
        # ...also written a second way: X25519 ignores the top bit, and a number at or
        # above the field's prime is a smaller one (review of the two-key escrow).
        escrow_key_of(good, good[:31] + bytes([good[31] | 0x80])),
        escrow_key_of(good, (2**255 - 19 + 9).to_bytes(32, "little")),  # the base point, 9
        escrow_key_of(good, two_keys().first.public_bytes).removesuffix("="),
        f"{base64.b64encode(good).decode()}:{other_spelling(two_keys().first.public_bytes)}",
        base64.b64encode(good).decode(),  # one key, the earlier form
        escrow_key_of(good, two_keys().first.public_bytes) + ":" + "A" * 44,
    )
    for bad in bad_keys:
        with pytest.raises(PolicyEscrowKeyError):
            service.policy.set_vault_escrow_key(bad, actor=admin)
    assert service.policy.current().vault_escrow_key == ""
    chosen = two_keys().public_key
    with pytest.raises(PolicyEscrowKeyLocalError):
        service.policy.update(actor=admin, changes={"vault_escrow_key": chosen})
    service.policy.replace(
        actor=admin,
        policy=dataclasses.replace(service.policy.current(), vault_escrow_key=chosen),
    )
    assert service.policy.current().vault_escrow_key == ""  # replace keeps it as it was
    assert ("policy", "set_vault_escrow_key") in LOCAL_ONLY
    service.policy.set_vault_escrow_key(chosen, actor=admin)
    assert service.policy.current().vault_escrow_key == chosen


@pytest.fixture
def heard() -> list[tuple[SecurityNotice, str]]:
    return []


@pytest.fixture
def told_service(
    store: Store,
    clock: PinnedClock,
    memory_keyring: MemoryKeyring,
    heard: list[tuple[SecurityNotice, str]],
) -> tuple[AuthService, list[SoftAuthenticator]]:
    plugged: list[SoftAuthenticator] = []

    class Recorder:
        def notify(self, notice: SecurityNotice, email: str) -> None:
            heard.append((notice, email))

    service = make_service(
        store,
        clock=clock,
        keyring=memory_keyring,
        notifiers=[Recorder()],
        security_keys=lambda: plugged[-1:],
    )
    return service, plugged


def printed_slot(sealed_to: str | None = None) -> NewSlot:
    """A printed key's slot as a workstation would send it (random bytes for the key)."""
    return NewSlot(
        slot_id=str(uuid.uuid4()),
        kind=VaultSlotKind.RECOVERY_KEY,
        label="Printed",
        sealed_to=sealed_to,
        wrapped_key=os.urandom(61),
    )


def jan_with_vault(
    service: AuthService,
    admin: Actor,
    plugged: list[SoftAuthenticator],
    trusted: str = "",
    email: str | None = None,
) -> tuple[KeyUser, str]:
    """Jan (or ``email``), with a vault made on a workstation that pins ``trusted``."""
    plugged.append(hardware_key())
    jan = make_user_with_key(service, admin, plugged[-1], *([email] if email else []))
    client = VaultClient(service, jan.session, trusted_escrow_key=trusted)
    [key] = client.key_choices()
    creation = client.begin_create(key)
    printed = creation.recovery_key.formatted()
    vault = creation.finish(printed, label="Printed key")
    vault.add(EntryContent(service="GitHub", codes=codes_from(["aaaa-1111", "bbbb-2222"])))
    return jan, printed


def escrow_on_and_jans_vault(
    told_service: tuple[AuthService, list[SoftAuthenticator]], admin: Actor
) -> tuple[AuthService, list[SoftAuthenticator], Escrow, KeyUser]:
    """Escrow switched on, and Jan's vault made on a workstation that pins its key."""
    service, plugged = told_service
    escrow = two_keys()
    service.policy.set_vault_escrow_key(escrow.public_key, actor=admin)
    jan, _ = jan_with_vault(service, admin, plugged, escrow.public_key)
    return service, plugged, escrow, jan


def test_two_administrators_give_a_user_who_lost_everything_a_new_printed_key(
    told_service: tuple[AuthService, list[SoftAuthenticator]],
    admin: Actor,
    heard: list[tuple[SecurityNotice, str]],
    clock: PinnedClock,
) -> None:
    service, plugged = told_service
    escrow = two_keys()
    service.policy.set_vault_escrow_key(escrow.public_key, actor=admin)
    jan, lost_printed = jan_with_vault(service, admin, plugged, escrow.public_key)
    client = VaultClient(service, jan.session, trusted_escrow_key=escrow.public_key)
    summary = client.summary()
    assert summary.escrow_on and not summary.escrow_untrusted
    assert summary.escrow_opened_at is None
    assert [s.kind for s in summary.slots].count(VaultSlotKind.ESCROW) == 1

    key = escrow
    approved(service, admin, jan.email)
    # Jan hears of the request itself, before anything is opened (issue 17).
    assert heard[-1] == (SecurityNotice.VAULT_ESCROW_REQUESTED, jan.email)
    assert (SecurityNotice.VAULT_ESCROW_USED, jan.email) not in heard
    printed = recover_vault(service, key, actor=admin, email=jan.email, label="From the helpdesk")
    # What the administrators held in their hands: the vault key itself.
    approved(service, admin, jan.email)
    escrowed = service.vault.escrow_slot(actor=admin, email=jan.email)
    known = crypto.open_escrow_inner(
        key.second.private_key,
        crypto.open_escrow_outer(
            key.first.private_key,
            escrowed.wrapped_key,
            vault_id=escrowed.vault_id,
            slot_id=escrowed.slot_id,
            owner=jan.email,
        ),
        vault_id=escrowed.vault_id,
        slot_id=escrowed.slot_id,
        owner=jan.email,
    )
    assert client.summary().escrow_opened_at == clock.now()
    opened = client.open_with_recovery_key(printed.formatted())
    assert opened.escrow_opened_at == clock.now()  # the vault asks for a new key
    assert [e.content.service for e in opened.entries()] == ["GitHub"]
    client.open_with_recovery_key(lost_printed)  # the user's own sheet still opens too
    assert (SecurityNotice.VAULT_ESCROW_USED, jan.email) in heard
    events = [
        e.details.get("step")
        for e in service.audit.events(subject=jan.email, actor=admin)
        if e.event_type == "vault.escrow_used"
    ]
    assert events == ["slot_read", "printed_key_added", "slot_read"]

    # The user's "New printed key…" then leaves the helpdesk nothing it knew — with a
    # key registered after the old ones were lost (Jan's old key has no slot any more).
    removed = next(s for s in opened.slots if s.kind is VaultSlotKind.SECURITY_KEY)
    opened.remove_slot(removed)
    plugged.append(jan.key)
    replacement = opened.begin_new_recovery_key()
    replacement.finish(replacement.recovery_key.formatted(), label="Mine again")
    assert opened.escrow_opened_at is None and client.summary().escrow_opened_at is None
    with pytest.raises(VaultWrongKeyError):
        client.open_with_recovery_key(printed.formatted())
    with pytest.raises(VaultWrongKeyError):  # the key the helpdesk saw writes nothing now
        service.vault.remove_entry(
            jan.session,
            crypto.write_proof(known, vault_id=escrowed.vault_id),
            opened.entries()[0].entry_id,
        )
    approved(service, admin, jan.email)
    again = recover_vault(service, key, actor=admin, email=jan.email, label="Once more")
    assert client.open_with_recovery_key(again.formatted()).entries()  # escrow kept on rekey


def test_keys_of_another_escrow_or_no_escrow_open_nothing(
    told_service: tuple[AuthService, list[SoftAuthenticator]], admin: Actor
) -> None:
    service, plugged = told_service
    jan, _ = jan_with_vault(service, admin, plugged)  # made while escrow was off
    current = two_keys()
    with pytest.raises(VaultEscrowOffError):
        recover_vault(service, current, actor=admin, email=jan.email, label="x")
    service.policy.set_vault_escrow_key(current.public_key, actor=admin)
    with pytest.raises(VaultEscrowOffError):  # no slot until Jan opens his vault again
        recover_vault(service, current, actor=admin, email=jan.email, label="x")
    plugged.append(jan.key)
    # The slot is added as the vault opens, on a workstation that pins that key.
    VaultClient(service, jan.session, trusted_escrow_key=current.public_key).open_with_key()
    approved(service, admin, jan.email)
    # Checked before the slot leaves the store: a wrong key file wastes no approval.
    for wrong in (two_keys(), Escrow(current.second, current.first)):
        with pytest.raises(VaultEscrowNotFirstKeyError):
            recover_vault(service, wrong, actor=admin, email=jan.email, label="x")
    with pytest.raises(UserNotFoundError):
        recover_vault(service, current, actor=admin, email="niemand@example.nl", label="x")
    half = open_first_layer(service, current.first, actor=admin, email=jan.email)
    for second in (current.first, administrator_key()):  # the first alone, or a third
        with pytest.raises(VaultEscrowNotSecondKeyError):
            finish_opening(service, second, half, actor=admin, label="x")
    # What travels between the two: a file that tells its carrier nothing.
    content = half.to_file()
    assert HalfOpened.from_file(content) == half
    assert jan.email in content.decode() and b"inner" in content
    tampered = dataclasses.replace(half, inner=half.inner[:-1] + bytes([half.inner[-1] ^ 1]))
    moved = dataclasses.replace(half, slot_id=str(uuid.uuid4()))
    for altered in (tampered, moved):
        with pytest.raises(VaultWrongKeyError):
            finish_opening(service, current.second, altered, actor=admin, label="x")
    cut = dataclasses.replace(half, inner=half.inner[:-1]).to_file()
    padded = dataclasses.replace(half, inner=half.inner + b"\0" * 4096).to_file()
    wrong_form = content.replace(b"half-opened", b"half-closed")
    for bad in (b"", b"{}", b"\xff", wrong_form, cut, padded):
        with pytest.raises(VaultEscrowHalfFileError):
            HalfOpened.from_file(bad)
    assert finish_opening(service, current.second, half, actor=admin, label="Helpdesk")
    with pytest.raises(VaultEscrowNotApprovedError):  # the same half, once
        finish_opening(service, current.second, half, actor=admin, label="again")


def test_while_escrow_is_on_a_vault_keeps_its_escrow_slot(
    told_service: tuple[AuthService, list[SoftAuthenticator]], admin: Actor
) -> None:
    service, _plugged, escrow, jan = escrow_on_and_jans_vault(told_service, admin)
    state = service.vault.state(jan.session)
    assert state is not None
    [escrowed] = [s for s in state.slots if s.kind is VaultSlotKind.ESCROW]
    assert escrowed.sealed_to == escrow.public_key
    opened = VaultClient(service, jan.session, trusted_escrow_key=escrow.public_key).open_with_key()
    proof = crypto.write_proof(opened._key(), vault_id=state.vault_id)
    with pytest.raises(VaultEscrowSlotMissingError):
        service.vault.remove_slot(jan.session, proof, escrowed.slot_id)
    other_user = make_user_with_key(service, admin, hardware_key(), "piet@example.nl")
    key_slot = NewSlot(
        slot_id=str(uuid.uuid4()),
        kind=VaultSlotKind.SECURITY_KEY,
        label="Key",
        method_id=other_user.method_id,
        salt=os.urandom(32),
        wrapped_key=os.urandom(61),
    )
    printed = printed_slot()
    with pytest.raises(VaultEscrowSlotMissingError):  # a workstation leaving it out
        service.vault.create(
            other_user.session, str(uuid.uuid4()), [key_slot, printed], os.urandom(32)
        )
    second = escrow_slot(escrow.public_key, opened._key(), vault_id=state.vault_id, owner=jan.email)
    with pytest.raises(VaultMalformedError):  # one escrow slot per vault
        service.vault.add_slot(jan.session, proof, second)
    with pytest.raises(VaultWrongKeyError):  # and none at all without the vault key
        service.vault.add_slot(jan.session, os.urandom(32), second)
    with pytest.raises(VaultWrongKeyError):  # the escrow path proves the key as well
        service.vault.recover_with_escrow(
            actor=admin, email=jan.email, proof=os.urandom(32), slot=printed
        )
    refused = [
        e
        for e in service.audit.events(subject=jan.email, actor=admin)
        if e.event_type == "vault.write_refused"
    ]
    assert len(refused) == 2 and refused[0].actor.startswith("cli:")


def test_a_workstation_seals_only_to_the_escrow_key_its_configuration_pins(
    told_service: tuple[AuthService, list[SoftAuthenticator]], admin: Actor
) -> None:
    """Whoever controls the store or the sign-in server can put a key of their own in the
    policy: a workstation that does not pin that key seals nothing to it."""
    service, plugged = told_service
    jan, _ = jan_with_vault(service, admin, plugged)  # made while escrow was off
    planted = two_keys()
    service.policy.set_vault_escrow_key(planted.public_key, actor=admin)
    deployed = two_keys().public_key  # what IT put in this workstation's file
    plugged.append(jan.key)
    for pinned in ("", deployed):
        client = VaultClient(service, jan.session, trusted_escrow_key=pinned)
        assert client.summary().escrow_untrusted
        opened = client.open_with_key()  # the vault still opens for its owner...
        assert not [s for s in opened.slots if s.kind is VaultSlotKind.ESCROW]  # ...sealing nothing
        with pytest.raises(VaultEscrowKeyUntrustedError):
            opened.begin_new_recovery_key()
    with pytest.raises(VaultEscrowOffError):
        recover_vault(service, planted, actor=admin, email=jan.email, label="x")

    piet = make_user_with_key(service, admin, hardware_key(), "piet@example.nl")
    untrusting = VaultClient(service, piet.session, trusted_escrow_key=deployed)
    [key] = untrusting.key_choices()
    plugged.clear()  # no key plugged in: a touch asked for would fail otherwise
    with pytest.raises(VaultEscrowKeyUntrustedError):  # refused before the touch
        untrusting.begin_create(key)
    assert service.vault.state(piet.session) is None
    plugged.append(piet.key)
    trusting = VaultClient(service, piet.session, trusted_escrow_key=planted.public_key)
    assert not trusting.summary().escrow_untrusted
    creation = trusting.begin_create(key)
    made = creation.finish(creation.recovery_key.formatted(), label="Printed")
    assert [s.sealed_to for s in made.slots if s.kind is VaultSlotKind.ESCROW] == [
        planted.public_key
    ]


def test_a_new_escrow_key_or_escrow_off_takes_every_old_escrow_slot_away(
    told_service: tuple[AuthService, list[SoftAuthenticator]], admin: Actor, store: Store
) -> None:
    service, plugged = told_service
    first = two_keys()
    service.policy.set_vault_escrow_key(first.public_key, actor=admin)
    jan, _ = jan_with_vault(service, admin, plugged, first.public_key)
    second = two_keys()
    change = service.policy.set_vault_escrow_key(second.public_key, actor=admin)
    assert change.slots_removed == 1 and change.policy.vault_escrow_key == second.public_key
    with pytest.raises(VaultEscrowNotFirstKeyError):  # the old keys open nothing
        recover_vault(service, first, actor=admin, email=jan.email, label="x")
    with pytest.raises(VaultEscrowOffError):  # the new have no slot yet
        recover_vault(service, second, actor=admin, email=jan.email, label="x")
    plugged.append(jan.key)
    client = VaultClient(service, jan.session, trusted_escrow_key=second.public_key)
    opened = client.open_with_key()
    assert [s.sealed_to for s in opened.slots if s.kind is VaultSlotKind.ESCROW] == [
        second.public_key
    ]
    approved(service, admin, jan.email)
    assert recover_vault(service, second, actor=admin, email=jan.email, label="y")

    # An escrow slot from before revision 0013 names no key: replaced as the vault opens.
    with store.transaction() as db:
        db.execute(
            update(VaultSlotRow)
            .where(VaultSlotRow.kind == VaultSlotKind.ESCROW.value)
            .values(sealed_to=None)
        )
    with pytest.raises(VaultEscrowOffError):
        recover_vault(service, second, actor=admin, email=jan.email, label="z")
    reopened = client.open_with_key()
    assert [s.sealed_to for s in reopened.slots if s.kind is VaultSlotKind.ESCROW] == [
        second.public_key
    ]

    off = service.policy.set_vault_escrow_key("", actor=admin)
    assert off.slots_removed == 1
    assert not [s for s in client.summary().slots if s.kind is VaultSlotKind.ESCROW]
    with pytest.raises(VaultEscrowOffError):
        recover_vault(service, second, actor=admin, email=jan.email, label="x")
    changes = [
        e.details
        for e in service.audit.events(actor=admin)
        if e.event_type == "policy.changed" and e.details.get("settings") == "vault_escrow_key"
    ]
    # Newest first: switched off (1 slot), the second key (Jan's first slot), the first.
    assert [d.get("slots_removed") for d in changes] == [1, 1, 0]


def test_the_store_takes_an_escrow_slot_only_sealed_to_the_policys_key(
    told_service: tuple[AuthService, list[SoftAuthenticator]], admin: Actor
) -> None:
    """The key changing between a workstation's read and its write, or a workstation
    naming another key: refused, nothing written."""
    service, plugged, escrow, jan = escrow_on_and_jans_vault(told_service, admin)
    plugged.append(jan.key)
    opened = VaultClient(service, jan.session, trusted_escrow_key=escrow.public_key).open_with_key()
    proof = crypto.write_proof(opened._key(), vault_id=opened.vault_id)
    other = two_keys().public_key
    stale = escrow_slot(other, opened._key(), vault_id=opened.vault_id, owner=jan.email)
    with pytest.raises(VaultEscrowSlotMissingError):
        service.vault.add_slot(jan.session, proof, stale)
    printed = printed_slot(sealed_to=escrow.public_key)
    with pytest.raises(VaultMalformedError):  # only an escrow slot names an escrow key
        service.vault.add_slot(jan.session, proof, printed)
    unnamed = dataclasses.replace(
        escrow_slot(escrow.public_key, opened._key(), vault_id=opened.vault_id, owner=jan.email),
        sealed_to=None,
    )
    with pytest.raises(VaultEscrowSlotMissingError):
        service.vault.add_slot(jan.session, proof, unnamed)
    state = service.vault.state(jan.session)
    assert state is not None and [s.sealed_to for s in state.slots if s.sealed_to] == [
        escrow.public_key
    ]


def test_the_escrow_slot_leaves_the_store_once_on_a_request_another_administrator_approved(
    told_service: tuple[AuthService, list[SoftAuthenticator]],
    admin: Actor,
    clock: PinnedClock,
) -> None:
    """Review finding 3: one person with both share files and both passphrases opened any
    vault alone (the escrow's earlier form); now the store asks for a second administrator
    as well."""
    service, _plugged, escrow, jan = escrow_on_and_jans_vault(told_service, admin)
    key = escrow
    with pytest.raises(VaultEscrowNotApprovedError):  # both keys, one administrator
        recover_vault(service, key, actor=admin, email=jan.email, label="x")

    asked = service.vault.request_escrow(actor=admin, email=jan.email)
    assert asked.approved_by is None and asked.expires_at == clock.now() + timedelta(hours=24)
    with pytest.raises(VaultEscrowNotApprovedError):
        service.vault.escrow_slot(actor=admin, email=jan.email)
    with pytest.raises(VaultEscrowSameAdministratorError):
        service.vault.approve_escrow(actor=admin, request_id=asked.request_id)
    with pytest.raises(VaultEscrowRequestNotFoundError):
        service.vault.approve_escrow(actor=PIET_ADMIN, request_id="2222-3333-4444")
    [waiting] = service.vault.escrow_requests(actor=PIET_ADMIN)
    assert waiting == asked and waiting.email == jan.email

    # The number as a person types it: lower case, spaces around.
    approval = service.vault.approve_escrow(
        actor=PIET_ADMIN, request_id=f" {asked.request_id.lower()} "
    )
    assert approval.approved_by == PIET_ADMIN.label and approval.approved_at == clock.now()
    with pytest.raises(VaultEscrowRequestNotFoundError):  # a third cannot take it over
        service.vault.approve_escrow(actor=KEES_ADMIN, request_id=asked.request_id)
    with pytest.raises(VaultEscrowNotApprovedError):  # nor use it
        service.vault.escrow_slot(actor=KEES_ADMIN, email=jan.email)

    # Piet opens his layer at his workstation; the other key's holder finishes at theirs,
    # and only one of the two who asked and approved may.
    half = open_first_layer(service, key.first, actor=PIET_ADMIN, email=jan.email)
    with pytest.raises(VaultEscrowNotApprovedError):
        finish_opening(service, key.second, half, actor=KEES_ADMIN, label="Helpdesk")
    printed = finish_opening(service, key.second, half, actor=admin, label="Helpdesk")
    VaultClient(service, jan.session).open_with_recovery_key(printed.formatted())
    with pytest.raises(VaultEscrowNotApprovedError):  # once
        service.vault.escrow_slot(actor=admin, email=jan.email)
    assert service.vault.escrow_requests(actor=admin) == []

    audited = [
        (e.event_type, e.actor, e.details.get("request"))
        for e in reversed(service.audit.events(subject=jan.email, actor=admin))
        if e.event_type.startswith("vault.escrow")
    ]
    assert audited == [
        ("vault.escrow_requested", admin.label, asked.request_id),
        ("vault.escrow_approved", PIET_ADMIN.label, asked.request_id),
        ("vault.escrow_used", PIET_ADMIN.label, asked.request_id),
        ("vault.escrow_used", admin.label, None),  # the printed key added
    ]


def test_an_escrow_request_holds_a_day_and_asks_only_what_the_escrow_can_open(
    told_service: tuple[AuthService, list[SoftAuthenticator]],
    admin: Actor,
    clock: PinnedClock,
) -> None:
    service, plugged = told_service
    jan, _ = jan_with_vault(service, admin, plugged)  # made while escrow was off
    with pytest.raises(VaultEscrowOffError):
        service.vault.request_escrow(actor=admin, email=jan.email)
    escrow = two_keys()
    service.policy.set_vault_escrow_key(escrow.public_key, actor=admin)
    with pytest.raises(VaultEscrowOffError):  # no escrow slot until Jan opens it again
        service.vault.request_escrow(actor=admin, email=jan.email)
    piet = make_user_with_key(service, admin, hardware_key(), "piet@example.nl")
    with pytest.raises(VaultNotFoundError):
        service.vault.request_escrow(actor=admin, email=piet.email)
    with pytest.raises(UserNotFoundError):
        service.vault.request_escrow(actor=admin, email="niemand@example.nl")

    plugged.append(jan.key)
    VaultClient(service, jan.session, trusted_escrow_key=escrow.public_key).open_with_key()
    late = service.vault.request_escrow(actor=admin, email=jan.email)
    clock.advance(hours=24)
    with pytest.raises(VaultEscrowRequestNotFoundError):
        service.vault.approve_escrow(actor=PIET_ADMIN, request_id=late.request_id)
    unused = approved(service, admin, jan.email)
    clock.advance(hours=24)
    with pytest.raises(VaultEscrowNotApprovedError):
        recover_vault(service, escrow, actor=admin, email=jan.email, label="x")
    assert unused not in [r.request_id for r in service.vault.escrow_requests(actor=admin)]


def test_through_the_server_two_administrator_accounts_are_two_people(
    told_service: tuple[AuthService, list[SoftAuthenticator]], admin: Actor, clock: PinnedClock
) -> None:
    service, _plugged, escrow, jan = escrow_on_and_jans_vault(told_service, admin)
    service.accounts.create(
        actor=admin, email="piet@salariszaken.nl", display_name="Piet Beheer", role=Role.ADMIN
    )
    # Made by another administrator: for a week it could be a stand-in its maker signs in to.
    piet = Actor.for_session(past_sign_in(service, "piet@salariszaken.nl"))
    with pytest.raises(VaultEscrowAdministratorRecentError):
        service.vault.request_escrow(actor=piet, email=jan.email)
    clock.advance(days=8)
    anna = Actor.for_session(past_sign_in(service, "beheer@salariszaken.nl"))
    anna_again = Actor.for_session(past_sign_in(service, "beheer@salariszaken.nl"))
    piet = Actor.for_session(past_sign_in(service, "piet@salariszaken.nl"))
    employee = Actor.for_session(past_sign_in(service, jan.email))
    with serving(service) as remote:
        client = cast(AuthService, remote)
        with pytest.raises(PermissionDeniedError):
            client.vault.request_escrow(actor=employee, email=jan.email)
        # The audit names the account the session belongs to, whatever label came along.
        posing = dataclasses.replace(anna, label="user:piet@salariszaken.nl")
        asked = client.vault.request_escrow(actor=posing, email=jan.email)
        assert asked.requested_by == "user:beheer@salariszaken.nl"
        # Anna signed in a second time, at another workstation, is still Anna.
        with pytest.raises(VaultEscrowSameAdministratorError):
            client.vault.approve_escrow(actor=anna_again, request_id=asked.request_id)
        client.vault.approve_escrow(actor=piet, request_id=asked.request_id)
        printed = recover_vault(
            client, escrow, actor=anna_again, email=jan.email, label="Helpdesk", finisher=piet
        )
    jan_now = past_sign_in(service, jan.email)
    assert VaultClient(service, jan_now).open_with_recovery_key(printed.formatted())


def test_a_stand_in_or_a_former_administrator_opens_nothing(
    told_service: tuple[AuthService, list[SoftAuthenticator]], admin: Actor, clock: PinnedClock
) -> None:
    """Review of finding 3: Anna could reset Piet's password, sign in as him and approve her
    own request; or Piet, approving, could be disabled before the slot is taken."""
    service, _plugged, _escrow, jan = escrow_on_and_jans_vault(told_service, admin)
    service.accounts.create(
        actor=admin, email="piet@salariszaken.nl", display_name="Piet Beheer", role=Role.ADMIN
    )
    clock.advance(days=8)
    anna = Actor.for_session(past_sign_in(service, "beheer@salariszaken.nl"))
    asked = service.vault.request_escrow(actor=anna, email=jan.email)
    service.accounts.reset_password(actor=anna, email="piet@salariszaken.nl")
    stand_in = Actor.for_session(past_sign_in(service, "piet@salariszaken.nl"))
    with pytest.raises(VaultEscrowAdministratorRecentError) as refused:
        service.vault.approve_escrow(actor=stand_in, request_id=asked.request_id)
    assert refused.value.params["email"] == "piet@salariszaken.nl"

    clock.advance(days=8)  # a week of Piet's own use later he is himself again
    anna = Actor.for_session(past_sign_in(service, "beheer@salariszaken.nl"))
    piet = Actor.for_session(past_sign_in(service, "piet@salariszaken.nl"))
    asked = service.vault.request_escrow(actor=anna, email=jan.email)
    service.vault.approve_escrow(actor=piet, request_id=asked.request_id)
    service.accounts.set_role(actor=admin, email="piet@salariszaken.nl", role=Role.EMPLOYEE)
    with pytest.raises(VaultEscrowNotApprovedError):  # approved by someone no longer one
        service.vault.escrow_slot(actor=anna, email=jan.email)


def test_the_owners_own_view_never_carries_the_escrow_slot(
    told_service: tuple[AuthService, list[SoftAuthenticator]], admin: Actor
) -> None:
    """An administrator who signs in as the owner (after a password reset, say) must not
    find the escrow slot there: it leaves the store only on two administrators' request."""
    service, _plugged, escrow, jan = escrow_on_and_jans_vault(told_service, admin)
    state = service.vault.state(jan.session)
    assert state is not None
    [escrowed] = [s for s in state.slots if s.kind is VaultSlotKind.ESCROW]
    assert escrowed.wrapped_key == b"" and escrowed.sealed_to == escrow.public_key
    assert all(s.wrapped_key for s in state.slots if s.kind is not VaultSlotKind.ESCROW)
    # Nor is a printed key added "with the escrow" without a slot handed out just now,
    # not even by someone who holds the vault key.
    opened = VaultClient(service, jan.session, trusted_escrow_key=escrow.public_key).open_with_key()
    proof = crypto.write_proof(opened._key(), vault_id=opened.vault_id)
    with pytest.raises(VaultEscrowNotApprovedError):
        service.vault.recover_with_escrow(
            actor=admin, email=jan.email, proof=proof, slot=printed_slot()
        )


def test_an_approval_for_an_earlier_escrow_key_opens_nothing(
    told_service: tuple[AuthService, list[SoftAuthenticator]], admin: Actor
) -> None:
    service, plugged = told_service
    first = two_keys()
    service.policy.set_vault_escrow_key(first.public_key, actor=admin)
    jan, _ = jan_with_vault(service, admin, plugged, first.public_key)
    approved(service, admin, jan.email)
    second = two_keys()
    service.policy.set_vault_escrow_key(second.public_key, actor=admin)
    plugged.append(jan.key)
    VaultClient(service, jan.session, trusted_escrow_key=second.public_key).open_with_key()
    with pytest.raises(VaultEscrowNotApprovedError):
        recover_vault(service, second, actor=admin, email=jan.email, label="x")


def at_once(*calls: Callable[[], object]) -> list[object]:
    """Each call in its own thread, released together; what each returned or raised."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> object:
        start.wait()
        try:
            return call()
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_two_approvals_or_two_hand_outs_at_once_use_a_request_once(
    told_service: tuple[AuthService, list[SoftAuthenticator]], admin: Actor
) -> None:
    """The approval and the hand-out are conditional updates: of two at once, on two
    connections, one wins and the other is refused (on PostgreSQL the second waits for
    the first's row lock, then finds the row taken)."""
    service, _plugged, _escrow, jan = escrow_on_and_jans_vault(told_service, admin)
    for _round in range(3):
        asked = service.vault.request_escrow(actor=admin, email=jan.email)
        approve, take = service.vault.approve_escrow, service.vault.escrow_slot
        approvals = at_once(
            partial(approve, actor=PIET_ADMIN, request_id=asked.request_id),
            partial(approve, actor=KEES_ADMIN, request_id=asked.request_id),
        )
        won = [a for a in approvals if not isinstance(a, Exception)]
        assert len(won) == 1, approvals
        assert [type(a) for a in approvals if isinstance(a, Exception)] == [
            VaultEscrowRequestNotFoundError
        ]
        approver = PIET_ADMIN if won[0].approved_by == PIET_ADMIN.label else KEES_ADMIN
        hand_outs = at_once(
            partial(take, actor=admin, email=jan.email),
            partial(take, actor=approver, email=jan.email),
        )
        assert len([h for h in hand_outs if not isinstance(h, Exception)]) == 1, hand_outs
        assert [type(h) for h in hand_outs if isinstance(h, Exception)] == [
            VaultEscrowNotApprovedError
        ]
    approved_events = [
        e
        for e in service.audit.events(subject=jan.email)
        if e.event_type == "vault.escrow_approved"
    ]
    assert len(approved_events) == 3


def test_any_administrator_withdraws_a_request_before_it_is_used(
    told_service: tuple[AuthService, list[SoftAuthenticator]],
    admin: Actor,
    heard: list[tuple[SecurityNotice, str]],
) -> None:
    """Issue 17: the owner, told of a request, could only object by calling the helpdesk,
    and the helpdesk could not take the request back."""
    service, _plugged, escrow, jan = escrow_on_and_jans_vault(told_service, admin)
    asked = approved(service, admin, jan.email)
    employee = Actor.for_session(jan.session)
    with pytest.raises(PermissionDeniedError):
        service.vault.cancel_escrow(actor=employee, request_id=asked)
    # A third administrator may: the safe direction.
    withdrawn = service.vault.cancel_escrow(actor=KEES_ADMIN, request_id=f" {asked.lower()}")
    assert withdrawn.request_id == asked and withdrawn.email == jan.email
    assert heard[-1] == (SecurityNotice.VAULT_ESCROW_CANCELLED, jan.email)
    assert service.vault.escrow_requests(actor=admin) == []
    with pytest.raises(VaultEscrowNotApprovedError):  # it opens nothing now
        recover_vault(service, escrow, actor=admin, email=jan.email, label="x")
    with pytest.raises(VaultEscrowRequestNotFoundError):  # once
        service.vault.cancel_escrow(actor=admin, request_id=asked)
    with pytest.raises(VaultEscrowRequestNotFoundError):
        service.vault.approve_escrow(actor=KEES_ADMIN, request_id=asked)
    with pytest.raises(VaultEscrowRequestNotFoundError):
        service.vault.cancel_escrow(actor=admin, request_id="2222-3333-4444")

    used = approved(service, admin, jan.email)
    half = open_first_layer(service, escrow.first, actor=admin, email=jan.email)
    with pytest.raises(VaultEscrowRequestNotFoundError):  # too late once the slot is out
        service.vault.cancel_escrow(actor=admin, request_id=used)
    assert finish_opening(service, escrow.second, half, actor=admin, label="Helpdesk")
    audited = [
        (e.event_type, e.actor, e.details.get("request"))
        for e in service.audit.events(subject=jan.email)
        if e.event_type == "vault.escrow_cancelled"
    ]
    assert audited == [("vault.escrow_cancelled", KEES_ADMIN.label, asked)]


def test_a_store_handing_out_another_vaults_slot_gets_it_refused_not_unwrapped(
    told_service: tuple[AuthService, list[SoftAuthenticator]],
    admin: Actor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Review of the two-key escrow: the layers bound vault and slot, not whose vault it
    is, so a store answering "open Jan's" with Piet's slot had Anna unwrap Piet's layer
    into a file labelled Jan.  Both layers bind the address the administrator typed."""
    service, plugged, escrow, jan = escrow_on_and_jans_vault(told_service, admin)
    piet, _ = jan_with_vault(service, admin, plugged, escrow.public_key, "piet@example.nl")
    approved(service, admin, piet.email)
    pietss = service.vault.escrow_slot(actor=admin, email=piet.email)
    approved(service, admin, jan.email)
    monkeypatch.setattr(service.vault, "escrow_slot", lambda **_: pietss)
    with pytest.raises(VaultWrongKeyError):
        open_first_layer(service, escrow.first, actor=admin, email=jan.email)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_second_step_comes_within_the_hour(
    told_service: tuple[AuthService, list[SoftAuthenticator]],
    admin: Actor,
    clock: PinnedClock,
) -> None:
    service, _plugged, escrow, jan = escrow_on_and_jans_vault(told_service, admin)
    approved(service, admin, jan.email)
    half = open_first_layer(service, escrow.first, actor=admin, email=jan.email)
    clock.advance(minutes=61)
    with pytest.raises(VaultEscrowNotApprovedError):
        finish_opening(service, escrow.second, half, actor=admin, label="late")
    approved(service, admin, jan.email)
    half = open_first_layer(service, escrow.first, actor=admin, email=jan.email)
    clock.advance(minutes=59)
    assert finish_opening(service, escrow.second, half, actor=admin, label="in time")
