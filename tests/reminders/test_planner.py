"""The pure planner, by tables: a fixed clock, zones on both sides of daylight-saving changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.occasions import greeting
from bot.domain.reminders import HEADS_UP, OCCASION, STAY_IN_TOUCH, YOU_OWE, Item
from bot.reminders import planner
from bot.reminders.planner import Schedule
from tests.kit import utc

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def local(tz: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz)  # type: ignore[misc]


# Berlin switches to summer time on Sun 29 Mar 2026 and back on Sun 25 Oct 2026;
# New York on Sun 8 Mar 2026 and Sun 1 Nov 2026.
@pytest.mark.parametrize(
    ("after", "tz", "expected_utc"),
    [
        pytest.param(
            local(BERLIN, 2026, 3, 27, 8, 0),
            "Europe/Berlin",
            utc(2026, 3, 27, 8, 0),
            id="berlin-fri-before-dst-0900-is-0800Z",
        ),
        pytest.param(
            local(BERLIN, 2026, 3, 27, 9, 30),
            "Europe/Berlin",
            utc(2026, 3, 30, 7, 0),
            id="berlin-next-slot-after-dst-is-monday-0700Z",
        ),
        pytest.param(
            local(BERLIN, 2026, 3, 29, 3, 0),
            "Europe/Berlin",
            utc(2026, 3, 30, 7, 0),
            id="berlin-dst-sunday-night-to-monday",
        ),
        pytest.param(
            local(BERLIN, 2026, 10, 23, 10, 0),
            "Europe/Berlin",
            utc(2026, 10, 26, 8, 0),
            id="berlin-after-dst-end-monday-0800Z",
        ),
        pytest.param(
            local(BERLIN, 2026, 10, 23, 8, 59),
            "Europe/Berlin",
            utc(2026, 10, 23, 7, 0),
            id="berlin-fri-before-dst-end-0700Z",
        ),
        pytest.param(
            local(NEW_YORK, 2026, 3, 6, 12, 0),
            "America/New_York",
            utc(2026, 3, 9, 13, 0),
            id="new-york-after-dst-1300Z",
        ),
        pytest.param(
            local(NEW_YORK, 2026, 3, 5, 12, 0),
            "America/New_York",
            utc(2026, 3, 6, 14, 0),
            id="new-york-before-dst-1400Z",
        ),
        pytest.param(
            utc(2026, 3, 7, 12, 0), "UTC", utc(2026, 3, 9, 9, 0), id="saturday-waits-for-monday"
        ),
        pytest.param(utc(2026, 3, 9, 9, 0), "UTC", utc(2026, 3, 9, 9, 0), id="exactly-at-the-slot"),
    ],
)
def test_next_slot_is_nine_local_on_a_work_day(
    after: datetime, tz: str, expected_utc: datetime
) -> None:
    slot = planner.next_slot(after, Schedule(tz=tz))
    assert slot == expected_utc
    assert slot.astimezone(ZoneInfo(tz)).hour == 9


def test_a_weekly_nine_oclock_reminder_stays_at_nine_across_both_berlin_changes() -> None:
    schedule = Schedule(tz="Europe/Berlin", work_days=0b1111111)
    moment = local(BERLIN, 2026, 3, 22, 9, 0)
    hours_utc = []
    for _ in range(3):  # 22 Mar (CET), 29 Mar (the change), 5 Apr (CEST)
        slot = planner.next_slot(moment, schedule)
        assert slot.astimezone(BERLIN).hour == 9
        hours_utc.append(slot.hour)
        moment = slot + timedelta(days=7)
    assert hours_utc == [8, 7, 7]
    moment = local(BERLIN, 2026, 10, 18, 9, 0)
    hours_utc = []
    for _ in range(3):
        slot = planner.next_slot(moment, schedule)
        assert slot.astimezone(BERLIN).hour == 9
        hours_utc.append(slot.hour)
        moment = slot + timedelta(days=7)
    assert hours_utc == [7, 8, 8]


@pytest.mark.parametrize(
    ("schedule", "after", "expected"),
    [
        pytest.param(
            Schedule(work_days=planner.parse_days("sun-thu")),
            utc(2026, 3, 6, 12),
            utc(2026, 3, 8, 9),
            id="sun-thu-week-friday-to-sunday",
        ),
        pytest.param(
            Schedule(digest_hour=7),
            utc(2026, 3, 4, 0),
            utc(2026, 3, 4, 9),
            id="digest-before-working-hours-moves-in",
        ),
        pytest.param(
            Schedule(digest_hour=14), utc(2026, 3, 4, 0), utc(2026, 3, 4, 14), id="afternoon-digest"
        ),
        pytest.param(
            Schedule(work_days=0),
            utc(2026, 3, 7, 0),
            utc(2026, 3, 9, 9),
            id="no-days-ticked-means-weekdays",
        ),
    ],
)
def test_slots_follow_settings(schedule: Schedule, after: datetime, expected: datetime) -> None:
    assert planner.next_slot(after, schedule) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(local(BERLIN, 2026, 3, 4, 10, 0), None, id="wednesday-morning-open"),
        pytest.param(local(BERLIN, 2026, 3, 4, 22, 0), utc(2026, 3, 5, 8, 0), id="night"),
        pytest.param(
            local(BERLIN, 2026, 3, 28, 10, 0),
            utc(2026, 3, 30, 7, 0),
            id="saturday-before-dst-waits-for-monday-0900-cest",
        ),
        pytest.param(local(BERLIN, 2026, 3, 4, 18, 0), utc(2026, 3, 5, 8, 0), id="at-closing"),
    ],
)
def test_quiet_hours(now: datetime, expected: datetime | None) -> None:
    assert planner.quiet_until(now, Schedule(tz="Europe/Berlin")) == expected


@pytest.mark.parametrize(
    ("month", "day", "today", "last", "expected"),
    [
        pytest.param(
            4,
            10,
            date(2026, 3, 1),
            None,
            ("ahead", date(2026, 4, 10), date(2026, 4, 3)),
            id="week-ahead-first",
        ),
        pytest.param(
            4,
            10,
            date(2026, 4, 3),
            "ahead:2026-04-10",
            ("day", date(2026, 4, 10), date(2026, 4, 10)),
            id="then-the-day",
        ),
        pytest.param(
            4,
            10,
            date(2026, 4, 10),
            "day:2026-04-10",
            ("ahead", date(2027, 4, 10), date(2027, 4, 3)),
            id="then-next-year",
        ),
        pytest.param(
            4,
            10,
            date(2026, 4, 10),
            None,
            ("day", date(2026, 4, 10), date(2026, 4, 10)),
            id="learned-on-the-day",
        ),
        pytest.param(
            4,
            10,
            date(2026, 4, 7),
            None,
            ("ahead", date(2026, 4, 10), date(2026, 4, 3)),
            id="missed-ahead-still-sent",
        ),
        pytest.param(
            2,
            29,
            date(2026, 2, 1),
            None,
            ("ahead", date(2026, 2, 28), date(2026, 2, 21)),
            id="29-feb-in-2026-is-28",
        ),
        pytest.param(
            2,
            29,
            date(2028, 2, 1),
            None,
            ("ahead", date(2028, 2, 29), date(2028, 2, 22)),
            id="29-feb-in-leap-year",
        ),
        pytest.param(
            12,
            31,
            date(2026, 12, 31),
            "day:2026-12-31",
            ("ahead", date(2027, 12, 31), date(2027, 12, 24)),
            id="new-year-wrap",
        ),
    ],
)
def test_occasion_phases(
    month: int, day: int, today: date, last: str | None, expected: tuple[str, date, date]
) -> None:
    phase = planner.occasion_phase(month, day, today, last)
    assert (phase.phase, phase.on, phase.remind_on) == expected


@pytest.mark.parametrize(
    ("kind", "name", "years", "expected"),
    [
        ("birthday", "Jane Doe", None, "Happy birthday, Jane!"),
        ("birthday", "Raj", None, "Happy birthday, Raj!"),
        ("anniversary", "Priya Nair", 10, "Happy 10th anniversary, Priya!"),
        ("anniversary", "Priya Nair", 22, "Happy 22nd anniversary, Priya!"),
        ("anniversary", "Priya Nair", None, "Happy anniversary, Priya!"),
    ],
    ids=["birthday-first-name", "single-name", "10th", "22nd", "no-year"],
)
def test_greeting_uses_the_first_name(
    kind: str, name: str, years: int | None, expected: str
) -> None:
    assert greeting(kind, name, years=years).startswith(expected)


def test_cadence_counts_from_the_last_touch_or_is_due_at_once() -> None:
    created = utc(2026, 3, 1)
    touch = utc(2026, 1, 15)
    utc_zone = ZoneInfo("UTC")
    assert planner.cadence_due(
        last_touch=touch, every_days=30, created_at=created, tz=utc_zone
    ) == utc(2026, 2, 14)
    assert (
        planner.cadence_due(last_touch=None, every_days=30, created_at=created, tz=utc_zone)
        == created
    )
    # Calendar days in the user's zone: a Thursday 23:30 coffee in Berlin (22:30Z) counts from
    # Thursday, so a weekly cadence is due the next Thursday, 00:00 Berlin.
    late = local(BERLIN, 2026, 3, 19, 23, 30)
    assert planner.cadence_due(
        last_touch=late, every_days=7, created_at=created, tz=BERLIN
    ) == local(BERLIN, 2026, 3, 26, 0, 0)


def test_loops_remind_on_their_day_or_after_a_week() -> None:
    created = utc(2026, 3, 2, 15)
    due = local(BERLIN, 2026, 3, 6, 17, 0)
    assert planner.loop_due(due_at=due, created_at=created, tz=BERLIN) == local(
        BERLIN, 2026, 3, 6, 0, 0
    )
    assert planner.loop_due(due_at=None, created_at=created, tz=BERLIN) == created + timedelta(7)


def test_sensitive_news_mutes_for_thirty_days_from_the_latest() -> None:
    now = utc(2026, 3, 20)
    assert planner.muted_until([utc(2026, 1, 1)], now) is None
    assert planner.muted_until([utc(2026, 3, 6), utc(2026, 3, 1)], now) == utc(2026, 4, 5)


def _item(key: str, kind: str, days_overdue: float, closeness: int = 0, **extra: object) -> Item:
    now = utc(2026, 3, 4, 9)
    return Item(
        key=key,
        kind=kind,
        subject="contact:1",
        contact_id=1,
        contact="X",
        due=now - timedelta(days=days_overdue),
        slot=now,
        closeness=closeness,
        **extra,  # type: ignore[arg-type]
    )


def test_allocate_takes_the_most_pressing_up_to_the_cap() -> None:
    now = utc(2026, 3, 4, 9)
    items = [
        _item("a", STAY_IN_TOUCH, 1),
        _item("b", STAY_IN_TOUCH, 40),
        _item("c", STAY_IN_TOUCH, 40, closeness=5),
        _item("d", YOU_OWE, 0),
        _item("e", OCCASION, 0, phase="day"),
        _item("f", HEADS_UP, 0),
        _item("g", STAY_IN_TOUCH, 10),
    ]
    today, later = planner.allocate(items, cap=5, already_today=0, now=now)
    assert [i.key for i in today] == ["e", "f", "d", "c", "b"]
    assert [i.key for i in later] == ["g", "a"]
    today, later = planner.allocate(items, cap=5, already_today=4, now=now)
    assert [i.key for i in today] == ["e"]
    today, _ = planner.allocate(items, cap=5, already_today=9, now=now)
    assert today == []


def test_items_round_trip_through_json() -> None:
    item = _item(
        "occasion:occasion:1:day:2026-03-04",
        OCCASION,
        0,
        occasion="birthday",
        occasion_on=date(2026, 3, 4),
        phase="day",
        greeting="Happy birthday, X!",
        context=("Bob logged coffee",),
        last_touch=utc(2026, 1, 1),
    )
    assert Item.from_json(item.to_json()) == item


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("every 30 days", 30),
        ("monthly", 30),
        ("quarterly", 91),
        ("weekly", 7),
        ("every 2 weeks", 14),
        ("every month", 30),
        ("every 3 months", 90),
        ("yearly", 365),
        ("6w", 42),
        ("Jane", None),
        ("every blue moon", None),
        ("every 0 days", None),
    ],
)
def test_parse_every(text: str, days: int | None) -> None:
    assert planner.parse_every(text) == days


@pytest.mark.parametrize(
    ("text", "days"),
    [("1d", 1), ("1w", 7), ("1m", 30), ("2 weeks", 14), ("tomorrow", 1), ("week", 7), ("x", None)],
)
def test_parse_duration(text: str, days: int | None) -> None:
    assert planner.parse_duration_days(text) == days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", "mon,tue,wed,thu,fri"),
        ("sun-thu", "mon,tue,wed,thu,sun"),
        ("mon,wed,fri", "mon,wed,fri"),
        ("fri-mon", "mon,fri,sat,sun"),
        ("all", "mon,tue,wed,thu,fri,sat,sun"),
    ],
)
def test_parse_days(text: str, expected: str) -> None:
    assert planner.format_days(planner.parse_days(text)) == expected


def test_parse_days_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="not a day"):
        planner.parse_days("funday")
