"""Block Kit for where relationships stand: the fading and focus lists, the next five (App Home,
the digest), the card's standing and the weekly review.

Button values carry ids and page numbers only; the handlers take identity from the payload,
never from a value."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from bot.blocks.ids import (
    ACTION_FADING_PAGE_PREFIX,
    ACTION_FOCUS_PREFIX,
    ACTION_UNFOCUS_PREFIX,
    COMMAND,
    MAX_PAGE,
    value_int,
)
from bot.blocks.kit import (
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    context,
    escape,
    fit,
    header,
    section,
    sections_from_lines,
    truncate,
)
from bot.blocks.people_met import add_people_blocks
from bot.domain.humanize import ago, every, local_date, plural
from bot.domain.relationship import Action
from bot.domain.standing import (
    ContactStanding,
    FadingPage,
    FocusChange,
    FocusList,
    NextAction,
    Review,
    ReviewLoop,
)

LABEL_ICONS: Final = {"new": ":seedling:", "warm": ":fire:", "cooling": ":snowflake:"}


LABEL_ICONS_COLD: Final = ":ice_cube:"


KIND_ICONS: Final = {
    "check_in": ":hugging_face:",
    "reply": ":outbox_tray:",
    "greet": ":birthday:",
    "nudge": ":wave:",
    "reach_out": ":telephone_receiver:",
}


DRAFT_CHARS: Final = 300
MAX_MET_SHOWN: Final = 10


def label_icon(label: str) -> str:
    return LABEL_ICONS.get(label, LABEL_ICONS_COLD)


def action_line(action: Action) -> str:
    """`:outbox_tray: You owe Raj Patel the pricing deck, overdue by 2 days.` (escaped)."""
    return f"{KIND_ICONS.get(action.kind, ':point_right:')} {escape(action.text)}"


def draft_text(action: Action) -> str | None:
    if not action.draft:
        return None
    what = "Draft" if action.kind in ("greet", "nudge", "check_in") else "Starter"
    return f"{what}: {escape(truncate(action.draft, DRAFT_CHARS))}"


def focus_value(contact_id: int) -> str:
    return str(contact_id)


def _focus_button(row: ContactStanding, index: int) -> Block:
    if row.focus:
        return button("Unfocus", f"{ACTION_UNFOCUS_PREFIX}:{index}", focus_value(row.contact.id))
    return button("Focus", f"{ACTION_FOCUS_PREFIX}:{index}", focus_value(row.contact.id))


def _row_blocks(row: ContactStanding, index: int, *, tz: str, now: datetime) -> list[Block]:
    star = " :star:" if row.focus else ""
    head = f"{label_icon(row.label)} *{escape(row.contact.display_name)}*{star} — {row.label}"
    if row.last_at is not None:
        what = f", {escape(row.last_kind)}" if row.last_kind else ""
        by = f" by {escape(row.last_by)}" if row.last_by else ""
        head += f"\nLast: {local_date(row.last_at, tz)} ({ago(row.last_at, now)}{what}){by}"
    if row.cadence is not None:
        head += f"  ·  {every(row.cadence.every_days)}, {row.cadence.text}"
    block = section(head)
    block["accessory"] = _focus_button(row, index)
    details = [escape(row.why)]
    if row.action is not None:
        details.append(action_line(row.action))
    return [block, context(*details)]


def fading_page_value(page: int, tag: str | None, team: bool) -> str:
    return json.dumps({"p": page, "t": tag, "m": team}, separators=(",", ":"))


def parse_fading_page_value(value: str) -> tuple[int, str | None, bool]:
    """(page, tag, team) from a Previous/Next button; ValueError when malformed."""
    data = json.loads(value)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    tag = data.get("t")
    page = value_int(data["p"], low=1, high=MAX_PAGE)
    return page, (str(tag)[:100] if tag else None), bool(data.get("m"))


def fading_blocks(page: FadingPage, *, tz: str, now: datetime) -> list[Block]:
    """One page (≤ 50 blocks): two blocks a person, a header and Previous/Next."""
    scope = "the team's" if page.team else "your"
    tag = f" tagged *#{escape(page.tag)}*" if page.tag else ""
    if not page.rows:
        if page.page > 1:
            return [section("No more people on this list.")]
        return [
            section(
                f"Nobody{tag} to show yet: the fading list is built from {scope} notes. "
                "Log one, e.g. `/rapport log coffee with Jane Doe`."
            )
        ]
    first = (page.page - 1) * page.page_size + 1
    last = first + len(page.rows) - 1
    blocks: list[Block] = [
        section(f"*Fading* — {scope} people{tag}, longest silence first ({first}–{last})")
    ]
    room = (MAX_MESSAGE_BLOCKS - 2) // 2
    for index, row in enumerate(page.rows[:room]):
        blocks += _row_blocks(row, index, tz=tz, now=now)
    nav = []
    if page.page > 1:
        nav.append(
            button(
                "Previous",
                f"{ACTION_FADING_PAGE_PREFIX}:prev",
                fading_page_value(page.page - 1, page.tag, page.team),
            )
        )
    if page.has_more:
        nav.append(
            button(
                "Next",
                f"{ACTION_FADING_PAGE_PREFIX}:next",
                fading_page_value(page.page + 1, page.tag, page.team),
            )
        )
    if nav:
        blocks.append(actions(nav, block_id="fading_nav"))
    return fit(blocks, MAX_MESSAGE_BLOCKS)


def fading_fallback_text(page: FadingPage) -> str:
    return escape(f"Fading: {', '.join(r.contact.display_name for r in page.rows[:10])}")


def focus_change_text(change: FocusChange) -> str:
    """One sentence (plain, not escaped) for the console and Slack."""
    name = change.contact.display_name
    if change.focused:
        head = f"{name} is on your focus list" if change.changed else f"{name} already is in focus"
        head += f" ({change.count} of {change.limit})."
        if change.cadence_added:
            head += f" I'll nudge you {every(change.cadence_days or 0)}."
        elif change.cadence_days:
            head += f" Your {change.cadence_days}-day cadence stays."
        return head
    if not change.changed:
        return f"{name} wasn't on your focus list."
    tail = (
        f" Your {change.cadence_days}-day cadence stays (`cadence {name} stop` ends it)."
        if change.cadence_days
        else ""
    )
    return f"Took {name} off your focus list ({change.count} left).{tail}"


def focus_change_blocks(change: FocusChange) -> list[Block]:
    blocks = [section(":star: " + escape(focus_change_text(change)))]
    if change.warning:
        blocks.append(section(":seedling: " + escape(change.warning)))
    return blocks


def empty_focus_sentence(command: str = COMMAND) -> str:
    return (
        "Your focus list is empty. Pick the few people you want to keep close: "
        f"`{command} focus Jane Doe`."
    )


def nothing_pressing_sentence() -> str:
    return "Nothing pressing: you're square with everyone you know."


def weekly_review_sentence(on: bool) -> str:
    """What turning the weekly review DM on or off says."""
    return "Weekly review DM on: every Monday morning." if on else "Weekly review DM off."


def focus_list_blocks(focus: FocusList, *, tz: str, now: datetime) -> list[Block]:
    if not focus.rows:
        return [section(empty_focus_sentence())]
    count = len(focus.rows)
    blocks: list[Block] = [section(f"*Your focus list* ({count} of {focus.limit})")]
    room = (MAX_MESSAGE_BLOCKS - 1) // 2
    for index, row in enumerate(focus.rows[:room]):
        blocks += _row_blocks(row, index, tz=tz, now=now)
    return fit(blocks, MAX_MESSAGE_BLOCKS)


def next_action_lines(items: Sequence[NextAction]) -> list[str]:
    lines = []
    for item in items:
        star = " :star:" if item.focus else ""
        line = action_line(item.action) + star
        draft = draft_text(item.action)
        if draft:
            line += f"\n      _{draft}_"
        lines.append(line)
    return lines


def next_actions_blocks(
    items: Sequence[NextAction], *, title: str = "Your next five"
) -> list[Block]:
    """A header and one line per suggestion (drafts in italics); nothing when there is none."""
    if not items:
        return []
    return [header(title), *sections_from_lines(next_action_lines(items))]


def digest_blocks(items: Sequence[NextAction]) -> list[Block]:
    """For the morning digest: "also worth doing today", under the reminders."""
    if not items:
        return []
    return [context("*Also worth doing today*"), *sections_from_lines(next_action_lines(items))]


def home_blocks(
    items: Sequence[NextAction], focus: FocusList, *, tz: str, now: datetime
) -> list[Block]:
    """App Home, above the loops: your next five, then your focus list in one section."""
    blocks = next_actions_blocks(items)
    if focus.rows:
        blocks.append(header(f"Your focus ({len(focus.rows)} of {focus.limit})"))
        lines = []
        for row in focus.rows:
            last = f", last {ago(row.last_at, now)}" if row.last_at else ", not in touch yet"
            cadence = f", {row.cadence.text}" if row.cadence else ""
            lines.append(
                f"{label_icon(row.label)} *{escape(row.contact.display_name)}* — "
                f"{row.label}{last}{cadence}"
            )
        blocks += sections_from_lines(lines)
    return blocks


def card_standing_blocks(standing: ContactStanding) -> list[Block]:
    """For the contact card, under the last-contact line: the state, why, the next best action,
    and a Focus / Unfocus button."""
    lines = [
        f"{label_icon(standing.label)} *{standing.label.capitalize()}* — {escape(standing.why)}"
    ]
    if standing.turn is not None:
        lines.append(f":left_right_arrow: {escape(standing.turn.text)}")
    if standing.action is not None:
        lines.append("*Next:* " + action_line(standing.action))
        draft = draft_text(standing.action)
        if draft:
            lines.append(f"_{draft}_")
    block = section("\n".join(lines))
    block["accessory"] = _focus_button(standing, 0)
    return [block]


def _loop_text(loop: ReviewLoop) -> str:
    who = escape(loop.contact.display_name)
    what = escape(loop.what)
    return f"you owe *{who}* {what}" if loop.direction == "you_owe" else f"*{who}* owes you {what}"


def _bold_count(count: int, noun: str) -> str:
    """ "*1* note", "*3* people"."""
    number, _, words = plural(count, noun).partition(" ")
    return f"*{number}* {words}"


def review_text_lines(review: Review, *, tz: str) -> list[str]:
    """The review as mrkdwn lines (escaped), shared by the DM, Slack and the console."""
    period = f"{local_date(review.since, tz)} – {local_date(review.until, tz)}"
    kinds = ", ".join(escape(plural(n, kind)) for kind, n in review.kinds[:6])
    lines = [
        f"*Your week in relationships* ({period})",
        f"{_bold_count(review.interactions, 'note')} with {_bold_count(review.people, 'person')}"
        + (f": {kinds}" if kinds else ""),
    ]
    if review.loops_opened:
        lines.append("*Opened:* " + "; ".join(_loop_text(lp) for lp in review.loops_opened[:10]))
    if review.loops_closed:
        lines.append("*Closed:* " + "; ".join(_loop_text(lp) for lp in review.loops_closed[:10]))
    if not review.loops_opened and not review.loops_closed:
        lines.append("No loops opened or closed.")
    if review.cooled:
        lines.append(
            "*Cooled this week:* "
            + "; ".join(
                f"{escape(r.contact.display_name)} ({escape(r.why)})" for r in review.cooled
            )
        )
    if review.focus:
        counts: dict[str, int] = {}
        for row in review.focus:
            counts[row.label] = counts.get(row.label, 0) + 1
        state = ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
        needing = [r.contact.display_name for r in review.focus if r.label in ("cooling", "cold")]
        tail = f" — needing you: {escape(', '.join(needing))}" if needing else ""
        lines.append(f"*Focus list:* {plural(len(review.focus), 'person')}, {state}{tail}")
    else:
        lines.append("*Focus list:* empty — `/rapport focus Jane Doe` picks someone to keep close.")
    if review.people_met:
        lines.append(people_met_line(review))
    return lines


def people_met_line(review: Review) -> str:
    """ "You met 3 new people this week: …" — met in the week's meetings, not contacts yet."""
    people = review.people_met
    shown = []
    for person in people[:MAX_MET_SHOWN]:
        detail = [person.email] if person.email and person.email != person.label else []
        detail.append(plural(person.meetings, "meeting"))
        shown.append(f"{escape(person.label)} ({escape(', '.join(detail))})")
    more = len(people) - MAX_MET_SHOWN
    tail = f", and {more} more" if more > 0 else ""
    return f"*You met {_new_people(len(people))} this week:* {', '.join(shown)}{tail}"


def _new_people(count: int) -> str:
    return "1 new person" if count == 1 else f"{count} new people"


def review_blocks(review: Review, *, tz: str) -> list[Block]:
    lines = review_text_lines(review, tz=tz)
    blocks: list[Block] = [header("Your weekly review"), *sections_from_lines(lines[1:])]
    # The Add buttons right under "You met N new people" (the last line), before what's next.
    blocks += add_people_blocks(review.people_met)
    blocks += next_actions_blocks(review.next_actions, title="Next")
    return fit(blocks, MAX_MESSAGE_BLOCKS)


def review_fallback_text(review: Review) -> str:
    return (
        f"Your weekly review: {plural(review.interactions, 'note')} with "
        f"{plural(review.people, 'person')}, {plural(len(review.loops_closed), 'loop')} closed, "
        f"{len(review.cooled)} cooled"
        + (f", {_new_people(len(review.people_met))} met" if review.people_met else "")
    )
