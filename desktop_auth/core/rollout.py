"""Rolling 2FA out over an organisation: exemptions, extensions, retiring old methods, import.

The customer manual's story: the old built-in 2FA is switched off on a date,
everyone signs in with the password they already have and sets up 2FA again.
``retire_factors`` is that switch; ``import_users`` brings the existing accounts
over from a CSV file, all rows or none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from desktop_auth.core.administration import TemporaryPassword, UserAdministration
from desktop_auth.core.audit import AuditEventType
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.identity import normalize_email
from desktop_auth.core.notifications import SecurityNotice
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
    ImportTooLargeError,
    UserExistsError,
)
from desktop_auth.store.models import User

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


class Rollout:
    def __init__(
        self, context: ServiceContext, flow: SecondFactorFlow, admin: UserAdministration
    ) -> None:
        self.ctx = context
        self.flow = flow
        self.admin = admin

    # --- per user ---------------------------------------------------------------------

    def set_exemption(self, *, actor: Actor, email: str, exempt: bool) -> UserSummary:
        self.admin.authorize(actor, destructive=exempt)  # exempting weakens an account
        with self.ctx.store.transaction() as db:
            user = get_user(db, email)
            user.second_factor_exempt = exempt
            self.ctx.audit(
                db,
                AuditEventType.USER_EXEMPTION_CHANGED,
                actor=actor,
                subject=user.email,
                details={"exempt": exempt},
            )
            return summarize(user)

    def set_deadline(self, *, actor: Actor, email: str, until: date | None) -> UserSummary:
        self.admin.authorize(actor, destructive=False)
        with self.ctx.store.transaction() as db:
            user = get_user(db, email)
            user.setup_deadline = until
            self.ctx.audit(
                db,
                AuditEventType.USER_DEADLINE_CHANGED,
                actor=actor,
                subject=user.email,
                details={"until": until.isoformat() if until else "-"},
            )
            return summarize(user)

    # --- retiring the old 2FA ---------------------------------------------------------

    def retire(
        self, *, actor: Actor, kind: str, enrolled_before: datetime | None
    ) -> RetirementReport:
        """Remove every method of ``kind`` (made before ``enrolled_before``, if given).

        Their users set 2FA up again at their next sign-in with the password they
        have, as the manual describes; so for a user left with no method the
        "had 2FA" mark is cleared too.
        """
        self.admin.authorize(actor, destructive=True)
        provider = self.flow.provider(kind)
        ctx = self.ctx
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
                    self.flow.remove_in(db, user, method, actor=actor.label)
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

    def import_csv(self, *, actor: Actor, text: str, language: str) -> ImportReport:
        """Rows of ``email,name[,role]`` (a header line names the columns).

        Every row is checked first; a single bad row imports nothing, and the
        report says what is wrong with each.  Each new user gets a temporary
        password, shown once, to be changed at the first sign-in.
        """
        self.admin.authorize(actor, destructive=False)
        rows, parsed = self._check_rows(text)
        if not all(row.problem is None for row in rows):
            return ImportReport(rows=tuple(rows))
        created = self.admin.create_users(actor=actor, rows=parsed, language=language)
        with self.ctx.store.transaction() as db:
            self.ctx.audit(
                db,
                AuditEventType.USERS_IMPORTED,
                actor=actor,
                subject=None,
                details={"users": len(created)},
            )
        return ImportReport(rows=tuple(rows), created=tuple(created))

    def _check_rows(self, text: str) -> tuple[list[ImportRow], list[tuple[str, str, str]]]:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
        if not {"email", "name"} <= columns:
            raise ImportColumnsError()
        rows: list[ImportRow] = []
        parsed: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        with self.ctx.store.transaction() as db:
            for record in reader:
                values = {(k or "").strip().lower(): (v or "").strip() for k, v in record.items()}
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
