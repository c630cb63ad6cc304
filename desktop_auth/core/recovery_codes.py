"""Recovery codes and helpdesk backup codes: making them, counting them, issuing them.

The rules for checking a code are the factors'; this module adds who may make
codes (a recent sign-in at AAL2, SECURITY.md S1), the audit trail and the
security notices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from desktop_auth.core.audit import AuditEventType
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.notifications import SecurityNotice
from desktop_auth.core.second_factor import SecondFactorFlow, at_least
from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.core.users import Actor, get_user, lock_user
from desktop_auth.errors import (
    InsufficientAssuranceError,
    ReauthenticationRequiredError,
    SessionExpiredError,
)
from desktop_auth.factors.backup_code import BackupCodeFactor, IssuedBackupCode
from desktop_auth.factors.recovery import RecoveryCodeFactor, RecoveryStatus
from desktop_auth.messages import translate
from desktop_auth.store.settings import ORGANISATION_NAME, get_setting


@dataclass(frozen=True, kw_only=True)
class RecoverySheet:
    """Everything the printed sheet, the text file and "Copy" show.  Exists once."""

    organisation: str
    email: str
    display_name: str
    created_at: datetime
    sheet_id: str
    codes: tuple[str, ...] = field(repr=False)

    def header_lines(self, language: str) -> list[str]:
        return [
            translate("sheet.organisation", language, organisation=self.organisation),
            translate("sheet.account", language, email=self.email),
            translate("sheet.created", language, date=self.created_at.date().isoformat()),
            translate("sheet.id", language, sheet_id=self.sheet_id),
        ]

    def rules(self, language: str) -> list[str]:
        keys = ("sheet.rule_safe", "sheet.rule_once", "sheet.rule_run_out")
        return [translate(key, language) for key in keys]

    def numbered_codes(self) -> list[str]:
        width = len(str(len(self.codes)))
        return [f"{n:>{width}}. {code}" for n, code in enumerate(self.codes, start=1)]

    def title(self, language: str) -> str:
        return translate("sheet.title", language)

    def intro(self, language: str) -> str:
        return translate("sheet.intro", language)

    def as_text(self, language: str) -> str:
        """For "Save as text file" and "Copy": the same content as the printed sheet."""
        title = self.title(language)
        parts = [
            title,
            "=" * len(title),
            *self.header_lines(language),
            "",
            self.intro(language),
            "",
            *(f"[ ] {line}" for line in self.numbered_codes()),
            "",
            *(f"- {rule}" for rule in self.rules(language)),
        ]
        return "\n".join(parts) + "\n"


@dataclass(frozen=True, kw_only=True)
class BackupCodeSlip:
    """The helpdesk's printout of a backup code, in the user's language, to hand over."""

    organisation: str
    email: str
    expires_at: datetime
    code: str = field(repr=False)

    def title(self, language: str) -> str:
        return translate("slip.title", language)

    def header_lines(self, language: str) -> list[str]:
        return [
            translate("sheet.organisation", language, organisation=self.organisation),
            translate("sheet.account", language, email=self.email),
            translate("slip.valid_until", language, until=self.expires_at),
        ]

    def intro(self, language: str) -> str:
        return translate("slip.intro", language)

    def numbered_codes(self) -> list[str]:
        return [self.code]

    def rules(self, language: str) -> list[str]:
        keys = ("slip.rule_once", "slip.rule_setup", "slip.rule_destroy")
        return [translate(key, language) for key in keys]


class RecoveryCodes:
    def __init__(
        self,
        context: ServiceContext,
        flow: SecondFactorFlow,
        recovery: RecoveryCodeFactor,
        backup: BackupCodeFactor,
    ) -> None:
        self.ctx = context
        self.flow = flow
        self.recovery = recovery
        self.backup = backup

    def generate(self, session: Session) -> RecoverySheet:
        """A new batch replacing the old in one transaction; shown once."""
        ctx = self.ctx
        now = ctx.now()
        if not session.is_active(now):
            raise SessionExpiredError()
        if not at_least(session.assurance, AssuranceLevel.AAL2):
            raise InsufficientAssuranceError()
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            if not session.authenticated_within(now, policy.reauthentication_window):
                raise ReauthenticationRequiredError()
            user = lock_user(db, session.user_id)
            batch = self.recovery.replace_batch(
                db, user_id=user.id, count=policy.recovery_code_count, now=now
            )
            ctx.audit(
                db,
                AuditEventType.RECOVERY_CODES_CREATED,
                actor=user.email,
                subject=user.email,
                details={"batch": batch.batch_id, "count": len(batch.codes)},
            )
            organisation = get_setting(db, ORGANISATION_NAME) or ""
        ctx.notify(SecurityNotice.RECOVERY_CODES_CREATED, user.email)
        return RecoverySheet(
            organisation=organisation,
            email=user.email,
            display_name=user.display_name,
            created_at=now,
            sheet_id=batch.batch_id,
            codes=batch.codes,
        )

    def status(self, user_id: int) -> RecoveryStatus:
        with self.ctx.store.transaction() as db:
            return self.recovery.status(db, user_id)

    def issue_backup_code(
        self, *, actor: Actor, email: str, remove_methods: bool
    ) -> IssuedBackupCode:
        """For a user who lost their authenticator.

        With ``remove_methods`` the lost methods and the recovery codes stop working at
        once, so the phone's finder cannot use them while the code is on its way.
        """
        ctx = self.ctx
        now = ctx.now()
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            user = lock_user(db, get_user(db, email).id)
            removed = []
            if remove_methods:
                for method in ctx.enrolled_methods(db, user.id):
                    if method.kind != self.backup.kind:
                        removed.append(self.flow.remove_in(db, user, method, actor=actor.label))
                self.recovery.revoke_batch(db, user_id=user.id)
            issued = self.backup.issue(
                db,
                user_id=user.id,
                email=user.email,
                issued_by=actor.label,
                workstation=ctx.workstation,
                lifetime=policy.backup_code_lifetime,
                now=now,
            )
            ctx.audit(
                db,
                AuditEventType.BACKUP_CODE_ISSUED,
                actor=actor,
                subject=user.email,
                details={
                    "expires_at": issued.expires_at.isoformat(),
                    "removed": len(removed),
                    "recovery_batch_revoked": remove_methods,
                },
            )
        if removed:
            ctx.notify(SecurityNotice.FACTOR_REMOVED, user.email)
        ctx.notify(SecurityNotice.BACKUP_CODE_ISSUED, user.email)
        return issued
