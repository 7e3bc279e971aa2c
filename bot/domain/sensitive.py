"""Bad news in human words: what a heads-up says ("kitchen fire 2 weeks ago — check in, don't
pitch") and how a kind check-in opens ("I'm so sorry for your loss", never "I heard about the
bereavement").

The parser names a class of news ("house fire", "bereavement", …, bot/parsing/sensitivity.py);
the note's own words make it specific ("a fire in the kitchen" is a kitchen fire, "cancer" is a
cancer diagnosis). Pure: topics and text in, words out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from bot.domain.humanize import ago

# When a note carries several, the one a person would name first.
PRECEDENCE: Final = (
    "bereavement",
    "funeral",
    "miscarriage",
    "house fire",
    "lost home",
    "illness",
    "surgery",
    "hospital",
    "accident",
    "laid off",
    "divorce",
    "breakup",
    "visa trouble",
    "burnout",
    "hard time",
)
LOSS: Final = frozenset({"bereavement", "funeral", "miscarriage"})
HOME: Final = frozenset({"house fire", "lost home"})
HEALTH: Final = frozenset({"illness", "surgery", "hospital", "accident"})

_WORDS: Final = {
    "bereavement": "a death in the family",
    "funeral": "a funeral",
    "miscarriage": "a miscarriage",
    "house fire": "a fire at home",
    "lost home": "losing their home",
    "illness": "an illness",
    "surgery": "surgery",
    "hospital": "a hospital stay",
    "accident": "an accident",
    "laid off": "a layoff",
    "divorce": "a divorce",
    "breakup": "a breakup",
    "visa trouble": "visa trouble",
    "burnout": "burnout",
    "hard time": "a hard time",
}
_ROOMS = r"kitchen|garage|basement|attic|house|home|apartment|flat|condo|barn|office|warehouse"
_FIRE_BEFORE = re.compile(rf"\b({_ROOMS})\s+fire\b", re.IGNORECASE)
_FIRE_IN = re.compile(
    rf"\bfire\s+(?:in|at)\s+(?:the|their|her|his|our)\s+({_ROOMS})\b", re.IGNORECASE
)
_WILDFIRE = re.compile(r"\bwild\s?fires?\b", re.IGNORECASE)
_ILLNESS = (
    (re.compile(r"\bcancer\b|\bchemo", re.IGNORECASE), "a cancer diagnosis"),
    (re.compile(r"\bheart\s+attack\b", re.IGNORECASE), "a heart attack"),
    (re.compile(r"\bstroke\b", re.IGNORECASE), "a stroke"),
    (re.compile(r"\bdementia\b|\balzheimer", re.IGNORECASE), "a dementia diagnosis"),
    (re.compile(r"\bcovid\b", re.IGNORECASE), "covid"),
)
_KIN = re.compile(
    r"(?:\b(?:her|his|their)|'s)\s+(mother|father|mom|mum|dad|husband|wife|partner|son|daughter"
    r"|brother|sister|grandmother|grandfather|grandma|grandpa|dog|cat)\b",
    re.IGNORECASE,
)
# The relative is the one it happened to: "his wife had surgery", "Ana's dad is in hospital".
_KIN_SUBJECT = re.compile(
    _KIN.pattern + r"\s+(?:is|was|has|had|got|went|just|been|in|needs|needed)\b", re.IGNORECASE
)
# Whose death it was: "her dad passed away", "lost his mother", "the death of their son".
_KIN_DIED = re.compile(
    _KIN.pattern + r"(?:\s+\w+){0,2}?\s+(?:passed|died|dies|death)\b"
    r"|\b(?:lost|death\s+of)\s+"
    + _KIN.pattern.replace("(?:\\b(?:her|his|their)|'s)", "(?:her|his|their)"),
    re.IGNORECASE,
)
_BURNED_DOWN = re.compile(rf"\b({_ROOMS})\s+(?:burned|burnt)\s+down\b", re.IGNORECASE)
_LOST_HOME = (
    (re.compile(r"\blost\s+(?:her|his|their|the)\s+\w+", re.IGNORECASE), "losing their home"),
    (re.compile(r"\bflood", re.IGNORECASE), "a flood at home"),
    (re.compile(r"\btemporary\b", re.IGNORECASE), "being out of their home"),
    (re.compile(r"\bevacuated\b", re.IGNORECASE), "an evacuation"),
)
_LOST_JOB = re.compile(r"\blost\s+(?:her|his|their)\s+job\b", re.IGNORECASE)
_CAR_CRASH = re.compile(r"\b(car|bike|motorbike)\s+(?:crash|accident)\b", re.IGNORECASE)


@dataclass(frozen=True)
class News:
    """One piece of bad news about one contact, as reminders and the card show it."""

    topic: str  # the parser's class ("house fire"); the precedence picks one per note
    words: str  # human: "kitchen fire", "a death in the family"
    at: datetime  # when it was said (the note's date)
    note_id: int = 0


def primary(topics: Iterable[str]) -> str | None:
    """The topic a person would name first among a note's ("house fire" over "lost home")."""
    found = [t for t in topics if t]
    if not found:
        return None
    rank = {t: i for i, t in enumerate(PRECEDENCE)}
    return min(found, key=lambda t: (rank.get(t, len(rank)), t))


