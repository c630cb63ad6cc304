"""The helpdesk's dashboard numbers."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.errors import InvalidCodeError
from tests.helpers import PinnedClock, make_user
from tests.totp_helpers import make_user_with_app, phone_code, sign_in_ticket
from tests.webauthn_helpers import key_ticket, make_user_with_key, touch_key


def test_enrollment_report(service: AuthService, admin: Actor, clock: PinnedClock) -> None:
    policy = dataclasses.replace(service.policy.current(), enforcement_date="2026-09-01")
    service.policy.replace(actor=admin, policy=policy)
    app = make_user_with_app(service, admin, clock, "app@example.nl")
    keyed = make_user_with_key(service, admin, email="key@example.nl")
    make_user(service, admin, "nog@example.nl")
    make_user(service, admin, "vrij@example.nl")
    service.rollout.set_exemption(actor=admin, email="vrij@example.nl", exempt=True)
    make_user(service, admin, "weg@example.nl")
    service.accounts.set_disabled(actor=admin, email="weg@example.nl", disabled=True)
    # A copied key, and a locked authenticator.
    [credential] = keyed.key.credentials
    for _ in range(2):
        ticket = key_ticket(service, keyed.email)
        service.sign_in.with_second_factor(
            ticket, "webauthn", touch_key(service, ticket, keyed.key)
        )
    keyed.key.wind_back_counter(credential.credential_id, 1)
    ticket = key_ticket(service, keyed.email)
    with pytest.raises(Exception, match="security_key_cloned"):
        service.sign_in.with_second_factor(
            ticket, "webauthn", touch_key(service, ticket, keyed.key)
        )
    ticket = sign_in_ticket(service, app.email)
    wrong = str((int(phone_code(app.secret, clock)) + 1) % 10**6).zfill(6)
    for _ in range(9):
        with pytest.raises(InvalidCodeError):
            service.sign_in.with_second_factor(ticket, "totp", wrong)
    with pytest.raises(Exception, match="second_factor_locked"):
        service.sign_in.with_second_factor(ticket, "totp", wrong)

    report = service.rollout.report(actor=admin)
    # Active: the admin, app, key, nog, vrij (weg is disabled).
    assert report.active_users == 5
    assert report.enrolled == 2 and report.by_kind == {"webauthn": 1, "totp": 1}
    assert report.exempt == 1 and report.enforcement_date == date(2026, 9, 1)
    assert report.not_enrolled == ("beheer@salariszaken.nl", "nog@example.nl")
    assert [(k.email, k.nickname) for k in report.possibly_cloned] == [
        ("key@example.nl", "YubiKey 5")
    ]
    assert report.locked == ("app@example.nl",)
    assert report.recent_failures == 11
    assert round(report.share_enrolled, 2) == 0.4


def test_enrollment_over_time_and_the_day_everyone_is_done_at_this_pace(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """Issue 19 item 14: progress over time, and when 100 % comes at today's pace."""
    from desktop_auth.core.reports import HISTORY_DAYS, PACE_DAYS

    make_user_with_app(service, admin, clock, "lang-geleden@example.nl")
    clock.advance(days=40)  # before the picture's window: counted in its first day
    for number in range(7):  # one set-up every other day over the last two weeks
        make_user_with_app(service, admin, clock, f"nieuw{number}@example.nl")
        clock.advance(days=2)
    clock.advance(days=-1)
    for number in range(14):
        make_user(service, admin, f"nog{number}@example.nl")
    report = service.rollout.report(actor=admin)
    today = clock.now().date()
    assert len(report.history) == HISTORY_DAYS and report.history[-1].day == today
    assert report.history[0].enrolled == 1 and report.history[-1].enrolled == 8
    assert [h.enrolled for h in report.history] == sorted(h.enrolled for h in report.history)
    assert report.remaining == 15  # and the first administrator, without one too
    assert report.pace_per_day == 7 / PACE_DAYS
    assert report.projected_complete == date.fromordinal(today.toordinal() + 30)

    for email in [f"nog{number}@example.nl" for number in range(14)] + ["beheer@salariszaken.nl"]:
        service.rollout.set_exemption(actor=admin, email=email, exempt=True)
    assert service.rollout.report(actor=admin).projected_complete == today  # all done
    clock.advance(days=PACE_DAYS + 1)
    make_user(service, admin, "laat@example.nl")
    stalled = service.rollout.report(actor=admin)
    assert stalled.pace_per_day == 0 and stalled.projected_complete is None
