"""The video link of a meeting, wherever the calendar put it: Google's conference fields, the
RFC 7986 CONFERENCE property, Teams' own property, the location, or the (often HTML) description.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.domain.calendars import VideoLink

_TAIL = r"[^\s<>\"'()\[\]{}|\\^`]+"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("zoom", re.compile(r"https://(?:[\w-]+\.)*zoom\.us/(?:j|my|w|s|wc)/" + _TAIL, re.I)),
    ("meet", re.compile(r"https://meet\.google\.com/(?:lookup/)?[a-z0-9-]{6,}", re.I)),
    (
        "teams",
        re.compile(r"https://teams\.(?:microsoft|live)\.com/(?:l/meetup-join|meet)/" + _TAIL, re.I),
    ),
    (
        "webex",
        re.compile(r"https://(?:[\w-]+\.)*webex\.com/(?:meet|join|[\w-]+/j\.php)" + _TAIL, re.I),
    ),
    ("jitsi", re.compile(r"https://meet\.jit\.si/" + _TAIL, re.I)),
)
# A location that names the service without a link ("Microsoft Teams-Besprechung", "Zoom").
_NAMED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("teams", re.compile(r"\b(?:microsoft\s+)?teams\b", re.I)),
    ("zoom", re.compile(r"\bzoom\b", re.I)),
    ("meet", re.compile(r"\bgoogle\s+meet\b|\bhangouts?\b", re.I)),
    ("webex", re.compile(r"\bwebex\b", re.I)),
)
# Left on a link by the text around it (a sentence's full stop, HTML's entity for "&").
_TRIM = ".,;:!?"


def find_video_link(texts: Iterable[str], *, location: str = "") -> VideoLink | None:
    """The first video-meeting link in `texts`, searched in the order given; else the service
    a `location` names (a link-less VideoLink)."""
    for text in texts:
        if not text:
            continue
        best: tuple[int, str, str] | None = None
        for provider, pattern in _PATTERNS:
            match = pattern.search(text)
            if match and (best is None or match.start() < best[0]):
                best = (match.start(), provider, match.group(0))
        if best is not None:
            url = best[2].replace("&amp;", "&").rstrip(_TRIM)
            return VideoLink(provider=best[1], url=url)
    for provider, pattern in _NAMED:
        if location and pattern.search(location):
            return VideoLink(provider=provider, url="")
    return None
