"""What the notes use cases return (log, recall, card, loops, team, contacts, import): plain
frozen values that the console and the Block Kit renderers turn into text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.refs import ContactRef, OrganisationRef
from bot.domain.standing import ContactStanding


@dataclass(frozen=True)
class Candidate:
    """One contact a name might mean."""

    contact_id: int
    display_name: str
    hint: str = ""  # "last note 3 days ago", company, …


@dataclass(frozen=True)
class Ambiguity:
    """A name in the note that matches several contacts closely: ask "which one?"."""

    name: str
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class LoopView:
    id: int
    direction: str  # "you_owe" | "they_owe"
    what: str
    contact: ContactRef
    due_at: datetime | None
    created_at: datetime
    overdue: bool
    source_note_id: int


@dataclass(frozen=True)
class OccasionView:
    kind: str
    month: int
    day: int
    year: int | None
    contact: ContactRef
    next_date: str  # ISO date of the next occurrence, in the actor's zone


@dataclass(frozen=True)
class PressureNote:
    """Teammates already contacted this person several times this week: don't pile on."""

    contact: ContactRef
    count: int  # teammates' interactions in the window
    teammates: tuple[str, ...]  # their display names, most active first
    since_days: int = 7
    last_at: datetime | None = None


@dataclass(frozen=True)
class Serendipity:
    """One older note whose need the new note may answer, or the other way round."""

    text: str  # the suggestion, in one sentence ("Ken Adams runs a dog rescue — Jane Doe …")
    need: str  # the need, as written ("wants a shelter dog")
    need_contact: ContactRef | None  # who has the need
    offer: str  # what may answer it ("his friend runs a dog rescue", "data engineer")
    offer_contact: ContactRef | None  # who may help
    note_id: int | None  # the older note involved (None for a contact's role)
    noted_at: datetime | None  # when the older note happened
    because: tuple[str, ...]  # the shared words that made the match


@dataclass(frozen=True)
class Correction:
    """Someone said what a name is ("Expo is not a person", "Plaid is a company"): kept for the
    whole workspace, and the author's notes filed under a contact of that name re-filed."""

    name: str  # as the person wrote it
    kind: str  # "not_person" | "organisation" | "person" (a correction taken back)
    refiled: tuple[LogResult, ...] = ()  # the author's notes, filed again
    removed_contact: str | None = None  # the wrong contact, deleted: nothing else used it
    kept_contact: str | None = None  # the wrong contact, kept: others' notes still name it
    kept_because: str = ""  # "2 notes by teammates still name them"


@dataclass(frozen=True)
class LogResult:
    """What was understood and filed. `note_id` is None while ambiguities wait for a choice."""

    note_id: int | None
    text: str
    contacts: tuple[ContactRef, ...]
    created_contacts: tuple[ContactRef, ...]
    kind: str | None
    occurred_at: datetime
    private: bool
    loops_opened: tuple[LoopView, ...] = ()
    loops_closed: tuple[LoopView, ...] = ()
    occasions: tuple[OccasionView, ...] = ()
    needs: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()
    not_understood: tuple[str, ...] = ()
    ambiguities: tuple[Ambiguity, ...] = ()
    duplicate: bool = False  # the same Slack event was already filed
    pending_id: int | None = None  # set while ambiguities wait for the author's choice
    pressure: tuple[PressureNote, ...] = ()  # teammates already reached these contacts a lot
    serendipity: Serendipity | None = None  # at most one connection worth making
    # Organisations the note names; a note about no person ("Initrode signed!") is filed here.
    organisations: tuple[OrganisationRef, ...] = ()
    learned: tuple[str, ...] = ()  # "Mei Tanaka: COO at Initrode", "AL is Anna-Lena Vogt"
    correction: Correction | None = None  # set when the text was a correction, not a note


@dataclass(frozen=True)
class RecallHit:
    note_id: int
    text: str
    contacts: tuple[ContactRef, ...]
    occurred_at: datetime
    author: str  # display name of who logged it
    author_id: str  # external id of who logged it
    private: bool
    kind: str | None
    score: float
    # Why this note answers the question, for needs, occasions and loops ("needs: a new
    # accountant", "birthday: Oct 3", "you owe Tyler Brooks: the SOW"); None for a plain match.
    answer: str | None = None


@dataclass(frozen=True)
class RecallResult:
    query: str
    terms: tuple[str, ...]
    hits: tuple[RecallHit, ...]
    total: int  # how many matched (bounded), for pagination
    offset: int = 0
    # The answer in one line when the question asks for occasions or loops ("Birthdays in
    # October: Olu Adeyemi (Oct 3)", "Nothing open: you don't owe Yusuf Rahimi anything").
    summary: str | None = None
    # Words also searched for: spelling fixes and related words the notes use ("accountant").
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimelineEntry:
    note_id: int
    text: str
    occurred_at: datetime
    author: str
    author_id: str
    kind: str | None
    private: bool


