"""Evaluation: the pure planner (bot/reminders/planner.py) applied to one track and its facts.

No I/O here: what a track would remind of now, in which slot, and when it comes back once sent.
Bad news turns a nudge into one heads-up and then a cool-down; a snooze, a cap hold-back and
teammates' recent contact are floors on the slot; an ignored reminder comes back a week later.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.domain.occasions import greeting
from bot.domain.reminders import (
    HEADS_UP,
    OCCASION,
    STAY_IN_TOUCH,
    WAITING_ON,
    YOU_OWE,
    Item,
)
from bot.notes.news import Said
from bot.reminders import planner
from bot.reminders.facts import Facts, tags_seen_by
from bot.reminders.planner import TRACK_CADENCE, TRACK_LOOP, TRACK_OCCASION, Schedule
from bot.reminders.tracks import subject_id
from bot.store.reminder_models import (
    ReminderTrack,
)


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
        item = _carried(track, facts, found.item, now)
        holds = facts.holds.get(track.owner_id, {})
        held = planner.pressure_hold(holds, item.contact_id, now)
        if held is not None:
            item = replace(item, held_until=held)
        found = replace(found, item=item)
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


def _latest_news(facts: Facts, contact_id: int, owner_id: int) -> Said | None:
    """The latest bad news about this contact that the owner may see."""
    return next((s for s in facts.sensitive.get(contact_id, ()) if s.seen_by(owner_id)), None)


def _mute(
    facts: Facts, contact_id: int, owner_id: int, now: datetime
) -> tuple[datetime, Said] | None:
    """Until when nudges about this contact wait, and the news that mutes them."""
    latest = _latest_news(facts, contact_id, owner_id)
    if latest is None:
        return None
    until = planner.muted_until([latest.news.at], now)
    return None if until is None else (until, latest)


def _carried(track: ReminderTrack, facts: Facts, item: Item, now: datetime) -> Item:
    """Every reminder about someone with bad news says so — a promise, a birthday, a nudge —
    during the cool-down and on the track's first reminder after it: never a plain "time to
    get back in touch" two weeks after the house fire."""
    if item.kind == HEADS_UP:
        return item
    latest = _latest_news(facts, item.contact_id, track.owner_id)
    if latest is None:
        return item
    until = latest.news.at + planner.SENSITIVE_COOLDOWN
    if now >= until and track.last_sent_at is not None and track.last_sent_at >= until:
        return item  # said already on a reminder after the cool-down
    return replace(item, topic=latest.news.words, topic_at=latest.news.at)


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
        until, said = mute
        heads_key = f"{HEADS_UP}:contact:{item.contact_id}:note:{said.news.note_id}"
        told = (track.owner_id, heads_key) in facts.heads_up_sent
        if track.last_item_key != heads_key and not told:
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
                topic=said.news.words,
                topic_at=said.news.at,
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
            greeting=greeting(occasion.kind, name, years=years if years else None),
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
