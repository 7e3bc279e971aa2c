"""How well Rapport understands real notes: the labelled corpus in tests/corpus, field by field.

    python -m bench understanding              # the table
    python -m bench understanding --failures   # and every failing case: id, field, expected, got
    python -m bench understanding --story s05  # only stories whose id starts with s05
    python -m bench understanding --corpus tests/corpus/blind  # another directory of stories
    python -m bench understanding --recall-db URL  # the recall top-3 row on another database

Each story in tests/corpus/*.toml says what the workspace already knows, then gives notes in
order; tests/corpus/README.md describes the schema and how each field is matched. A *reader*
turns a story into what it understood of each note (`Got`); `score` compares that with the labels.
The parser is one reader; a service reader (log every note through the real service, then read
back contacts, loops, occasions...) is another column of the same table: add it to `READERS`.

Knowledge grows along a story from the *labels*, not from what the reader got: each note is
judged on its own, and one early mistake does not sink every later note.
"""

from __future__ import annotations

import argparse
import inspect
import math
import re
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# --- the corpus --------------------------------------------------------------------------------

NOTE_KEYS = {
    "id",
    "at",
    "text",
    "contacts",
    "asks",
    "organisations",
    "facts",
    "aliases",
    "kind",
    "occurred",
    "loops",
    "closes",
    "occasions",
    "needs",
    "tags",
    "sensitive",
    "private",
    "unclear",
    "hard",
    "why",
}
TOPICS = {
    "burnout",
    "hard time",
    "visa trouble",
    "house fire",
    "lost home",
    "illness",
    "hospital",
    "surgery",
    "funeral",
    "bereavement",
    "laid off",
    "divorce",
    "breakup",
    "miscarriage",
    "accident",
}


class CorpusError(ValueError):
    """A label the scorer cannot read: the corpus file and note say where."""


@dataclass(frozen=True)
class KnownPersonLabel:
    name: str
    aliases: tuple[str, ...] = ()
    company: str | None = None
    role: str | None = None
    slack_user_id: str | None = None


@dataclass(frozen=True)
class LoopLabel:
    id: str | None
    direction: str
    person: str
    what: str
    due: tuple[date, date] | None  # a local day, or a range for "next week"


@dataclass(frozen=True)
class NoteLabel:
    id: str
    at: datetime  # aware, in the author's zone
    text: str
    contacts: frozenset[str]
    asks: frozenset[str]
    organisations: frozenset[str]
    facts: frozenset[tuple[str, str, str]]  # (person, "company" | "role", value)
    aliases: frozenset[tuple[str, str]]
    kind: str | None
    occurred: tuple[date, date] | None
    loops: tuple[LoopLabel, ...]
    closes: frozenset[str]
    occasions: frozenset[tuple[str, str, int, int, int | None]]
    needs: tuple[str, ...]
    tags: frozenset[str]
    sensitive: frozenset[tuple[str, frozenset[str]]]  # (whose, topics); "me": the author's own
    private: bool
    unclear: tuple[str, ...]
    hard: bool  # expected to fail still; says why in `why`
    why: str


@dataclass
class Story:
    id: str
    title: str
    tz: str
    date_order: str | None
    people: list[KnownPersonLabel]
    organisations: list[str]
    not_people: list[str]
    slack_users: dict[str, str]
    open_loops: list[LoopLabel]
    notes: list[NoteLabel]
    path: Path


def _days(value: Any, where: str) -> tuple[date, date] | None:
    if value is None or value == "none":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value, value
    if isinstance(value, str):
        try:
            if ".." in value:
                a, b = value.split("..", 1)
                return date.fromisoformat(a.strip()), date.fromisoformat(b.strip())
            d = date.fromisoformat(value)
        except ValueError as e:
            raise CorpusError(f"{where}: not a date or range: {value!r}") from e
        return d, d
    raise CorpusError(f"{where}: not a date: {value!r}")


def _loop(raw: dict[str, Any], where: str) -> LoopLabel:
    unknown = set(raw) - {"id", "direction", "person", "what", "due"}
    if unknown:
        raise CorpusError(f"{where}: unknown loop keys {sorted(unknown)}")
    if raw.get("direction") not in ("you_owe", "they_owe"):
        raise CorpusError(f"{where}: direction must be you_owe or they_owe")
    return LoopLabel(
        id=raw.get("id"),
        direction=raw["direction"],
        person=raw["person"],
        what=raw["what"],
        due=_days(raw.get("due"), where),
    )


