"""desktop-auth: workstation sign-in with a password plus a second factor.

The public API is ``AuthService`` (see its module for an example), the values
it returns, the error hierarchy and ``load_config``.
"""

from desktop_auth import errors
from desktop_auth.config import Config, load_config
from desktop_auth.core.service import (
    Actor,
    AssuranceLevel,
    AuthService,
    Session,
    SignInOutcome,
    SignInResult,
    UserSummary,
)
from desktop_auth.errors import DesktopAuthError

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "AssuranceLevel",
    "AuthService",
    "Config",
    "DesktopAuthError",
    "Session",
    "SignInOutcome",
    "SignInResult",
    "UserSummary",
    "errors",
    "load_config",
]
