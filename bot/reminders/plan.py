"""From the database to planned DMs: ingest new loops and occasions, re-check tracks, collect what
is due, and enqueue it into the outbox.

Cost model (what bench/bench_tick.py measures): `collect` range-scans `reminder_track` on
`next_due_at <= now` and loads facts only for those rows and their owners, in a handful of
set-based queries; ingest and the sweep touch a fixed number of rows per tick. Nothing here
walks every contact or every note.

`rapport due` runs ingest, sweep and collect in one transaction and rolls it back, so it shows
exactly what the next tick would enqueue, by the same code.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import String, and_, case, cast, exists, func, literal, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from bot.domain.humanize import local_date as human_date
from bot.domain.reminders import HEADS_UP, OCCASION, STAY_IN_TOUCH, WAITING_ON, YOU_OWE, Item
from bot.domain.zones import zone
from bot.notes import team
from bot.reminders import planner
from bot.reminders.planner import TRACK_CADENCE, TRACK_LOOP, TRACK_OCCASION, Schedule
from bot.standing.facts import focus_contact_ids
from bot.store.db import SessionFactory
from bot.store.models import Contact, ContactTag, Loop, Note, NoteContact, Occasion, User
from bot.store.reminder_models import (
    ReminderCadence,
    ReminderCursor,
    ReminderOutbox,
    ReminderSettings,
    ReminderSnooze,
    ReminderTrack,
)

log = logging.getLogger("rapport.reminders")

CHUNK = 500  # IN-list size: well under SQLite's and PostgreSQL's parameter limits
INGEST_BATCH = 1000
INGEST_LOOKBACK = 200  # ids below the watermark re-checked, for transactions that committed late
SWEEP_PER_TICK = 200
TAG_EXPAND_EVERY = timedelta(hours=1)
TAG_EXPAND_PER_TICK = 20
COLLECT_BATCH = 2000
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
STOPPED = timedelta(days=365 * 100)  # "Stop" on a loop or occasion: a snooze for good

T = TypeVar("T")


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def subject_id(subject: str) -> int:
    return int(subject.split(":", 1)[1])


# --- ingest: new loops, occasions and tag members become tracks ---------------------------------


def _cursor(session: Session, name: str) -> int:
    row = session.get(ReminderCursor, name)
    return row.value if row else 0


def _set_cursor(session: Session, name: str, value: int) -> None:
    row = session.get(ReminderCursor, name)
    if row is None:
        session.add(ReminderCursor(name=name, value=value))
    elif value > row.value:
        row.value = value
        session.add(row)


def _no_track(owner: Any, prefix: str, ident: Any) -> Any:
    subject = literal(prefix) + cast(ident, String)
    return ~exists().where(
        col(ReminderTrack.owner_id) == owner, col(ReminderTrack.subject) == subject
    )


def _advance(session: Session, name: str, rows: Sequence[Any], top_query: Any) -> None:
    """Move the watermark past what was read: to the highest id when the batch was not full,
    else to the last id read (the rest comes next tick)."""
    if len(rows) >= INGEST_BATCH:
        _set_cursor(session, name, int(rows[-1][0]))
        return
    top = session.execute(top_query).scalar()
    if top:
        _set_cursor(session, name, int(top))


def ingest(session: Session, *, now: datetime) -> int:
    """Turn loops, occasions and tag-cadence members the tracks don't know yet into tracks.

    Ids above a watermark (less a small look-back, for transactions that committed out of id
    order) are read through their primary key, so the cost is the number of new rows.
    """
    added = 0
    mark = _cursor(session, "loop")
    loops = session.execute(
        sa_select(
            col(Loop.id),
            col(Loop.workspace_id),
            col(Loop.owner_id),
            col(Loop.contact_id),
            col(Loop.created_at),
        )
        .where(
            col(Loop.id) > mark - INGEST_LOOKBACK,
            _no_track(Loop.owner_id, "loop:", Loop.id),
        )
        .order_by(col(Loop.id))
        .limit(INGEST_BATCH)
    ).all()
    for loop_id, workspace_id, owner_id, contact_id, created_at in loops:
        # The loop's creation is a floor (and a lower bound): the next collect computes the slot.
        session.add(
            ReminderTrack(
                workspace_id=workspace_id,
                owner_id=owner_id,
                kind=TRACK_LOOP,
                subject=f"loop:{loop_id}",
                contact_id=contact_id,
                next_due_at=min(created_at, now),
                verified_at=EPOCH,
                created_at=created_at,
            )
        )
        added += 1
    _advance(session, "loop", loops, sa_select(func.max(Loop.id)))

    mark = _cursor(session, "occasion")
    occasions = session.execute(
        sa_select(
            col(Occasion.id),
            col(Occasion.workspace_id),
            col(Occasion.contact_id),
            col(Note.author_id),
        )
        .join(Note, col(Note.id) == col(Occasion.source_note_id))
        .where(
            col(Occasion.id) > mark - INGEST_LOOKBACK,
            _no_track(Note.author_id, "occasion:", Occasion.id),
        )
        .order_by(col(Occasion.id))
        .limit(INGEST_BATCH)
    ).all()
    for occasion_id, workspace_id, contact_id, author_id in occasions:
        session.add(
            ReminderTrack(
                workspace_id=workspace_id,
                owner_id=author_id,
                kind=TRACK_OCCASION,
                subject=f"occasion:{occasion_id}",
                contact_id=contact_id,
                next_due_at=now,
                verified_at=EPOCH,
                created_at=now,
            )
        )
        added += 1
    _advance(session, "occasion", occasions, sa_select(func.max(Occasion.id)))

    added += expand_tags(session, now=now)
    session.flush()
    return added


def expand_tags(session: Session, *, now: datetime, cadence_id: int | None = None) -> int:
    """Give every contact carrying a tag with a cadence its own stay-in-touch track.

    Contacts get tags when notes are logged (by the core service), so this runs again for each
    tag cadence about once an hour; `cadence_id` runs it for one cadence right away.
    """
    query = select(ReminderCadence).where(
        ReminderCadence.kind == "tag", col(ReminderCadence.stopped_at).is_(None)
    )
    if cadence_id is not None:
        query = query.where(ReminderCadence.id == cadence_id)
    else:
        stale = now - TAG_EXPAND_EVERY
        query = (
            query.where(
                (col(ReminderCadence.expanded_at).is_(None))
                | (col(ReminderCadence.expanded_at) < stale)
            )
            .order_by(col(ReminderCadence.expanded_at))
            .limit(TAG_EXPAND_PER_TICK)
        )
    added = 0
    for cadence in session.exec(query).all():
        members = session.execute(
            sa_select(col(ContactTag.contact_id)).where(
                col(ContactTag.workspace_id) == cadence.workspace_id,
                col(ContactTag.tag) == cadence.tag,
                _no_track(cadence.owner_id, "contact:", ContactTag.contact_id),
            )
        ).all()
        for (contact_id,) in members:
            session.add(_cadence_track(cadence.workspace_id, cadence.owner_id, contact_id, now))
            added += 1
        cadence.expanded_at = now
        session.add(cadence)
    session.flush()
    return added


def _cadence_track(workspace_id: str, owner_id: int, contact_id: int, now: datetime) -> Any:
    return ReminderTrack(
        workspace_id=workspace_id,
        owner_id=owner_id,
        kind=TRACK_CADENCE,
        subject=f"contact:{contact_id}",
        contact_id=contact_id,
        next_due_at=now,
        verified_at=EPOCH,
        created_at=now,
    )


def ensure_track(
    session: Session, *, workspace_id: str, owner_id: int, kind: str, subject: str, now: datetime
) -> ReminderTrack:
    track = session.exec(
        select(ReminderTrack).where(
            ReminderTrack.owner_id == owner_id, ReminderTrack.subject == subject
        )
    ).first()
    if track is None:
        contact_id = subject_id(subject) if subject.startswith("contact:") else None
        track = ReminderTrack(
            workspace_id=workspace_id,
            owner_id=owner_id,
            kind=kind,
            subject=subject,
            contact_id=contact_id,
            next_due_at=now,
            verified_at=EPOCH,
            created_at=now,
        )
        session.add(track)
        session.flush()
    return track


# --- facts: everything evaluation needs, loaded in bulk -----------------------------------------


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
    sensitive: dict[int, list[tuple[int, datetime, str, int, str]]] = field(default_factory=dict)
    snoozes: dict[tuple[int, str], datetime] = field(default_factory=dict)
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
            facts.touches[(contact_id, author_id)] = (_aware(last), int(count))
        since = now - planner.SENSITIVE_COOLDOWN
        for note_id, contact_id, occurred, sensitive, author_id, visibility in session.execute(
            sa_select(
                col(Note.id),
                col(NoteContact.contact_id),
                col(Note.occurred_at),
                col(Note.sensitive),
                col(Note.author_id),
                col(Note.visibility),
            )
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(
                col(NoteContact.contact_id).in_(batch),
                col(Note.occurred_at) >= since,
                col(Note.occurred_at) <= now,
            )
        ).all():
            if sensitive:
                topic = ", ".join(str(s) for s in sensitive)
                facts.sensitive.setdefault(contact_id, []).append(
                    (note_id, _aware(occurred), topic, author_id, visibility)
                )
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
        for cadence in session.exec(
            select(ReminderCadence).where(
                col(ReminderCadence.owner_id).in_(batch),
                ReminderCadence.kind == "tag",
                col(ReminderCadence.stopped_at).is_(None),
            )
        ).all():
            facts.tag_cadences.setdefault(cadence.owner_id, []).append(cadence)
    _load_note_tags(session, facts, cadence_contacts)
    by_owner: dict[int, list[str]] = defaultdict(list)
    for track in tracks:
        by_owner[track.owner_id].append(track.subject)
    for owner_id, subjects in by_owner.items():
        for names in chunks(sorted(set(subjects))):
            for snooze in session.exec(
                select(ReminderSnooze).where(
                    ReminderSnooze.owner_id == owner_id, col(ReminderSnooze.subject).in_(names)
                )
            ).all():
                facts.snoozes[(owner_id, snooze.subject)] = snooze.until
    return facts


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
    _load_team_touches(session, facts, asked, now)
    for owner_id in sorted(nudged):
        user = facts.users.get(owner_id)
        if user is None:
            continue
        threshold = team.threshold_of(session, user.workspace_id)
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


def _load_team_touches(
    session: Session, facts: Facts, contact_ids: set[int], now: datetime
) -> None:
    missing = contact_ids - facts.team_touched
    if missing:
        facts.team_touches.update(_team_touches(session, missing, now))
        facts.team_touched |= missing


def _teammates_per_author(
    facts: Facts, contact_id: int, owner_id: int, workspace_id: str
) -> list[tuple[int, int]]:
    return [
        (author, count)
        for author, (ws, count) in facts.team_touches.get(contact_id, [])
        if author != owner_id and ws == workspace_id
    ]


def _teammates_total(facts: Facts, contact_id: int, owner_id: int, workspace_id: str) -> int:
    return sum(
        count for _, count in _teammates_per_author(facts, contact_id, owner_id, workspace_id)
    )


def _aware(value: Any) -> datetime:
    """Aggregates bypass the column type, so SQLite's naive text comes back as it is."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- evaluation: the pure planner applied to one track ------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    track_id: int
    next_due_at: datetime | None  # the true slot; None: nothing to remind (dormant)
    item: Item | None  # what the reminder is, when there is one
    due: bool  # the slot has come
    after_sent: datetime | None  # the next slot once this item has been sent


