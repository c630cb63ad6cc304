"""``desktop-auth key reset``: erase the person's own security key, asked twice.

A reset cannot be undone and takes every sign-in on the key, for other sites too, so it
is only for a person at a terminal: the warning, the word to type, then unplugging and
replugging the key (which allows a reset only in its first seconds) and a touch.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from desktop_auth.cli.context import CliContext
from desktop_auth.core.service import OwnSecurityKey
from desktop_auth.errors import SecurityKeyResetNeedsTerminalError


def add_command(commands: Any, t: Callable[[str], str]) -> None:
    reset: argparse.ArgumentParser = commands.add_parser(
        "reset", help=t("cli.cmd.security_key_reset")
    )
    reset.set_defaults(handler=reset_own_key)


def reset_own_key(ctx: CliContext) -> int:
    from desktop_auth.cli import security_key

    if not sys.stdin.isatty():
        raise SecurityKeyResetNeedsTerminalError()
    ctx.out("cli.security_key.reset_warning")
    word = ctx.t("cli.security_key.reset_word")
    answer = input(ctx.t("cli.security_key.reset_confirm", word=word)).strip().casefold()
    if answer != word.casefold():
        ctx.out("cli.security_key.not_reset")
        return 1
    input(ctx.t("cli.security_key.reset_replug"))
    OwnSecurityKey(security_key.devices).reset(
        on_touch=lambda: ctx.out("cli.security_key.reset_touch")
    )
    ctx.out("cli.security_key.reset_done")
    return 0
