"""AuthService's helpdesk methods: accounts, the rollout, the enrollment report, audit.

A part of the ``AuthService`` facade (``core/service.py``), kept apart so that each
module reads at once; callers use ``AuthService``, never this class.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import IO

from desktop_auth.core import audit
from desktop_auth.core.administration import TemporaryPassword, UserAdministration
from desktop_auth.core.audit import AuditEntry, AuditEventType, AuditVerification
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.flow import SignInResult
from desktop_auth.core.reports import EnrollmentReport, enrollment_report
from desktop_auth.core.rollout import ImportReport, RetirementReport, Rollout
from desktop_auth.core.second_factor import SecondFactorFlow
from desktop_auth.core.sign_in import SignInFlow
from desktop_auth.core.user_list import UserQuery, parse_sort
from desktop_auth.core.users import Actor, UserSummary, method_kinds, parse_role
from desktop_auth.factors.base import EnrolledMethod


class AdminMethods:
    """Mixed into ``AuthService``, which sets these up."""

    _context: ServiceContext
    _second_factor: SecondFactorFlow
    _sign_in: SignInFlow
    _admin: UserAdministration
    _rollout: Rollout

    def now(self) -> datetime:
        """This service's clock (pinned in tests)."""
        return self._context.now()

    # --- rollout ------------------------------------------------------------------------

    def remind_me_later(self, ticket: str) -> SignInResult:
        """Answer SETUP_REQUIRED that carries a ``setup_deadline``: in at AAL1 for now."""
        return self._sign_in.remind_me_later(ticket)

    def set_second_factor_exemption(self, *, actor: Actor, email: str, exempt: bool) -> UserSummary:
        return self._rollout.set_exemption(actor=actor, email=email, exempt=exempt)

    def set_setup_deadline(self, *, actor: Actor, email: str, until: date | None) -> UserSummary:
        """A later enforcement date for one user (None: the organisation's date)."""
        return self._rollout.set_deadline(actor=actor, email=email, until=until)

    def retire_factors(
        self, *, actor: Actor, kind: str, enrolled_before: datetime | None = None
    ) -> RetirementReport:
        """Switch off the old 2FA: every method of ``kind``; its users set up again."""
        return self._rollout.retire(actor=actor, kind=kind, enrolled_before=enrolled_before)

    def import_users(self, *, actor: Actor, csv_text: str, language: str = "en") -> ImportReport:
        """Existing accounts from CSV (email, name, role): all rows or none."""
        return self._rollout.import_csv(actor=actor, text=csv_text, language=language)

    def enrollment_report(self, *, actor: Actor, limit: int = 100) -> EnrollmentReport:
        """The dashboard: who has 2FA by method, who not yet, possibly copied keys, locks."""
        self._admin.authorize(actor, destructive=False)
        with self._context.store.transaction() as db:
            return enrollment_report(db, self._context.policy(db), self.now(), limit)

    # --- accounts (helpdesk) -----------------------------------------------------------

    def create_user(
        self,
        *,
        actor: Actor,
        email: str,
        display_name: str,
        role: str = "employee",
        language: str = "en",
    ) -> TemporaryPassword:
        return self._admin.create_user(
            actor=actor, email=email, display_name=display_name, role=role, language=language
        )

    def get_user(self, email: str) -> UserSummary:
        return self._admin.get(email)

    def list_users(
        self,
        *,
        search: str | None = None,
        role: str | None = None,
        sort: str = "email",
        descending: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> list[UserSummary]:
        """A page of users whose e-mail or name contains ``search``, in the order asked.

        ``sort`` is one of ``USER_SORTS``; a user's place never depends on the page.
        """
        query = _user_query(search, role, sort, descending)
        return self._admin.list(query, limit=limit, offset=offset)

    def count_users(self, *, search: str | None = None, role: str | None = None) -> int:
        """How many users ``list_users`` with the same search and role would page through."""
        return self._admin.count(_user_query(search, role, "email", False))

    def user_method_kinds(self, user_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """For a page of ``list_users``: the kinds of second factor each user has set up."""
        with self._context.store.transaction() as db:
            return method_kinds(db, user_ids)

    def set_user_disabled(self, *, actor: Actor, email: str, disabled: bool) -> UserSummary:
        return self._admin.set_disabled(actor=actor, email=email, disabled=disabled)

    def unlock_user(self, *, actor: Actor, email: str) -> UserSummary:
        return self._admin.unlock(actor=actor, email=email)

    def set_user_role(self, *, actor: Actor, email: str, role: str) -> UserSummary:
        return self._admin.set_role(actor=actor, email=email, role=role)

    def reset_password(
        self, *, actor: Actor, email: str, language: str = "en"
    ) -> TemporaryPassword:
        return self._admin.reset_password(actor=actor, email=email, language=language)

    def user_methods(self, email: str) -> list[EnrolledMethod]:
        """A user's active second factors, for the helpdesk (no secret in them)."""
        user = self._admin.get(email)
        with self._context.store.transaction() as db:
            return self._context.enrolled_methods(db, user.id)

    def remove_user_method(
        self, *, actor: Actor, email: str, kind: str, method_id: int
    ) -> EnrolledMethod:
        """Revoke a lost phone or key (SECURITY.md M5); with none left, the user sets up again."""
        self._admin.authorize(actor, destructive=True)
        user = self._admin.get(email)
        return self._second_factor.remove(
            actor_label=actor.label, user_id=user.id, kind=kind, method_id=method_id, session=None
        )

    # --- audit -------------------------------------------------------------------------

    def audit_events(
        self,
        *,
        subject: str | None = None,
        event_type: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = 100,
    ) -> list[AuditEntry]:
        with self._context.store.transaction() as db:
            return list(
                audit.list_events(
                    db,
                    subject=subject,
                    event_type=event_type,
                    since=since,
                    until=until,
                    limit=limit,
                )
            )

    def verify_audit(self) -> AuditVerification:
        with self._context.store.transaction() as db:
            return audit.verify_chain(db)

    def export_audit_csv(self, stream: IO[str], *, actor: Actor) -> int:
        """Write the whole log, oldest first; the export itself is audited."""
        self._admin.authorize(actor, destructive=False)
        with self._context.store.transaction() as db:
            count = audit.write_csv(audit.list_events(db, limit=None, newest_first=False), stream)
            self._context.audit(
                db,
                AuditEventType.AUDIT_EXPORTED,
                actor=actor,
                subject=None,
                details={"events": count},
            )
        return count


def _user_query(search: str | None, role: str | None, sort: str, descending: bool) -> UserQuery:
    return UserQuery(
        search=search or "",
        role=parse_role(role) if role else None,
        sort=parse_sort(sort),
        descending=descending,
    )
