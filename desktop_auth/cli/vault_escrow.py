"""Handlers for ``desktop-auth admin vault escrow``: the organisation's vault escrow.

Two administrators, each with a key of their own: ``keygen`` makes one administrator's
key on that administrator's own workstation (the file under their passphrase, the public
key printed).  ``init`` puts the two public keys in the policy, on the store's host.
``request`` and ``approve``: one administrator asks to open a user's vault, the other
approves (the store hands the escrow slot out on nothing less).  Then the helpdesk's last
resort for a user who lost every key and the printed sheet takes both, each at their own
workstation: ``open`` with the first administrator's key opens the outer layer and writes
what remains, sealed to the second's key, to a file; ``finish`` with the second's key opens
the vault key from it and gives the vault a new printed key, shown once for them to hand
over.  ``off`` takes the escrow out of the policy.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_auth.cli.context import CliContext
from desktop_auth.cli.keys import fill_private_file, read_key_file, write_new_private_file
from desktop_auth.errors import KeyExportExistsError

if TYPE_CHECKING:  # loaded only by the commands that use it: cryptography is slow to load
    from desktop_auth.vault.escrow import AdministratorKey


def add_commands(vault: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    commands = vault.add_subparsers(dest="vault_admin_command", metavar="COMMAND", required=True)
    escrow = commands.add_parser("escrow", help=t("cli.cmd.vault_escrow"))
    steps = escrow.add_subparsers(dest="escrow_command", metavar="COMMAND", required=True)
    keygen = steps.add_parser("keygen", help=t("cli.cmd.vault_escrow_keygen"))
    keygen.add_argument("key_file", metavar="KEY_FILE", type=Path, help=t("cli.arg.escrow_key_out"))
    _passphrase_option(keygen, t)
    keygen.set_defaults(handler=make_key)
    init = steps.add_parser("init", help=t("cli.cmd.vault_escrow_init"))
    for name in ("first", "second"):
        init.add_argument(name, metavar="PUBLIC_KEY", help=t(f"cli.arg.escrow_public_{name}"))
    init.set_defaults(handler=init_escrow)
    asking = steps.add_parser("request", help=t("cli.cmd.vault_escrow_request"))
    asking.add_argument("--email", required=True, help=t("cli.opt.escrow_email"))
    asking.set_defaults(handler=request_opening)
    approving = steps.add_parser("approve", help=t("cli.cmd.vault_escrow_approve"))
    approving.add_argument("request", metavar="REQUEST", help=t("cli.arg.escrow_request"))
    approving.set_defaults(handler=approve_opening)
    cancelling = steps.add_parser("cancel", help=t("cli.cmd.vault_escrow_cancel"))
    cancelling.add_argument("request", metavar="REQUEST", help=t("cli.arg.escrow_request"))
    cancelling.set_defaults(handler=cancel_opening)
    listing = steps.add_parser("requests", help=t("cli.cmd.vault_escrow_requests"))
    listing.set_defaults(handler=list_requests)
    opening = steps.add_parser("open", help=t("cli.cmd.vault_escrow_open"))
    opening.add_argument("--email", required=True, help=t("cli.opt.escrow_email"))
    opening.add_argument("key_file", metavar="KEY_FILE", type=Path, help=t("cli.arg.escrow_key_in"))
    opening.add_argument(
        "half_file", metavar="HALF_FILE", type=Path, help=t("cli.arg.escrow_half_out")
    )
    _passphrase_option(opening, t)
    opening.set_defaults(handler=open_first_layer)
    finishing = steps.add_parser("finish", help=t("cli.cmd.vault_escrow_finish"))
    finishing.add_argument(
        "half_file", metavar="HALF_FILE", type=Path, help=t("cli.arg.escrow_half_in")
    )
    finishing.add_argument(
        "key_file", metavar="KEY_FILE", type=Path, help=t("cli.arg.escrow_key_in")
    )
    _passphrase_option(finishing, t)
    finishing.set_defaults(handler=finish_opening)
    steps.add_parser("off", help=t("cli.cmd.vault_escrow_off")).set_defaults(handler=escrow_off)


def _passphrase_option(command: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    command.add_argument(
        "--passphrase-stdin", action="store_true", help=t("cli.opt.passphrase_stdin")
    )


def make_key(ctx: CliContext) -> int:
    """On the administrator's own workstation: no store is opened."""
    from desktop_auth.vault.escrow import make_administrator_key

    path: Path = ctx.args.key_file
    if path.exists():
        raise KeyExportExistsError(path=str(path))
    made = make_administrator_key(
        ctx.read_passphrase(from_stdin=ctx.args.passphrase_stdin, twice=True)
    )
    write_new_private_file(path, made.sealed)
    ctx.out("cli.vault_escrow.key_made", path=str(path))
    print(f"\n    {made.public_key}\n")
    return 0


