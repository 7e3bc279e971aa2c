"""Block Kit renderings of the service's results: pure functions from domain values to dicts.

Every piece of user text goes through `escape` (so `<!channel>` or a fake `<http://…|link>` in a
note cannot ping or mislead anyone), every section stays within Slack's 3000 characters, and every
list is cut to 50 blocks per message (100 in App Home and modals). Times are rendered with Slack's
`<!date^…>` token, which each reader's client shows in their own zone; the fallback text is in
the zone the caller passes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Final

from bot.domain.humanize import ago, local_date, local_datetime, plural
from bot.domain.notes import (
    Ambiguity,
    ContactCard,
    Home,
    LogResult,
    LoopList,
    LoopView,
    OccasionView,
    PressureNote,
    RecallHit,
    RecallResult,
    TimelineEntry,
)
from bot.domain.refs import ContactRef

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS: Final = 50
MAX_SURFACE_BLOCKS: Final = 100  # App Home and modals
MAX_SECTION_TEXT: Final = 3000
MAX_BUTTON_TEXT: Final = 75
MAX_BUTTON_VALUE: Final = 2000
MAX_ACTIONS_ELEMENTS: Final = 25
MAX_INPUT_LENGTH: Final = 3000
RECALL_PAGE_SIZE: Final = 10
HIT_PREVIEW_CHARS: Final = 600

# action_ids and callback_ids: the handlers register exactly these.
ACTION_UNDO: Final = "note_undo"
ACTION_EDIT: Final = "note_edit"
ACTION_CHOOSE_PREFIX: Final = "choose_contact"
ACTION_CARD_PREFIX: Final = "card_contact"
ACTION_RECALL_PAGE_PREFIX: Final = "recall_page"
VIEW_SAVE_NOTE: Final = "save_note_submit"
VIEW_EDIT_NOTE: Final = "edit_note_submit"
BLOCK_TEXT: Final = "note_text"
BLOCK_ABOUT: Final = "note_about"
INPUT_ACTION: Final = "value"

RECALL_ALIASES: Final = ("recall", "find", "search")


def escape(text: str) -> str:
    """Escape the three characters Slack treats as markup, so echoed text stays text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn_to_text(text: str, *, keep_entities: bool = False) -> str:
    """mrkdwn back to plain text, for the console and for a notification's fallback: no bold;
    the escaped `&`, `<`, `>` decoded, unless the text goes back to Slack (`keep_entities`)."""
    plain = text.replace("*", "")
    if keep_entities:
        return plain
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "…"


def _safe_truncate(escaped: str, limit: int) -> str:
    """Truncate already-escaped text without cutting an entity such as `&amp;` in half."""
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(limit - 1, 0)]
    amp = cut.rfind("&", max(len(cut) - 5, 0))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def plain(text: str, *, emoji: bool = True) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": emoji}


def section(text: str) -> Block:
    """A mrkdwn section; `text` is already escaped mrkdwn."""
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": _safe_truncate(text, MAX_SECTION_TEXT)},
    }


def context(*texts: str) -> Block:
    elements = [
        {"type": "mrkdwn", "text": _safe_truncate(t, MAX_SECTION_TEXT)} for t in texts if t
    ][:10]
    return {"type": "context", "elements": elements}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(truncate(text, 150))}


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str, action_id: str, value: str, *, style: str | None = None, confirm: Block | None = None
) -> Block:
    if len(value) > MAX_BUTTON_VALUE:
        raise ValueError(f"button value too long ({len(value)} > {MAX_BUTTON_VALUE})")
    element: Block = {
        "type": "button",
        "text": plain(truncate(text, MAX_BUTTON_TEXT)),
        "action_id": action_id,
        "value": value,
    }
    if style is not None:
        element["style"] = style
    if confirm is not None:
        element["confirm"] = confirm
    return element


def actions(elements: Sequence[Block], *, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[:MAX_ACTIONS_ELEMENTS]}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def quote(text: str) -> str:
    """Escaped text as a mrkdwn block quote."""
    return "\n".join("&gt; " + line for line in escape(text).splitlines() or [""])


