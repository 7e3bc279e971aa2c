"""The two modals: "Save as note" (from the message shortcut) and "Edit note"."""

from __future__ import annotations

from typing import Any

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
