"""Reminder DMs as text and Block Kit, rendered at send time so "3 days late" is true when read.

User text (names, what a loop is about, topics) is escaped (`&`, `<`, `>`) so a contact called
`<!channel>` cannot ping anyone. Each item carries Done / Snooze / Stop controls whose values are
the item's key; the Slack handlers pass them back to `Reminders.done/snooze_item/stop`, which
re-check that the clicking user owns the reminder.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from bot.blocks import escape
from bot.domain.humanize import ago, local_date, local_datetime
from bot.domain.names import first_name
from bot.domain.reminders import HEADS_UP, OCCASION, STAY_IN_TOUCH, WAITING_ON, YOU_OWE, Item
from bot.domain.zones import zone
from bot.reminders.planner import local_midnight

Block = dict[str, Any]

ACTION_DONE: Final = "reminder_done"
ACTION_SNOOZE: Final = "reminder_snooze"  # an overflow menu; option values "DAYS|KEY"
ACTION_STOP: Final = "reminder_stop"
SNOOZE_CHOICES: Final = ((1, "Snooze 1 day"), (7, "Snooze 1 week"), (30, "Snooze 1 month"))
LATE_AFTER: Final = timedelta(hours=1)
MAX_SECTION: Final = 2900


def _days_between(day_a: Any, day_b: Any) -> int:
    return int((day_b - day_a).days)


def item_line(item: Item, *, now: datetime, tz: str) -> str:
    """One reminder in a sentence, in mrkdwn, and what the team did lately if it matters."""
    line = _main_line(item, now=now, tz=tz)
    pressure = pressure_line(item, now=now, tz=tz)
    return f"{line} {pressure}" if pressure else line


def pressure_line(item: Item, *, now: datetime, tz: str) -> str | None:
    """Contact pressure: "Bob and Sam were in touch with Jane 3 times in the last 7 days, so
    stay-in-touch nudges about them wait until Thu 12 Mar." (team-visible notes only)."""
    wait = None
    if item.held_until is not None and item.held_until > now:
        wait = f"stay-in-touch nudges about them wait until {local_date(item.held_until, tz)}"
    if item.team_recent > 0:
        said = (
            f"{escape(join_names(item.team_recent_by) or 'Teammates')} "
            f"{'was' if len(item.team_recent_by) == 1 else 'were'} in touch with "
            f"{escape(first_name(item.contact, default='them'))} {times(item.team_recent)} "
            "in the last 7 days"
        )
        return f"{said}, so {wait}." if wait else f"{said}."
    if wait:
        return f"Teammates were in touch with them often this week, so {wait}."
    return None


def join_names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _main_line(item: Item, *, now: datetime, tz: str) -> str:
    who = f"*{escape(item.contact)}*"
    what = escape(item.what or "something")
    if item.kind == STAY_IN_TOUCH:
        every = f"every {item.every_days} days" if item.every_days else "your cadence"
        if item.last_touch is None:
            return f"Time to get in touch with {who}: nothing logged with them yet ({every})."
        return (
            f"Time to get back in touch with {who}: you last spoke "
            f"{ago(item.last_touch, now)} ({every})."
        )
    if item.kind == YOU_OWE:
        return f"You owe {who} {what}{_due_phrase(item, now=now, tz=tz)}."
    if item.kind == WAITING_ON:
        return (
            f"Still waiting on {who} for {what}{_due_phrase(item, now=now, tz=tz)} — "
            f"nudge {escape(first_name(item.contact, default='them'))}?"
        )
    if item.kind == OCCASION and item.occasion_on is not None:
        label = item.occasion or "birthday"
        today = now.astimezone(zone(tz)).date()
        days = _days_between(today, item.occasion_on)
        day = local_date(local_midnight(item.occasion_on, zone(tz)), tz)
        if days == 0:
            return f":tada: It's {who}'s {label} today!"
        if days == 1:
            return f":tada: {who}'s {label} is tomorrow ({day})."
        if days > 1:
            return f":calendar: {who}'s {label} is in {days} days ({day})."
        return f":calendar: {who}'s {label} was {-days} days ago ({day})."
    if item.kind == HEADS_UP:
        topic = escape(item.topic or "difficult news")
        when = f" {ago(item.topic_at, now)}" if item.topic_at else ""
        return (
            f":warning: Heads-up about {who}: a note mentions {topic}{when}. "
            "Nudges for them are paused for a while; maybe just check in."
        )
    return f"Reminder about {who}."


