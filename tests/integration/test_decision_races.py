"""Steps that decide on what they read, raced by two workstations at once.

"Is another method left?" and "is another admin left?" are answered and acted
on in one transaction; on PostgreSQL (READ COMMITTED) two racing transactions
would each see the other's row still there unless the row they decide on is
locked first.  Each round is a fresh race; never may both win.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.errors import LastAdministratorError, LastFactorError
from tests.conftest import ENGINES
from tests.helpers import PinnedClock
from tests.totp_helpers import make_user_with_app, phone_code, secret_from_uri, sign_in_ticket

pytestmark = pytest.mark.parametrize("engine", ENGINES, indirect=True)

ROUNDS = 15


def race(*steps: Callable[[], object]) -> list[str]:
    """Run the steps at the same moment, each in its own thread (and connection)."""
    barrier = threading.Barrier(len(steps))
    outcomes: list[str] = []

    def run(step: Callable[[], object]) -> None:
        barrier.wait(timeout=30)
        try:
            step()
            outcomes.append("won")
        except (LastFactorError, LastAdministratorError) as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=run, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def test_s1_two_removals_at_once_never_leave_an_account_without_a_second_factor(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    for _ in range(ROUNDS):
        clock.advance(seconds=60)
        ticket = sign_in_ticket(service, user.email)
        code = phone_code(user.secret, clock)
        session = service.sign_in.with_second_factor(ticket, "totp", code).session
        assert session is not None
        enrollment = service.authenticator_apps.begin_add(session, "Tablet")
        tablet = secret_from_uri(enrollment.uri)
        service.authenticator_apps.finish_add(
            session, enrollment.enrollment_id, phone_code(tablet, clock)
        )
        ids = [m.method_id for m in service.my_account.methods(session)]
        assert len(ids) == 2

        outcomes = race(
            *(partial(service.my_account.remove_method, session, "totp", i) for i in ids)
        )

        assert outcomes == ["last_factor", "won"]
        left = service.my_account.methods(session)
        assert len(left) == 1
        user.secret = user.secret if left[0].method_id == user.method_id else tablet
        user.method_id = left[0].method_id
    assert service.audit.verify().ok


def test_two_admins_demoting_each_other_at_once_leave_one_admin(
    service: AuthService, admin: Actor
) -> None:
    service.accounts.create(
        actor=admin, email="tweede@salariszaken.nl", display_name="B", role="admin"
    )
    first, second = "beheer@salariszaken.nl", "tweede@salariszaken.nl"
    for _ in range(ROUNDS):
        outcomes = race(
            lambda: service.accounts.set_role(actor=admin, email=first, role="employee"),
            lambda: service.accounts.set_role(actor=admin, email=second, role="employee"),
        )
        assert outcomes == ["last_administrator", "won"]
        admins = service.accounts.page(role="admin")
        assert len(admins) == 1
        demoted = first if admins[0].email == second else second
        service.accounts.set_role(actor=admin, email=demoted, role="admin")
    assert service.audit.verify().ok
