"""`rapport calendar import|connect|status|disconnect|sync`, and what each says."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.blocks.calendars import disconnected_line, status_lines, summary_lines, sync_line
from bot.blocks.kit import mrkdwn_to_text
from bot.console.inputs import parse_when
from bot.console.notifier import notifier_for
from bot.console.output import Output
from bot.domain.errors import UserInputError

if TYPE_CHECKING:
    from datetime import datetime

    from bot.app import Rapport
    from bot.config import Settings
    from bot.domain.calendars import CalendarSync
    from bot.domain.refs import Actor


def run(args: argparse.Namespace, settings: Settings, rapport: Rapport, actor: Actor) -> int:
    now = rapport.clock()
    out = Output(json=bool(getattr(args, "json", False)), tz=settings.tz, now=now)
    if args.calendar_action == "import":
        path = Path(args.file).expanduser()
        if not path.is_file():
            raise UserInputError(f"There is no file at {path}.")
        since = (
            parse_when(args.since, settings.tz, date_hour=0, flag="--since") if args.since else None
        )
        summary = rapport.meetings.import_file(
            actor=actor,
            data=path.read_bytes(),
            calendar=args.calendar,
            me=args.me,
            private=args.private,
            since=since,
            add_new=args.add_new,
        )
        out.show(summary, (mrkdwn_to_text(line) for line in summary_lines(summary, now=now)))
        return 0
    links = rapport.calendars
    if args.calendar_action == "connect":
        url = sys.stdin.readline().strip() if args.url == "-" else args.url
        username, password = _caldav_login(args)
        view = links.connect(
            actor=actor,
            url=url,
            name=args.name,
            me=args.me,
            private=args.private,
            every_minutes=args.every,
            add_new=args.add_new,
            username=username,
            password=password,
        )
        lines = status_lines((view,), now=now)
        if args.sync:
            synced = links.sync(actor=actor, name=view.name)
            lines += _sync_lines(synced, now)
            out.show(synced, (mrkdwn_to_text(line) for line in lines))
            return 0 if not synced.status.startswith("error") else 1
        out.show(view, (mrkdwn_to_text(line) for line in lines))
        return 0
    if args.calendar_action == "status":
        views = links.status(actor=actor)
        out.show(views, (mrkdwn_to_text(line) for line in status_lines(views, now=now)))
        return 0
    if args.calendar_action == "disconnect":
        view = links.disconnect(actor=actor, name=args.name)
        out.show(view, [mrkdwn_to_text(disconnected_line(view))])
        return 0
    if args.calendar_action == "sync" and args.due:
        notifier = notifier_for(settings, print_only=False, json_mode=out.json)
        report = rapport.sync_calendars(notifier)
        lines = [f"{s.owner}: {sync_line(s)}" for s in report.synced] or ["No calendar is due."]
        if report.due_left:
            lines.append(f"{report.due_left} more due: they are read on the next run.")
        out.show(report, (mrkdwn_to_text(line) for line in lines))
        return 0
    if args.calendar_action == "sync":
        synced = links.sync(actor=actor, name=args.name)
        out.show(synced, (mrkdwn_to_text(line) for line in _sync_lines(synced, now)))
        return 0 if not synced.status.startswith("error") else 1
    raise AssertionError(f"unhandled calendar action {args.calendar_action}")


def _caldav_login(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """The CalDAV user name (an argument) and password: asked for on a terminal, else the next
    line of standard input; never an argument, so it stays out of shell history and `ps`."""
    if not args.caldav:
        if args.username:
            raise UserInputError("--username is for a CalDAV account: add --caldav.")
        return None, None
    if not args.username:
        raise UserInputError("A CalDAV account needs --username (the account's user name).")
    if sys.stdin.isatty():
        password = getpass.getpass("App password (not shown): ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserInputError("No password given: type it when asked, or send it on standard input.")
    return args.username, password


def _sync_lines(synced: CalendarSync, now: datetime) -> list[str]:
    if synced.summary is not None:
        return summary_lines(synced.summary, now=now)
    return [sync_line(synced)]