def init_escrow(ctx: CliContext) -> int:
    from desktop_auth.vault.escrow import escrow_key

    service = ctx.service()
    key = escrow_key(ctx.args.first, ctx.args.second)
    change = service.policy.set_vault_escrow_key(key, actor=service.accounts.local_administrator())
    ctx.out("cli.vault_escrow.made")
    if change.slots_removed:
        ctx.out("cli.vault_escrow.replaced", count=change.slots_removed)
    # The workstations seal only to the key their own configuration names: a key put in
    # the policy by whoever controls the store or the server receives nothing.
    ctx.out("cli.vault_escrow.deploy")
    print(f'\n    vault_escrow_key = "{change.policy.vault_escrow_key}"\n')
    return 0


def _administrator_key(ctx: CliContext) -> AdministratorKey:
    from desktop_auth.vault.escrow import open_administrator_key

    content = read_key_file(ctx.args.key_file)
    passphrase = ctx.read_passphrase(
        from_stdin=ctx.args.passphrase_stdin,
        twice=False,
        prompt=ctx.t("cli.prompt.escrow_key_passphrase", path=str(ctx.args.key_file)),
    )
    return open_administrator_key(content, passphrase)


def open_first_layer(ctx: CliContext) -> int:
    from desktop_auth.vault import escrow

    half_file: Path = ctx.args.half_file
    key = _administrator_key(ctx)
    # Made (new, 0600) before the slot is taken: a used approval is not given back, so a
    # file that cannot be written must fail first.
    write_new_private_file(half_file, b"")
    try:
        service = ctx.service()
        half = escrow.open_first_layer(
            service, key, actor=service.accounts.local_administrator(), email=ctx.args.email
        )
        fill_private_file(half_file, half.to_file())
    except BaseException:
        half_file.unlink(missing_ok=True)
        raise
    ctx.out("cli.vault_escrow.half_opened", email=half.email, path=str(half_file))
    return 0


def finish_opening(ctx: CliContext) -> int:
    from desktop_auth.vault import escrow

    half = escrow.HalfOpened.from_file(read_key_file(ctx.args.half_file))
    key = _administrator_key(ctx)
    service = ctx.service()
    recovery_key = escrow.finish_opening(
        service,
        key,
        half,
        actor=service.accounts.local_administrator(),
        label=ctx.t("cli.vault_escrow.slot_label"),
    )
    ctx.out("cli.vault_escrow.opened", email=half.email)
    # Shown once, on purpose, as a temporary password is: the helpdesk hands it over.
    print(f"\n    {recovery_key.formatted()}\n")
    ctx.out("cli.vault_escrow.opened_note")
    # With the second key it would open the vault key again, until the owner re-keys.
    ctx.args.half_file.unlink(missing_ok=True)
    ctx.out("cli.vault_escrow.half_removed", path=str(ctx.args.half_file))
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


def cancel_opening(ctx: CliContext) -> int:
    service = ctx.service()
    withdrawn = service.vault.cancel_escrow(
        actor=service.accounts.local_administrator(), request_id=ctx.args.request
    )
    ctx.out("cli.vault_escrow.cancelled", request=withdrawn.request_id, email=withdrawn.email)
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
