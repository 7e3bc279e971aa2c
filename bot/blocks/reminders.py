"""Reminder DMs in Block Kit, rendered at send time so "3 days late" is true when read; and the
lines /rapport cadence, snooze, settings and due answer with.

User text (names, what a loop is about, topics) is escaped (`&`, `<`, `>`) so a contact called
`<!channel>` cannot ping anyone. Each item carries Done / Snooze / Stop controls whose values are
the item's key; the handlers pass them back to the reminder buttons use case, which re-checks that
the clicking user owns the reminder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from bot.blocks.ids import (
    ACTION_DONE,
    ACTION_SNOOZE,
    ACTION_STOP,
    COMMAND,
)
from bot.blocks.kit import (
    MAX_FALLBACK_TEXT,
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    context,
    escape,
    header,
    mrkdwn_to_text,
    section,
    sections_from_lines,
    slack_date,
)
from bot.domain.humanize import (
    ago,
    day_label,
    every,
    join_names,
    local_date,
    local_datetime,
    plural,
)
from bot.domain.names import first_name
from bot.domain.reminders import (
    HEADS_UP,
    OCCASION,
    STAY_IN_TOUCH,
    WAITING_ON,
    YOU_OWE,
    CadenceView,
    Item,
    SettingsView,
    SnoozeView,
    Upcoming,
)
from bot.domain.sensitive import heads_up
from bot.domain.zones import zone

SNOOZE_CHOICES: Final = ((1, "Snooze 1 day"), (7, "Snooze 1 week"), (30, "Snooze 1 month"))
LATE_AFTER: Final = timedelta(hours=1)


def _days_between(day_a: Any, day_b: Any) -> int:
    return int((day_b - day_a).days)


def item_line(item: Item, *, now: datetime, tz: str) -> str:
    """One reminder in a sentence, in mrkdwn, and what the team did lately if it matters."""
    line = _main_line(item, now=now, tz=tz)
    if item.topic and item.kind != HEADS_UP:
        line = f"{line} :warning: {escape(heads_up(item.topic, item.topic_at, now))}."
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


def times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _main_line(item: Item, *, now: datetime, tz: str) -> str:
    who = f"*{escape(item.contact)}*"
    what = escape(item.what or "something")
    if item.kind == STAY_IN_TOUCH:
        every_text = every(item.every_days) if item.every_days else "your cadence"
        if item.last_touch is None:
            return f"Time to get in touch with {who}: nothing logged with them yet ({every_text})."
        return (
            f"Time to get back in touch with {who}: you last spoke "
            f"{ago(item.last_touch, now)} ({every_text})."
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
        day = day_label(item.occasion_on)
        if days == 0:
            return f":tada: It's {who}'s {label} today!"
        if days == 1:
            return f":tada: {who}'s {label} is tomorrow ({day})."
        if days > 1:
            return f":calendar: {who}'s {label} is in {days} days ({day})."
        return f":calendar: {who}'s {label} was {plural(-days, 'day')} ago ({day})."
    if item.kind == HEADS_UP:
        said = escape(heads_up(item.topic or "difficult news", item.topic_at, now))
        return f":warning: About {who} — {said}. Nudges about them are paused for a while."
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
    """Done, a Snooze menu and (but on a heads-up) Stop, each carrying the item's key."""
    snooze: Block = {
        "type": "overflow",
        "action_id": ACTION_SNOOZE,
        "options": [
            {"text": {"type": "plain_text", "text": label}, "value": f"{days}|{item.key}"}
            for days, label in SNOOZE_CHOICES
        ],
    }
    elements = [button("Done", ACTION_DONE, item.key, style="primary"), snooze]
    if item.kind != HEADS_UP:
        stop_label = "Stop" if item.kind == STAY_IN_TOUCH else "Don't remind me"
        confirm = {
            "title": {"type": "plain_text", "text": "Stop these reminders?"},
            "text": {"type": "plain_text", "text": _stop_text(item)},
            "confirm": {"type": "plain_text", "text": "Stop"},
            "deny": {"type": "plain_text", "text": "Keep"},
        }
        elements.append(button(stop_label, ACTION_STOP, item.key, confirm=confirm))
    return actions(elements, block_id=f"reminder_{index}")


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
        blocks.append(header(title))
        fallback = f"{title}: " + "; ".join(_fallback(line) for line in lines)
    else:
        fallback = _fallback(lines[0]) if lines else "A reminder from Rapport"
    late = late_line(due_at, now=now, tz=tz)
    if late:
        blocks.append(context(late))
    for index, (item, line) in enumerate(zip(items, lines, strict=True)):
        blocks.append(section(line))
        extra = [escape(c) for c in item.context]
        if item.greeting and item.phase == "day":
            extra.append(f"Draft: “{escape(item.greeting)}”")
        elif item.greeting:
            extra.append(f"On the day you could say: “{escape(item.greeting)}”")
        if extra:
            blocks.append(context(*extra))
        blocks.append(controls(item, index))
    return fallback[:MAX_FALLBACK_TEXT], blocks[:MAX_MESSAGE_BLOCKS]


def _fallback(line: str) -> str:
    """A notification's text is mrkdwn too: no bold, but still escaped."""
    return mrkdwn_to_text(line, keep_entities=True)


# --- what /rapport cadence, snooze, settings and due say (the console prints them as text) ---


def cadence_line(view: CadenceView, *, when: Callable[[datetime], str]) -> str:
    """ "*Jane Doe*: every 30 days; next nudge Tue 3 Mar." — `when` writes the date as the
    surface does (Slack's date token, or the console's local time)."""
    if view.stopped:
        return f"*{escape(view.target)}*: no stay-in-touch nudges."
    line = f"*{escape(view.target)}*: {every(view.every_days)}"
    if view.next_due is not None:
        line += f"; next nudge {when(view.next_due)}"
    return line + "."


def no_cadences_sentence(command: str = COMMAND) -> str:
    return (
        f"No cadences yet. Try `{command} cadence Jane Doe every 30 days` or "
        f"`{command} cadence #investors quarterly`."
    )


def snooze_sentence(view: SnoozeView, *, when: Callable[[datetime], str]) -> str:
    return f"Snoozed *{escape(view.target)}* until {when(view.until)}."


def settings_sentence(view: SettingsView) -> str:
    mode = "one DM a morning" if view.mode == "digest" else "one DM per reminder"
    return (
        f"Digest at {view.digest_hour}:00 {escape(view.tz)}, on {view.work_days}, working hours "
        f"{view.work_start}-{view.work_end}, at most {view.daily_cap} nudges a day, {mode}."
    )


def upcoming_blocks(upcoming: Upcoming, *, tz: str) -> list[Block]:
    """`/rapport due`: today's reminders and this week's, each with its slot."""
    blocks: list[Block] = []
    for title, items in (("Due today", upcoming.today), ("This week", upcoming.this_week)):
        if items:
            blocks.append(section(f"*{title}*"))
            blocks += sections_from_lines(
                f"• {escape(item.text)} — {slack_date(item.slot, fallback_tz=tz)}" for item in items
            )
    return blocks or [section("Nothing is due this week.")]
