"""Handlers for ``desktop-auth key``: the person's own security key (info, PIN).

Thin: the device layer (``devices.key_pin``) does the work.  A PIN is read at a
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

from desktop_auth.cli.context import CliContext
from desktop_auth.core.service import OwnSecurityKey
from desktop_auth.errors import (
    PinNeedsTerminalError,
    PinStdinEmptyError,
    SecurityKeyPinBlockedError,
    SecurityKeyPinMismatchError,
    SecurityKeyPinNotSupportedError,
)

#: Where the keys come from (None: USB, then NFC); a test puts a software key here.
devices: Callable[[], Iterable[CtapDevice]] | None = None


def add_commands(key: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    commands = key.add_subparsers(dest="security_key_command", metavar="COMMAND", required=True)
    commands.add_parser("info", help=t("cli.cmd.security_key_info")).set_defaults(handler=info)
    pin = commands.add_parser("pin", help=t("cli.cmd.security_key_pin"))
    pin.add_argument("--pin-stdin", action="store_true", help=t("cli.opt.pin_stdin"))
    pin.set_defaults(handler=set_or_change_pin)


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
    if details.pin_blocked:
        ctx.error(SecurityKeyPinBlockedError.message_key)
    elif details.needs_pin_change:
        ctx.out("cli.security_key.pin_change_required")
    return 0


class _PinReader:
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
    reader = _PinReader(ctx)
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