def evaluate(track: ReminderTrack, facts: Facts, now: datetime) -> Evaluation:
    assert track.id is not None
    schedule = facts.schedules.get(track.owner_id, Schedule())
    if track.kind == TRACK_CADENCE:
        found = _eval_cadence(track, facts, schedule, now)
    elif track.kind == TRACK_LOOP:
        found = _eval_loop(track, facts, schedule, now)
    elif track.kind == TRACK_OCCASION:
        found = _eval_occasion(track, facts, schedule, now)
    else:
        return _dormant(track)
    found = _effective(found, track, schedule, now)
    if found.item is not None:
        holds = facts.holds.get(track.owner_id, {})
        held = planner.pressure_hold(holds, found.item.contact_id, now)
        if held is not None:
            found = replace(found, item=replace(found.item, held_until=held))
    return found


def _effective(
    found: Evaluation, track: ReminderTrack, schedule: Schedule, now: datetime
) -> Evaluation:
    """Late only when Rapport was late: a slot that passed while it was planned (downtime)
    keeps its age; a due date that *moved* into the past (a cool-down ended, a note was undone,
    a snooze was shortened) goes to the first slot after Rapport learned of it, not at once and
    not flagged as late. `next_due_at` as stored is the moment Rapport planned to look."""
    true = found.next_due_at
    if true is None or found.item is None:
        return found
    stored = track.next_due_at if track.next_due_at is not None else now
    if true >= stored:
        return found
    slot = planner.next_slot(max(true, min(stored, now)), schedule)
    return Evaluation(
        found.track_id, slot, found.item.with_slot(slot), slot <= now, found.after_sent
    )