def slack_date(when: datetime, *, fallback_tz: str, with_time: bool = True) -> str:
    """`<!date^…>`: Slack shows it in the reader's own zone; the fallback uses `fallback_tz`."""
    fmt = "{date_short_pretty} at {time}" if with_time else "{date_short_pretty}"
    fallback = local_datetime(when, fallback_tz) if with_time else local_date(when, fallback_tz)
    return f"<!date^{int(when.timestamp())}^{fmt}|{fallback}>"


def sections_from_lines(lines: Iterable[str], *, limit: int = MAX_SECTION_TEXT) -> list[Block]:
    """Pack mrkdwn lines into as few sections as fit 3000 characters each."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for raw in lines:
        line = _safe_truncate(raw, limit)
        if current and size + 1 + len(line) > limit:
            blocks.append(section("\n".join(current)))
            current, size = [], 0
        current.append(line)
        size += len(line) + (1 if size else 0)
    if current:
        blocks.append(section("\n".join(current)))
    return blocks


def fit(blocks: list[Block], limit: int, *, more: str = "…and more not shown here.") -> list[Block]:
    """Cut a block list to `limit`, saying so in the last block."""
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], context(more)]


def _names(contacts: Iterable[ContactRef]) -> str:
    return ", ".join(f"*{escape(c.display_name)}*" for c in contacts)


# --- confirmations --------------------------------------------------------------------------


def loop_line(loop: LoopView, *, tz: str) -> str:
    who = escape(loop.contact.display_name)
    head = f"You owe *{who}*" if loop.direction == "you_owe" else f"Waiting on *{who}*"
    due = ""
    if loop.due_at is not None:
        due = f" — due {slack_date(loop.due_at, fallback_tz=tz, with_time=False)}"
    flag = ":red_circle: *overdue* " if loop.overdue else ""
    return f"{flag}{head}: {escape(loop.what)}{due}"


def occasion_line(occasion: OccasionView) -> str:
    """`:birthday: *Jane Doe*'s birthday: Sat 14 Mar 2026 (turns 36)`."""
    kind = occasion.kind.replace("_", " ")
    icon = ":birthday:" if occasion.kind == "birthday" else ":date:"
    try:
        upcoming = date.fromisoformat(occasion.next_date)
    except ValueError:
        when = escape(occasion.next_date)
    else:
        when = f"{upcoming:%a} {upcoming.day} {upcoming:%b %Y}"
        if occasion.year and occasion.kind == "birthday":
            when += f" (turns {upcoming.year - occasion.year})"
    return f"{icon} *{escape(occasion.contact.display_name)}*'s {escape(kind)}: {when}"


def _choice_value(pending_id: int, name: str, contact_id: int) -> str:
    return json.dumps(
        {"p": pending_id, "n": truncate(name, 200), "c": contact_id}, separators=(",", ":")
    )


def parse_choice_value(value: str) -> tuple[int, str, int]:
    """(pending_id, name, contact_id) from a "which Jane?" button; ValueError when malformed."""
    data = json.loads(value)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return int(data["p"]), str(data["n"]), int(data["c"])


def ambiguity_blocks(result: LogResult) -> list[Block]:
    """ "Which Jane?": one button per candidate; nothing is filed until the author picks."""
    if result.pending_id is None:
        return []
    blocks: list[Block] = [
        section("Nothing saved yet — one name could mean several people.\n" + quote(result.text))
    ]
    for i, amb in enumerate(result.ambiguities):
        blocks.append(section(f"Which *{escape(amb.name)}*?"))
        blocks.append(
            actions(_candidate_buttons(result.pending_id, amb, i), block_id=f"choose_{i}")
        )
    return fit(blocks, MAX_MESSAGE_BLOCKS)


def _candidate_buttons(pending_id: int, amb: Ambiguity, index: int) -> list[Block]:
    buttons = []
    for j, cand in enumerate(amb.candidates[:MAX_ACTIONS_ELEMENTS]):
        label = cand.display_name + (f" ({cand.hint})" if cand.hint else "")
        buttons.append(
            button(
                label,
                f"{ACTION_CHOOSE_PREFIX}:{index}:{j}",
                _choice_value(pending_id, amb.name, cand.contact_id),
            )
        )
    return buttons


def pressure_line(pressure: PressureNote) -> str:
    who = ", ".join(escape(t) for t in pressure.teammates[:3])
    if len(pressure.teammates) > 3:
        who += " and others"
    return (
        f":busts_in_silhouette: *{escape(pressure.contact.display_name)}* heard from the team "
        f"{pressure.count} times in the last {pressure.since_days} days ({who}) — maybe give "
        "them some room."
    )


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
        lines.append(f"*Stay in touch:* every {card.cadence_days} days")
    if card.pressure is not None:
        lines.append(pressure_line(card.pressure))
    return lines


def log_confirmation(result: LogResult, *, tz: str, now: datetime) -> list[Block]:
    """What was understood and filed, with Undo and Edit; or "which Jane?" while pending."""
    if result.note_id is None and result.ambiguities:
        return ambiguity_blocks(result)
    if result.duplicate:
        return [section("Already saved that one.")]
    created = {c.id for c in result.created_contacts}
    if result.contacts:
        about = ", ".join(
            f"*{escape(c.display_name)}*" + (" (new contact)" if c.id in created else "")
            for c in result.contacts
        )
        head = f":white_check_mark: Saved a note about {about}"
    else:
        head = ":white_check_mark: Saved a note (I couldn't tell who it's about)"
    if result.private:
        head += "  :lock: private"
    blocks: list[Block] = [section(head + "\n" + quote(result.text))]

    facts = []
    if result.kind:
        facts.append(f"*Kind:* {escape(result.kind)}")
    facts.append(
        f"*When:* {slack_date(result.occurred_at, fallback_tz=tz)} ({ago(result.occurred_at, now)})"
    )
    if result.tags:
        facts.append("*Tags:* " + ", ".join(escape(t) for t in result.tags))
    blocks.append(context(*facts))

    lines: list[str] = []
    lines += [":arrows_counterclockwise: " + loop_line(loop, tz=tz) for loop in result.loops_opened]
    lines += [
        ":white_check_mark: Closed — " + loop_line(loop, tz=tz) for loop in result.loops_closed
    ]
    lines += [occasion_line(o) for o in result.occasions]
    if result.needs:
        lines.append(":pushpin: *Needs:* " + "; ".join(escape(n) for n in result.needs))
    if result.sensitive:
        lines.append(
            ":warning: *Sensitive:* "
            + ", ".join(escape(s) for s in result.sensitive)
            + " — reminders for them go quiet for a while"
        )
    if result.not_understood:
        lines.append(
            ":grey_question: I didn't understand: "
            + ", ".join(f"“{escape(s)}”" for s in result.not_understood)
        )
    lines += log_team_lines(result)
    blocks += sections_from_lines(lines)
    if result.note_id is not None:
        note = str(result.note_id)
        blocks.append(
            actions(
                [
                    button("Undo", ACTION_UNDO, note, style="danger"),
                    button("Edit", ACTION_EDIT, note),
                ],
                block_id=f"note_{note}",
            )
        )
    return fit(blocks, MAX_MESSAGE_BLOCKS)


def log_fallback_text(result: LogResult) -> str:
    """The notification text that goes with the blocks."""
    if result.note_id is None and result.ambiguities:
        names = ", ".join(a.name for a in result.ambiguities)
        return escape(f"Which one did you mean: {names}?")
    if result.contacts:
        return escape("Saved a note about " + ", ".join(c.display_name for c in result.contacts))
    return "Saved a note"


def undone_blocks(text: str) -> list[Block]:
    return [
        section(
            ":wastebasket: Removed that note.\n"
            + "\n".join("~" + line + "~" for line in escape(text).splitlines() if line)
        )
    ]


# --- recall ---------------------------------------------------------------------------------


def recall_page_value(query: str, offset: int) -> str:
    return json.dumps({"q": truncate(query, 1500), "o": offset}, separators=(",", ":"))


def parse_recall_page_value(value: str) -> tuple[str, int]:
    data = json.loads(value)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return str(data["q"]), max(int(data["o"]), 0)


def _hit_blocks(hit: RecallHit, *, tz: str, now: datetime) -> list[Block]:
    who = _names(hit.contacts) or "_no contact_"
    text = escape(truncate(hit.text, HIT_PREVIEW_CHARS))
    when = slack_date(hit.occurred_at, fallback_tz=tz, with_time=False)
    meta = [
        f"{when} ({ago(hit.occurred_at, now)})",
        f"logged by {escape(hit.author)}",
    ]
    if hit.kind:
        meta.append(escape(hit.kind))
    if hit.private:
        meta.append(":lock: private")
    return [section(f"{who}: {text}"), context(" · ".join(meta))]


def recall_blocks(
    result: RecallResult, *, tz: str, now: datetime, page_size: int = RECALL_PAGE_SIZE
) -> list[Block]:
    """One page of recall answers (≤ 50 blocks), with Previous/Next buttons when there are more."""
    query = escape(truncate(result.query, 200))
    if not result.hits:
        if result.offset:
            return [section(f"No more notes for “{query}”.")]
        return [section(f"I found nothing for “{query}”. Try fewer or different words.")]
    first = result.offset + 1
    last = result.offset + len(result.hits)
    count = f"{result.total} note{'s' if result.total != 1 else ''}"
    shown = f" (showing {first}–{last})" if result.total > len(result.hits) else ""
    blocks: list[Block] = [section(f"*{count}* for “{query}”{shown}")]
    # Header + nav take 2 blocks; each hit takes 2: stay within one message.
    room = (MAX_MESSAGE_BLOCKS - 2) // 2
    for hit in result.hits[: min(page_size, room)]:
        blocks += _hit_blocks(hit, tz=tz, now=now)
    nav = []
    if result.offset > 0:
        prev_offset = max(result.offset - page_size, 0)
        nav.append(
            button(
                "Previous",
                f"{ACTION_RECALL_PAGE_PREFIX}:prev",
                recall_page_value(result.query, prev_offset),
            )
        )
    if last < result.total:
        nav.append(
            button(
                "Next", f"{ACTION_RECALL_PAGE_PREFIX}:next", recall_page_value(result.query, last)
            )
        )
    if nav:
        blocks.append(actions(nav, block_id="recall_nav"))
    return fit(blocks, MAX_MESSAGE_BLOCKS)


def recall_fallback_text(result: RecallResult) -> str:
    return escape(f"{result.total} notes for “{truncate(result.query, 200)}”")


# --- contact card, loops, home ----------------------------------------------------------------


def _timeline_line(entry: TimelineEntry, *, tz: str, now: datetime) -> str:
    lock = " :lock:" if entry.private else ""
    when = slack_date(entry.occurred_at, fallback_tz=tz, with_time=False)
    return (
        f"• {when} ({ago(entry.occurred_at, now)}), "
        f"{escape(entry.author)}{lock}: {escape(truncate(entry.text, 300))}"
    )


def card_blocks(
    card: ContactCard,
    *,
    tz: str,
    now: datetime,
    limit: int = MAX_MESSAGE_BLOCKS,
    standing: Sequence[Block] = (),
) -> list[Block]:
    """A contact's card; `standing` (bot.standing_blocks.card_blocks) goes under the last-contact
    line: the relationship's state, the next best action and the Focus button."""
    blocks: list[Block] = [header(card.contact.display_name)]
    about = []
    if card.role or card.company:
        about.append(escape(" at ".join(x for x in (card.role, card.company) if x)))
    if card.aliases:
        about.append("also known as " + ", ".join(escape(a) for a in card.aliases))
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
    blocks += standing
    lines: list[str] = card_team_lines(card, now=now)
    lines += [loop_line(loop, tz=tz) for loop in card.open_loops]
    lines += [occasion_line(o) for o in card.occasions]
    if card.needs:
        lines.append(":pushpin: *Needs:* " + "; ".join(escape(n) for n in card.needs))
    lines += [
        f":warning: *Heads-up:* {escape(topic)} ({ago(when, now)}) — go gently"
        for topic, when in card.sensitive
    ]
    blocks += sections_from_lines(lines)
    if card.timeline:
        blocks.append(divider())
        blocks += sections_from_lines(_timeline_line(e, tz=tz, now=now) for e in card.timeline)
    else:
        blocks.append(context("No notes you can see yet."))
    return fit(blocks, limit)


