"""What one vault entry holds once opened: a service's account, its codes and notes.

An entry is sealed as JSON, padded to a multiple of ``PAD_TO`` bytes so that its
ciphertext's length tells the store little about how many codes or notes it keeps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from desktop_auth.errors import VaultMalformedError, VaultSealBrokenError

PAD_TO = 512
#: "Running low": the vault warns at this many unused codes or fewer.
RUNNING_LOW = 2
MAX_CODES = 100
MAX_TEXT = 200
MAX_NOTES = 4000
_FORMAT = 1


@dataclass(frozen=True, kw_only=True)
class StoredCode:
    code: str = field(repr=False)
    #: The day it was used (the workstation's calendar), or None while unused.
    used_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class EntryContent:
    """What the person typed or pasted; ``check()`` refuses what cannot be kept."""

    service: str
    account: str = ""
    codes: tuple[StoredCode, ...] = ()
    notes: str = field(default="", repr=False)

    def check(self) -> EntryContent:
        service, account = self.service.strip(), self.account.strip()
        if not service or len(service) > MAX_TEXT or not service.isprintable():
            raise VaultMalformedError(field="service")
        if len(account) > MAX_TEXT or not account.isprintable():
            raise VaultMalformedError(field="account")
        if len(self.notes) > MAX_NOTES:
            raise VaultMalformedError(field="notes")
        if len(self.codes) > MAX_CODES or any(
            not c.code or len(c.code) > MAX_TEXT or not c.code.isprintable() for c in self.codes
        ):
            raise VaultMalformedError(field="codes")
        return replace(self, service=service, account=account)


@dataclass(frozen=True, kw_only=True)
class VaultEntry:
    """An opened entry, with what the store keeps beside it."""

    entry_id: str
    content: EntryContent
    added_at: datetime
    changed_at: datetime
    #: The store's revision it was read at (a save from an older read is refused).
    revision: int

    @property
    def left(self) -> int:
        return sum(1 for code in self.content.codes if code.used_on is None)

    @property
    def running_low(self) -> bool:
        return 0 < self.left <= RUNNING_LOW

    @property
    def used_up(self) -> bool:
        return bool(self.content.codes) and self.left == 0


def encode(content: EntryContent) -> bytes:
    document = {
        "format": _FORMAT,
        "service": content.service,
        "account": content.account,
        "codes": [[c.code, c.used_on.isoformat() if c.used_on else None] for c in content.codes],
        "notes": content.notes,
    }
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return raw + b" " * (-len(raw) % PAD_TO)


def decode(plaintext: bytes) -> EntryContent:
    """The content; a sealed entry that opened but is not an entry (another program's,
    a later format) is ``VaultSealBrokenError``."""
    try:
        document = json.loads(plaintext.decode())
        if document["format"] != _FORMAT:
            raise ValueError("format")
        codes = tuple(
            StoredCode(code=str(code), used_on=date.fromisoformat(used) if used else None)
            for code, used in document["codes"]
        )
        return EntryContent(
            service=str(document["service"]),
            account=str(document["account"]),
            codes=codes,
            notes=str(document["notes"]),
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise VaultSealBrokenError() from None
