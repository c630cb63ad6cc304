"""The ``desktop-auth`` command: the employee app (no command, or ``--demo``) and ``admin``.

Thin by rule: it parses, calls ``AuthService``, prints translated messages.
Bad input ends in one translated line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop_auth.cli.options import window_options
from desktop_auth.config import Config, load_config, window_check_stamp
from desktop_auth.errors import (
    DesktopAuthError,
    WeakPasswordError,
    WindowLibrariesMissingError,
    WindowUnavailableError,
)
from desktop_auth.messages import detect_language, error_message, translate
from desktop_auth.system_libraries import window_problem

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _language(argv: Sequence[str]) -> str:
    # The language must be known before parsing, to translate the help texts.
    for index, arg in enumerate(argv):
        if arg.startswith("--language="):
            return arg.split("=", 1)[1]
        if arg == "--language" and index + 1 < len(argv):
            return argv[index + 1]
    return detect_language()


def _is_text(arg: str) -> bool:
    """False for bytes the system's encoding could not decode (Python keeps them as lone
    surrogates, which no database, file or terminal takes)."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _configure_logging(level: str, log_file: Path | None) -> None:
    if log_file is not None and not log_file.exists():
        # Readable by its owner only (C7), made before logging opens it for appending.
        os.close(os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    handler: logging.Handler = (
        logging.FileHandler(log_file, encoding="utf-8") if log_file else logging.StreamHandler()
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("desktop_auth")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def _run_gui(config: Config, language: str | None, *, demo: bool) -> int:
    # Before Qt loads: a missing library or display is one calm line, never Qt's abort.
    problem = window_problem(os.environ, known_good=window_check_stamp())
    if problem is not None and not problem.missing:
        raise WindowUnavailableError()
    if problem is not None:
        raise WindowLibrariesMissingError(
            libraries=", ".join(problem.missing), command=problem.install_command
        )
    # Imported here: the admin commands never load Qt.
    from desktop_auth.gui.app import run

    return run(config, language=language, demo=demo)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not all(_is_text(arg) for arg in args_list):
        print(
            f"desktop-auth: {translate('cli.error.not_text', detect_language())}", file=sys.stderr
        )
        return EXIT_USAGE
    try:
        args = window_options(args_list)
        if args is None:  # a command, or help: every command's parser
            from desktop_auth.cli.parser import build_parser

            args = build_parser(_language(args_list)).parse_args(args_list)
    except SystemExit as exit_request:  # --help, or a usage error already printed
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    # The system's language only when neither the options nor the config name one.
    language = args.language or ""
    _configure_logging(args.log_level, args.log_file)
    try:
        config = load_config(
            config_path=args.config, database_url=args.database, server_url=args.server
        )
        if getattr(args, "handler", None) is None:
            # The window also knows the language last chosen in its own menu.
            return _run_gui(config, language or config.language, demo=args.demo)
        language = language or config.language or detect_language()
        from desktop_auth.cli.context import CliContext

        context = CliContext(config=config, language=language, args=args)
        try:
            result: int = args.handler(context)
        finally:
            context.close()
        return result
    except DesktopAuthError as exc:
        language = language or detect_language()
        message = error_message(exc.message_key, language, exc.params)
        print(f"desktop-auth: {message}", file=sys.stderr)
        if isinstance(exc, WeakPasswordError):
            for reason in exc.reasons:
                print(
                    f"  - {translate(f'password.problem.{reason}', language, **exc.params)}",
                    file=sys.stderr,
                )
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        root = logging.getLogger("desktop_auth")
        for handler in root.handlers:
            handler.close()
        root.handlers.clear()