def _dormant(track: ReminderTrack) -> Evaluation:
    assert track.id is not None
    return Evaluation(track.id, None, None, False, None)


def _floors(track: ReminderTrack, facts: Facts, *extra: datetime | None) -> list[datetime | None]:
    return [track.created_at, facts.snoozes.get((track.owner_id, track.subject)), *extra]


def _again_after(sent: datetime, every_days: int | None, schedule: Schedule) -> datetime:
    """An ignored reminder comes back a week later (sooner for shorter cadences), counted in
    the user's calendar days so it lands on that day's digest."""
    days = planner.REMIND_AGAIN_AFTER.days
    if every_days is not None:
        days = min(days, max(1, every_days))
    tz = schedule.zoneinfo
    return planner.local_midnight(planner.local_date(sent, tz) + timedelta(days=days), tz)


def _renag(
    track: ReminderTrack, item: Item, every_days: int | None, schedule: Schedule
) -> datetime | None:
    if track.last_sent_at is None or track.last_item_key != item.key:
        return None
    if item.last_touch is not None and item.last_touch >= track.last_sent_at:
        return None  # they got in touch since: the cadence alone decides
    return _again_after(track.last_sent_at, every_days, schedule)


def _mute(facts: Facts, contact_id: int, owner_id: int, now: datetime) -> tuple[Any, ...] | None:
    """The latest bad news about this contact the owner may see within the cool-down."""
    visible = [s for s in facts.sensitive.get(contact_id, []) if s[4] == "team" or s[3] == owner_id]
    until = planner.muted_until((s[1] for s in visible), now)
    if until is None:
        return None
    latest = max(visible, key=lambda s: (s[1], s[0]))
    return (until, latest)


