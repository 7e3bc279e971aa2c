"""Reminders in the console: `rapport deliver`, `due`, `cadence`, `snooze`, `settings`; their
arguments, running them, and what they print."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

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
