"""`admin rollout …` and `admin policy …`: the organisation's 2FA rollout from the shell."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from desktop_auth.cli.context import CliContext
from desktop_auth.core.service import POLICY_LIMITS
from desktop_auth.errors import (
    ImportUnreadableError,
    PolicyChangeFormatError,
    PolicyValueOutOfRangeError,
    PolicyWrongTypeError,
)
from desktop_auth.vocabulary import ENROLLABLE_KINDS, FactorKind


class Translate(Protocol):
    def __call__(self, key: str, **params: object) -> str: ...


def _day_or_none(text: str) -> date | None:
    return None if text.lower() in ("none", "-") else date.fromisoformat(text)


def add_commands(admin_commands: argparse._SubParsersAction, t: Translate) -> None:  # type: ignore[type-arg]
    rollout = admin_commands.add_parser("rollout", help=t("cli.cmd.rollout"))
    commands = rollout.add_subparsers(dest="rollout_command", metavar="COMMAND", required=True)

    exempt = commands.add_parser("exempt", help=t("cli.cmd.rollout_exempt"))
    exempt.add_argument("email", help=t("cli.arg.email"))
    exempt.add_argument("--off", action="store_true", help=t("cli.opt.exempt_off"))
    exempt.set_defaults(handler=rollout_exempt)

    deadline = commands.add_parser("deadline", help=t("cli.cmd.rollout_deadline"))
    deadline.add_argument("email", help=t("cli.arg.email"))
    deadline.add_argument("until", type=_day_or_none, help=t("cli.arg.until"))
    deadline.set_defaults(handler=rollout_deadline)

    retire = commands.add_parser("retire", help=t("cli.cmd.rollout_retire"))
    retire.add_argument("kind", choices=ENROLLABLE_KINDS, help=t("cli.arg.kind"))
    retire.add_argument("--before", type=date.fromisoformat, help=t("cli.opt.before"))
    retire.set_defaults(handler=rollout_retire)

    importing = commands.add_parser("import", help=t("cli.cmd.rollout_import"))
    importing.add_argument("file", type=Path, help=t("cli.arg.csv_file"))
    importing.add_argument("--passwords-file", type=Path, help=t("cli.opt.passwords_file"))
    importing.set_defaults(handler=rollout_import)

    report = admin_commands.add_parser("report", help=t("cli.cmd.report"))
    report.add_argument("--limit", type=int, default=50, help=t("cli.opt.limit"))
    report.set_defaults(handler=enrollment)

    policy = admin_commands.add_parser("policy", help=t("cli.cmd.policy"))
    policy_commands = policy.add_subparsers(dest="policy_command", metavar="COMMAND", required=True)
    policy_commands.add_parser("show", help=t("cli.cmd.policy_show")).set_defaults(
        handler=policy_show
    )
    setting = policy_commands.add_parser(
        "set",
        help=t("cli.cmd.policy_set"),
        epilog=_policy_limits_help(t),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    setting.add_argument("changes", nargs="+", metavar="KEY=VALUE", help=t("cli.arg.policy_change"))
    setting.set_defaults(handler=policy_set)


def _limit_text(t: Translate, setting: str) -> str:
    limit = POLICY_LIMITS[setting]
    return t(limit.message, minimum=limit.minimum, maximum=limit.maximum)


def _policy_limits_help(t: Translate) -> str:
    """Every whole-number setting with its range, from the table the policy checks."""
    width = max(map(len, POLICY_LIMITS))
    lines = [t("cli.policy.limits")]
    lines += [f"  {key:<{width}}  {_limit_text(t, key)}" for key in POLICY_LIMITS]
    return "\n".join(lines)


def rollout_exempt(ctx: CliContext) -> int:
    service = ctx.service()
    user = service.rollout.set_exemption(
        actor=service.accounts.local_administrator(), email=ctx.args.email, exempt=not ctx.args.off
    )
    ctx.out(
        "cli.rollout.exempt" if user.second_factor_exempt else "cli.rollout.not_exempt",
        email=user.email,
    )
    return 0


def rollout_deadline(ctx: CliContext) -> int:
    service = ctx.service()
    user = service.rollout.set_deadline(
        actor=service.accounts.local_administrator(), email=ctx.args.email, until=ctx.args.until
    )
    if user.setup_deadline is None:
        ctx.out("cli.rollout.deadline_cleared", email=user.email)
    else:
        ctx.out("cli.rollout.deadline", email=user.email, until=user.setup_deadline.isoformat())
    return 0


def rollout_retire(ctx: CliContext) -> int:
    service = ctx.service()
    before = ctx.args.before
    report = service.rollout.retire(
        actor=service.accounts.local_administrator(),
        kind=FactorKind(ctx.args.kind),
        enrolled_before=datetime.combine(before, datetime.min.time()).astimezone()
        if before
        else None,
    )
    ctx.out("cli.rollout.retired", methods=report.methods_removed, users=report.users_affected)
    return 0


def rollout_import(ctx: CliContext) -> int:
    try:
        text = ctx.args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportUnreadableError(path=str(ctx.args.file)) from exc
    service = ctx.service()
    report = service.rollout.import_users(
        actor=service.accounts.local_administrator(), csv_text=text, language=ctx.language
    )
    if not report.ok:
        for row in report.rows:
            if row.problem is not None:
                reason = ctx.t(row.problem, **row.params)
                ctx.error("cli.rollout.import_row", line=row.line, email=row.email, reason=reason)
        ctx.error("cli.rollout.import_nothing")
        return 1
    if ctx.args.passwords_file is not None:
        buffer = io.StringIO()
        report.write_passwords_csv(buffer)
        fd = os.open(ctx.args.passwords_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        ctx.out(
            "cli.rollout.imported_to_file",
            users=len(report.created),
            path=str(ctx.args.passwords_file),
        )
        return 0
    ctx.out("cli.rollout.imported", users=len(report.created))
    # Shown once, on purpose, to the admin who hands them over.
    for issued in report.created:
        print(f"    {issued.user.email}  {issued.temporary_password}")
    return 0


def enrollment(ctx: CliContext) -> int:
    service = ctx.service()
    report = service.rollout.report(
        actor=service.accounts.local_administrator(), limit=ctx.args.limit
    )
    ctx.out(
        "cli.report.enrolled",
        enrolled=report.enrolled,
        users=report.active_users,
        percent=round(100 * report.share_enrolled),
    )
    ctx.out(
        "cli.report.by_kind",
        keys=report.by_kind[FactorKind.WEBAUTHN],
        apps=report.by_kind[FactorKind.TOTP],
        exempt=report.exempt,
    )
    if report.enforcement_date is not None:
        ctx.out("cli.report.deadline", date=report.enforcement_date.isoformat())
    ctx.out("cli.report.failures", failures=report.recent_failures)
    for key, rows in (
        ("cli.report.not_enrolled", report.not_enrolled),
        ("cli.report.locked", report.locked),
        ("cli.report.cloned", [f"{k.email} ({k.nickname})" for k in report.possibly_cloned]),
    ):
        if rows:
            ctx.out(key, count=len(rows))
            for row in rows:
                print(f"    {row}")
    return 0


def policy_show(ctx: CliContext) -> int:
    print(json.dumps(ctx.service().policy.current().to_dict(), indent=2, sort_keys=True))
    return 0


def _policy_value(text: str, current: dict[str, object], key: str) -> object:
    """JSON where it is JSON; a comma-separated list for a list setting
    (``allowed_methods=security_key,authenticator_app``); else the bare word, e.g. a date."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    section, _, name = key.rpartition(".")
    table = current.get(section) if section else current
    if isinstance(table, dict) and isinstance(table.get(name), list | tuple):
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def policy_set(ctx: CliContext) -> int:
    service = ctx.service()
    current = service.policy.current().to_dict()
    changes: dict[str, object] = {}
    for change in ctx.args.changes:
        key, separator, value = change.partition("=")
        if not separator or not key:
            raise PolicyChangeFormatError(change=change)
        changes[key.strip()] = _policy_value(value, current, key.strip())
    try:
        service.policy.update(actor=service.accounts.local_administrator(), changes=changes)
    except (PolicyValueOutOfRangeError, PolicyWrongTypeError) as refused:
        setting = str(refused.params.get("setting", ""))
        if setting not in POLICY_LIMITS:
            raise
        # The error, then what the setting does and its range in words.
        ctx.error(refused.message_key, **refused.params)
        print(f"  {_limit_text(ctx.t, setting)}", file=sys.stderr)
        return 1
    ctx.out("cli.policy.saved")
    return policy_show(ctx)