def load_story(path: Path) -> Story:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    known = data.get("known", {})
    tz = data["tz"]
    zone = ZoneInfo(tz)
    story = Story(
        id=data["id"],
        title=data.get("title", ""),
        tz=tz,
        date_order=known.get("date_order"),
        people=[
            KnownPersonLabel(
                name=p["name"],
                aliases=tuple(p.get("aliases", ())),
                company=p.get("company"),
                role=p.get("role"),
                slack_user_id=p.get("slack"),
            )
            for p in known.get("people", [])
        ],
        organisations=list(known.get("organisations", [])),
        not_people=list(known.get("not_people", [])),
        slack_users=dict(known.get("slack_users", {})),
        open_loops=[_loop(x, f"{path.name} known.loops") for x in known.get("loops", [])],
        notes=[],
        path=path,
    )
    loop_ids = {x.id for x in story.open_loops if x.id}
    seen: set[str] = set()
    for raw in data.get("note", []):
        where = f"{path.name} note {raw.get('id', '?')}"
        unknown = set(raw) - NOTE_KEYS
        if unknown:
            raise CorpusError(f"{where}: unknown keys {sorted(unknown)}")
        if raw["id"] in seen:
            raise CorpusError(f"{where}: duplicate id")
        seen.add(raw["id"])
        at = raw["at"]
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
        if not isinstance(at, datetime):
            raise CorpusError(f"{where}: `at` must be a local date-time")
        loops = tuple(_loop(x, where) for x in raw.get("loops", []))
        for c in raw.get("closes", []):
            if c not in loop_ids:
                raise CorpusError(f"{where}: closes unknown loop {c!r}")
        loop_ids.update(x.id for x in loops if x.id)
        sensitive = []
        for s in raw.get("sensitive", []):
            topics = s["topics"] if "topics" in s else [s["topic"]]
            bad = set(topics) - TOPICS
            if bad:
                raise CorpusError(f"{where}: unknown sensitive topics {sorted(bad)}")
            sensitive.append((s["person"], frozenset(topics)))
        facts = set()
        for f in raw.get("facts", []):
            for key in ("company", "role"):
                if f.get(key):
                    facts.add((f["person"], key, f[key]))
        story.notes.append(
            NoteLabel(
                id=raw["id"],
                at=at.replace(tzinfo=zone),
                text=raw["text"],
                contacts=frozenset(raw.get("contacts", [])),
                asks=frozenset(raw.get("asks", [])),
                organisations=frozenset(raw.get("organisations", [])),
                facts=frozenset(facts),
                aliases=frozenset((a["person"], a["alias"]) for a in raw.get("aliases", [])),
                kind=raw.get("kind"),
                occurred=_days(raw.get("occurred"), where),
                loops=loops,
                closes=frozenset(raw.get("closes", [])),
                occasions=frozenset(
                    (o["kind"], o["person"], o["month"], o["day"], o.get("year"))
                    for o in raw.get("occasions", [])
                ),
                needs=tuple(raw.get("needs", [])),
                tags=frozenset(raw.get("tags", [])),
                sensitive=frozenset(sensitive),
                private=bool(raw.get("private", False)),
                unclear=tuple(raw.get("unclear", [])),
                hard=bool(raw.get("hard", False)),
                why=raw.get("why", ""),
            )
        )
    return story


def load_corpus(directory: Path = CORPUS, only: str | None = None) -> list[Story]:
    stories = [load_story(p) for p in sorted(directory.glob("*.toml"))]
    return [s for s in stories if only is None or s.id.startswith(only)]


# --- what a reader understood --------------------------------------------------------------------


@dataclass(frozen=True)
class GotLoop:
    direction: str
    person: str | None  # canonical
    what: str
    due: date | None  # local day


@dataclass
class Got:
    contacts: set[str] = field(default_factory=set)
    asks: set[str] = field(default_factory=set)
    organisations: set[str] = field(default_factory=set)
    facts: set[tuple[str, str, str]] = field(default_factory=set)
    aliases: set[tuple[str, str]] = field(default_factory=set)
    kind: str | None = None
    occurred: date | None = None
    loops: list[GotLoop] = field(default_factory=list)
    closes: set[str] = field(default_factory=set)
    occasions: set[tuple[str, str, int, int, int | None]] = field(default_factory=set)
    needs: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    sensitive: dict[str, set[str]] = field(default_factory=dict)
    private: bool = False
    unclear: list[str] = field(default_factory=list)
    seconds: float = 0.0


# Words that say nothing about *what* is owed or needed, so they can't tell two apart.
_FILLER = frozenset(
    """
    a an the to of for on in and or me my him her his them their it its you your our us we i
    some with from about that this these those any is are was were be re get got send sent
    give gave new over back
    """.split()  # noqa: SIM905  (a word block is easier to edit than a list literal)
)
_WORD = re.compile(r"\w+")


def content_words(text: str) -> set[str]:
    out = set()
    for w in _WORD.findall(text.casefold()):
        if w in _FILLER:
            continue
        out.add(w[:-1] if len(w) > 3 and w.endswith("s") else w)
    return out


def what_matches(expected: str, got: str) -> bool:
    """At least half of the expected content words (and one) are in what was got."""
    e, g = content_words(expected), content_words(got)
    if not e:
        return not g
    return len(e & g) >= max(1, math.ceil(len(e) / 2))


@dataclass
class Known:
    """What the workspace knows at a point in a story, grown from the labels."""

    people: dict[str, KnownPersonLabel]
    organisations: list[str]
    not_people: list[str]
    slack_users: dict[str, str]
    open_loops: dict[str, LoopLabel]
    tz: str
    date_order: str | None

    @classmethod
    def start(cls, story: Story) -> Known:
        people = {p.name: p for p in story.people}
        slack = dict(story.slack_users)
        for p in story.people:
            if p.slack_user_id:
                slack[p.slack_user_id] = p.name
        return cls(
            people=people,
            organisations=list(story.organisations),
            not_people=list(story.not_people),
            slack_users=slack,
            open_loops={x.id or f"known-{i}": x for i, x in enumerate(story.open_loops)},
            tz=story.tz,
            date_order=story.date_order,
        )

    def learn(self, note: NoteLabel) -> None:
        for name in note.contacts:
            if name not in self.people and not name.startswith("@"):
                self.people[name] = KnownPersonLabel(name)
        for person, alias in note.aliases:
            p = self.people.get(person, KnownPersonLabel(person))
            if alias not in p.aliases:
                self.people[person] = KnownPersonLabel(
                    p.name, (*p.aliases, alias), p.company, p.role, p.slack_user_id
                )
        for person, key, value in note.facts:
            p = self.people.get(person, KnownPersonLabel(person))
            company = value if key == "company" else p.company
            role = value if key == "role" else p.role
            self.people[person] = KnownPersonLabel(
                p.name, p.aliases, company, role, p.slack_user_id
            )
        for org in note.organisations:
            if org not in self.organisations:
                self.organisations.append(org)
        for loop_id in note.closes:
            self.open_loops.pop(loop_id, None)
        for i, loop in enumerate(note.loops):
            self.open_loops[loop.id or f"{note.id}-{i}"] = loop


