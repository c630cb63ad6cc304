"""Handlers for ``desktop-auth key``: the person's own security key (info, PIN, the
sign-ins stored on it; fingerprints and reset are in ``key_fingerprints`` and ``key_reset``).

Thin: the device layer (``devices.key_pin``, ``key_sign_ins``) does the work.  A PIN is read at a
hidden prompt (getpass) or, with ``--pin-stdin``, one per line from standard
input; it is handed to the key and never printed or logged.
"""

from __future__ import annotations

import argparse
import getpass
import hmac
import sys
from collections.abc import Callable, Iterable

from fido2.ctap import CtapDevice

from desktop_auth.cli import key_fingerprints, key_reset
from desktop_auth.cli.context import CliContext
from desktop_auth.core.service import KeySignIns, OwnSecurityKey, StoredSignIns
from desktop_auth.errors import (
    DesktopAuthError,
    PinNeedsTerminalError,
    PinStdinEmptyError,
    SecurityKeyOwnSignInError,
    SecurityKeyOwnSignInsUnknownError,
    SecurityKeyPinBlockedError,
    SecurityKeyPinMismatchError,
    SecurityKeyPinNotSupportedError,
    SecurityKeySignInNotFoundError,
    StoreNotFoundError,
)

#: Where the keys come from (None: USB, then NFC); a test puts a software key here.
devices: Callable[[], Iterable[CtapDevice]] | None = None