def add_mail_commands(admin_commands: argparse._SubParsersAction, t: Callable[[str], str]) -> None:  # type: ignore[type-arg]
    mail = admin_commands.add_parser("mail", help=t("cli.cmd.mail"))
    commands = mail.add_subparsers(dest="mail_command", metavar="COMMAND", required=True)
    commands.add_parser("queue", help=t("cli.cmd.mail_queue")).set_defaults(handler=mail_queue)
    commands.add_parser("send", help=t("cli.cmd.mail_send")).set_defaults(handler=mail_send)


def mail_queue(ctx: CliContext) -> int:
    waiting = ctx.service().operations.queued_mail()
    if not waiting:
        ctx.out("cli.mail.none")
    for mail in waiting:
        ctx.out(
            "cli.mail.line",
            id=mail.id,
            notice=mail.notice,
            recipient=mail.recipient,
            created=mail.created_at,
            attempts=mail.attempts,
            next=mail.next_attempt_at,
            error=f" ({mail.last_error})" if mail.last_error else "",
        )
    return 0


def mail_send(ctx: CliContext) -> int:
    sent, waiting = ctx.service().operations.send_queued_mail()
    ctx.out("cli.mail.sent", sent=sent, waiting=waiting)
    return 0 if waiting == 0 else 1
