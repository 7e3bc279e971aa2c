"""Colour for the console on a terminal: a few words that matter picked out, through rich.

Only bot/console/output.py calls this, and only when its stream is a terminal (never when
piped, never with NO_COLOR). rich is imported on the first coloured line (about 25 ms here), so
`rapport --help`, scripts and pipes never load it. The text arrives already plain and free of
control characters; rich's own markup is off, so a note reading `[red]` stays those letters.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Final, TextIO

if TYPE_CHECKING:
    from rich.console import Console

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


def styled(text: str, stream: TextIO) -> None:
    """Print one (plain) line or block to a terminal, with STYLES applied."""
    from rich.text import Text

    line = Text(text)
    for pattern, style in STYLES:
        line.highlight_regex(pattern, style)
    _console(stream).print(line)
