"""What the vault prints, on the recovery sheet's own painter (``gui/recovery_sheet``):
the printed vault recovery key, and one entry's codes.  Texts come from the catalogue,
in the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from desktop_auth.messages import translate
from desktop_auth.vault.entries import VaultEntry
from desktop_auth.vault.recovery_key import RecoveryKey


@dataclass(frozen=True, kw_only=True)
class RecoveryKeySheet:
    """The vault recovery key on paper: with it, the vault opens without any security key."""

    email: str
    made_on: date
    vault_id: str
    recovery_key: RecoveryKey = field(repr=False)

    def title(self, language: str) -> str:
        return translate("vault_sheet.title", language)

    def header_lines(self, language: str) -> list[str]:
        return [
            translate("sheet.account", language, email=self.email),
            translate("sheet.created", language, date=self.made_on.isoformat()),
            translate("vault_sheet.vault", language, vault=self.vault_id[:8]),
        ]

    def intro(self, language: str) -> str:
        return translate("vault_sheet.intro", language)

    def numbered_codes(self) -> list[str]:
        return [self.recovery_key.formatted()]

    def rules(self, language: str) -> list[str]:
        keys = ("vault_sheet.rule_safe", "vault_sheet.rule_replace", "vault_sheet.rule_helpdesk")
        return [translate(key, language) for key in keys]


@dataclass(frozen=True, kw_only=True)
class EntrySheet:
    """One vault entry's codes on paper, used ones marked with the day they were used."""

    email: str
    printed_on: date
    entry: VaultEntry = field(repr=False)

    def title(self, language: str) -> str:
        return translate("entry_sheet.title", language, service=self.entry.content.service)

    def header_lines(self, language: str) -> list[str]:
        lines = [translate("sheet.account", language, email=self.email)]
        if self.entry.content.account:
            lines.append(
                translate("entry_sheet.account", language, account=self.entry.content.account)
            )
        lines.append(translate("entry_sheet.printed", language, date=self.printed_on.isoformat()))
        return lines

    def intro(self, language: str) -> str:
        return translate(
            "entry_sheet.intro", language, left=self.entry.left, total=len(self.entry.content.codes)
        )

    def numbered_codes(self) -> list[str]:
        codes = self.entry.content.codes
        width = len(str(len(codes)))
        return [
            f"{n:>{width}}. {c.code}" + (f"  ({c.used_on.isoformat()})" if c.used_on else "")
            for n, c in enumerate(codes, start=1)
        ]

    def rules(self, language: str) -> list[str]:
        return [translate("entry_sheet.rule_used", language)]
