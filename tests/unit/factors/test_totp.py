"""Authenticator apps through AuthService: setup, sign-in, replay, throttle, removal.

SECURITY.md M1, M2, M4, M5, M6, M7, M9, T3, S1, S2, C1, C3, L1.
"""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from sqlalchemy import delete, select, update

from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.service import Actor, AssuranceLevel, AuthService, SignInOutcome
from desktop_auth.core.users import UserStatus
from desktop_auth.errors import (
    CodeAlreadyUsedError,
    EnrollmentExpiredError,
    InsufficientAssuranceError,
    InvalidCodeError,
    InvalidCodeFormatError,
    InvalidLabelError,
    LastFactorError,
    MethodNotFoundError,
    ReauthenticationRequiredError,
    SecondFactorLockedError,
    SecretUnreadableError,
)
from desktop_auth.factors import otp_codes
from desktop_auth.messages import error_message
from desktop_auth.store.db import Store
from desktop_auth.store.models import Setting, TotpCredential, User
from desktop_auth.vocabulary import FactorKind
from tests.helpers import (
    FAST_ARGON2,
    USER_PASSWORD,
    PinnedClock,
    initialize_organisation,
    make_service,
    make_user,
    no_second_factor_required,
    past_sign_in,
    secret_box_of,
)
from tests.totp_helpers import (
    make_user_with_app,
    phone_code,
    secret_bytes,
    secret_from_uri,
    sign_in_ticket,
)


def setup_ticket(service: AuthService, admin: Actor, email: str = "jan@example.nl") -> str:
    make_user(service, admin, email=email)
    result = service.sign_in.with_password(email, USER_PASSWORD)
    assert result.outcome is SignInOutcome.SETUP_REQUIRED and result.ticket
    return result.ticket


def wrong(code: str) -> str:
    return str((int(code) + 1) % 10**6).zfill(6)


# --- enrollment ------------------------------------------------------------------------


def test_m9_m2_secret_is_160_bits_from_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """M9: >= 112 bits (ours 160); M2: drawn from the ``secrets`` CSPRNG."""
    assert otp_codes.SECRET_BYTES * 8 == 160
    drawn: list[int] = []
    real = otp_codes.secrets.token_bytes

    def spy(n: int) -> bytes:
        drawn.append(n)
        return real(n)

    monkeypatch.setattr(otp_codes.secrets, "token_bytes", spy)
    secret = otp_codes.new_secret()
    assert drawn == [20] and len(secret) == 20
    assert "secrets.token_bytes" in inspect.getsource(otp_codes.new_secret)


