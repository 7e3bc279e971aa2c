"""The planner: pure functions from state and "now" to what is due, for whom, and when.

No I/O here. Everything takes aware datetimes and returns aware UTC datetimes; local wall-clock
time is only used to pick a slot ("09:00 on the next work day in Europe/Berlin") and is turned
back into UTC per day, so a 09:00 reminder stays at 09:00 local across a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from bot.domain.occasions import next_occurrence
from bot.domain.reminders import (
    Item,
)
from bot.domain.zones import zone

# Track kinds (what a reminder_track row follows).
TRACK_CADENCE: Final = "stay_in_touch"
TRACK_LOOP: Final = "loop"
TRACK_OCCASION: Final = "occasion"

LOOP_DEFAULT_WAIT: Final = timedelta(days=7)  # an open loop without a date reminds after this
REMIND_AGAIN_AFTER: Final = timedelta(days=7)  # an ignored reminder comes back after this
SENSITIVE_COOLDOWN: Final = timedelta(days=30)
# Bad news older than the cool-down still rides on the first reminder after it, up to this age.
SENSITIVE_MEMORY: Final = timedelta(days=120)
OCCASION_LEAD_DAYS: Final = 7
MAX_DAILY_CAP: Final = 20  # two blocks per item keep a digest under Slack's 50 blocks
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MON_FRI: Final = 0b0011111


@dataclass(frozen=True)
class Schedule:
    """When one user may be reminded: their zone, digest hour, work days and hours, daily cap."""

    tz: str = "UTC"
    digest_hour: int = 9
    work_days: int = MON_FRI  # bit 0 = Monday … bit 6 = Sunday
    work_start: int = 9
    work_end: int = 18
    daily_cap: int = 5
    mode: str = "digest"  # "digest" | "individual"

    @property
    def zoneinfo(self) -> ZoneInfo:
        return zone(self.tz)

    def is_work_day(self, day: date) -> bool:
        # A user who unticks every day still gets reminders rather than silence forever.
        days = self.work_days or MON_FRI
        return bool(days & (1 << day.weekday()))

    @property
    def slot_hour(self) -> int:
        """The digest hour, pulled inside working hours (a 7:00 digest with 9–18 hours: 9:00)."""
        start, end = sorted((self.work_start, max(self.work_end, self.work_start + 1)))
        return min(max(self.digest_hour, start), end - 1)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)


def at_local(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """`hour`:00 on `day` in `tz`, as UTC. Built per day, so the UTC offset is that day's."""
    return datetime.combine(day, time(hour, 0), tzinfo=tz).astimezone(UTC)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def next_slot(after: datetime, schedule: Schedule) -> datetime:
    """The first delivery slot (slot hour on a work day, local time) at or after `after`."""
    tz = schedule.zoneinfo
    day = local_date(after, tz)
    for offset in range(15):
        candidate_day = day + timedelta(days=offset)
        if not schedule.is_work_day(candidate_day):
            continue
        slot = at_local(candidate_day, schedule.slot_hour, tz)
        if slot >= after:
            return slot
    raise AssertionError("a work day always falls within two weeks")


def quiet_until(now: datetime, schedule: Schedule) -> datetime | None:
    """None while `now` is inside working hours on a work day; else when they next open."""
    tz = schedule.zoneinfo
    local = now.astimezone(tz)
    start, end = schedule.work_start, max(schedule.work_end, schedule.work_start + 1)
    if schedule.is_work_day(local.date()) and start <= local.hour < end:
        return None
    day = local.date()
    for offset in range(15):
        candidate_day = day + timedelta(days=offset)
        if not schedule.is_work_day(candidate_day):
            continue
        opening = at_local(candidate_day, start, tz)
        if opening > now:
            return opening
    raise AssertionError("a work day always falls within two weeks")


def snooze_until(now: datetime, days: int, schedule: Schedule) -> datetime:
    """Start of the local day `days` from today: "1 day" on Friday afternoon means Saturday, so
    the reminder comes back at the next slot after that (Monday morning on a Mon–Fri week)."""
    tz = schedule.zoneinfo
    return local_midnight(local_date(now, tz) + timedelta(days=days), tz)


def cadence_due(
    *, last_touch: datetime | None, every_days: int, created_at: datetime, tz: ZoneInfo
) -> datetime:
    """The start of the local day `every_days` after the last interaction (calendar days, so
    "every 7 days" after a Thursday-afternoon coffee is the next Thursday's digest, whatever
    the hour). Never in touch: due as soon as the cadence exists."""
    if last_touch is None:
        return created_at
    return local_midnight(local_date(last_touch, tz) + timedelta(days=every_days), tz)


def loop_due(*, due_at: datetime | None, created_at: datetime, tz: ZoneInfo) -> datetime:
    """A dated loop reminds on the morning of its due day; an undated one after a week."""
    if due_at is None:
        return created_at + LOOP_DEFAULT_WAIT
    return local_midnight(local_date(due_at, tz), tz)


@dataclass(frozen=True)
class OccasionPhase:
    phase: str  # "ahead" | "day"
    on: date  # the occasion's date this time
    remind_on: date  # the local day to remind

    @property
    def key_part(self) -> str:
        return f"{self.phase}:{self.on.isoformat()}"


