"""Handlers for ``desktop-auth vault``: the employee's recovery-code vault, for scripts.

Each command signs in (password, then the second factor) and opens the vault with a
touch of a security key that has a slot, or with the printed vault recovery key read
from standard input (``--recovery-key-stdin``).  The vault is made in the window, where
its recovery key can be printed.  Codes are printed only where asked for: ``use`` prints
the next unused code of one service and marks it used; ``show`` prints one entry.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_auth.cli.admin import sign_in_here
from desktop_auth.cli.context import CliContext
from desktop_auth.cli.keys import read_key_file
from desktop_auth.errors import (
    ImportUnreadableError,
    VaultEntryNotFoundError,
    VaultNoCodeLeftError,
    VaultNotFoundError,
    VaultRecoveryKeyMalformedError,
)
from desktop_auth.vault.codes import split_codes
from desktop_auth.vault.entries import EntryContent, StoredCode

if TYPE_CHECKING:
    # The core loads only when a vault command runs: `desktop-auth` itself opens the
    # window, which must not wait for it.
    from desktop_auth.vault.client import OpenVault, VaultClient
    from desktop_auth.vault.entries import VaultEntry


def add_commands(vault: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    vault.add_argument("--email", required=True, help=t("cli.opt.vault_email"))
    vault.add_argument("--password-stdin", action="store_true", help=t("cli.opt.password_stdin"))
    vault.add_argument(
        "--recovery-key-stdin", action="store_true", help=t("cli.opt.vault_recovery_key_stdin")
    )
    commands = vault.add_subparsers(dest="vault_command", metavar="COMMAND", required=True)
    commands.add_parser("status", help=t("cli.cmd.vault_status")).set_defaults(handler=status)
    commands.add_parser("list", help=t("cli.cmd.vault_list")).set_defaults(handler=listing)
    show = commands.add_parser("show", help=t("cli.cmd.vault_show"))
    show.add_argument("service", help=t("cli.arg.vault_service"))
    show.set_defaults(handler=show_entry)
    use = commands.add_parser("use", help=t("cli.cmd.vault_use"))
    use.add_argument("service", help=t("cli.arg.vault_service"))
    use.set_defaults(handler=use_code)
    add = commands.add_parser("add", help=t("cli.cmd.vault_add"))
    add.add_argument("service", help=t("cli.arg.vault_service"))
    add.add_argument("--account", default="", help=t("cli.opt.vault_account"))
    # A file, not the note itself: a command line is readable by every user of the machine
    # (ps, /proc) and kept in shell histories; standard input carries the codes.
    add.add_argument("--notes-file", type=Path, help=t("cli.opt.vault_notes_file"))
    add.set_defaults(handler=add_entry)


def _client(ctx: CliContext) -> VaultClient:
    from desktop_auth.vault.client import VaultClient

    service = ctx.service()
    args = ctx.args
    # The password and the recovery key may both come on standard input, in that order.
    session = sign_in_here(ctx, service, args.email, password_stdin=args.password_stdin)
    return VaultClient(service, session, trusted_escrow_key=ctx.config.vault_escrow_key)


def _open(ctx: CliContext, client: VaultClient) -> OpenVault:
    if ctx.args.recovery_key_stdin:
        line = sys.stdin.readline().strip()
        if not line:
            raise VaultRecoveryKeyMalformedError()
        return client.open_with_recovery_key(line)
    ctx.out("cli.login.touch")
    return client.open_with_key()


def status(ctx: CliContext) -> int:
    """Whether there is a vault, its ways in and how many entries; nothing is opened."""
    client = _client(ctx)
    summary = client.summary()
    if summary.escrow_untrusted:
        ctx.error("cli.vault.escrow_untrusted")
    if not summary.exists:
        ctx.out("cli.vault.none")
        return 0
    for slot in summary.slots:
        ctx.out(f"cli.vault.slot_{slot.kind.value}", label=slot.label)
    ctx.out("cli.vault.entries", count=summary.entry_count)
    if not summary.accepts_entries:
        ctx.out("cli.vault.needs_key")
    if summary.escrow_opened_at is not None:
        day = summary.escrow_opened_at.astimezone().date().isoformat()
        ctx.error("cli.vault.escrow_opened", day=day)
    if summary.slot_removed_at is not None:
        day = summary.slot_removed_at.astimezone().date().isoformat()
        ctx.error("cli.vault.slot_removed", day=day)
    own = client.own_recovery_codes()
    ctx.out("cli.vault.own_codes", left=own.left, total=own.total)
    return 0


def listing(ctx: CliContext) -> int:
    """One line per entry: service, account, unused codes of all (never a code)."""
    vault = _open(ctx, _client(ctx))
    for entry in sorted(vault.entries(), key=lambda e: e.content.service.casefold()):
        account = f" ({entry.content.account})" if entry.content.account else ""
        ctx.out(
            "cli.vault.line",
            service=entry.content.service + account,
            left=entry.left,
            total=len(entry.content.codes),
        )
    return 0


def _find(vault: OpenVault, service: str) -> VaultEntry:
    wanted = service.strip().casefold()
    for entry in vault.entries():
        if entry.content.service.casefold() == wanted:
            return entry
    raise VaultEntryNotFoundError()


def show_entry(ctx: CliContext) -> int:
    entry = _find(_open(ctx, _client(ctx)), ctx.args.service)
    for number, stored in enumerate(entry.content.codes, start=1):
        used = ctx.t("cli.vault.used_on", day=stored.used_on.isoformat()) if stored.used_on else ""
        print(f"{number:>3}. {stored.code}{used}")
    return 0


def use_code(ctx: CliContext) -> int:
    """The next unused code on standard output, marked used in the same step."""
    vault = _open(ctx, _client(ctx))
    entry = _find(vault, ctx.args.service)
    index = next((i for i, c in enumerate(entry.content.codes) if c.used_on is None), None)
    if index is None:
        raise VaultNoCodeLeftError()
    changed = vault.mark_used(entry, index, on=date.today())
    print(entry.content.codes[index].code)
    if changed.running_low or changed.used_up:
        ctx.error("cli.vault.running_low", left=changed.left)
    return 0


def _notes(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return read_key_file(path).decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ImportUnreadableError(path=str(path)) from None


def add_entry(ctx: CliContext) -> int:
    """A new entry; its codes come on standard input, in any layout the services print."""
    args = ctx.args
    client = _client(ctx)
    if not client.summary().exists:
        raise VaultNotFoundError()
    vault = _open(ctx, client)
    codes = split_codes(sys.stdin.read())
    entry = vault.add(
        EntryContent(
            service=args.service,
            account=args.account,
            codes=tuple(StoredCode(code=code) for code in codes),
            notes=_notes(args.notes_file),
        )
    )
    ctx.out("cli.vault.added", service=entry.content.service, count=len(entry.content.codes))
    return 0
