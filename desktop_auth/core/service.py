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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from fido2.ctap import CtapDevice
from keyring.backend import KeyringBackend
from sqlalchemy.orm import Session as DbSession

from desktop_auth.config import Config
from desktop_auth.core import audit, data_key, doctor
from desktop_auth.core.administration import TemporaryPassword, UserAdministration
from desktop_auth.core.audit import AuditEntry, AuditEventType, AuditVerification
from desktop_auth.core.authenticator_apps import DEFAULT_LABEL, AuthenticatorApps
from desktop_auth.core.clock import Clock, SystemClock
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.data_key import open_secret_box, open_secret_box_in
from desktop_auth.core.doctor import CheckResult, CheckStatus
from desktop_auth.core.flow import SignInOutcome, SignInResult
from desktop_auth.core.mail import MailQueue, QueuedMailSummary, SmtpSender
from desktop_auth.core.notifications import SecurityNotice, SecurityNotifier
from desktop_auth.core.passphrase import Passphrase, suggest_passphrase
from desktop_auth.core.password_policy import PasswordAssessment, PasswordProblem
from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.policy import Policy, load_policy, save_policy
from desktop_auth.core.recovery_codes import RecoveryCodes, RecoverySheet
from desktop_auth.core.reports import EnrollmentReport, enrollment_report
from desktop_auth.core.rollout import ImportReport, ImportRow, RetirementReport, Rollout
from desktop_auth.core.second_factor import SecondFactorFlow
from desktop_auth.core.security_keys import SecurityKeys
from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.core.sign_in import SignInFlow
from desktop_auth.core.users import Actor, UserStatus, UserSummary, method_kinds
from desktop_auth.devices.ctap import (
    KeyPrompts,
    SecurityKeyClient,
    connected_authenticators,
    windows_hello_available,
)
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.errors import InvalidInputError, KeyringUnavailableError, StoreNotInitializedError
from desktop_auth.factors.backup_code import BackupCodeFactor, IssuedBackupCode
from desktop_auth.factors.base import EnrolledMethod, SecondFactorProvider
from desktop_auth.factors.recovery import RecoveryCodeFactor, RecoveryStatus
from desktop_auth.factors.totp import TotpEnrollment, TotpFactor
from desktop_auth.factors.webauthn import Ceremony, KeyPolicy, RelyingParty, WebAuthnFactor
from desktop_auth.store.db import Store
from desktop_auth.store.keys import DataKeyStore, KeyFileDataKeyStore, KeyringDataKeyStore
from desktop_auth.store.models import Role
from desktop_auth.store.secretbox import SecretBox
from desktop_auth.store.settings import ORGANISATION_NAME, RP_ID, get_setting

