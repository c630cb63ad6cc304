"""The organisation's rollout: enforcement date, exemptions, retiring old 2FA, CSV import."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from desktop_auth.core.service import Actor, AssuranceLevel, AuthService, SignInOutcome
from desktop_auth.errors import (
    ConfigError,
    InvalidInputError,
    MethodNotFoundError,
    SetupNotDeferrableError,
)
from desktop_auth.vocabulary import FactorKind
from tests.helpers import USER_PASSWORD, PinnedClock, make_user
from tests.totp_helpers import make_user_with_app, phone_code, secret_from_uri


def enforce_from(service: AuthService, admin: Actor, day: date | None) -> None:
    policy = dataclasses.replace(
        service.policy.current(), enforcement_date=day.isoformat() if day else None
    )
    service.policy.replace(actor=admin, policy=policy)


def test_before_the_enforcement_date_setup_may_wait(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """The manual's "vanaf 1 juli 2026": until then, "Remind me later" (clock pinned)."""
    enforce_from(service, admin, date(2026, 7, 1))
    clock.current = clock.current.replace(month=6, day=30, hour=12)
    make_user(service, admin)
    result = service.sign_in.with_password("jan@example.nl", USER_PASSWORD)
    assert result.outcome is SignInOutcome.SETUP_REQUIRED and result.ticket
    assert result.setup_deadline == date(2026, 7, 1)
    later = service.sign_in.remind_me_later(result.ticket)
    assert later.session is not None and later.session.assurance is AssuranceLevel.AAL1
    deferred = [
        e
        for e in service.audit.events(subject="jan@example.nl")
        if e.event_type == "setup.deferred"
    ]
    assert deferred and deferred[0].details["until"] == "2026-07-01"


