"""AuthService: the public Python API.  The GUI, the CLI, the gate and embedders use only this.

Example::

    from desktop_auth import AuthService, load_config, SignInOutcome

    service = AuthService.open(load_config())
    result = service.sign_in_with_password("jan@example.nl", password)
    if result.outcome is SignInOutcome.DONE:
        print(result.session.assurance)
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from keyring.backend import KeyringBackend
from sqlalchemy.orm import Session as DbSession

from desktop_auth.config import Config
from desktop_auth.core import audit, doctor
from desktop_auth.core.administration import TemporaryPassword, UserAdministration
from desktop_auth.core.audit import AuditEntry, AuditEventType, AuditVerification
from desktop_auth.core.authenticator_apps import DEFAULT_LABEL, AuthenticatorApps
from desktop_auth.core.clock import Clock, SystemClock
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.data_key import open_secret_box, open_secret_box_in
from desktop_auth.core.doctor import CheckResult, CheckStatus
from desktop_auth.core.flow import SignInOutcome, SignInResult
from desktop_auth.core.notifications import SecurityNotice, SecurityNotifier
from desktop_auth.core.passphrase import Passphrase, suggest_passphrase
from desktop_auth.core.password_policy import PasswordAssessment, PasswordProblem
from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.policy import Policy, load_policy, save_policy
from desktop_auth.core.recovery_codes import RecoveryCodes, RecoverySheet
from desktop_auth.core.second_factor import SecondFactorFlow
from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.core.sign_in import SignInFlow
from desktop_auth.core.users import Actor, UserStatus, UserSummary
from desktop_auth.errors import StoreNotInitializedError
from desktop_auth.factors.backup_code import BackupCodeFactor, IssuedBackupCode
from desktop_auth.factors.base import EnrolledMethod, SecondFactorProvider
from desktop_auth.factors.recovery import RecoveryCodeFactor, RecoveryStatus
from desktop_auth.factors.totp import TotpEnrollment, TotpFactor
from desktop_auth.store.db import Store
from desktop_auth.store.keys import DataKeyStore, KeyFileDataKeyStore, KeyringDataKeyStore
from desktop_auth.store.secretbox import SecretBox
from desktop_auth.store.settings import ORGANISATION_NAME, RP_ID, get_setting

__all__ = [
    "Actor",
    "AssuranceLevel",
    "AuditEntry",
    "AuditVerification",
    "AuthService",
    "CheckResult",
    "CheckStatus",
    "EnrolledMethod",
    "IssuedBackupCode",
    "Organisation",
    "Passphrase",
    "PasswordAssessment",
    "PasswordProblem",
    "Policy",
    "RecoverySheet",
    "RecoveryStatus",
    "SecurityNotice",
    "SecurityNotifier",
    "Session",
    "SignInOutcome",
    "SignInResult",
    "TemporaryPassword",
    "TotpEnrollment",
    "UserStatus",
    "UserSummary",
]


@dataclass(frozen=True, kw_only=True)
class Organisation:
    name: str
    rp_id: str


class AuthService:
    """Sign-in, accounts, audit and secrets, over one store."""

    def __init__(
        self,
        store: Store,
        *,
        data_keys: DataKeyStore | None = None,
        clock: Clock | None = None,
        hasher: PasswordHasher | None = None,
        workstation: str | None = None,
        extra_factors: Sequence[SecondFactorProvider] = (),
        notifiers: Sequence[SecurityNotifier] = (),
    ) -> None:
        self._data_keys = data_keys or KeyringDataKeyStore()
        self._secret_box: SecretBox | None = None
        totp = TotpFactor(self._secret_box_in, lambda db: load_policy(db).totp_window)
        recovery = RecoveryCodeFactor(self._secret_box_in)
        backup = BackupCodeFactor(self._secret_box_in)
        self._context = ServiceContext(
            store=store,
            clock=clock or SystemClock(),
            hasher=hasher or PasswordHasher(),
            workstation=workstation or socket.gethostname(),
            factors=[totp, recovery, backup, *extra_factors],
            notifiers=notifiers,
        )
        self._sign_in = SignInFlow(self._context)
        self._second_factor = SecondFactorFlow(self._context, self._sign_in)
        self._apps = AuthenticatorApps(self._context, self._second_factor, totp)
        self._recovery = RecoveryCodes(self._context, self._second_factor, recovery, backup)
        self._admin = UserAdministration(self._context)

    @classmethod
    def open(
        cls,
        config: Config,
        *,
        keyring_backend: KeyringBackend | None = None,
        clock: Clock | None = None,
        hasher: PasswordHasher | None = None,
        workstation: str | None = None,
        migrate: bool = True,
    ) -> AuthService:
        """Open the configured store, bringing its schema up to date first."""
        store = Store.open(config.database_url)
        if migrate:
            store.upgrade()
        data_keys: DataKeyStore = (
            KeyFileDataKeyStore(config.data_key_file)
            if config.data_key_file is not None
            else KeyringDataKeyStore(keyring_backend)
        )
        return cls(
            store,
            data_keys=data_keys,
            clock=clock,
            hasher=hasher or PasswordHasher(config.argon2),
            workstation=workstation,
        )

    @staticmethod
    def diagnose(
        config: Config, keyring_backend: KeyringBackend | None = None
    ) -> list[CheckResult]:
        """Check database, migrations, keyring, data key, Qt and FIDO devices."""
        return doctor.run_checks(config, keyring_backend)

    def close(self) -> None:
        self._context.store.dispose()

    @property
    def workstation(self) -> str:
        return self._context.workstation

    def now(self) -> datetime:
        return self._context.now()

    # --- organisation ------------------------------------------------------------------

    def is_initialized(self) -> bool:
        with self._context.store.transaction() as db:
            return get_setting(db, ORGANISATION_NAME) is not None

    def organisation(self) -> Organisation:
        with self._context.store.transaction() as db:
            name, rp_id = get_setting(db, ORGANISATION_NAME), get_setting(db, RP_ID)
        if name is None or rp_id is None:
            raise StoreNotInitializedError()
        return Organisation(name=name, rp_id=rp_id)

    def initialize(
        self,
        *,
        actor: Actor,
        organisation_name: str,
        rp_id: str,
        admin_email: str,
        admin_display_name: str,
        admin_password: str,
    ) -> UserSummary:
        """First run: name the organisation and create the first administrator."""
        return self._admin.initialize(
            actor=actor,
            organisation_name=organisation_name,
            rp_id=rp_id,
            admin_email=admin_email,
            admin_display_name=admin_display_name,
            admin_password=admin_password,
        )

    def policy(self) -> Policy:
        with self._context.store.transaction() as db:
            return load_policy(db)

    def set_policy(self, *, actor: Actor, policy: Policy) -> None:
        self._admin.authorize(actor, destructive=True)
        with self._context.store.transaction() as db:
            save_policy(db, policy)

    def local_administrator(self) -> Actor:
        """The actor for someone running admin commands with direct access to the store."""
        return Actor.local_administrator(self._context.workstation)

    # --- sign-in -----------------------------------------------------------------------

    def sign_in_with_password(self, email: str, password: str) -> SignInResult:
        """Step one of every sign-in; the result says what comes next."""
        return self._sign_in.sign_in_with_password(email, password)

    def complete_password_change(self, ticket: str, new_password: str) -> SignInResult:
        """Answer MUST_CHANGE_PASSWORD: set the user's own password and go on."""
        return self._sign_in.complete_password_change(ticket, new_password)

    def change_password(self, session: Session, current_password: str, new_password: str) -> None:
        self._sign_in.change_password(session, current_password, new_password)

    def assess_password(self, password: str, email: str) -> PasswordAssessment:
        """For a live strength meter: the policy's verdict on a candidate password."""
        with self._context.store.transaction() as db:
            return self._context.assess_new_password(db, password, email)

    def suggest_passphrase(self, language: str = "en") -> Passphrase:
        return suggest_passphrase(language)

    # --- second factors ----------------------------------------------------------------

    def verify_second_factor(self, ticket: str, kind: str, response: str) -> SignInResult:
        """Answer SECOND_FACTOR_REQUIRED with one method's response (for "totp": the code)."""
        return self._second_factor.complete(ticket, kind, response)

    def begin_totp_setup(self, ticket: str, label: str = DEFAULT_LABEL) -> TotpEnrollment:
        """Answer SETUP_REQUIRED with an authenticator app: a QR code and the typed key."""
        return self._apps.begin_setup(ticket, label)

    def finish_totp_setup(self, ticket: str, enrollment_id: int, code: str) -> SignInResult:
        """A current code proves the app; the sign-in completes at AAL2."""
        return self._apps.finish_setup(ticket, enrollment_id, code)

    def begin_add_totp(self, session: Session, label: str) -> TotpEnrollment:
        """Another app (a tablet beside the phone), from a session at AAL2 or above."""
        return self._apps.begin_add(session, label)

    def finish_add_totp(self, session: Session, enrollment_id: int, code: str) -> EnrolledMethod:
        return self._apps.finish_add(session, enrollment_id, code)

    def my_methods(self, session: Session) -> list[EnrolledMethod]:
        with self._context.store.transaction() as db:
            return self._context.enrolled_methods(db, session.user_id)

    def remove_my_method(self, session: Session, kind: str, method_id: int) -> EnrolledMethod:
        """Needs a sign-in within the last minutes; never the last method while 2FA is required."""
        return self._second_factor.remove(
            actor_label=f"user:{session.email}",
            user_id=session.user_id,
            kind=kind,
            method_id=method_id,
            session=session,
        )

    def rename_my_method(
        self, session: Session, kind: str, method_id: int, label: str
    ) -> EnrolledMethod:
        """A new nickname (at most 60 characters) for one of the user's own methods."""
        return self._second_factor.rename(session, kind, method_id, label)

    # --- recovery codes and backup codes -----------------------------------------------

    def generate_recovery_codes(self, session: Session) -> RecoverySheet:
        """A new batch (the old stops working at once); needs a sign-in within 5 minutes.

        The codes exist only in the returned sheet: show, print or save them now.
        """
        return self._recovery.generate(session)

    def recovery_codes_left(self, session: Session) -> RecoveryStatus:
        """How many are left (``running_low`` at 3 or fewer); never the codes."""
        return self._recovery.status(session.user_id)

    def issue_backup_code(
        self, *, actor: Actor, email: str, remove_methods: bool = False
    ) -> IssuedBackupCode:
        """Helpdesk: a one-time code (24 h) that leads only to setting up 2FA again."""
        self._admin.authorize(actor, destructive=True)
        return self._recovery.issue_backup_code(
            actor=actor, email=email, remove_methods=remove_methods
        )

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
        limit: int = 100,
        offset: int = 0,
    ) -> list[UserSummary]:
        return self._admin.list(search=search, role=role, limit=limit, offset=offset)

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

    # --- secrets -----------------------------------------------------------------------

    def secret_box(self) -> SecretBox:
        """The store's SecretBox; the data key is made on first use."""
        if self._secret_box is None:
            self._secret_box = open_secret_box(self._context.store, self._data_keys)
        return self._secret_box

    def _secret_box_in(self, db: DbSession) -> SecretBox:
        """For the factors, which need the box inside their own transaction."""
        if self._secret_box is None:
            self._secret_box = open_secret_box_in(db, self._data_keys)
        return self._secret_box
