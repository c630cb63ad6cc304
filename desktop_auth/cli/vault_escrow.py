"""Handlers for ``desktop-auth admin vault escrow``: the organisation's vault escrow.

``init`` makes the escrow key, writes its private half as two share files (one per
administrator, each under that administrator's passphrase) and puts the public key in the
policy.  ``request`` and ``approve``: one administrator asks to open a user's vault,
another approves (the store hands the escrow slot out on nothing less).  ``open`` is the
helpdesk's last resort for a user who lost every key and the
printed sheet: both administrators type their passphrases at one workstation, the user's
vault gets a new printed key, shown once for them to hand over.  ``off`` takes the key
out of the policy.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from desktop_auth.cli.context import CliContext
from desktop_auth.cli.keys import read_key_file, write_new_private_file
from desktop_auth.errors import KeyExportExistsError


def add_commands(vault: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    commands = vault.add_subparsers(dest="vault_admin_command", metavar="COMMAND", required=True)
    escrow = commands.add_parser("escrow", help=t("cli.cmd.vault_escrow"))
    steps = escrow.add_subparsers(dest="escrow_command", metavar="COMMAND", required=True)
    init = steps.add_parser("init", help=t("cli.cmd.vault_escrow_init"))
    for name in ("share_one", "share_other"):
        init.add_argument(name, metavar="SHARE", type=Path, help=t("cli.arg.escrow_share_out"))
    init.add_argument(
        "--passphrases-stdin", action="store_true", help=t("cli.opt.passphrases_stdin")
    )
    init.set_defaults(handler=init_escrow)
    asking = steps.add_parser("request", help=t("cli.cmd.vault_escrow_request"))
    asking.add_argument("--email", required=True, help=t("cli.opt.escrow_email"))
    asking.set_defaults(handler=request_opening)
    approving = steps.add_parser("approve", help=t("cli.cmd.vault_escrow_approve"))
    approving.add_argument("request", metavar="REQUEST", help=t("cli.arg.escrow_request"))
    approving.set_defaults(handler=approve_opening)
    listing = steps.add_parser("requests", help=t("cli.cmd.vault_escrow_requests"))
    listing.set_defaults(handler=list_requests)
    opening = steps.add_parser("open", help=t("cli.cmd.vault_escrow_open"))
    opening.add_argument("--email", required=True, help=t("cli.opt.escrow_email"))
    for name in ("share_one", "share_other"):
        opening.add_argument(name, metavar="SHARE", type=Path, help=t("cli.arg.escrow_share_in"))
    opening.add_argument(
        "--passphrases-stdin", action="store_true", help=t("cli.opt.passphrases_stdin")
    )
    opening.set_defaults(handler=open_vault)
    steps.add_parser("off", help=t("cli.cmd.vault_escrow_off")).set_defaults(handler=escrow_off)


def _passphrases(ctx: CliContext, *, twice: bool) -> tuple[str, str]:
    one, other = ctx.args.share_one, ctx.args.share_other
    return (
        ctx.read_passphrase(
            from_stdin=ctx.args.passphrases_stdin,
            twice=twice,
            prompt=ctx.t("cli.prompt.share_passphrase", path=str(one)),
        ),
        ctx.read_passphrase(
            from_stdin=ctx.args.passphrases_stdin,
            twice=twice,
            prompt=ctx.t("cli.prompt.share_passphrase", path=str(other)),
        ),
    )


def init_escrow(ctx: CliContext) -> int:
    from desktop_auth.vault.escrow import make_escrow

    one, other = ctx.args.share_one, ctx.args.share_other
    for path in (one, other):
        if path.exists():
            raise KeyExportExistsError(path=str(path))
    service = ctx.service()
    actor = service.accounts.local_administrator()
    escrow = make_escrow(*_passphrases(ctx, twice=True))
    written: list[Path] = []
    try:
        for path, content in zip((one, other), escrow.shares, strict=True):
            write_new_private_file(path, content)
            written.append(path)
        change = service.policy.set_vault_escrow_key(escrow.public_key, actor=actor)
    except BaseException:
        # Nothing half-made: no lone share, no shares of a key the policy never got.
        for path in written:
            path.unlink(missing_ok=True)
        raise
    ctx.out("cli.vault_escrow.made", one=str(one), other=str(other))
    if change.slots_removed:
        ctx.out("cli.vault_escrow.replaced", count=change.slots_removed)
    # The workstations seal only to the key their own configuration names: a key put in
    # the policy by whoever controls the store or the server receives nothing.
    ctx.out("cli.vault_escrow.deploy")
    print(f'\n    vault_escrow_key = "{escrow.public_key}"\n')
    return 0


def open_vault(ctx: CliContext) -> int:
    from desktop_auth.vault.escrow import open_escrow, recover_vault

    contents = (read_key_file(ctx.args.share_one), read_key_file(ctx.args.share_other))
    service = ctx.service()
    actor = service.accounts.local_administrator()
    passphrase_one, passphrase_other = _passphrases(ctx, twice=False)
    escrow = open_escrow(contents[0], passphrase_one, contents[1], passphrase_other)
    recovery_key = recover_vault(
        service,
        escrow,
        actor=actor,
        email=ctx.args.email,
        label=ctx.t("cli.vault_escrow.slot_label"),
    )
    ctx.out("cli.vault_escrow.opened", email=ctx.args.email)
    # Shown once, on purpose, as a temporary password is: the helpdesk hands it over.
    print(f"\n    {recovery_key.formatted()}\n")
    ctx.out("cli.vault_escrow.opened_note")
    return 0


def request_opening(ctx: CliContext) -> int:
    service = ctx.service()
    asked = service.vault.request_escrow(
        actor=service.accounts.local_administrator(), email=ctx.args.email
    )
    ctx.out(
        "cli.vault_escrow.requested",
        email=asked.email,
        request=asked.request_id,
        until=asked.expires_at,
    )
    return 0


def approve_opening(ctx: CliContext) -> int:
    service = ctx.service()
    approved = service.vault.approve_escrow(
        actor=service.accounts.local_administrator(), request_id=ctx.args.request
    )
    ctx.out(
        "cli.vault_escrow.approved",
        email=approved.email,
        requested_by=approved.requested_by,
        until=approved.expires_at,
    )
    return 0


def list_requests(ctx: CliContext) -> int:
    service = ctx.service()
    found = service.vault.escrow_requests(actor=service.accounts.local_administrator())
    if not found:
        ctx.out("cli.vault_escrow.no_requests")
    for asked in found:
        key = "request_approved" if asked.approved_by else "request_waiting"
        ctx.out(
            f"cli.vault_escrow.{key}",
            request=asked.request_id,
            email=asked.email,
            requested_by=asked.requested_by,
            approved_by=asked.approved_by or "",
            until=asked.expires_at,
        )
    return 0


def escrow_off(ctx: CliContext) -> int:
    service = ctx.service()
    change = service.policy.set_vault_escrow_key("", actor=service.accounts.local_administrator())
    ctx.out("cli.vault_escrow.off", count=change.slots_removed)
    return 0
