"""The use cases: log, recall, card, loops, home, undo, edit. No Slack types in here.

Every method takes the acting `Actor` (identity from the payload or --as, never from note text) and
opens its own session from the factory it was given; the clock is passed in so tests fix "now".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from bot import contacts, serendipity, team
from bot.contact_lookup import find_contact, match_contact
from bot.domain.errors import NotFoundError, UserInputError
from bot.domain.names import name_key
from bot.domain.notes import (
    Ambiguity,
    Candidate,
    ContactCard,
    ContactChange,
    Home,
    ImportSummary,
    LogResult,
    LoopList,
    LoopView,
    OccasionView,
    RecallHit,
    RecallResult,
    TimelineEntry,
    WhoKnows,
    WorkspaceSettings,
)
from bot.domain.occasions import next_occurrence
from bot.domain.refs import Actor, ContactRef
from bot.parsing import Direction, ParsedNote, PersonRef, is_question, parse_note, parse_query
from bot.standing import contact_standing
from bot.store import repo
from bot.store.models import (
    Contact,
    Loop,
    Note,
    NoteContact,
    Occasion,
    PendingNote,
    ProcessedEvent,
    User,
    Workspace,
)
from bot.store.search import search_notes
from bot.usecases import UseCases

T = TypeVar("T")

MAX_NOTE_CHARS = 10_000
SENSITIVE_COOLDOWN = timedelta(days=30)
TIMELINE_LIMIT = 50
_WORD = re.compile(r"\w+", re.UNICODE)
# Words that say nothing about *what* a loop is about, so they can't tell two loops apart.
_LOOP_FILLER = frozenset(
    {"a", "an", "the", "to", "of", "for", "on", "in", "and", "or", "me", "my", "him", "her"}
    | {"his", "them", "their", "it", "its", "you", "your", "get", "got", "send", "sent"}
    | {"give", "gave", "some", "with", "from", "about"}
)


@dataclass
class _Resolution:
    contacts: list[Contact] = field(default_factory=list)
    created: list[Contact] = field(default_factory=list)
    by_name: dict[str, Contact] = field(default_factory=dict)
    ambiguities: list[Ambiguity] = field(default_factory=list)


class Rapport(UseCases):
    """The core use cases: log, recall, card, loops, home, and keeping contacts clean."""

    def _tz(self, actor: Actor, user: User | None) -> str:
        for candidate in (actor.tz, user.tz if user else None, self.default_tz):
            if candidate and _valid_zone(candidate):
                return candidate
        return "UTC"

    # --- logging ----------------------------------------------------------------------------

    def is_question(self, text: str) -> bool:
        return is_question(text)

    def log(
        self,
        *,
        actor: Actor,
        text: str,
        at: datetime | None = None,
        source: str = "console",
        event_id: str | None = None,
        permalink: str | None = None,
        choices: Mapping[str, int] | None = None,
        about: Sequence[str] = (),
    ) -> LogResult:
        """Parse and file a note. Raises UserInputError for empty text.

        `about` names people the note is about whether or not the text names them (the Save as
        note form's "About" field); the first of them is the note's main person.

        With an `event_id` already seen in this workspace, stores nothing and returns
        `duplicate=True`. When a name is ambiguous and `choices` does not settle it, stores a
        pending note and returns `note_id=None`, `pending_id` set and `ambiguities` filled.
        """
        _check_text(text)
        if at is not None and at.tzinfo is None:
            raise ValueError("`at` must be an aware datetime")
        with self._session() as session:
            if event_id is not None and not repo.claim_event(
                session, workspace_id=actor.workspace_id, event_id=event_id, now=self._now()
            ):
                # Another delivery of this event claimed it first (on PostgreSQL this waited
                # for that delivery's transaction to end): file nothing, confirm nothing.
                session.rollback()
                seen = repo.event_seen(session, workspace_id=actor.workspace_id, event_id=event_id)
                assert seen is not None
                return self._duplicate(session, actor, seen, text)
            user = self._user(session, actor)
            result = self._file(
                session,
                actor=actor,
                user=user,
                text=text,
                at=at,
                source=source,
                permalink=permalink,
                choices=dict(choices or {}),
                event_id=event_id,
                about=[name.strip() for name in about if name.strip()],
            )
            session.commit()
            return result

    def _duplicate(
        self, session: Session, actor: Actor, seen: ProcessedEvent, text: str
    ) -> LogResult:
        return LogResult(
            note_id=seen.note_id,
            text=text,
            contacts=(),
            created_contacts=(),
            kind=None,
            occurred_at=seen.received_at,
            private=False,
            duplicate=True,
        )

    def _file(
        self,
        session: Session,
        *,
        actor: Actor,
        user: User,
        text: str,
        at: datetime | None,
        source: str,
        permalink: str | None,
        choices: dict[str, int],
        event_id: str | None,
        note: Note | None = None,
        about: Sequence[str] = (),
    ) -> LogResult:
        """Parse, resolve names, and either file the note or park it until a name is chosen."""
        now = self._now()
        assert user.id is not None
        tz = self._tz(actor, user)
        as_written = text  # a pending note keeps the "team:" prefix for when it is filed
        shared, text = _shared_prefix(text)
        parsed = parse_note(text, now=at or now, tz=tz)
        people = _people_to_resolve(parsed, about)
        resolution = self._resolve(session, actor=actor, user=user, people=people, choices=choices)
        if resolution.ambiguities and note is not None:
            names = "; ".join(
                f'"{a.name}" could be ' + " or ".join(c.display_name for c in a.candidates)
                for a in resolution.ambiguities
            )
            raise UserInputError(f"{names}. Please write the full name.")
        if resolution.ambiguities:
            pending = PendingNote(
                workspace_id=actor.workspace_id,
                author_id=user.id,
                text=as_written,
                occurred_at=at,
                source=source,
                permalink=permalink,
                event_id=event_id,
                choices=choices,
                about=list(about),
                created_at=now,
            )
            session.add(pending)
            session.flush()
            return LogResult(
                note_id=None,
                text=parsed.text,
                contacts=(),
                created_contacts=(),
                kind=parsed.kind,
                occurred_at=parsed.occurred_at or at or now,
                private=parsed.private,
                ambiguities=tuple(resolution.ambiguities),
                pending_id=pending.id,
                not_understood=parsed.not_understood,
            )
        return self._store(
            session,
            actor=actor,
            user=user,
            parsed=parsed,
            resolution=resolution,
            at=at,
            source=source,
            permalink=permalink,
            event_id=event_id,
            note=note,
            tz=tz,
            shared=shared,
        )

    def _store(
        self,
        session: Session,
        *,
        actor: Actor,
        user: User,
        parsed: ParsedNote,
        resolution: _Resolution,
        at: datetime | None,
        source: str,
        permalink: str | None,
        event_id: str | None,
        note: Note | None,
        tz: str,
        shared: bool = False,
    ) -> LogResult:
        now = self._now()
        assert user.id is not None
        workspace = repo.get_or_create_workspace(session, workspace_id=actor.workspace_id, now=now)
        # "private:" always wins; "team:" shares a note in a workspace whose default is private.
        if parsed.private:
            visibility = "private"
        elif shared:
            visibility = "team"
        else:
            visibility = workspace.default_visibility
        occurred = parsed.occurred_at or at or now
        not_understood = list(parsed.not_understood)
        if note is None:
            note = Note(workspace_id=actor.workspace_id, author_id=user.id, logged_at=now, text="")
            note.source, note.permalink = source, permalink
        note.text = parsed.text
        note.kind = parsed.kind
        note.initiator = parsed.initiator.value if parsed.initiator else None
        note.visibility = visibility
        note.occurred_at = occurred
        note.needs = list(parsed.needs)
        note.tags = list(parsed.tags)
        note.sensitive = list(parsed.sensitive)
        session.add(note)
        session.flush()
        assert note.id is not None

        contacts = _unique(resolution.contacts)
        for contact in contacts:
            assert contact.id is not None
            session.add(
                NoteContact(note_id=note.id, contact_id=contact.id, workspace_id=actor.workspace_id)
            )
            if parsed.tags:
                repo.add_tags(
                    session,
                    workspace_id=actor.workspace_id,
                    contact_id=contact.id,
                    tags=parsed.tags,
                )
        main = contacts[0] if contacts else None

        closed = self._settle(
            session, user=user, parsed=parsed, resolution=resolution, main=main, note=note, now=now
        )

        opened: list[Loop] = []
        for spec in parsed.loops:
            target = _pick(resolution, spec.person, main)
            if target is None or target.id is None:
                not_understood.append(f'couldn\'t tell who "{spec.what}" is owed by or to')
                continue
            loop = Loop(
                workspace_id=actor.workspace_id,
                owner_id=user.id,
                contact_id=target.id,
                direction=spec.direction.value,
                what=spec.what,
                due_at=spec.due,
                source_note_id=note.id,
                created_at=now,
            )
            session.add(loop)
            opened.append(loop)

        occasions: list[Occasion] = []
        for occ in parsed.occasions:
            target = _pick(resolution, occ.person, main)
            if target is None or target.id is None:
                not_understood.append(f"couldn't tell whose {occ.kind} that is")
                continue
            occasions.append(
                repo.upsert_occasion(
                    session,
                    workspace_id=actor.workspace_id,
                    contact_id=target.id,
                    kind=occ.kind,
                    month=occ.month,
                    day=occ.day,
                    year=occ.year,
                    source_note_id=note.id,
                )
            )
        note.not_understood = not_understood
        session.add(note)
        if event_id is not None:
            repo.record_event_note(
                session, workspace_id=actor.workspace_id, event_id=event_id, note_id=note.id
            )
        session.flush()
        by_id = {c.id: c for c in contacts if c.id is not None}
        pressure = team.pressure(
            session,
            workspace_id=actor.workspace_id,
            viewer_id=user.id,
            contacts=contacts,
            now=now,
            exclude_note_id=note.id,
        )
        suggestion = serendipity.find(
            session,
            workspace_id=actor.workspace_id,
            viewer_id=user.id,
            note=note,
            contacts=contacts,
            now=now,
        )
        return LogResult(
            note_id=note.id,
            text=note.text,
            contacts=tuple(_ref(c) for c in contacts),
            created_contacts=tuple(_ref(c) for c in _unique(resolution.created)),
            kind=note.kind,
            occurred_at=occurred,
            private=visibility == "private",
            loops_opened=tuple(_loop_view(loop, by_id, now) for loop in opened),
            loops_closed=tuple(
                _loop_view(loop, repo.contacts_by_id(session, [loop.contact_id]), now)
                for loop in closed
            ),
            occasions=tuple(_occasion_view(o, by_id, now, tz) for o in occasions),
            needs=parsed.needs,
            tags=parsed.tags,
            sensitive=parsed.sensitive,
            not_understood=tuple(not_understood),
            pressure=pressure,
            serendipity=suggestion,
        )

    def _settle(
        self,
        session: Session,
        *,
        user: User,
        parsed: ParsedNote,
        resolution: _Resolution,
        main: Contact | None,
        note: Note,
        now: datetime,
    ) -> list[Loop]:
        """Close the author's open loops that this note settles ("sent Raj the deck")."""
        assert user.id is not None
        closed: list[Loop] = []
        for settlement in parsed.settles:
            target = _pick(resolution, settlement.person, main)
            scope = (
                [target.id] if target and target.id else [c.id for c in resolution.contacts if c.id]
            )
            if not scope:
                continue
            candidates = [
                loop
                for loop in repo.open_loops(session, owner_id=user.id, contact_ids=scope)
                if loop.direction == settlement.direction.value and loop not in closed
            ]
            best = _best_loop(candidates, settlement.what)
            if best is None:
                continue
            best.status = "closed"
            best.closed_by_note_id = note.id
            best.closed_at = now
            session.add(best)
            closed.append(best)
        return closed

    def _resolve(
        self,
        session: Session,
        *,
        actor: Actor,
        user: User,
        people: Sequence[PersonRef],
        choices: Mapping[str, int],
    ) -> _Resolution:
        out = _Resolution()
        now = self._now()
        # Slots keep the note's order (the first person named is the main one); contacts are only
        # created once no name is ambiguous, so a pending note leaves nothing behind.
        slots: list[tuple[PersonRef, Contact | None]] = []
        for person in people:
            if any(p.name == person.name for p, _ in slots):
                continue
            chosen = choices.get(person.name)
            contact: Contact | None = None
            if chosen is not None:
                contact = repo.get_contact(
                    session, workspace_id=actor.workspace_id, contact_id=chosen
                )
            if contact is None and person.slack_user_id:
                contact = repo.contact_by_slack_id(
                    session, workspace_id=actor.workspace_id, slack_user_id=person.slack_user_id
                )
            if contact is None and not person.slack_user_id:
                found = self._match(session, actor.workspace_id, person.name)
                if isinstance(found, Ambiguity):
                    out.ambiguities.append(found)
                    continue
                contact = found
            slots.append((person, contact))
        if out.ambiguities:
            return out
        for person, existing in slots:
            contact = existing
            if contact is None:
                display = person.name.strip() or person.slack_user_id or "someone"
                # Two notes first naming the same new person at once must make one contact:
                # hold a per-name lock until commit, then look again (the other note may have
                # created it meanwhile). SQLite's IMMEDIATE transactions already serialise this.
                repo.lock_contact_name(
                    session, workspace_id=actor.workspace_id, key=name_key(display)
                )
                contact = self._created_meanwhile(session, actor.workspace_id, person)
            if contact is None:
                contact = Contact(
                    workspace_id=actor.workspace_id,
                    display_name=display,
                    name_key=name_key(display),
                    slack_user_id=person.slack_user_id,
                    created_by=user.id,
                    created_at=now,
                )
                session.add(contact)
                session.flush()
                out.created.append(contact)
            out.by_name[person.name] = contact
            out.contacts.append(contact)
        return out

    def _created_meanwhile(
        self, session: Session, workspace_id: str, person: PersonRef
    ) -> Contact | None:
        if person.slack_user_id:
            return repo.contact_by_slack_id(
                session, workspace_id=workspace_id, slack_user_id=person.slack_user_id
            )
        key = name_key(person.name)
        found = repo.contacts_with_key(session, workspace_id=workspace_id, key=key)
        return found[0] if len(found) == 1 else None

    def _match(self, session: Session, workspace_id: str, name: str) -> Contact | Ambiguity | None:
        """The contact `name` means (bot.contact_lookup); close candidates become "which one?"."""
        found = match_contact(session, workspace_id=workspace_id, name=name)
        return self._ambiguity(session, name, found) if isinstance(found, list) else found

    def _ambiguity(self, session: Session, name: str, contacts: Sequence[Contact]) -> Ambiguity:
        now = self._now()
        candidates = []
        for contact in contacts[:5]:
            assert contact.id is not None
            last = repo.last_note_at(session, contact_id=contact.id)
            hint = contact.company or (f"last note {_ago(last, now)}" if last else "")
            candidates.append(Candidate(contact.id, contact.display_name, hint))
        return Ambiguity(name=name, candidates=tuple(candidates))

    def choose(self, *, actor: Actor, pending_id: int, name: str, contact_id: int) -> LogResult:
        """The author chose `contact_id` for `name` in a pending note; file it once none is open."""
        with self._session() as session:
            user = self._user(session, actor)
            pending = session.get(PendingNote, pending_id)
            if (
                pending is None
                or pending.author_id != user.id
                or pending.workspace_id != actor.workspace_id
            ):
                raise NotFoundError("That note is no longer waiting for a choice.")
            if (
                repo.get_contact(session, workspace_id=actor.workspace_id, contact_id=contact_id)
                is None
            ):
                raise NotFoundError("That contact no longer exists.")
            choices = dict(pending.choices)
            choices[name] = contact_id
            at = pending.occurred_at
            text, source, permalink, event_id, about = (
                pending.text,
                pending.source,
                pending.permalink,
                pending.event_id,
                list(pending.about),
            )
            session.delete(pending)
            session.flush()
            result = self._file(
                session,
                actor=actor,
                user=user,
                text=text,
                at=at,
                source=source,
                permalink=permalink,
                choices=choices,
                event_id=event_id,
                about=about,
            )
            session.commit()
            return result

    # --- changing notes ---------------------------------------------------------------------

    def _own_note(self, session: Session, actor: Actor, note_id: int) -> tuple[User, Note]:
        user = repo.get_user(session, workspace_id=actor.workspace_id, external_id=actor.user_id)
        note = session.get(Note, note_id)
        if (
            user is None
            or note is None
            or note.workspace_id != actor.workspace_id
            or note.author_id != user.id
        ):
            raise NotFoundError("That note doesn't exist, or it isn't yours to change.")
        return user, note

    def undo(self, *, actor: Actor, note_id: int) -> None:
        """Delete a note the actor wrote (and the loops and occasions it created)."""
        with self._session() as session:
            _user, note = self._own_note(session, actor, note_id)
            contact_ids = repo.delete_note(session, note=note)
            for contact_id in contact_ids:
                if repo.contact_is_orphan(session, contact_id=contact_id):
                    repo.delete_contact(session, contact_id=contact_id)
            session.commit()

    def edit(self, *, actor: Actor, note_id: int, text: str) -> LogResult:
        """Replace the text of a note the actor wrote and re-file it."""
        _check_text(text)
        with self._session() as session:
            user, note = self._own_note(session, actor, note_id)
            keep = Note(
                workspace_id=note.workspace_id,
                author_id=note.author_id,
                text="",
                logged_at=note.logged_at,
                source=note.source,
                permalink=note.permalink,
            )
            old_contacts = repo.delete_note(session, note=note)
            keep.id = note_id
            result = self._file(
                session,
                actor=actor,
                user=user,
                text=text,
                at=None,
                source=keep.source,
                permalink=keep.permalink,
                choices={},
                event_id=None,
                note=keep,
            )
            kept = {c.id for c in result.contacts}
            for contact_id in old_contacts:
                if contact_id not in kept and repo.contact_is_orphan(
                    session, contact_id=contact_id
                ):
                    repo.delete_contact(session, contact_id=contact_id)
            session.commit()
            return result

    # --- reading ----------------------------------------------------------------------------

    def note(self, *, actor: Actor, note_id: int) -> TimelineEntry:
        """One note the actor may see (NotFoundError otherwise)."""
        with self._session() as session:
            user = repo.get_user(
                session, workspace_id=actor.workspace_id, external_id=actor.user_id
            )
            note = session.get(Note, note_id)
            if user is None or note is None or not _may_see(note, actor.workspace_id, user):
                raise NotFoundError("That note doesn't exist, or it isn't visible to you.")
            return self._entries(session, [note])[0]

    def recall(self, *, actor: Actor, query: str, limit: int = 10, offset: int = 0) -> RecallResult:
        if not query.strip():
            raise UserInputError("What should I look for? Try `recall shelter dog`.")
        parsed = parse_query(query[:MAX_NOTE_CHARS])
        if not parsed.terms:
            return RecallResult(query=query, terms=(), hits=(), total=0, offset=offset)
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            session.commit()
            ranked, total = search_notes(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                terms=parsed.terms,
                limit=max(1, min(limit, 100)),
                offset=max(0, offset),
                now=self._now(),
            )
            notes = repo.notes_by_id(session, [note_id for note_id, _ in ranked])
            contacts = repo.contacts_of_notes(session, notes)
            authors = repo.users_by_id(session, [n.author_id for n in notes.values()])
            hits = []
            for note_id, score in ranked:
                note = notes.get(note_id)
                if note is None or not _may_see(note, actor.workspace_id, user):
                    continue
                author = authors.get(note.author_id)
                hits.append(
                    RecallHit(
                        note_id=note_id,
                        text=note.text,
                        contacts=tuple(_ref(c) for c in contacts.get(note_id, [])),
                        occurred_at=note.occurred_at,
                        author=author.display_name if author else "someone",
                        author_id=author.external_id if author else "",
                        private=note.visibility == "private",
                        kind=note.kind,
                        score=score,
                    )
                )
            return RecallResult(
                query=query, terms=parsed.terms, hits=tuple(hits), total=total, offset=offset
            )

    def card(
        self, *, actor: Actor, name: str | None = None, contact_id: int | None = None
    ) -> ContactCard:
        """A contact's card. NotFoundError, or AmbiguousNameError with candidates."""
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            session.commit()
            contact = self._find_contact(session, actor, name=name, contact_id=contact_id)
            assert contact.id is not None
            now = self._now()
            tz = self._tz(actor, user)
            notes = repo.visible_notes_of_contact(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                contact_id=contact.id,
                limit=TIMELINE_LIMIT,
            )
            timeline = self._entries(session, notes)
            last_any = timeline[0] if timeline else None
            mine = repo.last_visible_note_of_contact(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                contact_id=contact.id,
                author_id=user.id,
            )
            last_mine = self._entries(session, [mine])[0] if mine else None
            loops = repo.open_loops(session, owner_id=user.id, contact_ids=[contact.id])
            by_id = {contact.id: contact}
            sensitive: list[tuple[str, datetime]] = []
            needs: list[str] = []
            team_note = team.last_by_team(
                session, workspace_id=actor.workspace_id, viewer_id=user.id, contact_id=contact.id
            )
            per_month = team.notes_per_month(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                contact_id=contact.id,
                now=now,
                tz=tz,
            )
            pressure = team.pressure(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                contacts=[contact],
                now=now,
            )
            for note in notes:
                if now - note.occurred_at <= SENSITIVE_COOLDOWN:
                    sensitive.extend((topic, note.occurred_at) for topic in note.sensitive)
                needs.extend(n for n in note.needs if n not in needs)
            return ContactCard(
                contact=_ref(contact),
                aliases=tuple(repo.aliases_of(session, contact_id=contact.id)),
                company=contact.company,
                role=contact.role,
                timeline=tuple(timeline),
                last_interaction=last_any,
                last_by_you=last_mine,
                open_loops=tuple(_sorted_loops([_loop_view(lp, by_id, now) for lp in loops])),
                occasions=tuple(
                    _occasion_view(o, by_id, now, tz)
                    for o in repo.visible_occasions(
                        session,
                        workspace_id=actor.workspace_id,
                        viewer_id=user.id,
                        contact_id=contact.id,
                    )
                ),
                sensitive=tuple(sensitive),
                needs=tuple(needs),
                tags=_visible_tags(
                    session,
                    workspace_id=actor.workspace_id,
                    viewer_id=user.id,
                    contact_id=contact.id,
                ),
                last_by_team=self._entries(session, [team_note])[0] if team_note else None,
                per_month=per_month,
                sparkline=team.sparkline(per_month),
                knows_best=team.knows_best(
                    session,
                    workspace_id=actor.workspace_id,
                    viewer_id=user.id,
                    contact_id=contact.id,
                    now=now,
                ),
                cadence_days=team.cadence_days(session, owner_id=user.id, contact_id=contact.id),
                pressure=pressure[0] if pressure else None,
                standing=contact_standing(
                    session,
                    workspace_id=actor.workspace_id,
                    viewer_id=user.id,
                    contact_id=contact.id,
                    now=now,
                    tz=tz,
                ),
            )

    def _find_contact(
        self, session: Session, actor: Actor, *, name: str | None, contact_id: int | None
    ) -> Contact:
        return find_contact(
            session, workspace_id=actor.workspace_id, name=name, contact_id=contact_id
        )

    def loops(self, *, actor: Actor) -> LoopList:
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            session.commit()
            return self._loop_list(session, user)

    def _loop_list(self, session: Session, user: User) -> LoopList:
        assert user.id is not None
        now = self._now()
        loops = repo.open_loops(session, owner_id=user.id)
        contacts = repo.contacts_by_id(session, [lp.contact_id for lp in loops])
        views = _sorted_loops([_loop_view(lp, contacts, now) for lp in loops])
        return LoopList(
            you_owe=tuple(v for v in views if v.direction == Direction.YOU_OWE.value),
            waiting_on=tuple(v for v in views if v.direction == Direction.THEY_OWE.value),
        )

    def home(self, *, actor: Actor) -> Home:
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            session.commit()
            now = self._now()
            tz = self._tz(actor, user)
            recent = repo.recent_visible_notes(
                session, workspace_id=actor.workspace_id, viewer_id=user.id, limit=10
            )
            occasions = repo.visible_occasions(
                session, workspace_id=actor.workspace_id, viewer_id=user.id
            )
            contacts = repo.contacts_by_id(session, [o.contact_id for o in occasions])
            upcoming = sorted(
                (_occasion_view(o, contacts, now, tz) for o in occasions),
                key=lambda v: v.next_date,
            )
            horizon = (now.astimezone(ZoneInfo(tz)).date() + timedelta(days=30)).isoformat()
            return Home(
                loops=self._loop_list(session, user),
                recent=tuple(self._entries(session, recent)),
                birthdays=tuple(v for v in upcoming if v.next_date <= horizon),
            )

    def _entries(self, session: Session, notes: Sequence[Note]) -> list[TimelineEntry]:
        authors = repo.users_by_id(session, [n.author_id for n in notes])
        entries = []
        for note in notes:
            assert note.id is not None
            author = authors.get(note.author_id)
            entries.append(
                TimelineEntry(
                    note_id=note.id,
                    text=note.text,
                    occurred_at=note.occurred_at,
                    author=author.display_name if author else "someone",
                    author_id=author.external_id if author else "",
                    kind=note.kind,
                    private=note.visibility == "private",
                )
            )
        return entries

    # --- the team ---------------------------------------------------------------------------

    def who_knows_subject(self, text: str) -> str | None:
        """ "who knows someone at Globex?" → "Globex"; None for other text (recall it)."""
        return team.who_knows_subject(text)

    def who_knows(self, *, actor: Actor, query: str) -> WhoKnows:
        """Teammates and the contacts behind them for a company, role or topic."""
        subject = team.who_knows_subject(query) or query.strip()
        if not subject:
            raise UserInputError("Who knows whom? Try `who-knows Globex`.")
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            session.commit()
            return team.who_knows(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                query=subject[:200],
                now=self._now(),
            )

    def workspace_settings(self, *, actor: Actor) -> WorkspaceSettings:
        with self._session() as session:
            self._user(session, actor)
            session.commit()
            workspace = repo.get_or_create_workspace(
                session, workspace_id=actor.workspace_id, now=self._now()
            )
            return _workspace_view(workspace)

    def update_workspace(
        self,
        *,
        actor: Actor,
        default_visibility: str | None = None,
        pressure_threshold: int | None = None,
    ) -> WorkspaceSettings:
        """Change the workspace's defaults; every member may, and the audit log says who."""
        if default_visibility is not None and default_visibility not in ("team", "private"):
            raise UserInputError("Default visibility is `team` or `private`.")
        if pressure_threshold is not None and not 1 <= pressure_threshold <= 100:
            raise UserInputError("The pressure threshold is a number from 1 to 100.")
        with self._session() as session:
            user = self._user(session, actor)
            workspace = repo.get_or_create_workspace(
                session, workspace_id=actor.workspace_id, now=self._now()
            )
            changed: dict[str, object] = {}
            if default_visibility is not None:
                workspace.default_visibility = default_visibility
                changed["default_visibility"] = default_visibility
            if pressure_threshold is not None:
                workspace.pressure_threshold = pressure_threshold
                changed["pressure_threshold"] = pressure_threshold
            if changed:
                session.add(workspace)
                contacts.audit(
                    session,
                    workspace_id=actor.workspace_id,
                    user=user,
                    action="workspace",
                    subject="workspace",
                    now=self._now(),
                    detail=changed,
                )
            session.commit()
            return _workspace_view(workspace)

    # --- keeping contacts clean -------------------------------------------------------------

    def _contact_change(
        self,
        actor: Actor,
        change: Callable[[Session, User, Callable[[str | None, int | None], Contact]], T],
    ) -> T:
        with self._session() as session:
            user = self._user(session, actor)

            def find(name: str | None, contact_id: int | None) -> Contact:
                return self._find_contact(session, actor, name=name, contact_id=contact_id)

            result = change(session, user, find)
            session.commit()
            return result

    def add_alias(
        self, *, actor: Actor, name: str, alias: str, contact_id: int | None = None
    ) -> ContactChange:
        """ "Jen" = "Jennifer Park": notes that say Jen are filed under Jennifer Park."""
        return self._contact_change(
            actor,
            lambda session, user, find: contacts.add_alias(
                session,
                workspace_id=actor.workspace_id,
                user=user,
                contact=find(name, contact_id),
                alias=alias,
                now=self._now(),
            ),
        )

    def rename(
        self, *, actor: Actor, name: str, new_name: str, contact_id: int | None = None
    ) -> ContactChange:
        return self._contact_change(
            actor,
            lambda session, user, find: contacts.rename(
                session,
                workspace_id=actor.workspace_id,
                user=user,
                contact=find(name, contact_id),
                new_name=new_name,
                now=self._now(),
            ),
        )

    def merge(
        self,
        *,
        actor: Actor,
        keep: str | None = None,
        other: str | None = None,
        keep_id: int | None = None,
        other_id: int | None = None,
    ) -> ContactChange:
        """Fold `other` into `keep`; nothing is lost and `other`'s name becomes an alias."""
        return self._contact_change(
            actor,
            lambda session, user, find: contacts.merge(
                session,
                workspace_id=actor.workspace_id,
                user=user,
                keep=find(keep, keep_id),
                other=find(other, other_id),
                now=self._now(),
            ),
        )

    def forget_preview(
        self, *, actor: Actor, name: str | None = None, contact_id: int | None = None
    ) -> ContactRef:
        """The contact `forget` would erase (for a confirmation step); raises like `card`."""
        with self._session() as session:
            self._user(session, actor)
            session.commit()
            return _ref(self._find_contact(session, actor, name=name, contact_id=contact_id))

    def forget(
        self, *, actor: Actor, name: str | None = None, contact_id: int | None = None
    ) -> ContactChange:
        """Erase a contact, the notes only about them, their loops and occasions; audit who."""
        return self._contact_change(
            actor,
            lambda session, user, find: contacts.forget(
                session,
                workspace_id=actor.workspace_id,
                user=user,
                contact=find(name, contact_id),
                now=self._now(),
            ),
        )

    # --- data in and out --------------------------------------------------------------------

    def import_contacts(
        self,
        *,
        actor: Actor,
        path: Path,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportSummary:
        """Import a .vcf or Google Contacts .csv; idempotent; bad records reported by line."""
        from bot.io import importer

        if not path.is_file():
            raise UserInputError(f"There is no file at {path}.")
        total = importer.count_records(path)
        with self._session() as session:
            user = self._user(session, actor)
            now = self._now()
            summary = importer.apply(
                session,
                importer.read_records(path),
                workspace_id=actor.workspace_id,
                user=user,
                now=now,
                total=total,
                progress=progress,
            )
            contacts.audit(
                session,
                workspace_id=actor.workspace_id,
                user=user,
                action="import",
                subject="workspace",
                now=now,
                detail={
                    "created": summary.created,
                    "merged": summary.merged,
                    "skipped": summary.skipped,
                    "problems": len(summary.problems),
                },
            )
            session.commit()
            return summary

    def export(self, *, actor: Actor, format: str = "json") -> str:
        """Everything the actor may see, as json, csv (Google Contacts columns) or vcf."""
        from bot.io import export

        if format not in export.FORMATS:
            raise UserInputError(f"Export as {', '.join(export.FORMATS)}, not {format!r}.")
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            session.commit()
            data = export.gather(
                session, workspace_id=actor.workspace_id, viewer_id=user.id, now=self._now()
            )
        return export.render(data, format)

    # --- users ------------------------------------------------------------------------------

    def set_user_tz(self, *, actor: Actor, tz: str | None) -> None:
        """Cache the zone Slack's users.info gave for this user."""
        with self._session() as session:
            user = self._user(session, actor)
            user.tz = tz if tz and _valid_zone(tz) else None
            user.tz_checked_at = self._now()
            session.add(user)
            session.commit()

    def user_needs_tz(self, *, actor: Actor) -> bool:
        """True when the user's zone was never fetched or is older than a day."""
        with self._session() as session:
            user = repo.get_user(
                session, workspace_id=actor.workspace_id, external_id=actor.user_id
            )
            if user is None or user.tz_checked_at is None:
                return True
            return self._now() - user.tz_checked_at > timedelta(days=1)


# --- helpers ----------------------------------------------------------------------------------


def _check_text(text: str) -> None:
    if not text or not text.strip():
        raise UserInputError(
            "That note is empty. Tell me what happened, e.g. `met Jane Doe for coffee`."
        )
    if not _WORD.search(text):
        raise UserInputError("I couldn't find any words in that note, so I didn't save it.")
    if len(text) > MAX_NOTE_CHARS:
        raise UserInputError(
            f"That note is {len(text):,} characters; the limit is {MAX_NOTE_CHARS:,}. "
            "Please split it into shorter notes."
        )


_SHARED_PREFIX = re.compile(r"^\s*(?:team|shared)\s*:\s*", re.IGNORECASE)


def _shared_prefix(text: str) -> tuple[bool, str]:
    """ "team: met Jane…" → (True, "met Jane…"): visible to the team whatever the default."""
    match = _SHARED_PREFIX.match(text)
    if match is None or not text[match.end() :].strip():
        return False, text
    return True, text[match.end() :]


def _workspace_view(workspace: Workspace) -> WorkspaceSettings:
    return WorkspaceSettings(
        workspace_id=workspace.id,
        default_visibility=workspace.default_visibility,
        pressure_threshold=workspace.pressure_threshold,
    )


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _people_to_resolve(parsed: ParsedNote, about: Sequence[str] = ()) -> list[PersonRef]:
    # Whom the author said the note is about comes first (the main person), then whom it names.
    given = {name_key(name) for name in about}
    people = [PersonRef(name=name) for name in about]
    people += [p for p in parsed.people if name_key(p.name) not in given or p.slack_user_id]
    named = {p.name for p in people}
    extra = [loop.person for loop in parsed.loops] + [s.person for s in parsed.settles]
    extra += [o.person for o in parsed.occasions]
    firsts = {name_key(p.name).split(" ")[0] for p in people if " " in name_key(p.name)}
    for name in extra:
        # "Sam" in "lunch with Sam Lee, Sam's birthday is March 3" is Sam Lee (see _pick).
        if name and name not in named and name_key(name) not in firsts:
            people.append(PersonRef(name=name))
            named.add(name)
    return people


def _pick(resolution: _Resolution, name: str | None, main: Contact | None) -> Contact | None:
    if name is None:
        return main
    found = resolution.by_name.get(name)
    if found is not None:
        return found
    key = name_key(name)
    for contact in resolution.contacts:
        if contact.name_key == key or contact.name_key.split(" ")[0] == key:
            return contact
    return main


def _unique(contacts: Sequence[Contact]) -> list[Contact]:
    seen: set[int | None] = set()
    out = []
    for contact in contacts:
        if contact.id not in seen:
            seen.add(contact.id)
            out.append(contact)
    return out


def _content_words(text: str) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall(text.casefold()) if w not in _LOOP_FILLER}


def _best_loop(candidates: Sequence[Loop], what: str) -> Loop | None:
    """The loop a settlement most plausibly closes; with one candidate, that one."""
    if not candidates:
        return None
    words = _content_words(what)
    scored = sorted(
        candidates,
        key=lambda loop: (-len(words & _content_words(loop.what)), loop.created_at, loop.id or 0),
    )
    best = scored[0]
    if len(candidates) == 1 or words & _content_words(best.what):
        return best
    return None


def _visible_tags(
    session: Session, *, workspace_id: str, viewer_id: int, contact_id: int
) -> tuple[str, ...]:
    """The card's #tags: those written in notes about the contact that the viewer may see.

    ContactTag rows (kept for #tag cadences) don't say which note a tag came from, so a tag
    written in someone's private note would show on everyone's card; each note's own `tags`
    does. All visible notes count, not just the timeline's latest 50.
    """
    rows = session.exec(
        select(Note.tags)
        .join(NoteContact, col(NoteContact.note_id) == col(Note.id))
        .where(NoteContact.contact_id == contact_id, *repo.visible(workspace_id, viewer_id))
    ).all()
    return tuple(sorted({str(tag) for tags in rows for tag in (tags or [])}))


def _may_see(note: Note, workspace_id: str, user: User) -> bool:
    return note.workspace_id == workspace_id and (
        note.visibility == "team" or note.author_id == user.id
    )


def _ref(contact: Contact) -> ContactRef:
    assert contact.id is not None
    return ContactRef(id=contact.id, display_name=contact.display_name)


def _loop_view(loop: Loop, contacts: Mapping[int, Contact], now: datetime) -> LoopView:
    assert loop.id is not None or loop.id is None
    contact = contacts.get(loop.contact_id)
    ref = _ref(contact) if contact else ContactRef(id=loop.contact_id, display_name="someone")
    return LoopView(
        id=loop.id or 0,
        direction=loop.direction,
        what=loop.what,
        contact=ref,
        due_at=loop.due_at,
        created_at=loop.created_at,
        overdue=loop.due_at is not None and loop.due_at < now,
        source_note_id=loop.source_note_id,
    )


def _sorted_loops(views: Sequence[LoopView]) -> list[LoopView]:
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(
        views,
        key=lambda v: (not v.overdue, v.due_at is None, v.due_at or far, v.created_at, v.id),
    )


def _occasion_view(
    occasion: Occasion, contacts: Mapping[int, Contact], now: datetime, tz: str
) -> OccasionView:
    contact = contacts.get(occasion.contact_id)
    ref = _ref(contact) if contact else ContactRef(id=occasion.contact_id, display_name="someone")
    today = now.astimezone(ZoneInfo(tz)).date()
    return OccasionView(
        kind=occasion.kind,
        month=occasion.month,
        day=occasion.day,
        year=occasion.year,
        contact=ref,
        next_date=next_occurrence(occasion.month, occasion.day, today).isoformat(),
    )


def _ago(when: datetime, now: datetime) -> str:
    from bot.domain.humanize import ago

    return ago(when, now)
