"""E-mail addresses as sign-in names."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from desktop_auth.errors import InvalidEmailError

MAX_EMAIL_LENGTH = 320


def normalize_email(raw: str) -> tuple[str, str]:
    """Return ``(email, email_key)`` for an address typed by a person.

    ``email`` is NFKC-normalised for display; ``email_key`` is also case-folded
    and is what identifies the account, so "Jan@Example.NL" and "jan@example.nl"
    are one sign-in name.  Syntax only: nothing is looked up on the network.
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text or len(text) > MAX_EMAIL_LENGTH:
        raise InvalidEmailError()
    try:
        checked = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        raise InvalidEmailError() from exc
    email = unicodedata.normalize("NFKC", checked.normalized)
    return email, email.casefold()


def email_local_part(email: str) -> str:
    return email.rsplit("@", 1)[0]
