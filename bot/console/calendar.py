"""`rapport calendar …`: import an .ics file now; what the read changed, as the console says it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bot.blocks.calendars import summary_lines
from bot.blocks.kit import mrkdwn_to_text
from bot.console.inputs import parse_when
from bot.console.output import Output
from bot.domain.errors import UserInputError

if TYPE_CHECKING:
    from bot.app import Rapport
    from bot.config import Settings
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
        )
        out.show(summary, (mrkdwn_to_text(line) for line in summary_lines(summary, now=now)))
        return 0
    raise AssertionError(f"unhandled calendar action {args.calendar_action}")
