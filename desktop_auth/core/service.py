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

from fido2.ctap import CtapDevice
from keyring.backend import KeyringBackend
from sqlalchemy.orm import Session as DbSession

from desktop_auth.config import Config
from desktop_auth.core import data_key, doctor
from desktop_auth.core.administration import TemporaryPassword, UserAdministration
from desktop_auth.core.audit import AuditEntry, AuditEventType, AuditVerification
from desktop_auth.core.authenticator_apps import AuthenticatorApps
from desktop_auth.core.clock import Clock, SystemClock
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.data_key import open_secret_box, open_secret_box_in
from desktop_auth.core.doctor import CheckResult, CheckStatus
from desktop_auth.core.flow import SignInOutcome, SignInResult
from desktop_auth.core.mail import MailQueue, QueuedMailSummary, SmtpSender
from desktop_auth.core.methods import METHODS
from desktop_auth.core.notifications import SecurityNotice, SecurityNotifier
from desktop_auth.core.passphrase import Passphrase, suggest_passphrase
from desktop_auth.core.password_policy import PasswordAssessment, PasswordProblem
from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.policy import Policy, load_policy, save_policy
from desktop_auth.core.recovery_codes import BackupCodeSlip, RecoveryCodes, RecoverySheet
from desktop_auth.core.reports import EnrollmentReport
from desktop_auth.core.rollout import ImportReport, ImportRow, RetirementReport, Rollout
from desktop_auth.core.second_factor import SecondFactorFlow
from desktop_auth.core.security_keys import SecurityKeys
from desktop_auth.core.service_admin import AdminMethods
from desktop_auth.core.service_factors import FactorMethods
from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.core.sign_in import SignInFlow
from desktop_auth.core.user_list import UserSort
from desktop_auth.core.users import Actor, UserStatus, UserSummary
from desktop_auth.devices.ctap import (
    KeyPrompts,
    SecurityKeyClient,
    connected_authenticators,
)
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.errors import KeyringUnavailableError, StoreNotInitializedError
from desktop_auth.factors.backup_code import BackupCodeFactor, IssuedBackupCode
from desktop_auth.factors.base import EnrolledMethod, SecondFactorProvider
from desktop_auth.factors.recovery import RecoveryCodeFactor, RecoveryStatus
from desktop_auth.factors.totp import TotpEnrollment, TotpFactor
from desktop_auth.factors.webauthn import Ceremony, RelyingParty, WebAuthnFactor
from desktop_auth.store.db import Store
from desktop_auth.store.keys import DataKeyStore, KeyFileDataKeyStore, KeyringDataKeyStore
from desktop_auth.store.models import Role
from desktop_auth.store.secretbox import SecretBox
from desktop_auth.store.settings import ORGANISATION_NAME, RP_ID, get_setting

__all__ = [
    "SECOND_FACTOR_METHODS",
    "USER_ROLES",
    "USER_SORTS",
    "Actor",
    "AssuranceLevel",
    "AuditEntry",
    "AuditEventType",
    "AuditVerification",
    "AuthService",
    "BackupCodeSlip",
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
#: How often a passphrase suggestion is drawn at most before it is shown as it is.
SUGGESTION_DRAWS = 20
#: What the policy's ``allowed_methods`` can name, strongest first.
SECOND_FACTOR_METHODS: tuple[str, ...] = METHODS
#: The orders ``list_users`` can sort in.
USER_SORTS: tuple[str, ...] = tuple(sort.value for sort in UserSort)


@dataclass(frozen=True, kw_only=True)
class Organisation:
    name: str
    rp_id: str


class AuthService(FactorMethods, AdminMethods):
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
        store = Store.open(
            config.database_url,
            keyring_backend=keyring_backend,
            written_in=config.database_url_file,
        )
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
            policy = load_policy(db).with_changes(changes)
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

    def suggest_passphrase(self, language: str = "en", email: str = "") -> Passphrase:
        """Random words (>= 77 bits) that the policy accepts as ``email``'s new password.

        Drawn again when the words hold a context word, even across two of them
        ("bikini-nail" holds "nina"): a suggestion the meter then refused would teach
        people to ignore it.  Redrawing the rare refused one costs no real entropy.
        """
        with self._context.store.transaction() as db:
            for _ in range(SUGGESTION_DRAWS):
                candidate = suggest_passphrase(language)
                if self._context.assess_new_password(db, candidate.text, email).acceptable:
                    break
        return candidate

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
