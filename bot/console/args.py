"""Every console subcommand's arguments, and which module runs each word.

Only argparse here (and the command words of bot/domain/commands.py, standard library only):
`rapport --help` builds the whole parser from this module, and the modules that run the
commands (bot/console/notes.py, reminders.py, standing.py) are imported once one does
(bot/cli.py). `rapport console` parses the lines it is typed with the same parser.
"""

from __future__ import annotations

import argparse
from typing import Any, Final, NoReturn

from bot.console import workspaces
from bot.domain.errors import UserInputError

# What `rapport serve` reads (bot/config.py), for its --help.
SERVE_SETTINGS: Final = """settings (environment variables):
  SLACK_BOT_TOKEN       the Bot User OAuth Token (xoxb-…), always needed
  SLACK_APP_TOKEN       an app-level token (xapp-…) with connections:write: Socket Mode
  SLACK_SIGNING_SECRET  the app's Signing Secret: needed with --http
  SLACK_API_URL         the Web API base URL (default https://slack.com/api/)
  RAPPORT_DATABASE_URL  sqlite:///path.db or postgresql://user@host/db (--db overrides it)
  RAPPORT_TZ            the zone for users whose Slack profile has none (default UTC)

See docs/slack.md for creating the Slack app from manifest.yml."""


def positive(value: str) -> int:
    """`--limit N`: a whole number of at least 1 (0 would ask for nothing)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small: it must be 1 or more")
    return number


class HelpShown(UserInputError):
    """`COMMAND --help` typed in the console: printed; nothing else to say."""


class Parser(argparse.ArgumentParser):
    """argparse that, inside `rapport console`, reports a mistake as a UserInputError (one line,
    the console carries on) instead of exiting the process."""

    raise_errors = False

    def error(self, message: str) -> NoReturn:
        if self.raise_errors:
            raise UserInputError(message)
        super().error(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if self.raise_errors:
            # `--help` inside the console: the help was printed; go back to the prompt.
            raise HelpShown(message.strip() if message else "")
        super().exit(status, message)


def build_parser(*, in_console: bool = False) -> Parser:
    """`rapport`'s whole parser. `--db`, `--as` and `--json` go before or after the command.
    `in_console`: mistakes raise UserInputError instead of exiting."""
    parser = Parser(
        prog="rapport",
        description="Rapport: your team's memory for relationships. Log what happened in plain "
        "words, recall it later, keep track of who owes whom.",
        epilog='Try it: `rapport console`, or `rapport log "met Jane Doe for coffee"`.',
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    _common_options(parser)
    common = argparse.ArgumentParser(add_help=False)
    _common_options(common)

    sub: Any = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    add_notes(sub, common)
    sub.add_parser("console", parents=[common], help="talk to Rapport here, as you would in a DM")
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade", "current"], help="upgrade: run migrations")
    _db_option(db)
    serve = sub.add_parser(
        "serve",
        help="run the Slack app (Socket Mode, or --http)",
        epilog=SERVE_SETTINGS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--http", action="store_true", help="serve HTTP at /slack/events")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP bind address (default 0.0.0.0)")
    serve.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    _db_option(serve)
    add_reminders(sub, common)
    add_team(sub, common)
    add_standing(sub, common)
    add_calendar(sub, common)
    add_brief(sub, common)
    if not in_console:
        workspaces.add(sub)  # operators' command, from a shell only
    if in_console:
        parser.raise_errors = True
        for each in sub.choices.values():
            each.raise_errors = True
    return parser


def _db_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: an option given before the command is not reset by the subcommand's default.
    parser.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (default: RAPPORT_DATABASE_URL)",
    )


def _common_options(parser: argparse.ArgumentParser) -> None:
    _db_option(parser)
    parser.add_argument(
        "--as", dest="as_user", metavar="USER", default=argparse.SUPPRESS, help="act as this user"
    )
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print JSON for scripts"
    )


def parse(argv: list[str] | None) -> argparse.Namespace:
    """`argv` parsed, with --db, --as and --json always present (None/False when not given)."""
    args = build_parser().parse_args(argv)
    for name, default in (("db", None), ("as_user", None), ("json", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    if args.command == "console":
        args.json = False
    return args


NOTES: Final = frozenset(
    {"log", "recall", "who", "loops"}
    | {"who-knows", "workspace", "alias", "rename", "merge", "forget", "import", "export"}
)
REMINDERS: Final = frozenset({"deliver", "due", "cadence", "snooze", "settings"})
STANDING: Final = frozenset({"fading", "focus", "unfocus", "next", "review"})
CALENDAR: Final = frozenset({"calendar"})
BRIEF: Final = frozenset({"brief"})


def add_notes(sub: Any, common: argparse.ArgumentParser) -> None:
    """log, recall, who, loops (console is added by bot.cli, beside them)."""
    log = sub.add_parser("log", parents=[common], help='log a note: rapport log "met Jane…"')
    log.add_argument("text", nargs="+", help="what happened, in plain words")
    log.add_argument(
        "--at",
        metavar="WHEN",
        help="when it happened (2026-07-01 or 2026-07-01T09:30), to backdate",
    )
    recall = sub.add_parser("recall", parents=[common], help="find notes: rapport recall dog")
    recall.add_argument("query", nargs="+", help="keywords or a question")
    recall.add_argument("--limit", type=positive, default=10, help="how many answers (default 10)")
    who = sub.add_parser("who", parents=[common], help="a contact's card: rapport who Jane")
    who.add_argument("name", nargs="+")
    sub.add_parser("loops", parents=[common], help="what you owe and what you wait on")


def add_team(sub: Any, common: argparse.ArgumentParser) -> None:
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
        "import",
        parents=[common],
        help="import contacts from a .vcf or contacts .csv, or restore a Rapport .json export",
    )
    imp.add_argument(
        "file",
        help="a vCard (.vcf), a contacts CSV (.csv: Google, Outlook, LinkedIn, Thunderbird…) "
        "or a Rapport JSON export (.json)",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="say what the import would change; change nothing"
    )
    exp = sub.add_parser("export", parents=[common], help="export everything you may see")
    exp.add_argument("--format", choices=["json", "csv", "vcf"], default="json")
    exp.add_argument("--out", metavar="FILE", help="write here instead of to standard output")


def add_reminders(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the reminder subcommands (deliver, due, cadence, snooze, settings) to `sub`."""
    deliver = sub.add_parser(
        "deliver",
        parents=[common],
        help="send due reminders: --once for one tick (cron), else keep ticking",
    )
    deliver.add_argument("--once", action="store_true", help="run one tick and exit")
    deliver.add_argument("--now", metavar="WHEN", help="pretend it is WHEN (2026-07-01T09:00)")
    deliver.add_argument(
        "--print",
        dest="print_only",
        action="store_true",
        help="print the DMs here instead of sending them to Slack",
    )
    deliver.add_argument("--interval", type=float, default=60, help="seconds between ticks")
    deliver.add_argument("--lease", type=float, default=120, help="claim lease in seconds")
    deliver.add_argument("--batch", type=positive, default=50, help="DMs claimed per statement")
    deliver.add_argument("--worker", help="this process's name in the outbox (default host:pid)")

    due = sub.add_parser("due", parents=[common], help="what the next tick would send you")
    due.add_argument("--now", metavar="WHEN", help="as of WHEN (2026-07-01T09:00)")
    due.add_argument("--everyone", action="store_true", help="for every user, not just you")

    cadence = sub.add_parser(
        "cadence",
        parents=[common],
        help="stay in touch: rapport cadence Jane Doe every 30 days | '#tag' quarterly",
    )
    cadence.add_argument(
        "words",
        nargs="*",
        help="NAME or '#tag', then every N days|weeks|months, weekly, monthly, quarterly, or "
        "stop; nothing lists your cadences",
    )

    snooze = sub.add_parser("snooze", parents=[common], help="rapport snooze Jane Doe 1w")
    snooze.add_argument("words", nargs="+", help="NAME then 1d, 1w, 1m, '2 weeks', tomorrow")

    settings = sub.add_parser(
        "settings", parents=[common], help="reminder settings: digest hour, days, cap, mode"
    )
    settings.add_argument("--digest-hour", type=int, metavar="H", help="local hour of the DM")
    settings.add_argument("--days", metavar="DAYS", help="working days, e.g. mon-fri, sun-thu")
    settings.add_argument("--hours", metavar="START-END", help="working hours, e.g. 9-18")
    settings.add_argument("--cap", type=int, metavar="N", help="at most N reminders a day")
    mode = settings.add_mutually_exclusive_group()
    mode.add_argument(
        "--individual", dest="mode", action="store_const", const="individual", help="one DM each"
    )
    mode.add_argument(
        "--digest", dest="mode", action="store_const", const="digest", help="one DM a morning"
    )


