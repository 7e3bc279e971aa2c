"""Console subcommands for reminders, added to `rapport`'s parser by bot.cli.

Imports stay light here: the parser is built for every `rapport` invocation, including --help.
Everything heavy (the store, slack_sdk) is imported inside `dispatch`.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from bot.app import Rapport
    from bot.config import Settings
    from bot.domain.refs import Actor

COMMANDS: frozenset[str] = frozenset({"deliver", "due", "cadence", "snooze", "settings"})


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
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
    deliver.add_argument("--batch", type=int, default=50, help="DMs claimed per statement")
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


def dispatch(args: argparse.Namespace, settings: Settings, rapport: Rapport, actor: Actor) -> int:
    from bot.console import parse_when
    from bot.domain import reminders as views

    out = _Out(json_mode=bool(getattr(args, "json", False)), tz=settings.tz)
    if args.command == "deliver":
        return _deliver(args, settings, rapport)
    if args.command == "due":
        now = parse_when(args.now, settings.tz, date_hour=9, flag="--now") if args.now else None
        report = rapport.due.due(actor=None if args.everyone else actor, now=now)
        out.due(report)
        return 0
    if args.command == "cadence":
        if not args.words:
            out.cadences(rapport.cadences.cadences(actor=actor))
            return 0
        view = rapport.cadences.set_cadence_text(actor=actor, text=" ".join(args.words))
        out.cadence(view)
        return 0
    if args.command == "snooze":
        snoozed: views.SnoozeView = rapport.cadences.snooze_text(
            actor=actor, text=" ".join(args.words)
        )
        out.snooze(snoozed)
        return 0
    if args.command == "settings":
        hours = None
        if args.hours:
            start, _, end = args.hours.partition("-")
            try:
                hours = (int(start), int(end))
            except ValueError:
                from bot.domain.errors import UserInputError

                raise UserInputError("--hours looks like 9-18") from None
        current: views.SettingsView
        if any(v is not None for v in (args.digest_hour, args.days, hours, args.cap, args.mode)):
            current = rapport.schedules.update_settings(
                actor=actor,
                digest_hour=args.digest_hour,
                work_days=args.days,
                work_hours=hours,
                daily_cap=args.cap,
                mode=args.mode,
            )
        else:
            current = rapport.schedules.settings(actor=actor)
        out.settings(current)
        return 0
    raise AssertionError(f"unhandled command {args.command}")


def _deliver(args: argparse.Namespace, settings: Settings, rapport: Rapport) -> int:
    from datetime import timedelta

    from bot.console import parse_when
    from bot.reminders.notifier import ConsoleNotifier, Notifier

    notifier: Notifier
    if settings.slack_bot_token and not args.print_only:
        from bot.reminders.slack_notifier import SlackNotifier
        from bot.slack_client import build_client

        notifier = SlackNotifier(build_client(settings))
    else:
        # With --json, stdout is for the report alone; the DMs go to stderr.
        notifier = ConsoleNotifier(sys.stderr if getattr(args, "json", False) else sys.stdout)
    lease = timedelta(seconds=args.lease)
    if args.once or args.now:
        report = rapport.delivery.tick(
            notifier=notifier,
            now=parse_when(args.now, settings.tz, date_hour=9, flag="--now") if args.now else None,
            worker=args.worker,
            batch=args.batch,
            lease=lease,
        )
        if getattr(args, "json", False):
            import json

            print(json.dumps({**report.__dict__}, indent=2))
        else:
            print(f"rapport: {report.summary()}", file=sys.stderr)
        return 0
    scheduler = rapport.scheduler(notifier, interval=args.interval, worker=args.worker, lease=lease)
    print(
        f"rapport: delivering reminders every {args.interval:g} s (Ctrl-C stops)", file=sys.stderr
    )
    import threading

    stop = threading.Event()
    scheduler.start()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown()
    return 0


class _Out:
    def __init__(self, *, json_mode: bool, tz: str) -> None:
        self.json_mode = json_mode
        self.tz = tz

    def _dump(self, value: Any) -> None:
        import json

        from bot.console import to_jsonable

        print(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))

    def _local(self, moment: datetime) -> str:
        from bot.domain.humanize import local_datetime

        return local_datetime(moment, self.tz)

    def due(self, report: Any) -> None:
        if self.json_mode:
            self._dump(report)
            return
        if not report.messages and not report.held:
            print("Nothing due.")
            return
        for message in report.messages:
            label = "digest" if message.kind == "digest" else message.kind.replace("_", " ")
            print(
                f"To {message.user} ({label}, {message.status}, due {self._local(message.due_at)}):"
            )
            for item in message.items:
                print(f"  - {item.text}")
        if report.held:
            print(f"Held for the next days (daily cap): {len(report.held)}")
            for item in report.held:
                print(f"  - {item.text}")

    def cadences(self, cadences: Any) -> None:
        if self.json_mode:
            self._dump(list(cadences))
            return
        if not cadences:
            print("No cadences yet. Try `rapport cadence Jane Doe every 30 days`.")
        for view in cadences:
            self._cadence_line(view)

    def cadence(self, view: Any) -> None:
        if self.json_mode:
            self._dump(view)
            return
        self._cadence_line(view)

    def _cadence_line(self, view: Any) -> None:
        if view.stopped:
            print(f"{view.target}: no stay-in-touch nudges.")
            return
        line = f"{view.target}: every {view.every_days} days"
        if view.next_due is not None:
            line += f"; next nudge {self._local(view.next_due)}"
        print(line + ".")

    def snooze(self, view: Any) -> None:
        if self.json_mode:
            self._dump(view)
            return
        print(f"Snoozed {view.target} until {self._local(view.until)}.")

    def settings(self, view: Any) -> None:
        if self.json_mode:
            self._dump(view)
            return
        print(
            f"Digest at {view.digest_hour}:00 {view.tz}, on {view.work_days}, "
            f"working hours {view.work_start}-{view.work_end}, at most {view.daily_cap} a day, "
            f"{'one DM a morning' if view.mode == 'digest' else 'one DM per reminder'}."
        )
