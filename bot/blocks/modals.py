"""The two modals: "Save as note" (from the message shortcut) and "Edit note".

A text input holds at most 3,000 characters, and a note may hold 10,000: a longer note is
shown in several boxes ("Note, part 1 of 2"), cut where a line or a word ends, and put back
together on submit (`joined_text`), so a note is never silently cut short.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from bot.blocks.ids import (
    BLOCK_ABOUT,
    BLOCK_TEXT,
    INPUT_ACTION,
    VIEW_EDIT_NOTE,
    VIEW_SAVE_NOTE,
)
from bot.blocks.kit import (
    MAX_INPUT_LENGTH,
    Block,
    plain,
    truncate,
)


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
        element["initial_value"] = truncate(initial, MAX_INPUT_LENGTH)  # the parts already fit
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


# A part's block id: "note_text" for the first, then "note_text.2.n" (its index, and what joined
# it to the part before: n a newline, s a space, x nothing — the cut fell inside a word).
_PART: Final = re.compile(rf"^{re.escape(BLOCK_TEXT)}(?:\.(\d+)\.([nsx]))?$")
_JOINERS: Final = {"n": "\n", "s": " ", "x": ""}


def split_text(text: str, limit: int = MAX_INPUT_LENGTH) -> list[tuple[str, str]]:
    """`text` in parts of at most `limit` characters, each with the joiner code that goes before
    it ("" for the first): cut at the last newline, else the last space, else anywhere."""
    parts: list[tuple[str, str]] = []
    joiner = ""
    while len(text) > limit:
        cut, code = text.rfind("\n", limit // 2, limit + 1), "n"
        if cut == -1:
            cut, code = text.rfind(" ", limit // 2, limit + 1), "s"
        if cut == -1:
            parts.append((joiner, text[:limit]))
            text, joiner = text[limit:], "x"
            continue
        parts.append((joiner, text[:cut]))
        text, joiner = text[cut + 1 :], code
    parts.append((joiner, text))
    return parts


def _note_inputs(text: str) -> list[Block]:
    parts = split_text(text)
    if len(parts) == 1:
        return [_text_input(BLOCK_TEXT, "Note", initial=text, multiline=True, optional=False)]
    hint = (
        f"This note is {len(text):,} characters and a box holds {MAX_INPUT_LENGTH:,}, so it is "
        f"in {len(parts)} boxes; they are saved together as one note."
    )
    blocks = []
    for index, (joiner, part) in enumerate(parts, start=1):
        block_id = BLOCK_TEXT if index == 1 else f"{BLOCK_TEXT}.{index}.{joiner}"
        blocks.append(
            _text_input(
                block_id,
                f"Note, part {index} of {len(parts)}",
                initial=part,
                multiline=True,
                optional=index > 1,
                hint=hint if index == 1 else None,
            )
        )
    return blocks


def joined_text(values: Mapping[str, str]) -> str:
    """The note from a submitted modal's boxes (block id → value), parts in order."""
    found: list[tuple[int, str, str]] = []
    for block_id, value in values.items():
        match = _PART.match(block_id)
        if match is not None:
            index = int(match.group(1) or 1)
            found.append((index, _JOINERS[match.group(2) or "x"], value))
    text = ""
    for index, joiner, value in sorted(found):
        text += (joiner if index > 1 and text else "") + value
    return text


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
            *_note_inputs(text),
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
        "blocks": _note_inputs(text),
    }
