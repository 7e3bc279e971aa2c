"""Block Kit for the notes: the log confirmation (and "which Jane?"), recall pages, undo, help and
errors; and the loop, occasion and timeline lines the card and App Home reuse."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Final

from bot.blocks.ids import (
    ACTION_CHOOSE_PREFIX,
    ACTION_EDIT,
    ACTION_FIX_NAME,
    ACTION_RECALL_PAGE_PREFIX,
    ACTION_UNDO,
    MAX_OFFSET,
    value_int,
)
from bot.blocks.kit import (
    MAX_ACTIONS_ELEMENTS,
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    context,
    escape,
    fit,
    names,
    quote,
    section,
    sections_from_lines,
    slack_date,
    truncate,
)
from bot.blocks.team import log_team_lines
from bot.domain.humanize import ago, day_label, need_sentence, plural
from bot.domain.names import first_name
from bot.domain.notes import (
    Ambiguity,
    Correction,
    LogResult,
    LoopView,
    OccasionView,
    RecallHit,
    RecallResult,
    TimelineEntry,
)

RECALL_PAGE_SIZE: Final = 10
HIT_PREVIEW_CHARS: Final = 600
FIX_BUTTONS_FOR: Final = 2  # Slack shows at most 5 options in an overflow menu: 2 contacts × 2
FIX_KINDS: Final = ("not_person", "organisation")


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
        when = day_label(upcoming)
        if occasion.year and occasion.kind == "birthday":
            when += f" (turns {upcoming.year - occasion.year})"
    return f"{icon} *{escape(occasion.contact.display_name)}*'s {escape(kind)}: {when}"


def timeline_line(entry: TimelineEntry, *, tz: str, now: datetime) -> str:
    lock = " :lock:" if entry.private else ""
    when = slack_date(entry.occurred_at, fallback_tz=tz, with_time=False)
    return (
        f"• {when} ({ago(entry.occurred_at, now)}), "
        f"{escape(entry.author)}{lock}: {escape(truncate(entry.text, 300))}"
    )


def _choice_value(pending_id: int, name: str, contact_id: int) -> str:
    return json.dumps(
        {"p": pending_id, "n": truncate(name, 200), "c": contact_id}, separators=(",", ":")
    )


def parse_choice_value(value: str) -> tuple[int, str, int]:
    """(pending_id, name, contact_id) from a "which Jane?" button; ValueError when malformed."""
    data = json.loads(value)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return value_int(data["p"]), str(data["n"]), value_int(data["c"])


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


def log_confirmation(result: LogResult, *, tz: str, now: datetime) -> list[Block]:
    """What was understood and filed, with Undo and Edit; or "which Jane?" while pending."""
    if result.note_id is None and result.ambiguities:
        return ambiguity_blocks(result)
    if result.duplicate:
        return [section("Already saved that one.")]
    if result.correction is not None:
        return correction_blocks(result.correction, tz=tz, now=now)
    created = {c.id for c in result.created_contacts}
    orgs = ", ".join(f"*{escape(o.name)}*" for o in result.organisations)
    if result.contacts:
        about = ", ".join(
            f"*{escape(c.display_name)}*" + (" (new contact)" if c.id in created else "")
            for c in result.contacts
        )
        head = f":white_check_mark: Saved a note about {about}"
        if orgs:
            head += f" · {orgs}"
    elif orgs:
        # A note about an organisation only ("Initrode signed!") is filed under it.
        head = f":white_check_mark: Saved a note about {orgs} (organisation)"
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
    one = (
        first_name(result.contacts[0].display_name, default="")
        if len(result.contacts) == 1
        else None
    )
    lines += [":pushpin: " + escape(need_sentence(one, n)) for n in result.needs]
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
    lines += [":bulb: Noted: " + escape(fact) for fact in result.learned]
    lines += log_team_lines(result)
    blocks += sections_from_lines(lines)
    if result.note_id is not None:
        note = str(result.note_id)
        controls = [
            button("Undo", ACTION_UNDO, note, style="danger"),
            button("Edit", ACTION_EDIT, note),
        ]
        controls += _fix_buttons(result)
        blocks.append(actions(controls, block_id=f"note_{note}"))
    return fit(blocks, MAX_MESSAGE_BLOCKS)


def fix_value(note_id: int, contact_id: int, kind: str) -> str:
    return json.dumps({"n": note_id, "c": contact_id, "k": kind}, separators=(",", ":"))


def parse_fix_value(value: str) -> tuple[int, int, str]:
    """(note_id, contact_id, kind) from a "isn't a person" button; ValueError when malformed."""
    data = json.loads(value)
    if not isinstance(data, dict) or data.get("k") not in FIX_KINDS:
        raise ValueError("not a fix")
    return int(data["n"]), int(data["c"]), str(data["k"])


def _fix_buttons(result: LogResult) -> list[Block]:
    """One "⋯" menu for the contacts this note made: "X isn't a person", "X is a company"."""
    if result.note_id is None or not result.created_contacts:
        return []
    options = []
    for c in result.created_contacts[:FIX_BUTTONS_FOR]:
        name = truncate(c.display_name, 50)
        for kind, label in (
            ("not_person", f"{name} isn't a person"),
            ("organisation", f"{name} is a company"),
        ):
            options.append(
                {
                    "text": {"type": "plain_text", "text": label},
                    "value": fix_value(result.note_id, c.id, kind),
                }
            )
    return [{"type": "overflow", "action_id": ACTION_FIX_NAME, "options": options}]


def correction_lines(fix: Correction) -> list[str]:
    """What Rapport now knows about a name and what it did about it, one sentence a line (the
    console prints them as they are; Slack adds an icon to each)."""
    name = f"*{escape(fix.name)}*"
    if fix.kind == "person":
        lines = [f"Got it: {name} can be a person again, for everyone in this workspace."]
    else:
        what = (
            "is an organisation, not a person" if fix.kind == "organisation" else "isn't a person"
        )
        lines = [f"Got it: {name} {what}. I'll remember that for everyone in this workspace."]
    if fix.refiled:
        count = len(fix.refiled)
        yours = "your note" if count == 1 else f"{count} of your notes"
        lines.append(f"Re-filed {yours} that I had put under {name}.")
    if fix.removed_contact:
        lines.append(f"Removed the contact *{escape(fix.removed_contact)}*.")
    elif fix.kept_contact:
        lines.append(f"Kept the contact *{escape(fix.kept_contact)}*: {escape(fix.kept_because)}.")
    return lines


def _icon(line: str) -> str:
    for start, icon in (("Got it", ":brain:"), ("Re-filed", ":file_folder:")):
        if line.startswith(start):
            return icon
    return ":wastebasket:" if line.startswith("Removed") else ":information_source:"


def correction_blocks(fix: Correction, *, tz: str, now: datetime) -> list[Block]:
    """The correction, then each re-filed note's confirmation (with its own buttons)."""
    blocks: list[Block] = sections_from_lines(f"{_icon(x)} {x}" for x in correction_lines(fix))
    for refiled in fix.refiled:
        blocks += log_confirmation(refiled, tz=tz, now=now)
    return fit(blocks, MAX_MESSAGE_BLOCKS)