Reader = Callable[[Story], Iterator[tuple[NoteLabel, Got]]]


# --- the parser reader ---------------------------------------------------------------------------


def _knowledge(known: Known) -> Any:
    """The parser's snapshot of `known`, or None when the parser takes none (before issue 11)."""
    try:
        from bot.parsing.model import Knowledge, KnownPerson
    except ImportError:
        return None
    return Knowledge(
        people=tuple(
            KnownPerson(
                name=p.name,
                aliases=p.aliases,
                company=p.company,
                slack_user_id=next(
                    (uid for uid, n in known.slack_users.items() if n == p.name), None
                ),
            )
            for p in known.people.values()
        ),
        organisations=tuple(known.organisations),
        not_people=tuple(known.not_people),
        slack_users=tuple(known.slack_users.items()),
        date_order=known.date_order,
    )


def _local_day(moment: datetime | None, tz: str) -> date | None:
    return moment.astimezone(ZoneInfo(tz)).date() if moment is not None else None


def _canonical(ref: Any, known: Known) -> str:
    known_as = getattr(ref, "known_as", None)
    if known_as:
        return str(known_as)
    if ref.slack_user_id:
        return known.slack_users.get(ref.slack_user_id, str(ref.name))
    return str(ref.name)


def parser_got(parsed: Any, known: Known, open_loops: dict[str, LoopLabel]) -> Got:
    """What the parser understood, in the corpus's terms (canonical names, local days)."""
    got = Got()
    by_written: dict[str, str] = {}
    main: str | None = None
    for ref in parsed.people:
        name = _canonical(ref, known)
        if getattr(ref, "candidates", ()):
            got.asks.add(ref.name)
            by_written[ref.name] = ""
            continue
        got.contacts.add(name)
        main = main or name
        by_written[ref.name] = name
        for alias in getattr(ref, "aliases", ()):
            got.aliases.add((name, alias))
        for key in ("company", "role"):
            value = getattr(ref, key, None)
            if value:
                got.facts.add((name, key, value))

    def person(written: str | None) -> str | None:
        if written is None:
            return main
        if written in by_written:
            return by_written[written] or None
        low = written.casefold()
        for w, c in by_written.items():
            if c and (w.casefold().split(" ")[0] == low or c.casefold().split(" ")[0] == low):
                return c
        return written

    got.organisations = {o.name for o in getattr(parsed, "organisations", ())}
    got.kind = parsed.kind
    got.occurred = _local_day(parsed.occurred_at, known.tz)
    got.loops = [
        GotLoop(x.direction.value, person(x.person), x.what, _local_day(x.due, known.tz))
        for x in parsed.loops
    ]
    still_open = dict(open_loops)
    for s in parsed.settles:
        loop_id = closed_by(s.direction.value, person(s.person), s.what, still_open)
        if loop_id is not None:
            got.closes.add(loop_id)
            del still_open[loop_id]
    got.occasions = {
        (o.kind, person(o.person) or "", o.month, o.day, o.year) for o in parsed.occasions
    }
    got.needs = list(parsed.needs)
    got.tags = set(parsed.tags)
    news = getattr(parsed, "sensitivity", None)
    if news is None:  # before issue 11: topics only, taken as the main person's
        if parsed.sensitive and main:
            got.sensitive[main] = set(parsed.sensitive)
    else:
        for item in news:
            whose = "me" if item.mine else (person(item.person) or "")
            got.sensitive.setdefault(whose, set()).add(item.topic)
    got.private = parsed.private
    got.unclear = list(parsed.not_understood)
    return got


def closed_by(
    direction: str, person: str | None, what: str, open_loops: dict[str, LoopLabel]
) -> str | None:
    """The open loop a settlement closes: same direction and person, and what matches.

    Uses the parser's own rule when it has one (bot.parsing.settles_loop), so that the scorer and
    the service agree on what "matches" means.
    """
    try:
        from bot.parsing import settles_loop as rule
    except ImportError:

        def rule(settlement_what: str, loop_what: str) -> bool:
            return bool(content_words(settlement_what) & content_words(loop_what))

    candidates = [
        (loop_id, loop)
        for loop_id, loop in open_loops.items()
        if loop.direction == direction and loop.person == person and rule(what, loop.what)
    ]
    if not candidates:
        return None
    # the best-matching one, the oldest first among equals
    best = max(candidates, key=lambda c: len(content_words(what) & content_words(c[1].what)))
    return best[0]


