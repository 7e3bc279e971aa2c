"""Asking whose turn it is: "whose turn is it with Yusuf?", "is it my turn with Yusuf", "who owes
whom with Yusuf Rahimi?" name the person; the answer is their standing row's `turn`."""

from __future__ import annotations

import re

_ASKED = re.compile(
    r"^(?:so\s+)?(?:"
    r"whose\s+(?:turn|move)\s+is\s+it(?:\s+now)?"
    r"|whose\s+(?:turn|move)"
    r"|is\s+it\s+(?:my|their|his|her)\s+(?:turn|move)"
    r"|who\s+owes\s+(?:who|whom)(?:\s+what)?"
    r"|who\s+has\s+the\s+next\s+move"
    r")\s+(?:with|for|between\s+(?:me|us)\s+and|w/)\s+(?P<name>.+?)\s*[?!.]*$",
    re.IGNORECASE,
)


def subject(text: str) -> str | None:
    """ "whose turn is it with Yusuf?" → "Yusuf"; None when the text isn't that question."""
    m = _ASKED.match(" ".join(text.split()))
    if m is None:
        return None
    name = m.group("name").strip(" ,")
    return name or None
