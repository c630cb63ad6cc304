"""The sign-in server against its own OpenAPI document (SECURITY.md B5): schemathesis
generates requests for every operation, anonymous and as a signed-in administrator at
AAL2, and every answer must be no server error and exactly what the document says."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from desktop_auth.core.service import Actor, AuthService, RateLimitPolicy
from desktop_auth.remote import wire
from desktop_auth.remote.openapi import KEPT
from desktop_auth.remote.protection import ServerLimits
from desktop_auth.remote.server import JWKS_PATH, create_app
from tests.helpers import make_user, past_sign_in

#: The issue asks for at least 200 generated cases per operation.
CASES_PER_OPERATION = 200
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
WORKSTATION = {"X-Desktop-Auth-Workstation": "WS-fuzz"}
#: The walk judges answers, not their speed (speed is benchmarks/' job): schemathesis's
#: own 10 s read timeout failed a CI run in which one request for an unknown ticket (a
#: read and a rate-limit commit, 15 ms here) took longer on a loaded machine and then
#: passed on its replay. The server's time limit (a 503 past it) and the client's are
#: both set wide; pytest-timeout still ends a request that hangs.
PATIENCE_SECONDS = 240.0


#: Every operation of the kept document (docs/openapi.json, checked current elsewhere),
#: each its own test: one walk over all 76 took 340–530 s, the longest test of the suite,
#: which no worker could share (issue 20: a steady, quick suite).
OPERATIONS = [
    (method.upper(), path)
    for path, methods in json.loads(KEPT.read_text(encoding="utf-8"))["paths"].items()
    for method in methods
    if method in {"get", "put", "post", "delete", "patch"}
]


def test_b5_the_walk_covers_every_served_operation() -> None:
    served = [op.path for op in wire.operations()] + [JWKS_PATH, "/v1/organisation"]
    walked = {path for _, path in OPERATIONS}
    assert set(served) <= walked
    assert len(OPERATIONS) == len(served) + 1, OPERATIONS  # and the audit export


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_b5_every_operation_answers_as_its_document_says(
    service: AuthService, admin: Actor, method: str, path: str
) -> None:
    make_user(service, admin)
    limits = ServerLimits(
        budgets=RateLimitPolicy(per_address=10**9, per_account=10**9),
        request_seconds=PATIENCE_SECONDS,
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(service, limits))
    token = past_sign_in(service, "beheer@salariszaken.nl").token
    callers = (WORKSTATION, {**WORKSTATION, "Authorization": f"Bearer {token}"})
    operation = schema[path][method]

    @settings(
        max_examples=CASES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,  # the same cases every run: a failure here is never luck
    )
    @given(case=operation.as_strategy())
    def answers_as_documented(case: Any) -> None:
        for headers in callers:
            case.call_and_validate(headers=headers, checks=CHECKS, timeout=PATIENCE_SECONDS)

    answers_as_documented()
