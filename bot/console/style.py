"""Colour and tables for the console on a terminal, through rich.

Only bot/console/output.py calls this, and only when its stream is a terminal (never when
piped, never with NO_COLOR). rich is imported on the first coloured line (about 25 ms here), so
`rapport --help`, scripts and pipes never load it. The text arrives already plain and free of
control characters; rich's own markup is off, so a note reading `[red]` stays those letters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Final, TextIO

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# (pattern, style): what a reader's eye should land on.
STYLES: Final = (
    (re.compile(r"^\S[^:\n]{0,40}:$", re.MULTILINE), "bold"),  # "You owe:", "Timeline:"
    (re.compile(r"\bOVERDUE\b|\boverdue\b"), "bold red"),
    (re.compile(r"Didn't understand:.*"), "yellow"),
    (re.compile(r"Heads-up:.*"), "magenta"),
    (re.compile(r"^(Saved note #\d+|Removed note #\d+\.)", re.MULTILINE), "green"),
    (re.compile(r"^\d+\. ", re.MULTILINE), "bold cyan"),
    (re.compile(r"\((?:focus|private)\)| · private"), "cyan"),
)


@cache
def _console(stream: TextIO) -> Console:
    from rich.console import Console

    return Console(file=stream, highlight=False, markup=False, emoji=False, soft_wrap=True)


def _styled_text(text: str) -> Text:
    from rich.text import Text

    styled_text = Text(text)
    for pattern, style in STYLES:
        styled_text.highlight_regex(pattern, style)
    return styled_text


def styled(text: str, stream: TextIO) -> None:
    """Print one (plain) line or block to a terminal, with STYLES applied."""
    _console(stream).print(_styled_text(text))


def table(
    title: str | None, columns: Sequence[str], rows: Sequence[Sequence[str]], stream: TextIO
) -> None:
    """Rows as a table with a header line, sized to the terminal (cells wrap, never cut)."""
    from rich.box import SIMPLE_HEAD
    from rich.table import Table

    grid = Table(title=title, box=SIMPLE_HEAD, title_justify="left", title_style="bold")
    for column in columns:
        grid.add_column(column, overflow="fold", header_style="bold")
    for row in rows:
        grid.add_row(*(_styled_text(cell) for cell in row))
    _console(stream).print(grid)
