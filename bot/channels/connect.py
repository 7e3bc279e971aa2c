"""Slack Connect: shared channels a member asked Rapport to follow.

In a tracked channel, a message by someone from another organisation is an interaction with
them: they become (or are linked to) a contact — by Slack user id, then email, then name — their
Slack organisation becomes their organisation, and their day's interaction (one `Note` per
person per day, visible to the team, with the message's permalink and a short excerpt) moves to
their latest message. Whose turn it is follows the questions: one an outsider asked that no
teammate answered within a working day becomes "they're waiting on us" (a loop you owe, for the
teammates in the thread or whoever turned tracking on); one a teammate asked that no outsider
answered becomes "waiting on them" (a loop they owe, for the teammate). A reply closes it.

A channel that is not tracked is never read: `record` looks only at `connect_channel` before
returning. A Slack retry is the same (channel, ts): the unique key keeps it once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from sqlalchemy import bindparam, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from bot.domain import connect as rules
from bot.domain.connect import ChannelMessage, Person, Recorded, TrackResult
from bot.domain.names import name_key
from bot.domain.refs import Actor
from bot.notes import organisations
from bot.store import repo
from bot.store.connect_models import ConnectChannel, ConnectInteraction, ConnectMessage
from bot.store.models import Contact, Loop, Note, NoteContact
from bot.usecases import UseCases

log = logging.getLogger("rapport.connect")

PROMOTE_BATCH: Final = 500
MAX_NAME: Final = 200


@dataclass
class _Batch:
    """What one burst has already looked up: its channels, outsiders and teammates."""

    channels: dict[tuple[str, str], ConnectChannel | None] = field(default_factory=dict)
    contacts: dict[tuple[str, str], Contact] = field(default_factory=dict)
    users: dict[tuple[str, str], int | None] = field(default_factory=dict)


_MESSAGES = ConnectMessage.__table__  # type: ignore[attr-defined]
# Built once, with bound parameters, so SQLAlchemy compiles each statement once per process:
# at 200 messages a second, building and compiling them again was a third of the work.
_WAITING = sa_select(_MESSAGES.c.id, _MESSAGES.c.thread_ts, _MESSAGES.c.ts).where(
    _MESSAGES.c.workspace_id == bindparam("ws"),
    _MESSAGES.c.channel_id == bindparam("ch"),
    _MESSAGES.c.status.in_(("open", "promoted")),
    _MESSAGES.c.external == bindparam("external"),
    _MESSAGES.c.at <= bindparam("at"),
    _MESSAGES.c.ts != bindparam("ts"),
)
_INTERACTIONS = ConnectInteraction.__table__  # type: ignore[attr-defined]
_NOTES = Note.__table__  # type: ignore[attr-defined]
_DAYS_NOTE = (
    sa_select(_INTERACTIONS.c.note_id, _NOTES.c.source)
    .select_from(_INTERACTIONS.outerjoin(_NOTES, _NOTES.c.id == _INTERACTIONS.c.note_id))
    .where(
        _INTERACTIONS.c.contact_id == bindparam("contact"),
        _INTERACTIONS.c.day == bindparam("day"),
    )
)
_MOVE_NOTE = (
    update(_NOTES)
    .where(_NOTES.c.id == bindparam("note"), _NOTES.c.occurred_at < bindparam("latest"))
    .values(occurred_at=bindparam("latest"))
)
_CONTACT_BY_SLACK = select(Contact).where(
    Contact.workspace_id == bindparam("ws"), Contact.slack_user_id == bindparam("slack")
)
_INSERTS = {
    name: insert_fn(_MESSAGES).on_conflict_do_nothing().returning(_MESSAGES.c.id)
    for name, insert_fn in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}


def _insert_message(session: Session, values: dict[str, object]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING of one message row; False when it was there (a retry)."""
    statement = _INSERTS[session.get_bind().dialect.name]
    return session.execute(statement, values).first() is not None


