"""The names of the second factors an organisation's policy can allow.

Plain names, in a module of their own, so that screens can offer them without loading
the core (``AuthService`` re-exports them as ``SECOND_FACTOR_METHODS``).
"""

from __future__ import annotations

AUTHENTICATOR_APP = "authenticator_app"
SECURITY_KEY = "security_key"
#: A platform authenticator: Windows Hello's face, fingerprint or PIN.
WINDOWS_HELLO = "windows_hello"
#: Strongest first.  SMS and voice are not among them (SECURITY.md M10).
METHODS = (SECURITY_KEY, WINDOWS_HELLO, AUTHENTICATOR_APP)
