"""The argument parser (argparse), with translated help and one-line errors."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from desktop_auth.cli import (
    admin,
    audit,
    key_trust,
    keys,
    rollout,
    security_key,
    server,
    vault,
    vault_escrow,
)
from desktop_auth.cli.options import window_parser
from desktop_auth.messages import translate
from desktop_auth.vocabulary import ENROLLABLE_KINDS, Role


def manual_page_parser() -> argparse.ArgumentParser:
    """The English parser, for the manual page (``packaging/deb.py``, argparse-manpage)."""
    return build_parser("en")


def build_parser(language: str) -> argparse.ArgumentParser:
    """Every command; ``options.window_parser`` is the light one for opening the window."""

    def t(key: str, **params: object) -> str:
        return translate(key, language, **params)

    parser = window_parser(language)
    parser.set_defaults(handler=None)

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    gate = commands.add_parser("gate", help=t("cli.cmd.gate"))
    gate.add_argument("--url", help=t("cli.opt.gate_url"))
    gate.add_argument("--audience", metavar="NAME", help=t("cli.opt.gate_audience"))
    gate.add_argument(
        "--idle-minutes", type=int, default=15, metavar="N", help=t("cli.opt.gate_idle")
    )
    gate.add_argument("program", nargs=argparse.REMAINDER, help=t("cli.arg.gate_program"))
    gate.set_defaults(handler=admin.gate)
    commands.add_parser("jwks", help=t("cli.cmd.jwks")).set_defaults(handler=admin.jwks)

    _add_server_commands(commands.add_parser("server", help=t("cli.cmd.server")), t)
    security_key.add_commands(commands.add_parser("key", help=t("cli.cmd.security_key")), t)
    vault.add_commands(commands.add_parser("vault", help=t("cli.cmd.vault")), t)

    admin_parser = commands.add_parser("admin", help=t("cli.cmd.admin"))
    admin_commands = admin_parser.add_subparsers(
        dest="admin_command", metavar="COMMAND", required=True
    )

    init = admin_commands.add_parser("init", help=t("cli.cmd.init"))
    _add_init_options(init, t)
    init.set_defaults(handler=admin.init)

    login = admin_commands.add_parser("login", help=t("cli.cmd.login"))
    login.add_argument("--email", required=True, help=t("cli.opt.admin_email"))
    login.add_argument("--password-stdin", action="store_true", help=t("cli.opt.password_stdin"))
    login.set_defaults(handler=admin.login)
    admin_commands.add_parser("logout", help=t("cli.cmd.logout")).set_defaults(handler=admin.logout)

    _add_user_commands(admin_commands.add_parser("user", help=t("cli.cmd.user")), t)
    audit.add_commands(admin_commands.add_parser("audit", help=t("cli.cmd.audit")), t)
    rollout.add_commands(admin_commands, t)
    rollout.add_mail_commands(admin_commands, t)

    keys.add_commands(admin_commands.add_parser("key", help=t("cli.cmd.key")), t)
    key_trust.add_commands(admin_commands.add_parser("keys", help=t("cli.cmd.keys")), t)
    vault_escrow.add_commands(admin_commands.add_parser("vault", help=t("cli.cmd.admin_vault")), t)

    db = admin_commands.add_parser("db", help=t("cli.cmd.db"))
    db_commands = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    db_commands.add_parser("upgrade", help=t("cli.cmd.db_upgrade")).set_defaults(
        handler=admin.db_upgrade
    )
    grant = db_commands.add_parser("grant", help=t("cli.cmd.db_grant"))
    grant.add_argument("role", metavar="ROLE", help=t("cli.opt.db_grant_role"))
    grant.set_defaults(handler=admin.db_grant)

    admin_commands.add_parser("doctor", help=t("cli.cmd.doctor")).set_defaults(handler=admin.doctor)
    return parser


def _add_user_commands(user: argparse.ArgumentParser, t: Callable[[str], str]) -> None:
    commands = user.add_subparsers(dest="user_command", metavar="COMMAND", required=True)

    add = commands.add_parser("add", help=t("cli.cmd.user_add"))
    add.add_argument("email", help=t("cli.arg.email"))
    add.add_argument("--name", required=True, help=t("cli.opt.name"))
    add.add_argument("--role", default="employee", choices=tuple(Role), help=t("cli.opt.role"))
    add.set_defaults(handler=admin.user_add)

    listing = commands.add_parser("list", help=t("cli.cmd.user_list"))
    listing.add_argument("--search", help=t("cli.opt.search"))
    listing.add_argument("--role", choices=tuple(Role), help=t("cli.opt.role"))

    def count(text: str) -> int:
        """A whole number, 0 or more (a negative page would reach the database)."""
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(t("cli.error.count")) from None
        if value < 0:
            raise argparse.ArgumentTypeError(t("cli.error.count"))
        return value

    listing.add_argument("--limit", type=count, default=100, help=t("cli.opt.limit"))
    listing.add_argument("--offset", type=count, default=0, help=t("cli.opt.offset"))
    # The core names the orders (and refuses others, with the list): no copy of them here.
    listing.add_argument("--sort", default="email", help=t("cli.opt.sort"))
    listing.add_argument("--descending", action="store_true", help=t("cli.opt.descending"))
    listing.set_defaults(handler=admin.user_list)

    for name, handler in (
        ("show", admin.user_show),
        ("disable", admin.user_disable),
        ("enable", admin.user_enable),
        ("unlock", admin.user_unlock),
        ("reset-password", admin.user_reset_password),
    ):
        command = commands.add_parser(name, help=t(f"cli.cmd.user_{name.replace('-', '_')}"))
        command.add_argument("email", help=t("cli.arg.email"))
        command.set_defaults(handler=handler)

    remove = commands.add_parser("remove-method", help=t("cli.cmd.user_remove_method"))
    remove.add_argument("email", help=t("cli.arg.email"))
    remove.add_argument("kind", choices=ENROLLABLE_KINDS, help=t("cli.arg.kind"))
    remove.add_argument("method_id", type=int, help=t("cli.arg.method_id"))
    remove.set_defaults(handler=admin.user_remove_method)

    backup = commands.add_parser("backup-code", help=t("cli.cmd.user_backup_code"))
    backup.add_argument("email", help=t("cli.arg.email"))
    backup.add_argument("--keep-methods", action="store_true", help=t("cli.opt.keep_methods"))
    backup.set_defaults(handler=admin.user_backup_code)

    role = commands.add_parser("set-role", help=t("cli.cmd.user_set_role"))
    role.add_argument("email", help=t("cli.arg.email"))
    role.add_argument("role", choices=tuple(Role), help=t("cli.opt.role"))
    role.set_defaults(handler=admin.user_set_role)


def _add_server_commands(parser: argparse.ArgumentParser, t: Callable[..., str]) -> None:
    parser.add_argument(
        "--listen", default="127.0.0.1:8443", metavar="HOST:PORT", help=t("cli.opt.listen")
    )
    parser.add_argument("--certificate", type=Path, metavar="FILE", help=t("cli.opt.certificate"))
    parser.add_argument("--private-key", type=Path, metavar="FILE", help=t("cli.opt.private_key"))
    parser.add_argument(
        "--insecure-loopback", action="store_true", help=t("cli.opt.insecure_loopback")
    )
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS",
        help=t("cli.opt.trusted_proxy"),
    )

    def positive(text: str) -> int:
        """A whole number, 1 or more."""
        if not text.isdigit() or int(text) < 1:
            raise argparse.ArgumentTypeError(t("cli.error.positive"))
        return int(text)

    parser.add_argument(
        "--requests-per-minute", type=positive, metavar="N", help=t("cli.opt.requests_per_minute")
    )
    parser.add_argument(
        "--attempts-per-minute", type=positive, metavar="N", help=t("cli.opt.attempts_per_minute")
    )
    parser.set_defaults(handler=server.run)
    commands = parser.add_subparsers(dest="server_command", metavar="COMMAND")
    init = commands.add_parser("init", help=t("cli.cmd.server_init"))
    _add_init_options(init, t)
    init.set_defaults(handler=server.init)


def _add_init_options(init: argparse.ArgumentParser, t: Callable[..., str]) -> None:
    """The first run's questions: ``admin init`` and ``server init`` ask the same."""
    init.add_argument("--organisation", required=True, help=t("cli.opt.organisation"))
    init.add_argument("--rp-id", required=True, help=t("cli.opt.rp_id"))
    init.add_argument("--email", required=True, help=t("cli.opt.admin_email"))
    init.add_argument("--name", required=True, help=t("cli.opt.admin_name"))
    init.add_argument("--password-stdin", action="store_true", help=t("cli.opt.password_stdin"))
