"""Policy limits as data (issue 13.5): one table, read by the policy, its changes and loading.

Pure and fast except the last few, which go through the service and a SQLite store.
"""

from __future__ import annotations

import dataclasses
import logging
import string
from collections.abc import Callable
from typing import Any

import pytest

from desktop_auth import errors
from desktop_auth.core.password_policy import PasswordPolicy
from desktop_auth.core.policy import Policy
from desktop_auth.core.policy_limits import POLICY_LIMITS, Limit, Unit, section_limits
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.core.throttle import ThrottlePolicy
from desktop_auth.errors import (
    ConfigError,
    InvalidInputError,
    PolicyUnknownSettingError,
    PolicyValueOutOfRangeError,
    PolicyWrongTypeError,
)
from desktop_auth.messages import SUPPORTED_LANGUAGES, catalogue, translate
from desktop_auth.store.db import Store
from desktop_auth.store.settings import POLICY, get_setting, put_setting

#: Settings that must move together with another to keep delay_after <= lock_after.
PARTNERS: dict[tuple[str, str], dict[str, int]] = {
    ("throttle.delay_after", "maximum"): {"throttle.lock_after": 100},
    ("throttle.lock_after", "minimum"): {"throttle.delay_after": 1},
}


def stored_value(policy: Policy, setting: str) -> Any:
    values = policy.to_dict()
    section, _, name = setting.rpartition(".")
    return (values[section] if section else values)[name]


def numbers(values: dict[str, Any], section: str = "") -> list[str]:
    """Every whole-number setting of a policy dict, as "section.name"."""
    found = []
    for name, value in values.items():
        key = f"{section}.{name}" if section else name
        if isinstance(value, dict):
            found += numbers(value, key)
        elif isinstance(value, int) and not isinstance(value, bool):
            found.append(key)
    return found


# --- the table -------------------------------------------------------------------------


def test_every_numeric_setting_has_a_limit_and_every_limit_a_setting() -> None:
    assert sorted(numbers(Policy().to_dict())) == sorted(POLICY_LIMITS)


@pytest.mark.parametrize("setting", sorted(POLICY_LIMITS))
def test_each_default_lies_within_its_limit(setting: str) -> None:
    limit = POLICY_LIMITS[setting]
    assert limit.minimum <= stored_value(Policy(), setting) <= limit.maximum
    assert isinstance(limit.unit, Unit)


def test_the_bounds_an_auth_product_needs() -> None:
    """S1 cannot be switched off by a huge window; nothing that opens access can be 0."""
    bounds = {key: (limit.minimum, limit.maximum) for key, limit in POLICY_LIMITS.items()}
    assert bounds["reauthentication_minutes"] == (1, 60)
    assert Policy().reauthentication_minutes == 5
    assert bounds["session_hours"] == (1, 24)
    assert bounds["sign_in_step_minutes"] == (1, 30)
    assert bounds["totp_window"] == (0, 2)
    assert bounds["throttle.lock_minutes"] == (1, 7 * 24 * 60)
    assert bounds["throttle.lock_after"][1] == 100  # NIST SP 800-63B §3.2.2
    assert bounds["second_factor_lock_after"][1] == 100
    assert bounds["passwords.min_length"][0] == 8
    # The password bounds always fit together: the longest minimum < the shortest maximum.
    assert bounds["passwords.min_length"][1] < bounds["passwords.max_length"][0]


def test_a_limit_is_frozen_and_never_empty() -> None:
    limit = POLICY_LIMITS["totp_window"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        limit.maximum = 9  # type: ignore[misc]
    with pytest.raises(TypeError):
        POLICY_LIMITS["totp_window"] = limit  # type: ignore[index]
    with pytest.raises(ValueError, match="empty range"):
        Limit(minimum=2, maximum=1, unit=Unit.STEPS, message="policy.limit.totp_window")
    assert limit.clamp(-3) == 0 and limit.clamp(1) == 1 and limit.clamp(99) == 2


def test_sections_see_only_their_own_limits() -> None:
    assert set(section_limits("throttle")) == {
        "delay_after",
        "lock_after",
        "lock_minutes",
        "helpdesk_lock_after",
        "first_delay_seconds",
        "max_delay_seconds",
    }
    assert "lock_minutes" not in section_limits("")
    assert set(section_limits("passwords")) == {"min_length", "max_length", "min_score"}


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_limit_says_its_range_in_words_in_every_language(language: str) -> None:
    for setting, limit in POLICY_LIMITS.items():
        template = catalogue(language)[limit.message]
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert names == {"minimum", "maximum"}, setting
        text = translate(limit.message, language, minimum=limit.minimum, maximum=limit.maximum)
        assert str(limit.maximum) in text


def test_each_outcome_has_its_own_error_whose_code_is_its_message_key() -> None:
    for cls, base in (
        (PolicyUnknownSettingError, InvalidInputError),
        (PolicyWrongTypeError, InvalidInputError),
        (PolicyValueOutOfRangeError, ConfigError),
    ):
        assert issubclass(cls, base)
        assert cls.message_key == f"error.{cls.code}"
        assert cls.message_key in catalogue("en") and cls.message_key in catalogue("nl")
    codes = [
        cls.code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.DesktopAuthError)
    ]
    assert len(codes) == len(set(codes))