def add_standing(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add fading, focus, unfocus, next and review to `sub`."""
    fading = sub.add_parser("fading", parents=[common], help="your contacts, longest silence first")
    fading.add_argument("--tag", metavar="TAG", help="only contacts tagged TAG (e.g. investors)")
    fading.add_argument(
        "--team",
        action="store_true",
        help="count anyone's interactions you may see, not just yours",
    )
    fading.add_argument("--page", type=positive, default=1, help="page number (default 1)")
    fading.add_argument("--limit", type=positive, default=20, help="people per page (default 20)")

    focus = sub.add_parser(
        "focus", parents=[common], help="keep a few people close: rapport focus Jane Doe"
    )
    focus.add_argument("name", nargs="*", help="who; nothing lists your focus list")
    focus.add_argument(
        "--limit",
        type=positive,
        metavar="N",
        help="your soft limit (default 25): past it, a warning",
    )
    unfocus = sub.add_parser("unfocus", parents=[common], help="rapport unfocus Jane Doe")
    unfocus.add_argument("name", nargs="+")

    nxt = sub.add_parser("next", parents=[common], help="your next best actions")
    nxt.add_argument("--limit", type=positive, default=5, help="how many (default 5)")

    review = sub.add_parser(
        "review", parents=[common], help="your week in relationships; --weekly on for a DM"
    )
    review.add_argument(
        "--weekly", choices=["on", "off"], help="a review DM every Monday morning (opt-in)"
    )
    review.add_argument(
        "--send",
        action="store_true",
        help="send the weekly DMs that are due (cron); prints them without SLACK_BOT_TOKEN",
    )
    review.add_argument("--now", metavar="WHEN", help="as of WHEN (2026-07-06T09:00)")


def add_brief(sub: Any, common: argparse.ArgumentParser) -> None:
    """`rapport brief [NAME | off | on | minutes N]`."""
    brief = sub.add_parser(
        "brief",
        parents=[common],
        help="what to know before a meeting: rapport brief Jane; or the brief before each "
        "meeting: rapport brief minutes 10 | off | on",
    )
    brief.add_argument(
        "words",
        nargs="*",
        metavar="NAME|off|on|minutes N",
        help="a contact (their brief); nothing: your next meeting's; off, on, minutes N: the DM "
        "before each meeting with your contacts (15 minutes before unless you say)",
    )


def add_calendar(sub: Any, common: argparse.ArgumentParser) -> None:
    """`rapport calendar import|connect|status|disconnect|sync`."""
    calendar = sub.add_parser(
        "calendar", help="meetings from your calendar become interactions with your contacts"
    )
    actions = calendar.add_subparsers(dest="calendar_action", metavar="ACTION", required=True)
    owner = argparse.ArgumentParser(add_help=False)
    owner.add_argument(
        "--me", metavar="EMAIL", help="your address on the calendar (tells teammates apart)"
    )
    titles = owner.add_mutually_exclusive_group()
    titles.add_argument(
        "--share",
        dest="private",
        action="store_false",
        default=None,
        help="let your team see the meetings' titles",
    )
    titles.add_argument(
        "--private",
        dest="private",
        action="store_true",
        default=None,
        help="keep the meetings' titles to yourself (the default)",
    )
    people = owner.add_mutually_exclusive_group()
    people.add_argument(
        "--add-new-people",
        dest="add_new",
        action="store_true",
        default=None,
        help="make people you met from outside the team contacts (those with a name)",
    )
    people.add_argument(
        "--offer-new-people",
        dest="add_new",
        action="store_false",
        default=None,
        help="list them in the summary instead (the default)",
    )
    imp = actions.add_parser(
        "import", parents=[common, owner], help="file the meetings in an .ics file"
    )
    imp.add_argument("file", help="an iCalendar (.ics) export")
    imp.add_argument(
        "--calendar", metavar="NAME", help="which of your calendars (default: imported)"
    )
    imp.add_argument("--since", metavar="DATE", help="from this date (default: a year ago)")
    connect = actions.add_parser(
        "connect",
        parents=[common, owner],
        help="read your calendar's secret iCal address (or a CalDAV account) on a schedule",
    )
    connect.add_argument(
        "url",
        help="the secret address (https:// or webcal://); - reads it from standard input. "
        "With --caldav: the CalDAV server, account or calendar address",
    )
    connect.add_argument(
        "--name",
        help="what to call this calendar (default: from the address); with --caldav, which of "
        "the account's calendars, by its name, when the address finds several",
    )
    connect.add_argument(
        "--caldav",
        action="store_true",
        help="a CalDAV account (Nextcloud, Fastmail, iCloud…): the password (an app password) "
        "is asked for, or read from standard input; never give it as an argument",
    )
    connect.add_argument("--username", metavar="USER", help="the CalDAV user name")
    connect.add_argument(
        "--every", type=int, metavar="MINUTES", help="how often to read it (default 60)"
    )
    connect.add_argument(
        "--no-sync", dest="sync", action="store_false", help="don't read it right away"
    )
    actions.add_parser("status", parents=[common], help="your calendars and how they are doing")
    disconnect = actions.add_parser(
        "disconnect", parents=[common], help="forget a calendar's address (its meetings stay)"
    )
    disconnect.add_argument("name", nargs="?", help="which calendar, when you have several")
    sync = actions.add_parser("sync", parents=[common], help="read a connected calendar now")
    sync.add_argument("name", nargs="?", help="which calendar, when you have several")
    sync.add_argument(
        "--due",
        action="store_true",
        help="read everyone's calendars that are due, as the scheduler does (for cron)",
    )
