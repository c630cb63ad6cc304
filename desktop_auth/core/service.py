"""AuthService: the public Python API.  The GUI, the CLI, the gate and embedders use only this.

``AuthService`` opens and closes a store and holds the organisation; everything else
is one capability object each, with its own documented methods:

=========================  ===============================================================
``sign_in``                password, second factor, new password, "remind me later"
``my_account``             the signed-in user's own methods and password
``authenticator_apps``     set up or add an authenticator app (TOTP)
``security_keys``          set up or add a security key or Windows Hello; passwordless
``recovery_codes``         the user's recovery codes; the helpdesk's backup code
``accounts``               the helpdesk: create, list, unlock, disable, roles, resets
``rollout``                exemptions, deadlines, retiring old methods, import, dashboard
``audit``                  the audit log: list, verify, export
``policy``                 the organisation's policy: read, change
``operations``             the data key between workstations; the security e-mail queue
``vault``                  the recovery-code vault, as stored: sealed on the workstation
=========================  ===============================================================

Who may call what is one table, ``core/guards.py`` (SECURITY.md S1).  The names of
kinds, methods, roles and events are ``desktop_auth.vocabulary``.

Example::

    from desktop_auth import AuthService, FactorKind, SignInOutcome, load_config

    service = AuthService.open(load_config())
    result = service.sign_in.with_password("jan@example.nl", password)
    if result.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED:
        result = service.sign_in.with_second_factor(result.ticket, FactorKind.TOTP, code)
    if result.outcome is SignInOutcome.DONE:
        print(result.session.assurance)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    # The client side of WebAuthn loads python-fido2's client (~60 ms of the window's
    # start); it is imported when a key is first used (see __getattr__ below).
    from desktop_auth.devices.ctap import KeyPrompts, SecurityKeyClient
    from desktop_auth.devices.key_fingerprints import Fingerprint, KeyFingerprints, Sample
    from desktop_auth.devices.key_pin import KeyInfo, OwnSecurityKey, PinState, pin_stays_usable
    from desktop_auth.devices.key_sign_ins import KeySignIns, StoredSignIn, StoredSignIns

import socket
import time
from collections.abc import Callable, Iterable, Sequence

from fido2.ctap import CtapDevice
from sqlalchemy.orm import Session as DbSession

from desktop_auth.config import Config
from desktop_auth.core import data_key
from desktop_auth.core.administration import Accounts, TemporaryPassword
from desktop_auth.core.audit import AuditEntry, AuditVerification
from desktop_auth.core.audit_log import AuditLog
from desktop_auth.core.authenticator_apps import AuthenticatorApps
from desktop_auth.core.checks import CheckResult, CheckStatus
from desktop_auth.core.clock import Clock, SystemClock
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.data_key import open_secret_box, open_secret_box_in
from desktop_auth.core.flow import SignInOutcome, SignInResult
from desktop_auth.core.guards import Guard
from desktop_auth.core.key_trust import KeyTrust, anchors_exist, load_anchors
from desktop_auth.core.mail import MailQueue, QueuedMailSummary, SmtpSender
from desktop_auth.core.my_account import MyAccount
from desktop_auth.core.notifications import SecurityNotifier
from desktop_auth.core.operations import Operations
from desktop_auth.core.organisation import Organisation, current_organisation, initialize
from desktop_auth.core.passphrase import Passphrase
from desktop_auth.core.password_policy import PasswordAssessment, PasswordProblem
from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.policy import Policy, load_policy
from desktop_auth.core.policy_limits import POLICY_LIMITS, REMINDER_TEXT_MAX_LENGTH, Limit, Unit
from desktop_auth.core.policy_settings import PolicySettings
from desktop_auth.core.rate_limits import RateLimitPolicy, RateLimits, Verdict
from desktop_auth.core.recovery_codes import BackupCodeSlip, RecoveryCodes, RecoverySheet
from desktop_auth.core.reports import EnrollmentReport
from desktop_auth.core.rollout import ImportReport, ImportRow, RetirementReport, Rollout
from desktop_auth.core.second_factor import SecondFactorFlow
from desktop_auth.core.security_keys import SecurityKeys, key_policy
from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.core.sessions import SessionInfo
from desktop_auth.core.sign_in import SignIn
from desktop_auth.core.sign_in_steps import SignInSteps
from desktop_auth.core.sign_in_tokens import GATE_AUDIENCE, SignedToken
from desktop_auth.core.users import Actor, UserStatus, UserSummary
from desktop_auth.core.vault import (
    EscrowedVault,
    NewSlot,
    NewVaultKey,
    ResealedEntry,
    SealedEntry,
    SealedSlot,
    SealedVault,
    VaultKeyChoice,
    VaultKeyChoices,
    VaultStorage,
    write_check_of,
)
from desktop_auth.core.vault_escrow import EscrowRequest
from desktop_auth.errors import KeyringUnavailableError, StoreNotInitializedError
from desktop_auth.factors.backup_code import BackupCodeFactor, IssuedBackupCode
from desktop_auth.factors.base import EnrolledMethod, SecondFactorProvider
from desktop_auth.factors.metadata import FIDO_ROOT
from desktop_auth.factors.recovery import RecoveryCodeFactor, RecoveryStatus
from desktop_auth.factors.totp import TotpEnrollment, TotpFactor
from desktop_auth.factors.webauthn import Ceremony, KeyPolicy, RelyingParty, WebAuthnFactor
from desktop_auth.store.db import Store
from desktop_auth.store.keys import DataKeyStore, KeyFileDataKeyStore, KeyringDataKeyStore
from desktop_auth.store.secretbox import SecretBox

__all__ = [
    "GATE_AUDIENCE",
    "POLICY_LIMITS",
    "REMINDER_TEXT_MAX_LENGTH",
    "Accounts",
    "Actor",
    "AssuranceLevel",
    "AuditEntry",
    "AuditLog",
    "AuditVerification",
    "AuthService",
    "AuthenticatorApps",
    "BackupCodeSlip",
    "Ceremony",
    "CheckResult",
    "CheckStatus",
    "EnrolledMethod",
    "EnrollmentReport",
    "EscrowRequest",
    "EscrowedVault",
    "Fingerprint",
    "ImportReport",
    "ImportRow",
    "IssuedBackupCode",
    "KeyFingerprints",
    "KeyInfo",
    "KeyPrompts",
    "KeySignIns",
    "KeyTrust",
    "Limit",
    "MyAccount",
    "NewSlot",
    "NewVaultKey",
    "Operations",
    "Organisation",
    "OwnSecurityKey",
    "Passphrase",
    "PasswordAssessment",
    "PasswordProblem",
    "PinState",
    "Policy",
    "PolicySettings",
    "QueuedMailSummary",
    "RateLimitPolicy",
    "RateLimits",
    "RecoveryCodes",
    "RecoverySheet",
    "RecoveryStatus",
    "RelyingParty",
    "ResealedEntry",
    "RetirementReport",
    "Rollout",
    "Sample",
    "SealedEntry",
    "SealedSlot",
    "SealedVault",
    "SecurityKeyClient",
    "SecurityKeys",
    "SecurityNotifier",
    "Session",
    "SessionInfo",
    "SignIn",
    "SignInOutcome",
    "SignInResult",
    "SignedToken",
    "StoredSignIn",
    "StoredSignIns",
    "TemporaryPassword",
    "TotpEnrollment",
    "Unit",
    "UserStatus",
    "UserSummary",
    "VaultKeyChoice",
    "VaultKeyChoices",
    "VaultStorage",
    "Verdict",
    "pin_stays_usable",
    "write_check_of",
]


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
        metadata_root: bytes = FIDO_ROOT,
    ) -> None:
        """``extra_origins``: WebAuthn origins accepted beside ``https://<rp id>``;
        ``demo``: demo mode, where the software security key is accepted;
        ``metadata_root``: the certificate (DER) a FIDO metadata BLOB's signature must
        lead to (the FIDO Alliance's root; tests give their own)."""
        self._data_keys = data_keys or KeyringDataKeyStore()
        self._secret_box: SecretBox | None = None
        self._demo = demo
        # Where security keys are found: USB/NFC, or in demo mode the software key,
        # "plugged in" for as long as this service lives.
        if security_keys is None and demo:
            from desktop_auth.devices.soft import SoftAuthenticator

            # A person's touch takes a moment: answering at once, the demo's key was done
            # before its "touch your key" prompt could be seen (issue 19).
            demo_key = SoftAuthenticator(touch=_a_moment_then_touched)
            security_keys = lambda: [demo_key]  # noqa: E731
        self._key_devices = security_keys or _connected_authenticators
        self._extra_origins = tuple(extra_origins)
        totp = TotpFactor(self._secret_box_in, lambda db: load_policy(db).totp_window)
        self._totp = totp
        recovery = RecoveryCodeFactor(self._secret_box_in)
        backup = BackupCodeFactor(self._secret_box_in)
        webauthn = WebAuthnFactor(self._relying_party, self._key_policy, load_anchors)
        context = ServiceContext(
            store=store,
            clock=clock or SystemClock(),
            hasher=hasher or PasswordHasher(),
            host=workstation or socket.gethostname(),
            secret_box=self._secret_box_in,
            factors=[webauthn, totp, recovery, backup, *extra_factors],
            notifiers=[*notifiers, *([mail_queue] if mail_queue else [])],
        )
        self._context = context
        self._mail = mail_queue
        guard = Guard(context)
        steps = SignInSteps(context)
        factors = SecondFactorFlow(context, steps)
        self.sign_in = SignIn(context, steps, factors)
        self.my_account = MyAccount(context, guard, steps, factors)
        self.authenticator_apps = AuthenticatorApps(context, guard, factors, totp)
        self.security_keys = SecurityKeys(
            context, guard, steps, factors, webauthn, self._relying_party, self._key_client
        )
        self.recovery_codes = RecoveryCodes(context, guard, factors, recovery, backup)
        self.accounts = Accounts(context, guard, factors)
        self.rollout = Rollout(context, guard, factors, self.accounts)
        self.audit = AuditLog(context, guard)
        self.policy = PolicySettings(context, guard, metadata_root=metadata_root)
        self.operations = Operations(
            context,
            guard,
            self._data_keys,
            self._forget_secret_box,
            mail_queue,
            RateLimits(store, context.clock, self._secret_box_in, context.audit),
        )
        self.vault = VaultStorage(context, guard)

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
        create_store: bool = True,
    ) -> AuthService:
        """Open the configured store, bringing its schema up to date first.

        A workstation whose data key cannot open the store's secrets (another
        store's key, or none while secrets exist) refuses to start with a
        ``DataKeyError`` that says how to fix it; ``check_data_key=False`` is for
        the commands that fix it (``admin key import``) or do not need it.
        ``create_store=False``: a SQLite store that is not there is ``StoreNotFoundError``,
        not a new empty one (the window, on a configured path).
        """
        store = Store.open(
            config.database_url,
            keyring_backend=keyring_backend,
            written_in=config.database_url_file,
            create=create_store,
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
                with store.transaction() as db:  # once per store, with the data key at hand
                    service._totp.bind_seals_to_owners(db)
                    service._context.seal_older_audit_chain(db)
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
        from desktop_auth.core import doctor  # loads every library it checks

        return doctor.run_checks(config, keyring_backend)

    def close(self) -> None:
        if self._mail is not None:
            self._mail.wait()
        self._context.store.dispose()

    # --- the organisation ----------------------------------------------------------------

    def organisation(self) -> Organisation | None:
        """The organisation this store belongs to; None before the first run."""
        with self._context.store.transaction() as db:
            return current_organisation(db)

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
        return initialize(
            self._context,
            actor=actor,
            organisation_name=organisation_name,
            rp_id=rp_id,
            admin_email=admin_email,
            admin_display_name=admin_display_name,
            admin_password=admin_password,
        )

    # --- what the capabilities are given ---------------------------------------------------

    def _open_secret_box(self) -> SecretBox:
        if self._secret_box is None:
            self._secret_box = open_secret_box(self._context.store, self._data_keys)
        return self._secret_box

    def _forget_secret_box(self) -> None:
        self._secret_box = None

    def _secret_box_in(self, db: DbSession) -> SecretBox:
        """For the factors, which need the box inside their own transaction."""
        if self._secret_box is not None:
            return self._secret_box
        box, created = open_secret_box_in(db, self._data_keys)
        if not created:  # a new key is kept only once its transaction has committed
            self._secret_box = box
        return box

    def _relying_party(self, db: DbSession) -> RelyingParty:
        organisation = current_organisation(db)
        if organisation is None:
            raise StoreNotInitializedError()
        return RelyingParty(
            rp_id=organisation.rp_id,
            name=organisation.name,
            origins=(f"https://{organisation.rp_id}", *self._extra_origins),
        )

    def _key_policy(self, db: DbSession) -> KeyPolicy:
        return key_policy(load_policy(db), demo=self._demo, anchors_exist=anchors_exist(db))

    def _key_client(self, origin: str, prompts: KeyPrompts | None) -> SecurityKeyClient:
        from desktop_auth.devices.ctap import SecurityKeyClient, windows_hello_available

        return SecurityKeyClient(
            origin,
            prompts=prompts,
            devices=self._key_devices,
            use_windows_hello=not self._demo and windows_hello_available(),
        )


def _connected_authenticators() -> Iterable[CtapDevice]:
    from desktop_auth.devices.ctap import connected_authenticators

    return connected_authenticators()


def __getattr__(name: str) -> object:
    """``KeyPrompts`` and ``SecurityKeyClient`` load with the first use of a key."""
    if name in ("KeyPrompts", "SecurityKeyClient"):
        from desktop_auth.devices import ctap

        return getattr(ctap, name)
    if name in ("KeyInfo", "OwnSecurityKey", "PinState", "pin_stays_usable"):
        from desktop_auth.devices import key_pin

        return getattr(key_pin, name)
    if name in ("KeySignIns", "StoredSignIn", "StoredSignIns"):
        from desktop_auth.devices import key_sign_ins

        return getattr(key_sign_ins, name)
    if name in ("Fingerprint", "KeyFingerprints", "Sample"):
        from desktop_auth.devices import key_fingerprints

        return getattr(key_fingerprints, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: How long the demo's software key "waits for the touch".
DEMO_TOUCH_SECONDS = 1.0


def _a_moment_then_touched() -> bool:
    time.sleep(DEMO_TOUCH_SECONDS)
    return True