# --- with_changes: the bounds -----------------------------------------------------------


def edge_changes(setting: str, end: str, value: int) -> dict[str, object]:
    return {setting: value, **PARTNERS.get((setting, end), {})}


@pytest.mark.parametrize("setting", sorted(POLICY_LIMITS))
def test_each_bound_is_accepted_at_the_edge_and_refused_just_outside(setting: str) -> None:
    limit = POLICY_LIMITS[setting]
    policy = Policy()
    for end, edge, outside in (
        ("minimum", limit.minimum, limit.minimum - 1),
        ("maximum", limit.maximum, limit.maximum + 1),
    ):
        changed = policy.with_changes(edge_changes(setting, end, edge))
        assert stored_value(changed, setting) == edge
        with pytest.raises(PolicyValueOutOfRangeError) as refused:
            policy.with_changes(edge_changes(setting, end, outside))
        assert refused.value.code == "policy_value_out_of_range"
        assert dict(refused.value.params) == {
            "setting": setting,
            "value": outside,
            "minimum": limit.minimum,
            "maximum": limit.maximum,
            "unit": limit.unit.value,
        }
    assert policy == Policy()  # with_changes gives a new policy; this one stays


@pytest.mark.parametrize("setting", sorted(POLICY_LIMITS))
def test_a_policy_built_directly_is_held_to_the_same_bounds(setting: str) -> None:
    section, _, name = setting.rpartition(".")
    too_big = {name: POLICY_LIMITS[setting].maximum + 1}
    build: dict[str, Callable[[], object]] = {
        "throttle": lambda: ThrottlePolicy(**{"lock_after": 100, "delay_after": 1, **too_big}),
        "passwords": lambda: PasswordPolicy(**too_big),
        "": lambda: dataclasses.replace(Policy(), **too_big),
    }
    with pytest.raises(PolicyValueOutOfRangeError):
        build[section]()


def test_the_reported_bug_values_are_refused_in_words() -> None:
    """-5, 0 and a year were accepted once; a year of re-authentication ends S1."""
    for setting, value in (
        ("reauthentication_minutes", 525600),
        ("reauthentication_minutes", 0),
        ("session_hours", -5),
        ("sign_in_step_minutes", 0),
        ("throttle.first_delay_seconds", -5),
        ("throttle.max_delay_seconds", 525600),
    ):
        with pytest.raises(PolicyValueOutOfRangeError) as refused:
            Policy().with_changes({setting: value})
        text = translate(refused.value.message_key, "en", **refused.value.params)
        limit = POLICY_LIMITS[setting]
        assert text == f"{setting} must be from {limit.minimum} to {limit.maximum}, not {value}."
        dutch = translate(refused.value.message_key, "nl", **refused.value.params)
        assert f"tot en met {limit.maximum}" in dutch


def test_a_rule_between_settings_still_holds() -> None:
    with pytest.raises(ConfigError) as refused:
        Policy().with_changes({"throttle.lock_after": 3})  # delay_after is 5
    assert refused.value.code == "policy_throttle"


# --- with_changes: names and kinds ------------------------------------------------------


@pytest.mark.parametrize(
    "setting",
    ["nonsense", "throttle.nonsense", "throttle", "passwords", "a.b.c", "nonsense.lock_after", ""],
)
def test_an_unknown_setting_is_refused_by_name(setting: str) -> None:
    with pytest.raises(PolicyUnknownSettingError) as refused:
        Policy().with_changes({setting: 1})
    assert refused.value.code == "policy_unknown_setting"
    assert dict(refused.value.params) == {"setting": setting}


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("totp_window", True),  # a bool is not a number, though Python says it is an int
        ("throttle.lock_minutes", False),
        ("totp_window", "1"),
        ("totp_window", 1.0),
        ("totp_window", None),
        ("passwordless_allowed", 1),  # nor a number a bool
        ("passwordless_allowed", "yes"),
        ("reminder_text", 5),
        ("reminder_text", None),  # None only where the default is None
        ("enforcement_date", 20260701),
        ("allowed_methods", "security_key"),
        ("allowed_methods", [1]),
        ("aaguid_allowlist", [None]),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused(setting: str, value: object) -> None:
    with pytest.raises(PolicyWrongTypeError) as refused:
        Policy().with_changes({setting: value})
    assert refused.value.code == "policy_wrong_type"
    assert dict(refused.value.params) == {"setting": setting}


