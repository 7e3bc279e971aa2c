"""Console subcommands for reminders, added to `rapport`'s parser by bot.cli.

Imports stay light here: the parser is built for every `rapport` invocation, including --help.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings

COMMANDS: frozenset[str] = frozenset()


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the reminder subcommands (deliver, due, cadence, snooze, settings) to `sub`."""


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    raise AssertionError(f"unhandled command {args.command}")