def test_setup_shows_a_key_uri_and_typed_key_for_the_same_secret(
    service: AuthService, admin: Actor
) -> None:
    """The Google Authenticator key-URI format: SHA1, 6 digits, 30 s, issuer twice."""
    ticket = setup_ticket(service, admin)
    enrollment = service.authenticator_apps.begin_setup(ticket, "Telefoon")
    uri = urlparse(enrollment.uri)
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == "/Salariszaken:jan@example.nl"
    query = {k: v[0] for k, v in parse_qs(uri.query).items()}
    assert query["issuer"] == "Salariszaken"
    assert query.get("algorithm", "SHA1") == "SHA1"
    assert query.get("digits", "6") == "6" and query.get("period", "30") == "30"
    groups = enrollment.secret_groups.split(" ")
    assert all(len(g) == 4 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 4
    assert "".join(groups) == query["secret"]
    assert len(secret_bytes(query["secret"])) == 20
    # Secrets stay out of reprs, which end up in logs and tracebacks.
    assert query["secret"] not in repr(enrollment)


def test_finishing_setup_needs_a_current_code_then_signs_in_at_aal2(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """Proof of possession before the app counts; password + TOTP gives AAL2 (S2)."""
    ticket = setup_ticket(service, admin)
    enrollment = service.authenticator_apps.begin_setup(ticket, "Telefoon")
    secret = secret_from_uri(enrollment.uri)
    with pytest.raises(InvalidCodeError):
        service.authenticator_apps.finish_setup(
            ticket, enrollment.enrollment_id, wrong(phone_code(secret, clock))
        )
    assert service.accounts.methods("jan@example.nl") == []
    done = service.authenticator_apps.finish_setup(
        ticket, enrollment.enrollment_id, phone_code(secret, clock)
    )
    assert done.outcome is SignInOutcome.DONE and done.session is not None
    assert done.session.assurance is AssuranceLevel.AAL2
    assert done.session.methods == ("password", "totp")
    [method] = service.accounts.methods("jan@example.nl")
    assert (method.kind, method.label, method.workstation) == ("totp", "Telefoon", "WS-042")
    events = [e.event_type for e in service.audit.events(subject="jan@example.nl", limit=None)]
    assert "factor.enrollment_started" in events and "factor.added" in events


def test_m4_unconfirmed_enrollment_expires_after_ten_minutes_and_never_counts(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    ticket = setup_ticket(service, admin)
    enrollment = service.authenticator_apps.begin_setup(ticket, "Telefoon")
    secret = secret_from_uri(enrollment.uri)
    # While unconfirmed it is no second factor: the next sign-in still asks for setup.
    assert service.sign_in.with_password("jan@example.nl", USER_PASSWORD).outcome is (
        SignInOutcome.SETUP_REQUIRED
    )
    clock.advance(minutes=9, seconds=59)
    again = service.sign_in.with_password("jan@example.nl", USER_PASSWORD)
    assert again.ticket
    clock.advance(seconds=2)  # 10 min 1 s after it began
    with pytest.raises(EnrollmentExpiredError):
        service.authenticator_apps.finish_setup(
            again.ticket, enrollment.enrollment_id, phone_code(secret, clock)
        )
    assert service.accounts.methods("jan@example.nl") == []


def test_setup_label_is_checked(service: AuthService, admin: Actor) -> None:
    ticket = setup_ticket(service, admin)
    for bad in ("", "   ", "x" * 61, "Tele\x00foon"):
        with pytest.raises(InvalidLabelError):
            service.authenticator_apps.begin_setup(ticket, bad)
    assert (
        service.authenticator_apps.begin_setup(ticket, "  Mijn   telefoon ").label
        == "Mijn telefoon"
    )


def test_another_users_enrollment_cannot_be_finished(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    ticket_jan = setup_ticket(service, admin, "jan@example.nl")
    ticket_piet = setup_ticket(service, admin, "piet@example.nl")
    enrollment = service.authenticator_apps.begin_setup(ticket_jan, "Telefoon")
    code = phone_code(secret_from_uri(enrollment.uri), clock)
    with pytest.raises(MethodNotFoundError):
        service.authenticator_apps.finish_setup(ticket_piet, enrollment.enrollment_id, code)


# --- sign-in -----------------------------------------------------------------------------


def test_sign_in_with_a_password_and_a_code(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    result = service.sign_in.with_password(user.email, USER_PASSWORD)
    assert result.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED and result.ticket
    assert [m.kind for m in result.methods] == ["totp"]
    done = service.sign_in.with_second_factor(result.ticket, "totp", phone_code(user.secret, clock))
    assert done.session is not None and done.session.assurance is AssuranceLevel.AAL2
    [method] = service.accounts.methods(user.email)
    assert method.last_used_at == clock.now()


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (1, True), (2, False)])
def test_m4_m6_window_of_one_step_either_side(
    service: AuthService,
    admin: Actor,
    clock: PinnedClock,
    steps: int,
    accepted: bool,
) -> None:
    """Only the verifying machine's clock counts; ±1 step of 30 s by default."""
    user = make_user_with_app(service, admin, clock)
    clock.advance(minutes=5)  # well past the step spent proving the app
    ticket = sign_in_ticket(service, user.email)
    code = phone_code(user.secret, clock, steps_ahead=steps)
    if accepted:
        assert service.sign_in.with_second_factor(ticket, "totp", code).session is not None
    else:
        with pytest.raises(InvalidCodeError):
            service.sign_in.with_second_factor(ticket, "totp", code)


@pytest.mark.parametrize("window", [0, 2])
def test_window_follows_the_policy(
    service: AuthService, admin: Actor, clock: PinnedClock, window: int
) -> None:
    user = make_user_with_app(service, admin, clock)
    clock.advance(minutes=5)
    service.policy.replace(
        actor=admin, policy=dataclasses.replace(service.policy.current(), totp_window=window)
    )
    ticket = sign_in_ticket(service, user.email)
    with pytest.raises(InvalidCodeError):
        service.sign_in.with_second_factor(
            ticket, "totp", phone_code(user.secret, clock, steps_ahead=window + 1)
        )
    code = phone_code(user.secret, clock, steps_ahead=-window)
    assert service.sign_in.with_second_factor(ticket, "totp", code).session is not None


def test_m1_a_code_works_once_and_never_an_older_step(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    code = phone_code(user.secret, clock)
    assert service.sign_in.with_second_factor(
        sign_in_ticket(service, user.email), "totp", code
    ).session
    ticket = sign_in_ticket(service, user.email)
    with pytest.raises(CodeAlreadyUsedError):
        service.sign_in.with_second_factor(ticket, "totp", code)
    # The previous step's code is still inside the window, but older than the one used.
    with pytest.raises(CodeAlreadyUsedError):
        service.sign_in.with_second_factor(ticket, "totp", phone_code(user.secret, clock, -1))
    # The ticket survives a wrong answer; the next step's code gets through.
    next_code = phone_code(user.secret, clock, 1)
    assert service.sign_in.with_second_factor(ticket, "totp", next_code).session is not None


@pytest.mark.parametrize(
    "typed",
    ["{code}", "{a} {b}", "{a}-{b}", " {code}\n", "{a}\u00a0{b}", "{fullwidth}", "{a}  {b}"],
)
def test_forgiving_input(
    service: AuthService, admin: Actor, clock: PinnedClock, typed: str
) -> None:
    """Spaces, a middle dash, full-width digits and a pasted "123 456" all work."""
    user = make_user_with_app(service, admin, clock)
    code = phone_code(user.secret, clock)
    fullwidth = "".join(chr(0xFF10 + int(d)) for d in code)
    entry = typed.format(code=code, a=code[:3], b=code[3:], fullwidth=fullwidth)
    ticket = sign_in_ticket(service, user.email)
    assert service.sign_in.with_second_factor(ticket, "totp", entry).session is not None


@pytest.mark.parametrize("typed", ["12345", "1234567", "12345a", "12-3456", "١٢٣٤٥٦", "", "--"])
def test_malformed_codes_get_a_clear_message_and_do_not_count(
    service: AuthService, admin: Actor, clock: PinnedClock, typed: str
) -> None:
    user = make_user_with_app(service, admin, clock)
    ticket = sign_in_ticket(service, user.email)
    with pytest.raises(InvalidCodeFormatError) as error:
        service.sign_in.with_second_factor(ticket, "totp", typed)
    assert error.value.params["digits"] == 6
    assert service.accounts.get(user.email).second_factor_failures == 0
    assert service.sign_in.with_second_factor(
        ticket, "totp", phone_code(user.secret, clock)
    ).session


def test_t3_ten_wrong_codes_lock_the_second_factor_until_an_admin_unlocks(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """T3: the second factor has its own counter and lock (default 10)."""
    user = make_user_with_app(service, admin, clock)
    ticket = sign_in_ticket(service, user.email)
    bad = wrong(phone_code(user.secret, clock))
    told = []
    for _ in range(9):
        with pytest.raises(InvalidCodeError) as refused:
            service.sign_in.with_second_factor(ticket, "totp", bad)
        told.append(refused.value.params["tries_left"])
    # Each refusal says how near the lock is, so the lock is no surprise (issue 19).
    assert told == [9, 8, 7, 6, 5, 4, 3, 2, 1]
    last = refused.value
    assert error_message(last.message_key, "en", last.params) == (
        "That code is not right. Check that your phone's clock is right and try the "
        "current code. One more wrong code locks the second step."
    )
    with pytest.raises(SecondFactorLockedError):
        service.sign_in.with_second_factor(ticket, "totp", bad)
    assert service.accounts.get(user.email).failed_attempts == 0  # the password counter is apart
    assert service.accounts.get(user.email).status(clock.now()) is UserStatus.LOCKED
    assert service.accounts.page(search=user.email)[0].status(clock.now()) is UserStatus.LOCKED
    # Locked: even the right code is refused, in a new sign-in and hours later.
    clock.advance(hours=3)
    ticket = sign_in_ticket(service, user.email)
    with pytest.raises(SecondFactorLockedError):
        service.sign_in.with_second_factor(ticket, "totp", phone_code(user.secret, clock))
    events = [e.event_type for e in service.audit.events(subject=user.email, limit=None)]
    assert events.count("second_factor.failed") == 10 and "second_factor.locked" in events
    service.accounts.unlock(actor=admin, email=user.email)
    assert service.accounts.get(user.email).second_factor_failures == 0
    assert service.accounts.get(user.email).status(clock.now()) is UserStatus.ACTIVE
    assert service.sign_in.with_second_factor(
        ticket, "totp", phone_code(user.secret, clock)
    ).session


def test_success_resets_the_second_factor_counter(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    ticket = sign_in_ticket(service, user.email)
    for _ in range(9):
        with pytest.raises(InvalidCodeError):
            service.sign_in.with_second_factor(
                ticket, "totp", wrong(phone_code(user.secret, clock))
            )
    assert service.sign_in.with_second_factor(
        ticket, "totp", phone_code(user.secret, clock)
    ).session
    assert service.accounts.get(user.email).second_factor_failures == 0


def test_l1_c2_audit_events_name_the_method_never_the_code(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    ticket = sign_in_ticket(service, user.email)
    code = phone_code(user.secret, clock)
    with pytest.raises(InvalidCodeError):
        service.sign_in.with_second_factor(ticket, "totp", wrong(code))
    service.sign_in.with_second_factor(ticket, "totp", code)
    events = service.audit.events(subject=user.email, limit=None)
    failed = next(e for e in events if e.event_type == "second_factor.failed")
    assert failed.details["reason"] == "invalid_code" and failed.workstation == "WS-042"
    text = repr([dataclasses.asdict(e) for e in events])
    for secret in (code, wrong(code), user.secret):
        assert secret not in text


# --- more apps, removal ------------------------------------------------------------------


def test_a_second_app_from_an_aal2_session(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """A tablet beside the phone: either one's code signs in."""
    user = make_user_with_app(service, admin, clock)
    enrollment = service.authenticator_apps.begin_add(user.session, "Tablet")
    tablet = secret_from_uri(enrollment.uri)
    assert tablet != user.secret
    method = service.authenticator_apps.finish_add(
        user.session, enrollment.enrollment_id, phone_code(tablet, clock)
    )
    assert method.label == "Tablet"
    assert sorted(m.label for m in service.accounts.methods(user.email)) == ["Tablet", "Telefoon"]
    clock.advance(seconds=30)
    ticket = sign_in_ticket(service, user.email)
    assert service.sign_in.with_second_factor(ticket, "totp", phone_code(tablet, clock)).session
    clock.advance(seconds=30)
    ticket = sign_in_ticket(service, user.email)
    assert service.sign_in.with_second_factor(
        ticket, "totp", phone_code(user.secret, clock)
    ).session


def test_m7_password_only_session_cannot_add_beside_an_existing_factor(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """Binding needs the same level as the user already has (AAL2 once an app exists)."""
    user = make_user_with_app(service, admin, clock)
    weak = past_sign_in(service, user.email, assurance=AssuranceLevel.AAL1, methods=("password",))
    with pytest.raises(InsufficientAssuranceError):
        service.authenticator_apps.begin_add(weak, "Tablet")


def test_password_only_user_may_add_a_first_app_right_after_signing_in(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """Where policy does not require 2FA, a fresh password session may opt in (S1 window)."""
    no_second_factor_required(service, admin)
    make_user(service, admin)
    session = service.sign_in.with_password("jan@example.nl", USER_PASSWORD).session
    assert session is not None and session.assurance is AssuranceLevel.AAL1
    clock.advance(minutes=6)
    with pytest.raises(ReauthenticationRequiredError):
        service.authenticator_apps.begin_add(session, "Telefoon")
    session = service.sign_in.with_password("jan@example.nl", USER_PASSWORD).session
    assert session is not None
    enrollment = service.authenticator_apps.begin_add(session, "Telefoon")
    secret = secret_from_uri(enrollment.uri)
    service.authenticator_apps.finish_add(
        session, enrollment.enrollment_id, phone_code(secret, clock)
    )
    clock.advance(seconds=30)
    result = service.sign_in.with_password("jan@example.nl", USER_PASSWORD)
    assert result.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED


def test_s1_m5_user_removes_an_app_after_recent_sign_in_but_not_the_last(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    enrollment = service.authenticator_apps.begin_add(user.session, "Tablet")
    tablet = secret_from_uri(enrollment.uri)
    service.authenticator_apps.finish_add(
        user.session, enrollment.enrollment_id, phone_code(tablet, clock)
    )
    clock.advance(minutes=6)
    with pytest.raises(ReauthenticationRequiredError):
        service.my_account.remove_method(user.session, "totp", user.method_id)
    fresh = service.sign_in.with_second_factor(
        sign_in_ticket(service, user.email), "totp", phone_code(tablet, clock)
    ).session
    assert fresh is not None
    removed = service.my_account.remove_method(fresh, "totp", user.method_id)
    assert removed.label == "Telefoon"
    [left] = service.accounts.methods(user.email)
    with pytest.raises(LastFactorError):
        service.my_account.remove_method(fresh, "totp", left.method_id)
    assert len(service.accounts.methods(user.email)) == 1
    # The removed phone's codes no longer work.
    clock.advance(seconds=30)
    ticket = sign_in_ticket(service, user.email)
    with pytest.raises(InvalidCodeError):
        service.sign_in.with_second_factor(ticket, "totp", phone_code(user.secret, clock))


def test_m5_m8_admin_revokes_a_lost_phone_and_only_a_backup_code_leads_to_setup(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """After the helpdesk removes the last app, the password alone never sets up anew."""
    user = make_user_with_app(service, admin, clock)
    service.accounts.remove_method(
        actor=admin, email=user.email, kind="totp", method_id=user.method_id
    )
    assert service.accounts.methods(user.email) == []
    result = service.sign_in.with_password(user.email, USER_PASSWORD)
    assert result.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED and result.methods == ()
    assert result.ticket
    with pytest.raises(MethodNotFoundError):
        service.sign_in.with_second_factor(result.ticket, "totp", phone_code(user.secret, clock))
    issued = service.recovery_codes.issue_backup_code(actor=admin, email=user.email)
    ticket = sign_in_ticket(service, user.email)
    after = service.sign_in.with_second_factor(ticket, "backup", issued.code)
    assert after.outcome is SignInOutcome.SETUP_REQUIRED
    removed = [
        e for e in service.audit.events(subject=user.email) if e.event_type == "factor.removed"
    ]
    assert removed and removed[0].actor == admin.label


def test_removing_someone_elses_method_is_refused(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan = make_user_with_app(service, admin, clock, "jan@example.nl")
    piet = make_user_with_app(service, admin, clock, "piet@example.nl")
    with pytest.raises(MethodNotFoundError):
        service.my_account.remove_method(jan.session, "totp", piet.method_id)
    assert len(service.accounts.methods(piet.email)) == 1


# --- the seed at rest --------------------------------------------------------------------


def test_c1_seed_is_sealed_and_bound_to_its_row(
    service: AuthService, admin: Actor, clock: PinnedClock, store: Store
) -> None:
    """C1: the stored seed is not the seed, and swapping two rows' ciphertexts breaks both."""
    jan = make_user_with_app(service, admin, clock, "jan@example.nl")
    piet = make_user_with_app(service, admin, clock, "piet@example.nl")
    with store.transaction() as db:
        rows = {r.id: r.sealed_secret for r in db.execute(select(TotpCredential)).scalars()}
    assert secret_bytes(jan.secret) not in rows[jan.method_id]
    with store.transaction() as db:
        db.execute(
            update(TotpCredential)
            .where(TotpCredential.id == jan.method_id)
            .values(sealed_secret=rows[piet.method_id])
        )
    ticket = sign_in_ticket(service, jan.email)
    with pytest.raises(SecretUnreadableError):
        service.sign_in.with_second_factor(ticket, "totp", phone_code(piet.secret, clock))


def test_m7_the_user_hears_of_every_added_and_removed_app(
    store: Store, clock: PinnedClock, memory_keyring: object
) -> None:
    from desktop_auth.vocabulary import SecurityNotice

    heard: list[SecurityNotice] = []

    class Recorder:
        def notify(self, notice: SecurityNotice, email: str) -> None:
            assert email == "jan@example.nl"
            heard.append(notice)

    service = make_service(store, clock=clock, keyring=memory_keyring, notifiers=[Recorder()])
    admin = initialize_organisation(service)
    user = make_user_with_app(service, admin, clock)
    enrollment = service.authenticator_apps.begin_add(user.session, "Tablet")
    tablet = secret_from_uri(enrollment.uri)
    method = service.authenticator_apps.finish_add(
        user.session, enrollment.enrollment_id, phone_code(tablet, clock)
    )
    service.my_account.remove_method(user.session, "totp", method.method_id)
    service.accounts.remove_method(
        actor=admin, email=user.email, kind="totp", method_id=user.method_id
    )
    assert heard == [
        SecurityNotice.FACTOR_ADDED,
        SecurityNotice.FACTOR_ADDED,
        SecurityNotice.FACTOR_REMOVED,
        SecurityNotice.FACTOR_REMOVED,
    ]


def test_at_most_five_apps(service: AuthService, admin: Actor, clock: PinnedClock) -> None:
    """Each app adds codes a guess can hit; the README's bound counts on this cap."""
    from desktop_auth.errors import TooManyAppsError

    user = make_user_with_app(service, admin, clock)
    for n in range(4):
        enrollment = service.authenticator_apps.begin_add(user.session, f"App {n}")
        secret = secret_from_uri(enrollment.uri)
        service.authenticator_apps.finish_add(
            user.session, enrollment.enrollment_id, phone_code(secret, clock)
        )
    with pytest.raises(TooManyAppsError):
        service.authenticator_apps.begin_add(user.session, "Zesde")


def test_m12_set_ups_under_way_count_toward_the_five(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """Nine set-ups begun before any was finished gave ten active apps (issue 16 item 7)."""
    from desktop_auth.errors import TooManyAppsError

    user = make_user_with_app(service, admin, clock)
    for n in range(4):
        service.authenticator_apps.begin_add(user.session, f"App {n}")
    with pytest.raises(TooManyAppsError):
        service.authenticator_apps.begin_add(user.session, "Zesde")
    clock.advance(minutes=11)  # abandoned set-ups expire and stop counting
    fresh = past_sign_in(service, user.email)  # a new sign-in: recent again
    begun = [service.authenticator_apps.begin_add(fresh, f"App {n}") for n in range(4)]
    for enrollment in begun:
        secret = secret_from_uri(enrollment.uri)
        service.authenticator_apps.finish_add(
            fresh, enrollment.enrollment_id, phone_code(secret, clock)
        )
    assert len(service.my_account.methods(fresh)) == 5
    with pytest.raises(TooManyAppsError):
        service.authenticator_apps.begin_add(fresh, "Zesde")


def _move_apps(store: Store, from_email: str, to_email: str) -> None:
    """What someone with write access to the table did: the attacker's app, the victim's row."""
    with store.transaction() as db:
        ids = {
            u.email: u.id
            for u in db.execute(
                select(User).where(User.email.in_([from_email, to_email]))
            ).scalars()
        }
        db.execute(
            update(TotpCredential)
            .where(TotpCredential.user_id == ids[from_email])
            .values(user_id=ids[to_email])
        )


def test_m13_an_app_moved_to_another_user_does_not_sign_in_as_them(
    service: AuthService, admin: Actor, clock: PinnedClock, store: Store
) -> None:
    victim = make_user_with_app(service, admin, clock, email="jan@example.nl")
    attacker = make_user_with_app(service, admin, clock, email="mallory@example.nl")
    with store.engine.begin() as connection:
        connection.execute(delete(TotpCredential).where(TotpCredential.id == victim.method_id))
    _move_apps(store, attacker.email, victim.email)
    clock.advance(seconds=31)
    ticket = sign_in_ticket(service, victim.email)
    with pytest.raises(SecretUnreadableError):
        service.sign_in.with_second_factor(
            ticket, FactorKind.TOTP, phone_code(attacker.secret, clock)
        )


def test_m13_seeds_sealed_before_are_bound_to_their_owners_when_the_store_opens(
    database_url: str, tmp_path: Path, clock: PinnedClock
) -> None:
    """A store from before: its seeds bound to the row only.  The first open binds them to
    their owners; from then on a moved one opens no more, and the owner's still works."""
    from desktop_auth.config import load_config
    from desktop_auth.factors.totp import LEGACY_SEAL_PURPOSE
    from desktop_auth.store.settings import TOTP_SEALS_OWNER_BOUND

    key_file = tmp_path / "data.key"
    config = load_config(
        database_url=database_url,
        environ={"DESKTOP_AUTH_DATA_KEY_FILE": str(key_file)},
    )
    service = AuthService.open(config, clock=clock, hasher=PasswordHasher(FAST_ARGON2))
    admin = initialize_organisation(service)
    jan = make_user_with_app(service, admin, clock)
    box = secret_box_of(service)
    store = service._context.store
    with store.transaction() as db:
        row = db.get_one(TotpCredential, jan.method_id)
        row.sealed_secret = box.seal(
            secret_bytes(jan.secret),
            table="totp_credentials",
            row_id=row.id,
            purpose=LEGACY_SEAL_PURPOSE,
        )
        db.execute(delete(Setting).where(Setting.key == TOTP_SEALS_OWNER_BOUND))
    service.close()

    service = AuthService.open(config, clock=clock, hasher=PasswordHasher(FAST_ARGON2))
    try:
        clock.advance(seconds=31)
        done = service.sign_in.with_second_factor(
            sign_in_ticket(service, jan.email), FactorKind.TOTP, phone_code(jan.secret, clock)
        )
        assert done.session is not None  # the owner's app works as before
        make_user(service, service.accounts.local_administrator(), "piet@example.nl")
        _move_apps(service._context.store, jan.email, "piet@example.nl")
        clock.advance(seconds=31)
        with pytest.raises(SecretUnreadableError):
            service.sign_in.with_second_factor(
                sign_in_ticket(service, "piet@example.nl"),
                FactorKind.TOTP,
                phone_code(jan.secret, clock),
            )
    finally:
        service.close()
