"""One error hierarchy for the whole product.

Every error class names one outcome: it carries a stable ``code`` of its own
(callers and tests branch on the class or the code, never on text), and its
``message_key`` into the message catalogue (``desktop_auth.messages``) is always
``"error." + code``, so the two cannot drift apart.  Variants of an outcome are
subclasses, so ``except InvalidInputError`` still catches every kind of bad
input.  ``params`` fill the message's placeholders; they never hold a secret,
because an error can reach a log line, the audit log and the screen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

ParamValue = str | int | datetime

_CODE = re.compile(r"[a-z][a-z0-9_]*")


class _MessageKey:
    """``message_key``: read-only, and always ``"error." + code``, on a class or an error."""

    def __get__(
        self, error: DesktopAuthError | None, owner: type[DesktopAuthError] | None = None
    ) -> str:
        code = error.code if error is not None else owner.code if owner is not None else ""
        return f"error.{code}"

    def __set__(self, error: DesktopAuthError, value: object) -> None:
        raise AttributeError("message_key is derived from code")


class DesktopAuthError(Exception):
    """Base of every error this package raises on purpose."""

    code: str = "generic"
    message_key = _MessageKey()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "message_key" in vars(cls):
            raise TypeError(f"{cls.__name__}: message_key comes from code; set code only")
        if "code" not in vars(cls) or not _CODE.fullmatch(cls.code):
            raise TypeError(f"{cls.__name__} needs a code of its own (lower_case_words)")

    def __init__(self, **params: ParamValue) -> None:
        self.params: Mapping[str, ParamValue] = MappingProxyType(dict(params))
        # The exception text is the code and key only: no parameter values, so
        # a traceback in a log can never carry user input.
        super().__init__(f"{self.code}: {self.message_key}")


# --- configuration and environment -------------------------------------------------------


class ConfigError(DesktopAuthError):
    """The configuration is not valid; a subclass says how."""

    code = "config_invalid"


class ConfigSyntaxError(ConfigError):
    """``params``: path."""

    code = "config_syntax"


class ConfigUnreadableError(ConfigError):
    """``params``: path."""

    code = "config_unreadable"


class ConfigUnknownKeyError(ConfigError):
    """``params``: path, key (the setting's name)."""

    code = "config_unknown_key"


class ConfigSmtpError(ConfigError):
    """``params``: path."""

    code = "config_smtp"


class ConfigEscrowKeyError(ConfigError):
    """``vault_escrow_key`` is not two different 32-byte keys in base64, joined by ":".
    ``params``: path."""

    code = "config_escrow_key"


class ConfigOriginsError(ConfigError):
    """``params``: path."""

    code = "config_origins"


class ConfigPasswordInFileError(ConfigError):
    """A database password written in the configuration file (SECURITY.md C4); ``params``: path."""

    code = "config_password_in_file"


class DatabaseUrlInvalidError(ConfigError):
    code = "database_url_invalid"


class DatabaseUrlOptionError(ConfigError):
    """An option PostgreSQL does not know (``?PASSWORD=`` for ``?password=``).

    ``params``: option (its name only: the value may be a secret)."""

    code = "database_url_option"


class DatabaseDriverMissingError(ConfigError):
    """``params``: driver."""

    code = "database_driver_missing"


class Argon2TooWeakError(ConfigError):
    """``params``: memory_kib, time_cost (the floor, not the values given)."""

    code = "argon2_too_weak"


class StoreUnavailableError(DesktopAuthError):
    code = "store_unavailable"


class StoreFileError(DesktopAuthError):
    """The SQLite store's folder or file cannot be made (a name too long, no permission).

    ``params``: path."""

    code = "store_file"


class StoreNotFoundError(DesktopAuthError):
    """A configured SQLite store that is not there: never made anew by the window (a
    mistyped path would give whoever sits there an organisation of their own).

    ``params``: path."""

    code = "store_not_found"


class StoreNotSetUpHereError(DesktopAuthError):
    """A configured store without an organisation: set up by IT (``admin init``), not
    from the window of whoever sits at the workstation."""

    code = "store_not_set_up_here"


class StoreNotInitializedError(DesktopAuthError):
    code = "store_not_initialized"


class StoreUpgradeNotAllowedError(DesktopAuthError):
    """The store is behind, and this database role may not migrate it (least privilege)."""

    code = "store_upgrade_not_allowed"


class TooManyRequestsError(DesktopAuthError):
    """Over the sign-in server's budget for this address or account; ``params``: seconds."""

    code = "too_many_requests"


class RequestRefusedError(DesktopAuthError):
    """The sign-in server could not take the request as sent (malformed, too large, from
    a web page, too slow); ``params``: reason.  A client that sends this has a bug."""

    code = "request_refused"


class TokenAudienceInvalidError(DesktopAuthError):
    """A signed token's audience must be 1–200 printable characters."""

    code = "token_audience_invalid"


class RuntimeRoleNeedsPostgresError(DesktopAuthError):
    code = "runtime_role_needs_postgres"


# --- the sign-in server ------------------------------------------------------------------


class ServerUnavailableError(DesktopAuthError):
    """The sign-in server does not answer (fail closed); ``params``: url."""

    code = "server_unavailable"


class ServerCertificateError(ServerUnavailableError):
    """TLS failed: the server's certificate is not one this workstation trusts; ``params``: url."""

    code = "server_certificate"


class ServerExtraMissingError(DesktopAuthError):
    """``desktop-auth server`` on an installation without FastAPI and uvicorn."""

    code = "server_extra_missing"


class ServerListenError(ConfigError):
    """``--listen`` is not HOST:PORT; ``params``: listen."""

    code = "server_listen"


class ServerProtocolError(DesktopAuthError):
    """The server answered something this version does not understand."""

    code = "server_protocol"


class ServerInsecureError(ConfigError):
    """Plain HTTP to a server that is not on this host; ``params``: url."""

    code = "server_insecure"


class LocalOnlyError(DesktopAuthError):
    """Done only on the sign-in server's own host; ``params``: command."""

    code = "local_only"


class StoreAlreadyInitializedError(DesktopAuthError):
    code = "store_already_initialized"


class KeyringUnavailableError(DesktopAuthError):
    code = "keyring_unavailable"


class DataKeyError(DesktopAuthError):
    """The data key that seals secrets is missing, unreadable or the wrong one."""

    code = "data_key"


class DataKeyMissingError(DataKeyError):
    """``params``: where (the key store, described)."""

    code = "data_key_missing"


class DataKeyMismatchError(DataKeyError):
    """``params``: where (the key store, described)."""

    code = "data_key_mismatch"


class DataKeyMalformedError(DataKeyError):
    """``params``: source."""

    code = "data_key_malformed"


class DataKeyFilePermissionsError(DataKeyError):
    """``params``: path."""

    code = "data_key_file_permissions"


class DataKeyFileExistsError(DataKeyError):
    """``params``: path."""

    code = "data_key_file_exists"


class KeyFileInvalidError(DataKeyError):
    """Not a key file made by ``admin key export``, or a damaged one."""

    code = "key_file_invalid"


class KeyFileWrongPassphraseError(DataKeyError):
    code = "key_file_wrong_passphrase"


class KeyFileOtherStoreError(DataKeyError):
    code = "key_file_other_store"


class SecretUnreadableError(DesktopAuthError):
    """A sealed secret failed to open: wrong key, wrong row, or tampered with."""

    code = "secret_unreadable"


# --- input -------------------------------------------------------------------------------


class InvalidInputError(DesktopAuthError):
    """Input that cannot be used; a subclass says how."""

    code = "invalid_input"


class InvalidEmailError(InvalidInputError):
    code = "invalid_email"


class InvalidRoleError(InvalidInputError):
    """``params``: role, roles."""

    code = "invalid_role"


class InvalidDisplayNameError(InvalidInputError):
    """``params``: maximum."""

    code = "invalid_display_name"


class InvalidOrganisationError(InvalidInputError):
    """``params``: maximum."""

    code = "invalid_organisation"


class InvalidRpIdError(InvalidInputError):
    code = "invalid_rp_id"


class InvalidSortError(InvalidInputError):
    """``params``: sort, sorts."""

    code = "invalid_sort"


class WeakPasswordError(InvalidInputError):
    """The password breaks the policy; ``reasons`` name every rule it broke."""

    code = "weak_password"

    def __init__(self, reasons: tuple[str, ...], **params: ParamValue) -> None:
        super().__init__(**params)
        self.reasons = reasons


class InvalidCodeFormatError(InvalidInputError):
    """A typed authenticator-app code is not the right number of digits; ``params``: digits."""

    code = "code_format"


class LookupCodeFormatError(InvalidCodeFormatError):
    """A typed recovery or backup code is not the printed form; ``params``: length."""

    code = "lookup_code_format"


class TooManyAppsError(InvalidInputError):
    """``params``: maximum."""

    code = "too_many_apps"


class InvalidLabelError(InvalidInputError):
    """``params``: maximum."""

    code = "invalid_label"


class ImportColumnsError(InvalidInputError):
    code = "import_columns"


class ImportTooLargeError(InvalidInputError):
    """``params``: maximum."""

    code = "import_too_large"


class ImportDuplicateError(InvalidInputError):
    """One e-mail address on two rows of an import."""

    code = "import_duplicate"


class ImportMalformedError(InvalidInputError):
    """Not CSV from this line on: a field over the reader's limit, a quote left open.

    ``params``: line, maximum (the field limit)."""

    code = "import_malformed"


class ImportEmptyError(InvalidInputError):
    code = "import_empty"


class ImportUnreadableError(InvalidInputError):
    """``params``: path."""

    code = "import_unreadable"


class GateNothingToStartError(InvalidInputError):
    code = "gate_nothing_to_start"


class PasswordStdinEmptyError(InvalidInputError):
    code = "password_stdin_empty"


class PasswordNeedsTerminalError(InvalidInputError):
    code = "password_needs_terminal"


class PasswordsDifferError(InvalidInputError):
    code = "passwords_differ"


class PassphraseStdinEmptyError(InvalidInputError):
    code = "passphrase_stdin_empty"


class PassphraseNeedsTerminalError(InvalidInputError):
    code = "passphrase_needs_terminal"


class PinStdinEmptyError(InvalidInputError):
    """``--pin-stdin`` found no line for a security key PIN."""

    code = "pin_stdin_empty"


class PinNeedsTerminalError(InvalidInputError):
    code = "pin_needs_terminal"


class PassphrasesDifferError(InvalidInputError):
    code = "passphrases_differ"


class KeyPassphraseShortError(InvalidInputError):
    """``params``: minimum."""

    code = "key_passphrase_short"


class KeyExportExistsError(InvalidInputError):
    """``params``: path."""

    code = "key_export_exists"


class KeyFileUnreadableError(InvalidInputError):
    """``params``: path."""

    code = "key_file_unreadable"


class KeyMetadataInvalidError(InvalidInputError):
    """Not a FIDO metadata BLOB whose signature leads to the FIDO Alliance's root (A1)."""

    code = "key_metadata_invalid"


class KeyMetadataOlderError(InvalidInputError):
    """A BLOB older than the one kept; ``params``: number, kept (the BLOBs' serial numbers)."""

    code = "key_metadata_older"


class AttestationRootsInvalidError(InvalidInputError):
    """Not one or more PEM certificates of a certificate authority (A1)."""

    code = "attestation_roots_invalid"


class KeyFileUnwritableError(InvalidInputError):
    """``params``: path."""

    code = "key_file_unwritable"


# --- policy settings (``Policy.with_changes``; the bounds in ``core.policy_limits``) -----


class PolicyUnknownSettingError(InvalidInputError):
    """No policy setting has this name; ``params``: setting."""

    code = "policy_unknown_setting"


class PolicyWrongTypeError(InvalidInputError):
    """The value is not the kind the setting holds (text, a whole number, true/false, a list,
    a bool where a number belongs); ``params``: setting."""

    code = "policy_wrong_type"


class PolicyChangeFormatError(InvalidInputError):
    """``admin policy set`` takes ``name=value``; ``params``: change."""

    code = "policy_change_format"


class PolicyThrottleError(ConfigError):
    """The throttle's steps are out of order (a delay after the lock)."""

    code = "policy_throttle"


class PolicyEnforcementDateError(ConfigError):
    code = "policy_enforcement_date"


class PolicyReminderTextError(ConfigError):
    """``params``: maximum."""

    code = "policy_reminder_text"


class PolicyUserVerificationError(ConfigError):
    code = "policy_user_verification"


class PolicyEscrowKeyError(ConfigError):
    """``vault_escrow_key`` is not two different usable X25519 public keys (base64,
    joined by ":")."""

    code = "policy_escrow_key"


class PolicyEscrowKeyLocalError(ConfigError):
    """The escrow key is not a setting like the others: it is set on the store's host."""

    code = "policy_escrow_key_local"


class PolicyAllowedMethodsError(ConfigError):
    code = "policy_allowed_methods"


class PolicyUnreadableError(ConfigError):
    """The stored policy is not a policy this version can read."""

    code = "policy_unreadable"


class PolicyValueOutOfRangeError(ConfigError):
    """A whole number outside the setting's bounds; ``params``: setting, value, minimum,
    maximum, unit.  A ``ConfigError`` as before: a ``Policy`` built outside its bounds."""

    code = "policy_value_out_of_range"


# --- accounts ----------------------------------------------------------------------------


class UserNotLockedError(InvalidInputError):
    """Unlock asked for an account that is not locked: nothing to do, nothing audited."""

    code = "user_not_locked"


class UserNotFoundError(DesktopAuthError):
    code = "user_not_found"


class UserExistsError(DesktopAuthError):
    code = "user_exists"


class LastAdministratorError(DesktopAuthError):
    code = "last_administrator"


class PermissionDeniedError(DesktopAuthError):
    code = "permission_denied"


# --- sign-in -----------------------------------------------------------------------------


class AuthenticationError(DesktopAuthError):
    code = "authentication_failed"


class InvalidCredentialsError(AuthenticationError):
    """Unknown e-mail address or wrong password: deliberately one error."""

    code = "invalid_credentials"


class InvalidCredentialsWaitError(InvalidCredentialsError):
    """As ``InvalidCredentialsError``, and the next try must wait; ``params``: until, left
    (wrong tries before the lock)."""

    code = "invalid_credentials_wait"


class InvalidCredentialsWaitSecondsError(InvalidCredentialsWaitError):
    """As ``InvalidCredentialsWaitError``, for a wait of seconds; ``params``: seconds, left."""

    code = "invalid_credentials_wait_seconds"


class InvalidCredentialsLockedError(InvalidCredentialsError):
    """As ``InvalidCredentialsError``, and the account is now locked; ``params``: until."""

    code = "invalid_credentials_locked"


class InvalidCredentialsHeldError(InvalidCredentialsError):
    """As ``InvalidCredentialsError``, and the account is now locked until the helpdesk
    unlocks it (too many temporary locks in a row)."""

    code = "invalid_credentials_held"


class ReauthenticationRequiredError(AuthenticationError):
    code = "reauthentication_required"


class SignInExpiredError(AuthenticationError):
    """The ticket of a sign-in in progress is unknown, used or expired."""

    code = "sign_in_expired"


class SessionExpiredError(AuthenticationError):
    code = "session_expired"


class SessionEndedError(AuthenticationError):
    """Signed out, ended by a password change, a reset, a role change or disabling — or
    never one of ours (a forged or altered session)."""

    code = "session_ended"


class SignInRequiredError(AuthenticationError):
    """An administrator's command on a server: sign in first (``desktop-auth admin login``)."""

    code = "sign_in_required"


class SessionNotFoundError(DesktopAuthError):
    """Not one of the user's sessions, or already ended."""

    code = "session_not_found"


# --- second factors ----------------------------------------------------------------------


class SecondFactorError(AuthenticationError):
    """A refused second-step answer; a guessable one before the lock also has the
    ``params`` tries_left (added to the text by ``messages.error_message``)."""

    code = "second_factor_failed"
    #: The WebAuthn ceremony this refused answer spent (never shown; see ``Ceremonies``).
    spent_ceremony: str | None = None


class InvalidCodeError(SecondFactorError):
    """The authenticator-app code is not right (or not right now)."""

    code = "invalid_code"


class InvalidLookupCodeError(InvalidCodeError):
    """The recovery or backup code is none of this account's."""

    code = "invalid_lookup_code"


class CodeAlreadyUsedError(SecondFactorError):
    """An authenticator-app code that worked once; each works only once (SECURITY.md M1)."""

    code = "code_already_used"


class LookupCodeUsedError(CodeAlreadyUsedError):
    """A recovery or backup code that was spent already (M1)."""

    code = "lookup_code_used"


class CodeExpiredError(SecondFactorError):
    """A code that no longer works; a subclass says why."""

    code = "code_expired"


class BackupCodeExpiredError(CodeExpiredError):
    """A backup code past its lifetime."""

    code = "backup_code_expired"


class BackupCodeReplacedError(CodeExpiredError):
    """A backup code replaced by a newer one."""

    code = "backup_code_replaced"


class SecondFactorLockedError(SecondFactorError):
    code = "second_factor_locked"


class EnrollmentExpiredError(SecondFactorError):
    code = "enrollment_expired"


class SecurityKeyRejectedError(SecondFactorError):
    """The relying party did not accept a security key's answer (WebAuthn §7)."""

    code = "security_key_rejected"


class SecurityKeyUnknownError(SecurityKeyRejectedError):
    """The key's credential belongs to no account here, or not to this one (W3)."""

    code = "security_key_unknown"


class SecurityKeyChallengeError(SecurityKeyRejectedError):
    """The answer is to a challenge that is unknown, used, expired or someone else's."""

    code = "security_key_challenge"


class SecurityKeyClonedError(SecondFactorError):
    """The signature counter went backwards: the key may have been copied (W1)."""

    code = "security_key_cloned"

    def __init__(self, credential_row: int) -> None:
        super().__init__()
        self.credential_row = credential_row


class SecurityKeyNotAllowedError(SecondFactorError):
    """Policy refuses this kind of authenticator (AAGUID, attestation or UV, W5)."""

    code = "security_key_not_allowed"


class SecurityKeyDemoOnlyError(SecurityKeyNotAllowedError):
    """The built-in demo authenticator, outside demo mode."""

    code = "security_key_demo_only"


class SecurityKeyAttestationError(SecurityKeyNotAllowedError):
    """Policy requires a proven make and model, and this key's attestation proves none."""

    code = "security_key_attestation"


class SecurityKeyRevokedError(SecurityKeyNotAllowedError):
    """The FIDO metadata reports this model revoked or its keys compromised (A1)."""

    code = "security_key_revoked"


class SecurityKeySyncedError(SecurityKeyNotAllowedError):
    """A passkey that may be copied to other devices (backup eligible), which the policy
    does not allow (W5)."""

    code = "security_key_synced"


class SecurityKeyBackupFlagsError(SecurityKeyRejectedError):
    """The backup flags contradict themselves or what was stored at registration (A2)."""

    code = "security_key_backup_flags"


class SecurityKeyRegisteredError(SecondFactorError):
    """This credential is registered already, to this account or another (W2)."""

    code = "security_key_registered"


class SetupNotDeferrableError(AuthenticationError):
    """From the enforcement date, setting up 2FA is the only way on."""

    code = "setup_not_deferrable"


class AccountDisabledError(AuthenticationError):
    """The account was switched off during the sign-in: no step goes on."""

    code = "account_disabled"


class PasswordlessDisabledError(AuthenticationError):
    code = "passwordless_disabled"


class MethodNotAllowedError(DesktopAuthError):
    """The organisation's policy does not allow setting up this kind of method."""

    code = "method_not_allowed"


class MethodNotFoundError(DesktopAuthError):
    code = "method_not_found"


class LastFactorError(DesktopAuthError):
    """Removing this method would leave no second factor while policy requires one."""

    code = "last_factor"


class InsufficientAssuranceError(DesktopAuthError):
    """Binding a new factor needs a session at AAL2 or above (SECURITY.md M7)."""

    code = "insufficient_assurance"


# --- audit -------------------------------------------------------------------------------


class AuditLogError(DesktopAuthError):
    code = "audit_log"


# --- the recovery-code vault --------------------------------------------------------------


class VaultError(DesktopAuthError):
    """The vault cannot do this; a subclass says why."""

    code = "vault"


class VaultNotFoundError(VaultError):
    """No vault yet: it is made with its first two slots."""

    code = "vault_not_found"


class VaultExistsError(VaultError):
    code = "vault_exists"


class VaultNeedsTwoSlotsError(VaultError):
    """Codes are kept only once a security key and the printed recovery key can open it."""

    code = "vault_needs_two_slots"


class VaultLastRecoveryKeyError(VaultError):
    """The printed recovery key is replaced (a new one first), never just removed."""

    code = "vault_last_recovery_key"


class VaultSlotNotFoundError(VaultError):
    code = "vault_slot_not_found"


class VaultKeyNotYoursError(VaultError):
    """A key slot names a security key that is not one of the user's own."""

    code = "vault_key_not_yours"


class VaultKeyHasSlotError(VaultError):
    code = "vault_key_has_slot"


class VaultEntryNotFoundError(VaultError):
    code = "vault_entry_not_found"


class VaultChangedElsewhereError(VaultError):
    """Another workstation changed this entry since it was read: read it again."""

    code = "vault_changed_elsewhere"


class VaultNoCodeLeftError(VaultError):
    """Every code of that entry is used."""

    code = "vault_no_code_left"


class VaultFullError(VaultError):
    """``params``: limit."""

    code = "vault_full"


class VaultMalformedError(InvalidInputError):
    """What was sent is not a vault's: a wrong size, kind or id.  ``params``: field."""

    code = "vault_malformed"


class VaultWrongKeyError(VaultError):
    """This key, PRF output or recovery key does not open the vault (or the slot was
    altered: which of the two is not told)."""

    code = "vault_wrong_key"


class VaultEscrowSlotMissingError(VaultError):
    """The organisation's policy has an escrow key, and the vault would have no slot sealed
    to it (none at all, or one sealed to a key the policy no longer has)."""

    code = "vault_escrow_slot_missing"


class VaultEscrowOffError(VaultError):
    """No escrow key in the policy, or this vault has no escrow slot."""

    code = "vault_escrow_off"


class VaultEscrowKeyUntrustedError(VaultError):
    """On the workstation: the policy's escrow key is not the one this workstation's
    configuration pins (``vault_escrow_key``), so nothing is sealed to it."""

    code = "vault_escrow_key_untrusted"


class VaultEscrowNotApprovedError(VaultError):
    """No approved request of this administrator's to open this vault with the escrow."""

    code = "vault_escrow_not_approved"


class VaultEscrowSameAdministratorError(VaultError):
    """An administrator approved their own request: the escrow needs two."""

    code = "vault_escrow_same_administrator"


class VaultEscrowAdministratorRecentError(VaultError):
    """An administrator account that another administrator created, promoted, re-enabled,
    or gave a temporary password, a backup code or fewer methods in the last week takes
    no part in opening a vault with the escrow.  ``params``: email."""

    code = "vault_escrow_administrator_recent"


class VaultEscrowRequestNotFoundError(VaultError):
    """No open request by that number: mistyped, used, expired, or approved by another."""

    code = "vault_escrow_request_not_found"


class VaultEscrowNotFirstKeyError(VaultError):
    """This administrator's key is not the first key of the escrow in force: it opens no
    escrow slot's outer layer (the other administrator's, or one of another escrow)."""

    code = "vault_escrow_not_first_key"


class VaultEscrowNotSecondKeyError(VaultError):
    """This administrator's key is not the second key of the escrow the half-opened slot
    belongs to: it cannot open what the first administrator opened."""

    code = "vault_escrow_not_second_key"


class VaultEscrowHalfFileError(VaultError):
    """Not a file ``admin vault escrow open`` wrote for the second administrator."""

    code = "vault_escrow_half_file"


class VaultSealBrokenError(VaultError):
    """An entry does not open under the vault's own key: altered or moved in the store."""

    code = "vault_seal_broken"


class VaultLockedError(VaultError):
    code = "vault_locked"


class VaultRecoveryKeyMalformedError(InvalidInputError):
    """A typed recovery key that cannot be one: a wrong length or characters."""

    code = "vault_recovery_key_malformed"


class VaultRecoveryKeyTypoError(VaultRecoveryKeyMalformedError):
    """Some groups' check characters do not match.  ``params``: groups ("2, 5")."""

    code = "vault_recovery_key_typo"


# --- devices (the client side of security keys) ------------------------------------------


class DeviceError(DesktopAuthError):
    """Talking to a security key or Windows Hello went wrong; a subclass says how."""

    code = "device_error"


class NoSecurityKeyError(DeviceError):
    code = "no_security_key"


class SecurityKeyNotRegisteredError(DeviceError):
    code = "security_key_not_registered"


class SecurityKeySignInsNotSupportedError(DeviceError):
    """The key cannot list or delete the sign-ins stored on it (no credential management)."""

    code = "security_key_sign_ins_not_supported"


class SecurityKeySignInNotFoundError(DeviceError):
    """The sign-in to delete is not on this key (deleted already, or another key)."""

    code = "security_key_sign_in_not_found"


class SecurityKeyWindowsOnlyError(DeviceError):
    """On Windows without administrator rights only Windows' own WebAuthn API reaches a
    key: it signs in, but offers no PIN, listing, fingerprints or reset from here."""

    code = "security_key_windows_only"


class SecurityKeyOneKeyOnlyError(DeviceError):
    """More than one key is plugged in: which one gets the PIN, or is erased, must not be
    a guess."""

    code = "security_key_one_key_only"


class SecurityKeyResetTooLateError(DeviceError):
    """The key refused the reset: it allows one only in the seconds after plugging in."""

    code = "security_key_reset_too_late"


class SecurityKeyResetNeedsTerminalError(DeviceError):
    """``key reset`` asks a person to confirm and replug the key; a script cannot."""

    code = "security_key_reset_needs_terminal"


class SecurityKeyFingerprintsNotSupportedError(DeviceError):
    """The key has no fingerprint sensor (no bio enrollment)."""

    code = "security_key_fingerprints_not_supported"


class SecurityKeyFingerprintNotFoundError(DeviceError):
    """No such fingerprint on this key (removed already, or another key)."""

    code = "security_key_fingerprint_not_found"


class SecurityKeyFingerprintsFullError(DeviceError):
    """The key holds as many fingerprints as it can; remove one first."""

    code = "security_key_fingerprints_full"


class SecurityKeyFingerprintNameError(InvalidInputError):
    """A fingerprint's name: empty, unprintable, or longer than the key holds.
    ``params``: limit (bytes)."""

    code = "security_key_fingerprint_name"


class SecurityKeyOwnSignInError(DeviceError):
    """The sign-in to delete is this organisation's own (desktop-auth's); deleting it needs
    ``--including-ours``.  ``params``: site."""

    code = "security_key_own_sign_in"


class SecurityKeyOwnSignInsUnknownError(DeviceError):
    """The sign-in database or server did not answer, so which sign-ins on the key are
    this organisation's own cannot be told; deleting needs ``--including-ours``."""

    code = "security_key_own_sign_ins_unknown"


class SecurityKeyNoUserVerificationError(DeviceError):
    """The key answered without checking who touched it (no PIN, no fingerprint)."""

    code = "security_key_no_user_verification"


class SecurityKeyPinError(DeviceError):
    """The key refused its PIN; a subclass says how."""

    code = "security_key_pin"


class SecurityKeyPinWrongError(SecurityKeyPinError):
    """A wrong PIN, and the key did not say how many tries are left."""

    code = "security_key_pin_wrong"


class SecurityKeyPinWrongLeftError(SecurityKeyPinWrongError):
    """A wrong PIN; ``params``: left (tries before the key blocks)."""

    code = "security_key_pin_wrong_left"


class SecurityKeyPinBlockedError(SecurityKeyPinError):
    """No PIN tries left: only a reset of the key (which removes its sign-ins) helps."""

    code = "security_key_pin_blocked"


class SecurityKeyPinPausedError(SecurityKeyPinError):
    """Wrong PINs in a row: no PIN until the key is unplugged (CTAP PIN_AUTH_BLOCKED)."""

    code = "security_key_pin_paused"


class SecurityKeyPinTooShortError(SecurityKeyPinError):
    """A new PIN below the key's (or the policy's) minimum; ``params``: minimum."""

    code = "security_key_pin_too_short"


class SecurityKeyPinPolicyError(SecurityKeyPinError):
    """The key refused a new PIN by its own rules (too long, too simple)."""

    code = "security_key_pin_policy"


class SecurityKeyPinMismatchError(SecurityKeyPinError):
    """The new PIN and its repetition differ; nothing was sent to the key."""

    code = "security_key_pin_mismatch"


class SecurityKeyPinChangeRequiredError(SecurityKeyPinError):
    """The key wants a new PIN before it is used again (CTAP 2.1 forcePINChange)."""

    code = "security_key_pin_change_required"


class SecurityKeyPinNotSupportedError(DeviceError):
    """The key cannot hold a PIN (no CTAP2 clientPin)."""

    code = "security_key_pin_not_supported"


class SecurityKeyPinSetError(DeviceError):
    """Setting a first PIN on a key that has one: it is to be changed instead."""

    code = "security_key_pin_set"


class SecurityKeyPinNotSetError(DeviceError):
    """Changing the PIN of a key that has none: it is to be set instead."""

    code = "security_key_pin_not_set"


class SecurityKeyNoPrfError(DeviceError):
    """The key (or the credential on it) has no PRF (hmac-secret): it cannot open the vault."""

    code = "security_key_no_prf"


class SecurityKeyTimeoutError(DeviceError):
    code = "security_key_timeout"


class SecurityKeyCancelledError(DeviceError):
    code = "security_key_cancelled"


class SecurityKeyUnsupportedError(DeviceError):
    code = "security_key_unsupported"


# --- the window (checked before Qt loads) ------------------------------------------------


class WindowUnavailableError(DesktopAuthError):
    """No window can open here: no display at all."""

    code = "no_display"


class WindowLibrariesMissingError(WindowUnavailableError):
    """Qt's platform plugin lacks system libraries; ``params`` name them and the fix."""

    code = "window_libraries_missing"
