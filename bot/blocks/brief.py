"""Block Kit for a brief (the DM before a meeting, `/rapport brief Jane`, App Home's next
meetings) and the "how did it go?" after a meeting. The brief's content is bot/domain/briefs.py's
`points`, drawn here as mrkdwn and in bot/console/brief.py as plain text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from bot.blocks.ids import ACTION_MEETING_LOG
from bot.blocks.kit import (
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    fit,
    header,
    section,
    slack_date,
)
from bot.domain.briefs import Brief, MeetingView, Point, points
from bot.domain.humanize import local_datetime
from bot.domain.zones import zone

ICONS: Final = {
    "about": ":briefcase:",
    "heads_up": ":warning:",
    "standing": ":thermometer:",
    "last": ":speech_balloon:",
    "loop": ":repeat:",
    "need": ":pushpin:",
    "birthday": ":birthday:",
    "next": ":arrow_right:",
}


def point_line(point: Point) -> str:
    text = escape(point.text)
    if point.kind == "heads_up":
        text = f"*Heads-up:* {text}"
    elif point.kind == "next":
        text = f"*{text}*"
    return f"{ICONS.get(point.kind, '•')} {text}"


def meeting_line(meeting: MeetingView, *, tz: str) -> str:
    return f"*{escape(meeting.title)}* — {slack_date(meeting.start, fallback_tz=tz)}"


def brief_blocks(
    brief: Brief, *, now: datetime, tz: str, limit: int = MAX_MESSAGE_BLOCKS
) -> list[Block]:
    blocks: list[Block] = []
    if brief.meeting is not None:
        blocks.append(header("Before your meeting"))
        blocks.append(section(meeting_line(brief.meeting, tz=tz)))
    today = now.astimezone(zone(tz)).date()
    for card in brief.people:
        lines = [f"*{escape(card.contact.display_name)}*"]
        lines += [point_line(p) for p in points(card, now=now, today=today)]
        if len(lines) == 1:
            lines.append("Nothing noted about them yet.")
        blocks.append(section("\n".join(lines)))
    if brief.meeting is not None and brief.meeting.others:
        others = ", ".join(escape(o) for o in brief.meeting.others)
        blocks.append(context(f"Also there (not contacts): {others}"))
    return fit(blocks, limit)


def brief_fallback_text(brief: Brief, *, tz: str) -> str:
    names = ", ".join(card.contact.display_name for card in brief.people)
    if brief.meeting is None:
        return f"Brief: {names}"
    return f"Before {brief.meeting.title} ({local_datetime(brief.meeting.start, tz)}): {names}"


def home_brief_blocks(briefs: Sequence[Brief], *, now: datetime, tz: str) -> list[Block]:
    """App Home's "Next meetings": each meeting's brief, compact."""
    if not briefs:
        return []  # no calendar, or nothing coming up: nothing to say
    blocks: list[Block] = [header("Next meetings")]
    for brief in briefs:
        blocks += brief_blocks(brief, now=now, tz=tz)[1:]  # without the DM's header
        blocks.append(divider())
    return blocks


def after_meeting_value(names: Sequence[str]) -> str:
    """The button's value: the attendees' names (a few, each cut short, to fit Slack's limit)."""
    return json.dumps([n[:100] for n in names[:10]])


def after_meeting_blocks(meeting: MeetingView, names: Sequence[str], *, tz: str) -> list[Block]:
    """ "How did it go?" with a button that opens the log form, the attendees filled in."""
    who = ", ".join(f"*{escape(n)}*" for n in names) or "them"
    return [
        section(f"How did it go with {who}? {meeting_line(meeting, tz=tz)}"),
        actions(
            [
                button(
                    "Log how it went",
                    ACTION_MEETING_LOG,
                    after_meeting_value(names),
                    style="primary",
                )
            ],
            block_id="meeting_log",
        ),
    ]


def after_meeting_text(meeting: MeetingView, names: Sequence[str]) -> str:
    return f"How did it go with {', '.join(names) or 'them'}? ({meeting.title})"