def test_from_the_enforcement_date_setup_is_the_only_way_on(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    enforce_from(service, admin, date(2026, 7, 1))
    clock.current = clock.current.replace(month=7, day=1, hour=12)
    make_user(service, admin)
    result = service.sign_in.with_password("jan@example.nl", USER_PASSWORD)
    assert result.outcome is SignInOutcome.SETUP_REQUIRED and result.ticket
    assert result.setup_deadline is None
    with pytest.raises(SetupNotDeferrableError):
        service.sign_in.remind_me_later(result.ticket)
    # The ticket survives the refusal: setting up still works.
    enrollment = service.authenticator_apps.begin_setup(result.ticket, "Telefoon")
    code = phone_code(secret_from_uri(enrollment.uri), clock)
    assert service.authenticator_apps.finish_setup(
        result.ticket, enrollment.enrollment_id, code
    ).session


def test_a_ticket_deferred_just_before_midnight_is_refused_after_it(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    enforce_from(service, admin, date(2026, 7, 1))
    clock.current = clock.current.replace(month=6, day=30, hour=23, minute=58)
    make_user(service, admin)
    result = service.sign_in.with_password("jan@example.nl", USER_PASSWORD)
    assert result.ticket and result.setup_deadline
    clock.advance(minutes=3)
    with pytest.raises(SetupNotDeferrableError):
        service.sign_in.remind_me_later(result.ticket)


def test_admin_extends_one_users_deadline_or_exempts_them(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    enforce_from(service, admin, clock.now().date())  # required from today
    make_user(service, admin, "jan@example.nl")
    make_user(service, admin, "piet@example.nl")
    later = clock.now().date() + timedelta(days=14)
    summary = service.rollout.set_deadline(actor=admin, email="jan@example.nl", until=later)
    assert summary.setup_deadline == later
    jan = service.sign_in.with_password("jan@example.nl", USER_PASSWORD)
    assert jan.setup_deadline == later and jan.ticket
    assert service.sign_in.remind_me_later(jan.ticket).session is not None
    service.rollout.set_exemption(actor=admin, email="piet@example.nl", exempt=True)
    piet = service.sign_in.with_password("piet@example.nl", USER_PASSWORD)
    assert piet.outcome is SignInOutcome.DONE and piet.session is not None
    assert piet.session.assurance is AssuranceLevel.AAL1
    events = {e.event_type for e in service.audit.events(limit=None)}
    assert {"user.deadline_changed", "user.exemption_changed"} <= events


def test_enforcement_date_is_checked() -> None:
    from desktop_auth.core.policy import Policy

    with pytest.raises(ConfigError):
        Policy(enforcement_date="1 juli")
    assert Policy(enforcement_date="2026-07-01").enforcement_day == date(2026, 7, 1)


# --- retiring the old 2FA ----------------------------------------------------------------


def test_retiring_all_apps_sends_everyone_through_setup_again(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """The manual: the old 2FA is switched off; sign in with your password, set up again."""
    jan = make_user_with_app(service, admin, clock, "jan@example.nl")
    piet = make_user_with_app(service, admin, clock, "piet@example.nl")
    report = service.rollout.retire(actor=admin, kind="totp")
    assert (report.methods_removed, report.users_affected) == (2, 2)
    for user in (jan, piet):
        result = service.sign_in.with_password(user.email, USER_PASSWORD)
        assert result.outcome is SignInOutcome.SETUP_REQUIRED
    retired = [e for e in service.audit.events(limit=None) if e.event_type == "factors.retired"]
    assert retired[0].details["methods"] == 2 and retired[0].actor == admin.label


def test_retiring_only_methods_made_before_a_date(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    old = make_user_with_app(service, admin, clock, "oud@example.nl")
    clock.advance(days=2)
    cutoff = clock.now()
    clock.advance(days=1)
    new = make_user_with_app(service, admin, clock, "nieuw@example.nl")
    report = service.rollout.retire(actor=admin, kind="totp", enrolled_before=cutoff)
    assert report.users_affected == 1
    assert service.accounts.methods(old.email) == []
    assert len(service.accounts.methods(new.email)) == 1


# --- importing users -----------------------------------------------------------------------


def test_import_creates_every_user_with_a_temporary_password(
    service: AuthService, admin: Actor
) -> None:
    text = "email,name,role\njan@example.nl,Jan de Vries,\nAnna@Example.nl,Anna,admin\n"
    report = service.rollout.import_users(actor=admin, csv_text=text, language="nl")
    assert report.ok and [r.email for r in report.rows] == ["jan@example.nl", "Anna@example.nl"]
    assert [c.user.role for c in report.created] == ["employee", "admin"]
    issued = report.created[0]
    first = service.sign_in.with_password("jan@example.nl", issued.temporary_password)
    assert first.outcome is SignInOutcome.MUST_CHANGE_PASSWORD
    assert service.accounts.get("jan@example.nl").language == "nl"
    assert issued.temporary_password not in repr(report)


def test_import_with_bad_rows_imports_nothing_and_says_why(
    service: AuthService, admin: Actor
) -> None:
    make_user(service, admin, "bestaat@example.nl")
    text = (
        "email,name,role\n"
        "goed@example.nl,Goed,employee\n"
        "geen-adres,Fout,employee\n"
        "goed@example.nl,Dubbel,employee\n"
        "bestaat@example.nl,Bestaat,employee\n"
        "rol@example.nl,Rol,koning\n"
        "leeg@example.nl,,employee\n"
    )
    report = service.rollout.import_users(actor=admin, csv_text=text)
    assert not report.ok and report.created == ()
    problems = {row.line: row.problem for row in report.rows}
    assert problems == {
        2: None,
        3: "error.invalid_email",
        4: "error.import_duplicate",
        5: "error.user_exists",
        6: "error.invalid_role",
        7: "error.invalid_display_name",
    }
    assert [u.email for u in service.accounts.page(search="goed")] == []


@pytest.mark.parametrize("text", ["", "email\njan@example.nl\n", "email,name\n"])
def test_import_needs_columns_and_rows(service: AuthService, admin: Actor, text: str) -> None:
    with pytest.raises(InvalidInputError):
        service.rollout.import_users(actor=admin, csv_text=text)


@pytest.mark.parametrize("kind", [FactorKind.RECOVERY, FactorKind.BACKUP])
def test_m8_codes_are_not_methods_to_switch_off(
    service: AuthService, admin: Actor, kind: FactorKind
) -> None:
    """Retiring the helpdesk's codes would clear "had 2FA" and let a password set up anew."""
    with pytest.raises(MethodNotFoundError):
        service.rollout.retire(actor=admin, kind=kind)


def test_a_role_is_read_as_the_users_table_shows_it_in_either_language(
    service: AuthService, admin: Actor
) -> None:
    """Issue 19: the table says "administrator" ("beheerder"); the import took only "admin"."""
    text = (
        "email,name,role\n"
        "a@example.nl,A,Administrator\n"
        "b@example.nl,B,beheerder\n"
        "c@example.nl,C,medewerker\n"
        "d@example.nl,D, admin \n"
        "e@example.nl,E,employee\n"
    )
    report = service.rollout.import_users(actor=admin, csv_text=text)
    assert report.ok
    assert [c.user.role for c in report.created] == [
        "admin",
        "admin",
        "employee",
        "admin",
        "employee",
    ]
