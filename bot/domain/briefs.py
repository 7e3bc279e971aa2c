"""A brief before a meeting: for each attendee who is a contact, the few things worth knowing
walking in, taken from their card (so it shows only what the card's viewer may see).

`points` is the one list both renderers draw (Block Kit in bot/blocks/brief.py, plain text in
bot/console/brief.py), so the DM, `/rapport brief`, App Home and `rapport brief` say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from bot.domain.humanize import ago, need_sentence
from bot.domain.names import first_name
from bot.domain.notes import ContactCard

BIRTHDAY_AHEAD: Final = timedelta(days=30)  # a birthday this close is worth a word
DEFAULT_BRIEF_MINUTES: Final = 15
MAX_BRIEF_MINUTES: Final = 120


@dataclass(frozen=True)
class MeetingView:
    id: int
    title: str
    start: datetime
    end: datetime
    others: tuple[str, ...] = ()  # attendees outside the team who are not contacts


@dataclass(frozen=True)
class Brief:
    meeting: MeetingView | None  # None: asked for by name, with no meeting coming up
    people: tuple[ContactCard, ...]


@dataclass(frozen=True)
class BriefSettings:
    minutes: int  # 0: off

    @property
    def on(self) -> bool:
        return self.minutes > 0

    @property
    def text(self) -> str:
        if not self.on:
            return "Briefs before meetings are off (`brief on` turns them back on)."
        return (
            f"A brief {self.minutes} minutes before each meeting with your contacts "
            "(`brief minutes 10`, `brief off`)."
        )


@dataclass(frozen=True)
class Point:
    """One line of a person's brief: what it is about (an icon name) and plain words."""

    kind: str  # about | standing | last | loop | need | birthday | heads_up | next
    text: str


def points(card: ContactCard, *, now: datetime, today: date) -> list[Point]:
    """What to know about one attendee, most important first after who they are."""
    found: list[Point] = []
    about = " at ".join(x for x in (card.role, card.company) if x)
    if about:
        found.append(Point("about", about))
    # Every piece of bad news, even when the next action already says it: walking into a
    # meeting, this is the line not to miss. One line per note that raised it.
    news: dict[datetime, list[str]] = {}
    for topic, when in card.sensitive:
        if topic not in news.setdefault(when, []):
            news[when].append(topic)
    for when, topics in sorted(news.items(), reverse=True):
        said = f"{', '.join(topics)} {ago(when, now)} — check in, don't pitch"
        found.append(Point("heads_up", said))
    standing = card.standing
    if standing is not None:
        found.append(Point("standing", f"{standing.label.capitalize()} — {standing.why}"))
    last = card.last_interaction
    if last is not None:
        kind = f" ({last.kind})" if last.kind else ""
        said = f"Last spoke: {last.author}, {ago(last.occurred_at, now)}{kind}"
        found.append(Point("last", said))
    for loop in card.open_loops:
        head = "You owe them" if loop.direction == "you_owe" else "They owe you"
        late = " (overdue)" if loop.overdue else ""
        found.append(Point("loop", f"{head}: {loop.what}{late}"))
    who = first_name(card.contact.display_name, default="They")
    found += [Point("need", need_sentence(who, need)) for need in card.needs]
    for occasion in card.occasions:
        if occasion.kind != "birthday":
            continue
        try:
            day = date.fromisoformat(occasion.next_date)
        except ValueError:
            continue
        if today <= day <= today + BIRTHDAY_AHEAD:
            found.append(Point("birthday", f"Birthday {_in_days((day - today).days)}"))
    if standing is not None and standing.action is not None:
        found.append(Point("next", f"Next: {standing.action.text}"))
    return found


def _in_days(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


# Outbox kinds and dedupe keys: one brief and one "how did it go?" per owner and occurrence at
# its start time, so a moved meeting gets a brief for its new time and never two for one time.
KIND_BRIEF: Final = "brief"
KIND_AFTER: Final = "after_meeting"


def _stamp(start: datetime) -> str:
    return start.strftime("%Y%m%dT%H%M%SZ")


def brief_key(owner_id: int, meeting_id: int, start: datetime) -> str:
    return f"brief:{owner_id}:{meeting_id}:{_stamp(start)}"


def after_key(owner_id: int, meeting_id: int, start: datetime) -> str:
    return f"after:{owner_id}:{meeting_id}:{_stamp(start)}"
