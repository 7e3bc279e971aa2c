"""Everything evaluating a track needs, loaded in bulk: users and their schedules, contacts, loops,
occasions, cadences, #tags (through notes the owner may see), touches, bad news, snoozes, and the
team's recent contact (pressure). Round trips do not grow with the number of tracks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.domain.refs import Actor
from bot.domain.reminders import HEADS_UP
from bot.domain.zones import zone
from bot.notes import news, team
from bot.reminders import planner
from bot.reminders.planner import TRACK_CADENCE, TRACK_LOOP, TRACK_OCCASION, Schedule
from bot.reminders.tracks import subject_id
from bot.store.batches import CHUNK, chunks
from bot.store.models import Contact, ContactTag, Loop, Note, NoteContact, Occasion, User
from bot.store.reminder_models import (
    ReminderCadence,
    ReminderSettings,
    ReminderSnooze,
    ReminderTrack,
)
from bot.store.types import aware

# Owners per snooze query: an OR of this many (owner AND subject IN ...) terms stays well under
# SQLite's expression depth limit of 1,000.
SNOOZE_OWNERS = 250


@dataclass
class Facts:
    users: dict[int, User] = field(default_factory=dict)
    schedules: dict[int, Schedule] = field(default_factory=dict)
    contacts: dict[int, Contact] = field(default_factory=dict)
    loops: dict[int, Loop] = field(default_factory=dict)
    occasions: dict[int, Occasion] = field(default_factory=dict)
    contact_cadence: dict[tuple[int, int], ReminderCadence] = field(default_factory=dict)
    tag_cadences: dict[int, list[ReminderCadence]] = field(default_factory=dict)
    tags: dict[int, set[str]] = field(default_factory=dict)  # ContactTag: any note, any author
    # contact -> [(author, visibility, tags)] of its notes with tags an owner has a cadence for:
    # a #tag cadence covers a contact only through notes that owner may see.
    note_tags: dict[int, list[tuple[int, str, frozenset[str]]]] = field(default_factory=dict)
    touches: dict[tuple[int, int], tuple[datetime, int]] = field(default_factory=dict)
    sensitive: dict[int, list[news.Said]] = field(default_factory=dict)  # newest first
    snoozes: dict[tuple[int, str], datetime] = field(default_factory=dict)
    heads_up_sent: set[tuple[int, str]] = field(default_factory=set)  # (owner, heads-up key)
    # owner -> contact -> until when the owner's stay-in-touch nudges about that contact wait,
    # because teammates reached them often this week (bot.team.stay_in_touch_holds).
    holds: dict[int, dict[int, datetime]] = field(default_factory=dict)
    # contact -> [(author, (workspace, interactions))] in the pressure window, for the contacts
    # in `team_touched` (loaded once per collect: it picks whom to ask about holds, and phrases
    # the pressure line).
    team_touches: dict[int, list[tuple[int, tuple[str, int]]]] = field(default_factory=dict)
    team_touched: set[int] = field(default_factory=set)


def load_schedules(
    session: Session, user_ids: Iterable[int], *, default_tz: str
) -> tuple[dict[int, User], dict[int, Schedule]]:
    users: dict[int, User] = {}
    settings: dict[int, ReminderSettings] = {}
    wanted = sorted(set(user_ids))
    for batch in chunks(wanted):
        for user in session.exec(select(User).where(col(User.id).in_(batch))).all():
            assert user.id is not None
            users[user.id] = user
        for row in session.exec(
            select(ReminderSettings).where(col(ReminderSettings.user_id).in_(batch))
        ).all():
            settings[row.user_id] = row
    schedules = {
        uid: schedule_of(settings.get(uid), users[uid].tz if uid in users else None, default_tz)
        for uid in wanted
    }
    return users, schedules


def schedule_of(row: ReminderSettings | None, tz: str | None, default_tz: str) -> Schedule:
    name = zone(tz, default_tz).key
    if row is None:
        return Schedule(tz=name)
    return Schedule(
        tz=name,
        digest_hour=row.digest_hour,
        work_days=row.work_days,
        work_start=row.work_start,
        work_end=row.work_end,
        daily_cap=row.daily_cap,
        mode=row.mode,
    )


def schedule_for(session: Session, user: User, actor: Actor | None, default_tz: str) -> Schedule:
    """One user's schedule: their settings, in the actor's zone (--as, a test) or their own."""
    assert user.id is not None
    row = session.get(ReminderSettings, user.id)
    tz = (actor.tz if actor else None) or user.tz
    return schedule_of(row, tz, default_tz)


def load_facts(
    session: Session, tracks: Sequence[ReminderTrack], *, now: datetime, default_tz: str
) -> Facts:
    facts = Facts()
    owners = {t.owner_id for t in tracks}
    facts.users, facts.schedules = load_schedules(session, owners, default_tz=default_tz)
    loop_ids = [subject_id(t.subject) for t in tracks if t.kind == TRACK_LOOP]
    occasion_ids = [subject_id(t.subject) for t in tracks if t.kind == TRACK_OCCASION]
    for batch in chunks(loop_ids):
        for loop in session.exec(select(Loop).where(col(Loop.id).in_(batch))).all():
            assert loop.id is not None
            facts.loops[loop.id] = loop
    for batch in chunks(occasion_ids):
        for occ in session.exec(select(Occasion).where(col(Occasion.id).in_(batch))).all():
            assert occ.id is not None
            facts.occasions[occ.id] = occ
    contact_ids = {t.contact_id for t in tracks if t.contact_id is not None}
    contact_ids |= {lp.contact_id for lp in facts.loops.values()}
    contact_ids |= {o.contact_id for o in facts.occasions.values()}
    cadence_contacts = {t.contact_id for t in tracks if t.kind == TRACK_CADENCE and t.contact_id}
    for batch in chunks(sorted(contact_ids)):
        for contact in session.exec(select(Contact).where(col(Contact.id).in_(batch))).all():
            assert contact.id is not None
            facts.contacts[contact.id] = contact
        # The owner's last touch and how often they met: one aggregate over these contacts'
        # notes (notecontact(contact_id, note_id) index, then note by primary key).
        for contact_id, author_id, last, count in session.execute(
            sa_select(
                col(NoteContact.contact_id),
                col(Note.author_id),
                func.max(Note.occurred_at),
                func.count(),
            )
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(col(NoteContact.contact_id).in_(batch), col(Note.author_id).in_(owners))
            .group_by(col(NoteContact.contact_id), col(Note.author_id))
        ).all():
            facts.touches[(contact_id, author_id)] = (aware(last), int(count))
    # Bad news, for a heads-up during the cool-down and on the first reminder after it.
    facts.sensitive = news.about(
        session, contact_ids=sorted(contact_ids), since=now - planner.SENSITIVE_MEMORY, now=now
    )
    # One heads-up per piece of news and owner, whichever of their tracks about that person
    # (a cadence, a loop) gave it: the others wait out the cool-down without a second one.
    for batch in chunks(sorted(facts.sensitive)):
        for owner_id, key in session.execute(
            sa_select(col(ReminderTrack.owner_id), col(ReminderTrack.last_item_key)).where(
                col(ReminderTrack.contact_id).in_(batch),
                col(ReminderTrack.owner_id).in_(owners),
                col(ReminderTrack.last_item_key).startswith(f"{HEADS_UP}:"),
            )
        ).all():
            facts.heads_up_sent.add((int(owner_id), str(key)))
    for batch in chunks(sorted(cadence_contacts)):
        for cadence in session.exec(
            select(ReminderCadence).where(
                col(ReminderCadence.contact_id).in_(batch),
                col(ReminderCadence.owner_id).in_(owners),
            )
        ).all():
            assert cadence.contact_id is not None
            facts.contact_cadence[(cadence.owner_id, cadence.contact_id)] = cadence
        for contact_id, tag in session.execute(
            sa_select(col(ContactTag.contact_id), col(ContactTag.tag)).where(
                col(ContactTag.contact_id).in_(batch)
            )
        ).all():
            facts.tags.setdefault(contact_id, set()).add(tag)
    for batch in chunks(sorted(owners)):
        # ix_reminder_cadence_owner_kind: the owners' tag cadences only, never their (many)
        # per-contact ones, so this costs the number of due owners, not of their contacts.
        for cadence in session.exec(
            select(ReminderCadence).where(
                col(ReminderCadence.owner_id).in_(batch),
                ReminderCadence.kind == "tag",
                col(ReminderCadence.stopped_at).is_(None),
            )
        ).all():
            facts.tag_cadences.setdefault(cadence.owner_id, []).append(cadence)
    _load_note_tags(session, facts, cadence_contacts)
    _load_snoozes(session, facts, tracks)
    return facts


def _load_snoozes(session: Session, facts: Facts, tracks: Sequence[ReminderTrack]) -> None:
    """The snoozes of exactly these (owner, subject) pairs, through the primary key: one query
    per SNOOZE_OWNERS owners, not one per owner. An owner's other snoozes (one per contact they
    ever snoozed) are never read, and a row-value IN would make SQLite scan the whole table."""
    by_owner: dict[int, set[str]] = defaultdict(set)
    for track in tracks:
        by_owner[track.owner_id].add(track.subject)
    pending: list[tuple[int, list[str]]] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if not pending:
            return
        wanted = or_(
            *(
                and_(col(ReminderSnooze.owner_id) == owner, col(ReminderSnooze.subject).in_(names))
                for owner, names in pending
            )
        )
        for owner_id, subject, until in session.execute(
            sa_select(
                col(ReminderSnooze.owner_id), col(ReminderSnooze.subject), col(ReminderSnooze.until)
            ).where(wanted)
        ).all():
            facts.snoozes[(int(owner_id), str(subject))] = until
        pending.clear()
        size = 0

    for owner_id in sorted(by_owner):
        for names in chunks(sorted(by_owner[owner_id])):
            if len(pending) >= SNOOZE_OWNERS or size + len(names) > CHUNK:
                flush()
            pending.append((owner_id, names))
            size += len(names)
    flush()


def _load_note_tags(session: Session, facts: Facts, contact_ids: set[int]) -> None:
    """Which notes put a contact under a tag some owner here has a cadence for (ContactTag
    says a tag was written about them, not in whose note, nor whether it was private)."""
    cadence_tags = {c.tag for cadences in facts.tag_cadences.values() for c in cadences if c.tag}
    tagged = sorted(c for c in contact_ids if facts.tags.get(c, set()) & cadence_tags)
    for batch in chunks(tagged):
        for contact_id, author_id, visibility, tags in session.execute(
            sa_select(
                col(NoteContact.contact_id),
                col(Note.author_id),
                col(Note.visibility),
                col(Note.tags),
            )
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(col(NoteContact.contact_id).in_(batch))
        ).all():
            wanted = frozenset(str(t) for t in (tags or ())) & cadence_tags
            if wanted:
                facts.note_tags.setdefault(contact_id, []).append((author_id, visibility, wanted))


def tags_seen_by(facts: Facts, owner_id: int, contact_id: int) -> set[str]:
    """The contact's tags (among those with cadences) from notes the owner may see: team notes
    and the owner's own private ones. Contacts are per workspace, so their notes are too."""
    seen: set[str] = set()
    for author_id, visibility, tags in facts.note_tags.get(contact_id, []):
        if visibility == "team" or author_id == owner_id:
            seen |= tags
    return seen


