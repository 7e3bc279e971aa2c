"""Logging a note: parse it, settle its names ("which Jane?"), file it; edit and undo it later.

Every method takes the acting `Actor` (identity from the payload or --as, never from note text)
and opens its own session; a retried Slack event (same `event_id`) files nothing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Unpack

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.domain.errors import (
    NotFoundError,
    StorageInDoubtError,
    StorageUnavailableError,
    UserInputError,
)
from bot.domain.names import name_key
from bot.domain.notes import Correction, LogResult
from bot.domain.refs import Actor
from bot.notes import corrections, organisations
from bot.notes.filing import file_note
from bot.notes.knowledge import KnowledgeCache
from bot.notes.known import is_known
from bot.notes.resolve import people_to_resolve, resolve
from bot.parsing import Knowledge, OrgRef, is_question, parse_note
from bot.store import repo
from bot.store.models import Note, NoteContact, PendingNote, ProcessedEvent, User
from bot.store.organisation_models import Organisation
from bot.usecases import Shared, UseCases

MAX_NOTE_CHARS = 10_000
_WORD = re.compile(r"\w+", re.UNICODE)
_SHARED_PREFIX = re.compile(r"^\s*(?:team|shared)\s*:\s*", re.IGNORECASE)


class Logbook(UseCases):
    """Log, choose ("which Jane?"), edit, undo and correct notes.

    Each note is read with what the workspace knows (bot.notes.knowledge), so a known "yusuf",
    "Berg" or "AL" is the contact, and what people corrected stays corrected.
    """

    def __init__(
        self, *, knowledge: KnowledgeCache | None = None, **shared: Unpack[Shared]
    ) -> None:
        super().__init__(**shared)
        self.knowledge = knowledge if knowledge is not None else KnowledgeCache()

    def known(self, session: Session, workspace_id: str) -> Knowledge:
        """The workspace's snapshot for the parser (cached; see bot.notes.knowledge)."""
        return self.knowledge.get(session, workspace_id=workspace_id)

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
        check_text(text)
        if at is not None and at.tzinfo is None:
            raise ValueError("`at` must be an aware datetime")
        filed: list[LogResult] = []
        try:
            return self._log(
                filed,
                actor=actor,
                text=text,
                at=at,
                source=source,
                event_id=event_id,
                permalink=permalink,
                choices=choices,
                about=about,
            )
        except StorageUnavailableError as exc:
            if not filed or not exc.lost_connection:
                raise  # it failed before the commit, or the database refused it: nothing kept
            # The connection went while the commit was on its way: the database may have kept
            # the note or not. The claimed event says which, once the database answers again.
            kept = self._kept(actor, event_id) if event_id is not None else None
            if kept:
                return filed[0]
            if kept is None:
                # "Nothing was saved, try again" could be a lie that files the note twice.
                raise StorageInDoubtError(_in_doubt(filed[0])) from exc
            raise

    def _kept(self, actor: Actor, event_id: str) -> bool | None:
        """Whether a commit whose answer was lost went through, looking for its claimed event
        for a few seconds (an outage this short is common: a failover, a restart); None when
        the database did not answer in that time."""
        for wait in (0.2, 0.4, 0.8, 1.6, 3.2):
            time.sleep(wait)
            try:
                with self._reading() as session:
                    return (
                        repo.event_seen(session, workspace_id=actor.workspace_id, event_id=event_id)
                        is not None
                    )
            except StorageUnavailableError:
                continue
        return None

    def _log(
        self,
        filed: list[LogResult],
        *,
        actor: Actor,
        text: str,
        at: datetime | None,
        source: str,
        event_id: str | None,
        permalink: str | None,
        choices: Mapping[str, int] | None,
        about: Sequence[str],
    ) -> LogResult:
        # What the workspace knows is read before the write transaction begins: rebuilding the
        # snapshot takes seconds at 100,000 contacts, and inside the transaction it held
        # SQLite's write lock all that time, so other notes failed with "database is locked".
        # The write path below then finds it cached (bot.notes.knowledge).
        with self._reading() as session:
            self.known(session, actor.workspace_id)
        with self._session() as session:
            if event_id is not None and not repo.claim_event(
                session, workspace_id=actor.workspace_id, event_id=event_id, now=self._now()
            ):
                # Another delivery of this event claimed it first (on PostgreSQL this waited
                # for that delivery's transaction to end): file nothing, confirm nothing.
                session.rollback()
                seen = repo.event_seen(session, workspace_id=actor.workspace_id, event_id=event_id)
                assert seen is not None
                return _duplicate(seen, text)
            user = self._user(session, actor)
            said = corrections.read(text) if not choices and not about else None
            if said is not None:
                # A claimed event stays claimed: a retried delivery corrects nothing twice.
                result = self._correct(session, actor=actor, user=user, name=said[0], kind=said[1])
                session.commit()
                self.knowledge.invalidate(actor.workspace_id)
                return result
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
            filed.append(result)
            session.commit()
            return result

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
        parse_at: datetime | None = None,
        prefer: frozenset[int] = frozenset(),
    ) -> LogResult:
        """Parse, resolve names, and either file the note or park it until a name is chosen.

        `parse_at` is when the text was written, for re-filing an old note: its "yesterday" is
        the day before it was logged, not before today.
        """
        now = self._now()
        assert user.id is not None
        tz = self._tz(actor, user)
        as_written = text  # a pending note keeps the "team:" prefix for when it is filed
        shared, text = _shared_prefix(text)
        known = self.known(session, actor.workspace_id)
        parsed = parse_note(text, now=parse_at or at or now, tz=tz, known=known)
        ws = actor.workspace_id

        def never(name: str) -> bool:
            return organisations.what_it_is(session, workspace_id=ws, name=name) is not None

        # "About: Initrode" names an organisation: file the note under it, not under a person.
        extra = []
        for name in about:
            found = organisations.what_it_is(session, workspace_id=ws, name=name)
            if isinstance(found, Organisation):
                extra.append(OrgRef(found.name, known=True))
        if extra:
            named = {name_key(o.name) for o in parsed.organisations}
            fresh = tuple(o for o in extra if name_key(o.name) not in named)
            parsed = replace(parsed, organisations=parsed.organisations + fresh)
        resolution = resolve(
            session,
            workspace_id=actor.workspace_id,
            author_id=user.id,
            people=people_to_resolve(parsed, about),
            choices=choices,
            now=now,
            never=never,
            prefer=prefer,
        )
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
        return file_note(
            session,
            workspace_id=actor.workspace_id,
            user=user,
            parsed=parsed,
            resolution=resolution,
            at=at,
            source=source,
            permalink=permalink,
            event_id=event_id,
            note=note,
            now=now,
            tz=tz,
            shared=shared,
        )

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
        check_text(text)
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
                prefer=frozenset(old_contacts),
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

    # --- corrections ------------------------------------------------------------------------

    def is_correction(self, text: str) -> bool:
        """ "Expo is not a person", "Plaid is a company": a correction, not a note."""
        return corrections.read(text) is not None

    def correct(self, *, actor: Actor, kind: str, note_id: int, contact_id: int) -> LogResult:
        """From a note's confirmation: the contact it was filed under is no person (`kind`
        "not_person") or an organisation ("organisation"). Remembered for the workspace; the
        actor's notes under that contact are re-filed, and the contact goes if nothing else
        uses it. Only the note's author may do this (NotFoundError otherwise)."""
        if kind not in corrections.KINDS:
            raise UserInputError("I can only mark a name as not a person or as a company.")
        with self._session() as session:
            user, _note = self._own_note(session, actor, note_id)
            contact = repo.get_contact(
                session, workspace_id=actor.workspace_id, contact_id=contact_id
            )
            if contact is None or not _filed_under(session, note_id, contact_id):
                raise NotFoundError("That note isn't filed under that contact any more.")
            result = self._correct(
                session, actor=actor, user=user, name=contact.display_name, kind=kind
            )
            session.commit()
            self.knowledge.invalidate(actor.workspace_id)
            return result

    def _correct(
        self, session: Session, *, actor: Actor, user: User, name: str, kind: str
    ) -> LogResult:
        assert user.id is not None
        now = self._now()
        corrections.remember(
            session,
            workspace_id=actor.workspace_id,
            name=name,
            kind=kind,
            user_id=user.id,
            now=now,
        )
        if kind == corrections.ORGANISATION:
            organisations.find_or_make(
                session, workspace_id=actor.workspace_id, name=name, user_id=user.id, now=now
            )
        self.knowledge.invalidate(actor.workspace_id)
        refiled: list[LogResult] = []
        removed = kept = None
        because = ""
        wrong = (
            []
            if kind == corrections.PERSON
            else list(
                repo.contacts_with_key(session, workspace_id=actor.workspace_id, key=name_key(name))
            )
        )
        for contact in wrong:
            assert contact.id is not None
            for old in corrections.notes_on_contact(
                session, contact_id=contact.id, author_id=user.id
            ):
                refiled.append(self._refile(session, actor=actor, user=user, note=old))
            left = corrections.references(session, contact_id=contact.id)
            if left == 0:
                repo.delete_contact(session, contact_id=contact.id)
                removed = contact.display_name
            elif not is_known(
                session, workspace_id=actor.workspace_id, viewer_id=user.id, contact_id=contact.id
            ):
                # Only what the actor may not see still names them: for the actor they are
                # gone, and what keeps them is neither counted nor described.
                removed = contact.display_name
            else:
                kept = contact.display_name
                because = _kept_because(session, contact.id, user.id)
        return LogResult(
            note_id=None,
            text=name,
            contacts=(),
            created_contacts=(),
            kind=None,
            occurred_at=now,
            private=False,
            correction=Correction(
                name=name,
                kind=kind,
                refiled=tuple(refiled),
                removed_contact=removed,
                kept_contact=kept,
                kept_because=because,
            ),
        )

    def _refile(self, session: Session, *, actor: Actor, user: User, note: Note) -> LogResult:
        """File an existing note again, as it was written (same id, text, time and
        visibility), with what the workspace knows now."""
        assert note.id is not None
        keep = Note(
            workspace_id=note.workspace_id,
            author_id=note.author_id,
            text="",
            logged_at=note.logged_at,
            source=note.source,
            permalink=note.permalink,
        )
        text = ("private: " if note.visibility == "private" else "") + note.text
        written_at, occurred = note.logged_at, note.occurred_at
        shared = note.visibility == "team"
        before = frozenset(repo.delete_note(session, note=note))
        keep.id = note.id
        return self._file(
            session,
            actor=actor,
            user=user,
            text=("team: " + text) if shared else text,
            at=occurred,
            parse_at=written_at,
            prefer=before,
            source=keep.source,
            permalink=keep.permalink,
            choices={},
            event_id=None,
            note=keep,
        )


