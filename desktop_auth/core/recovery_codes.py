"""Recovery codes and helpdesk backup codes: making them, counting them, issuing them.

The rules for checking a code are the factors'; this module makes and counts
them (after the guard: S1), keeps the audit trail and sends the security notices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from desktop_auth.core.context import ServiceContext
from desktop_auth.core.guards import Action, Guard
from desktop_auth.core.second_factor import SecondFactorFlow
from desktop_auth.core.session import Session
from desktop_auth.core.users import Actor, get_user, lock_user
from desktop_auth.errors import StoreNotInitializedError
from desktop_auth.factors.backup_code import BackupCodeFactor, IssuedBackupCode
from desktop_auth.factors.recovery import RecoveryCodeFactor, RecoveryStatus
from desktop_auth.messages import translate
from desktop_auth.store.settings import ORGANISATION_NAME, get_setting
from desktop_auth.vocabulary import AuditEventType, SecurityNotice


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
    """The user's own recovery codes, and the helpdesk's one-time backup code
    (``AuthService.recovery_codes``).  Codes exist only in what these return."""

    def __init__(
        self,
        context: ServiceContext,
        guard: Guard,
        flow: SecondFactorFlow,
        recovery: RecoveryCodeFactor,
        backup: BackupCodeFactor,
    ) -> None:
        self._ctx = context
        self._guard = guard
        self._flow = flow
        self._recovery = recovery
        self._backup = backup

    def generate(self, session: Session) -> RecoverySheet:
        """A new batch (the old stops working at once), replacing the old in one transaction.

        The codes exist only in the returned sheet: show, print or save them now.
        """
        self._guard.require(Action.CREATE_RECOVERY_CODES, session)
        ctx = self._ctx
        now = ctx.now()
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            user = lock_user(db, session.user_id)
            batch = self._recovery.replace_batch(
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

    def discard(self, session: Session, sheet_id: str) -> None:
        """Codes the person closed without saving or printing (the set-up's "Close without
        codes"): they open nothing, and the account says it has none, so the home screen
        keeps asking at every sign-in instead of counting codes nobody kept."""
        self._guard.require(Action.CREATE_RECOVERY_CODES, session)
        ctx = self._ctx
        with ctx.store.transaction() as db:
            user = lock_user(db, session.user_id)
            # Only that sheet's: codes made since, elsewhere, stay.
            count = self._recovery.discard_batch(db, user_id=user.id, batch_id=sheet_id)
            if count:
                ctx.audit(
                    db,
                    AuditEventType.RECOVERY_CODES_DISCARDED,
                    actor=user.email,
                    subject=user.email,
                    details={"batch": sheet_id, "count": count},
                )

    def status(self, session: Session) -> RecoveryStatus:
        """How many are left (``running_low`` at 3 or fewer); never the codes."""
        self._guard.require(Action.VIEW_RECOVERY_STATUS, session)
        with self._ctx.store.transaction() as db:
            return self._recovery.status(db, session.user_id)

    def issue_backup_code(
        self, *, actor: Actor, email: str, remove_methods: bool = True
    ) -> IssuedBackupCode:
        """Helpdesk: a one-time code (24 h) that leads only to setting up 2FA again.

        By default the user's methods and recovery codes stop working at once (they
        may be lost with the phone, whose finder could use them while the code is on
        its way); ``remove_methods=False`` keeps them until the user has set up again,
        when the new method replaces them anyway.
        """
        self._guard.require(Action.ISSUE_BACKUP_CODE, actor)
        ctx = self._ctx
        now = ctx.now()
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            user = lock_user(db, get_user(db, email).id)
            removed = []
            if remove_methods:
                for method in ctx.enrolled_methods(db, user.id):
                    if method.kind != self._backup.kind:
                        removed.append(self._flow.remove_in(db, user, method, actor=actor.label))
                self._recovery.revoke_batch(db, user_id=user.id)
            issued = self._backup.issue(
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

    def backup_code_slip(self, issued: IssuedBackupCode) -> BackupCodeSlip:
        """What the helpdesk prints for the user: the code, until when, and what to do."""
        with self._ctx.store.transaction() as db:
            organisation = get_setting(db, ORGANISATION_NAME)
        if organisation is None:
            raise StoreNotInitializedError()
        return BackupCodeSlip(
            organisation=organisation,
            email=issued.email,
            expires_at=issued.expires_at,
            code=issued.code,
        )