def log_fallback_text(result: LogResult) -> str:
    """The notification text that goes with the blocks."""
    if result.note_id is None and result.ambiguities:
        names = ", ".join(a.name for a in result.ambiguities)
        return escape(f"Which one did you mean: {names}?")
    if result.correction is not None:
        what = {"organisation": "is an organisation", "person": "can be a person"}
        said = what.get(result.correction.kind, "isn't a person")
        return escape(f"Got it: {result.correction.name} {said}")
    if result.contacts:
        return escape("Saved a note about " + ", ".join(c.display_name for c in result.contacts))
    if result.organisations:
        return escape("Saved a note about " + ", ".join(o.name for o in result.organisations))
    return "Saved a note"


def undone_blocks(text: str) -> list[Block]:
    return [
        section(
            ":wastebasket: Removed that note.\n"
            + "\n".join("~" + line + "~" for line in escape(text).splitlines() if line)
        )
    ]


def recall_page_value(query: str, offset: int) -> str:
    return json.dumps({"q": truncate(query, 1500), "o": offset}, separators=(",", ":"))


def parse_recall_page_value(value: str) -> tuple[str, int]:
    data = json.loads(value)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return str(data["q"]), value_int(data["o"], low=0, high=MAX_OFFSET)


def _hit_blocks(hit: RecallHit, *, tz: str, now: datetime) -> list[Block]:
    who = names(hit.contacts) or "_no contact_"
    text = escape(truncate(hit.text, HIT_PREVIEW_CHARS))
    when = slack_date(hit.occurred_at, fallback_tz=tz, with_time=False)
    meta = [
        *([f"*{escape(truncate(hit.answer, 200))}*"] if hit.answer else []),
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
    summary = escape(truncate(result.summary, 2000)) if result.summary else None
    if not result.hits:
        if result.offset:
            return [section(f"No more notes for “{query}”.")]
        if summary:
            return [section(summary)]
        return [section(f"I found nothing for “{query}”. Try fewer or different words.")]
    first = result.offset + 1
    last = result.offset + len(result.hits)
    count = f"{result.total} note{'s' if result.total != 1 else ''}"
    shown = f" (showing {first}–{last})" if result.total > len(result.hits) else ""
    blocks: list[Block] = [section(summary or f"*{count}* for “{query}”{shown}")]
    if result.also:
        blocks.append(context("Also searched: " + escape(truncate(", ".join(result.also), 300))))
    # Header, "also searched" + nav take 3 blocks; each hit takes 2: stay within one message.
    room = (MAX_MESSAGE_BLOCKS - 3) // 2
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
    return escape(f"{plural(result.total, 'note')} for “{truncate(result.query, 200)}”")


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
