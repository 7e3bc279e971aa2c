"""What the team knows together: who knows a contact best, who knows someone at Globex, and contact
pressure (teammates already reached this person several times this week).

`Team` is the use case (who knows whom); the functions take an open session and the viewer's user
id, for the card, the log confirmation and the reminders to call in their transactions. Every query
is scoped to one workspace and applies the one visibility rule (`repo.visible`), so a private note
never counts towards an answer shown to anyone but its author — not even as a number.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from bot.domain.errors import UserInputError
from bot.domain.notes import Acquaintance, PressureNote, WhoKnows, WhoKnowsContact, WhoKnowsPerson
from bot.domain.refs import Actor, ContactRef
from bot.notes.known import known_to
from bot.store import repo
from bot.store.models import Contact, Note, NoteContact, Workspace
from bot.store.reminder_models import ReminderCadence
from bot.store.search import query_words, search_notes
from bot.usecases import UseCases

PRESSURE_WINDOW = timedelta(days=7)
DEFAULT_PRESSURE_THRESHOLD = 3
KNOWS_BEST_WINDOW = timedelta(days=365)
KNOWS_BEST_HALF_LIFE_DAYS = 90.0  # an interaction three months old counts half
TWO_WAY_BONUS = 1.5  # a relationship where both sides reach out beats one-way pinging
KNOWS_BEST_SHOWN = 3
WHO_KNOWS_NOTE_LIMIT = 200
WHO_KNOWS_CONTACT_LIMIT = 200
SPARK = "▁▂▃▄▅▆▇█"
MONTHS = 12


def is_interaction() -> object:
    """A note that records contact (a coffee, a call, "pinged", "she called me"), not a fact such
    as a birthday: it names a kind of interaction or who reached out."""
    return or_(col(Note.kind).is_not(None), col(Note.initiator).is_not(None))


# --- contact pressure -----------------------------------------------------------------------------


def threshold_of(session: Session, workspace_id: str) -> int:
    workspace = session.get(Workspace, workspace_id)
    value = workspace.pressure_threshold if workspace is not None else None
    return value if value and value > 0 else DEFAULT_PRESSURE_THRESHOLD


@dataclass
class _Tally:
    last: datetime
    count: int = 0
    score: float = 0.0
    directions: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Touch:
    contact_id: int
    author_id: int
    occurred_at: datetime


def _teammate_touches(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    contact_ids: Iterable[int],
    now: datetime,
    exclude_note_id: int | None = None,
) -> list[_Touch]:
    wanted = set(contact_ids)
    if not wanted:
        return []
    query = (
        select(NoteContact.contact_id, Note.author_id, Note.occurred_at)
        .join(Note, col(Note.id) == col(NoteContact.note_id))
        .where(
            col(NoteContact.contact_id).in_(wanted),
            col(NoteContact.workspace_id) == workspace_id,
            *repo.visible(workspace_id, viewer_id),
            # Teammates only, and only what the viewer could read: a private note by someone
            # else must not show up, even as a count.
            col(Note.author_id) != viewer_id,
            col(Note.visibility) == "team",
            col(Note.occurred_at) > now - PRESSURE_WINDOW,
            col(Note.occurred_at) <= now,
            is_interaction(),  # type: ignore[arg-type]
        )
    )
    if exclude_note_id is not None:
        query = query.where(col(Note.id) != exclude_note_id)
    return [_Touch(c, a, o) for c, a, o in session.exec(query).all()]


def pressure(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    contacts: Sequence[Contact],
    now: datetime,
    exclude_note_id: int | None = None,
) -> tuple[PressureNote, ...]:
    """Contacts teammates reached at least the workspace's threshold times in the last 7 days."""
    by_id = {c.id: c for c in contacts if c.id is not None}
    touches = _teammate_touches(
        session,
        workspace_id=workspace_id,
        viewer_id=viewer_id,
        contact_ids=by_id,
        now=now,
        exclude_note_id=exclude_note_id,
    )
    if not touches:
        return ()
    threshold = threshold_of(session, workspace_id)
    grouped: dict[int, list[_Touch]] = defaultdict(list)
    for touch in touches:
        grouped[touch.contact_id].append(touch)
    users = repo.users_by_id(session, {t.author_id for t in touches})
    out = []
    for contact_id, rows in grouped.items():
        if len(rows) < threshold:
            continue
        per_author: dict[int, int] = defaultdict(int)
        for row in rows:
            per_author[row.author_id] += 1
        names = tuple(
            users[a].display_name if a in users else "someone"
            for a, _ in sorted(per_author.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        contact = by_id[contact_id]
        out.append(
            PressureNote(
                contact=ContactRef(id=contact_id, display_name=contact.display_name),
                count=len(rows),
                teammates=names,
                since_days=PRESSURE_WINDOW.days,
                last_at=max(r.occurred_at for r in rows),
            )
        )
    return tuple(sorted(out, key=lambda p: (-p.count, p.contact.display_name)))


def stay_in_touch_holds(
    session: Session,
    *,
    workspace_id: str,
    owner_id: int,
    contact_ids: Iterable[int],
    now: datetime,
) -> dict[int, datetime]:
    """For the reminders planner: contact id → the moment until which the owner's stay-in-touch
    nudges about that contact should wait, because teammates already reached them at least the
    workspace's threshold times in the last 7 days. Contacts under the threshold are absent.

    The hold ends when enough of those interactions age out of the 7-day window for the count to
    drop below the threshold (so a busy week for a contact delays, never cancels, a nudge). Only
    team-visible notes by other users count, as in the warning on logging.
    """
    touches = _teammate_touches(
        session, workspace_id=workspace_id, viewer_id=owner_id, contact_ids=contact_ids, now=now
    )
    threshold = threshold_of(session, workspace_id)
    grouped: dict[int, list[datetime]] = defaultdict(list)
    for touch in touches:
        grouped[touch.contact_id].append(touch.occurred_at)
    holds = {}
    for contact_id, moments in grouped.items():
        if len(moments) >= threshold:
            newest_first = sorted(moments, reverse=True)
            # With the threshold-th newest gone, fewer than `threshold` remain in the window.
            holds[contact_id] = newest_first[threshold - 1] + PRESSURE_WINDOW
    return holds


def stay_in_touch_hold_until(
    session: Session, *, workspace_id: str, owner_id: int, contact_id: int, now: datetime
) -> datetime | None:
    """One contact's hold (see `stay_in_touch_holds`); None when nudges need not wait."""
    return stay_in_touch_holds(
        session, workspace_id=workspace_id, owner_id=owner_id, contact_ids=[contact_id], now=now
    ).get(contact_id)


# --- the card's team view -------------------------------------------------------------------------


def knows_best(
    session: Session, *, workspace_id: str, viewer_id: int, contact_id: int, now: datetime
) -> tuple[Acquaintance, ...]:
    """Teammates ranked by recent, two-way interactions with the contact (visible notes only).

    Each interaction weighs 0.5 ** (age / 90 days); a teammate with notes in both directions
    ("I called her" and "she called me") gets ×1.5, so a real relationship beats a burst of
    cold outreach.
    """
    rows = session.exec(
        select(Note.author_id, Note.occurred_at, Note.initiator)
        .join(NoteContact, col(NoteContact.note_id) == col(Note.id))
        .where(
            NoteContact.contact_id == contact_id,
            *repo.visible(workspace_id, viewer_id),
            col(Note.occurred_at) > now - KNOWS_BEST_WINDOW,
            col(Note.occurred_at) <= now,
            is_interaction(),  # type: ignore[arg-type]
        )
    ).all()
    if not rows:
        return ()
    stats: dict[int, _Tally] = {}
    for author_id, occurred_at, initiator in rows:
        tally = stats.setdefault(author_id, _Tally(last=occurred_at))
        age_days = max(0.0, (now - occurred_at).total_seconds() / 86_400)
        tally.count += 1
        tally.score += math.pow(0.5, age_days / KNOWS_BEST_HALF_LIFE_DAYS)
        if initiator:
            tally.directions.add(initiator)
        tally.last = max(tally.last, occurred_at)
    users = repo.users_by_id(session, stats)
    out = []
    for author_id, tally in stats.items():
        two_way = {"me", "them"} <= tally.directions
        user = users.get(author_id)
        out.append(
            Acquaintance(
                user=user.display_name if user else "someone",
                user_id=user.external_id if user else "",
                interactions=tally.count,
                two_way=two_way,
                last_at=tally.last,
                score=round(tally.score * (TWO_WAY_BONUS if two_way else 1.0), 4),
            )
        )
    out.sort(key=lambda a: (-a.score, -a.last_at.timestamp(), a.user))
    return tuple(out[:KNOWS_BEST_SHOWN])


def notes_per_month(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    contact_id: int,
    now: datetime,
    tz: str,
    months: int = MONTHS,
) -> tuple[int, ...]:
    """Visible notes about the contact in each of the last `months` calendar months (the
    viewer's zone), oldest first; the last entry is the current month."""
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone)
    first_year, first_month = _shift_month(local_now.year, local_now.month, -(months - 1))
    start = datetime(first_year, first_month, 1, tzinfo=zone)
    moments = session.exec(
        select(Note.occurred_at)
        .join(NoteContact, col(NoteContact.note_id) == col(Note.id))
        .where(
            NoteContact.contact_id == contact_id,
            *repo.visible(workspace_id, viewer_id),
            col(Note.occurred_at) >= start,
            col(Note.occurred_at) <= now,
        )
    ).all()
    counts = [0] * months
    for moment in moments:
        local = moment.astimezone(zone)
        index = (local.year - first_year) * 12 + (local.month - first_month)
        if 0 <= index < months:
            counts[index] += 1
    return tuple(counts)


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def sparkline(counts: Sequence[int]) -> str:
    """▁ for a month with nothing, up to █ for the busiest month."""
    top = max(counts, default=0)
    if top <= 0:
        return SPARK[0] * len(counts)
    return "".join(
        SPARK[0] if n <= 0 else SPARK[max(1, math.ceil(n / top * (len(SPARK) - 1)))] for n in counts
    )


def last_by_team(
    session: Session, *, workspace_id: str, viewer_id: int, contact_id: int
) -> Note | None:
    return session.exec(
        select(Note)
        .join(NoteContact, col(NoteContact.note_id) == col(Note.id))
        .where(
            NoteContact.contact_id == contact_id,
            *repo.visible(workspace_id, viewer_id),
            col(Note.author_id) != viewer_id,
        )
        .order_by(col(Note.occurred_at).desc(), col(Note.id).desc())
        .limit(1)
    ).first()


def cadence_days(session: Session, *, owner_id: int, contact_id: int) -> int | None:
    """The owner's own stay-in-touch cadence with the contact (read from the reminders' table)."""
    row = session.exec(
        select(ReminderCadence).where(
            ReminderCadence.owner_id == owner_id,
            ReminderCadence.contact_id == contact_id,
            col(ReminderCadence.stopped_at).is_(None),
        )
    ).first()
    return row.every_days if row is not None and row.every_days > 0 else None


# --- who knows whom -------------------------------------------------------------------------------


_WHO_KNOWS_PREFIX = (
    "who knows",
    "who on the team knows",
    "who on our team knows",
    "does anyone know",
    "anyone know",
    "do we know",
)
_WHO_KNOWS_FILLER = frozenset(
    {"someone", "somebody", "anyone", "anybody", "people", "person", "folks", "a", "an", "the"}
    | {"at", "from", "in", "over", "with", "who", "works", "work", "working", "is", "us"}
)


def who_knows_subject(text: str) -> str | None:
    """ "who knows someone at Globex?" → "Globex"; None when the text isn't that question."""
    flat = " ".join(text.strip().rstrip("?!. ").split())
    lowered = flat.casefold()
    for prefix in _WHO_KNOWS_PREFIX:
        if lowered.startswith(prefix + " "):
            rest = flat[len(prefix) + 1 :].split()
            while rest and rest[0].casefold() in _WHO_KNOWS_FILLER:
                rest = rest[1:]
            subject = " ".join(rest).strip(" ,")
            return subject or None
    return None


def who_knows(
    session: Session, *, workspace_id: str, viewer_id: int, query: str, now: datetime
) -> WhoKnows:
    """Teammates who know someone matching `query`: contacts whose company or role says so, and
    contacts of visible notes that mention it. A teammate knows a contact when they wrote a note
    about them that the viewer may see (or, for a contact with no notes at all — an imported
    address book — when they added it)."""
    phrase = " ".join(query.split())
    words = query_words([phrase]).words
    if not phrase or not words:
        return WhoKnows(query=query, teammates=(), contacts=())
    why: dict[int, str] = {}
    like = f"%{_escape_like(phrase.casefold())}%"
    by_field = session.exec(
        select(Contact)
        .where(
            known_to(workspace_id, viewer_id),  # a company from someone's private note is theirs
            or_(
                func.lower(col(Contact.company)).like(like, escape="\\"),
                func.lower(col(Contact.role)).like(like, escape="\\"),
            ),
        )
        .order_by(col(Contact.id))
        .limit(WHO_KNOWS_CONTACT_LIMIT)
    ).all()
    contacts: dict[int, Contact] = {}
    for contact in by_field:
        assert contact.id is not None
        contacts[contact.id] = contact
        company = contact.company or ""
        why[contact.id] = (
            f"works at {company}"
            if phrase.casefold() in company.casefold()
            else f"is {contact.role}"
        )
    ranked, _ = search_notes(
        session,
        workspace_id=workspace_id,
        viewer_id=viewer_id,
        terms=list(words),
        limit=WHO_KNOWS_NOTE_LIMIT,
        now=now,
    )
    note_ids = [note_id for note_id, _ in ranked]
    of_notes = repo.contacts_of_notes(session, note_ids)
    for note_id in note_ids:
        for contact in of_notes.get(note_id, []):
            assert contact.id is not None
            if contact.id not in contacts:
                contacts[contact.id] = contact
                why[contact.id] = f"a note mentions {phrase}"
    if not contacts:
        return WhoKnows(query=query, teammates=(), contacts=())
    # Who knows each contact: authors of visible notes about them, with their latest note.
    knowers = session.exec(
        select(NoteContact.contact_id, Note.author_id, func.max(Note.occurred_at))
        .join(Note, col(Note.id) == col(NoteContact.note_id))
        .where(col(NoteContact.contact_id).in_(contacts), *repo.visible(workspace_id, viewer_id))
        .group_by(col(NoteContact.contact_id), col(Note.author_id))
    ).all()
    links: dict[int, dict[int, datetime | None]] = defaultdict(dict)
    last_of_contact: dict[int, datetime] = {}
    for contact_id, author_id, last in knowers:
        links[author_id][contact_id] = last
        if last is not None and (
            contact_id not in last_of_contact or last > last_of_contact[contact_id]
        ):
            last_of_contact[contact_id] = last
    unlinked = _contacts_without_notes(session, contacts)
    for contact_id in unlinked:
        creator = contacts[contact_id].created_by
        if creator is not None:
            links[creator].setdefault(contact_id, None)
    users = repo.users_by_id(session, links)

    def view(contact_id: int, last: datetime | None) -> WhoKnowsContact:
        contact = contacts[contact_id]
        return WhoKnowsContact(
            contact=ContactRef(id=contact_id, display_name=contact.display_name),
            company=contact.company,
            role=contact.role,
            why=why[contact_id],
            last_at=last,
        )

    people = []
    for author_id, known in links.items():
        user = users.get(author_id)
        if user is None or user.workspace_id != workspace_id:
            continue
        lasts = [v for v in known.values() if v is not None]
        ordered = sorted(known, key=lambda c: (-_stamp(known[c]), contacts[c].display_name))
        people.append(
            WhoKnowsPerson(
                user=user.display_name,
                user_id=user.external_id,
                contacts=tuple(view(c, known[c]) for c in ordered),
                last_at=max(lasts) if lasts else None,
                you=author_id == viewer_id,
            )
        )
    people.sort(
        key=lambda p: (-len(p.contacts), -(p.last_at.timestamp() if p.last_at else 0.0), p.user)
    )
    everyone = sorted(contacts, key=lambda c: contacts[c].display_name.casefold())
    return WhoKnows(
        query=query,
        teammates=tuple(people),
        contacts=tuple(view(c, last_of_contact.get(c)) for c in everyone),
    )


def _stamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0


def _contacts_without_notes(session: Session, contacts: dict[int, Contact]) -> set[int]:
    linked = set(
        session.exec(
            select(NoteContact.contact_id)
            .where(col(NoteContact.contact_id).in_(contacts))
            .distinct()
        ).all()
    )
    return set(contacts) - linked


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Team(UseCases):
    """ "Who knows someone at Globex?" for the acting user's workspace."""

    def who_knows_subject(self, text: str) -> str | None:
        """ "who knows someone at Globex?" → "Globex"; None for other text (recall it)."""
        return who_knows_subject(text)

    def who_knows(self, *, actor: Actor, query: str) -> WhoKnows:
        """Teammates and the contacts behind them for a company, role or topic."""
        subject = who_knows_subject(query) or query.strip()
        if not subject:
            raise UserInputError("Who knows whom? Try `who-knows Globex`.")
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            session.commit()
            return who_knows(
                session,
                workspace_id=actor.workspace_id,
                viewer_id=user.id,
                query=subject[:200],
                now=self._now(),
            )
