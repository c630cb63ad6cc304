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
