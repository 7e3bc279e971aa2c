"""Reading the team's memory back: recall (search), one note, a contact's card, your open loops
and the App Home summary. Only what the actor may see: team notes and their own private ones.

The card shows where the relationship stands (bot.standing); the composition root hands that
query in as `standing_of`, so the notes feature does not depend on the standing feature.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol, Unpack
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.domain.errors import NotFoundError, UserInputError
from bot.domain.humanize import need_sentence
from bot.domain.notes import ContactCard, Home, LoopList, RecallHit, RecallResult, TimelineEntry
from bot.domain.refs import Actor
from bot.domain.standing import ContactStanding
from bot.notes import answers, news, questions, team
from bot.notes.log import MAX_NOTE_CHARS
from bot.notes.lookup import find_contact
from bot.notes.values import loop_view, occasion_view, sorted_loops, timeline
from bot.notes.vocabulary import Vocabularies
from bot.parsing import Direction, parse_query
from bot.store import repo
from bot.store.models import Note, NoteContact, User
from bot.usecases import Shared, UseCases, contact_ref

SENSITIVE_COOLDOWN = timedelta(days=30)
TIMELINE_LIMIT = 50
BIRTHDAYS_AHEAD_DAYS = 30


class StandingOf(Protocol):
    """Where the viewer stands with one contact, inside the card's transaction."""

    def __call__(
        self,
        session: Session,
        *,
        workspace_id: str,
        viewer_id: int,
        contact_id: int,
        now: datetime,
        tz: str,
    ) -> ContactStanding | None: ...


