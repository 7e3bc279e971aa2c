"""Names: how two spellings of one name are recognised as the same, and a person's first name."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def name_key(name: str) -> str:
    """Casefold, drop accents and punctuation: "José  Álvarez-Ruiz" -> "jose alvarez ruiz"."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


def first_name(name: str, *, default: str) -> str:
    """ "Jane Doe" -> "Jane"; `default` ("there", "them") when there is no name at all."""
    parts = name.split()
    return parts[0] if parts else default
