"""Bringing the data key to another workstation: ``admin key export`` / ``import``.

Every workstation on one shared store needs the same key; one whose key cannot
open the store's secrets refuses to start and says how to fix it (SECURITY.md C1,
C2: the key travels only sealed under a passphrase, and is never printed).
"""

from __future__ import annotations

import base64
import json
import threading

import pytest

from desktop_auth.config import Config
from desktop_auth.core.service import Actor, AuthService, SignInOutcome
from desktop_auth.errors import DataKeyError, WeakPasswordError
from desktop_auth.messages import translate
from desktop_auth.store.db import Store
from desktop_auth.store.keys import KeyringDataKeyStore
from desktop_auth.store.secretbox import new_data_key
from desktop_auth.store.settings import STORE_ID, put_setting
from tests.conftest import ENGINES
from tests.helpers import FAST_ARGON2, MemoryKeyring, PinnedClock, secret_box_of
from tests.totp_helpers import make_user_with_app, phone_code, sign_in_ticket

pytestmark = pytest.mark.parametrize("engine", ENGINES, indirect=True)

PASSPHRASE = "stevige wachtwoordzin voor de sleutel"


def workstation(database_url: str, keyring: MemoryKeyring, clock: PinnedClock) -> AuthService:
    config = Config(database_url=database_url, argon2=FAST_ARGON2)
    return AuthService.open(config, keyring_backend=keyring, clock=clock, workstation="WS-2")


def test_c1_an_imported_key_lets_a_second_workstation_open_the_secrets(
    service: AuthService, admin: object, database_url: str, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, service.accounts.local_administrator(), clock)
    content = service.operations.export_data_key(
        PASSPHRASE, actor=service.accounts.local_administrator()
    )

    second_keyring = MemoryKeyring()
    with pytest.raises(DataKeyError) as refused:  # no key here: refuses to start
        workstation(database_url, second_keyring, clock)
    assert refused.value.code == "data_key_missing"
    assert "admin key import" in translate(refused.value.message_key, "nl", where="x")

    repair = AuthService.open(
        Config(database_url=database_url, argon2=FAST_ARGON2),
        keyring_backend=second_keyring,
        check_data_key=False,
    )
    fingerprint = repair.operations.import_data_key(
        content, PASSPHRASE, actor=repair.accounts.local_administrator()
    )
    assert fingerprint == secret_box_of(service).fingerprint
    repair.close()

    second = workstation(database_url, second_keyring, clock)
    ticket = sign_in_ticket(second, user.email)
    done = second.sign_in.with_second_factor(ticket, "totp", phone_code(user.secret, clock))
    assert done.outcome is SignInOutcome.DONE
    events = [e for e in second.audit.events(limit=None) if e.event_type.startswith("data_key.")]
    assert [e.event_type for e in reversed(events)] == ["data_key.exported", "data_key.imported"]
    assert all(dict(e.details) == {"fingerprint": fingerprint} for e in events)
    second.close()


def test_a_workstation_with_another_key_refuses_to_start_until_the_right_one_is_imported(
    service: AuthService,
    admin: object,
    database_url: str,
    clock: PinnedClock,
    memory_keyring: MemoryKeyring,
) -> None:
    make_user_with_app(service, service.accounts.local_administrator(), clock)  # a seed is sealed
    content = service.operations.export_data_key(
        PASSPHRASE, actor=service.accounts.local_administrator()
    )
    (_, store_id), _key = next(iter(memory_keyring.entries.items()))
    wrong = MemoryKeyring()
    wrong.set_password("desktop-auth", store_id, base64.b64encode(new_data_key()).decode())

    with pytest.raises(DataKeyError) as refused:
        workstation(database_url, wrong, clock)
    assert refused.value.code == "data_key_mismatch"

    repair = AuthService.open(
        Config(database_url=database_url, argon2=FAST_ARGON2),
        keyring_backend=wrong,
        check_data_key=False,
    )
    repair.operations.import_data_key(
        content, PASSPHRASE, actor=repair.accounts.local_administrator()
    )
    repair.close()
    workstation(database_url, wrong, clock).close()  # starts now


