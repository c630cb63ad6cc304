"""The options before any command, which also open the window: light to import and build.

``desktop-auth`` without a command is how employees start the app every day, so it reads
these alone, untranslated and without the admin commands (``cli.parser``), and reaches
the window sooner; anything else (a command, help, a mistake) goes to the full parser.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from desktop_auth import __version__
from desktop_auth.messages import SUPPORTED_LANGUAGES, translate


class OneLineErrorParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, not the whole usage block."""

    hint = "--help"

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} ({self.hint})\n")


def add_window_options(parser: argparse.ArgumentParser, t: Callable[[str], str | None]) -> None:
    parser.add_argument("--database", metavar="URL", help=t("cli.opt.database"))
    parser.add_argument("--server", metavar="URL", help=t("cli.opt.server"))
    parser.add_argument("--config", metavar="FILE", type=Path, help=t("cli.opt.config"))
    parser.add_argument("--language", choices=SUPPORTED_LANGUAGES, help=t("cli.opt.language"))
    parser.add_argument(
        "--log-level",
        default="WARNING",
        type=str.upper,  # "debug" as readily as "DEBUG", as logging's own names go
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help=t("cli.opt.log_level"),
    )
    parser.add_argument("--log-file", metavar="FILE", type=Path, help=t("cli.opt.log_file"))
    parser.add_argument("--demo", action="store_true", help=t("cli.opt.demo"))


def window_parser(language: str) -> OneLineErrorParser:
    """The program's options, with translated help; ``cli.parser`` adds the commands."""

    def t(key: str) -> str:
        return translate(key, language)

    OneLineErrorParser.hint = t("cli.see_help")
    parser = OneLineErrorParser(prog="desktop-auth", description=t("cli.description"))
    add_window_options(parser, t)
    parser.add_argument(
        "--version",
        action="version",
        version=f"desktop-auth {__version__}",
        help=t("cli.opt.version"),
    )
    return parser


class _NotForTheWindowError(Exception):
    pass


class _WindowOnlyParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotForTheWindowError(message)


def window_options(argv: list[str]) -> argparse.Namespace | None:
    """The options when ``argv`` only opens the window; None for anything else."""
    parser = _WindowOnlyParser(prog="desktop-auth", add_help=False)
    add_window_options(parser, lambda _key: None)
    try:
        parsed, rest = parser.parse_known_args(argv)
    except _NotForTheWindowError:
        return None
    return None if rest else parsed
