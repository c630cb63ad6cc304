"""Rolling 2FA out over an organisation: exemptions, extensions, retiring old methods, import.

The customer manual's story: the old built-in 2FA is switched off on a date,
everyone signs in with the password they already have and sets up 2FA again.
``retire`` is that switch; ``import_users`` brings the existing accounts over from
a CSV file, all rows or none; ``report`` is the dashboard (``AuthService.rollout``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from desktop_auth.core.administration import Accounts, TemporaryPassword
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.csv_export import write_rows
from desktop_auth.core.guards import Action, Guard
from desktop_auth.core.identity import normalize_email
from desktop_auth.core.reports import EnrollmentReport, enrollment_report
from desktop_auth.core.second_factor import SecondFactorFlow
from desktop_auth.core.users import (
    Actor,
    UserSummary,
    clean_display_name,
    find_user,
    get_user,
    lock_user,
    parse_role,
    summarize,
)
from desktop_auth.errors import (
    DesktopAuthError,
    ImportColumnsError,
    ImportDuplicateError,
    ImportEmptyError,
    ImportMalformedError,
    ImportTooLargeError,
    MethodNotFoundError,
    UserExistsError,
)
from desktop_auth.store.models import User
from desktop_auth.vocabulary import ENROLLABLE_KINDS, AuditEventType, FactorKind, SecurityNotice

MAX_IMPORT_ROWS = 10_000


@dataclass(frozen=True, kw_only=True)
class RetirementReport:
    methods_removed: int
    users_affected: int


@dataclass(frozen=True, kw_only=True)
class ImportRow:
    line: int
    email: str
    #: None when the row is fine; otherwise why not, as a message key and its values.
    problem: str | None = None
    params: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ImportReport:
    """Every row's verdict; ``created`` is empty unless every row was fine."""

    rows: tuple[ImportRow, ...]
    created: tuple[TemporaryPassword, ...] = ()

    @property
    def ok(self) -> bool:
        return all(row.problem is None for row in self.rows)

    def write_passwords_csv(self, stream: IO[str]) -> int:
        """The new users' one-time passwords for the helpdesk to hand out (C5-safe)."""
        return write_rows(
            stream,
            ("email", "temporary_password"),
            ((issued.user.email, issued.temporary_password) for issued in self.created),
        )


