"""One error hierarchy for the whole product.

Every error carries a stable ``code`` (callers and tests branch on it, never on
text) and a ``message_key`` into the message catalogue (``desktop_auth.messages``),
which the GUI and the CLI translate.  ``params`` fill the message's
placeholders; they never hold a secret, because an error can reach a log line,
the audit log and the screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

ParamValue = str | int | datetime


class DesktopAuthError(Exception):
    """Base of every error this package raises on purpose."""

    code = "error"
    message_key = "error.generic"

    def __init__(self, message_key: str | None = None, **params: ParamValue) -> None:
        self.message_key = message_key or type(self).message_key
        self.params: Mapping[str, ParamValue] = MappingProxyType(dict(params))
        # The exception text is the code and key only: no parameter values, so
        # a traceback in a log can never carry user input.
        super().__init__(f"{self.code}: {self.message_key}")


# --- configuration and environment -------------------------------------------------------


class ConfigError(DesktopAuthError):
    code = "config_invalid"
    message_key = "error.config_invalid"


class StoreUnavailableError(DesktopAuthError):
    code = "store_unavailable"
    message_key = "error.store_unavailable"


class StoreNotInitializedError(DesktopAuthError):
    code = "store_not_initialized"
    message_key = "error.store_not_initialized"


class StoreAlreadyInitializedError(DesktopAuthError):
    code = "store_already_initialized"
    message_key = "error.store_already_initialized"


class KeyringUnavailableError(DesktopAuthError):
    code = "keyring_unavailable"
    message_key = "error.keyring_unavailable"


class DataKeyError(DesktopAuthError):
    """The data key that seals secrets is missing, unreadable or the wrong one."""

    code = "data_key"
    message_key = "error.data_key_missing"


class SecretUnreadableError(DesktopAuthError):
    """A sealed secret failed to open: wrong key, wrong row, or tampered with."""

    code = "secret_unreadable"
    message_key = "error.secret_unreadable"


# --- input -------------------------------------------------------------------------------


class InvalidInputError(DesktopAuthError):
    code = "invalid_input"
    message_key = "error.invalid_input"


class InvalidEmailError(InvalidInputError):
    code = "invalid_email"
    message_key = "error.invalid_email"


class InvalidRoleError(InvalidInputError):
    code = "invalid_role"
    message_key = "error.invalid_role"


class WeakPasswordError(InvalidInputError):
    """The password breaks the policy; ``reasons`` name every rule it broke."""

    code = "weak_password"
    message_key = "error.weak_password"

    def __init__(self, reasons: tuple[str, ...], **params: ParamValue) -> None:
        super().__init__(None, **params)
        self.reasons = reasons


class InvalidCodeFormatError(InvalidInputError):
    """A typed code is not the right number of digits."""

    code = "code_format"
    message_key = "error.code_format"


class TooManyAppsError(InvalidInputError):
    code = "too_many_apps"
    message_key = "error.too_many_apps"


class InvalidLabelError(InvalidInputError):
    code = "invalid_label"
    message_key = "error.invalid_label"


# --- policy settings (``Policy.with_changes``; the bounds in ``core.policy_limits``) -----


class PolicyUnknownSettingError(InvalidInputError):
    """No policy setting has this name; ``params``: setting."""

    code = "policy_unknown_setting"
    message_key = "error.policy_unknown_setting"


class PolicyWrongTypeError(InvalidInputError):
    """The value is not the kind the setting holds (text, a whole number, true/false, a list,
    a bool where a number belongs); ``params``: setting."""

    code = "policy_wrong_type"
    message_key = "error.policy_wrong_type"


class PolicyValueOutOfRangeError(ConfigError):
    """A whole number outside the setting's bounds; ``params``: setting, value, minimum,
    maximum, unit.  A ``ConfigError`` as before: a ``Policy`` built outside its bounds."""

    code = "policy_value_out_of_range"
    message_key = "error.policy_value_out_of_range"


# --- accounts ----------------------------------------------------------------------------


class UserNotFoundError(DesktopAuthError):
    code = "user_not_found"
    message_key = "error.user_not_found"


class UserExistsError(DesktopAuthError):
    code = "user_exists"
    message_key = "error.user_exists"


class LastAdministratorError(DesktopAuthError):
    code = "last_administrator"
    message_key = "error.last_administrator"


class PermissionDeniedError(DesktopAuthError):
    code = "permission_denied"
    message_key = "error.permission_denied"


# --- sign-in -----------------------------------------------------------------------------


class AuthenticationError(DesktopAuthError):
    code = "authentication_failed"
    message_key = "error.authentication_failed"


class InvalidCredentialsError(AuthenticationError):
    """Unknown e-mail address or wrong password: deliberately one error."""

    code = "invalid_credentials"
    message_key = "error.invalid_credentials"


class ReauthenticationRequiredError(AuthenticationError):
    code = "reauthentication_required"
    message_key = "error.reauthentication_required"


class SignInExpiredError(AuthenticationError):
    """The ticket of a sign-in in progress is unknown, used or expired."""

    code = "sign_in_expired"
    message_key = "error.sign_in_expired"


class SessionExpiredError(AuthenticationError):
    code = "session_expired"
    message_key = "error.session_expired"


# --- second factors ----------------------------------------------------------------------


class SecondFactorError(AuthenticationError):
    code = "second_factor_failed"
    message_key = "error.second_factor_failed"


class InvalidCodeError(SecondFactorError):
    """The code is not right (or not right now)."""

    code = "invalid_code"
    message_key = "error.invalid_code"


class CodeAlreadyUsedError(SecondFactorError):
    """A code that worked once; each works only once (SECURITY.md M1)."""

    code = "code_already_used"
    message_key = "error.code_already_used"


class CodeExpiredError(SecondFactorError):
    """A backup code past its lifetime, or replaced by a newer one."""

    code = "code_expired"
    message_key = "error.backup_code_expired"


class SecondFactorLockedError(SecondFactorError):
    code = "second_factor_locked"
    message_key = "error.second_factor_locked"


class EnrollmentExpiredError(SecondFactorError):
    code = "enrollment_expired"
    message_key = "error.enrollment_expired"


class SecurityKeyRejectedError(SecondFactorError):
    """The relying party did not accept a security key's answer (WebAuthn §7)."""

    code = "security_key_rejected"
    message_key = "error.security_key_rejected"


