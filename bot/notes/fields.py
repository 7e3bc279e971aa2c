"""The fields address books share, read the way each of them writes them: dates of birthdays and
anniversaries, phone numbers (plain, formatted, `tel:` URIs), email addresses."""

from __future__ import annotations

import re

MonthDay = tuple[int, int, int | None]  # month, day, year (None when the file gives no year)

_DATES = (
    re.compile(r"^(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})(?:[T ].*)?$"),  # 1990-03-14, 19900314
    re.compile(r"^-{1,2}(?P<m>\d{2})-?(?P<d>\d{2})$"),  # --03-14, --0314 (no year)
    re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{2}|\d{4})(?: .*)?$"),  # 3/14/1990
    re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})$"),  # 14.03.1990
)
# What Outlook and others write for "no date": not a problem, just nothing.
EMPTY_DATES = frozenset({"", "0/0/00", "0/0/0000", "00/00/0000", "1/1/1601", "0000-00-00"})


def parse_date(text: str) -> MonthDay | None:
    """vCard, Google and Outlook date spellings → (month, day, year or None); None if unreadable."""
    value = text.strip()
    for pattern in _DATES:
        match = pattern.match(value)
        if match is None:
            continue
        parts = match.groupdict()
        month, day = int(parts["m"]), int(parts["d"])
        year = int(parts["y"]) if parts.get("y") else None
        if year is not None and year < 100:
            year += 1900 if year > 30 else 2000
        if pattern is _DATES[2] and month > 12 and day <= 12:  # 14/3/1990: day first
            month, day = day, month
        if year is not None and year < 1800:  # Apple writes 1604 for "no year"
            year = None
        if 1 <= month <= 12 and 1 <= day <= _days_in(month):
            return month, day, year
    return None


def _days_in(month: int) -> int:
    return 29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31


_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x|#)\s*(\d+)\s*$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s().\-/\u00a0\u2010-\u2015]")


def normalise_phone(raw: str) -> str | None:
    """One phone number in one spelling: `+1 (418) 656-9254`, `tel:+1-418-656-9254;ext=102` →
    `+14186569254`, `+14186569254 ext. 102`. None when it holds fewer than three digits (the
    macOS card whose TEL is "M-'")."""
    text = raw.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    main, *params = text.split(";")
    extension = next((p.split("=", 1)[1] for p in params if p.lower().startswith("ext=")), "")
    match = _EXTENSION.search(main)
    if match is not None and not extension:
        extension, main = match.group(1), main[: match.start()]
    main = _SEPARATORS.sub("", main)
    plus = main.startswith("+")
    body = re.sub(r"[^0-9A-Za-z]", "", main).upper()  # vanity numbers keep their letters
    if sum(c.isdigit() for c in body) < 3 or not re.fullmatch(r"[0-9A-Z]+", body):
        return None
    number = ("+" if plus else "") + body
    return f"{number} ext. {extension}" if extension else number


_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


def normalise_email(raw: str) -> str | None:
    """An address as written, without `mailto:` or angle brackets; None when it is not one."""
    text = raw.strip().strip("<>").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text if _EMAIL.match(text) else None


def unique(values: list[str]) -> list[str]:
    """Values in order, each once (compared without case, as email addresses are)."""
    seen: set[str] = set()
    out = []
    for value in values:
        if value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return out