def card_fallback_text(card: ContactCard) -> str:
    return escape(f"Card for {card.contact.display_name}")


def candidates_blocks(name: str, candidates: Sequence[tuple[int, str]]) -> list[Block]:
    """ "Which Jane?" for `who`: one button per contact, each showing that card."""
    buttons = [
        button(label, f"{ACTION_CARD_PREFIX}:{i}", str(contact_id))
        for i, (contact_id, label) in enumerate(candidates[:MAX_ACTIONS_ELEMENTS])
    ]
    return [
        section(f"Which *{escape(name)}* did you mean?"),
        actions(buttons, block_id="card_choose"),
    ]


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
    (overdue first, as the service orders them), birthdays, recent notes."""
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
        blocks += sections_from_lines(_timeline_line(e, tz=tz, now=now) for e in home.recent)
    else:
        blocks.append(context("No notes yet. DM me something like “met Jane Doe for coffee”."))
    blocks.append(context(f"Updated {slack_date(now, fallback_tz=tz)}"))
    return {"type": "home", "blocks": fit(blocks, MAX_SURFACE_BLOCKS)}


def help_blocks(usage: Sequence[str], *, unknown: str | None = None) -> list[Block]:
    """How to use Rapport; `usage` is one line per /rapport subcommand (from the registry)."""
    blocks: list[Block] = []
    if unknown is not None:
        blocks.append(
            section(f"I don't know `{escape(truncate(unknown, 100))}`. Here is what I can do:")
        )
    blocks.append(
        section(
            "*Rapport* remembers your team's relationships. Tell me what happened in your own "
            "words — DM me, @mention me, use `/rapport log`, or *Save as note* on any message. "
            "Ask a question (“who wanted a dog?”) to recall."
        )
    )
    blocks += sections_from_lines("• " + line for line in usage)
    blocks.append(context("Everything I answer is visible only to you."))
    return blocks


def error_blocks(message: str) -> list[Block]:
    return [section(":warning: " + escape(message))]


# --- modals -------------------------------------------------------------------------------


def _text_input(
    block_id: str,
    label: str,
    *,
    initial: str | None,
    multiline: bool,
    optional: bool,
    hint: str | None = None,
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": INPUT_ACTION,
        "multiline": multiline,
        "max_length": MAX_INPUT_LENGTH,
    }
    if initial:
        element["initial_value"] = truncate(initial, MAX_INPUT_LENGTH)
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def save_note_modal(*, text: str, about: str, private_metadata: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": VIEW_SAVE_NOTE,
        "title": plain("Save as note"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": private_metadata,
        "blocks": [
            _text_input(
                BLOCK_ABOUT,
                "About",
                initial=about,
                multiline=False,
                optional=True,
                hint="Who this note is about; leave empty to let me find names in the text.",
            ),
            _text_input(BLOCK_TEXT, "Note", initial=text, multiline=True, optional=False),
        ],
    }


def edit_note_modal(*, text: str, private_metadata: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": VIEW_EDIT_NOTE,
        "title": plain("Edit note"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": private_metadata,
        "blocks": [_text_input(BLOCK_TEXT, "Note", initial=text, multiline=True, optional=False)],
    }
