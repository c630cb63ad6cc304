"""Which service this workstation uses: light, so the embedded start loads no client.

``open_service(config)``: the in-process ``AuthService`` on the local store, or with
``server_url`` a ``RemoteService`` (``remote.client``, loaded only then).  The GUI and
the CLI call this and cannot tell which one they got.
"""

from __future__ import annotations

import contextlib
import ipaddress
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from desktop_auth.config import Config
from desktop_auth.errors import ServerInsecureError

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_server_url(url: str) -> str:
    """https://…, or http:// only to this host; else ``ServerInsecureError``."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return url.rstrip("/")
    raise ServerInsecureError(url=url)


#: Where ``desktop-auth admin login`` keeps its session token, per server URL.
ADMIN_SESSION_SERVICE = "desktop-auth-admin-session"


def stored_admin_token(url: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(ADMIN_SESSION_SERVICE, check_server_url(url))
    except KeyringError:
        return None


def store_admin_token(url: str, token: str | None) -> None:
    import keyring
    from keyring.errors import PasswordDeleteError

    if token is not None:
        keyring.set_password(ADMIN_SESSION_SERVICE, check_server_url(url), token)
        return
    with contextlib.suppress(PasswordDeleteError):  # not signed in: nothing to forget
        keyring.delete_password(ADMIN_SESSION_SERVICE, check_server_url(url))


def open_service(config: Config, *, administrator: bool = False, **options: Any) -> AuthService:
    """The service this workstation is configured for: the sign-in server's when
    ``server_url`` is set (nothing of the store is opened here), else the embedded store.
    The GUI and the CLI cannot tell the two apart.  ``administrator``: the CLI's
    commands act as the administrator of ``admin login`` (the window never does)."""
    if config.server_url:
        from desktop_auth.remote.client import RemoteService

        remote = RemoteService(
            config.server_url,
            ca_file=config.server_ca_file,
            administrator_token=stored_admin_token(config.server_url) if administrator else None,
        )
        if administrator:
            remote.url_of_kept_token = config.server_url
        return cast("AuthService", remote)
    from desktop_auth.core.service import AuthService

    return AuthService.open(config, **options)