class SlackConnect(UseCases):
    """Tracking shared channels, and what their messages mean for each relationship."""

    # --- tracking ---------------------------------------------------------------------------

    def track(self, *, actor: Actor, channel_id: str, name: str) -> TrackResult:
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            found = session.get(ConnectChannel, (actor.workspace_id, channel_id))
            if found is not None:
                return TrackResult(channel_id=channel_id, name=found.name, already=True)
            repo.insert_ignoring_conflict(
                session,
                ConnectChannel,
                {
                    "workspace_id": actor.workspace_id,
                    "channel_id": channel_id,
                    "name": name[:MAX_NAME],
                    "tracked_by": user.id,
                    "tracked_at": now,
                },
            )
            session.commit()
        return TrackResult(channel_id=channel_id, name=name, already=False)

    def untrack(self, *, actor: Actor, channel_id: str) -> bool:
        """Stop following the channel; what it already filed stays (the team's interactions).
        Its questions still waiting stop waiting: nobody will see their answers now."""
        with self._session() as session:
            found = session.get(ConnectChannel, (actor.workspace_id, channel_id))
            if found is None:
                return False
            session.delete(found)
            session.execute(
                update(ConnectMessage)
                .where(
                    col(ConnectMessage.workspace_id) == actor.workspace_id,
                    col(ConnectMessage.channel_id) == channel_id,
                    col(ConnectMessage.status) == "open",
                )
                .values(status="said", due_at=None)
            )
            session.commit()
        return True

    def is_tracked(self, *, workspace_id: str, channel_id: str) -> bool:
        with self._reading() as session:
            return session.get(ConnectChannel, (workspace_id, channel_id)) is not None

    def tracked_among(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (workspace, channel) pairs are tracked: one read for a burst."""
        wanted = set(keys)
        if not wanted:
            return set()
        with self._reading() as session:
            rows = session.exec(
                select(ConnectChannel.workspace_id, ConnectChannel.channel_id).where(
                    col(ConnectChannel.channel_id).in_(sorted({c for _, c in wanted}))
                )
            ).all()
        return {(w, c) for w, c in rows if (w, c) in wanted}

    # --- messages ---------------------------------------------------------------------------

    def record(self, message: ChannelMessage) -> Recorded:
        """Keep what one message in a tracked channel means; nothing for an untracked one."""
        return self.record_many([message])[0]

    def record_many(self, messages: Sequence[ChannelMessage]) -> list[Recorded]:
        """`record` for a burst, in the order given, in one transaction (one commit, not one a
        message). Should one message fail, each is kept on its own: nothing else is lost."""
        if not messages:
            return []
        now = self._now()
        try:
            with self._session() as session:
                batch = _Batch()
                # PostgreSQL: one writer per person at a time (taken in one order, so two
                # processes can't deadlock), so a new person becomes one contact and a day one
                # interaction. SQLite's writers take turns already.
                for key in sorted({(m.workspace_id, m.slack_user_id) for m in messages}):
                    repo.lock_contact_name(session, workspace_id=key[0], key=f"slack:{key[1]}")
                # One flush at the commit for what the burst changed (the day's interactions'
                # times, the questions answered), not one before every query.
                with session.no_autoflush:
                    recorded = [self._record(session, m, batch, now) for m in messages]
                session.commit()
                return recorded
        except Exception:
            if len(messages) == 1:
                raise
            log.warning("a batch of %d shared-channel messages failed; one by one", len(messages))
            return [self.record(m) for m in messages]

    def _record(
        self,
        session: Session,
        message: ChannelMessage,
        batch: _Batch,
        now: datetime,
    ) -> Recorded:
        key = (message.workspace_id, message.channel_id)
        if key not in batch.channels:
            batch.channels[key] = session.get(ConnectChannel, key)
        channel = batch.channels[key]
        if channel is None:
            return Recorded(tracked=False)
        # Everything below is idempotent for a retry (same ts, same time): the unique
        # (channel, ts) of the message row, inserted last, says whether it was one.
        contact_id = note_id = user_id = None
        new_interaction = False
        if message.external is not None:
            person = (message.workspace_id, message.slack_user_id)
            contact = batch.contacts.get(person)
            if contact is None or contact.company != (
                message.external.team_name or contact.company
            ):
                contact = self._contact(session, channel, message.external, now)
                batch.contacts[person] = contact
            contact_id = contact.id
            note_id, new_interaction = self._interaction(session, channel, contact, message, now)
        else:
            teammate = (message.workspace_id, message.slack_user_id)
            user_id = batch.users.get(teammate)
            if user_id is None:
                user_id = repo.get_or_create_user(
                    session,
                    workspace_id=message.workspace_id,
                    external_id=message.slack_user_id,
                    display_name=message.teammate_name,
                    now=now,
                ).id
                batch.users[teammate] = user_id
        answered, closed = self._answer(session, message, note_id, now)
        question = rules.is_question(message.text)
        claimed = _insert_message(
            session,
            {
                "workspace_id": message.workspace_id,
                "channel_id": message.channel_id,
                "ts": message.ts,
                "thread_ts": message.thread,
                "external": message.external is not None,
                "contact_id": contact_id,
                "user_id": user_id,
                "note_id": note_id,
                "question": question,
                "excerpt": rules.excerpt(message.text),
                "at": message.at,
                "status": "open" if question else "said",
                "due_at": rules.answer_due(message.at, self.default_tz) if question else None,
                "loop_ids": [],
            },
        )
        if not claimed:
            return Recorded(tracked=True, duplicate=True, contact_id=contact_id)
        return Recorded(
            tracked=True,
            contact_id=contact_id,
            new_interaction=new_interaction,
            question=question,
            answered=answered,
            closed_loops=closed,
            note_id=note_id if new_interaction else None,
        )

    def link(self, *, workspace_id: str, note_id: int, permalink: str) -> None:
        """The permalink of the message a day's interaction started with (fetched after the
        transaction that made it, so no Web API call ever holds a database write)."""
        with self._session() as session:
            note = session.get(Note, note_id)
            if note is not None and note.workspace_id == workspace_id and not note.permalink:
                note.permalink = permalink[:500]
                session.add(note)
                session.commit()

    def _contact(
        self, session: Session, channel: ConnectChannel, person: Person, now: datetime
    ) -> Contact:
        """The contact this outsider is: by Slack user id, then email, then a name no other
        Slack user holds; made when nobody matches. Their Slack organisation is theirs."""
        ws = channel.workspace_id
        contact = repo.contact_by_slack_id(
            session, workspace_id=ws, slack_user_id=person.slack_user_id
        )
        if contact is None and person.email:
            contact = session.exec(
                select(Contact).where(
                    Contact.workspace_id == ws,
                    func.lower(col(Contact.email)) == person.email.lower(),
                )
            ).first()
        key = name_key(person.name)[:MAX_NAME]
        if contact is None and key:
            named = [
                c
                for c in repo.contacts_with_key(session, workspace_id=ws, key=key)
                if c.slack_user_id in (None, person.slack_user_id)
            ]
            contact = named[0] if len(named) == 1 else None
        if contact is None:
            contact = Contact(
                workspace_id=ws,
                display_name=" ".join(person.name.split())[:MAX_NAME] or person.slack_user_id,
                name_key=key or person.slack_user_id.casefold(),
                created_by=channel.tracked_by,
                created_at=now,
                emails=[person.email] if person.email else [],
                phones=[],
                email=person.email,
            )
        contact.slack_user_id = person.slack_user_id
        if person.email and not contact.email:
            contact.email = person.email
            contact.emails = [*contact.emails, person.email]
        if person.team_name and contact.company != person.team_name:
            org = organisations.find_or_make(
                session, workspace_id=ws, name=person.team_name, user_id=channel.tracked_by, now=now
            )
            if org is not None:
                contact.organisation_id, contact.company = org.id, org.name
        if contact.id is None or session.is_modified(contact):
            session.add(contact)
            session.flush()
        return contact

    def _interaction(
        self,
        session: Session,
        channel: ConnectChannel,
        contact: Contact,
        message: ChannelMessage,
        now: datetime,
    ) -> tuple[int | None, bool]:
        """The person's interaction for the message's day: made, or moved to this message."""
        assert contact.id is not None
        day = rules.day_of(message.at, self.default_tz)
        text = self._note_text(channel, message)
        kept = session.execute(_DAYS_NOTE, {"contact": contact.id, "day": day}).first()
        if kept is not None:
            if kept.source != rules.SOURCE:
                return None, False  # the team deleted that day's interaction: it stays deleted
            # The day's conversation keeps the excerpt and link of where it started; its time
            # is their latest message (the last interaction).
            session.execute(_MOVE_NOTE, {"note": kept.note_id, "latest": message.at})
            return int(kept.note_id), False
        note = Note(
            workspace_id=channel.workspace_id,
            author_id=channel.tracked_by,
            text=text,
            kind=rules.KIND,
            initiator="them",
            visibility="team",
            occurred_at=message.at,
            logged_at=now,
            source=rules.SOURCE,
            permalink=(message.permalink or "")[:500] or None,
            needs=[],
            tags=[],
            sensitive=[],
            not_understood=[],
        )
        session.add(note)
        session.flush()
        assert note.id is not None
        session.add(
            NoteContact(note_id=note.id, contact_id=contact.id, workspace_id=channel.workspace_id)
        )
        session.add(
            ConnectInteraction(
                workspace_id=channel.workspace_id, contact_id=contact.id, day=day, note_id=note.id
            )
        )
        session.flush()
        return note.id, True

    @staticmethod
    def _note_text(channel: ConnectChannel, message: ChannelMessage) -> str:
        where = f"#{channel.name}" if channel.name else "a shared channel"
        return f"Wrote in {where}: “{rules.excerpt(message.text)}”"

    def _answer(
        self, session: Session, message: ChannelMessage, note_id: int | None, now: datetime
    ) -> tuple[int, int]:
        """The questions from the other side this message answers: an outsider's answers the
        team's, a teammate's answers the outsiders'. Returns (answered, loops closed)."""
        waiting = session.execute(
            _WAITING,
            {
                "ws": message.workspace_id,
                "ch": message.channel_id,
                "external": message.external is None,
                "at": message.at,
                "ts": message.ts,
            },
        ).all()
        answering = [
            row.id
            for row in waiting
            if rules.answers(
                question_thread=row.thread_ts,
                question_ts=row.ts,
                reply_thread=message.thread,
                reply_top_level=message.top_level,
            )
        ]
        if not answering:
            return 0, 0
        asked = session.exec(
            select(ConnectMessage).where(col(ConnectMessage.id).in_(answering))
        ).all()
        answered = closed = 0
        for question in asked:
            answered += 1
            if question.loop_ids:
                closed += self._close_loops(session, question.loop_ids, note_id, now)
            question.status, question.answered_at = "answered", now
            session.add(question)
        return answered, closed

    @staticmethod
    def _close_loops(
        session: Session, loop_ids: Sequence[int], note_id: int | None, now: datetime
    ) -> int:
        result = session.execute(
            update(Loop)
            .where(col(Loop.id).in_(list(loop_ids)), col(Loop.status) == "open")
            .values(status="closed", closed_at=now, closed_by_note_id=note_id)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # --- turns: questions left unanswered for a working day -------------------------------

    def promote_due(self, *, limit: int = PROMOTE_BATCH) -> int:
        """Turn every question unanswered past its working day into loops; returns how many
        questions. Each is claimed by its status first, so two processes promote it once."""
        now = self._now()
        with self._reading() as session:
            due = list(
                session.exec(
                    select(ConnectMessage.id)
                    .where(
                        ConnectMessage.status == "open",
                        col(ConnectMessage.due_at) <= now,
                    )
                    .order_by(col(ConnectMessage.due_at))
                    .limit(limit)
                ).all()
            )
        promoted = 0
        for message_id in due:
            with self._session() as session:
                claimed = session.execute(
                    update(ConnectMessage)
                    .where(
                        col(ConnectMessage.id) == message_id, col(ConnectMessage.status) == "open"
                    )
                    .values(status="promoted")
                )
                if not getattr(claimed, "rowcount", 0):
                    continue
                question = session.get(ConnectMessage, message_id)
                assert question is not None
                question.loop_ids = self._loops_for(session, question, now)
                session.add(question)
                session.commit()
                promoted += 1
        return promoted

    def _loops_for(self, session: Session, question: ConnectMessage, now: datetime) -> list[int]:
        channel = session.get(ConnectChannel, (question.workspace_id, question.channel_id))
        if channel is None:
            return []
        where = f"#{channel.name}" if channel.name else "a shared channel"
        said = f"“{question.excerpt}”"
        loops: list[Loop] = []
        if question.external:
            contact = session.get(Contact, question.contact_id) if question.contact_id else None
            if (
                contact is None
                or question.note_id is None
                or session.get(Note, question.note_id) is None
            ):
                return []
            owners = self._teammates_in(session, question) or [channel.tracked_by]
            for owner in owners:
                loops.append(
                    self._loop(
                        question,
                        owner,
                        contact,
                        "you_owe",
                        f"reply to {contact.display_name} in {where}: {said}",
                        question.note_id,
                        now,
                    )
                )
        else:
            if question.user_id is None:
                return []
            for contact, note_id in self._outsiders_in(session, question):
                loops.append(
                    self._loop(
                        question,
                        question.user_id,
                        contact,
                        "they_owe",
                        f"{contact.display_name} to answer your question in {where}: {said}",
                        note_id,
                        now,
                    )
                )
        for loop in loops:
            session.add(loop)
        session.flush()
        return [loop.id for loop in loops if loop.id is not None]

    @staticmethod
    def _loop(
        question: ConnectMessage,
        owner: int,
        contact: Contact,
        direction: str,
        what: str,
        note_id: int,
        now: datetime,
    ) -> Loop:
        assert contact.id is not None
        return Loop(
            # A reply owed is due when the working day ran out (the next digest says so); a
            # reply awaited is undated, reminded after the usual wait.
            due_at=question.due_at if direction == "you_owe" else None,
            workspace_id=question.workspace_id,
            owner_id=owner,
            contact_id=contact.id,
            direction=direction,
            what=what[:500],
            source_note_id=note_id,
            created_at=now,
        )

    def _teammates_in(self, session: Session, question: ConnectMessage) -> list[int]:
        """Teammates who spoke in the question's thread (a top-level question's thread holds
        its replies: their `thread_ts` is its `ts`)."""
        ids = session.exec(
            select(ConnectMessage.user_id)
            .where(
                ConnectMessage.workspace_id == question.workspace_id,
                ConnectMessage.channel_id == question.channel_id,
                ConnectMessage.thread_ts == question.thread_ts,
                col(ConnectMessage.user_id).is_not(None),
            )
            .distinct()
        ).all()
        return sorted(int(i) for i in ids if i is not None)

    def _outsiders_in(
        self, session: Session, question: ConnectMessage
    ) -> list[tuple[Contact, int]]:
        """The outsiders a teammate's question waits on, with their latest interaction: those
        who spoke in its thread, or for a top-level question the last one who spoke in the
        channel."""
        query = select(ConnectMessage).where(
            ConnectMessage.workspace_id == question.workspace_id,
            ConnectMessage.channel_id == question.channel_id,
            col(ConnectMessage.external).is_(True),
            col(ConnectMessage.note_id).is_not(None),
        )
        top_level = question.thread_ts == question.ts
        if not top_level:
            query = query.where(ConnectMessage.thread_ts == question.thread_ts)
        rows = session.exec(query.order_by(col(ConnectMessage.at).desc()).limit(50)).all()
        found: dict[int, tuple[Contact, int]] = {}
        for row in rows[:1] if top_level else rows:
            if row.contact_id is None or row.note_id is None or row.contact_id in found:
                continue
            contact = session.get(Contact, row.contact_id)
            if contact is not None and session.get(Note, row.note_id) is not None:
                found[row.contact_id] = (contact, row.note_id)
        return list(found.values())