__all__ = [
    "USER_ROLES",
    "Actor",
    "AssuranceLevel",
    "AuditEntry",
    "AuditEventType",
    "AuditVerification",
    "AuthService",
    "Ceremony",
    "CheckResult",
    "CheckStatus",
    "EnrolledMethod",
    "EnrollmentReport",
    "ImportReport",
    "ImportRow",
    "IssuedBackupCode",
    "KeyPrompts",
    "Organisation",
    "Passphrase",
    "PasswordAssessment",
    "PasswordProblem",
    "Policy",
    "RecoverySheet",
    "RecoveryStatus",
    "RelyingParty",
    "RetirementReport",
    "SecurityKeyClient",
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

#: The roles an account can have, for pickers (the CLI and the admin console).
USER_ROLES: tuple[str, ...] = tuple(role.value for role in Role)


def _fits(current: object, value: object) -> bool:
    """A new policy value has the type of the one it replaces (None accepts text)."""
    if current is None:
        return value is None or isinstance(value, str)
    if isinstance(current, list | tuple):
        return isinstance(value, list)
    if isinstance(current, bool) or isinstance(value, bool):
        return isinstance(current, bool) and isinstance(value, bool)
    return isinstance(value, type(current))


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
        extra_origins: Sequence[str] = (),
        demo: bool = False,
        mail_queue: MailQueue | None = None,
        security_keys: Callable[[], Iterable[CtapDevice]] | None = None,
    ) -> None:
        """``extra_origins``: WebAuthn origins accepted beside ``https://<rp id>``;
        ``demo``: demo mode, where the software security key is accepted."""
        self._data_keys = data_keys or KeyringDataKeyStore()
        self._secret_box: SecretBox | None = None
        totp = TotpFactor(self._secret_box_in, lambda db: load_policy(db).totp_window)
        recovery = RecoveryCodeFactor(self._secret_box_in)
        backup = BackupCodeFactor(self._secret_box_in)
        self._demo = demo
        # Where security keys are found: USB/NFC, or in demo mode the software key,
        # "plugged in" for as long as this service lives.
        if security_keys is None and demo:
            demo_key = SoftAuthenticator()
            security_keys = lambda: [demo_key]  # noqa: E731
        self._security_keys = security_keys or connected_authenticators
        self._extra_origins = tuple(extra_origins)
        webauthn = WebAuthnFactor(self._relying_party, self._key_policy)
        self._context = ServiceContext(
            store=store,
            clock=clock or SystemClock(),
            hasher=hasher or PasswordHasher(),
            workstation=workstation or socket.gethostname(),
            factors=[webauthn, totp, recovery, backup, *extra_factors],
            notifiers=[*notifiers, *([mail_queue] if mail_queue else [])],
        )
        self._mail = mail_queue
        self._sign_in = SignInFlow(self._context)
        self._admin = UserAdministration(self._context)
        self._second_factor = SecondFactorFlow(self._context, self._sign_in)
        self._apps = AuthenticatorApps(self._context, self._second_factor, totp)
        self._recovery = RecoveryCodes(self._context, self._second_factor, recovery, backup)
        self._keys = SecurityKeys(self._context, self._second_factor, webauthn)
        self._rollout = Rollout(self._context, self._second_factor, self._admin)
        self._key_transfer = data_key.KeyTransfer(self._context, self._data_keys)

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
        check_data_key: bool = True,
        demo: bool = False,
    ) -> AuthService:
        """Open the configured store, bringing its schema up to date first.

        A workstation whose data key cannot open the store's secrets (another
        store's key, or none while secrets exist) refuses to start with a
        ``DataKeyError`` that says how to fix it; ``check_data_key=False`` is for
        the commands that fix it (``admin key import``) or do not need it.
        """
        store = Store.open(config.database_url, keyring_backend=keyring_backend)
        if migrate:
            store.upgrade()
        data_keys: DataKeyStore = (
            KeyFileDataKeyStore(config.data_key_file)
            if config.data_key_file is not None
            else KeyringDataKeyStore(keyring_backend)
        )
        clock = clock or SystemClock()
        workstation = workstation or socket.gethostname()
        mail_queue = MailQueue(
            store,
            clock,
            sender=SmtpSender(config.smtp, keyring_backend) if config.smtp else None,
            from_address=config.smtp.sender if config.smtp else "",
            workstation=workstation,
        )
        service = cls(
            store,
            data_keys=data_keys,
            clock=clock,
            hasher=hasher or PasswordHasher(config.argon2),
            workstation=workstation,
            extra_origins=config.webauthn_origins,
            mail_queue=mail_queue,
            demo=demo,
        )
        if check_data_key:
            try:
                data_key.check_data_key(store, data_keys)
            except KeyringUnavailableError:
                pass  # said when a secret is first needed; password sign-in still works
            except BaseException:
                store.dispose()
                raise
        return service

    @staticmethod
    def diagnose(
        config: Config, keyring_backend: KeyringBackend | None = None
    ) -> list[CheckResult]:
        """Check database, migrations, keyring, data key, Qt and FIDO devices."""
        return doctor.run_checks(config, keyring_backend)

    def close(self) -> None:
        if self._mail is not None:
            self._mail.wait()
        self._context.store.dispose()

    # --- security e-mails --------------------------------------------------------------

    def queued_mail(self) -> list[QueuedMailSummary]:
        """Security e-mails not sent yet, for admins (what, to whom, why not)."""
        return self._mail.waiting() if self._mail else []

    def send_queued_mail(self) -> tuple[int, int]:
        """Try every due e-mail now; returns (sent, still waiting)."""
        return self._mail.deliver_due() if self._mail else (0, 0)

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
            self._context.audit(db, AuditEventType.POLICY_CHANGED, actor=actor, subject=None)

    def update_policy(self, *, actor: Actor, changes: Mapping[str, object]) -> Policy:
        """Change some settings ("throttle.lock_after" reaches inside); all checked, audited."""
        self._admin.authorize(actor, destructive=True)
        with self._context.store.transaction() as db:
            current = load_policy(db).to_dict()
            for key, value in changes.items():
                section, _, name = key.rpartition(".")
                target = current.get(section) if section else current
                if not isinstance(target, dict) or name not in target:
                    raise InvalidInputError("error.policy_unknown_setting", setting=key)
                defaults: dict[str, Any] = Policy().to_dict()
                default = (defaults[section] if section else defaults)[name]
                # An optional setting (default None, e.g. enforcement_date) may go back to None.
                if not (_fits(target[name], value) or (value is None and default is None)):
                    raise InvalidInputError("error.policy_bad_value", setting=key)
                target[name] = value
            policy = Policy.from_dict(current)
            save_policy(db, policy)
            self._context.audit(
                db,
                AuditEventType.POLICY_CHANGED,
                actor=actor,
                subject=None,
                details={"settings": ",".join(sorted(changes))},
            )
        return policy

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

    # --- security keys and Windows Hello (WebAuthn) ------------------------------------

    @property
    def is_demo(self) -> bool:
        return self._demo

    def begin_security_key_setup(self, ticket: str, nickname: str) -> Ceremony:
        """Answer SETUP_REQUIRED with a security key: hand ``options`` to a WebAuthn client."""
        return self._keys.begin_setup(ticket, nickname)

    def finish_security_key_setup(
        self, ticket: str, response: str | Mapping[str, Any]
    ) -> SignInResult:
        """The RegistrationResponseJSON; the new key completes the sign-in."""
        return self._keys.finish_setup(ticket, response)

    def begin_add_security_key(self, session: Session, nickname: str) -> Ceremony:
        return self._keys.begin_add(session, nickname)

    def finish_add_security_key(
        self, session: Session, response: str | Mapping[str, Any]
    ) -> EnrolledMethod:
        return self._keys.finish_add(session, response)

    def begin_security_key_sign_in(self, ticket: str) -> Ceremony:
        """Answer SECOND_FACTOR_REQUIRED with a key; pass the client's AuthenticationResponseJSON
        to ``verify_second_factor(ticket, "webauthn", response)``."""
        return self._keys.begin_second_factor(ticket)

    def begin_passwordless_sign_in(self) -> Ceremony:
        """ "Sign in with security key or fingerprint": no e-mail, no password."""
        return self._keys.begin_passwordless()

    def complete_passwordless_sign_in(self, response: str) -> SignInResult:
        return self._keys.complete_passwordless(response)

    def security_key_client(self, prompts: KeyPrompts | None = None) -> SecurityKeyClient:
        """The client side for this relying party: the first key found (the software key in
        demo mode), or Windows Hello where Windows offers it; ``prompts`` shows touch, PIN
        and fingerprint requests to the person."""
        return SecurityKeyClient(
            f"https://{self.relying_party().rp_id}",
            prompts=prompts,
            devices=self._security_keys,
            use_windows_hello=not self._demo and windows_hello_available(),
        )

    def relying_party(self) -> RelyingParty:
        with self._context.store.transaction() as db:
            return self._relying_party(db)

    def _relying_party(self, db: DbSession) -> RelyingParty:
        name, rp_id = get_setting(db, ORGANISATION_NAME), get_setting(db, RP_ID)
        if name is None or rp_id is None:
            raise StoreNotInitializedError()
        return RelyingParty(
            rp_id=rp_id, name=name, origins=(f"https://{rp_id}", *self._extra_origins)
        )

    def _key_policy(self, db: DbSession) -> KeyPolicy:
        policy = load_policy(db)
        return KeyPolicy(
            user_verification=policy.webauthn_user_verification,
            attestation_required=policy.attestation_required,
            aaguid_allowlist=policy.aaguid_allowlist,
            allow_soft_authenticator=self._demo,
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
        self, *, actor: Actor, email: str, remove_methods: bool = True
    ) -> IssuedBackupCode:
        """Helpdesk: a one-time code (24 h) that leads only to setting up 2FA again.

        By default the user's methods and recovery codes stop working at once (they
        may be lost with the phone); ``remove_methods=False`` keeps them until the
        user has set up again, when the new method replaces them anyway.
        """
        self._admin.authorize(actor, destructive=True)
        return self._recovery.issue_backup_code(
            actor=actor, email=email, remove_methods=remove_methods
        )

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
        limit: int = 100,
        offset: int = 0,
    ) -> list[UserSummary]:
        return self._admin.list(search=search, role=role, limit=limit, offset=offset)

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

    # --- secrets -----------------------------------------------------------------------

    def secret_box(self) -> SecretBox:
        """The store's SecretBox; the data key is made on first use."""
        if self._secret_box is None:
            self._secret_box = open_secret_box(self._context.store, self._data_keys)
        return self._secret_box

    def export_data_key(self, passphrase: str, *, actor: Actor) -> bytes:
        """The data key sealed under ``passphrase``: the content of a file for another
        workstation (``admin key export``).  Made first if the store has none yet."""
        self._admin.authorize(actor, destructive=True)
        return self._key_transfer.export(passphrase, actor=actor)

    def import_data_key(self, content: bytes, passphrase: str, *, actor: Actor) -> str:
        """Keep the data key from an exported file on this workstation; returns its
        fingerprint.  A file from another store is refused; a wrong key here is replaced."""
        self._admin.authorize(actor, destructive=True)
        self._secret_box = None
        return self._key_transfer.import_(content, passphrase, actor=actor)

    def check_data_key(self) -> None:
        """Raise ``DataKeyError`` unless this workstation's key opens the store's secrets."""
        data_key.check_data_key(self._context.store, self._data_keys)

    def _secret_box_in(self, db: DbSession) -> SecretBox:
        """For the factors, which need the box inside their own transaction."""
        if self._secret_box is not None:
            return self._secret_box
        box, created = open_secret_box_in(db, self._data_keys)
        if not created:  # a new key is kept only once its transaction has committed
            self._secret_box = box
        return box
