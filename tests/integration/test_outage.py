"""The PostgreSQL server goes away mid-session, and comes back.

Sign-in fails closed with one calm error ("cannot reach the sign-in database"),
never a driver traceback and never a way in; the sign-in in progress can be
retried when the server is back, and nothing was half-written meanwhile.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.service import AuthService, SignInOutcome
from desktop_auth.errors import StoreUnavailableError
from desktop_auth.messages import translate
from desktop_auth.store.db import Store
from desktop_auth.store.keys import KeyringDataKeyStore
from desktop_auth.store.models import User
from tests.helpers import (
    FAST_ARGON2,
    USER_PASSWORD,
    MemoryKeyring,
    PinnedClock,
    initialize_organisation,
)
from tests.postgres_server import PostgresServer
from tests.totp_helpers import make_user_with_app, phone_code, sign_in_ticket


def test_sign_in_fails_closed_while_the_server_is_down_and_works_when_it_is_back(
    own_server: PostgresServer,
) -> None:
    store = Store.open(own_server.url(own_server.new_database()))
    store.upgrade()
    clock = PinnedClock()
    service = AuthService(
        store,
        data_keys=KeyringDataKeyStore(MemoryKeyring()),
        clock=clock,
        hasher=PasswordHasher(FAST_ARGON2),
        workstation="WS-1",
    )
    admin = initialize_organisation(service)
    user = make_user_with_app(service, admin, clock)
    ticket = sign_in_ticket(service, user.email)  # password accepted, code still to come
    events_before = service.audit.verify().events_checked
    code = phone_code(user.secret, clock)

    own_server.stop()
    with pytest.raises(StoreUnavailableError) as down:
        service.sign_in.with_second_factor(ticket, "totp", code)
    assert down.value.code == "store_unavailable"
    assert translate(down.value.message_key, "en").startswith(
        "The sign-in database cannot be reached"
    )
    assert translate(down.value.message_key, "nl").startswith("De inlogdatabase is niet bereikbaar")
    with pytest.raises(StoreUnavailableError):
        service.sign_in.with_password(user.email, USER_PASSWORD)
    with pytest.raises(StoreUnavailableError):
        service.sign_in.with_password(user.email, "a wrong password, counted nowhere")

    own_server.start()
    # The same ticket and code work: neither the code nor a failure was recorded.
    done = service.sign_in.with_second_factor(ticket, "totp", code)
    assert done.outcome is SignInOutcome.DONE
    summary = service.accounts.get(user.email)
    assert (summary.failed_attempts, summary.second_factor_failures) == (0, 0)
    verification = service.audit.verify()
    assert verification.ok
    assert verification.events_checked == events_before + 2  # factor ok + signed in
    service.close()


def test_a_transaction_cut_off_by_the_server_stopping_leaves_nothing_behind(
    own_server: PostgresServer,
) -> None:
    store = Store.open(own_server.url(own_server.new_database()))
    store.upgrade()
    service = AuthService(
        store,
        data_keys=KeyringDataKeyStore(MemoryKeyring()),
        hasher=PasswordHasher(FAST_ARGON2),
        workstation="WS-1",
    )
    initialize_organisation(service)

    def write_then_lose_the_server() -> None:
        with store.transaction() as db:
            db.execute(update(User).values(failed_attempts=User.failed_attempts + 7))
            own_server.stop()  # the server goes away before the commit

    with pytest.raises(StoreUnavailableError):
        write_then_lose_the_server()
    own_server.start()
    assert service.accounts.get("beheer@salariszaken.nl").failed_attempts == 0
    assert service.audit.verify().ok
    service.close()
