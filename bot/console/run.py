"""Run one parsed `rapport WORD …` (bot/console/args.py) on the use cases: for `rapport WORD`
from a shell and for the same words typed at `rapport console`'s prompt."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.console import brief, calendar, notes, reminders, standing
from bot.console.args import BRIEF, CALENDAR, NOTES, REMINDERS, STANDING

if TYPE_CHECKING:
    from bot.app import Rapport
    from bot.config import Settings
    from bot.domain.refs import Actor


def run_command(
    args: argparse.Namespace, settings: Settings, rapport: Rapport, actor: Actor
) -> int:
    """The exit code of one console command (not `console`, `db` or `serve`: bot/cli.py's)."""
    if args.command in REMINDERS:
        return reminders.run(args, settings, rapport, actor)
    if args.command in STANDING:
        return standing.run(args, settings, rapport, actor)
    if args.command in NOTES:
        return notes.run(args, rapport, actor, settings.tz)
    if args.command in CALENDAR:
        return calendar.run(args, settings, rapport, actor)
    if args.command in BRIEF:
        return brief.run(args, settings, rapport, actor)
    raise AssertionError(f"unhandled command {args.command}")
