"""The console's one output: lines of text for a person, or the result as JSON for a script.

Text is plain words whatever it is written to: Slack's `:warning:` shortcodes become the emoji
they stand for and `code` loses its backticks. Stored text (a note, a name) may hold anything,
so control characters are dropped before a line is printed: no escape sequence in a note can
move the cursor, retitle the window or clear the screen. On a terminal (and only there, and not
with NO_COLOR) a few words get colour, through rich.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Final, TextIO

from bot.console.style import styled, table
from bot.domain.humanize import ago, local_date, local_datetime

# The shortcodes Rapport's own sentences use (bot/blocks/), as the emoji Slack shows for them.
SHORTCODES: Final = {
    "warning": "⚠️",
    "white_check_mark": "✅",
    "star": "⭐",
    "lock": "🔒",
    "birthday": "🎂",
    "tada": "🎉",
    "seedling": "🌱",
    "pushpin": "📌",
    "outbox_tray": "📤",
    "calendar": "📅",
    "date": "📅",
    "wave": "👋",
    "wastebasket": "🗑️",
    "telephone_receiver": "📞",
    "snowflake": "❄️",
    "ice_cube": "🧊",
    "fire": "🔥",
    "red_circle": "🔴",
    "point_right": "👉",
    "hugging_face": "🤗",
    "grey_question": "❔",
    "busts_in_silhouette": "👥",
    "bulb": "💡",
    "arrows_counterclockwise": "🔄",
}
_SHORTCODE: Final = re.compile(r":([a-z_]+):")
# C0 controls but newline and tab, DEL, C1 controls (0x9b is a one-byte CSI), and the
# bidirectional overrides that make text read differently from what it is.
_CONTROL: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_C1: Final = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe_text(text: str) -> str:
    """`text` without terminal control characters (newlines and tabs stay)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def terminal_text(text: str) -> str:
    """A sentence for a terminal: shortcodes as emoji, no backticks, no control characters."""
    text = _SHORTCODE.sub(lambda m: SHORTCODES.get(m.group(1), m.group(0)), text)
    return safe_text(text.replace("`", ""))


def wants_colour(stream: TextIO) -> bool:
    """Colour only for a person at a terminal: not when piped, not with NO_COLOR, not TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


# Tables for a terminal: (title, column names, rows of cells), one or more.
Grid = Sequence[tuple[str | None, Sequence[str], Sequence[Sequence[str]]]]


def to_jsonable(value: Any) -> Any:
    """Result dataclasses as JSON-ready values for `--json`: fields, and properties such as a
    report's `items`; datetimes as ISO 8601."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name, attr in vars(type(value)).items():
            if isinstance(attr, property):
                out[name] = to_jsonable(getattr(value, name))
        return out
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class Output:
    """Prints what a command returned: `lines` for a person, or `value` as JSON with --json (the
    lines are not even rendered then). Times are shown in the console user's zone."""

    def __init__(self, *, json: bool, tz: str, now: datetime, stream: TextIO | None = None) -> None:
        self.json = json
        self.tz = tz
        self.now = now
        self.stream = stream or sys.stdout
        self.colour = not json and wants_colour(self.stream)

    def show(self, value: object, lines: Iterable[str], grid: Grid | None = None) -> None:
        """`value` as JSON with --json; else `grid` as a table on a terminal, or `lines`."""
        if grid is not None and self.colour and not self.json:
            for title, columns, rows in grid:
                table(
                    title, columns, [[terminal_text(c) for c in row] for row in rows], self.stream
                )
            return
        if self.json:
            text = json.dumps(to_jsonable(value), indent=2, ensure_ascii=False)
            # JSON escapes C0 controls itself; C1 and bidi controls are escaped here, so the
            # document is the same data and still safe to print.
            print(_C1.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text), file=self.stream)
            return
        for line in lines:
            self.print(line)

    def print(self, text: str = "") -> None:
        clean = terminal_text(text)
        if self.colour:
            styled(clean, self.stream)
        else:
            print(clean, file=self.stream)

    def when(self, moment: datetime) -> str:
        """`Tue 3 Mar 2026 (3 days ago)`."""
        return f"{local_date(moment, self.tz)} ({ago(moment, self.now)})"

    def local_date(self, moment: datetime) -> str:
        return local_date(moment, self.tz)

    def local_datetime(self, moment: datetime) -> str:
        return local_datetime(moment, self.tz)

    def ago(self, moment: datetime) -> str:
        return ago(moment, self.now)
