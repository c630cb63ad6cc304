"""desktop-auth: workstation sign-in with a password plus a second factor.

The public API is ``AuthService`` (see its module for an example), the values
it returns, the error hierarchy, the vocabulary and ``load_config``.  They are loaded on first
use, so a program (or the window) that needs only part of the package starts
without waiting for the database and crypto libraries.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_auth import errors as errors
    from desktop_auth.config import Config as Config
    from desktop_auth.config import load_config as load_config
    from desktop_auth.core.service import Actor as Actor
    from desktop_auth.core.service import AssuranceLevel as AssuranceLevel
    from desktop_auth.core.service import AuthService as AuthService
    from desktop_auth.core.service import Session as Session
    from desktop_auth.core.service import SignInOutcome as SignInOutcome
    from desktop_auth.core.service import SignInResult as SignInResult
    from desktop_auth.core.service import UserSummary as UserSummary
    from desktop_auth.errors import DesktopAuthError as DesktopAuthError
    from desktop_auth.vocabulary import FactorKind as FactorKind
    from desktop_auth.vocabulary import Method as Method
    from desktop_auth.vocabulary import Role as Role

__version__ = "0.1.0"

_WHERE = {
    "Actor": "desktop_auth.core.service",
    "AssuranceLevel": "desktop_auth.core.service",
    "AuthService": "desktop_auth.core.service",
    "Session": "desktop_auth.core.service",
    "SignInOutcome": "desktop_auth.core.service",
    "SignInResult": "desktop_auth.core.service",
    "UserSummary": "desktop_auth.core.service",
    "Config": "desktop_auth.config",
    "load_config": "desktop_auth.config",
    "DesktopAuthError": "desktop_auth.errors",
    "FactorKind": "desktop_auth.vocabulary",
    "Method": "desktop_auth.vocabulary",
    "Role": "desktop_auth.vocabulary",
}

__all__ = [*sorted(_WHERE), "errors"]


def __getattr__(name: str) -> Any:
    if name == "errors":
        return import_module("desktop_auth.errors")
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'desktop_auth' has no attribute {name!r}")
