"""Helpdesk backup codes through AuthService (SECURITY.md M1, M3, M4, M5, M8, S1, L1)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from desktop_auth.core.service import Actor, AuthService, SignInOutcome
from desktop_auth.errors import (
    CodeAlreadyUsedError,
    CodeExpiredError,
    MethodNotFoundError,
    PermissionDeniedError,
    ReauthenticationRequiredError,
)
from tests.helpers import USER_PASSWORD, PinnedClock, past_sign_in
from tests.totp_helpers import EnrolledUser, make_user_with_app, phone_code, secret_from_uri


def password_step(service: AuthService, email: str) -> tuple[str, list[str]]:
    result = service.sign_in.with_password(email, USER_PASSWORD)
    assert result.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED and result.ticket
    return result.ticket, [m.kind for m in result.methods]


def set_up_again(service: AuthService, ticket: str, clock: PinnedClock) -> None:
    enrollment = service.authenticator_apps.begin_setup(ticket, "Nieuwe telefoon")
    code = phone_code(secret_from_uri(enrollment.uri), clock)
    done = service.authenticator_apps.finish_setup(ticket, enrollment.enrollment_id, code)
    assert done.outcome is SignInOutcome.DONE and done.session is not None


def test_m8_backup_code_leads_only_to_setting_up_again(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    issued = service.recovery_codes.issue_backup_code(
        actor=admin, email=user.email, remove_methods=False
    )
    assert issued.expires_at == clock.now() + service.policy.current().backup_code_lifetime
    assert issued.code not in repr(issued)
    ticket, kinds = password_step(service, user.email)
    assert kinds == ["totp", "backup"]  # strongest first; the helpdesk's code last
    result = service.sign_in.with_second_factor(ticket, "backup", issued.code.lower())
    assert result.outcome is SignInOutcome.SETUP_REQUIRED and result.session is None
    assert result.ticket and result.ticket != ticket
    set_up_again(service, result.ticket, clock)
    # The new phone replaces the old one, which was kept only until now.
    assert [m.label for m in service.accounts.methods(user.email)] == ["Nieuwe telefoon"]
    events = service.audit.events(subject=user.email, limit=None)
    issued_event = next(e for e in events if e.event_type == "backup_code.issued")
    assert issued_event.actor == admin.label and issued_event.workstation == "WS-042"
    used = next(e for e in events if e.event_type == "second_factor.succeeded")
    assert used.details["kind"] == "backup"


def test_m1_a_backup_code_works_once(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    issued = service.recovery_codes.issue_backup_code(actor=admin, email=user.email)
    ticket, _ = password_step(service, user.email)
    service.sign_in.with_second_factor(ticket, "backup", issued.code)
    ticket, kinds = password_step(service, user.email)
    assert kinds == []  # the lost phone was removed when the code was issued
    with pytest.raises(CodeAlreadyUsedError):
        service.sign_in.with_second_factor(ticket, "backup", issued.code)


def test_m4_a_backup_code_lives_24_hours(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    issued = service.recovery_codes.issue_backup_code(actor=admin, email=user.email)
    clock.advance(hours=23, minutes=59)
    ticket, kinds = password_step(service, user.email)
    assert "backup" in kinds
    clock.advance(minutes=1)
    with pytest.raises(CodeExpiredError) as error:
        service.sign_in.with_second_factor(ticket, "backup", issued.code)
    assert error.value.code == "backup_code_expired"
    assert password_step(service, user.email)[1] == []  # and never a setup by password


def test_backup_code_lifetime_follows_the_policy(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    service.policy.replace(
        actor=admin, policy=dataclasses.replace(service.policy.current(), backup_code_hours=2)
    )
    user = make_user_with_app(service, admin, clock)
    issued = service.recovery_codes.issue_backup_code(actor=admin, email=user.email)
    assert issued.expires_at - clock.now() == timedelta(hours=2)
    clock.advance(hours=2)
    ticket, _ = password_step(service, user.email)
    with pytest.raises(CodeExpiredError):
        service.sign_in.with_second_factor(ticket, "backup", issued.code)


def test_a_new_backup_code_revokes_the_old_one(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    first = service.recovery_codes.issue_backup_code(actor=admin, email=user.email)
    second = service.recovery_codes.issue_backup_code(actor=admin, email=user.email)
    ticket, kinds = password_step(service, user.email)
    assert kinds.count("backup") == 1
    with pytest.raises(CodeExpiredError) as error:
        service.sign_in.with_second_factor(ticket, "backup", first.code)
    assert error.value.code == "backup_code_replaced"
    assert service.sign_in.with_second_factor(ticket, "backup", second.code).ticket


def test_m5_helpdesk_removes_the_lost_phone_and_the_code_is_still_needed(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """With every method removed, the password alone must not lead to a fresh setup."""
    user = make_user_with_app(service, admin, clock)
    issued = service.recovery_codes.issue_backup_code(
        actor=admin, email=user.email, remove_methods=True
    )
    assert [m.kind for m in service.accounts.methods(user.email)] == ["backup"]
    ticket, kinds = password_step(service, user.email)
    assert kinds == ["backup"]
    with pytest.raises(MethodNotFoundError):  # the lost phone's app is gone
        service.sign_in.with_second_factor(ticket, "totp", phone_code(user.secret, clock))
    result = service.sign_in.with_second_factor(ticket, "backup", issued.code)
    assert result.outcome is SignInOutcome.SETUP_REQUIRED and result.ticket
    set_up_again(service, result.ticket, clock)
    assert [m.label for m in service.accounts.methods(user.email)] == ["Nieuwe telefoon"]
    removed = [
        e for e in service.audit.events(subject=user.email) if e.event_type == "factor.removed"
    ]
    assert removed and removed[0].actor == admin.label


def test_only_a_recently_signed_in_admin_issues_codes(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan = make_user_with_app(service, admin, clock)
    piet: EnrolledUser = make_user_with_app(service, admin, clock, "piet@example.nl")
    with pytest.raises(PermissionDeniedError):
        service.recovery_codes.issue_backup_code(
            actor=Actor.for_session(piet.session), email=jan.email
        )
    service.accounts.set_role(actor=admin, email=piet.email, role="admin")
    # The role change ended piet's session; his next sign-in is an administrator's.
    promoted = past_sign_in(service, piet.email)
    clock.advance(minutes=6)
    with pytest.raises(ReauthenticationRequiredError):
        service.recovery_codes.issue_backup_code(actor=Actor.for_session(promoted), email=jan.email)
    assert password_step(service, jan.email)[1] == ["totp"]
