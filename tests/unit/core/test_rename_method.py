"""Renaming one's own authenticator app: the nickname rules live below the GUI."""

from __future__ import annotations

import pytest

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.errors import InvalidLabelError, MethodNotFoundError, SessionExpiredError
from tests.helpers import PinnedClock
from tests.totp_helpers import make_user_with_app


def test_user_renames_their_app_and_the_audit_log_says_so(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan = make_user_with_app(service, admin, clock)
    renamed = service.my_account.rename_method(
        jan.session, "totp", jan.method_id, "  Werk   telefoon "
    )
    assert renamed.label == "Werk telefoon"
    assert [m.label for m in service.my_account.methods(jan.session)] == ["Werk telefoon"]
    events = service.audit.events(subject=jan.email, event_type="factor.renamed")
    assert len(events) == 1


@pytest.mark.parametrize("label", ["", "   ", "x" * 61, "bel\x07l"])
def test_bad_nicknames_are_refused(
    service: AuthService, admin: Actor, clock: PinnedClock, label: str
) -> None:
    jan = make_user_with_app(service, admin, clock)
    with pytest.raises(InvalidLabelError):
        service.my_account.rename_method(jan.session, "totp", jan.method_id, label)
    assert [m.label for m in service.my_account.methods(jan.session)] == ["Telefoon"]


def test_someone_elses_app_or_an_unknown_kind_cannot_be_renamed(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan = make_user_with_app(service, admin, clock)
    piet = make_user_with_app(service, admin, clock, "piet@example.nl")
    with pytest.raises(MethodNotFoundError):
        service.my_account.rename_method(piet.session, "totp", jan.method_id, "Gestolen")
    with pytest.raises(MethodNotFoundError):
        service.my_account.rename_method(jan.session, "recovery", jan.method_id, "Codes")
    assert [m.label for m in service.my_account.methods(jan.session)] == ["Telefoon"]


def test_an_ended_session_cannot_rename(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan = make_user_with_app(service, admin, clock)
    clock.advance(hours=11)
    with pytest.raises(SessionExpiredError):
        service.my_account.rename_method(jan.session, "totp", jan.method_id, "Oud")