class SecurityKeyClonedError(SecondFactorError):
    """The signature counter went backwards: the key may have been copied (W1)."""

    code = "security_key_cloned"
    message_key = "error.security_key_cloned"

    def __init__(self, credential_row: int) -> None:
        super().__init__()
        self.credential_row = credential_row


class SecurityKeyNotAllowedError(SecondFactorError):
    """Policy refuses this kind of authenticator (AAGUID, attestation or UV, W5)."""

    code = "security_key_not_allowed"
    message_key = "error.security_key_not_allowed"


class SecurityKeyRegisteredError(SecondFactorError):
    """This credential is registered already, to this account or another (W2)."""

    code = "security_key_registered"
    message_key = "error.security_key_registered"


class SetupNotDeferrableError(AuthenticationError):
    """From the enforcement date, setting up 2FA is the only way on."""

    code = "setup_not_deferrable"
    message_key = "error.setup_not_deferrable"


class PasswordlessDisabledError(AuthenticationError):
    code = "passwordless_disabled"
    message_key = "error.passwordless_disabled"


class MethodNotAllowedError(DesktopAuthError):
    """The organisation's policy does not allow setting up this kind of method."""

    code = "method_not_allowed"
    message_key = "error.method_not_allowed"


class MethodNotFoundError(DesktopAuthError):
    code = "method_not_found"
    message_key = "error.method_not_found"


class LastFactorError(DesktopAuthError):
    """Removing this method would leave no second factor while policy requires one."""

    code = "last_factor"
    message_key = "error.last_factor"


class InsufficientAssuranceError(DesktopAuthError):
    """Binding a new factor needs a session at AAL2 or above (SECURITY.md M7)."""

    code = "insufficient_assurance"
    message_key = "error.insufficient_assurance"


# --- audit -------------------------------------------------------------------------------


class AuditLogError(DesktopAuthError):
    code = "audit_log"
    message_key = "error.audit_log"


# --- devices (the client side of security keys) ------------------------------------------


class DeviceError(DesktopAuthError):
    """Talking to a security key or Windows Hello went wrong; ``message_key`` says how."""

    code = "device_error"
    message_key = "error.device_error"


class NoSecurityKeyError(DeviceError):
    code = "no_security_key"
    message_key = "error.no_security_key"


class SecurityKeyNotRegisteredError(DeviceError):
    code = "security_key_not_registered"
    message_key = "error.security_key_not_registered"


class SecurityKeyPinError(DeviceError):
    code = "security_key_pin"
    message_key = "error.security_key_pin_wrong"


class SecurityKeyTimeoutError(DeviceError):
    code = "security_key_timeout"
    message_key = "error.security_key_timeout"


class SecurityKeyCancelledError(DeviceError):
    code = "security_key_cancelled"
    message_key = "error.security_key_cancelled"


class SecurityKeyUnsupportedError(DeviceError):
    code = "security_key_unsupported"
    message_key = "error.security_key_unsupported"


# --- the window (checked before Qt loads) ------------------------------------------------


class WindowUnavailableError(DesktopAuthError):
    """No window can open here: no display at all."""

    code = "no_display"
    message_key = "error.no_display"


class WindowLibrariesMissingError(WindowUnavailableError):
    """Qt's platform plugin lacks system libraries; ``params`` name them and the fix."""

    code = "window_libraries_missing"
    message_key = "error.window_libraries_missing"
