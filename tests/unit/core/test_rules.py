"""The core's pure rules, without a store: the setup rule, assurance, the throttle schedule,
the policy's own round trip.  Each is a function of its inputs, so each is tested as one."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from desktop_auth.core.enforcement import SetupRule, setup_rule
from desktop_auth.core.guards import at_least
from desktop_auth.core.policy import Policy
from desktop_auth.core.second_factor import assurance_of
from desktop_auth.core.session import AssuranceLevel
from desktop_auth.core.throttle import ThrottlePolicy
from desktop_auth.factors.base import EnrolledMethod
from desktop_auth.store.models import User
from desktop_auth.vocabulary import FactorKind, Method

TODAY = date(2026, 12, 1)


def employee(*, exempt: bool = False, deadline: date | None = None) -> User:
    return User(second_factor_exempt=exempt, setup_deadline=deadline)


def policy_from(enforcement: date | None, *, required: bool = True) -> Policy:
    return dataclasses.replace(
        Policy(),
        second_factor_required=required,
        enforcement_date=enforcement.isoformat() if enforcement else None,
    )


# --- the setup rule (the customer manual's rollout) -------------------------------------------


def test_no_enforcement_date_means_set_up_now() -> None:
    assert setup_rule(employee(), policy_from(None), TODAY) == SetupRule(required=True)


def test_before_the_enforcement_date_setting_up_may_wait_until_that_day() -> None:
    later = TODAY + timedelta(days=30)
    assert setup_rule(employee(), policy_from(later), TODAY) == SetupRule(
        required=True, deferrable_until=later
    )


def test_on_the_enforcement_date_it_may_wait_no_longer() -> None:
    assert setup_rule(employee(), policy_from(TODAY), TODAY) == SetupRule(required=True)


def test_a_personal_deadline_extends_the_organisations_date_never_shortens_it() -> None:
    organisation, personal = TODAY + timedelta(days=10), TODAY + timedelta(days=40)
    assert setup_rule(employee(deadline=personal), policy_from(organisation), TODAY) == (
        SetupRule(required=True, deferrable_until=personal)
    )
    earlier = TODAY + timedelta(days=5)
    assert setup_rule(employee(deadline=earlier), policy_from(organisation), TODAY) == (
        SetupRule(required=True, deferrable_until=organisation)
    )


def test_exempt_users_and_optional_policies_require_nothing() -> None:
    assert setup_rule(employee(exempt=True), policy_from(None), TODAY) == SetupRule(required=False)
    assert setup_rule(employee(), policy_from(None, required=False), TODAY) == SetupRule(
        required=False
    )


# --- assurance (SECURITY.md S2) ----------------------------------------------------------------


def method(kind: FactorKind, *, aal3: bool) -> EnrolledMethod:
    return EnrolledMethod(
        kind=kind,
        method_id=1,
        label="",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        last_used_at=None,
        workstation="WS",
        strength=1,
        aal3=aal3,
    )


def test_s2_password_and_a_method_is_aal2_and_a_verifying_hardware_key_aal3() -> None:
    assert assurance_of(method(FactorKind.TOTP, aal3=False)) is AssuranceLevel.AAL2
    assert assurance_of(method(FactorKind.WEBAUTHN, aal3=False)) is AssuranceLevel.AAL2
    assert assurance_of(method(FactorKind.WEBAUTHN, aal3=True)) is AssuranceLevel.AAL3


@pytest.mark.parametrize(
    ("level", "minimum", "enough"),
    [
        (AssuranceLevel.AAL1, AssuranceLevel.AAL1, True),
        (AssuranceLevel.AAL1, AssuranceLevel.AAL2, False),
        (AssuranceLevel.AAL2, AssuranceLevel.AAL2, True),
        (AssuranceLevel.AAL3, AssuranceLevel.AAL2, True),
        (AssuranceLevel.AAL2, AssuranceLevel.AAL3, False),
    ],
)
def test_levels_are_ordered(level: AssuranceLevel, minimum: AssuranceLevel, enough: bool) -> None:
    assert at_least(level, minimum) is enough


# --- the throttle schedule (SECURITY.md T1) ----------------------------------------------------


def test_t1_the_schedule_waits_from_the_fifth_failure_doubling_and_locks_at_the_tenth() -> None:
    throttle = ThrottlePolicy()
    waits = [throttle.wait_after(n) for n in range(1, 12)]
    seconds = [None if w is None else w.total_seconds() for w in waits]
    assert seconds == [None, None, None, None, 2, 4, 8, 16, 32, 900, 900]
    assert [throttle.is_lock(n) for n in (9, 10, 11)] == [False, True, True]


def test_the_delay_never_exceeds_its_maximum() -> None:
    throttle = ThrottlePolicy(delay_after=1, lock_after=50, max_delay_seconds=60)
    assert max(throttle.wait_after(n) or timedelta() for n in range(1, 50)) == timedelta(seconds=60)


# --- the policy value -----------------------------------------------------------------------


def test_a_policy_survives_its_stored_form_and_names_what_it_allows() -> None:
    policy = dataclasses.replace(Policy(), allowed_methods=(Method.AUTHENTICATOR_APP,))
    assert Policy.from_dict(policy.to_dict()) == policy
    assert policy.allows(Method.AUTHENTICATOR_APP)
    assert not policy.allows(Method.SECURITY_KEY)
