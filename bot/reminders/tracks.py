"""The reminders' tracks: one row per thing that may remind someone (a cadence with a contact, an
open loop, an occasion), with the next moment it is worth looking at.

`ingest` turns loops, occasions and tag-cadence members the tracks don't know yet into tracks;
`ensure_track` and `touch_track` are for use cases that change what a track depends on (a new
cadence, a snooze), so the next tick re-checks it at once. Ids above a watermark (less a small
look-back, for transactions that committed out of id order) are read through their primary key,
so ingest costs the number of new rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, exists, func, literal, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.reminders.planner import TRACK_CADENCE, TRACK_LOOP, TRACK_OCCASION
from bot.store.models import ContactTag, Loop, Note, Occasion
from bot.store.reminder_models import (
    ReminderCadence,
    ReminderCursor,
    ReminderTrack,
)

INGEST_BATCH = 1000
INGEST_LOOKBACK = 200  # ids below the watermark re-checked, for transactions that committed late
TAG_EXPAND_EVERY = timedelta(hours=1)
TAG_EXPAND_PER_TICK = 20
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # "never verified": the sweep takes these first


def subject_id(subject: str) -> int:
    return int(subject.split(":", 1)[1])


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

    Contacts get tags when notes are logged (by the notes feature), so this runs again for each
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


def touch_track(session: Session, owner_id: int, subject: str, now: datetime) -> None:
    """Make the next collect re-check this track now (a change may have made it earlier)."""
    session.execute(
        update(ReminderTrack)
        .where(col(ReminderTrack.owner_id) == owner_id, col(ReminderTrack.subject) == subject)
        .values(next_due_at=now, verified_at=EPOCH)
        .execution_options(synchronize_session=False)
    )