def _due_phrase(item: Item, *, now: datetime, tz: str) -> str:
    if item.kind in (YOU_OWE, WAITING_ON) and item.due is not None:
        today = now.astimezone(zone(tz)).date()
        due_day = item.due.astimezone(zone(tz)).date()
        delta = _days_between(today, due_day)
        if delta == 0:
            return " — due today"
        if delta == 1:
            return " — due tomorrow"
        if delta > 1:
            return f" — due {local_date(item.due, tz)}"
        return f" — due {local_date(item.due, tz)} ({ago(item.due, now)})"
    return ""


def late_line(due_at: datetime, *, now: datetime, tz: str) -> str | None:
    """Said once, on a reminder that went out late (Rapport was offline or Slack refused)."""
    if now - due_at < LATE_AFTER:
        return None
    return (
        f"Sent late: this was due {local_datetime(due_at, tz)} ({ago(due_at, now)}); "
        "Rapport couldn't deliver it until now."
    )


def controls(item: Item, index: int) -> Block:
    elements: list[Block] = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": "Done", "emoji": True},
            "action_id": ACTION_DONE,
            "value": item.key,
            "style": "primary",
        },
        {
            "type": "overflow",
            "action_id": ACTION_SNOOZE,
            "options": [
                {"text": {"type": "plain_text", "text": label}, "value": f"{days}|{item.key}"}
                for days, label in SNOOZE_CHOICES
            ],
        },
    ]
    if item.kind != HEADS_UP:
        stop_label = "Stop" if item.kind == STAY_IN_TOUCH else "Don't remind me"
        elements.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": stop_label, "emoji": True},
                "action_id": ACTION_STOP,
                "value": item.key,
                "confirm": {
                    "title": {"type": "plain_text", "text": "Stop these reminders?"},
                    "text": {"type": "plain_text", "text": _stop_text(item)},
                    "confirm": {"type": "plain_text", "text": "Stop"},
                    "deny": {"type": "plain_text", "text": "Keep"},
                },
            }
        )
    return {"type": "actions", "block_id": f"reminder_{index}", "elements": elements}


def _stop_text(item: Item) -> str:
    if item.kind == STAY_IN_TOUCH:
        return f"No more stay-in-touch nudges for {item.contact[:100]}."
    if item.kind == OCCASION:
        return f"No more reminders of {item.contact[:100]}'s {item.occasion or 'occasion'}."
    return "No more reminders about this one (it stays in your open loops)."


def render(
    items: Sequence[Item], *, now: datetime, tz: str, due_at: datetime, digest: bool
) -> tuple[str, list[Block]]:
    """(notification text, blocks) for one DM."""
    blocks: list[Block] = []
    lines = [item_line(item, now=now, tz=tz) for item in items]
    if digest:
        title = f"Your reminders for {local_date(now, tz)}"
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": title}})
        fallback = f"{title}: " + "; ".join(_plain(line) for line in lines)
    else:
        fallback = _plain(lines[0]) if lines else "A reminder from Rapport"
    late = late_line(due_at, now=now, tz=tz)
    if late:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": late}]})
    for index, (item, line) in enumerate(zip(items, lines, strict=True)):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": line[:MAX_SECTION]}})
        extra = [escape(c) for c in item.context]
        if item.greeting and item.phase == "day":
            extra.append(f"Draft: “{escape(item.greeting)}”")
        elif item.greeting:
            extra.append(f"On the day you could say: “{escape(item.greeting)}”")
        if extra:
            blocks.append(
                {
                    "type": "context",
                    "elements": [{"type": "mrkdwn", "text": e[:MAX_SECTION]} for e in extra[:10]],
                }
            )
        blocks.append(controls(item, index))
    return fallback[:3000], blocks[:50]


def _plain(line: str) -> str:
    return line.replace("*", "")