class Recall(UseCases):
    """Recall, one note, a contact's card, open loops and the App Home summary."""

    def __init__(self, *, standing_of: StandingOf, **shared: Unpack[Shared]) -> None:
        super().__init__(**shared)
        self.standing_of = standing_of
        # Each workspace's words, read from its notes as they come (bot.notes.vocabulary).
        self._vocabularies = Vocabularies(self.sessions)

    def note(self, *, actor: Actor, note_id: int) -> TimelineEntry:
        """One note the actor may see (NotFoundError otherwise)."""
        with self._reading() as session:
            user = repo.get_user(
                session, workspace_id=actor.workspace_id, external_id=actor.user_id
            )
            note = session.get(Note, note_id)
            if user is None or note is None or not _may_see(note, actor.workspace_id, user):
                raise NotFoundError("That note doesn't exist, or it isn't visible to you.")
            return timeline(session, [note])[0]

    def recall(self, *, actor: Actor, query: str, limit: int = 10, offset: int = 0) -> RecallResult:
        """Notes that answer the question, best first (bot.notes.answers says how): a search
        that forgives misspellings and finds related words, or, for "who's looking for…",
        "whose birthday…" and "what do I owe…", the needs, occasions and loops asked for."""
        if not query.strip():
            raise UserInputError("What should I look for? Try `recall shelter dog`.")
        text = query[:MAX_NOTE_CHARS]
        parsed = parse_query(text)
        ask = questions.read(text)
        limit, offset = max(1, min(limit, 100)), max(0, offset)
        with self._reading() as session:
            user = self._user(session, actor)
            assert user.id is not None
            session.commit()
            now = self._now()
            ws = actor.workspace_id
            found: answers.Answers | None = None
            if isinstance(ask, questions.OccasionAsk):
                found = answers.occasions(
                    session,
                    ask=ask,
                    workspace_id=ws,
                    viewer_id=user.id,
                    now=now,
                    tz=self._tz(actor, user),
                )
            elif isinstance(ask, questions.LoopAsk):
                found = answers.loops(
                    session,
                    ask=ask,
                    workspace_id=ws,
                    owner_id=user.id,
                    now=now,
                    tz=self._tz(actor, user),
                )
            if found is not None:
                found = answers.Answers(
                    found=found.found[offset : offset + limit],
                    total=found.total,
                    summary=found.summary,
                )
            else:
                need = ask if isinstance(ask, questions.NeedAsk) else None
                terms = need.terms if need else parsed.terms
                if not terms:
                    return RecallResult(query=query, terms=(), hits=(), total=0, offset=offset)
                found = answers.search(
                    session,
                    vocabulary=lambda: self._vocabularies.of(session, workspace_id=ws),
                    workspace_id=ws,
                    viewer_id=user.id,
                    terms=terms,
                    limit=limit,
                    offset=offset,
                    now=now,
                    need=need,
                )
            hits = self._hits(session, actor, user, found.found)
            return RecallResult(
                query=query,
                terms=parsed.terms,
                hits=tuple(hits),
                total=found.total,
                offset=offset,
                summary=found.summary,
                also=found.also,
            )

    def _hits(
        self, session: Session, actor: Actor, user: User, found: list[answers.Found]
    ) -> list[RecallHit]:
        """The notes found, as the viewer may see them (re-checked here, whatever found them)."""
        notes = repo.notes_by_id(session, [f.note_id for f in found])
        contacts = repo.contacts_of_notes(session, notes)
        authors = repo.users_by_id(session, [n.author_id for n in notes.values()])
        hits = []
        for f in found:
            note = notes.get(f.note_id)
            if note is None or not _may_see(note, actor.workspace_id, user):
                continue
            author = authors.get(note.author_id)
            filed = contacts.get(f.note_id, [])
            answer = f.answer
            if f.needs:
                who = filed[0].display_name if len(filed) == 1 else None
                answer = "; ".join(need_sentence(who, need) for need in f.needs)
            hits.append(
                RecallHit(
                    note_id=f.note_id,
                    text=note.text,
                    contacts=tuple(contact_ref(c) for c in filed),
                    occurred_at=note.occurred_at,
                    author=author.display_name if author else "someone",
                    author_id=author.external_id if author else "",
                    private=note.visibility == "private",
                    kind=note.kind,
                    score=f.score,
                    answer=answer,
                )
            )
        return hits

    def card(
        self, *, actor: Actor, name: str | None = None, contact_id: int | None = None
    ) -> ContactCard:
        """A contact's card. NotFoundError, or AmbiguousNameError with candidates."""
        with self._reading() as session:
            user = self._user(session, actor)
            assert user.id is not None
            session.commit()
            contact = find_contact(
                session,
                workspace_id=actor.workspace_id,
                name=name,
                contact_id=contact_id,
                viewer_id=user.id,
            )
            assert contact.id is not None
            now = self._now()
            tz = self._tz(actor, user)
            ws, me, cid = actor.workspace_id, user.id, contact.id
            notes = repo.visible_notes_of_contact(
                session, workspace_id=ws, viewer_id=me, contact_id=cid, limit=TIMELINE_LIMIT
            )
            entries = timeline(session, notes)
            mine = repo.last_visible_note_of_contact(
                session, workspace_id=ws, viewer_id=me, contact_id=cid, author_id=me
            )
            loops = repo.open_loops(session, owner_id=user.id, contact_ids=[contact.id])
            by_id = {contact.id: contact}
            sensitive: list[tuple[str, datetime]] = []
            needs: list[str] = []
            team_note = team.last_by_team(session, workspace_id=ws, viewer_id=me, contact_id=cid)
            per_month = team.notes_per_month(
                session, workspace_id=ws, viewer_id=me, contact_id=cid, now=now, tz=tz
            )
            pressure = team.pressure(
                session, workspace_id=ws, viewer_id=me, contacts=[contact], now=now
            )
            for note in notes:
                needs.extend(n for n in note.needs if n not in needs)
            # Only the news that is this contact's own, in human words ("kitchen fire").
            for said in news.about(
                session,
                contact_ids=[cid],
                since=now - SENSITIVE_COOLDOWN,
                now=now,
                workspace_id=ws,
                viewer_id=me,
            ).get(cid, ()):
                sensitive.append((said.news.words, said.news.at))
            return ContactCard(
                contact=contact_ref(contact),
                aliases=tuple(repo.aliases_of(session, contact_id=contact.id)),
                company=contact.company,
                role=contact.role,
                emails=_first_and_rest(contact.email, contact.emails),
                phones=_first_and_rest(contact.phone, contact.phones),
                timeline=tuple(entries),
                last_interaction=entries[0] if entries else None,
                last_by_you=timeline(session, [mine])[0] if mine else None,
                open_loops=tuple(sorted_loops([loop_view(lp, by_id, now) for lp in loops])),
                occasions=tuple(
                    occasion_view(o, by_id, now, tz)
                    for o in repo.visible_occasions(
                        session, workspace_id=ws, viewer_id=me, contact_id=cid
                    )
                ),
                sensitive=tuple(sensitive),
                needs=tuple(needs),
                tags=_visible_tags(session, workspace_id=ws, viewer_id=me, contact_id=cid),
                last_by_team=timeline(session, [team_note])[0] if team_note else None,
                per_month=per_month,
                sparkline=team.sparkline(per_month),
                knows_best=team.knows_best(
                    session, workspace_id=ws, viewer_id=me, contact_id=cid, now=now
                ),
                cadence_days=team.cadence_days(session, owner_id=user.id, contact_id=contact.id),
                pressure=pressure[0] if pressure else None,
                standing=self.standing_of(
                    session, workspace_id=ws, viewer_id=me, contact_id=cid, now=now, tz=tz
                ),
            )

    def loops(self, *, actor: Actor) -> LoopList:
        with self._reading() as session:
            user = self._user(session, actor)
            session.commit()
            return self._loop_list(session, user)

    def _loop_list(self, session: Session, user: User) -> LoopList:
        assert user.id is not None
        now = self._now()
        loops = repo.open_loops(session, owner_id=user.id)
        contacts = repo.contacts_by_id(session, [lp.contact_id for lp in loops])
        views = sorted_loops([loop_view(lp, contacts, now) for lp in loops])
        return LoopList(
            you_owe=tuple(v for v in views if v.direction == Direction.YOU_OWE.value),
            waiting_on=tuple(v for v in views if v.direction == Direction.THEY_OWE.value),
        )

    def home(self, *, actor: Actor) -> Home:
        """Open loops, birthdays in the next 30 days and the ten latest notes you may see."""
        with self._reading() as session:
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
                (occasion_view(o, contacts, now, tz) for o in occasions),
                key=lambda v: v.next_date,
            )
            today = now.astimezone(ZoneInfo(tz)).date()
            horizon = (today + timedelta(days=BIRTHDAYS_AHEAD_DAYS)).isoformat()
            return Home(
                loops=self._loop_list(session, user),
                recent=tuple(timeline(session, recent)),
                birthdays=tuple(v for v in upcoming if v.next_date <= horizon),
            )


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


def _first_and_rest(first: str | None, rest: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(([first] if first else []) + list(rest)))
