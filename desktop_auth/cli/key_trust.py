"""Handlers for ``desktop-auth admin keys``: what security keys' attestations are checked
against (SECURITY.md A1): the FIDO Metadata Service BLOB and the organisation's own roots."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

from desktop_auth.cli.context import CliContext
from desktop_auth.core.service import KeyTrust
from desktop_auth.errors import KeyFileUnreadableError


def add_commands(keys: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    commands = keys.add_subparsers(dest="keys_command", metavar="COMMAND", required=True)

    metadata = commands.add_parser("metadata", help=t("cli.cmd.keys_metadata"))
    metadata_commands = metadata.add_subparsers(
        dest="metadata_command", metavar="COMMAND", required=True
    )
    load = metadata_commands.add_parser("import", help=t("cli.cmd.keys_metadata_import"))
    load.add_argument("file", metavar="FILE", type=Path, help=t("cli.arg.metadata_file"))
    load.set_defaults(handler=import_metadata)
    metadata_commands.add_parser("show", help=t("cli.cmd.keys_metadata_show")).set_defaults(
        handler=show
    )

    roots = commands.add_parser("roots", help=t("cli.cmd.keys_roots"))
    roots_commands = roots.add_subparsers(dest="roots_command", metavar="COMMAND", required=True)
    setting = roots_commands.add_parser("set", help=t("cli.cmd.keys_roots_set"))
    setting.add_argument("file", metavar="FILE", type=Path, help=t("cli.arg.roots_file"))
    setting.set_defaults(handler=set_roots)
    roots_commands.add_parser("clear", help=t("cli.cmd.keys_roots_clear")).set_defaults(
        handler=clear_roots
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyFileUnreadableError(path=str(path)) from exc


def _print(ctx: CliContext, trust: KeyTrust) -> None:
    if trust.metadata_number is None or trust.metadata_next_update is None:
        ctx.out("cli.keys.metadata_none")
    else:
        ctx.out(
            "cli.keys.metadata",
            number=trust.metadata_number,
            entries=trust.metadata_entries,
            imported=trust.metadata_imported_at.date().isoformat()
            if trust.metadata_imported_at
            else "-",
            next_update=trust.metadata_next_update.isoformat(),
        )
        if trust.metadata_next_update < date.today():
            # Models revoked since are not known here: the administrator should fetch anew.
            ctx.out("cli.keys.metadata_overdue")
    if not trust.roots:
        ctx.out("cli.keys.roots_none")
    for name in trust.roots:
        ctx.out("cli.keys.root", name=name)


def import_metadata(ctx: CliContext) -> int:
    content = _read(ctx.args.file)
    service = ctx.service()
    trust = service.policy.import_key_metadata(
        content, actor=service.accounts.local_administrator()
    )
    ctx.out("cli.keys.metadata_imported")
    _print(ctx, trust)
    return 0


def show(ctx: CliContext) -> int:
    service = ctx.service()
    _print(ctx, service.policy.key_trust(actor=service.accounts.local_administrator()))
    return 0


def set_roots(ctx: CliContext) -> int:
    content = _read(ctx.args.file)
    service = ctx.service()
    try:
        pem = content.decode("ascii")
    except UnicodeDecodeError:
        pem = "not PEM"  # refused by the core, in its words
    trust = service.policy.set_attestation_roots(
        pem or "not PEM", actor=service.accounts.local_administrator()
    )
    _print(ctx, trust)
    return 0


def clear_roots(ctx: CliContext) -> int:
    service = ctx.service()
    trust = service.policy.set_attestation_roots("", actor=service.accounts.local_administrator())
    _print(ctx, trust)
    return 0
