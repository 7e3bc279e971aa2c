"""Block Kit for a contact's card (with where you stand and the team's view), "which one?" for a
name, the open loops, and the App Home tab."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.blocks.ids import (
    ACTION_CARD_PREFIX,
)
from bot.blocks.kit import (
    MAX_ACTIONS_ELEMENTS,
    MAX_MESSAGE_BLOCKS,
    MAX_SURFACE_BLOCKS,
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    fit,
    header,
    section,
    sections_from_lines,
    slack_date,
)
from bot.blocks.notes import loop_line, occasion_line, timeline_line
from bot.blocks.standing import card_standing_blocks
from bot.blocks.team import card_team_lines
from bot.domain.humanize import ago, need_sentence
from bot.domain.names import first_name
from bot.domain.notes import (
    ContactCard,
    Home,
    LoopList,
)


def card_blocks(
    card: ContactCard, *, tz: str, now: datetime, limit: int = MAX_MESSAGE_BLOCKS
) -> list[Block]:
    """A contact's card; under the last-contact line, where you stand (the relationship's
    state, the next best action and the Focus button)."""
    blocks: list[Block] = [header(card.contact.display_name)]
    about = []
    if card.role or card.company:
        about.append(escape(" at ".join(x for x in (card.role, card.company) if x)))
    if card.aliases:
        about.append("also known as " + ", ".join(escape(a) for a in card.aliases))
    about += [":email: " + ", ".join(escape(e) for e in card.emails)] if card.emails else []
    about += [":phone: " + ", ".join(escape(p) for p in card.phones)] if card.phones else []
    if card.tags:
        about.append("tags: " + ", ".join(escape(t) for t in card.tags))
    if about:
        blocks.append(context(*about))
    last = []
    if card.last_interaction is not None:
        li = card.last_interaction
        last.append(f"*Last contact:* {escape(li.author)}, {ago(li.occurred_at, now)}")
    if card.last_by_you is not None:
        last.append(f"*You:* {ago(card.last_by_you.occurred_at, now)}")
    if last:
        blocks.append(section("  ·  ".join(last)))
    if card.standing is not None:
        blocks += card_standing_blocks(card.standing)
    lines: list[str] = card_team_lines(card, now=now)
    lines += [loop_line(loop, tz=tz) for loop in card.open_loops]
    lines += [occasion_line(o) for o in card.occasions]
    who = first_name(card.contact.display_name, default="They")
    lines += [":pushpin: " + escape(need_sentence(who, n)) for n in card.needs]
    lines += [
        f":warning: *Heads-up:* {escape(topic)} {ago(when, now)} — check in, don't pitch"
        for topic, when in card.heads_ups()
    ]
    blocks += sections_from_lines(lines)
    if card.timeline:
        blocks.append(divider())
        blocks += sections_from_lines(timeline_line(e, tz=tz, now=now) for e in card.timeline)
    else:
        blocks.append(context("No notes you can see yet."))
    return fit(blocks, limit)


def card_fallback_text(card: ContactCard) -> str:
    return escape(f"Card for {card.contact.display_name}")


def candidates_blocks(
    name: str,
    candidates: Sequence[tuple[int, str]],
    *,
    action_prefix: str = ACTION_CARD_PREFIX,
    block_id: str | None = "card_choose",
) -> list[Block]:
    """ "Which Jane?": one button per contact, its value the contact id (for `who`, each
    showing that card; for `focus`, focusing that one)."""
    buttons = [
        button(label, f"{action_prefix}:{i}", str(contact_id))
        for i, (contact_id, label) in enumerate(candidates[:MAX_ACTIONS_ELEMENTS])
    ]
    return [section(f"Which *{escape(name)}* did you mean?"), actions(buttons, block_id=block_id)]


def loops_blocks(loops: LoopList, *, tz: str, limit: int = MAX_MESSAGE_BLOCKS) -> list[Block]:
    blocks: list[Block] = []
    blocks.append(section(f"*You owe* ({len(loops.you_owe)})"))
    if loops.you_owe:
        blocks += sections_from_lines("• " + loop_line(x, tz=tz) for x in loops.you_owe)
    else:
        blocks.append(context("Nothing — you're all square."))
    blocks.append(section(f"*Waiting on* ({len(loops.waiting_on)})"))
    if loops.waiting_on:
        blocks += sections_from_lines("• " + loop_line(x, tz=tz) for x in loops.waiting_on)
    else:
        blocks.append(context("Nobody owes you anything right now."))
    return fit(blocks, limit)


def home_view(
    home: Home,
    *,
    tz: str,
    now: datetime,
    due: Sequence[tuple[str, Sequence[str]]] = (),
) -> dict[str, Any]:
    """The App Home tab: what is due (sections of plain lines, e.g. "Due today"), open loops
    (overdue first, as Recall orders them), birthdays, recent notes."""
    blocks: list[Block] = []
    for title, lines in due:
        blocks.append(header(title))
        if lines:
            blocks += sections_from_lines("• " + escape(line) for line in lines)
        else:
            blocks.append(context("Nothing."))
    if due:
        blocks.append(divider())
    blocks.append(header("Open loops"))
    blocks += loops_blocks(home.loops, tz=tz, limit=40)
    blocks.append(divider())
    blocks.append(header("Upcoming birthdays"))
    if home.birthdays:
        blocks += sections_from_lines(occasion_line(o) for o in home.birthdays)
    else:
        blocks.append(context("None coming up."))
    blocks.append(divider())
    blocks.append(header("Recent notes"))
    if home.recent:
        blocks += sections_from_lines(timeline_line(e, tz=tz, now=now) for e in home.recent)
    else:
        blocks.append(context("No notes yet. DM me something like “met Jane Doe for coffee”."))
    blocks.append(context(f"Updated {slack_date(now, fallback_tz=tz)}"))
    return {"type": "home", "blocks": fit(blocks, MAX_SURFACE_BLOCKS)}
