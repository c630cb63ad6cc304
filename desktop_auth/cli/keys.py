"""Handlers for ``desktop-auth admin key``: bring the data key to another workstation."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from desktop_auth.cli.context import CliContext
from desktop_auth.errors import KeyExportExistsError, KeyFileUnreadableError, KeyFileUnwritableError


def add_commands(key: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    commands = key.add_subparsers(dest="key_command", metavar="COMMAND", required=True)
    export = commands.add_parser("export", help=t("cli.cmd.key_export"))
    export.add_argument("file", metavar="FILE", type=Path, help=t("cli.arg.key_file_out"))
    export.add_argument(
        "--passphrase-stdin", action="store_true", help=t("cli.opt.passphrase_stdin")
    )
    export.set_defaults(handler=export_key)
    load = commands.add_parser("import", help=t("cli.cmd.key_import"))
    load.add_argument("file", metavar="FILE", type=Path, help=t("cli.arg.key_file_in"))
    load.add_argument("--passphrase-stdin", action="store_true", help=t("cli.opt.passphrase_stdin"))
    load.set_defaults(handler=import_key)


def write_new_private_file(path: Path, content: bytes) -> None:
    """A key file: only its owner may read it, and an existing file is never overwritten
    (the data key's export, an administrator's escrow key)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise KeyExportExistsError(path=str(path)) from exc
    except OSError as exc:
        raise KeyFileUnwritableError(path=str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        path.unlink(missing_ok=True)  # no half-written key file left behind
        raise KeyFileUnwritableError(path=str(path)) from exc


def fill_private_file(path: Path, content: bytes) -> None:
    """Write a file ``write_new_private_file`` made (empty) a moment before: it keeps its
    0600, and a failed write leaves nothing behind."""
    try:
        with path.open("r+b") as fh:
            fh.write(content)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise KeyFileUnwritableError(path=str(path)) from exc


def export_key(ctx: CliContext) -> int:
    path: Path = ctx.args.file
    if path.exists():
        raise KeyExportExistsError(path=str(path))
    service = ctx.service()
    passphrase = ctx.read_passphrase(from_stdin=ctx.args.passphrase_stdin, twice=True)
    content = service.operations.export_data_key(
        passphrase, actor=service.accounts.local_administrator()
    )
    write_new_private_file(path, content)
    ctx.out("cli.key.exported", path=str(path))
    return 0


def read_key_file(path: Path) -> bytes:
    """A key file's content (the data key's export, an escrow key, a half-opened slot),
    or one clear line."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyFileUnreadableError(path=str(path)) from exc


def import_key(ctx: CliContext) -> int:
    path: Path = ctx.args.file
    content = read_key_file(path)
    # The check would refuse exactly the workstation this command is meant to repair.
    service = ctx.service(check_data_key=False)
    passphrase = ctx.read_passphrase(from_stdin=ctx.args.passphrase_stdin, twice=False)
    fingerprint = service.operations.import_data_key(
        content, passphrase, actor=service.accounts.local_administrator()
    )
    ctx.out("cli.key.imported", fingerprint=fingerprint[:16])
    return 0
