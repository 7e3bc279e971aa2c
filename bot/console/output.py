"""The console's one output: lines of text for a person, or the result as JSON for a script."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TextIO

from bot.domain.humanize import ago, local_date, local_datetime


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

    def show(self, value: object, lines: Iterable[str]) -> None:
        if self.json:
            self.print(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))
            return
        for line in lines:
            self.print(line)

    def print(self, text: str = "") -> None:
        print(text, file=self.stream)

    def when(self, moment: datetime) -> str:
        """`Tue 3 Mar 2026 (3 days ago)`."""
        return f"{local_date(moment, self.tz)} ({ago(moment, self.now)})"

    def local_date(self, moment: datetime) -> str:
        return local_date(moment, self.tz)

    def local_datetime(self, moment: datetime) -> str:
        return local_datetime(moment, self.tz)

    def ago(self, moment: datetime) -> str:
        return ago(moment, self.now)