def _filed_under(session: Session, note_id: int, contact_id: int) -> bool:
    return any(c.id == contact_id for c in repo.contacts_of_notes(session, [note_id])[note_id])


def _kept_because(session: Session, contact_id: int, author_id: int) -> str:
    """Why the wrong contact stays: teammates' notes the actor may see (counted), or loops,
    birthdays, cadences still about them."""
    others = session.exec(
        select(func.count())
        .select_from(NoteContact)
        .join(Note, col(Note.id) == col(NoteContact.note_id))
        .where(
            NoteContact.contact_id == contact_id,
            Note.author_id != author_id,
            Note.visibility == "team",  # a teammate's private note is not the actor's to count
        )
    ).one()
    if others:
        return f"{others} note{'s' if others != 1 else ''} by teammates still name them"
    return "a loop, a birthday, a cadence or an alias still names them"


def check_text(text: str) -> None:
    """A note worth filing: some words, not too long (a recall query shares the limit)."""
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


def _shared_prefix(text: str) -> tuple[bool, str]:
    """ "team: met Jane…" → (True, "met Jane…"): visible to the team whatever the default."""
    match = _SHARED_PREFIX.match(text)
    if match is None or not text[match.end() :].strip():
        return False, text
    return True, text[match.end() :]


def _duplicate(seen: ProcessedEvent, text: str) -> LogResult:
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


def _in_doubt(result: LogResult) -> str:
    """What to say when a note's commit lost its answer and the database stayed away: where to
    look before sending it again (its first person's card)."""
    said = (
        "The connection to the database dropped just as I was saving that, so I can't tell "
        "whether it was kept."
    )
    if not result.contacts:
        return said + " Give it a minute and check before sending it again."
    first = result.contacts[0].display_name
    return said + f" Give it a minute, then look for it with `who {first}` before sending again."