def read_with_parser(story: Story) -> Iterator[tuple[NoteLabel, Got]]:
    from bot.parsing import parse_note, warm_up

    warm_up()  # dateparser's tables, once: not any one note's cost
    takes_known = "known" in inspect.signature(parse_note).parameters
    known = Known.start(story)
    for note in story.notes:
        kwargs: dict[str, Any] = {"now": note.at, "tz": story.tz}
        if takes_known:
            kwargs["known"] = _knowledge(known)
        started = time.perf_counter()
        parsed = parse_note(note.text, **kwargs)
        seconds = time.perf_counter() - started
        got = parser_got(parsed, known, dict(known.open_loops))
        got.seconds = seconds
        yield note, got
        known.learn(note)


SERVICE_COSTS = {"notes": 0.0, "checks": 0.0, "builds": 0.0, "stamp_s": 0.0, "build_s": 0.0}
SERVICE_WORKSPACE = "TBENCH"
SERVICE_AUTHOR = "UBENCHAUTHOR"


def read_with_service(story: Story) -> Iterator[tuple[NoteLabel, Got]]:
    """The SERVICE column: each note logged through the real service (bot.app's composition
    root) on a fresh SQLite database, in the story's order, and read back as filed.

    Only the story's prelude is written straight into the tables (the contacts, aliases,
    companies, organisations, corrections and Slack users the workspace already has, and the
    loops already open): what later notes know comes from what the service filed for earlier
    ones, not from the labels, so one early mistake can cost later notes too. The author's
    `date_order` has no setting in the service yet, so their zone decides. A note that asks
    "which one?" stays pending (nothing filed), as it would for a person who doesn't answer.
    """
    import shutil
    import tempfile

    from bot.app import Rapport
    from bot.domain.refs import Actor
    from bot.parsing import warm_up
    from bot.store.db import make_engine, session_factory
    from bot.store.migrate import upgrade

    warm_up()
    folder = Path(tempfile.mkdtemp(prefix="rapport-bench-"))
    engine = make_engine(f"sqlite:///{folder / 'service.db'}")
    try:
        upgrade(engine)
        sessions = session_factory(engine)
        clock = {"now": story.notes[0].at if story.notes else datetime.now(ZoneInfo(story.tz))}
        rapport = Rapport(sessions=sessions, clock=lambda: clock["now"], default_tz=story.tz)
        author = Actor(
            workspace_id=SERVICE_WORKSPACE,
            user_id=SERVICE_AUTHOR,
            display_name="Author",
            tz=story.tz,
        )
        loop_ids = _seed(sessions, story, clock["now"])
        for note in story.notes:
            clock["now"] = note.at
            before = _aliases(sessions), _facts(sessions)
            started = time.perf_counter()
            result = rapport.notes.log(actor=author, text=note.text)
            seconds = time.perf_counter() - started
            got = _service_got(result, note, story, sessions, before, loop_ids)
            got.seconds = seconds
            # The author's own news ("me") is filed under nobody, by design: it mutes no one.
            theirs = frozenset(x for x in note.sensitive if x[0] != "me")
            # A note that names no date is filed at the moment it was written.
            written = note.at.date()
            yield replace(note, sensitive=theirs, occurred=note.occurred or (written, written)), got
        cache = rapport.notes.knowledge
        SERVICE_COSTS["notes"] += len(story.notes)
        SERVICE_COSTS["checks"] += cache.checks
        SERVICE_COSTS["builds"] += cache.builds
        SERVICE_COSTS["stamp_s"] += cache.stamp_seconds
        SERVICE_COSTS["build_s"] += cache.build_seconds
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def _seed(sessions: Any, story: Story, now: datetime) -> dict[int, str]:
    """The story's prelude, as rows; returns the open loops' ids (service id -> corpus id)."""
    from bot.domain.names import name_key
    from bot.store.models import Contact, ContactAlias, Loop, Note, NoteContact, User, Workspace
    from bot.store.organisation_models import NameCorrection, Organisation

    ws = SERVICE_WORKSPACE
    loop_ids: dict[int, str] = {}
    with sessions() as session:
        session.add(Workspace(id=ws, created_at=now))
        session.flush()
        author = User(
            workspace_id=ws,
            external_id=SERVICE_AUTHOR,
            display_name="Author",
            tz=story.tz,
            created_at=now,
        )
        session.add(author)
        session.flush()
        orgs: dict[str, int] = {}

        def org(name: str) -> int:
            key = name_key(name)
            if key not in orgs:
                row = Organisation(workspace_id=ws, name=name, name_key=key, created_at=now)
                session.add(row)
                session.flush()
                assert row.id is not None
                orgs[key] = row.id
            return orgs[key]

        for name in story.organisations:
            org(name)
        slack_of = {n: uid for uid, n in story.slack_users.items()}
        contacts: dict[str, int] = {}
        for p in story.people:
            contact = Contact(
                workspace_id=ws,
                display_name=p.name,
                name_key=name_key(p.name),
                slack_user_id=p.slack_user_id or slack_of.get(p.name),
                company=p.company,
                role=p.role,
                organisation_id=org(p.company) if p.company else None,
                created_by=author.id,
                created_at=now,
            )
            session.add(contact)
            session.flush()
            assert contact.id is not None
            contacts[p.name] = contact.id
            # Two people may go by one nickname (s39's "Wanjiru"), each once: "Xóchitl" and
            # "Xochitl" are one alias of one person (keys fold accents).
            seeded_aliases: set[str] = set()
            for alias in dict.fromkeys(p.aliases, None):
                if name_key(alias) in seeded_aliases:
                    continue
                seeded_aliases.add(name_key(alias))
                session.add(
                    ContactAlias(
                        workspace_id=ws,
                        contact_id=contact.id,
                        alias=alias,
                        alias_key=name_key(alias),
                    )
                )
        for uid, name in story.slack_users.items():
            if name not in contacts:  # a teammate on Slack, not a contact
                session.add(
                    User(workspace_id=ws, external_id=uid, display_name=name, created_at=now)
                )
        for name in story.not_people:
            session.add(
                NameCorrection(
                    workspace_id=ws,
                    name=name,
                    name_key=name_key(name),
                    kind="not_person",
                    created_at=now,
                )
            )
        for i, loop in enumerate(story.open_loops):
            cid = contacts.get(loop.person)
            if cid is None:
                continue
            earlier = Note(
                workspace_id=ws,
                author_id=author.id or 0,
                text=f"(earlier) {loop.what}",
                occurred_at=now,
                logged_at=now,
            )
            session.add(earlier)
            session.flush()
            assert earlier.id is not None
            session.add(NoteContact(note_id=earlier.id, contact_id=cid, workspace_id=ws))
            row = Loop(
                workspace_id=ws,
                owner_id=author.id or 0,
                contact_id=cid,
                direction=loop.direction,
                what=loop.what,
                source_note_id=earlier.id,
                created_at=now,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            loop_ids[row.id] = loop.id or f"known-{i}"
        session.commit()
    return loop_ids


def _aliases(sessions: Any) -> set[tuple[int, str]]:
    from sqlmodel import select

    from bot.store.models import ContactAlias

    with sessions() as session:
        return set(session.exec(select(ContactAlias.contact_id, ContactAlias.alias)).all())


def _facts(sessions: Any) -> dict[int, tuple[str | None, str | None]]:
    from sqlmodel import select

    from bot.store.models import Contact

    with sessions() as session:
        rows = session.exec(select(Contact.id, Contact.company, Contact.role)).all()
        return {cid: (company, role) for cid, company, role in rows if cid is not None}


def _news(sessions: Any, note_id: int) -> dict[int, list[str]]:
    from sqlmodel import select

    from bot.store.models import NoteContact

    with sessions() as session:
        rows = session.exec(
            select(NoteContact.contact_id, NoteContact.sensitive).where(
                NoteContact.note_id == note_id
            )
        ).all()
        return {cid: list(topics or []) for cid, topics in rows}


def _service_got(
    result: Any,
    note: NoteLabel,
    story: Story,
    sessions: Any,
    before: tuple[set[tuple[int, str]], dict[int, tuple[str | None, str | None]]],
    loop_ids: dict[int, str],
) -> Got:
    """What the service filed for one note, in the corpus's terms. A company or role counts
    when this note wrote it onto the contact's record, or when the note states one the record
    already holds; an alias, when this note added it."""
    aliases_before, facts_before = before
    got = Got()
    got.asks = {a.name for a in result.ambiguities}
    got.contacts = {c.display_name for c in result.contacts}
    got.organisations = {o.name for o in result.organisations}
    ids = {c.id: c.display_name for c in result.contacts}
    for cid, (company, role) in _facts(sessions).items():
        if cid not in ids:
            continue
        was = facts_before.get(cid, (None, None))
        for key, value, before in (("company", company, was[0]), ("role", role, was[1])):
            fact = (ids[cid], key, value)
            # written by this note, or a fact the note states that the record already holds
            if value and (value != before or fact in note.facts):
                got.facts.add(fact)
    for cid, alias in _aliases(sessions) - aliases_before:
        if cid in ids:
            got.aliases.add((ids[cid], alias))
    got.kind = result.kind
    got.occurred = _local_day(result.occurred_at, story.tz)  # pending too: when it will be filed
    for loop in result.loops_opened:
        got.loops.append(
            GotLoop(
                loop.direction,
                loop.contact.display_name,
                loop.what,
                _local_day(loop.due_at, story.tz),
            )
        )
    # the loops this note opened, by their corpus ids, for the notes that close them later
    left = list(note.loops)
    for i, loop in enumerate(result.loops_opened):
        g = got.loops[i]
        for e in left:
            if _loop_ok(e, g):
                loop_ids[loop.id] = e.id or f"{note.id}-{note.loops.index(e)}"
                left.remove(e)
                break
    got.closes = {loop_ids[x.id] for x in result.loops_closed if x.id in loop_ids}
    got.occasions = {
        (o.kind, o.contact.display_name, o.month, o.day, o.year) for o in result.occasions
    }
    got.needs = list(result.needs)
    got.tags = set(result.tags)
    if result.note_id is not None:
        # bad news is kept per person: each note-contact link holds that contact's own topics
        for cid, topics in _news(sessions, result.note_id).items():
            if cid in ids and topics:
                got.sensitive[ids[cid]] = set(topics)
    got.private = result.private
    got.unclear = list(result.not_understood)
    return got


READERS: dict[str, Reader] = {"parser": read_with_parser, "service": read_with_service}


# --- libraries weighed -------------------------------------------------------------------------
# Each variant post-processes the parser's answer with one candidate library, so its effect on
# the corpus (and its cost per note, and to import) is measured on the same notes and labels.


def _import_ms(module: str, runs: int = 5) -> float | None:
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    best = None
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        for line in out.stderr.splitlines():
            if line.rstrip().endswith(f"| {module}"):
                ms = int(line.split("|")[1]) / 1000
                best = ms if best is None else min(best, ms)
    return best


def _variant_reader(post: Callable[[Any, Known], Any]) -> Reader:
    def read(story: Story) -> Iterator[tuple[NoteLabel, Got]]:
        from bot.parsing import parse_note, warm_up

        warm_up()
        known = Known.start(story)
        for note in story.notes:
            started = time.perf_counter()
            parsed = parse_note(note.text, now=note.at, tz=story.tz, known=_knowledge(known))
            parsed = post(parsed, known)
            seconds = time.perf_counter() - started
            got = parser_got(parsed, known, dict(known.open_loops))
            got.seconds = seconds
            yield note, got
            known.learn(note)

    return read


def _new_people(parsed: Any) -> list[Any]:
    return [p for p in parsed.people if not p.known_as and not p.candidates and not p.slack_user_id]


def _with_probablepeople(parsed: Any, known: Known) -> Any:
    """Drop new 'people' that probablepeople's CRF calls a corporation."""
    import dataclasses

    import probablepeople

    keep = []
    for p in parsed.people:
        if p in _new_people(parsed):
            try:
                _, label = probablepeople.tag(p.name)
            except probablepeople.RepeatedLabelError:
                label = "Ambiguous"
            if label == "Corporation":
                continue
        keep.append(p)
    return dataclasses.replace(parsed, people=tuple(keep))


_DETECTOR: Any = None


def _with_gazetteer(parsed: Any, known: Known) -> Any:
    """Keep a new person only when gender-guesser's first-name list knows the first name."""
    import dataclasses

    import gender_guesser.detector

    global _DETECTOR
    if _DETECTOR is None:
        _DETECTOR = gender_guesser.detector.Detector()
    new = _new_people(parsed)
    keep = [
        p
        for p in parsed.people
        if p not in new or _DETECTOR.get_gender(p.name.split(" ")[0]) != "unknown"
    ]
    return dataclasses.replace(parsed, people=tuple(keep))


def _with_nameparser(parsed: Any, known: Known) -> Any:
    """Write new people's names as nameparser's HumanName reads them (title, first, last)."""
    import dataclasses

    from nameparser import HumanName

    new = _new_people(parsed)
    out = []
    for p in parsed.people:
        if p in new:
            h = HumanName(p.name)
            name = " ".join(x for x in (h.first, h.middle, h.last) if x) or p.name
            p = dataclasses.replace(p, name=name)
        out.append(p)
    return dataclasses.replace(parsed, people=tuple(out))


def _with_cleanco(parsed: Any, known: Known) -> Any:
    """Organisation names through cleanco's basename (legal suffixes dropped)."""
    import dataclasses

    from cleanco import basename

    orgs = tuple(
        dataclasses.replace(o, name=basename(o.name) or o.name) for o in parsed.organisations
    )
    return dataclasses.replace(parsed, organisations=orgs)


def _dateparser_numeric_reader() -> Reader:
    """Numeric dates ("3/14", "14.03.") resolved by dateparser with DATE_ORDER from the locale,
    instead of the parser's own reading."""
    import bot.parsing.dates as dates

    base = _variant_reader(lambda parsed, known: parsed)

    def numeric_order(spec: Any, order: str | None) -> tuple[int, int] | str:
        import dateparser

        got = dateparser.parse(
            spec.text.rstrip("."),
            languages=["en"],
            settings={"DATE_ORDER": order or "DMY", "PREFER_DAY_OF_MONTH": "first"},
        )
        if got is None:
            return f'no such date "{spec.text}"'
        return got.month, got.day

    def read(story: Story) -> Iterator[tuple[NoteLabel, Got]]:
        saved = dates.numeric_order
        dates.numeric_order = numeric_order  # type: ignore[assignment]
        try:
            yield from base(story)
        finally:
            dates.numeric_order = saved  # type: ignore[assignment]

    return read


LIBRARIES: dict[str, tuple[str | None, Callable[[], Reader]]] = {
    "parser alone": (None, lambda: read_with_parser),
    "+ probablepeople (drop corporations)": (
        "probablepeople",
        lambda: _variant_reader(_with_probablepeople),
    ),
    "+ gender-guesser first names (gazetteer)": (
        "gender_guesser.detector",
        lambda: _variant_reader(_with_gazetteer),
    ),
    "+ nameparser (HumanName)": ("nameparser", lambda: _variant_reader(_with_nameparser)),
    "+ cleanco (organisation basenames)": ("cleanco", lambda: _variant_reader(_with_cleanco)),
    "dateparser DATE_ORDER for numeric dates": ("dateparser", _dateparser_numeric_reader),
}
LIBRARY_FIELDS = ("contacts", "organisations", "occurred", "loops", "occasions", "unclear")


def libraries(stories: Sequence[Story]) -> str:
    import importlib.util

    head = ["variant", *(f"{f} P/R" for f in LIBRARY_FIELDS), "contacts exact", "µs/note", "import"]
    rows = [head]
    for label, (module, make) in LIBRARIES.items():
        if module is not None and importlib.util.find_spec(module.split(".")[0]) is None:
            rows.append([label, *(["not installed"] + [""] * (len(head) - 2))])
            continue
        scored = score(stories, make())
        t = scored.tallies
        secs = sorted(scored.seconds)
        med = secs[len(secs) // 2] * 1e6 if secs else 0.0
        imp = _import_ms(module) if module else None
        rows.append(
            [
                label,
                *(f"{t[f].precision:.2f}/{t[f].recall:.2f}" for f in LIBRARY_FIELDS),
                f"{t['contacts'].exact}/{t['contacts'].notes}",
                f"{med:.0f}",
                f"{imp:.0f} ms" if imp is not None else "",
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for k, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
        if k == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


# --- scoring ------------------------------------------------------------------------------------


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    exact: int = 0
    notes: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass(frozen=True)
class Failure:
    note_id: str
    field: str
    expected: str
    got: str
    hard: bool


FIELDS = (
    "contacts",
    "asks",
    "organisations",
    "facts",
    "aliases",
    "kind",
    "occurred",
    "loops",
    "closures",
    "occasions",
    "needs",
    "tags",
    "sensitivity",
    "privacy",
    "unclear",
)
TARGETS = {
    "contacts": 0.95,
    "loops": 0.95,
    "closures": 0.95,
    "occurred": 0.95,
    "occasions": 0.95,
    "sensitivity": 0.95,
    "kind": 0.90,
    "needs": 0.90,
}


def _match_pairs(
    expected: Sequence[Any], got: Sequence[Any], same: Callable[[Any, Any], bool]
) -> tuple[int, list[Any], list[Any]]:
    """Greedy one-to-one matching: (true positives, unmatched expected, unmatched got)."""
    left = list(got)
    missed = []
    tp = 0
    for e in expected:
        for i, g in enumerate(left):
            if same(e, g):
                tp += 1
                del left[i]
                break
        else:
            missed.append(e)
    return tp, missed, left


def _in(day: date | None, span: tuple[date, date] | None) -> bool:
    if span is None or day is None:
        return span is None and day is None
    return span[0] <= day <= span[1]


def _loop_ok(e: LoopLabel, g: GotLoop) -> bool:
    return (
        e.direction == g.direction
        and e.person == g.person
        and what_matches(e.what, g.what)
        and _in(g.due, e.due)
    )


def _fmt_loop(x: LoopLabel | GotLoop) -> str:
    due: Any = x.due
    if isinstance(due, tuple):
        due = due[0] if due[0] == due[1] else f"{due[0]}..{due[1]}"
    return f"{x.direction} {x.person} {x.what!r}" + (f" due {due}" if due else "")


def _fmt_span(span: tuple[date, date] | None) -> str:
    if span is None:
        return "none"
    return str(span[0]) if span[0] == span[1] else f"{span[0]}..{span[1]}"


def score_note(
    note: NoteLabel, got: Got, tallies: dict[str, Tally], failures: list[Failure]
) -> None:
    def record(name: str, tp: int, missed: Sequence[Any], extra: Sequence[Any]) -> None:
        t = tallies[name]
        t.notes += 1
        t.tp += tp
        t.fn += len(missed)
        t.fp += len(extra)
        if missed or extra:
            failures.append(
                Failure(
                    note.id,
                    name,
                    "; ".join(str(x) for x in missed) or "-",
                    "; ".join(str(x) for x in extra) or "-",
                    note.hard,
                )
            )
        else:
            t.exact += 1

    def sets(name: str, expected: Iterable[Any], found: Iterable[Any]) -> None:
        e, g = set(expected), set(found)
        record(name, len(e & g), sorted(e - g, key=str), sorted(g - e, key=str))

    sets("contacts", note.contacts, got.contacts)
    sets("asks", note.asks, got.asks)
    sets(
        "organisations",
        {o.casefold() for o in note.organisations},
        {o.casefold() for o in got.organisations},
    )
    sets("facts", note.facts, got.facts)
    sets("aliases", note.aliases, got.aliases)
    sets("kind", [note.kind] if note.kind else [], [got.kind] if got.kind else [])

    if note.occurred is None and got.occurred is None:
        record("occurred", 0, [], [])
    elif _in(got.occurred, note.occurred):
        record("occurred", 1, [], [])
    else:
        record(
            "occurred",
            0,
            [_fmt_span(note.occurred)] if note.occurred else [],
            [str(got.occurred)] if got.occurred else [],
        )

    tp, missed, extra = _match_pairs(note.loops, got.loops, _loop_ok)
    record("loops", tp, [_fmt_loop(x) for x in missed], [_fmt_loop(x) for x in extra])
    sets("closures", note.closes, got.closes)
    sets("occasions", note.occasions, got.occasions)
    tp, missed, extra = _match_pairs(note.needs, got.needs, what_matches)
    record("needs", tp, missed, extra)
    sets("tags", note.tags, got.tags)

    expected_news = dict(note.sensitive)
    tp, missed_news, extra_news = 0, [], []
    for whose, topics in expected_news.items():
        found = got.sensitive.get(whose, set())
        if found & topics:
            tp += 1
        else:
            missed_news.append(f"{whose}: {'/'.join(sorted(topics))}")
    for whose, found in got.sensitive.items():
        if not (expected_news.get(whose, frozenset()) & found):
            extra_news.append(f"{whose}: {'/'.join(sorted(found))}")
    record("sensitivity", tp, missed_news, extra_news)

    record(
        "privacy",
        int(note.private and got.private),
        ["private"] if note.private and not got.private else [],
        ["private"] if got.private and not note.private else [],
    )
    tp, missed, extra = _match_pairs(
        note.unclear, got.unclear, lambda e, g: e.casefold() in g.casefold()
    )
    record("unclear", tp, missed, extra)


@dataclass
class Scored:
    tallies: dict[str, Tally]
    failures: list[Failure]
    notes: int
    seconds: list[float]


def score(stories: Sequence[Story], reader: Reader) -> Scored:
    tallies = {name: Tally() for name in FIELDS}
    failures: list[Failure] = []
    seconds: list[float] = []
    n = 0
    for story in stories:
        for note, got in reader(story):
            score_note(note, got, tallies, failures)
            seconds.append(got.seconds)
            n += 1
    return Scored(tallies, failures, n, seconds)


def render(columns: dict[str, Scored]) -> str:
    names = list(columns)
    head = ["field", "target"]
    for name in names:
        head += [f"{name} P", f"{name} R", f"{name} exact"]
    rows = [head]
    for fld in FIELDS:
        target = TARGETS.get(fld)
        row = [fld, f"≥ {target:.2f}" if target else ""]
        for name in names:
            t = columns[name].tallies[fld]
            row += [f"{t.precision:.2f}", f"{t.recall:.2f}", f"{t.exact}/{t.notes}"]
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for k, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
        if k == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def missed_targets(scored: Scored) -> list[str]:
    out = []
    for fld, target in TARGETS.items():
        t = scored.tallies[fld]
        if t.precision < target or t.recall < target:
            out.append(f"{fld} (P {t.precision:.2f}, R {t.recall:.2f}, target {target:.2f})")
    return out


def show(note_id: str, directory: Path = CORPUS) -> int:
    """The parser's whole answer for one note, with the knowledge it was handed."""
    from bot.parsing import parse_note

    for story in load_corpus(directory):
        known = Known.start(story)
        for note in story.notes:
            if note.id == note_id:
                parsed = parse_note(note.text, now=note.at, tz=story.tz, known=_knowledge(known))
                print(note.text)
                for name in ParsedNoteFields:
                    print(f"  {name}: {getattr(parsed, name, None)!r}")
                return 0
            known.learn(note)
    print(f"no note {note_id!r}", file=sys.stderr)
    return 1


ParsedNoteFields = (
    "people",
    "organisations",
    "kind",
    "occurred_at",
    "loops",
    "settles",
    "occasions",
    "needs",
    "tags",
    "sensitive",
    "sensitivity",
    "private",
    "not_understood",
)


def _shown(directory: Path) -> str:
    try:
        return str(directory.resolve().relative_to(ROOT))
    except ValueError:
        return str(directory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench understanding", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--failures", action="store_true", help="list every failing case")
    parser.add_argument("--story", help="only stories whose id starts with this")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=CORPUS,
        metavar="DIR",
        help="directory of story files (its *.toml only, not subfolders; default tests/corpus)",
    )
    parser.add_argument(
        "--readers", default="parser", help=f"comma-separated columns ({', '.join(READERS)})"
    )
    parser.add_argument("--show", metavar="NOTE", help="print what the parser made of one note")
    parser.add_argument(
        "--libraries",
        action="store_true",
        help="score the parser with each candidate library (those installed) beside it",
    )
    parser.add_argument(
        "--recall-db",
        metavar="URL",
        help="database for the recall top-3 row (bench/recall_top3.py; default scratch SQLite)",
    )
    args = parser.parse_args(argv)
    if args.show:
        return show(args.show, args.corpus)
    if args.libraries:
        print(libraries(load_corpus(args.corpus, only=args.story)))
        return 0
    stories = load_corpus(args.corpus, only=args.story)
    columns = {name: score(stories, READERS[name]) for name in args.readers.split(",")}
    first = next(iter(columns.values()))
    hard = sum(1 for s in stories for n in s.notes if n.hard)
    print(
        f"Understanding — {first.notes} notes in {len(stories)} stories "
        f"({hard} marked hard), {_shown(args.corpus)}\n"
    )
    print(render(columns))
    for name, scored in columns.items():
        secs = sorted(scored.seconds)
        if secs:
            med = secs[len(secs) // 2] * 1e6
            p95 = secs[min(len(secs) - 1, int(0.95 * len(secs)))] * 1e6
            print(f"\n{name}: median {med:.0f} µs a note, p95 {p95:.0f} µs")
        if name == "service" and SERVICE_COSTS["checks"]:
            c = SERVICE_COSTS
            print(
                f"service: the workspace snapshot — stamp checked {c['checks']:.0f} times, "
                f"{c['stamp_s'] / c['checks'] * 1e6:.0f} µs each; built {c['builds']:.0f} times "
                f"({c['builds'] / c['notes']:.0%} of notes), "
                f"{c['build_s'] / max(c['builds'], 1) * 1e6:.0f} µs each; "
                f"{(c['stamp_s'] + c['build_s']) / c['notes'] * 1e6:.0f} µs a note on average"
            )
        failing = sorted({f.note_id for f in scored.failures})
        print(f"{name}: {len(failing)} of {scored.notes} notes have a failing field")
        missed = missed_targets(scored)
        if missed:
            print(f"{name}: below target: " + ", ".join(missed))
    recall = None
    if args.corpus == CORPUS and not args.story:
        # Recall top-3 (bench/recall_top3.py): the query corpus answered by the real service.
        from bench import recall_top3

        recall = recall_top3.run(args.recall_db)
        print("\n" + recall_top3.render(recall))
    if args.failures:
        if recall is not None:
            print(recall_top3.misses(recall))
        for name, scored in columns.items():
            print(f"\nFailures ({name}): note | field | expected | got")
            for f in scored.failures:
                mark = " (hard)" if f.hard else ""
                print(f"{f.note_id}{mark} | {f.field} | {f.expected} | {f.got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