def load_holds(
    session: Session,
    facts: Facts,
    tracks: Sequence[ReminderTrack],
    *,
    now: datetime,
    owners: Iterable[int] | None = None,
) -> None:
    """Contact pressure into `facts.holds`: at most one bot.team.stay_in_touch_holds call per
    owner, for the contacts of that owner's tracks (every kind: a you-owe item about a held
    contact says so too). Only owners with a stay-in-touch track are asked, since only those
    nudges wait, and only about contacts that one bulk count of teammates' recent interactions
    (the same rule) puts at or over the workspace's threshold — so a tick where nobody is under
    pressure makes one query, not one per owner. `owners` narrows it further."""
    wanted = set(owners) if owners is not None else None
    contacts: dict[int, set[int]] = defaultdict(set)
    nudged: set[int] = set()
    for track in tracks:
        if wanted is not None and track.owner_id not in wanted:
            continue
        if track.kind == TRACK_CADENCE:
            nudged.add(track.owner_id)
        if track.contact_id is not None:
            contacts[track.owner_id].add(track.contact_id)
    asked = {c for owner in nudged for c in contacts[owner]}
    load_team_touches(session, facts, asked, now)
    # One read per workspace, not per owner (the session's identity map holds a row only while
    # something references it, so session.get would go back to the database every time).
    thresholds: dict[str, int] = {}
    for owner_id in sorted(nudged):
        user = facts.users.get(owner_id)
        if user is None:
            continue
        if user.workspace_id not in thresholds:
            thresholds[user.workspace_id] = team.threshold_of(session, user.workspace_id)
        threshold = thresholds[user.workspace_id]
        pressed = [
            contact_id
            for contact_id in sorted(contacts[owner_id])
            if _teammates_total(facts, contact_id, owner_id, user.workspace_id) >= threshold
        ]
        if not pressed:
            continue
        facts.holds[owner_id] = team.stay_in_touch_holds(
            session, workspace_id=user.workspace_id, owner_id=owner_id, contact_ids=pressed, now=now
        )


