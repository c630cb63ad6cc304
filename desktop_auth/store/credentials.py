"""The database password, from the OS keyring (SECURITY.md C4), never from the config file.

A PostgreSQL URL in the configuration names the user, host and database but no
password; the password is kept in the keyring under the service
``desktop-auth`` and the name ``database/<user>@<host>/<database>``.  With no
keyring entry the URL goes to the driver as it is, so libpq's own ways (a
client certificate, ``~/.pgpass``, Kerberos) still work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

from sqlalchemy.engine import URL, make_url

from desktop_auth.errors import KeyringUnavailableError
from desktop_auth.store.keys import KEYRING_SERVICE, backend_is_usable


def database_keyring_name(url: str | URL) -> str | None:
    """The keyring entry's name for ``url``'s password; None when it takes no password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" or not parsed.username:
        return None
    return f"database/{parsed.username}@{parsed.host or 'localhost'}/{parsed.database or ''}"


def with_keyring_password(url: str | URL, backend: KeyringBackend | None = None) -> URL:
    """``url`` with its password from the keyring, when the keyring has one for it."""
    parsed = make_url(url)
    name = database_keyring_name(parsed)
    if name is None or parsed.password:
        return parsed
    import keyring.errors  # only for a URL that takes a password: it costs ~50 ms

    chosen = backend or keyring.get_keyring()
    if not backend_is_usable(chosen):
        return parsed
    try:
        password = chosen.get_password(KEYRING_SERVICE, name)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailableError(backend=type(chosen).__name__) from exc
    return parsed if password is None else parsed.set(password=password)
