"""Every identifier Slack sends back to Rapport: action_ids, callback_ids, block and input ids,
the slash command. Buttons on messages already sent carry these, so their values never change;
renderers put them on blocks and the handlers register exactly these.
"""

from __future__ import annotations

from typing import Final

COMMAND: Final = "/rapport"
SHORTCUT_SAVE_AS_NOTE: Final = "save_as_note"  # the message shortcut's callback_id

# Numbers that come back in a button value are the client's to change: anything but a plain
# decimal in range (an id fits both databases' INTEGER; a page or an offset a person could reach)
# is an out-of-date button, never an OverflowError or a database error.
MAX_ID: Final = 2**31 - 1
MAX_PAGE: Final = 10_000
MAX_OFFSET: Final = 100_000
MAX_SNOOZE_DAYS: Final = 3650


def value_int(value: object, *, low: int = 1, high: int = MAX_ID) -> int:
    """An integer from a button value, or ValueError (the button is out of date)."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and 0 < len(value) <= 12 and value.isascii() and value.isdigit():
        number = int(value)
    else:
        raise ValueError("not a plain decimal")
    if not low <= number <= high:
        raise ValueError("out of range")
    return number


# notes: log confirmation, "which Jane?", cards, recall pages, modals
ACTION_UNDO: Final = "note_undo"
ACTION_EDIT: Final = "note_edit"
ACTION_CHOOSE_PREFIX: Final = "choose_contact"
ACTION_CARD_PREFIX: Final = "card_contact"
ACTION_RECALL_PAGE_PREFIX: Final = "recall_page"
ACTION_FIX_NAME: Final = "note_fix_name"  # an overflow menu: "X isn't a person", "X is a company"
VIEW_SAVE_NOTE: Final = "save_note_submit"
VIEW_EDIT_NOTE: Final = "edit_note_submit"
BLOCK_TEXT: Final = "note_text"
BLOCK_ABOUT: Final = "note_about"
INPUT_ACTION: Final = "value"

# team: forget, after a confirmation
ACTION_FORGET_CONFIRM: Final = "team_forget_confirm"
ACTION_FORGET_CANCEL: Final = "team_forget_cancel"

# standing: fading pages, Focus / Unfocus, "which one?" for focus
ACTION_FADING_PAGE_PREFIX: Final = "standing_fading_page"
ACTION_FOCUS_PREFIX: Final = "standing_focus"
ACTION_UNFOCUS_PREFIX: Final = "standing_unfocus"
ACTION_FOCUS_PICK_PREFIX: Final = "standing_focus_pick"

# reminders: the controls on every reminder in a DM
ACTION_DONE: Final = "reminder_done"
ACTION_SNOOZE: Final = "reminder_snooze"  # an overflow menu; option values "DAYS|KEY"
ACTION_STOP: Final = "reminder_stop"

# calendars (bot/handlers/calendars.py)
ACTION_CALENDAR_CONNECT: Final = "calendar_connect"
VIEW_CALENDAR_CONNECT: Final = "calendar_connect_submit"
BLOCK_CALENDAR_URL: Final = "calendar_url"
BLOCK_CALENDAR_EMAIL: Final = "calendar_email"
BLOCK_CALENDAR_USERNAME: Final = "calendar_username"
BLOCK_CALENDAR_PASSWORD: Final = "calendar_password"

# Meetings: "How did it go?" opens the log modal with the attendees filled in; "Add" makes a
# contact of someone met (its value: "name|email").
ACTION_MEETING_LOG: Final = "meeting_log"
ACTION_ADD_PERSON_PREFIX: Final = "meeting_add_person"
