"""What is due: the DMs the next tick would send (already queued, or about to be planned), and the
reminders whose slot falls today or this week. Planning runs in a transaction that is rolled
back, so `due` writes nothing and shows what the tick would do, by the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Unpack

from sqlmodel import col, select

from bot.domain.refs import Actor, ContactRef
from bot.domain.reminders import (
    DueItem,
    DueMessage,
    DueReport,
    Item,
    Upcoming,
)
from bot.reminders import planner
from bot.reminders.collect import collect, sweep
from bot.reminders.context import with_context
from bot.reminders.evaluate import evaluate
from bot.reminders.facts import load_facts, load_holds, schedule_for
from bot.reminders.tick import pending
from bot.reminders.tracks import ingest
from bot.store import repo
from bot.store.reminder_models import (
    ReminderTrack,
)
from bot.usecases import Shared, UseCases

Describe = Callable[[Item, datetime, str], str]  # (item, now, zone) -> one plain sentence


class Due(UseCases):
    """What the next tick would send (`rapport due`), and what is coming this week (App Home)."""

    def __init__(self, *, describe: Describe, **shared: Unpack[Shared]) -> None:
        super().__init__(**shared)
        self.describe = describe  # the DM's sentence for an item, from the composition root

    def due(self, *, actor: Actor | None = None, now: datetime | None = None) -> DueReport:
        """What the next tick would send at `now` (default: the clock): the queued DMs and the
        ones it would plan, for the actor (or everyone when `actor` is None). Writes nothing:
        the planning runs in a transaction that is rolled back."""
        now = (now or self._now()).astimezone(UTC)
        with self._session() as session:
            owner_ids: set[int] | None = None
            if actor is not None:
                user = repo.get_user(
                    session, workspace_id=actor.workspace_id, external_id=actor.user_id
                )
                if user is None or user.id is None:
                    return DueReport(now=now, messages=())
                owner_ids = {user.id}
        messages: list[DueMessage] = []
        for row in pending(self.sessions, now=now, user_ids=owner_ids):
            items = [Item.from_json(i) for i in row["payload"].get("items", [])]
            tz = str(row["payload"].get("tz") or self.default_tz)
            messages.append(
                DueMessage(
                    user=row["user"],
                    kind=row["kind"],
                    dedupe_key=row["dedupe_key"],
                    due_at=row["due_at"],
                    status="queued",
                    items=tuple(self._view(i, now, tz) for i in items),
                )
            )
        held: list[DueItem] = []
        with self._session() as session:
            ingest(session, now=now)
            sweep(session, now=now, default_tz=self.default_tz)
            plans = collect(session, now=now, default_tz=self.default_tz, owner_ids=owner_ids)
            session.rollback()
        for user_plan in plans:
            for message in user_plan.messages:
                messages.append(
                    DueMessage(
                        user=message.user,
                        kind=message.kind,
                        dedupe_key=message.dedupe_key,
                        due_at=message.due_at,
                        status="planned",
                        items=tuple(self._view(i, now, message.tz) for i in message.items),
                    )
                )
            tz = next((m.tz for m in user_plan.messages), self.default_tz)
            held.extend(self._view(i, now, tz) for i in user_plan.held)
        return DueReport(now=now, messages=tuple(messages), held=tuple(held))

    def upcoming(self, *, actor: Actor, days: int = 7) -> Upcoming:
        """App Home: reminders whose slot falls today, and in the next `days` days."""
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            assert user.id is not None
            schedule = schedule_for(session, user, actor, self.default_tz)
            tz = schedule.zoneinfo
            today = planner.local_date(now, tz)
            horizon = planner.local_midnight(today + timedelta(days=days + 1), tz)
            tracks = session.exec(
                select(ReminderTrack).where(
                    ReminderTrack.owner_id == user.id,
                    col(ReminderTrack.next_due_at) < horizon,
                )
            ).all()
            facts = load_facts(session, tracks, now=now, default_tz=self.default_tz)
            load_holds(session, facts, tracks, now=now)
            facts.schedules[user.id] = schedule
            shown: list[tuple[Item, datetime]] = []
            for track in tracks:
                evaluation = evaluate(track, facts, now)
                item = evaluation.item
                if item is None or evaluation.next_due_at is None:
                    continue
                if evaluation.next_due_at >= horizon:
                    continue
                shown.append((item, evaluation.next_due_at))
            items = with_context(
                session, [item for item, _ in shown], owner=user, schedule=schedule, now=now
            )
            soon: list[DueItem] = []
            later: list[DueItem] = []
            for item, (_, next_due) in zip(items, shown, strict=True):
                view = self._view(item, now, schedule.tz)
                if planner.local_date(next_due, tz) <= today:
                    soon.append(view)
                else:
                    later.append(view)
            soon.sort(key=lambda v: (v.slot, v.key))
            later.sort(key=lambda v: (v.slot, v.key))
            return Upcoming(today=tuple(soon), this_week=tuple(later))

    def _view(self, item: Item, now: datetime, tz: str) -> DueItem:
        return DueItem(
            key=item.key,
            kind=item.kind,
            contact=ContactRef(id=item.contact_id, display_name=item.contact),
            text=self.describe(item, now, tz),
            due=item.due,
            slot=item.slot,
            what=item.what,
            greeting=item.greeting,
            context=item.context,
        )
