"""Handlers for ``desktop-auth admin audit``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from desktop_auth.cli.context import CliContext


def add_commands(audit: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    commands = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    listing = commands.add_parser("list", help=t("cli.cmd.audit_list"))
    listing.add_argument("--user", metavar="EMAIL", help=t("cli.opt.audit_user"))
    listing.add_argument("--type", metavar="EVENT", help=t("cli.opt.audit_type"))
    listing.add_argument("--limit", type=int, default=50, help=t("cli.opt.limit"))
    listing.set_defaults(handler=list_events)
    commands.add_parser("verify", help=t("cli.cmd.audit_verify")).set_defaults(handler=verify)
    export = commands.add_parser("export", help=t("cli.cmd.audit_export"))
    export.add_argument("--csv", action="store_true", required=True, help=t("cli.opt.csv"))
    export.add_argument("--output", metavar="FILE", type=Path, help=t("cli.opt.output"))
    export.set_defaults(handler=export_csv)


def list_events(ctx: CliContext) -> int:
    service = ctx.service()
    subject = service.accounts.get(ctx.args.user).email if ctx.args.user else None
    entries = service.audit.events(subject=subject, event_type=ctx.args.type, limit=ctx.args.limit)
    for entry in reversed(entries):
        when = entry.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        details = json.dumps(dict(entry.details), ensure_ascii=False) if entry.details else ""
        print(
            f"{entry.id:>7}  {when}  {entry.event_type:<26} {entry.subject or '-':<30} "
            f"{entry.actor}  {entry.workstation}  {details}".rstrip()
        )
    if not entries:
        ctx.out("cli.audit.none")
    return 0


def verify(ctx: CliContext) -> int:
    result = ctx.service().audit.verify()
    if result.ok:
        ctx.out(
            "cli.audit.intact",
            events=result.events_checked,
            checkpoints=result.checkpoints_checked,
            fingerprint=result.signing_key,
        )
        return 0
    ctx.out(
        "cli.audit.broken",
        event=result.first_broken_id or 0,
        problem=ctx.t(result.problem or "audit.problem.broken_link"),
    )
    return 1


def export_csv(ctx: CliContext) -> int:
    service = ctx.service()
    actor = service.accounts.local_administrator()
    output: Path | None = ctx.args.output
    if output is None:
        service.audit.export_csv(sys.stdout, actor=actor)
        return 0
    # Write a new file of our own beside the target (O_EXCL | O_NOFOLLOW, 0600: nothing
    # planted there is followed or reused), then rename: a failed export leaves no half file.
    fd, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".partial")
    partial = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            count = service.audit.export_csv(stream, actor=actor)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    ctx.out("cli.audit.exported", events=count, path=str(output))
    return 0
