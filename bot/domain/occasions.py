"""Yearly dates (birthdays, anniversaries): pure, standard library only."""

from __future__ import annotations

from datetime import date


def next_occurrence(month: int, day: int, today: date) -> date:
    """The next date (today included) a yearly occasion falls on; 29 Feb is 28 Feb otherwise."""
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = date(year, month, 28) if (month, day) == (2, 29) else date(year, 12, 31)
        if candidate >= today:
            return candidate
    return date(today.year + 1, month, min(day, 28))