def test_a_key_file_from_another_store_is_refused_and_changes_nothing(
    service: AuthService, admin: object, memory_keyring: MemoryKeyring, tmp_path: object
) -> None:
    secret_box_of(service)  # this store's key exists
    other = AuthService.open(
        Config(database_url=f"sqlite:///{tmp_path}/other.sqlite3", argon2=FAST_ARGON2),
        keyring_backend=MemoryKeyring(),
    )
    other.initialize(
        actor=other.accounts.local_administrator(),
        organisation_name="Ander Bedrijf",
        rp_id="ander.nl",
        admin_email="a@ander.nl",
        admin_display_name="A",
        admin_password="koffie tafel regen zomer fiets",
    )
    foreign = other.operations.export_data_key(
        PASSPHRASE, actor=other.accounts.local_administrator()
    )
    other.close()
    before = dict(memory_keyring.entries)
    with pytest.raises(DataKeyError) as refused:
        service.operations.import_data_key(
            foreign, PASSPHRASE, actor=service.accounts.local_administrator()
        )
    assert refused.value.code == "key_file_other_store"
    assert memory_keyring.entries == before


def test_c2_the_file_holds_the_key_only_sealed_and_a_wrong_passphrase_opens_nothing(
    service: AuthService, admin: object, memory_keyring: MemoryKeyring
) -> None:
    content = service.operations.export_data_key(
        PASSPHRASE, actor=service.accounts.local_administrator()
    )
    key_text = next(iter(memory_keyring.entries.values()))
    key = base64.b64decode(key_text)
    assert key_text.encode() not in content and key not in content
    assert PASSPHRASE.encode() not in content
    document = json.loads(content)
    assert document["kdf"] == {"name": "scrypt", "n": 2**17, "r": 8, "p": 1}

    actor = service.accounts.local_administrator()
    with pytest.raises(DataKeyError) as wrong:
        service.operations.import_data_key(content, PASSPHRASE + "!", actor=actor)
    assert wrong.value.code == "key_file_wrong_passphrase"
    document["fingerprint"] = "0" * 32  # a changed header breaks the seal too
    with pytest.raises(DataKeyError):
        service.operations.import_data_key(json.dumps(document).encode(), PASSPHRASE, actor=actor)
    with pytest.raises(DataKeyError) as garbage:
        service.operations.import_data_key(b"not a key file", PASSPHRASE, actor=actor)
    assert garbage.value.code == "key_file_invalid"
    with pytest.raises(WeakPasswordError) as short:
        service.operations.export_data_key("kort", actor=actor)
    assert "too_short" in short.value.reasons
    for entry in service.audit.events(limit=None):
        assert PASSPHRASE not in json.dumps(dict(entry.details))


def test_two_workstations_starting_together_never_make_two_keys(
    store: Store, clock: PinnedClock
) -> None:
    """On a fresh store the first key is claimed under a row lock: the workstation that
    comes second is told to import the key, instead of sealing under a key of its own.
    (A store named but with no key yet: the first run's audit event claims one at once.)"""
    with store.transaction() as db:
        put_setting(db, STORE_ID, "a-store-without-a-key")
    keyrings = [MemoryKeyring(), MemoryKeyring()]
    services = [
        AuthService(store, data_keys=KeyringDataKeyStore(k), clock=clock, workstation=f"WS-{n}")
        for n, k in enumerate(keyrings)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start(service: AuthService) -> None:
        barrier.wait(timeout=30)
        try:
            secret_box_of(service)
            outcomes.append("made")
        except DataKeyError as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=start, args=(s,)) for s in services]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["data_key_missing", "made"]
    assert sum(len(k.entries) for k in keyrings) == 1


@pytest.mark.parametrize("weak", ["password1234", "aaaaaaaaaaaa", "salariszaken-2026"])
def test_c6_the_export_passphrase_is_judged_as_a_password_is(
    service: AuthService, admin: Actor, weak: str
) -> None:
    """The file opens every seed: a passphrase the password policy refuses is refused."""
    with pytest.raises(WeakPasswordError) as refused:
        service.operations.export_data_key(weak, actor=admin)
    assert refused.value.reasons
    assert [e for e in service.audit.events() if e.event_type == "data_key.exported"] == []
    assert service.operations.export_data_key(PASSPHRASE, actor=admin)
