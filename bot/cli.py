"""`rapport`: the entry point. Reads the environment once, builds the use cases (bot/app.py) and
hands them to a console command, `rapport console` or `rapport serve`; maps errors to exit codes.

The parser is built from bot/console/args.py, which imports only argparse; everything else —
the use cases (SQLModel), the console's renderers, bolt, dateparser — is imported once a command
runs, so `rapport --help` and argument errors stay fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.console import args as commands
from bot.console import workspaces
from bot.domain.errors import RapportError, StorageUnavailableError, UserInputError

if TYPE_CHECKING:
    from bot.config import Settings

EXIT_USER_ERROR = 1
EXIT_CONFIG = 2
EXIT_STORAGE = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapport",
        description="Rapport: your team's memory for relationships. Log what happened in plain "
        "words, recall it later, keep track of who owes whom.",
        epilog='Try it: `rapport console`, or `rapport log "met Jane Doe for coffee"`.',
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", help="database URL (default: RAPPORT_DATABASE_URL)")
    common.add_argument("--as", dest="as_user", metavar="USER", help="act as this user")
    common.add_argument("--json", action="store_true", help="print JSON for scripts")

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_notes(sub, common)
    console = sub.add_parser(
        "console", parents=[common], help="talk to Rapport here, as you would in a DM"
    )
    console.set_defaults(json=False)
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade", "current"], help="upgrade: run migrations")
    db.add_argument("--db", metavar="URL", help="database URL (default: RAPPORT_DATABASE_URL)")
    serve = sub.add_parser("serve", help="run the Slack app (Socket Mode, or --http)")
    serve.add_argument("--http", action="store_true", help="serve HTTP at /slack/events")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP bind address (default 0.0.0.0)")
    serve.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    serve.add_argument("--db", metavar="URL", help="database URL (default: RAPPORT_DATABASE_URL)")
    commands.add_reminders(sub, common)
    commands.add_team(sub, common)
    commands.add_standing(sub, common)
    workspaces.add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        from bot import __version__

        print(__version__)
        return 0
    if args.command is None:
        parser.print_help()
        return 0
    try:
        settings = _settings(args)
    except ValueError as exc:
        print(f"rapport: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        return _dispatch(args, settings)
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

    try:
        settings = Settings()
    except ValidationError as exc:
        raise ValueError("; ".join(str(e["msg"]) for e in exc.errors())) from exc
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
    from bot.console import notes, reminders, standing
    from bot.console.inputs import console_actor
    from bot.console.repl import repl

    rapport = Rapport.from_settings(settings)
    if args.command == "workspaces":
        return workspaces.run(args, settings, rapport)
    actor = console_actor(settings, getattr(args, "as_user", None))
    if args.command in commands.REMINDERS:
        return reminders.run(args, settings, rapport, actor)
    if args.command in commands.STANDING:
        return standing.run(args, settings, rapport, actor)
    if args.command == "console":
        return repl(rapport, actor, tz=settings.tz)
    if args.command in commands.NOTES:
        return notes.run(args, rapport, actor, settings.tz)
    raise AssertionError(f"unhandled command {args.command}")


def _db(action: str, settings: Settings) -> int:
    from bot.store.db import make_engine
    from bot.store.migrate import current_revision, head_revision, upgrade

    engine = make_engine(settings.database_url)
    if action == "upgrade":
        upgrade(engine)
        print(f"Database is at revision {current_revision(engine)} (head {head_revision()}).")
    else:
        print(current_revision(engine) or "empty (run `rapport db upgrade`)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
