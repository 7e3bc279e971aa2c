"""What is due now, grouped into DMs per user under each user's daily cap; and the sweep that finds
due dates that moved earlier.

Cost model (what bench/bench_tick.py measures): `collect` range-scans `reminder_track` on
`next_due_at <= now` and loads facts only for those rows and their owners, in a handful of
set-based queries; the sweep touches a fixed number of rows per tick. Nothing here walks every
contact or every note. `rapport due` runs ingest, sweep and collect in one transaction and rolls
it back, so it shows exactly what the next tick would enqueue, by the same code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from bot.domain.reminders import (
    Item,
)
from bot.reminders import planner
from bot.reminders.context import add_context
from bot.reminders.evaluate import Evaluation, evaluate
from bot.reminders.facts import Facts, load_facts, load_holds
from bot.standing.facts import focus_contact_ids
from bot.store.batches import chunks
from bot.store.reminder_models import (
    ReminderOutbox,
    ReminderTrack,
)

SWEEP_PER_TICK = 200
COLLECT_BATCH = 2000


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
    rows = []
    for track in tracks:
        evaluation = evaluate(track, facts, now)
        if evaluation.next_due_at != track.next_due_at:
            changed += 1
        rows.append({"b_id": track.id, "b_next": evaluation.next_due_at, "b_verified": now})
    # One executemany for every row, rather than the unit of work's one UPDATE per run of rows
    # with the same changed columns (their number varied with which rows moved); the loaded
    # objects take the stored values as their own, so the session stays true without a flush.
    table = ReminderTrack.__table__  # type: ignore[attr-defined]
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(next_due_at=bindparam("b_next"), verified_at=bindparam("b_verified")),
        rows,
    )
    for track, row in zip(tracks, rows, strict=True):
        set_committed_value(track, "next_due_at", row["b_next"])
        set_committed_value(track, "verified_at", now)
    return changed


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
    # Another process may have planned an owner between the two reads (planning reads take no
    # write lock): an owner whose due tracks are gone has nothing to plan here.
    owners = [owner for owner in owners if by_owner.get(owner) and owner in facts.schedules]
    if not owners:
        return []
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
    chosen = add_context(session, chosen, facts, now)
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
