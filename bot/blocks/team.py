"""Block Kit for team memory: who knows whom, contact pressure, a serendipity idea, the card's
team lines, and the alias / rename / merge / forget confirmations."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Final

from bot.blocks.ids import (
    ACTION_FORGET_CANCEL,
    ACTION_FORGET_CONFIRM,
    value_int,
)
from bot.blocks.kit import (
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    escape,
    fit,
    section,
    sections_from_lines,
    truncate,
)
from bot.domain.humanize import ago, every, plural, times
from bot.domain.notes import (
    ContactCard,
    ContactChange,
    LogResult,
    PressureNote,
    WhoKnows,
)

MAX_WHO_KNOWS_LINES: Final = 40


def pressure_sentence(pressure: PressureNote) -> str:
    """ "*Jane Doe* heard from the team 4 times in the last 7 days (Bob, Sam) — maybe give them
    some room." (mrkdwn; the console prints it as text after "Heads-up:")."""
    who = ", ".join(escape(t) for t in pressure.teammates[:3])
    if len(pressure.teammates) > 3:
        who += " and others"
    return (
        f"*{escape(pressure.contact.display_name)}* heard from the team {times(pressure.count)} "
        f"in the last {pressure.since_days} days ({who}) — maybe give them some room."
    )


def pressure_line(pressure: PressureNote) -> str:
    return ":busts_in_silhouette: " + pressure_sentence(pressure)


def log_team_lines(result: LogResult) -> list[str]:
    """Extra lines for a log confirmation: contact pressure and a serendipity suggestion."""
    lines = [pressure_line(p) for p in result.pressure]
    if result.serendipity is not None:
        lines.append(":bulb: " + escape(result.serendipity.text))
    return lines


def card_team_lines(card: ContactCard, *, now: datetime) -> list[str]:
    """Extra lines for a contact card: sparkline, who knows them best, the team's last touch,
    cadence and pressure."""
    lines = []
    if card.per_month and any(card.per_month):
        count = plural(sum(card.per_month), "note")
        lines.append(f"*Last 12 months:* `{card.sparkline}` ({count})")
    if card.last_by_team is not None:
        last = card.last_by_team
        lines.append(f"*Team:* {escape(last.author)}, {ago(last.occurred_at, now)}")
    if card.knows_best:
        best = ", ".join(
            f"{escape(a.user)} ({a.interactions}{', both ways' if a.two_way else ''})"
            for a in card.knows_best
        )
        lines.append(f"*Knows them best:* {best}")
    if card.cadence_days:
        lines.append(f"*Stay in touch:* {every(card.cadence_days)}")
    if card.pressure is not None:
        lines.append(pressure_line(card.pressure))
    return lines


def nobody_knows_sentence(query: str) -> str:
    return f"Nobody on the team seems to know anyone for *{escape(truncate(query, 100))}* yet."


def who_knows_blocks(answer: WhoKnows, *, now: datetime) -> list[Block]:
    query = escape(truncate(answer.query, 100))
    if not answer.contacts:
        return [section(nobody_knows_sentence(answer.query))]
    lines = [f"*Who knows {query}*"]
    for person in answer.teammates:
        known = "; ".join(
            f"{escape(c.contact.display_name)}"
            + (
                f" ({escape(', '.join(x for x in (c.role, c.company) if x))})"
                if c.role or c.company
                else ""
            )
            + (f", {ago(c.last_at, now)}" if c.last_at else "")
            for c in person.contacts[:10]
        )
        more = f" and {len(person.contacts) - 10} more" if len(person.contacts) > 10 else ""
        lines.append(f"• *{'You' if person.you else escape(person.user)}*: {known}{more}")
    listed = {c.contact for p in answer.teammates for c in p.contacts}
    loose = [c for c in answer.contacts if c.contact not in listed]
    if loose:
        names = ", ".join(escape(c.contact.display_name) for c in loose[:20])
        lines.append(f"Also matching, with no teammate's notes you can see: {names}")
    return fit(sections_from_lines(lines[:MAX_WHO_KNOWS_LINES]), MAX_MESSAGE_BLOCKS)


def change_blocks(change: ContactChange) -> list[Block]:
    return [section(":white_check_mark: " + escape(change.summary))]


def forget_value(contact_id: int, asked_by: str) -> str:
    return json.dumps({"c": contact_id, "u": asked_by}, separators=(",", ":"))


def parse_forget_value(value: str) -> tuple[int, str]:
    data = json.loads(value)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return value_int(data["c"]), str(data["u"])


def forget_confirm_blocks(contact_id: int, name: str, *, asked_by: str) -> list[Block]:
    value = forget_value(contact_id, asked_by)
    return [
        section(
            f":warning: Forget *{escape(name)}*? This erases the notes you can see that are only "
            "about them, their loops and occasions, and removes them from shared notes. It "
            "cannot be undone; the audit log will record that you did it."
        ),
        actions(
            [
                button("Forget", ACTION_FORGET_CONFIRM, value, style="danger"),
                button("Cancel", ACTION_FORGET_CANCEL, value),
            ],
            block_id="team_forget",
        ),
    ]
