"""Recovery codes through AuthService (SECURITY.md M1, M2, M3, M8, S1, C3, L1)."""

from __future__ import annotations

import dataclasses
import inspect
import sqlite3
from pathlib import Path

import pytest

from desktop_auth.core.service import Actor, AssuranceLevel, AuthService, Session, SignInOutcome
from desktop_auth.errors import (
    CodeAlreadyUsedError,
    ConfigError,
    InsufficientAssuranceError,
    InvalidCodeError,
    InvalidCodeFormatError,
    ReauthenticationRequiredError,
    SecondFactorLockedError,
)
from desktop_auth.factors import lookup_secrets
from desktop_auth.store.db import Store
from desktop_auth.vocabulary import SecurityNotice
from tests.helpers import PinnedClock, initialize_organisation, make_service, past_sign_in
from tests.totp_helpers import (
    EnrolledUser,
    make_user_with_app,
    phone_code,
    secret_from_uri,
    sign_in_ticket,
)


def with_codes(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> tuple[EnrolledUser, tuple[str, ...]]:
    user = make_user_with_app(service, admin, clock)
    sheet = service.recovery_codes.generate(user.session)
    return user, sheet.codes


def recover(service: AuthService, email: str, code: str, clock: PinnedClock) -> Session:
    """M8: a recovery code leads only to setting up again; the new app completes it."""
    result = service.sign_in.with_second_factor(sign_in_ticket(service, email), "recovery", code)
    assert result.outcome is SignInOutcome.SETUP_REQUIRED and result.session is None
    assert result.ticket
    enrollment = service.authenticator_apps.begin_setup(result.ticket, "Nieuwe telefoon")
    code_now = phone_code(secret_from_uri(enrollment.uri), clock)
    done = service.authenticator_apps.finish_setup(
        result.ticket, enrollment.enrollment_id, code_now
    )
    assert done.outcome is SignInOutcome.DONE and done.session is not None
    clock.advance(seconds=30)
    return done.session


# --- the codes themselves ------------------------------------------------------------------


def test_m2_m3_alphabet_has_no_look_alikes_and_codes_carry_over_60_bits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert not set("0O1IL") & set(lookup_secrets.ALPHABET)
    assert len(set(lookup_secrets.ALPHABET)) == len(lookup_secrets.ALPHABET) == 31
    assert lookup_secrets.ENTROPY_BITS >= 60
    drawn: list[str] = []
    real = lookup_secrets.secrets.choice

    def spy(alphabet: str) -> str:
        drawn.append(alphabet)
        return real(alphabet)

    monkeypatch.setattr(lookup_secrets.secrets, "choice", spy)
    code = lookup_secrets.new_code()
    assert drawn == [lookup_secrets.ALPHABET] * 16
    assert [len(g) for g in code.split("-")] == [4, 4, 4, 4]
    assert "secrets.choice" in inspect.getsource(lookup_secrets.new_code)


@pytest.mark.parametrize(
    "typed",
    ["{c}", "{lower}", "{plain}", " {spaced} ", "{fullwidth}", "{c}\n", "{lower_plain}"],
)
def test_entry_ignores_case_spaces_and_dashes(typed: str) -> None:
    code = "7KQ4-M2XD-9HTR-P3WN"
    plain = code.replace("-", "")
    variants = {
        "c": code,
        "lower": code.lower(),
        "plain": plain,
        "spaced": " ".join(plain[i : i + 4] for i in range(0, 16, 4)),
        "fullwidth": "".join(chr(ord(ch) + 0xFEE0) for ch in code),
        "lower_plain": plain.lower(),
    }
    assert lookup_secrets.normalize(typed.format(**variants)) == plain


@pytest.mark.parametrize(
    "typed",
    ["7KQ4-M2XD-9HTR", "7KQ4-M2XD-9HTR-P3WN-A", "0KQ4-M2XD-9HTR-P3WN", "7KQ4-M2XD-9HTR-P3W!", ""],
)
def test_malformed_codes_get_a_clear_message(typed: str) -> None:
    with pytest.raises(InvalidCodeFormatError) as error:
        lookup_secrets.normalize(typed)
    assert error.value.code == "lookup_code_format"


# --- making and spending -----------------------------------------------------------------


def test_a_batch_of_ten_is_shown_once_then_only_counted(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    assert service.recovery_codes.status(user.session).total == 0
    sheet = service.recovery_codes.generate(user.session)
    assert len(sheet.codes) == len(set(sheet.codes)) == 10
    assert (sheet.email, sheet.organisation) == (user.email, "Salariszaken")
    assert sheet.codes[0] not in repr(sheet)
    status = service.recovery_codes.status(user.session)
    assert (status.total, status.left, status.running_low) == (10, 10, False)
    assert status.batch_id == sheet.sheet_id
    created = [
        e
        for e in service.audit.events(subject=user.email)
        if e.event_type == "recovery_codes.created"
    ]
    assert created and created[0].details["count"] == 10


def test_codes_closed_without_being_kept_open_nothing_and_only_that_sheet_goes(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    unkept = service.recovery_codes.generate(user.session)
    service.recovery_codes.discard(user.session, unkept.sheet_id)
    assert service.recovery_codes.status(user.session).total == 0
    ticket = sign_in_ticket(service, user.email)
    with pytest.raises(InvalidCodeError):
        service.sign_in.with_second_factor(ticket, "recovery", unkept.codes[0])
    # A sheet made since (on another workstation, say) is not the one closed: it stays.
    kept = service.recovery_codes.generate(user.session)
    service.recovery_codes.discard(user.session, unkept.sheet_id)
    assert service.recovery_codes.status(user.session).left == 10
    assert kept.sheet_id != unkept.sheet_id
    discarded = [
        e.details
        for e in service.audit.events(subject=user.email)
        if e.event_type == "recovery_codes.discarded"
    ]
    assert discarded == [{"batch": unkept.sheet_id, "count": 10}]


def test_m8_a_recovery_code_forces_setting_up_again_and_replaces_the_lost_app(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user, codes = with_codes(service, admin, clock)
    session = recover(service, user.email, codes[6].lower().replace("-", " "), clock)
    assert session.recovered and session.assurance is AssuranceLevel.AAL2
    assert session.methods == ("password", "recovery", "totp")
    assert service.recovery_codes.status(session).left == 9
    # The lost phone's app is replaced by the new one: its codes no longer work.
    assert [m.label for m in service.accounts.methods(user.email)] == ["Nieuwe telefoon"]
    ticket = sign_in_ticket(service, user.email)
    with pytest.raises(InvalidCodeError):
        service.sign_in.with_second_factor(ticket, "totp", phone_code(user.secret, clock))
    events = service.audit.events(subject=user.email, limit=None)
    used = next(e for e in events if e.event_type == "second_factor.succeeded")
    assert used.details["kind"] == "recovery"
    success = next(e for e in events if e.event_type == "sign_in.succeeded")
    assert success.details["methods"] == "password,recovery,totp"


def test_m1_each_code_once_in_any_order_and_running_low_at_three(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user, codes = with_codes(service, admin, clock)
    for code in (codes[9], codes[0], codes[4], codes[2], codes[7], codes[1]):
        assert recover(service, user.email, code, clock).recovered
    ticket = sign_in_ticket(service, user.email)
    with pytest.raises(CodeAlreadyUsedError):
        service.sign_in.with_second_factor(ticket, "recovery", codes[4])
    session = recover(service, user.email, codes[3], clock)
    status = service.recovery_codes.status(session)
    assert (status.left, status.running_low) == (3, True)


def test_a_code_of_another_user_is_wrong(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan, jan_codes = with_codes(service, admin, clock)
    piet = make_user_with_app(service, admin, clock, "piet@example.nl")
    ticket = sign_in_ticket(service, piet.email)
    with pytest.raises(InvalidCodeError):
        service.sign_in.with_second_factor(ticket, "recovery", jan_codes[0])
    assert recover(service, jan.email, jan_codes[0], clock).recovered


def test_regenerating_replaces_the_whole_batch_at_once(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """S1: needs a sign-in within 5 minutes; old codes stop exactly when new ones start."""
    user, old = with_codes(service, admin, clock)
    clock.advance(minutes=6)
    with pytest.raises(ReauthenticationRequiredError):
        service.recovery_codes.generate(user.session)
    assert recover(service, user.email, old[0], clock).recovered  # the old batch stands
    fresh = recover(service, user.email, old[1], clock)
    new = service.recovery_codes.generate(fresh).codes
    assert not set(new) & set(old)
    ticket = sign_in_ticket(service, user.email)
    with pytest.raises(InvalidCodeError):
        service.sign_in.with_second_factor(ticket, "recovery", old[2])
    assert service.sign_in.with_second_factor(ticket, "recovery", new[2]).ticket
    assert service.recovery_codes.status(fresh).left == 9


def test_password_only_session_cannot_make_codes(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    weak = past_sign_in(service, user.email, assurance=AssuranceLevel.AAL1, methods=("password",))
    with pytest.raises(InsufficientAssuranceError):
        service.recovery_codes.generate(weak)


def test_m8_without_any_method_left_a_recovery_code_is_the_way_back(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """Recovery codes are no method of their own, and the password alone sets nothing up."""
    user, codes = with_codes(service, admin, clock)
    service.accounts.remove_method(
        actor=admin, email=user.email, kind="totp", method_id=user.method_id
    )
    assert service.accounts.methods(user.email) == []
    result = service.sign_in.with_password(user.email, "groene appel boven de rivier")
    assert result.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED and result.methods == ()
    assert recover(service, user.email, codes[0], clock).recovered


def test_a_recovery_code_gets_past_a_locked_authenticator_and_clears_the_lock(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user, codes = with_codes(service, admin, clock)
    ticket = sign_in_ticket(service, user.email)
    right = phone_code(user.secret, clock)
    wrong = str((int(right) + 1) % 10**6).zfill(6)
    for _ in range(9):
        with pytest.raises(InvalidCodeError):
            service.sign_in.with_second_factor(ticket, "totp", wrong)
    with pytest.raises(SecondFactorLockedError):
        service.sign_in.with_second_factor(ticket, "totp", wrong)
    after = service.sign_in.with_second_factor(ticket, "recovery", codes[0])
    assert after.outcome is SignInOutcome.SETUP_REQUIRED
    assert service.accounts.get(user.email).second_factor_failures == 0


def test_wrong_recovery_codes_are_counted_and_audited(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user, _ = with_codes(service, admin, clock)
    ticket = sign_in_ticket(service, user.email)
    with pytest.raises(InvalidCodeError) as error:
        service.sign_in.with_second_factor(ticket, "recovery", "2345-6789-ABCD-EFGH")
    assert error.value.code == "invalid_lookup_code"
    assert service.accounts.get(user.email).second_factor_failures == 1
    failed = [
        e
        for e in service.audit.events(subject=user.email)
        if e.event_type == "second_factor.failed"
    ]
    assert failed and failed[0].details["reason"] == "invalid_lookup_code"


def test_policy_sets_the_batch_size_within_5_to_16(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    policy = dataclasses.replace(service.policy.current(), recovery_code_count=5)
    service.policy.replace(actor=admin, policy=policy)
    user = make_user_with_app(service, admin, clock)
    assert len(service.recovery_codes.generate(user.session).codes) == 5
    for bad in (4, 17):
        with pytest.raises(ConfigError):
            dataclasses.replace(policy, recovery_code_count=bad)


def test_m3_database_holds_no_code(
    service: AuthService, admin: Actor, clock: PinnedClock, store: Store, tmp_path: Path
) -> None:
    """Only keyed hashes are stored: neither display nor typed form is in the file or a dump."""
    user, codes = with_codes(service, admin, clock)
    recover(service, user.email, codes[0], clock)
    store.dispose()
    database = tmp_path / "store.sqlite3"
    connection = sqlite3.connect(database)
    dump = "\n".join(connection.iterdump())
    connection.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("store"))
    for code in codes:
        for form in (code, code.replace("-", ""), code.lower()):
            assert form not in dump and form.encode() not in raw


def test_m7_security_notices_for_codes(
    store: Store, clock: PinnedClock, memory_keyring: object
) -> None:
    """The hook the security e-mails hang on: told after each change, never given a code."""

    heard: list[tuple[SecurityNotice, str]] = []

    class Recorder:
        def notify(self, notice: SecurityNotice, email: str) -> None:
            heard.append((notice, email))

    class Broken:
        def notify(self, notice: SecurityNotice, email: str) -> None:
            raise RuntimeError("mail server down")

    service = make_service(
        store, clock=clock, keyring=memory_keyring, notifiers=[Broken(), Recorder()]
    )
    admin = initialize_organisation(service)
    user, codes = with_codes(service, admin, clock)
    recover(service, user.email, codes[0], clock)
    service.recovery_codes.issue_backup_code(actor=admin, email=user.email)
    ticket = sign_in_ticket(service, user.email)
    assert heard == [
        (SecurityNotice.FACTOR_ADDED, user.email),
        (SecurityNotice.RECOVERY_CODES_CREATED, user.email),
        (SecurityNotice.RECOVERY_CODE_USED, user.email),
        (SecurityNotice.FACTOR_ADDED, user.email),  # the new phone
        (SecurityNotice.FACTOR_REMOVED, user.email),  # the lost one, replaced
        (SecurityNotice.FACTOR_REMOVED, user.email),  # the helpdesk's reset
        (SecurityNotice.BACKUP_CODE_ISSUED, user.email),
    ]
    heard.clear()
    assert ticket  # the helpdesk's code, used
    issued = service.recovery_codes.issue_backup_code(actor=admin, email=user.email)
    heard.clear()
    service.sign_in.with_second_factor(sign_in_ticket(service, user.email), "backup", issued.code)
    assert heard == [(SecurityNotice.BACKUP_CODE_USED, user.email)]


def test_c3_codes_are_compared_in_constant_time() -> None:
    """C3: every comparison of a typed code with a stored one uses hmac.compare_digest."""
    from desktop_auth.factors import backup_code, otp_codes, recovery

    assert "hmac.compare_digest" in inspect.getsource(lookup_secrets.matches)
    assert "matches(" in inspect.getsource(lookup_secrets.find_match)
    assert "hmac.compare_digest" in inspect.getsource(otp_codes.matching_step)
    for module in (recovery, backup_code):
        verify = inspect.getsource(module).split("def verify")[1].split("def ")[0]
        assert "lookup_secrets.find_match(candidate, rows)" in verify
        assert "code_hash ==" not in verify and "== candidate" not in verify


def test_m3_database_holds_no_backup_code(
    service: AuthService, admin: Actor, clock: PinnedClock, store: Store, tmp_path: Path
) -> None:
    user = make_user_with_app(service, admin, clock)
    issued = [
        service.recovery_codes.issue_backup_code(actor=admin, email=user.email).code
        for _ in range(3)
    ]
    store.dispose()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("store"))
    for code in issued:
        for form in (code, code.replace("-", "")):
            assert form.encode() not in raw
