"""Reminders in the console: `rapport deliver`, `due`, `cadence`, `snooze`, `settings`; their
arguments, running them, and what they print."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from bot.blocks.kit import mrkdwn_to_text
from bot.blocks.reminders import (
    cadence_line,
    no_cadences_sentence,
    settings_sentence,
    snooze_sentence,
)
from bot.console.inputs import parse_when
from bot.console.notifier import notifier_for
from bot.console.output import Output
from bot.domain.errors import UserInputError
from bot.domain.reminders import CadenceView, DueReport, SettingsView

if TYPE_CHECKING:
    from bot.app import Rapport
    from bot.config import Settings
    from bot.domain.refs import Actor

COMMANDS: Final = frozenset({"deliver", "due", "cadence", "snooze", "settings"})


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


def run(args: argparse.Namespace, settings: Settings, rapport: Rapport, actor: Actor) -> int:
    out = Output(json=bool(getattr(args, "json", False)), tz=settings.tz, now=rapport.clock())
    if args.command == "deliver":
        return _deliver(args, settings, rapport, out)
    if args.command == "due":
        now = parse_when(args.now, settings.tz, date_hour=9, flag="--now") if args.now else None
        report = rapport.due.due(actor=None if args.everyone else actor, now=now)
        out.show(report, due_lines(report, out))
    elif args.command == "cadence":
        if not args.words:
            views = rapport.cadences.cadences(actor=actor)
            lines = [_cadence(v, out) for v in views] or [
                mrkdwn_to_text(no_cadences_sentence("rapport"))
            ]
            out.show(list(views), lines)
            return 0
        view = rapport.cadences.set_cadence_text(actor=actor, text=" ".join(args.words))
        out.show(view, [_cadence(view, out)])
    elif args.command == "snooze":
        snoozed = rapport.cadences.snooze_text(actor=actor, text=" ".join(args.words))
        out.show(snoozed, [mrkdwn_to_text(snooze_sentence(snoozed, when=out.local_datetime))])
    elif args.command == "settings":
        current = _settings(args, rapport, actor)
        out.show(current, [mrkdwn_to_text(settings_sentence(current))])
    return 0


def _settings(args: argparse.Namespace, rapport: Rapport, actor: Actor) -> SettingsView:
    hours = None
    if args.hours:
        start, _, end = args.hours.partition("-")
        try:
            hours = (int(start), int(end))
        except ValueError:
            raise UserInputError("--hours looks like 9-18") from None
    if any(v is not None for v in (args.digest_hour, args.days, hours, args.cap, args.mode)):
        return rapport.schedules.update_settings(
            actor=actor,
            digest_hour=args.digest_hour,
            work_days=args.days,
            work_hours=hours,
            daily_cap=args.cap,
            mode=args.mode,
        )
    return rapport.schedules.settings(actor=actor)


def _deliver(args: argparse.Namespace, settings: Settings, rapport: Rapport, out: Output) -> int:
    notifier = notifier_for(settings, print_only=args.print_only, json_mode=out.json)
    lease = timedelta(seconds=args.lease)
    if args.once or args.now:
        report = rapport.delivery.tick(
            notifier=notifier,
            now=parse_when(args.now, settings.tz, date_hour=9, flag="--now") if args.now else None,
            worker=args.worker,
            batch=args.batch,
            lease=lease,
        )
        if out.json:
            out.show(report, [])
        else:
            print(f"rapport: {report.summary()}", file=sys.stderr)
        return 0
    scheduler = rapport.scheduler(notifier, interval=args.interval, worker=args.worker, lease=lease)
    print(
        f"rapport: delivering reminders every {args.interval:g} s (Ctrl-C stops)", file=sys.stderr
    )
    stop = threading.Event()
    scheduler.start()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown()
    return 0


def due_lines(report: DueReport, out: Output) -> Iterator[str]:
    if not report.messages and not report.held:
        yield "Nothing due."
        return
    for message in report.messages:
        label = "digest" if message.kind == "digest" else message.kind.replace("_", " ")
        due = out.local_datetime(message.due_at)
        yield f"To {message.user} ({label}, {message.status}, due {due}):"
        yield from (f"  - {item.text}" for item in message.items)
    if report.held:
        yield f"Held for the next days (daily cap): {len(report.held)}"
        yield from (f"  - {item.text}" for item in report.held)


def _cadence(view: CadenceView, out: Output) -> str:
    return mrkdwn_to_text(cadence_line(view, when=out.local_datetime))
