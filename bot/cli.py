"""`rapport`: the one place that reads the environment and wires everything.

Heavy imports (SQLModel, bolt, dateparser) happen inside the commands, so `rapport --help` and
argument errors stay fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot import console
    from bot.app import Rapport
    from bot.config import Settings
    from bot.domain.refs import Actor

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
    log = sub.add_parser("log", parents=[common], help='log a note: rapport log "met Jane…"')
    log.add_argument("text", nargs="+", help="what happened, in plain words")
    log.add_argument(
        "--at",
        metavar="WHEN",
        help="when it happened (2026-07-01 or 2026-07-01T09:30), to backdate",
    )
    recall = sub.add_parser("recall", parents=[common], help="find notes: rapport recall dog")
    recall.add_argument("query", nargs="+", help="keywords or a question")
    recall.add_argument("--limit", type=int, default=10, help="how many answers (default 10)")
    who = sub.add_parser("who", parents=[common], help="a contact's card: rapport who Jane")
    who.add_argument("name", nargs="+")
    sub.add_parser("loops", parents=[common], help="what you owe and what you wait on")
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
    from bot.reminders.commands import add_commands

    add_commands(sub, common)
    _add_team_commands(sub, common)
    from bot.standing_commands import add_commands as add_standing_commands

    add_standing_commands(sub, common)
    return parser


TEAM_COMMANDS = (
    "who-knows",
    "workspace",
    "alias",
    "rename",
    "merge",
    "forget",
    "import",
    "export",
)


def _add_team_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    knows = sub.add_parser(
        "who-knows", parents=[common], help="teammates who know someone: rapport who-knows Globex"
    )
    knows.add_argument("query", nargs="+", help="a company, role or topic")
    workspace = sub.add_parser(
        "workspace", parents=[common], help="show or change the workspace's defaults"
    )
    workspace.add_argument(
        "--default-visibility",
        choices=["team", "private"],
        help="who sees a new note unless it says `private:` or `team:`",
    )
    workspace.add_argument(
        "--pressure-threshold",
        type=int,
        metavar="N",
        help="warn when teammates reached a contact N times in 7 days (default 3)",
    )
    alias = sub.add_parser(
        "alias", parents=[common], help='another name: rapport alias "Jennifer Park" Jen'
    )
    alias.add_argument("name")
    alias.add_argument("alias")
    rename = sub.add_parser(
        "rename", parents=[common], help="rename a contact (the old name stays an alias)"
    )
    rename.add_argument("name")
    rename.add_argument("new_name")
    merge = sub.add_parser("merge", parents=[common], help="merge OTHER into KEEP; nothing is lost")
    merge.add_argument("keep")
    merge.add_argument("other")
    forget = sub.add_parser(
        "forget", parents=[common], help="erase a contact and the notes only about them"
    )
    forget.add_argument("name", nargs="+")
    forget.add_argument("--yes", action="store_true", help="don't ask (for scripts)")
    imp = sub.add_parser(
        "import", parents=[common], help="import contacts from a .vcf or Google .csv"
    )
    imp.add_argument("file", help="a vCard (.vcf) or Google Contacts CSV (.csv) file")
    exp = sub.add_parser("export", parents=[common], help="export everything you may see")
    exp.add_argument("--format", choices=["json", "csv", "vcf"], default="json")
    exp.add_argument("--out", metavar="FILE", help="write here instead of to standard output")


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

    from bot.domain.errors import RapportError, StorageUnavailableError, UserInputError

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
    if args.command == "serve":
        from bot.serve import run

        return run(settings=settings, http=args.http, host=args.host, port=args.port)
    if args.command == "db":
        return _db(args.action, settings)

    from bot import console
    from bot.app import Rapport
    from bot.reminders import commands as reminder_commands
    from bot.standing_commands import COMMANDS as STANDING_COMMANDS
    from bot.standing_commands import dispatch as standing_dispatch

    rapport = Rapport.from_settings(settings)
    actor = console.console_actor(settings, getattr(args, "as_user", None))
    if args.command in reminder_commands.COMMANDS:
        return reminder_commands.dispatch(args, settings, rapport, actor)
    if args.command in STANDING_COMMANDS:
        return standing_dispatch(args, settings, rapport, actor)
    if args.command == "console":
        return console.repl(rapport, actor, tz=settings.tz)
    return _one_shot(args, rapport, actor, settings)


def _one_shot(args: argparse.Namespace, rapport: Rapport, actor: Actor, settings: Settings) -> int:
    from bot import console

    out = console.Output(json=args.json, tz=settings.tz, now=rapport.clock())
    if args.command == "log":
        at = console.parse_when(args.at, settings.tz) if args.at else None
        result = console.log_interactively(rapport, actor, " ".join(args.text), at=at)
        out.log(result)
        return 0 if result.note_id is not None else EXIT_USER_ERROR
    if args.command == "recall":
        out.recall(rapport.recall.recall(actor=actor, query=" ".join(args.query), limit=args.limit))
        return 0
    if args.command == "who":
        out.card(console.card_interactively(rapport, actor, " ".join(args.name)))
        return 0
    if args.command == "loops":
        out.loops(rapport.recall.loops(actor=actor))
        return 0
    if args.command in TEAM_COMMANDS:
        return _team(args, rapport, actor, out)
    raise AssertionError(f"unhandled command {args.command}")


def _team(args: argparse.Namespace, rapport: Rapport, actor: Actor, out: console.Output) -> int:
    from pathlib import Path

    if args.command == "who-knows":
        out.who_knows(rapport.team.who_knows(actor=actor, query=" ".join(args.query)))
    elif args.command == "workspace":
        if args.default_visibility is None and args.pressure_threshold is None:
            out.workspace(rapport.workspace.settings(actor=actor))
        else:
            out.workspace(
                rapport.workspace.update(
                    actor=actor,
                    default_visibility=args.default_visibility,
                    pressure_threshold=args.pressure_threshold,
                )
            )
    elif args.command == "alias":
        out.change(rapport.contacts.add_alias(actor=actor, name=args.name, alias=args.alias))
    elif args.command == "rename":
        out.change(rapport.contacts.rename(actor=actor, name=args.name, new_name=args.new_name))
    elif args.command == "merge":
        out.change(rapport.contacts.merge(actor=actor, keep=args.keep, other=args.other))
    elif args.command == "forget":
        return _forget(args, rapport, actor, out)
    elif args.command == "import":
        summary = rapport.transfer.import_contacts(
            actor=actor, path=Path(args.file), progress=_progress_line()
        )
        out.import_summary(summary)
    elif args.command == "export":
        text = rapport.transfer.export(actor=actor, format=args.format)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
            print(f"Wrote {args.out}.", file=sys.stderr)
        else:
            sys.stdout.write(text)
    return 0


def _forget(args: argparse.Namespace, rapport: Rapport, actor: Actor, out: console.Output) -> int:
    contact = rapport.contacts.forget_preview(actor=actor, name=" ".join(args.name))
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                f"rapport: forgetting {contact.display_name} erases notes; "
                "add --yes to confirm from a script.",
                file=sys.stderr,
            )
            return EXIT_USER_ERROR
        answer = input(
            f"Forget {contact.display_name}, the notes only about them, their loops and "
            "occasions? This cannot be undone. [y/N] "
        )
        if answer.strip().lower() not in {"y", "yes"}:
            print("Kept.")
            return 0
    out.change(rapport.contacts.forget(actor=actor, contact_id=contact.id))
    return 0


def _progress_line() -> Callable[[int, int], None]:
    """ "importing 2500/10000" on stderr, rewritten in place; only for files worth waiting on."""

    def show(done: int, total: int) -> None:
        if total < 1000:
            return
        end = "\n" if done >= total else ""
        print(f"\rimporting {done:,}/{total:,} contacts", end=end, file=sys.stderr, flush=True)

    return show


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