def words_for(topic: str, text: str) -> str:
    """The topic in the note's own words where they say more ("kitchen fire", "a stroke",
    "their wife's surgery")."""
    said = _specific(topic, text)
    kin = _KIN_SUBJECT.search(text) if topic in HEALTH else None
    if kin is not None:
        base = said.removeprefix("a ").removeprefix("an ")
        return f"their {kin.group(1).lower()}'s {base}"
    return said


def _specific(topic: str, text: str) -> str:
    if topic == "house fire":
        m = _FIRE_BEFORE.search(text) or _FIRE_IN.search(text) or _BURNED_DOWN.search(text)
        if m is not None:
            room = m.group(1).lower()
            return "house fire" if room in ("house", "home") else f"{room} fire"
        if _WILDFIRE.search(text):
            return "the wildfire"
    if topic == "lost home":
        for pattern, words in _LOST_HOME:
            if pattern.search(text):
                return words
    if topic == "illness":
        for pattern, said in _ILLNESS:
            if pattern.search(text):
                return said
    if topic == "bereavement":
        m = _KIN_DIED.search(text)
        if m is not None:
            kin = next(g for g in m.groups() if g)
            return f"the death of their {kin.lower()}"
    if topic == "accident":
        m = _CAR_CRASH.search(text)
        if m is not None:
            return f"a {m.group(1).lower()} accident"
    if topic == "laid off" and _LOST_JOB.search(text):
        return "losing their job"
    return _WORDS.get(topic, "difficult news")


def news(topics: Iterable[str], text: str, at: datetime, note_id: int = 0) -> News | None:
    """A note's news about one contact, or None when there is none."""
    topic = primary(topics)
    if topic is None:
        return None
    return News(topic=topic, words=words_for(topic, text), at=at, note_id=note_id)


def heads_up(words: str, at: datetime | None, now: datetime) -> str:
    """ "heads-up: kitchen fire 2 weeks ago — check in, don't pitch" (plain text)."""
    when = when_said(at, now) if at is not None else ""
    return f"heads-up: {words}{when} — check in, don't pitch"


def when_said(at: datetime, now: datetime) -> str:
    """When Rapport heard it, in days, not hours: ", just heard", ", heard yesterday", then as
    `ago` says it (" 2 weeks ago"). It is when the note said it, not when it happened: "her dad
    passed away last week" logged today was just heard."""
    hours = (now - at).total_seconds() / 3600
    if hours < 12:
        return ", just heard"
    if hours < 36:
        return ", heard yesterday"
    return f" {ago(at, now)}"


def check_in_draft(topic: str, first: str) -> str:
    """A first line for a kind message, in the words a person would use for this kind of news."""
    if topic in LOSS:
        return (
            f"Hi {first}, I was so sorry to hear of your loss. Thinking of you — no need to reply."
        )
    if topic in HOME:
        what = "the fire" if topic == "house fire" else "what happened to your home"
        return (
            f"Hi {first}, I heard about {what} — I'm so sorry. I hope you're all holding up; "
            "if there's anything I can do, just say."
        )
    if topic in HEALTH:
        return (
            f"Hi {first}, I heard you've had a hard few weeks and wanted to send my best wishes. "
            "Thinking of you — no need to reply."
        )
    if topic == "laid off":
        return (
            f"Hi {first}, I heard about the changes at work — I'm sorry. If an intro or a "
            "reference would help, I'm glad to. No need to reply."
        )
    return f"Hi {first}, I've been thinking of you and hope you're doing okay. No need to reply."