class Rollout:
    """Moving an organisation onto 2FA, and how far it has come."""

    def __init__(
        self, context: ServiceContext, guard: Guard, flow: SecondFactorFlow, accounts: Accounts
    ) -> None:
        self._ctx = context
        self._guard = guard
        self._flow = flow
        self._accounts = accounts

    def report(self, *, actor: Actor, limit: int = 100) -> EnrollmentReport:
        """The dashboard: who has 2FA by kind, who not yet, possibly copied keys, locks."""
        self._guard.require(Action.VIEW_REPORT, actor)
        with self._ctx.store.transaction() as db:
            return enrollment_report(db, self._ctx.policy(db), self._ctx.now(), limit)

    # --- per user ---------------------------------------------------------------------

    def set_exemption(self, *, actor: Actor, email: str, exempt: bool) -> UserSummary:
        """Exempt one user from the 2FA requirement (or end the exemption)."""
        self._guard.require(Action.SET_EXEMPTION, actor)
        with self._ctx.store.transaction() as db:
            user = get_user(db, email)
            user.second_factor_exempt = exempt
            self._ctx.audit(
                db,
                AuditEventType.USER_EXEMPTION_CHANGED,
                actor=actor,
                subject=user.email,
                details={"exempt": exempt},
            )
            return summarize(user, self._ctx.policy(db))

    def set_deadline(self, *, actor: Actor, email: str, until: date | None) -> UserSummary:
        """A later enforcement date for one user (None: the organisation's date)."""
        self._guard.require(Action.SET_DEADLINE, actor)
        with self._ctx.store.transaction() as db:
            user = get_user(db, email)
            user.setup_deadline = until
            self._ctx.audit(
                db,
                AuditEventType.USER_DEADLINE_CHANGED,
                actor=actor,
                subject=user.email,
                details={"until": until.isoformat() if until else "-"},
            )
            return summarize(user, self._ctx.policy(db))

    # --- retiring the old 2FA ---------------------------------------------------------

    def retire(
        self, *, actor: Actor, kind: FactorKind, enrolled_before: datetime | None = None
    ) -> RetirementReport:
        """Remove every method of ``kind`` (made before ``enrolled_before``, if given).

        Their users set 2FA up again at their next sign-in with the password they
        have, as the manual describes; so for a user left with no method the
        "had 2FA" mark is cleared too.
        """
        self._guard.require(Action.RETIRE_METHODS, actor)
        if kind not in ENROLLABLE_KINDS:  # codes are not methods to switch off (M8)
            raise MethodNotFoundError()
        provider = self._flow.provider(kind)
        ctx = self._ctx
        removed, affected = 0, []
        with ctx.store.transaction() as db:
            users = db.query(User).order_by(User.id).all()
            for user in users:
                methods = [
                    m
                    for m in provider.enrolled_methods(db, user.id, ctx.now())
                    if enrolled_before is None or m.created_at < enrolled_before
                ]
                if not methods:
                    continue
                lock_user(db, user.id)
                for method in methods:
                    self._flow.remove_in(db, user, method, actor=actor.label)
                removed += len(methods)
                affected.append(user.email)
                if not ctx.enrolled_methods(db, user.id):
                    user.second_factor_enrolled_at = None
            ctx.audit(
                db,
                AuditEventType.FACTORS_RETIRED,
                actor=actor,
                subject=None,
                details={
                    "kind": kind,
                    "before": enrolled_before.isoformat() if enrolled_before else "-",
                    "methods": removed,
                    "users": len(affected),
                },
            )
        for email in affected:
            ctx.notify(SecurityNotice.FACTOR_REMOVED, email)
        return RetirementReport(methods_removed=removed, users_affected=len(affected))

    # --- importing existing accounts --------------------------------------------------

    def import_users(self, *, actor: Actor, csv_text: str, language: str = "en") -> ImportReport:
        """Rows of ``email,name[,role]`` (a header line names the columns).

        Every row is checked first; a single bad row imports nothing, and the
        report says what is wrong with each.  Each new user gets a temporary
        password, shown once, to be changed at the first sign-in.
        """
        self._guard.require(Action.IMPORT_USERS, actor)
        rows, parsed = self._check_rows(csv_text)
        if not all(row.problem is None for row in rows):
            return ImportReport(rows=tuple(rows))
        created = self._accounts.create_many(actor=actor, rows=parsed, language=language)
        with self._ctx.store.transaction() as db:
            self._ctx.audit(
                db,
                AuditEventType.USERS_IMPORTED,
                actor=actor,
                subject=None,
                details={"users": len(created)},
            )
        return ImportReport(rows=tuple(rows), created=tuple(created))

    def _check_rows(self, text: str) -> tuple[list[ImportRow], list[tuple[str, str, str]]]:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        try:
            return self._read_rows(reader)
        except csv.Error:
            # A field over the csv module's limit or an unclosed quote: one translated
            # line that says where, and nothing imported (the rows are only read here).
            # The reader counts the lines it has finished: the bad one is the next.
            raise ImportMalformedError(
                line=reader.line_num + 1, maximum=csv.field_size_limit()
            ) from None

    def _read_rows(
        self, reader: csv.DictReader[str]
    ) -> tuple[list[ImportRow], list[tuple[str, str, str]]]:
        columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
        if not {"email", "name"} <= columns:
            raise ImportColumnsError()
        rows: list[ImportRow] = []
        parsed: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        with self._ctx.store.transaction() as db:
            for record in reader:
                # Cells beyond the header (key None, a list) are not ours to read.
                values = {
                    k.strip().lower(): (v or "").strip()
                    for k, v in record.items()
                    if isinstance(k, str) and isinstance(v, str | None)
                }
                line = reader.line_num
                if len(rows) >= MAX_IMPORT_ROWS:
                    raise ImportTooLargeError(maximum=MAX_IMPORT_ROWS)
                email = values.get("email", "")
                try:
                    address, key = normalize_email(email)
                    name = clean_display_name(values.get("name", ""))
                    role = parse_role(values.get("role") or "employee")
                    if key in seen:
                        raise ImportDuplicateError()
                    if find_user(db, address) is not None:
                        raise UserExistsError()
                except DesktopAuthError as problem:
                    params = {k: v for k, v in problem.params.items() if isinstance(v, str | int)}
                    rows.append(
                        ImportRow(
                            line=line, email=email, problem=problem.message_key, params=params
                        )
                    )
                    continue
                seen.add(key)
                rows.append(ImportRow(line=line, email=address))
                parsed.append((address, name, role.value))
        if not rows:
            raise ImportEmptyError()
        return rows, parsed
