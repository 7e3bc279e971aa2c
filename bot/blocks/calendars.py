"""The sentences a calendar read is told in (an import's or a sync's summary, a connected
calendar's status), as mrkdwn; the console prints them through `mrkdwn_to_text`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from bot.blocks.ids import (
    ACTION_CALENDAR_CONNECT,
    BLOCK_CALENDAR_EMAIL,
    BLOCK_CALENDAR_PASSWORD,
    BLOCK_CALENDAR_URL,
    BLOCK_CALENDAR_USERNAME,
    INPUT_ACTION,
    VIEW_CALENDAR_CONNECT,
)
from bot.blocks.kit import Block, actions, button, context, escape, names, plain, section
from bot.blocks.people_met import add_people_blocks
from bot.domain.calendars import CalendarSync, CalendarView, ImportSummary
from bot.domain.humanize import ago, plural

MAX_NEW_PEOPLE_SHOWN: Final = 10
MAX_PROBLEMS_SHOWN: Final = 5


def summary_lines(summary: ImportSummary, *, now: datetime) -> list[str]:
    """What one read changed, who it was with, whom it met for the first time."""
    lines = [f"Read {plural(summary.meetings_read, 'meeting')} from *{escape(summary.calendar)}*."]
    filed = summary.added + summary.moved
    if summary.added:
        lines.append(f"Filed {plural(summary.added, 'new interaction')}.")
    if summary.moved:
        lines.append(f"Moved {plural(summary.moved, 'interaction')} to the meeting's new time.")
    if filed and summary.contacts:
        lines.append(f"With {names(summary.contacts)}.")
    if summary.removed:
        lines.append(
            f"Removed {plural(summary.removed, 'interaction')} "
            "(the meeting was cancelled, declined or is no longer on the calendar)."
        )
    if summary.unchanged and not filed and not summary.removed:
        lines.append(f"Nothing changed ({plural(summary.unchanged, 'meeting')} already filed).")
    elif summary.unchanged:
        lines.append(f"{plural(summary.unchanged, 'meeting')} already filed, unchanged.")
    skipped = [
        (summary.skipped_internal, "with teammates only"),
        (summary.skipped_no_contact, "with nobody who is a contact yet"),
        (summary.skipped_future, "not over yet (filed once they are)"),
        (summary.skipped_all_day, "all-day"),
        (summary.kept_deleted, "whose interaction you deleted"),
    ]
    said = [f"{count} {why}" for count, why in skipped if count]
    if said:
        lines.append("Not filed: " + "; ".join(said) + ".")
    if summary.created_contacts:
        lines.append(
            f"Added {plural(len(summary.created_contacts), 'new contact')} you met: "
            f"{names(summary.created_contacts)}."
        )
    if summary.new_people:
        lines.append(_new_people_line(summary, now))
    if filed:
        lines.append(
            "Meeting titles are private to you (`--share` lets your team see them)."
            if summary.private
            else "Your team can see these meetings' titles (`--private` to keep them to you)."
        )
    if summary.owner_email is None:
        lines.append(
            "Tip: tell me your address (`--me you@yourcompany.com`) so that meetings with only "
            "teammates are skipped and colleagues are not offered as new people."
        )
    if summary.problems:
        shown = "; ".join(
            f"{escape(p.uid[:60])}: {escape(p.reason)}"
            for p in summary.problems[:MAX_PROBLEMS_SHOWN]
        )
        more = len(summary.problems) - MAX_PROBLEMS_SHOWN
        tail = f" (and {more} more)" if more > 0 else ""
        lines.append(
            f"{plural(len(summary.problems), 'event')} could not be read and "
            f"{'was' if len(summary.problems) == 1 else 'were'} skipped: {shown}{tail}."
        )
    return lines


def _new_people_line(summary: ImportSummary, now: datetime) -> str:
    people = summary.new_people
    shown = []
    for person in people[:MAX_NEW_PEOPLE_SHOWN]:
        detail = [person.email] if person.email and person.email != person.label else []
        detail.append(plural(person.meetings, "meeting"))
        detail.append(f"last {ago(person.last_met, now)}")
        shown.append(f"*{escape(person.label)}* ({escape(', '.join(detail))})")
    more = len(people) - MAX_NEW_PEOPLE_SHOWN
    tail = f", and {more} more" if more > 0 else ""
    count = "1 new person" if len(people) == 1 else f"{len(people)} new people"
    example = escape(people[0].label)
    return (
        f"You met {count}: {', '.join(shown)}{tail}. Not contacts yet: log a note about "
        f"one (`met {example} …`) and import again, or let me add them (`--add-new-people`)."
    )


def status_lines(calendars: tuple[CalendarView, ...], *, now: datetime) -> list[str]:
    """Each connected calendar: its masked address, when it last synced and how that went."""
    if not calendars:
        return [
            "No calendar connected. `calendar connect URL` with your calendar's secret iCal "
            "address, or `calendar import FILE.ics`."
        ]
    lines = []
    for cal in calendars:
        linked = cal.kind in ("url", "caldav")
        if linked:
            where = f"`{escape(cal.address)}`" if cal.connected else "disconnected"
            if cal.kind == "caldav" and cal.connected:
                where += " (CalDAV)"
        else:
            where = "imported files"
        if linked and not cal.connected:
            synced = "no longer read"
        elif cal.last_synced_at:
            synced = f"last read {ago(cal.last_synced_at, now)} ({escape(cal.last_status)})"
        else:
            synced = "not read yet"
        connected = linked and cal.connected
        every = f", every {plural(cal.interval_minutes, 'minute')}" if connected else ""
        owner = f", as {escape(cal.owner_email)}" if cal.owner_email else ""
        titles = "titles private" if cal.private else "titles shared with the team"
        if cal.add_new_people:
            titles += "; people you meet become contacts"
        lines.append(
            f"*{escape(cal.name)}*: {where}{owner}{every}; {synced}; "
            f"{plural(cal.meetings, 'meeting')} filed; {titles}."
        )
    return lines


def sync_line(synced: CalendarSync) -> str:
    if synced.status == "not modified":
        return f"*{escape(synced.name)}*: unchanged since the last read."
    if synced.status.startswith("error"):
        return f"Couldn't read *{escape(synced.name)}*: {escape(synced.status[7:])}."
    summary = synced.summary
    filed = f": {plural(summary.added, 'new interaction')}" if summary and summary.added else ""
    return f"Read *{escape(synced.name)}*{filed}."


def disconnected_line(view: CalendarView) -> str:
    return (
        f"Disconnected *{escape(view.name)}*: its address is forgotten. The "
        f"{plural(view.meetings, 'meeting')} it filed stay on your contacts' cards."
    )


# --- Slack ---------------------------------------------------------------------------------------

CONNECT_HELP: Final = (
    "Paste your calendar's *secret address in iCal format* (Google Calendar → Settings → your "
    "calendar → Integrate calendar) or its published ICS link (Outlook → Settings → Shared "
    "calendars → Publish). For CalDAV (Nextcloud, Fastmail, iCloud), give the server's address "
    "with your user name and an *app password*. It is stored encrypted and never shown back "
    "whole. Meetings you had with your contacts become interactions on their cards, private to "
    "you."
)
URL_IN_A_COMMAND: Final = (
    "Please don't type a calendar's secret address into a command: use the form instead "
    "(the button below), and consider resetting that address in your calendar's settings."
)


def status_blocks(calendars: tuple[CalendarView, ...], *, now: datetime) -> list[Block]:
    """`/rapport calendar`: each calendar, and a button that opens the connect form."""
    blocks: list[Block] = [section(line) for line in status_lines(calendars, now=now)]
    blocks.append(actions([button("Connect a calendar", ACTION_CALENDAR_CONNECT, "connect")]))
    return blocks


def warning_blocks(text: str) -> list[Block]:
    return [
        section(text),
        actions([button("Connect a calendar", ACTION_CALENDAR_CONNECT, "connect")]),
    ]


def connect_modal() -> dict[str, Any]:
    def text_input(block_id: str, label: str, *, optional: bool, hint: str) -> Block:
        return {
            "type": "input",
            "block_id": block_id,
            "label": plain(label),
            "optional": optional,
            "hint": plain(hint),
            "element": {
                "type": "plain_text_input",
                "action_id": INPUT_ACTION,
                "max_length": 2000,
            },
        }

    return {
        "type": "modal",
        "callback_id": VIEW_CALENDAR_CONNECT,
        "title": plain("Connect a calendar"),
        "submit": plain("Connect"),
        "close": plain("Cancel"),
        "blocks": [
            section(CONNECT_HELP),
            text_input(
                BLOCK_CALENDAR_URL,
                "Secret iCal address, or CalDAV address",
                optional=False,
                hint="https://… or webcal://…, ending in .ics; or your CalDAV server "
                "(https://caldav.fastmail.com/, https://caldav.icloud.com/, a Nextcloud's "
                "/remote.php/dav/)",
            ),
            text_input(
                BLOCK_CALENDAR_USERNAME,
                "CalDAV user name",
                optional=True,
                hint="Only for CalDAV. Leave empty for a secret iCal address.",
            ),
            text_input(
                BLOCK_CALENDAR_PASSWORD,
                "CalDAV app password",
                optional=True,
                hint="Only for CalDAV: an app password made for Rapport (iCloud, Fastmail and "
                "Nextcloud make one in their security settings), not your main password.",
            ),
            text_input(
                BLOCK_CALENDAR_EMAIL,
                "Your address on that calendar",
                optional=True,
                hint="Tells your teammates apart, so meetings with only them are skipped.",
            ),
            context("You can disconnect it any time with `/rapport calendar disconnect`."),
        ],
    }


def sync_blocks(synced: CalendarSync, *, now: datetime) -> list[Block]:
    lines = summary_lines(synced.summary, now=now) if synced.summary else [sync_line(synced)]
    people = add_people_blocks(synced.summary.new_people) if synced.summary else []
    return [section(line) for line in lines] + people
