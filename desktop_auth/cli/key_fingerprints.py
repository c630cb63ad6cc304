"""``desktop-auth key fingerprints``: the fingerprints on a key with a sensor.

Listed by number; ``--add NAME`` enrolls a finger touch by touch, saying after each how
many are left and what to do about a poor one; ``--rename N NAME`` and ``--remove N``
act on the N-th of the list.  The PIN is read as for ``key pin``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from desktop_auth.cli.context import CliContext
from desktop_auth.core.service import Fingerprint, KeyFingerprints, Sample
from desktop_auth.errors import SecurityKeyFingerprintNotFoundError


def add_command(commands: Any, t: Callable[[str], str]) -> None:
    fingerprints: argparse.ArgumentParser = commands.add_parser(
        "fingerprints", help=t("cli.cmd.security_key_fingerprints")
    )
    fingerprints.add_argument("--pin-stdin", action="store_true", help=t("cli.opt.pin_stdin"))
    action = fingerprints.add_mutually_exclusive_group()
    action.add_argument("--add", metavar="NAME", help=t("cli.opt.add_fingerprint"))
    action.add_argument(
        "--rename", nargs=2, metavar=("NUMBER", "NAME"), help=t("cli.opt.rename_fingerprint")
    )
    action.add_argument(
        "--remove", type=int, metavar="NUMBER", help=t("cli.opt.remove_fingerprint")
    )
    fingerprints.set_defaults(handler=fingerprints_on_key)


def _print(ctx: CliContext, found: tuple[Fingerprint, ...]) -> None:
    if not found:
        ctx.out("cli.security_key.no_fingerprints")
    for number, fingerprint in enumerate(found, start=1):
        name = fingerprint.name or ctx.t("cli.security_key.fingerprint_unnamed")
        ctx.out("cli.security_key.fingerprint_line", number=number, name=name)


def _numbered(found: tuple[Fingerprint, ...], number: str | int) -> Fingerprint:
    try:
        index = int(number)
    except ValueError as error:
        raise SecurityKeyFingerprintNotFoundError() from error
    if not 1 <= index <= len(found):
        raise SecurityKeyFingerprintNotFoundError()
    return found[index - 1]


def fingerprints_on_key(ctx: CliContext) -> int:
    from desktop_auth.cli import security_key

    reader = security_key.PinReader(ctx)
    key = KeyFingerprints(security_key.devices)
    pin = reader.current()
    args = ctx.args
    if args.add is not None:
        ctx.out("cli.security_key.touch_sensor")

        def progress(sample: Sample) -> None:
            if sample.feedback is not None:
                why = ctx.t(sample.message_key)
                ctx.out("cli.security_key.sample_poor", why=why)
            elif sample.remaining:
                ctx.out("cli.security_key.sample_good", remaining=sample.remaining)

        found = key.enroll(pin, args.add, on_sample=progress)
        ctx.out("cli.security_key.fingerprint_added", name=args.add.strip())
    elif args.rename is not None:
        number, name = args.rename
        chosen = _numbered(key.list(pin), number)
        found = key.rename(pin, chosen.template_id, name)
        ctx.out("cli.security_key.fingerprint_renamed", name=name.strip())
    elif args.remove is not None:
        chosen = _numbered(key.list(pin), args.remove)
        found = key.remove(pin, chosen.template_id)
        removed = chosen.name or ctx.t("cli.security_key.fingerprint_unnamed")
        ctx.out("cli.security_key.fingerprint_removed", name=removed)
    else:
        found = key.list(pin)
    _print(ctx, found)
    return 0
