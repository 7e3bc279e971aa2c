"""Yearly dates (birthdays, anniversaries) and what to say on them: pure, standard library only."""

from __future__ import annotations

from datetime import date

from bot.domain.names import first_name


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


def greeting(kind: str, full_name: str, *, years: int | None = None) -> str:
    """A short draft the user can paste, with the person's first name."""
    first = first_name(full_name, default="there")
    if kind == "anniversary":
        what = f"happy {ordinal(years)} anniversary" if years else "happy anniversary"
        return f"{what.capitalize()}, {first}! Wishing you both a wonderful day."
    return f"Happy birthday, {first}! Hope you have a wonderful day and a great year ahead."


def ordinal(n: int | None) -> str:
    if n is None:
        return ""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