@dataclass(frozen=True)
class ContactCard:
    contact: ContactRef
    aliases: tuple[str, ...]
    company: str | None
    role: str | None
    timeline: tuple[TimelineEntry, ...]  # newest first, visible to the actor only
    last_interaction: TimelineEntry | None  # anyone's
    last_by_you: TimelineEntry | None
    open_loops: tuple[LoopView, ...]
    occasions: tuple[OccasionView, ...]
    sensitive: tuple[tuple[str, datetime], ...]  # (topic, when) within the cool-down
    needs: tuple[str, ...]
    tags: tuple[str, ...]
    last_by_team: TimelineEntry | None = None  # the latest note a teammate (not you) logged
    per_month: tuple[int, ...] = ()  # visible interactions per month, oldest first (12 months)
    sparkline: str = ""  # per_month drawn as ▁▂▃▄▅▆▇█
    knows_best: tuple[Acquaintance, ...] = ()  # teammates who know this person best, best first
    cadence_days: int | None = None  # your stay-in-touch cadence with them, if any
    pressure: PressureNote | None = None  # teammates' contact this week, when over the threshold
    standing: ContactStanding | None = None  # your relationship's state and the next best action
    emails: tuple[str, ...] = ()  # every address the contact has, the first one first
    phones: tuple[str, ...] = ()

    def heads_ups(self) -> tuple[tuple[str, datetime], ...]:
        """The bad news to go gently about, one line per piece of news: the topics one note
        raised, joined, with that note's one date ("funeral, bereavement", 1 day ago) — and
        none for the news the next best action already says, with its own day count."""
        events: dict[datetime, list[str]] = {}
        for topic, when in self.sensitive:
            if topic not in events.setdefault(when, []):
                events[when].append(topic)
        action = self.standing.action if self.standing is not None else None
        said = action.text if action is not None and action.kind == "check_in" else ""
        grouped = ((", ".join(topics), when) for when, topics in events.items())
        return tuple((topics, when) for topics, when in grouped if topics not in said)


@dataclass(frozen=True)
class Acquaintance:
    """How well one teammate knows a contact, from the notes the viewer may see."""

    user: str  # display name
    user_id: str  # external id
    interactions: int  # interactions in the last year
    two_way: bool  # both "I reached out" and "they reached out" notes
    last_at: datetime
    score: float


@dataclass(frozen=True)
class WhoKnowsContact:
    contact: ContactRef
    company: str | None
    role: str | None
    why: str  # "company: Globex", "note: ... Globex ..."
    last_at: datetime | None


@dataclass(frozen=True)
class WhoKnowsPerson:
    """One teammate and the contacts behind the answer."""

    user: str
    user_id: str
    contacts: tuple[WhoKnowsContact, ...]
    last_at: datetime | None
    you: bool = False  # the one asking ("You know:", not "Ana knows:")


@dataclass(frozen=True)
class WhoKnows:
    query: str
    teammates: tuple[WhoKnowsPerson, ...]  # best first
    contacts: tuple[WhoKnowsContact, ...]  # every matching contact, known by a teammate or not


@dataclass(frozen=True)
class WorkspaceSettings:
    workspace_id: str
    default_visibility: str  # "team" | "private"
    pressure_threshold: int


@dataclass(frozen=True)
class ContactChange:
    """The outcome of alias, rename, merge or forget, for the confirmation."""

    action: str  # alias | rename | merge | forget
    contact: ContactRef | None  # the contact that remains (None after forget)
    summary: str  # one sentence for the person
    counts: tuple[tuple[str, int], ...] = ()  # ("notes", 3), ("loops", 1), …


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 1-based line of the file where the bad record starts
    message: str
    name: str = ""  # whom the record names, when it names anyone
    skipped: bool = True  # False: the record was imported, without what the message says


@dataclass(frozen=True)
class ImportSummary:
    total: int
    created: int
    merged: int  # existing contacts that gained an email, phone, company, birthday…
    skipped: int  # already known, nothing new
    problems: tuple[ImportProblem, ...] = ()
    occasions: int = 0  # birthdays and anniversaries added
    notes: int = 0  # notes restored from a Rapport JSON export
    loops: int = 0  # loops restored from a Rapport JSON export
    dry_run: bool = False  # nothing was written: this is what the import would do
    new_contacts: tuple[str, ...] = ()  # names, in file order
    updated_contacts: tuple[str, ...] = ()  # existing contacts that gained something


@dataclass(frozen=True)
class LoopList:
    you_owe: tuple[LoopView, ...]  # overdue first, then by due date, then oldest
    waiting_on: tuple[LoopView, ...]


@dataclass(frozen=True)
class Home:
    """The App Home dashboard and the console's summary."""

    loops: LoopList
    recent: tuple[TimelineEntry, ...]
    birthdays: tuple[OccasionView, ...] = field(default=())
