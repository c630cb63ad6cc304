"""The product's one vocabulary: every kind, method, role, notice, purpose and event name.

Every layer imports its names from here (the store, the core, the CLI, the GUI), so a
name is written once.  The values are what the store, the audit log and the API keep:
never change one without a migration.  Plain enums, no imports: a screen may load this
before the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FactorKind(StrEnum):
    """How the core names a second factor (a provider's ``kind``; stored in the audit log)."""

    #: A FIDO2 credential: a security key or Windows Hello (WebAuthn).
    WEBAUTHN = "webauthn"
    #: An authenticator app's time-based code (RFC 6238).
    TOTP = "totp"
    #: One of the user's own printed recovery codes.
    RECOVERY = "recovery"
    #: A one-time code the helpdesk issued.
    BACKUP = "backup"


class Method(StrEnum):
    """What an organisation's policy can allow a user to set up (``allowed_methods``)."""

    SECURITY_KEY = "security_key"
    #: A platform authenticator: Windows Hello's face, fingerprint or PIN.
    WINDOWS_HELLO = "windows_hello"
    AUTHENTICATOR_APP = "authenticator_app"


@dataclass(frozen=True, kw_only=True)
class MethodInfo:
    method: Method
    #: The factor kind a method of this sort is kept as.
    kind: FactorKind
    #: Its name for people, in English (the GUI and CLI translate it).
    label: str
    #: The WebAuthn authenticator attachment the client is asked for, if any.
    attachment: str | None


#: Strongest first.  SMS and voice are not among them (SECURITY.md M10).
METHODS: tuple[MethodInfo, ...] = (
    MethodInfo(
        method=Method.SECURITY_KEY,
        kind=FactorKind.WEBAUTHN,
        label="Security key",
        attachment="cross-platform",
    ),
    MethodInfo(
        method=Method.WINDOWS_HELLO,
        kind=FactorKind.WEBAUTHN,
        label="Windows Hello (face or fingerprint)",
        attachment="platform",
    ),
    MethodInfo(
        method=Method.AUTHENTICATOR_APP,
        kind=FactorKind.TOTP,
        label="Authenticator app",
        attachment=None,
    ),
)

#: The kinds a user can set up and the helpdesk can remove or retire (not the codes).
ENROLLABLE_KINDS: tuple[FactorKind, ...] = (FactorKind.WEBAUTHN, FactorKind.TOTP)

#: Names for people of every factor kind, in English (the GUI and CLI translate them).
KIND_LABELS: dict[FactorKind, str] = {
    FactorKind.WEBAUTHN: "Security key or Windows Hello",
    FactorKind.TOTP: "Authenticator app",
    FactorKind.RECOVERY: "Recovery code",
    FactorKind.BACKUP: "Backup code",
}


def method_info(method: Method | str) -> MethodInfo:
    return next(info for info in METHODS if info.method == method)


class Role(StrEnum):
    EMPLOYEE = "employee"
    ADMIN = "admin"


class UserSort(StrEnum):
    """The orders the list can be in; each ends on the e-mail address so pages never overlap."""

    EMAIL = "email"
    NAME = "name"
    ROLE = "role"
    STATUS = "status"
    LAST_SIGN_IN = "last_sign_in"
    DEADLINE = "deadline"


class SecurityNotice(StrEnum):
    """What the account's owner is told of by e-mail (SECURITY.md M7)."""

    FACTOR_ADDED = "factor_added"
    FACTOR_REMOVED = "factor_removed"
    RECOVERY_CODES_CREATED = "recovery_codes_created"
    RECOVERY_CODE_USED = "recovery_code_used"
    BACKUP_CODE_ISSUED = "backup_code_issued"
    BACKUP_CODE_USED = "backup_code_used"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a notice name
    ACCOUNT_LOCKED = "account_locked"
    #: Asked, before any second administrator approves: the owner can still object.
    VAULT_ESCROW_REQUESTED = "vault_escrow_requested"
    VAULT_ESCROW_USED = "vault_escrow_used"
    #: An administrator withdrew the request before it was used: nothing is opened.
    VAULT_ESCROW_CANCELLED = "vault_escrow_cancelled"


class UserVerification(StrEnum):
    """WebAuthn's user-verification requirement (the policy's ``webauthn_user_verification``)."""

    REQUIRED = "required"
    PREFERRED = "preferred"
    DISCOURAGED = "discouraged"


class CeremonyPurpose(StrEnum):
    """What a WebAuthn challenge was issued for; an answer for another purpose is refused."""

    REGISTER = "register"
    #: The second step of a sign-in, for one account's credentials.
    AUTHENTICATE = "authenticate"
    #: A sign-in with a discoverable credential and user verification, no password.
    PASSWORDLESS = "passwordless"


class AuditEventType(StrEnum):
    STORE_INITIALIZED = "store.initialized"
    USER_CREATED = "user.created"
    USER_DISABLED = "user.disabled"
    USER_ENABLED = "user.enabled"
    USER_UNLOCKED = "user.unlocked"
    USER_ROLE_CHANGED = "user.role_changed"
    PASSWORD_RESET = "password.reset_by_admin"  # noqa: S105 - an event name
    PASSWORD_CHANGED = "password.changed"  # noqa: S105 - an event name
    PASSWORD_REHASHED = "password.rehashed"  # noqa: S105 - an event name
    SIGN_IN_SUCCEEDED = "sign_in.succeeded"
    SIGN_IN_FAILED = "sign_in.failed"
    SIGN_IN_REFUSED = "sign_in.refused"
    SIGN_IN_CONTINUES = "sign_in.password_accepted"
    ACCOUNT_LOCKED = "account.locked"
    SECOND_FACTOR_SUCCEEDED = "second_factor.succeeded"
    SECOND_FACTOR_FAILED = "second_factor.failed"
    SECOND_FACTOR_LOCKED = "second_factor.locked"
    FACTOR_ENROLLMENT_STARTED = "factor.enrollment_started"
    FACTOR_ENROLLMENT_REFUSED = "factor.enrollment_refused"
    FACTOR_ADDED = "factor.added"
    FACTOR_REMOVED = "factor.removed"
    FACTOR_RENAMED = "factor.renamed"
    SECURITY_KEY_ERASED = "security_key.erased"
    RECOVERY_CODES_CREATED = "recovery_codes.created"
    #: A batch closed without being saved or printed: it opens nothing (issue 19).
    RECOVERY_CODES_DISCARDED = "recovery_codes.discarded"
    BACKUP_CODE_ISSUED = "backup_code.issued"
    POLICY_CHANGED = "policy.changed"
    SETUP_DEFERRED = "setup.deferred"
    SIGNED_OUT = "session.signed_out"
    SIGNED_TOKEN_ISSUED = "session.signed_token_issued"  # noqa: S105 (an event name)
    SESSION_ENDED = "session.ended"
    USER_EXEMPTION_CHANGED = "user.exemption_changed"
    USER_DEADLINE_CHANGED = "user.deadline_changed"
    FACTORS_RETIRED = "factors.retired"
    USERS_IMPORTED = "users.imported"
    AUDIT_EXPORTED = "audit.exported"
    AUDIT_CHAIN_KEYED = "audit.chain_keyed"
    DATA_KEY_EXPORTED = "data_key.exported"
    DATA_KEY_IMPORTED = "data_key.imported"
    SERVER_ROLE_GRANTED = "database.server_role_granted"
    REQUESTS_LIMITED = "server.requests_limited"
    REQUEST_REFUSED = "server.request_refused"
    VAULT_CREATED = "vault.created"
    VAULT_SLOT_ADDED = "vault.slot_added"
    VAULT_SLOT_REMOVED = "vault.slot_removed"
    VAULT_ENTRY_SAVED = "vault.entry_saved"
    VAULT_ENTRY_REMOVED = "vault.entry_removed"
    VAULT_REKEYED = "vault.rekeyed"
    #: An administrator asked to open a user's vault with the escrow; a second approved.
    VAULT_ESCROW_REQUESTED = "vault.escrow_requested"
    VAULT_ESCROW_APPROVED = "vault.escrow_approved"
    #: ...or withdrew it (the owner objected, or it was asked for in error).
    VAULT_ESCROW_CANCELLED = "vault.escrow_cancelled"
    #: Two administrators opened a user's vault with the organisation's escrow key.
    VAULT_ESCROW_USED = "vault.escrow_used"
    #: A change to a vault without proof of its key: a session used without the key.
    VAULT_WRITE_REFUSED = "vault.write_refused"


class VaultSlotKind(StrEnum):
    """A way into the recovery-code vault (SECURITY.md V2)."""

    #: A security key or Windows Hello, through its PRF (hmac-secret) with user verification.
    SECURITY_KEY = "security_key"
    #: The printed vault recovery key.
    RECOVERY_KEY = "recovery_key"
    #: The organisation's escrow key, whose private half needs two administrators (a policy
    #: switch, off by default; not one of the two independent ways in of V2).
    ESCROW = "escrow"
