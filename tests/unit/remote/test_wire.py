"""The API is made from the capabilities: every method served or named as local, the
document kept current, errors raised again as the same class."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from desktop_auth.errors import InvalidCredentialsLockedError, WeakPasswordError
from desktop_auth.remote import openapi, wire


def test_the_openapi_document_in_the_repository_is_current() -> None:
    """Write it again with ``python -m desktop_auth.remote.openapi`` after a change."""
    kept = json.loads(openapi.KEPT.read_text(encoding="utf-8"))
    assert kept == json.loads(openapi.text())
    assert kept["paths"]["/v1/sign_in/with_password"]["post"]["operationId"] == (
        "sign_in.with_password"
    )


def test_b5_every_integer_in_the_document_states_the_bounds_the_server_holds_it_to() -> None:
    """Beyond a 64-bit column the server refuses an integer as malformed: the document
    says so, rather than letting a client find out."""
    integers: list[dict[str, object]] = []

    def walk(part: object) -> None:
        if isinstance(part, dict):
            if part.get("type") == "integer":
                integers.append(part)
            for value in part.values():
                walk(value)
        elif isinstance(part, list):
            for value in part:
                walk(value)

    walk(openapi.document())
    assert len(integers) > 30  # ids, revisions, counts: in bodies and in answers
    for integer in integers:
        minimum, maximum = integer["minimum"], integer["maximum"]
        assert isinstance(minimum, int) and isinstance(maximum, int)
        assert -(2**63) <= minimum <= maximum <= 2**63 - 1


def test_every_public_capability_method_is_served_or_local() -> None:
    served = {(o.capability, o.name) for o in wire.operations()}
    for capability, cls in wire.CAPABILITIES.items():
        for name, member in vars(cls).items():
            if name.startswith("_") or not callable(member):
                continue
            assert (capability, name) in served | wire.LOCAL_ONLY, (capability, name)


def test_b3_every_administrative_call_needs_a_session() -> None:
    """The helpdesk's reads included: only sign-in steps go without a token."""
    anonymous = {
        (o.capability, o.name) for o in wire.operations() if o.caller is wire.Caller.ANYONE
    }
    assert {c for c, _ in anonymous} & {"audit", "rollout", "operations"} == set()
    assert {n for c, n in anonymous if c == "accounts"} == {"now"}


def test_errors_cross_as_the_same_class_with_their_parameters() -> None:
    until = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    again = wire.error_from_json(
        json.loads(json.dumps(wire.error_to_json(InvalidCredentialsLockedError(until=until))))
    )
    assert type(again) is InvalidCredentialsLockedError and again.params["until"] == until
    weak = wire.error_from_json(
        wire.error_to_json(WeakPasswordError(("too_short",), min_length=15))
    )
    assert isinstance(weak, WeakPasswordError) and weak.reasons == ("too_short",)
    assert wire.error_from_json({"code": "from_a_newer_server"}).code == "server_protocol"