def occasion_phase(month: int, day: int, today: date, last_key_part: str | None) -> OccasionPhase:
    """Which reminder of a yearly occasion comes next: a week ahead, then on the day.

    `last_key_part` is the phase last sent ("ahead:2026-04-10"), so each one goes out once; one
    missed during downtime is still sent (late) unless the day itself has come.
    """
    on = next_occurrence(month, day, today)
    if last_key_part == f"day:{on.isoformat()}":
        on = next_occurrence(month, day, on + timedelta(days=1))
    ahead = on - timedelta(days=OCCASION_LEAD_DAYS)
    if last_key_part == f"ahead:{on.isoformat()}" or today >= on:
        return OccasionPhase("day", on, on)
    return OccasionPhase("ahead", on, ahead)


def muted_until(sensitive_at: Iterable[datetime], now: datetime) -> datetime | None:
    """After bad news, nudges for that person wait a cool-down from the latest such note."""
    recent = [when for when in sensitive_at if now - when < SENSITIVE_COOLDOWN]
    if not recent:
        return None
    return max(recent) + SENSITIVE_COOLDOWN


def pressure_hold(holds: Mapping[int, datetime], contact_id: int, now: datetime) -> datetime | None:
    """Contact pressure: when teammates already reached this person often this week, the
    owner's stay-in-touch nudge about them waits until the hold ends (bot.team computes it from
    team-visible notes). A hold already over is no hold. It is a floor, never a stop: the nudge
    comes back at the first slot after it."""
    until = holds.get(contact_id)
    return until if until is not None and until > now else None


def slot_for(
    raw_due: datetime,
    schedule: Schedule,
    *,
    not_before: Iterable[datetime | None] = (),
) -> datetime:
    """The slot a reminder goes out: the first slot at or after its due time and every floor
    (when the track was created, a snooze, the last reminder + a week, a cap hold-back)."""
    floor = max([raw_due, *(f for f in not_before if f is not None)])
    return next_slot(floor, schedule)


def allocate(
    items: Sequence[Item], *, cap: int, already_today: int, now: datetime
) -> tuple[list[Item], list[Item]]:
    """Split a user's due items into today's (most pressing first, up to the cap) and the rest.

    The rest is held back to the next slot, where it competes again; since it keeps its due
    date it is more overdue then, so nothing waits forever behind newer items.
    """
    ordered = sorted(_unique_keys(items), key=lambda item: item.priority(now))
    room = max(0, max(1, min(cap, MAX_DAILY_CAP)) - already_today)
    return ordered[:room], ordered[room:]


def _unique_keys(items: Iterable[Item]) -> list[Item]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.key not in seen:
            seen.add(item.key)
            out.append(item)
    return out


# --- settings phrases ---------------------------------------------------------------------------

_EVERY_WORDS: Final = {
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "fortnightly": 14,
    "monthly": 30,
    "bimonthly": 61,
    "quarterly": 91,
    "yearly": 365,
    "annually": 365,
}
_UNIT_DAYS: Final = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 91, "year": 365}


def parse_every(text: str) -> int | None:
    """Days in "every 30 days", "every 2 weeks", "monthly", "quarterly", "weekly", "6w"; None
    when the words are no interval at all."""
    words = text.casefold().replace("-", " ").split()
    if not words:
        return None
    if len(words) == 1 and words[0] in _EVERY_WORDS:
        return _EVERY_WORDS[words[0]]
    if words[0] == "every":
        words = words[1:]
    if len(words) == 1 and words[0] in _UNIT_DAYS:
        return _UNIT_DAYS[words[0]]  # "every month"
    if len(words) == 1:
        return parse_duration_days(words[0])
    if len(words) == 2 and words[0].isdigit():
        unit = words[1].rstrip("s")
        if unit in _UNIT_DAYS and 0 < int(words[0]) <= 3650:
            return int(words[0]) * _UNIT_DAYS[unit]
    return None


def parse_duration_days(text: str) -> int | None:
    """ "1d", "2w", "1m", "3 days", "1 week", "tomorrow" → days."""
    cleaned = text.casefold().strip()
    if cleaned == "tomorrow":
        return 1
    units = {"d": 1, "w": 7, "m": 30, "q": 91, "y": 365}
    if len(cleaned) >= 2 and cleaned[:-1].isdigit() and cleaned[-1] in units:
        amount = int(cleaned[:-1])
        return amount * units[cleaned[-1]] if 0 < amount <= 3650 else None
    parts = cleaned.split()
    if len(parts) == 2 and parts[0].isdigit():
        unit = parts[1].rstrip("s")
        if unit in _UNIT_DAYS and 0 < int(parts[0]) <= 3650:
            return int(parts[0]) * _UNIT_DAYS[unit]
    if len(parts) == 1 and parts[0].rstrip("s") in _UNIT_DAYS:
        return _UNIT_DAYS[parts[0].rstrip("s")]
    return None


def parse_days(text: str) -> int:
    """ "mon-fri", "mon,tue,thu", "sun-thu", "all", "weekdays" → a work-day bitmask."""
    cleaned = text.casefold().replace(" ", "")
    if cleaned in ("all", "every", "everyday", "daily"):
        return 0b1111111
    if cleaned in ("weekdays", "workdays"):
        return MON_FRI
    mask = 0
    for part in cleaned.split(","):
        if not part:
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            start, end = _weekday(first), _weekday(last)
            index = start
            while True:
                mask |= 1 << index
                if index == end:
                    break
                index = (index + 1) % 7
        else:
            mask |= 1 << _weekday(part)
    if not mask:
        raise ValueError(f"no days in {text!r}")
    return mask


def _weekday(word: str) -> int:
    for index, name in enumerate(WEEKDAYS):
        if word[:3] == name:
            return index
    raise ValueError(f"{word!r} is not a day of the week (use mon, tue, … sun)")


def format_days(mask: int) -> str:
    return ",".join(name for index, name in enumerate(WEEKDAYS) if mask & (1 << index))
