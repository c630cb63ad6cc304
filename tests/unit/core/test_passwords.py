"""Password policy and hashing (SECURITY.md P1–P5, P7, P9)."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest

from desktop_auth.config import Config
from desktop_auth.core.password_policy import (
    PasswordPolicy,
    PasswordProblem,
    assess_password,
)
from desktop_auth.core.passwords import Argon2Parameters, PasswordHasher
from desktop_auth.core.policy import Policy
from desktop_auth.core.service import Actor, AuthService, SignInOutcome
from desktop_auth.errors import ConfigError, WeakPasswordError
from tests.helpers import FAST_ARGON2

POLICY = PasswordPolicy()


def problems(password: str, *context: str) -> set[PasswordProblem]:
    return set(assess_password(password, POLICY, context).problems)


def test_p1_eleven_characters_rejected_twelve_accepted() -> None:
    """P1: default minimum length 12."""
    assert PasswordProblem.TOO_SHORT in problems("vqmzkwrtpxj")  # 11
    assert problems("vqmzkwrtpxjb") == set()  # 12


def test_p1_minimum_is_configurable_but_never_below_eight() -> None:
    assert PasswordProblem.TOO_SHORT not in set(
        assess_password("vqmzkwrt", PasswordPolicy(min_length=8)).problems
    )
    with pytest.raises(ConfigError):
        PasswordPolicy(min_length=7)
    with pytest.raises(ConfigError):
        PasswordPolicy(max_length=100)


def test_p2_long_passwords_are_allowed_and_not_truncated() -> None:
    """P2: a 128-character password round-trips; its 127-character prefix fails."""
    hasher = PasswordHasher(FAST_ARGON2)
    password = ("lang wachtwoord " * 8)[:127] + "x"
    assert len(password) == 128
    assert problems(password) == set()
    stored = hasher.hash(password)
    assert hasher.verify(stored, password)
    assert not hasher.verify(stored, password[:127])


def test_p3_spaces_emoji_and_unicode_are_allowed_without_composition_rules() -> None:
    """P3: no composition rules; spaces and all of Unicode allowed."""
    assert problems("mijn kat eet graag 🐟 op zondag") == set()
    assert problems("alleenkleineletterszonderiets") == set()


def test_p3_nfc_and_nfd_forms_both_verify() -> None:
    """P3: NFKC before hashing, so "é" typed either way verifies."""
    hasher = PasswordHasher(FAST_ARGON2)
    nfc = unicodedata.normalize("NFC", "café op de hoek van de straat")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    stored = hasher.hash(nfc)
    assert hasher.verify(stored, nfd)
    assert hasher.verify(hasher.hash(nfd), nfc)


@pytest.mark.parametrize("password", ["Welkom01!", "password123", "iloveyou", "Qwerty123456"])
def test_p4_common_passwords_rejected_with_a_reason(password: str) -> None:
    """P4: passwords from a published list of common passwords are refused, saying why."""
    found = problems(password)
    assert PasswordProblem.COMMON in found


def test_p4_common_check_uses_the_published_list_even_when_long() -> None:
    assert PasswordProblem.COMMON in problems("Password1234567")


@pytest.mark.parametrize(
    ("password", "context"),
    [
        ("jdevries-is-mijn-naam", ("j.devries",)),  # the whole local part
        ("Salariszaken-kantoor-2026", ("jan", "Salariszaken")),  # the organisation
        ("ik log in bij desktop-auth nu", ()),  # the product
        ("devries houdt van fietsen", ("jan.devries",)),  # a part of the local part
    ],
)
def test_p5_context_words_rejected(password: str, context: tuple[str, ...]) -> None:
    """P5: the e-mail's local part, the organisation's name and the product's name."""
    assert PasswordProblem.CONTAINS_CONTEXT in problems(password, *context)


def test_guessable_passwords_rejected_by_strength_score() -> None:
    assert problems("aaaaaaaaaaaaaaaa") == {PasswordProblem.TOO_GUESSABLE}
    assert problems("abcdefghijklmnop") == {PasswordProblem.TOO_GUESSABLE}


def test_p7_policy_has_no_expiry_setting() -> None:
    """P7: no periodic forced change: nothing in the policy can make passwords expire."""
    names = {f.name for f in dataclasses.fields(Policy)} | {
        f.name for f in dataclasses.fields(PasswordPolicy)
    }
    assert not any("expir" in name or "max_age" in name or "rotation" in name for name in names)