def test_bool_settings_take_bools_and_optional_ones_take_none() -> None:
    policy = Policy().with_changes(
        {"passwordless_allowed": False, "enforcement_date": "2026-07-01", "totp_window": 0}
    )
    assert policy.passwordless_allowed is False and policy.totp_window == 0
    assert policy.with_changes({"enforcement_date": None}).enforcement_date is None


def test_with_changes_changes_only_what_it_names() -> None:
    before = Policy().with_changes({"throttle.lock_minutes": 5000})
    after = before.with_changes({"reminder_text": "Zet het vóór 1 juli aan."})
    assert after.reminder_text == "Zet het vóór 1 juli aan."
    assert after.throttle == before.throttle
    assert dataclasses.replace(after, reminder_text="") == before
    assert before.with_changes({}) == before
    assert after.with_changes({"allowed_methods": ("security_key",)}).allowed_methods == (
        "security_key",
    )


# --- a stored policy from an older version ----------------------------------------------


def test_a_stored_value_outside_the_bounds_loads_clamped_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stored = Policy().to_dict()
    # Values no other test uses: each process warns once per stored value.
    stored.update(reauthentication_minutes=99999, session_hours=0, sign_in_step_minutes=-5)
    stored["throttle"]["lock_minutes"] = 50000
    with caplog.at_level(logging.WARNING, logger="desktop_auth.core.policy"):
        policy = Policy.from_dict(stored)
    assert policy.reauthentication_minutes == 60  # fail-closed: the strictest stays in force
    assert policy.session_hours == 1 and policy.sign_in_step_minutes == 1
    assert policy.throttle.lock_minutes == 7 * 24 * 60
    assert stored["throttle"]["lock_minutes"] == 50000  # the caller's dict is left alone
    logged = caplog.text
    assert "reauthentication_minutes=99999" in logged and "using 60" in logged
    assert "throttle.lock_minutes=50000" in logged


def test_a_stored_value_of_the_wrong_kind_still_refuses() -> None:
    stored = Policy().to_dict()
    stored["totp_window"] = "wide"
    with pytest.raises(PolicyWrongTypeError):
        Policy.from_dict(stored)
    stored = Policy().to_dict()
    stored["no_such_setting"] = 1
    with pytest.raises(ConfigError, match="policy_unreadable"):
        Policy.from_dict(stored)


def test_an_old_stored_policy_keeps_sign_in_working_and_is_saved_clamped(
    store: Store, service: AuthService, admin: Actor
) -> None:
    stored = Policy().to_dict()
    stored["reauthentication_minutes"] = 525600
    with store.transaction() as db:
        put_setting(db, POLICY, stored)
    assert service.policy.current().reauthentication_minutes == 60
    service.policy.update(actor=admin, changes={"reminder_text": "Voor 1 juli."})
    with store.transaction() as db:
        saved = get_setting(db, POLICY)
    assert saved is not None and saved["reauthentication_minutes"] == 60
    assert saved["reminder_text"] == "Voor 1 juli."


def test_update_policy_is_with_changes_then_save_and_audit(
    service: AuthService, admin: Actor
) -> None:
    with pytest.raises(PolicyValueOutOfRangeError):
        service.policy.update(actor=admin, changes={"throttle.lock_minutes": 10081})
    with pytest.raises(PolicyUnknownSettingError):
        service.policy.update(actor=admin, changes={"throttle.nonsense": 1})
    assert service.policy.current() == Policy()
    assert service.audit.events(event_type="policy.changed") == []
    changed = service.policy.update(
        actor=admin, changes={"throttle.lock_minutes": 10080, "reauthentication_minutes": 1}
    )
    assert changed == service.policy.current()
    assert changed.throttle.lock_minutes == 10080 and changed.reauthentication_minutes == 1
    event = service.audit.events(event_type="policy.changed")[0]
    assert event.details["settings"] == "reauthentication_minutes,throttle.lock_minutes"