def add_commands(key: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    commands = key.add_subparsers(dest="security_key_command", metavar="COMMAND", required=True)
    commands.add_parser("info", help=t("cli.cmd.security_key_info")).set_defaults(handler=info)
    pin = commands.add_parser("pin", help=t("cli.cmd.security_key_pin"))
    pin.add_argument("--pin-stdin", action="store_true", help=t("cli.opt.pin_stdin"))
    pin.set_defaults(handler=set_or_change_pin)
    sign_ins = commands.add_parser("credentials", help=t("cli.cmd.security_key_sign_ins"))
    sign_ins.add_argument("--pin-stdin", action="store_true", help=t("cli.opt.pin_stdin"))
    sign_ins.add_argument("--delete", type=int, metavar="NUMBER", help=t("cli.opt.delete_sign_in"))
    sign_ins.add_argument("--including-ours", action="store_true", help=t("cli.opt.including_ours"))
    sign_ins.set_defaults(handler=sign_ins_on_key)
    key_fingerprints.add_command(commands, t)
    key_reset.add_command(commands, t)


def _yes_no(ctx: CliContext, value: bool) -> str:
    return ctx.t("cli.security_key.yes" if value else "cli.security_key.no")


def info(ctx: CliContext) -> int:
    details = OwnSecurityKey(devices).info()
    ctx.out("cli.security_key.model", aaguid=details.aaguid)
    ctx.out("cli.security_key.versions", versions=", ".join(details.versions))
    if not details.pin_supported:
        ctx.out("cli.security_key.pin_unsupported")
    elif details.pin_set:
        ctx.out("cli.security_key.pin_set", minimum=details.min_pin_length)
        if details.pin_retries is not None:
            ctx.out("cli.security_key.pin_retries", left=details.pin_retries)
    else:
        ctx.out("cli.security_key.pin_not_set", minimum=details.min_pin_length)
    if details.remaining_discoverable_credentials is not None:
        ctx.out("cli.security_key.free_slots", slots=details.remaining_discoverable_credentials)
    ctx.out("cli.security_key.prf", answer=_yes_no(ctx, details.supports_prf))
    ctx.out("cli.security_key.sensor", answer=_yes_no(ctx, details.fingerprint_sensor))
    if details.pin_blocked:
        ctx.error(SecurityKeyPinBlockedError.message_key)
    elif details.needs_pin_change:
        ctx.out("cli.security_key.pin_change_required")
    return 0


class PinReader:
    """PINs one per line from standard input, or typed at hidden prompts."""

    def __init__(self, ctx: CliContext) -> None:
        self._ctx = ctx
        self._from_stdin: bool = ctx.args.pin_stdin
        if not self._from_stdin and not sys.stdin.isatty():
            raise PinNeedsTerminalError()

    def current(self) -> str:
        return self._read("cli.prompt.current_pin")

    def new(self, minimum: int) -> str:
        first = self._read("cli.prompt.new_pin", minimum=minimum)
        if self._from_stdin:
            return first
        second = self._read("cli.prompt.repeat_pin")
        if not hmac.compare_digest(first.encode(), second.encode()):
            raise SecurityKeyPinMismatchError()
        return first

    def _read(self, prompt_key: str, **params: object) -> str:
        if self._from_stdin:
            line = sys.stdin.readline()
            pin = line[:-1] if line.endswith("\n") else line
            if not pin:
                raise PinStdinEmptyError()
            return pin
        return getpass.getpass(self._ctx.t(prompt_key, **params))


def set_or_change_pin(ctx: CliContext) -> int:
    key = OwnSecurityKey(devices)
    details = key.info()
    if not details.pin_supported:
        raise SecurityKeyPinNotSupportedError()
    if details.pin_blocked:
        raise SecurityKeyPinBlockedError()
    reader = PinReader(ctx)
    minimum = details.min_pin_length
    if details.pin_set:
        if details.pin_retries is not None:
            ctx.out("cli.security_key.pin_retries", left=details.pin_retries)
        old_pin = reader.current()
        new_pin = reader.new(minimum)
        key.change_pin(old_pin, new_pin)
        ctx.out("cli.security_key.pin_changed")
    else:
        new_pin = reader.new(minimum)
        key.set_pin(new_pin)
        ctx.out("cli.security_key.pin_was_set")
    return 0


def _our_site(ctx: CliContext) -> tuple[bool, str | None]:
    """Whether this workstation knows its organisation's sign-in site, and the site.

    Read from the store or the sign-in server that is already there; looking at a key never
    makes a store.  No store and no server configured: (True, None), nothing here to guard.
    A store or server that does not answer: (False, None), and nothing can be told apart.
    """
    from desktop_auth.remote.connect import open_service

    try:
        service = open_service(ctx.config, create_store=False, check_data_key=False)
    except StoreNotFoundError:
        return True, None
    except DesktopAuthError:
        return False, None
    try:
        organisation = service.organisation()
    except DesktopAuthError:
        return False, None
    finally:
        service.close()
    return True, organisation.rp_id if organisation is not None else None


def _print_sign_ins(ctx: CliContext, found: StoredSignIns) -> None:
    if not found.sign_ins:
        ctx.out("cli.security_key.no_sign_ins")
    for number, stored in enumerate(found.sign_ins, start=1):
        ctx.out(
            "cli.security_key.sign_in_line",
            number=number,
            site=stored.rp_id,
            account=stored.user_name,
            ours=ctx.t("cli.security_key.sign_in_ours") if stored.ours else "",
        )
    if found.free_slots is not None:
        ctx.out("cli.security_key.room_for", count=found.free_slots)


def sign_ins_on_key(ctx: CliContext) -> int:
    """The sign-ins on the key, numbered; ``--delete N`` deletes the N-th of that list."""
    reader = PinReader(ctx)
    known, our_rp_id = _our_site(ctx)
    key = KeySignIns(devices)
    pin = reader.current()
    found = key.list(pin, our_rp_id=our_rp_id)
    number: int | None = ctx.args.delete
    if number is None:
        _print_sign_ins(ctx, found)
        if not known:
            ctx.error("cli.security_key.ours_unknown")
        return 0
    if not 1 <= number <= len(found.sign_ins):
        raise SecurityKeySignInNotFoundError()
    chosen = found.sign_ins[number - 1]
    # The organisation's own sign-in is the employee's second step: deleted by mistake,
    # the key stops signing them in while their account still lists it (issue 17).
    if not ctx.args.including_ours:
        if chosen.ours:
            raise SecurityKeyOwnSignInError(site=chosen.rp_id)
        if not known:
            raise SecurityKeyOwnSignInsUnknownError()
    words = {"account": chosen.user_name, "site": chosen.rp_id}
    if sys.stdin.isatty():  # a person at a terminal confirms; a script said --delete
        question = "confirm_delete_ours" if chosen.ours else "confirm_delete"
        answer = input(ctx.t(f"cli.security_key.{question}", **words)).strip().casefold()
        if answer not in (ctx.t("cli.security_key.yes").casefold(), "yes"):
            ctx.out("cli.security_key.not_deleted")
            return 1
    _print_sign_ins(ctx, key.delete(pin, chosen.credential_id, our_rp_id=our_rp_id))
    ctx.out("cli.security_key.deleted", **words)
    return 0