def _nudge(
    track: ReminderTrack,
    facts: Facts,
    schedule: Schedule,
    now: datetime,
    *,
    item: Item,
    raw: datetime,
    every_days: int | None,
    mutable: bool,
    pressure: datetime | None = None,
) -> Evaluation:
    """A nudge that bad news turns into one heads-up, then waits out the cool-down; and one
    that waits while teammates are already reaching the person (`pressure`, a floor: the
    heads-up itself is news, not a nudge, so it does not wait)."""
    assert track.id is not None
    mute = _mute(facts, item.contact_id, track.owner_id, now) if mutable else None
    hold = track.hold_until
    renag = _renag(track, item, every_days, schedule)
    if mute is not None:
        until, (note_id, when, topic, _author, _vis) = mute
        heads_key = f"{HEADS_UP}:contact:{item.contact_id}:note:{note_id}"
        if track.last_item_key != heads_key:
            slot = planner.slot_for(raw, schedule, not_before=_floors(track, facts, hold, renag))
            heads = Item(
                key=heads_key,
                kind=HEADS_UP,
                subject=track.subject,
                contact_id=item.contact_id,
                contact=item.contact,
                due=raw,
                slot=slot,
                closeness=item.closeness,
                topic=topic,
                topic_at=when,
                loop_id=item.loop_id,
                what=item.what,
            )
            after = planner.slot_for(raw, schedule, not_before=_floors(track, facts, until))
            return Evaluation(track.id, slot, heads, slot <= now, after)
        floors = _floors(track, facts, hold, renag, until, pressure)
        slot = planner.slot_for(raw, schedule, not_before=floors)
        return Evaluation(track.id, slot, item.with_slot(slot), slot <= now, None)
    floors = _floors(track, facts, hold, renag, pressure)
    slot = planner.slot_for(raw, schedule, not_before=floors)
    again = _again_after(now, every_days, schedule)
    after = planner.slot_for(raw, schedule, not_before=_floors(track, facts, again))
    return Evaluation(track.id, slot, item.with_slot(slot), slot <= now, after)


def _every_days(track: ReminderTrack, facts: Facts) -> tuple[int, datetime] | None:
    """A contact's own cadence wins; else the shortest cadence of its tags; a stop wins all."""
    assert track.contact_id is not None
    own = facts.contact_cadence.get((track.owner_id, track.contact_id))
    if own is not None:
        if own.stopped_at is not None or own.every_days <= 0:
            return None
        return own.every_days, own.created_at
    cadences = facts.tag_cadences.get(track.owner_id, [])
    if not cadences or not facts.tags.get(track.contact_id):
        return None
    tags = tags_seen_by(facts, track.owner_id, track.contact_id)
    matching = [c for c in cadences if c.tag in tags]
    if not matching:
        return None
    best = min(matching, key=lambda c: (c.every_days, c.created_at))
    return best.every_days, best.created_at


def _eval_cadence(
    track: ReminderTrack, facts: Facts, schedule: Schedule, now: datetime
) -> Evaluation:
    contact = facts.contacts.get(track.contact_id or 0)
    cadence = _every_days(track, facts) if contact is not None else None
    if contact is None or cadence is None:
        return _dormant(track)
    assert contact.id is not None
    every_days, created = cadence
    touch = facts.touches.get((contact.id, track.owner_id))
    last = touch[0] if touch else None
    raw = planner.cadence_due(
        last_touch=last, every_days=every_days, created_at=created, tz=schedule.zoneinfo
    )
    item = Item(
        key=f"{STAY_IN_TOUCH}:{track.subject}",
        kind=STAY_IN_TOUCH,
        subject=track.subject,
        contact_id=contact.id,
        contact=contact.display_name,
        due=raw,
        slot=raw,
        closeness=touch[1] if touch else 0,
        every_days=every_days,
        last_touch=last,
    )
    pressure = planner.pressure_hold(facts.holds.get(track.owner_id, {}), contact.id, now)
    return _nudge(
        track,
        facts,
        schedule,
        now,
        item=item,
        raw=raw,
        every_days=every_days,
        mutable=True,
        pressure=pressure,
    )