def test_p9_stored_hash_is_argon2id_with_rfc9106_parameters(
    service: AuthService, admin: Actor
) -> None:
    """P9: argon2id, salt per hash, 64 MiB / t=3 / p=4 by default."""
    default = PasswordHasher()
    first, second = default.hash("zelfde wachtwoord"), default.hash("zelfde wachtwoord")
    assert first.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert first != second  # a fresh salt each time
    assert Config(database_url="sqlite://").argon2 == Argon2Parameters()


def test_p9_rehash_on_sign_in_when_parameters_change(
    service: AuthService, admin: Actor, store: object, clock: object
) -> None:
    """P9: a sign-in upgrades a hash made with other parameters."""
    policy = dataclasses.replace(service.policy.current(), second_factor_required=False)
    service.policy.replace(actor=admin, policy=policy)
    stronger = Argon2Parameters(time_cost=2, memory_kib=2048, parallelism=1)
    upgraded = AuthService(
        service._context.store,
        data_keys=service._data_keys,
        clock=service._context.clock,
        hasher=PasswordHasher(stronger),
        workstation="WS-042",
    )
    from tests.conftest import ADMIN_PASSWORD

    assert upgraded.sign_in.with_password("beheer@salariszaken.nl", ADMIN_PASSWORD).session
    events = [e.event_type for e in upgraded.audit.events(limit=5)]
    assert "password.rehashed" in events
    assert upgraded.sign_in.with_password("beheer@salariszaken.nl", ADMIN_PASSWORD).session
    events = [e.event_type for e in upgraded.audit.events(limit=2)]
    assert "password.rehashed" not in events  # once upgraded, never again


def test_argon2_configuration_below_the_owasp_floor_is_refused() -> None:
    with pytest.raises(ConfigError):
        Argon2Parameters(memory_kib=8192, time_cost=2).check_minimum()
    Argon2Parameters().check_minimum()


def test_weak_password_error_never_carries_the_password(service: AuthService, admin: Actor) -> None:
    secret = "Welkom01!"
    issued = service.accounts.create(actor=admin, email="x@example.nl", display_name="X")
    ticket = service.sign_in.with_password("x@example.nl", issued.temporary_password).ticket
    assert ticket
    with pytest.raises(WeakPasswordError) as info:
        service.sign_in.complete_password_change(ticket, secret)
    assert set(info.value.reasons) >= {"too_short", "common"}
    assert secret not in str(info.value) and secret not in repr(info.value.params)


def test_assess_password_for_a_live_meter(service: AuthService, admin: Actor) -> None:
    weak = service.sign_in.assess_password("salariszaken1", "jan@example.nl")
    assert not weak.acceptable and PasswordProblem.CONTAINS_CONTEXT in weak.problems
    strong = service.sign_in.assess_password(
        service.sign_in.suggest_passphrase("nl").text, "jan@example.nl"
    )
    assert strong.acceptable and strong.score >= 3


def test_p5_a_suggestion_never_holds_the_users_own_name(service: AuthService, admin: Actor) -> None:
    """P5 for the suggestion itself: "ness" is in 1 in 60 English words, so about one
    raw six-word suggestion in ten holds it; every one shown to ness@… is accepted."""
    for _ in range(100):
        suggestion = service.sign_in.suggest_passphrase("en", "ness@example.nl")
        assert service.sign_in.assess_password(suggestion.text, "ness@example.nl").acceptable
        assert suggestion.bits >= 77


def test_initial_admin_password_goes_through_policy(service: AuthService) -> None:
    with pytest.raises(WeakPasswordError):
        service.initialize(
            actor=service.accounts.local_administrator(),
            organisation_name="Salariszaken",
            rp_id="salariszaken.nl",
            admin_email="beheer@salariszaken.nl",
            admin_display_name="Anna",
            admin_password="Salariszaken2026!",
        )
    assert service.organisation() is None  # nothing half-written


def test_sign_in_outcome_after_initialize_requires_setup(
    service: AuthService, admin: Actor
) -> None:
    from tests.conftest import ADMIN_PASSWORD

    result = service.sign_in.with_password("beheer@salariszaken.nl", ADMIN_PASSWORD)
    assert result.outcome is SignInOutcome.SETUP_REQUIRED
