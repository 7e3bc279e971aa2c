"""Short, human renderings of times shared by the console and Slack ("3 days ago")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

_IRREGULAR = {"person": "people"}


def join_names(names: Sequence[str]) -> str:
    """ "Joanna Reyes", "Joanna Reyes and Jo Smith", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def plural(count: int, noun: str) -> str:
    """`1 note`, `3 notes`, `2 lunches`, `4 people`."""
    if count == 1:
        return f"{count} {noun}"
    if noun in _IRREGULAR:
        return f"{count} {_IRREGULAR[noun]}"
    sibilant = noun.endswith(("s", "x", "z", "ch", "sh"))
    return f"{count} {noun}{'es' if sibilant else 's'}"


def times(count: int) -> str:
    """`once`, `twice`, `3 times`."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def every(days: int) -> str:
    """`every day`, `every 7 days`."""
    return "every day" if days == 1 else f"every {days} days"


def ago(when: datetime, now: datetime) -> str:
    seconds = (now - when).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 90:  # either side: clocks read a moment apart should not say "in a moment"
        return "just now"
    minutes = seconds / 60
    hours = minutes / 60
    days = hours / 24
    if minutes < 60:
        amount, unit = round(minutes), "minute"
    elif hours < 24:
        amount, unit = round(hours), "hour"
    elif days < 14:
        amount, unit = round(days), "day"
    elif days < 60:
        amount, unit = round(days / 7), "week"
    elif days < 365 * 2:
        amount, unit = round(days / 30.44), "month"
    else:
        amount, unit = round(days / 365.25), "year"
    label = plural(amount, unit)
    return f"in {label}" if future else f"{label} ago"


def day_label(day: date) -> str:
    """`Tue 3 Mar 2026`."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def local_date(when: datetime, tz: str) -> str:
    """`Tue 3 Mar 2026` in the reader's zone."""
    return day_label(when.astimezone(ZoneInfo(tz)).date())


def local_datetime(when: datetime, tz: str) -> str:
    local = when.astimezone(ZoneInfo(tz))
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


# A stored need starts with its own verb ("wants a shelter dog", "looking for a CTO", "hiring
# 4 SDRs"), so a label before it stutters ("Wants: wants a shelter dog"); it reads as a sentence
# with the person in front. Bare participles need their "is".
_BARE_PARTICIPLE = (
    "looking ",
    "searching ",
    "hiring",
    "raising ",
    "seeking ",
    "trying ",
    "shopping ",
    "scouting ",
    "hunting ",
)
_BARE_ADJECTIVE = (
    "keen on ",
    "keen to ",
    "eager to ",
    "interested in ",
    "in the market for ",
    "in need of ",
    "after ",
    "open to ",
    "on the hunt ",
    "on the lookout ",
    "desperate for ",
)
_OWN_VERB = (
    "want",
    "need",
    "would ",
    "'d ",
    "is ",
    "are ",
    "was ",
    "were ",
    "'s ",
    "'re ",
    "dream",
    "hope",
    "hoping",
    "could ",
)


def need_sentence(who: str | None, need: str) -> str:
    """`Jane wants a shelter dog`, `Jane is looking for a CTO`; with no one person to name
    (a note about several people), `Mentioned: hiring 4 SDRs`."""
    need = " ".join(need.split())
    if not who:
        return f"Mentioned: {need}"
    lowered = need.lower()
    if lowered.startswith(_BARE_PARTICIPLE + _BARE_ADJECTIVE):
        need = "is " + need
    elif not lowered.startswith(_OWN_VERB):  # stored by hand or an older parser: "a shelter dog"
        need = "wants " + need
    return f"{who} {need}"