def _eval_loop(track: ReminderTrack, facts: Facts, schedule: Schedule, now: datetime) -> Evaluation:
    loop = facts.loops.get(subject_id(track.subject))
    if loop is None or loop.status != "open" or loop.owner_id != track.owner_id:
        return _dormant(track)
    contact = facts.contacts.get(loop.contact_id)
    assert loop.id is not None
    tz = schedule.zoneinfo
    raw = planner.loop_due(due_at=loop.due_at, created_at=loop.created_at, tz=tz)
    if loop.due_at is not None:
        # Due on a day off: remind on the work day before ("it's due tomorrow").
        day = _work_day_on_or_before(planner.local_date(raw, tz), schedule)
        raw = planner.local_midnight(day, tz)
    kind = YOU_OWE if loop.direction == "you_owe" else WAITING_ON
    touch = facts.touches.get((loop.contact_id, track.owner_id))
    item = Item(
        key=f"{kind}:{track.subject}",
        kind=kind,
        subject=track.subject,
        contact_id=loop.contact_id,
        contact=contact.display_name if contact else "someone",
        due=loop.due_at or raw,
        slot=raw,
        closeness=touch[1] if touch else 0,
        what=loop.what,
        loop_id=loop.id,
    )
    # Waiting on someone is the "nudge her?" kind of reminder that bad news should pause;
    # a promise the user made still stands.
    return _nudge(
        track, facts, schedule, now, item=item, raw=raw, every_days=None, mutable=kind == WAITING_ON
    )


def _work_day_on_or_before(day: Any, schedule: Schedule) -> Any:
    for back in range(7):
        candidate = day - timedelta(days=back)
        if schedule.is_work_day(candidate):
            return candidate
    return day


def _eval_occasion(
    track: ReminderTrack, facts: Facts, schedule: Schedule, now: datetime
) -> Evaluation:
    occasion = facts.occasions.get(subject_id(track.subject))
    if occasion is None or not (1 <= occasion.month <= 12 and 1 <= occasion.day <= 31):
        return _dormant(track)
    assert track.id is not None and occasion.id is not None
    contact = facts.contacts.get(occasion.contact_id)
    name = contact.display_name if contact else "someone"
    tz = schedule.zoneinfo
    today = planner.local_date(now, tz)
    prefix = f"{OCCASION}:{track.subject}:"
    last = track.last_item_key
    last_part = last[len(prefix) :] if last and last.startswith(prefix) else None

    def build(part: str | None, as_of: Any) -> tuple[Item, datetime]:
        phase = planner.occasion_phase(occasion.month, occasion.day, as_of, part)
        day_remind = _work_day_on_or_before(phase.on, schedule)
        remind = phase.remind_on
        if phase.phase == "ahead":
            remind = _work_day_on_or_before(remind, schedule)
            if as_of >= day_remind:  # logged too late for a week's notice: just the day one
                phase = planner.OccasionPhase("day", phase.on, phase.on)
                remind = day_remind
        else:
            remind = day_remind
        raw = planner.local_midnight(remind, tz)
        years = phase.on.year - occasion.year if occasion.year else None
        item = Item(
            key=f"{prefix}{phase.key_part}",
            kind=OCCASION,
            subject=track.subject,
            contact_id=occasion.contact_id,
            contact=name,
            due=raw,
            slot=raw,
            occasion=occasion.kind,
            occasion_on=phase.on,
            phase=phase.phase,
            greeting=planner.greeting(occasion.kind, name, years=years if years else None),
        )
        return item, raw

    item, raw = build(last_part, today)
    floors = _floors(track, facts, track.hold_until)
    slot = planner.slot_for(raw, schedule, not_before=floors)
    item = item.with_slot(slot)
    sent_part = item.key[len(prefix) :]
    _next_item, next_raw = build(sent_part, max(today, planner.local_date(slot, tz)))
    after = planner.slot_for(next_raw, schedule, not_before=_floors(track, facts, now))
    return Evaluation(track.id, slot, item, slot <= now, after)


# --- the sweep: catch due dates that moved earlier ---------------------------------------------