def load_team_touches(session: Session, facts: Facts, contact_ids: set[int], now: datetime) -> None:
    missing = contact_ids - facts.team_touched
    if missing:
        facts.team_touches.update(_team_touches(session, missing, now))
        facts.team_touched |= missing


def _team_touches(
    session: Session, contact_ids: set[int], now: datetime
) -> dict[int, list[tuple[int, tuple[str, int]]]]:
    """contact -> [(author, (workspace, interactions in the pressure window))]: the same rule as
    bot.team's contact pressure (team-visible interaction notes in the last 7 days)."""
    out: dict[int, list[tuple[int, tuple[str, int]]]] = defaultdict(list)
    for batch in chunks(sorted(contact_ids)):
        rows = session.execute(
            sa_select(
                col(NoteContact.contact_id),
                col(Note.author_id),
                col(Note.workspace_id),
                func.count(),
            )
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(
                col(NoteContact.contact_id).in_(batch),
                col(Note.visibility) == "team",
                col(Note.occurred_at) > now - team.PRESSURE_WINDOW,
                col(Note.occurred_at) <= now,
                team.is_interaction(),  # type: ignore[arg-type]
            )
            .group_by(col(NoteContact.contact_id), col(Note.author_id), col(Note.workspace_id))
        ).all()
        for contact_id, author_id, workspace_id, count in rows:
            out[contact_id].append((author_id, (workspace_id, int(count))))
    return out


def teammates_per_author(
    facts: Facts, contact_id: int, owner_id: int, workspace_id: str
) -> list[tuple[int, int]]:
    return [
        (author, count)
        for author, (ws, count) in facts.team_touches.get(contact_id, [])
        if author != owner_id and ws == workspace_id
    ]


def _teammates_total(facts: Facts, contact_id: int, owner_id: int, workspace_id: str) -> int:
    return sum(
        count for _, count in teammates_per_author(facts, contact_id, owner_id, workspace_id)
    )
