"""`rapport`: the entry point. Reads the environment once, builds the use cases (bot/app.py) and
hands them to a console command, `rapport console` or `rapport serve`; maps errors to exit codes.

The parser is built from bot/console/args.py, which imports only argparse; everything else —
the use cases (SQLModel), the console's renderers, bolt — is imported once a command
runs, so `rapport --help` and argument errors stay fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.console import args as commands
from bot.console import workspaces
from bot.domain.errors import (
    DatabaseConfigError,
    RapportError,
    StorageUnavailableError,
    UserInputError,
)

if TYPE_CHECKING:
    from bot.config import Settings

EXIT_USER_ERROR = 1
EXIT_CONFIG = 2
EXIT_STORAGE = 3


def main(argv: Sequence[str] | None = None) -> int:
    args = commands.parse(None if argv is None else list(argv))
    if args.version:
        from bot import __version__

        print(__version__)
        return 0
    if args.command is None:
        commands.build_parser().print_help()
        return 0
    try:
        settings = _settings(args)
    except ValueError as exc:
        print(f"rapport: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        return _dispatch(args, settings)
    except DatabaseConfigError as exc:
        print(f"rapport: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except UserInputError as exc:
        print(f"rapport: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except StorageUnavailableError as exc:
        print(f"rapport: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    except RapportError as exc:
        print(f"rapport: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `rapport recall … | head`: the reader left; say nothing more, and don't let Python
        # complain while flushing stdout at exit.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _settings(args: argparse.Namespace) -> Settings:
    # pydantic-settings only once a command runs: `rapport --help` stays light.
    from pydantic import ValidationError

    from bot.config import Settings
    from bot.console.inputs import settings_problem

    try:
        settings = Settings()
    except ValidationError as exc:
        raise ValueError("; ".join(settings_problem(e) for e in exc.errors())) from exc
    if getattr(args, "db", None):
        settings = settings.model_copy(update={"database_url": args.db})
    return settings


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    # The heavy imports, each only for the command that needs it (see the module docstring).
    if args.command == "serve":
        from bot.slack.server import run

        return run(settings=settings, http=args.http, host=args.host, port=args.port)
    if args.command == "db":
        return _db(args.action, settings)
    from bot.app import Rapport
    from bot.console.inputs import console_actor
    from bot.console.repl import repl
    from bot.console.run import run_command

    with Rapport.from_settings(settings) as rapport:
        if args.command == "workspaces":
            return workspaces.run(args, settings, rapport)
        actor = console_actor(settings, args.as_user)
        if args.command == "console":
            return repl(rapport, actor, settings=settings)
        return run_command(args, settings, rapport, actor)


def _db(action: str, settings: Settings) -> int:
    from bot.store.db import make_engine
    from bot.store.migrate import current_revision, head_revision, upgrade

    engine = make_engine(settings.database_url)
    try:
        if action == "upgrade":
            upgrade(engine)
            print(f"Database is at revision {current_revision(engine)} (head {head_revision()}).")
        else:
            print(current_revision(engine) or "empty (run `rapport db upgrade`)")
    finally:
        engine.dispose()  # close the pooled connection now, not whenever it is collected
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