def sweep(session: Session, *, now: datetime, default_tz: str, limit: int = SWEEP_PER_TICK) -> int:
    """Re-check the least recently verified tracks and store their true next slot.

    Logging notes only pushes due dates later (collect corrects those lazily); an undone note,
    a re-dated occasion or a reopened loop can pull one earlier, which only this finds.
    """
    # SKIP LOCKED: processes sweeping at once take different rows instead of queueing up.
    tracks = session.exec(
        select(ReminderTrack)
        .order_by(col(ReminderTrack.verified_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not tracks:
        return 0
    facts = load_facts(session, tracks, now=now, default_tz=default_tz)
    changed = 0
    for track in tracks:
        evaluation = evaluate(track, facts, now)
        if evaluation.next_due_at != track.next_due_at:
            track.next_due_at = evaluation.next_due_at
            changed += 1
        track.verified_at = now
        session.add(track)
    session.flush()
    return changed


# --- collect: what is due now, grouped into DMs per user ---------------------------------------


@dataclass(frozen=True)
class PlannedMessage:
    user_id: int
    workspace_id: str
    user: str  # external id (Slack user id or console name)
    kind: str  # "digest" or the item's kind
    subject: str
    local_date: str
    dedupe_key: str
    due_at: datetime  # the earliest slot among its items
    items: tuple[Item, ...]
    tz: str

    def payload(self) -> dict[str, Any]:
        return {"tz": self.tz, "items": [item.to_json() for item in self.items]}


@dataclass
class UserPlan:
    user_id: int
    messages: list[PlannedMessage] = field(default_factory=list)
    held: list[Item] = field(default_factory=list)
    # track id -> (next_due_at as read, new values): the read value is the optimistic lock.
    updates: dict[int, tuple[datetime | None, dict[str, Any]]] = field(default_factory=dict)


def collect(
    session: Session,
    *,
    now: datetime,
    default_tz: str,
    owner_ids: Iterable[int] | None = None,
    batch: int = COLLECT_BATCH,
) -> list[UserPlan]:
    """Everything due at `now` (for `owner_ids`, or everyone), allocated under the daily cap.

    Round trips do not grow with the number of due reminders: facts, contact pressure (one call
    per owner with a stay-in-touch nudge due), what was already sent today, and the teammate
    context of every chosen item are each loaded in bulk.
    """
    due_owner = sa_select(col(ReminderTrack.owner_id)).where(col(ReminderTrack.next_due_at) <= now)
    if owner_ids is not None:
        due_owner = due_owner.where(col(ReminderTrack.owner_id).in_(set(owner_ids)))
    first = session.execute(due_owner.order_by(col(ReminderTrack.next_due_at)).limit(batch)).all()
    owners = list(dict.fromkeys(owner for (owner,) in first))
    if not owners:
        return []
    tracks: list[ReminderTrack] = []
    for group in chunks(owners):
        # Every due track of these owners, so a user's cap sees all their candidates at once.
        tracks.extend(
            session.exec(
                select(ReminderTrack).where(
                    col(ReminderTrack.owner_id).in_(group), col(ReminderTrack.next_due_at) <= now
                )
            ).all()
        )
    facts = load_facts(session, tracks, now=now, default_tz=default_tz)
    load_holds(session, facts, tracks, now=now)
    by_owner: dict[int, list[ReminderTrack]] = defaultdict(list)
    for track in tracks:
        by_owner[track.owner_id].append(track)
    today = {
        uid: planner.local_date(now, facts.schedules[uid].zoneinfo).isoformat() for uid in owners
    }
    sent_today = _sent_on(session, today)
    plans: list[UserPlan] = []
    chosen: dict[int, list[Item]] = {}
    for owner in owners:
        plan, picked = _plan_user(owner, by_owner[owner], facts, now, sent_today.get(owner))
        plans.append(plan)
        if picked:
            chosen[owner] = picked
    chosen = _with_context(session, chosen, facts, now)
    # Focus contacts come first in each message ("less is more": the people you chose).
    focus = focus_contact_ids(session, owner_ids=chosen)
    for owner, items in chosen.items():
        focused = {contact for o, contact in focus if o == owner}
        items.sort(key=lambda item: item.contact_id not in focused)
    for plan in plans:
        if plan.user_id in chosen:
            _add_messages(
                plan, chosen[plan.user_id], facts, today[plan.user_id], sent_today.get(plan.user_id)
            )
    return plans


@dataclass(frozen=True)
class _SentToday:
    items: int = 0  # reminder items already planned for the user's local day (the cap)
    digests: int = 0  # digest DMs among them (the next digest's sequence number)


def _sent_on(session: Session, days: dict[int, str]) -> dict[int, _SentToday]:
    counts: dict[int, _SentToday] = {}
    is_digest = case((col(ReminderOutbox.kind) == "digest", 1), else_=0)
    for group in chunks(sorted(days)):
        rows = session.execute(
            sa_select(
                col(ReminderOutbox.user_id),
                col(ReminderOutbox.local_date),
                func.sum(ReminderOutbox.item_count),
                func.sum(is_digest),
            )
            .where(col(ReminderOutbox.user_id).in_(group))
            .where(col(ReminderOutbox.local_date).in_({days[u] for u in group}))
            .group_by(col(ReminderOutbox.user_id), col(ReminderOutbox.local_date))
        ).all()
        for user_id, day, total, digests in rows:
            if days.get(user_id) == day:
                counts[user_id] = _SentToday(items=int(total or 0), digests=int(digests or 0))
    return counts


def _plan_user(
    owner: int,
    tracks: Sequence[ReminderTrack],
    facts: Facts,
    now: datetime,
    sent_today: _SentToday | None,
) -> tuple[UserPlan, list[Item]]:
    """Evaluate one user's due tracks and pick today's items under the cap: (plan with its
    track updates, the chosen items). Messages are added once the context is loaded."""
    plan = UserPlan(user_id=owner)
    user = facts.users.get(owner)
    schedule = facts.schedules[owner]
    due: list[tuple[ReminderTrack, Evaluation]] = []
    for track in tracks:
        assert track.id is not None
        evaluation = evaluate(track, facts, now)
        if evaluation.due and evaluation.item is not None and user is not None:
            due.append((track, evaluation))
        elif user is None:  # the owner is gone: nothing to send, ever
            plan.updates[track.id] = (track.next_due_at, {"next_due_at": None, "verified_at": now})
        else:
            plan.updates[track.id] = (
                track.next_due_at,
                {"next_due_at": evaluation.next_due_at, "verified_at": now},
            )
    if not due:
        return plan, []
    chosen, held = planner.allocate(
        [e.item for _, e in due if e.item is not None],
        cap=schedule.daily_cap,
        already_today=sent_today.items if sent_today else 0,
        now=now,
    )
    chosen_keys = {item.key for item in chosen}
    tomorrow = planner.local_date(now, schedule.zoneinfo) + timedelta(days=1)
    hold = planner.next_slot(planner.local_midnight(tomorrow, schedule.zoneinfo), schedule)
    for track, evaluation in due:
        assert track.id is not None and evaluation.item is not None
        if evaluation.item.key in chosen_keys:
            plan.updates[track.id] = (
                track.next_due_at,
                {
                    "next_due_at": evaluation.after_sent,
                    "last_sent_at": now,
                    "last_item_key": evaluation.item.key,
                    "hold_until": None,
                    "verified_at": now,
                },
            )
        else:
            plan.updates[track.id] = (
                track.next_due_at,
                {"next_due_at": hold, "hold_until": hold, "verified_at": now},
            )
    plan.held = list(held)
    return plan, list(chosen) if user is not None else []


def _add_messages(
    plan: UserPlan, chosen: Sequence[Item], facts: Facts, today: str, sent: _SentToday | None
) -> None:
    owner = plan.user_id
    user = facts.users[owner]
    schedule = facts.schedules[owner]
    if schedule.mode == "individual":
        for item in chosen:
            plan.messages.append(
                PlannedMessage(
                    user_id=owner,
                    workspace_id=user.workspace_id,
                    user=user.external_id,
                    kind=item.kind,
                    subject=item.subject,
                    local_date=today,
                    dedupe_key=f"{item.key}:{today}",
                    due_at=item.slot,
                    items=(item,),
                    tz=schedule.tz,
                )
            )
        return
    seq = (sent.digests if sent else 0) + 1
    plan.messages.append(
        PlannedMessage(
            user_id=owner,
            workspace_id=user.workspace_id,
            user=user.external_id,
            kind="digest",
            subject=f"user:{owner}",
            local_date=today,
            dedupe_key=f"digest:{owner}:{today}:{seq}",
            due_at=min(item.slot for item in chosen),
            items=tuple(chosen),
            tz=schedule.tz,
        )
    )


CONTEXT_KINDS = (STAY_IN_TOUCH, HEADS_UP, WAITING_ON)  # items that show teammates' notes
PRESSURE_KINDS = (STAY_IN_TOUCH, HEADS_UP, WAITING_ON, YOU_OWE)  # items that mention pressure
CONTEXT_LINES = 2


def _with_context(
    session: Session, chosen: dict[int, list[Item]], facts: Facts, now: datetime
) -> dict[int, list[Item]]:
    """What teammates logged with each person lately ("Bob logged dinner with them on Tue 3
    Mar"), and the team's recent contact (contact pressure), for every chosen item of every
    owner: two queries in all. Only team-visible notes by other users of the owner's workspace
    count — a private note never shows up, not even as a date or a number."""
    wanted = {
        item.contact_id
        for items in chosen.values()
        for item in items
        if item.kind in CONTEXT_KINDS or item.kind in PRESSURE_KINDS
    }
    if not wanted:
        return chosen
    latest = _latest_team_notes(session, wanted)
    _load_team_touches(session, facts, wanted, now)
    names = _user_names(
        session,
        {a for rows in latest.values() for a, *_ in rows}
        | {a for c in wanted for a, _ in facts.team_touches.get(c, [])},
    )
    thresholds: dict[str, int] = {}
    out: dict[int, list[Item]] = {}
    for owner, items in chosen.items():
        user = facts.users[owner]
        tz = facts.schedules[owner].tz
        if user.workspace_id not in thresholds:
            thresholds[user.workspace_id] = team.threshold_of(session, user.workspace_id)
        threshold = thresholds[user.workspace_id]
        annotated = []
        for item in items:
            if item.kind in CONTEXT_KINDS:
                lines = tuple(
                    f"{names.get(author, 'someone')} logged {kind or 'a note'} with them on "
                    f"{human_date(occurred, tz)}"
                    for author, ws, occurred, kind in latest.get(item.contact_id, [])
                    if author != owner and ws == user.workspace_id
                )[:CONTEXT_LINES]
                if lines:
                    item = replace(item, context=lines)
            if item.kind in PRESSURE_KINDS:
                per_author = _teammates_per_author(facts, item.contact_id, owner, user.workspace_id)
                total = sum(count for _, count in per_author)
                # The nudge says so when teammates reached the person often enough to hold
                # stay-in-touch nudges, and a stay-in-touch nudge (one whose hold just ended,
                # say) always says who was in touch this week.
                if total and (total >= threshold or item.kind == STAY_IN_TOUCH or item.held_until):
                    ordered = sorted(per_author, key=lambda ac: (-ac[1], names.get(ac[0], "")))
                    item = replace(
                        item,
                        team_recent=total,
                        team_recent_by=tuple(names.get(a, "someone") for a, _ in ordered),
                    )
            annotated.append(item)
        out[owner] = annotated
    return out


def _latest_team_notes(
    session: Session, contact_ids: set[int]
) -> dict[int, list[tuple[int, str, datetime, str | None]]]:
    """contact -> [(author, workspace, occurred_at, kind)] of each author's latest team-visible
    note about them, newest first."""
    out: dict[int, list[tuple[int, str, datetime, str | None]]] = defaultdict(list)
    for batch in chunks(sorted(contact_ids)):
        ranked = (
            sa_select(
                col(NoteContact.contact_id).label("contact_id"),
                col(Note.author_id).label("author_id"),
                col(Note.workspace_id).label("workspace_id"),
                col(Note.occurred_at).label("occurred_at"),
                col(Note.kind).label("kind"),
                func.row_number()
                .over(
                    partition_by=(col(NoteContact.contact_id), col(Note.author_id)),
                    order_by=(col(Note.occurred_at).desc(), col(Note.id).desc()),
                )
                .label("rank"),
            )
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(col(NoteContact.contact_id).in_(batch), col(Note.visibility) == "team")
            .subquery()
        )
        rows = session.execute(
            sa_select(
                ranked.c.contact_id,
                ranked.c.author_id,
                ranked.c.workspace_id,
                ranked.c.occurred_at,
                ranked.c.kind,
            ).where(ranked.c.rank == 1)
        ).all()
        for contact_id, author_id, workspace_id, occurred, kind in rows:
            out[contact_id].append((author_id, workspace_id, _aware(occurred), kind))
    for found in out.values():
        found.sort(key=lambda row: row[2], reverse=True)
    return out


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


def _user_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for batch in chunks(sorted(user_ids)):
        for uid, display, external in session.execute(
            sa_select(col(User.id), col(User.display_name), col(User.external_id)).where(
                col(User.id).in_(batch)
            )
        ).all():
            names[uid] = display or external
    return names


def with_context(
    session: Session, items: Sequence[Item], *, owner: User, schedule: Schedule, now: datetime
) -> list[Item]:
    """The same context and pressure mention for one user's items outside a tick (App Home)."""
    assert owner.id is not None
    facts = Facts(users={owner.id: owner}, schedules={owner.id: schedule})
    return _with_context(session, {owner.id: list(items)}, facts, now).get(owner.id, [])


# --- enqueue ------------------------------------------------------------------------------------


@dataclass
class EnqueueReport:
    messages: int = 0
    items: int = 0
    held: int = 0
    conflicts: int = 0  # another process planned the same user at the same moment


def enqueue(sessions: SessionFactory, plans: Sequence[UserPlan], *, now: datetime) -> EnqueueReport:
    """Write each user's plan in its own transaction: track updates first, guarded by the
    next_due_at they were read with, then the outbox rows with their unique dedupe keys. A
    process that lost a race to another (same user, same moment) rolls back and moves on."""
    report = EnqueueReport()
    for plan in plans:
        try:
            with sessions() as session:
                if not _apply_updates(session, plan):
                    session.rollback()
                    report.conflicts += 1
                    continue
                for message in plan.messages:
                    session.add(
                        ReminderOutbox(
                            workspace_id=message.workspace_id,
                            user_id=message.user_id,
                            kind=message.kind,
                            subject=message.subject,
                            local_date=message.local_date,
                            item_count=len(message.items),
                            due_at=message.due_at,
                            available_at=message.due_at,
                            payload=message.payload(),
                            dedupe_key=message.dedupe_key,
                            created_at=now,
                        )
                    )
                session.commit()
        except IntegrityError:
            report.conflicts += 1
            continue
        except OperationalError as exc:  # SQLite: another writer held the lock too long
            log.warning("reminders: planning for user %s deferred: %s", plan.user_id, exc)
            report.conflicts += 1
            continue
        report.messages += len(plan.messages)
        report.items += sum(len(m.items) for m in plan.messages)
        report.held += len(plan.held)
    return report


def _apply_updates(session: Session, plan: UserPlan) -> bool:
    for track_id, (seen, values) in plan.updates.items():
        guard = (
            col(ReminderTrack.next_due_at).is_(None)
            if seen is None
            else col(ReminderTrack.next_due_at) == seen
        )
        result = session.execute(
            update(ReminderTrack)
            .where(and_(col(ReminderTrack.id) == track_id, guard))
            .values(**values)
        )
        if getattr(result, "rowcount", 1) != 1:
            return False
    return True
