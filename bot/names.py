"""Name keys: how two spellings of one name are recognised as the same (no I/O)."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def name_key(name: str) -> str:
    """Casefold, drop accents and punctuation: "José  Álvarez-Ruiz" -> "jose alvarez ruiz"."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


def first_name(display_name: str) -> str:
    parts = display_name.split()
    return parts[0] if parts else display_name
