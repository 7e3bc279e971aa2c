"""The "Add" buttons under "You met 3 new people" (a calendar read's summary DM): one click makes
a contact of someone met, with the name and address the invitation gave."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from bot.blocks.ids import ACTION_ADD_PERSON_PREFIX
from bot.blocks.kit import MAX_ACTIONS_ELEMENTS, Block, actions, button
from bot.domain.calendars import NewPerson

MAX_BUTTONS: Final = min(5, MAX_ACTIONS_ELEMENTS)


def add_value(person: NewPerson) -> str:
    return json.dumps({"n": person.label[:200], "e": person.email})


def parse_add_value(value: str) -> tuple[str, str | None]:
    """(name, address) from a button's value; ValueError when it is not one of ours."""
    found: Any = json.loads(value)
    if not isinstance(found, dict) or not isinstance(found.get("n"), str):
        raise ValueError("not an Add button")
    email = found.get("e")
    return found["n"], email if isinstance(email, str) else None


def add_people_blocks(people: Sequence[NewPerson]) -> list[Block]:
    """Buttons for the first few people met who have a name (an address is no name to file
    notes under)."""
    named = [p for p in people if p.label and "@" not in p.label][:MAX_BUTTONS]
    if not named:
        return []
    return [
        actions(
            [
                button(f"Add {p.label}", f"{ACTION_ADD_PERSON_PREFIX}:{i}", add_value(p))
                for i, p in enumerate(named)
            ],
            block_id="people_met",
        )
    ]
