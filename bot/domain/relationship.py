"""Where a relationship stands, and the one thing to do next: pure rules over plain facts.

No I/O and no clock: `Facts` carries `now` and everything the rules read (the store gathers them
in bot/standing/facts.py). Two questions are answered:

- `assess(facts)` → `State`: a label (new, warm, cooling, cold) with a one-line why that a person
  can check against their own memory ("3 interactions in 90 days, last 40 days ago, they reached
  out twice").
- `next_action(facts)` → `Action | None`: one suggestion, in this order of precedence:

  1. sensitive news in the last 30 days → a kind check-in, never a pitch (it replaces everything
     else: "the house fire suppresses the pitch");
  2. an occasion *today* → the greeting (it cannot wait; a deck can wait a day);
  3. something you owe → do it ("an owed deck beats a cadence nudge");
  4. an occasion within the week → the greeting draft, with their first name;
  5. something you wait on that is overdue (or a week old without a date) → a polite nudge;
  6. a focus contact cooling, cold or never contacted, or any cadence that has run out → reach
     out, with the last thing you talked about as a conversation starter;
  7. any other cooling or cold contact → reach out, ranked last.

The rhythm a relationship is judged against is your cadence with them when you set one, else
the rhythm you actually keep (180 days over the interactions in them, with slack), so a weekly
collaborator cools sooner than a once-a-quarter investor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Final

from bot.domain.names import first_name
from bot.domain.occasions import greeting
from bot.domain.sensitive import check_in_draft, heads_up

NEW_DAYS: Final = 30  # a first interaction this recent: the relationship is new
RECENT_DAYS: Final = 90
LONG_DAYS: Final = 180
COLD_DAYS: Final = 180  # this long without an interaction is cold whatever the rhythm
DEFAULT_RHYTHM: Final = 60  # days, when there is too little history to know one
MIN_RHYTHM: Final = 21
MAX_RHYTHM: Final = 90
SENSITIVE_DAYS: Final = 30  # the same cool-down the reminders use after bad news
SENSITIVE_MEMORY_DAYS: Final = 60  # after it, suggestions still carry the heads-up this long
OCCASION_SOON_DAYS: Final = 7
NUDGE_AFTER_DAYS: Final = 7  # an undated "waiting on" is worth a nudge after a week
STARTER_CHARS: Final = 140

# Action kinds, as scripts see them in --json.
CHECK_IN: Final = "check_in"
REPLY: Final = "reply"
GREET: Final = "greet"
NUDGE: Final = "nudge"
REACH_OUT: Final = "reach_out"


class Label(StrEnum):
    NEW = "new"
    WARM = "warm"
    COOLING = "cooling"
    COLD = "cold"


@dataclass(frozen=True)
class OpenLoop:
    direction: str  # "you_owe" | "they_owe"
    what: str
    due_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class Facts:
    """What the rules know about one person and one user (or the team, for --team)."""

    name: str  # the contact's display name
    now: datetime
    last_at: datetime | None = None  # the latest interaction
    first_at: datetime | None = None  # the first one
    last_kind: str | None = None  # coffee, call, …
    last_text: str | None = None  # what the latest note said (a conversation starter)
    last_initiator: str | None = None  # who reached out in the latest note: "me" | "them"
    in_recent: int = 0  # interactions in the last RECENT_DAYS
    in_long: int = 0  # interactions in the last LONG_DAYS (includes the recent ones)
    they_reached_out: int = 0  # in LONG_DAYS: notes that say they initiated ("Raj called me")
    you_reached_out: int = 0  # in LONG_DAYS: "I called Raj"
    loops: tuple[OpenLoop, ...] = ()  # your open loops with them
    sensitive: str | None = None  # the latest bad news, in human words ("kitchen fire")
    sensitive_at: datetime | None = None
    sensitive_kind: str | None = None  # its class, for the words of a check-in ("bereavement")
    occasion: str | None = None  # "birthday" | "anniversary", the next one
    occasion_in_days: int | None = None  # 0 = today
    occasion_years: int | None = None  # the age they turn / the years married, when known
    focus: bool = False
    cadence_days: int | None = None  # your stay-in-touch cadence, when one applies
    needs: tuple[str, ...] = ()  # "wants a shelter dog"


@dataclass(frozen=True)
class State:
    label: Label
    why: str  # one line, lower case, no final period
    rhythm_days: int  # the gap this relationship is judged against
    days_since: int | None  # whole days since the last interaction; None: never


@dataclass(frozen=True)
class Action:
    kind: str  # check_in | reply | greet | nudge | reach_out
    text: str  # one plain sentence (render escapes it)
    rank: int  # lower comes first in "your next five"
    draft: str | None = None  # a message to send, or a conversation starter
    urgency: float = 0.0  # days overdue: the tie-break within a rank


# --- state --------------------------------------------------------------------------------------


def rhythm_days(facts: Facts) -> int:
    """Your cadence, else the rhythm you keep: 1.5 × the average gap over 180 days, bounded."""
    if facts.cadence_days:
        return facts.cadence_days
    if facts.in_long >= 2:
        return max(MIN_RHYTHM, min(MAX_RHYTHM, round(LONG_DAYS / facts.in_long * 1.5)))
    return DEFAULT_RHYTHM


def days_between(earlier: datetime, later: datetime) -> int:
    return max(0, (later - earlier).days)


def assess(facts: Facts) -> State:
    rhythm = rhythm_days(facts)
    if facts.last_at is None:
        # Facts are the viewer's own: on a card full of a teammate's notes, "no interactions
        # yet" would read as false.
        return State(Label.NEW, "you haven't been in touch yet", rhythm, None)
    since = days_between(facts.last_at, facts.now)
    parts = [_count_phrase(facts), f"last {_days_ago(since)}"]
    reciprocity = _reciprocity(facts)
    if reciprocity:
        parts.append(reciprocity)
    owed = _overdue(facts, "you_owe")
    if owed is not None:
        parts.append(f"you owe them {owed.what} (overdue)")

    if facts.first_at is not None and days_between(facts.first_at, facts.now) <= NEW_DAYS:
        first = days_between(facts.first_at, facts.now)
        return State(Label.NEW, f"first met {_days_ago(first)}; " + ", ".join(parts), rhythm, since)
    if since >= COLD_DAYS or since > 2 * rhythm:
        return State(Label.COLD, ", ".join(parts), rhythm, since)
    if since > rhythm:
        if facts.cadence_days:
            parts.append(f"past your {facts.cadence_days}-day cadence")
        return State(Label.COOLING, ", ".join(parts), rhythm, since)
    earlier = facts.in_long - facts.in_recent
    if earlier >= 3 and facts.in_recent * 3 <= earlier:
        parts.append(f"down from {earlier} in the 90 days before")
        return State(Label.COOLING, ", ".join(parts), rhythm, since)
    if facts.you_reached_out >= 3 and facts.they_reached_out == 0:
        return State(Label.COOLING, ", ".join(parts), rhythm, since)
    if owed is not None:
        return State(Label.COOLING, ", ".join(parts), rhythm, since)
    return State(Label.WARM, ", ".join(parts), rhythm, since)


def _count_phrase(facts: Facts) -> str:
    if facts.in_recent:
        return f"{_n(facts.in_recent, 'interaction')} in {RECENT_DAYS} days"
    if facts.in_long:
        return f"none in {RECENT_DAYS} days ({facts.in_long} in {LONG_DAYS})"
    return f"none in {LONG_DAYS} days"


def _reciprocity(facts: Facts) -> str | None:
    they, you = facts.they_reached_out, facts.you_reached_out
    if they and you:
        return f"they reached out {_times(they)}, you {_times(you)}"
    if they:
        return f"they reached out {_times(they)}"
    if you >= 2:
        return f"you reached out {_times(you)}, they didn't"
    return None


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _days_ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def _overdue(facts: Facts, direction: str) -> OpenLoop | None:
    late = [
        loop
        for loop in facts.loops
        if loop.direction == direction and loop.due_at is not None and loop.due_at < facts.now
    ]
    return min(late, key=lambda loop: (loop.due_at, loop.created_at)) if late else None


# --- next best action ---------------------------------------------------------------------------


def next_action(facts: Facts, state: State | None = None) -> Action | None:
    """One suggestion, by the precedence in the module docstring; None when all is well."""
    state = state or assess(facts)
    first = first_name(facts.name, default="there")
    owed = sorted(
        (loop for loop in facts.loops if loop.direction == "you_owe"),
        key=lambda loop: (loop.due_at is None, loop.due_at or loop.created_at, loop.created_at),
    )
    if facts.sensitive and facts.sensitive_at is not None:
        since = days_between(facts.sensitive_at, facts.now)
        if since <= SENSITIVE_DAYS:
            wait = f" ({owed[0].what} can wait)" if owed else ""
            said = heads_up(facts.sensitive, facts.sensitive_at, facts.now)
            return Action(
                kind=CHECK_IN,
                text=f"Go gently with {facts.name} — {said}{wait}.",
                rank=0,
                draft=check_in_draft(facts.sensitive_kind or "", first),
                urgency=float(SENSITIVE_DAYS - since),
            )
    action = _usual_action(facts, state, first, owed)
    # After the cool-down the usual suggestion comes back, still saying why to go gently.
    if (
        action is not None
        and facts.sensitive
        and facts.sensitive_at is not None
        and days_between(facts.sensitive_at, facts.now) <= SENSITIVE_MEMORY_DAYS
    ):
        said = heads_up(facts.sensitive, facts.sensitive_at, facts.now)
        action = replace(action, text=f"{action.text.rstrip('.')} — {said}.")
    return action


def _usual_action(facts: Facts, state: State, first: str, owed: list[OpenLoop]) -> Action | None:
    occasion = _occasion_action(facts, first)
    if occasion is not None and facts.occasion_in_days == 0:
        return occasion
    if owed:
        loop = owed[0]
        due = ""
        urgency = 0.0
        rank = 3
        if loop.due_at is not None:
            late = (facts.now - loop.due_at).days
            if loop.due_at < facts.now:
                due = f", overdue by {_n(max(late, 1), 'day')}" if late >= 1 else ", due today"
                urgency, rank = float(late), 1
            else:
                ahead = (loop.due_at - facts.now).days
                due = f", due in {_n(ahead, 'day')}" if ahead >= 1 else ", due today"
        return Action(
            kind=REPLY, text=f"You owe {facts.name} {loop.what}{due}.", rank=rank, urgency=urgency
        )
    if occasion is not None:
        return occasion
    waiting = _nudge_worthy(facts)
    if waiting is not None:
        anchor = waiting.due_at or waiting.created_at
        days = days_between(anchor, facts.now)
        verb = "was due" if waiting.due_at is not None else "asked"
        return Action(
            kind=NUDGE,
            text=f"Nudge {facts.name} politely about {waiting.what} ({verb} {_days_ago(days)}).",
            rank=4,
            draft=f"Hi {first}, just checking in on {waiting.what} — no rush if you need a few "
            "more days.",
            urgency=float(days),
        )
    return _reach_out(facts, state, first)


def _occasion_action(facts: Facts, first: str) -> Action | None:
    days = facts.occasion_in_days
    if facts.occasion is None or days is None or not 0 <= days <= OCCASION_SOON_DAYS:
        return None
    when = {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")
    kind = facts.occasion.replace("_", " ")
    draft = greeting(facts.occasion, facts.name)
    turns = (
        f" (turns {facts.occasion_years})"
        if facts.occasion_years and facts.occasion == "birthday"
        else ""
    )
    return Action(
        kind=GREET,
        text=f"{facts.name}'s {kind} is {when}{turns}.",
        rank=0 if days == 0 else 2,
        draft=draft,
        urgency=float(OCCASION_SOON_DAYS - days),
    )


def _nudge_worthy(facts: Facts) -> OpenLoop | None:
    """A loop they owe you that is past its date, or a week old without one."""

    def ripe_loop(loop: OpenLoop) -> bool:
        if loop.direction != "they_owe":
            return False
        if loop.due_at is not None:
            return loop.due_at < facts.now
        return days_between(loop.created_at, facts.now) >= NUDGE_AFTER_DAYS

    ripe = [loop for loop in facts.loops if ripe_loop(loop)]
    return min(ripe, key=lambda loop: loop.due_at or loop.created_at) if ripe else None


def _reach_out(facts: Facts, state: State, first: str) -> Action | None:
    since = state.days_since
    cadence_due = (
        facts.cadence_days is not None
        and (since is None or since >= facts.cadence_days)
        and facts.last_at is not None
    )
    fading = state.label in (Label.COOLING, Label.COLD)
    if facts.focus and (fading or facts.last_at is None or cadence_due):
        rank = 5
    elif cadence_due:
        rank = 6
    elif fading:
        rank = 7
    else:
        return None
    if facts.last_at is None:
        return Action(
            kind=REACH_OUT,
            text=f"Reach out to {facts.name}: you haven't been in touch yet.",
            rank=rank,
        )
    assert since is not None
    overdue = since - (facts.cadence_days or state.rhythm_days)
    return Action(
        kind=REACH_OUT,
        text=f"Reach out to {facts.name}: {state.label.value}, last in touch {_days_ago(since)}.",
        rank=rank,
        draft=conversation_starter(facts),
        urgency=float(overdue),
    )


def conversation_starter(facts: Facts) -> str | None:
    """What you last talked about, to pick the thread up again; a need they mentioned first."""
    if facts.needs:
        return f"Ask how it's going: {facts.needs[0]}."
    if not facts.last_text:
        return None
    text = " ".join(facts.last_text.split())
    if len(text) > STARTER_CHARS:
        text = text[: STARTER_CHARS - 1].rstrip() + "…"
    kind = f"{facts.last_kind}, " if facts.last_kind else ""
    since = _days_ago(days_between(facts.last_at, facts.now)) if facts.last_at else ""
    return f"Last time ({kind}{since}): “{text}”"


# --- whose turn ---------------------------------------------------------------------------------

YOURS: Final = "yours"
THEIRS: Final = "theirs"
BOTH: Final = "both"
NOBODY: Final = "nobody"


@dataclass(frozen=True)
class Turn:
    """Whose move it is in the conversation with one person, and why, in one sentence."""

    whose: str  # yours | theirs | both | nobody
    text: str


def whose_turn(facts: Facts) -> Turn:
    """Open loops decide (what you owe is your move, what you wait on theirs); with none open,
    who reached out last: after they did, the next move is yours; after you did, theirs."""
    first = first_name(facts.name, default="them")
    owed = sorted((loop for loop in facts.loops if loop.direction == "you_owe"), key=_loop_order)
    waiting = sorted((loop for loop in facts.loops if loop.direction != "you_owe"), key=_loop_order)
    mine = f"you owe {facts.name} {_loops_phrase(owed, facts.now)}" if owed else ""
    theirs = f"you're waiting on {first} for {_loops_phrase(waiting, facts.now)}" if waiting else ""
    if owed and waiting:
        return Turn(BOTH, f"Both of you have a move: {mine}, and {theirs}.")
    if owed:
        return Turn(YOURS, f"Your turn: {mine}.")
    if waiting:
        return Turn(THEIRS, f"{first}'s turn: {theirs}.")
    if facts.last_at is None:
        # The facts are the viewer's own: teammates' notes may sit right below this line.
        return Turn(NOBODY, f"You haven't logged anything with {first} yet.")
    when = _days_ago(days_between(facts.last_at, facts.now))
    said = f"{facts.last_kind}, {when}" if facts.last_kind else when
    if facts.last_initiator == "them":
        return Turn(YOURS, f"Your turn: {first} reached out last ({said}); nothing is open.")
    if facts.last_initiator == "me":
        return Turn(THEIRS, f"{first}'s turn: you reached out last ({said}); nothing is open.")
    return Turn(NOBODY, f"Nobody owes a move: nothing is open with {first} (last: {said}).")


def _loop_order(loop: OpenLoop) -> tuple[bool, datetime, datetime]:
    return (loop.due_at is None, loop.due_at or loop.created_at, loop.created_at)


def _loops_phrase(loops: list[OpenLoop], now: datetime) -> str:
    """ "the W-9 (due in 3 days)", "the deck (overdue by 2 days) and 1 more"."""
    head = loops[0]
    due = ""
    if head.due_at is not None:
        if head.due_at < now:
            late = max(1, (now - head.due_at).days)
            due = f" (overdue by {_n(late, 'day')})"
        else:
            ahead = (head.due_at - now).days
            due = f" (due in {_n(ahead, 'day')})" if ahead >= 1 else " (due today)"
    more = f" and {len(loops) - 1} more" if len(loops) > 1 else ""
    return f"{head.what}{due}{more}"
