"""The calendar reader over every real ICS fixture (tests/fixtures/SOURCES.md) and over files
written here for the cases no fixture has: what a person would see on their contacts' cards
depends on each of these times, names and cancellations being read right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.channels.calendars import read_calendar
from bot.domain.calendars import Meeting, Reading, UnreadableCalendarError

ICS = Path(__file__).resolve().parents[1] / "fixtures" / "ics"
WIDE = {"start": datetime(1990, 1, 1, tzinfo=UTC), "end": datetime(2030, 1, 1, tzinfo=UTC)}


def read(name: str, tz: str = "UTC", **window: datetime) -> Reading:
    return read_calendar((ICS / name).read_bytes(), tz=tz, **(window or WIDE))


def only(reading: Reading) -> Meeting:
    assert len(reading.meetings) == 1, reading.meetings
    return reading.meetings[0]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize("path", sorted(ICS.glob("*.ics")), ids=lambda p: p.name)
def test_every_fixture_reads_without_raising_and_accounts_for_each_event(path: Path) -> None:
    reading = read_calendar(path.read_bytes(), **WIDE)
    named = {m.uid for m in reading.meetings} | reading.cancelled_series
    named |= {p.uid for p in reading.problems}
    # Every event read is a meeting, a cancelled series or a reported problem, never silently lost
    # (a series may have no occurrence in the window; then it is at least not a problem).
    assert len(named) <= max(reading.events, 1)
    for meeting in reading.meetings:
        assert meeting.start.tzinfo is UTC and meeting.end >= meeting.start
        assert meeting.uid
        for person in meeting.people():
            assert person.email is None or ("@" in person.email and person.email.islower())


@pytest.mark.parametrize(
    ("fixture", "start"),
    [
        # Windows zone names, mapped to Olson zones
        ("exchange-2010-eastern-standard-time.ics", utc(2024, 10, 28, 21, 0)),
        ("exchange-2010-request-pacific-quoted-tzid.ics", utc(2017, 2, 24, 20, 0)),
        ("exchange-teams-invite-request-fle-tz.ics", utc(2020, 12, 2, 17, 0)),
        ("outlook-non-ascii-windows-tzid.ics", utc(2017, 5, 11, 16, 30)),
        ("khal-windows-tzid-new-zealand.ics", utc(2019, 11, 20, 12, 0)),
        # a misspelt Olson id with its VTIMEZONE present: the VTIMEZONE's rules
        ("apple-ical-4.0.4-misspelled-tzid.ics", utc(2011, 5, 16, 13, 45)),
        # a non-ASCII id with a trailing space (GroupWise): the trimmed VTIMEZONE, CEST in July
        ("groupwise-non-ascii-tzid.ics", utc(2026, 7, 1, 15, 0)),
        ("apple-ios-26-structured-location.ics", utc(2026, 5, 22, 8, 30)),
        ("exchange-cdo-request-uppercase-escapes.ics", utc(2004, 10, 12, 5, 30)),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_time_zones_become_the_right_utc_instant(fixture: str, start: datetime) -> None:
    meeting = only(read(fixture, tz="Asia/Tokyo"))
    assert meeting.start == start
    assert not meeting.floating


def test_a_blank_tzid_is_read_as_floating_time_in_the_owners_zone() -> None:
    # Exchange 2010: VTIMEZONE with "TZID:" and DTSTART;TZID=:20150826T090000
    meeting = only(read("exchange-2010-blank-tzid.ics", tz="Africa/Johannesburg"))
    assert meeting.floating
    assert meeting.start == utc(2015, 8, 26, 7, 0)
    assert {p.email for p in meeting.people()} == {"roberts@company.com", "sam@company.com"}


def test_floating_times_without_any_zone_use_the_zone_given() -> None:
    berlin = read("thunderbird-latin1-no-charset.ics", tz="Europe/Berlin")
    tokyo = read("thunderbird-latin1-no-charset.ics", tz="Asia/Tokyo")
    # 15:00 floating: 14:00 UTC read in Berlin (CET), 06:00 UTC read in Tokyo.
    assert [m.start.hour for m in berlin.meetings][:1] == [14]
    assert len(berlin.meetings) == len(tokyo.meetings) == 4
    for b, t in zip(berlin.meetings, tokyo.meetings, strict=True):
        assert b.floating and b.start - t.start == timedelta(hours=8)


def test_latin1_bytes_without_a_charset_keep_their_letters() -> None:
    titles = {m.title for m in read("thunderbird-latin1-no-charset.ics").meetings}
    assert "Event Två" in titles


def test_daylight_saving_keeps_the_wall_clock_time_of_a_weekly_series() -> None:
    # America/Chicago weekly at 10:15 local: 15:15 UTC in summer time, 16:15 after 1 Nov 2020.
    starts = sorted(
        m.start for m in read("google-dst-weekly-exdate.ics").meetings if m.uid == "2ohv@google.com"
    )
    assert starts[0] == utc(2020, 9, 29, 15, 15)
    after = [s for s in starts if s > utc(2020, 11, 2)]
    assert after[0].hour == 16 and after[0].minute == 15
    assert {s.hour for s in starts if utc(2021, 4, 1) < s < utc(2021, 10, 1)} == {15}


def test_exdates_remove_occurrences_from_a_series() -> None:
    # Apple iCal: daily COUNT=7 from 1 Jan 2006 with two EXDATEs → five occurrences.
    reading = read("apple-ical-2.0-exdate.ics")
    assert len(reading.meetings) == 5
    days = [m.start.astimezone(UTC).day for m in reading.meetings]
    assert len(set(days)) == 5


def test_a_moved_occurrence_keeps_its_recurrence_id_and_has_its_new_time() -> None:
    reading = read("google-moved-occurrence-recurrence-id-first.ics")
    moved = [m for m in reading.meetings if m.recurrence_id == "20211231T203000Z"]
    assert len(moved) == 1
    assert moved[0].start == utc(2021, 12, 17, 20, 30)  # moved two weeks earlier
    # the original slot is not also kept
    assert not [m for m in reading.meetings if m.start == utc(2021, 12, 31, 20, 30)]


def test_a_recurrence_id_in_utc_against_a_zoned_master_is_one_occurrence() -> None:
    # khal: master TZID=Europe/Berlin 07:00, overrides with RECURRENCE-ID in UTC (05:00Z).
    reading = read("khal-recurrence-id-utc-cancelled.ics")
    ids = [m.recurrence_id for m in reading.meetings]
    assert len(ids) == len(set(ids))
    by_id = {m.recurrence_id: m for m in reading.meetings}
    assert by_id["20140707T050000Z"].start == utc(2014, 7, 7, 7, 0)  # moved to 09:00 Berlin
    assert by_id["20140714T050000Z"].cancelled
    assert not by_id["20140630T050000Z"].cancelled


def test_a_cancelled_occurrence_is_read_as_cancelled() -> None:
    reading = read("thunderbird-cancelled-occurrence.ics")
    assert [m.cancelled for m in reading.meetings] == [False, True, False]


def test_method_cancel_cancels_the_event_and_a_startless_cancel_cancels_the_series() -> None:
    assert only(read("evolution-method-cancel.ics")).cancelled
    assert "invite" in read("evolution-method-cancel.ics").cancelled_series
    series = read("thunderbird-method-cancel-recurring.ics")
    assert series.meetings == () and series.cancelled_series == {"02e79b96"}
    assert series.problems == ()


def test_a_reply_is_not_a_cancellation() -> None:
    reading = read("evolution-method-reply.ics")
    assert not only(reading).cancelled and reading.cancelled_series == frozenset()


def test_attendees_with_and_without_names_and_their_partstat() -> None:
    meeting = only(read("khal-attendees-partstat-declined-no-cn.ics"))
    people = {(p.email, p.name): p.status for p in meeting.attendees}
    assert people[("jdoe@example.com", "Jane Doe")] == "ACCEPTED"
    assert ("jqpublic@example.com", None) in people  # no CN: the address alone
    declined = [p for p in meeting.attendees if p.declined]
    assert declined, people


def test_quoted_and_uppercase_mailto_addresses_are_read() -> None:
    meeting = only(read("blackberry-request-allday-quoted-cn.ics"))
    emails = {p.email for p in meeting.people()}
    assert "rembrand@xs4all.nl" in emails
    assert meeting.all_day


def test_a_cn_that_only_repeats_the_address_is_not_a_name() -> None:
    reading = read("zimbra-recurring-exceptions-attendees.ics")
    for meeting in reading.meetings:
        for person in meeting.people():
            assert person.name is None or "@" not in person.name


def test_the_organizer_is_read_and_listed_once_among_the_people() -> None:
    meeting = only(read("exchange-2010-blank-tzid.ics"))
    assert meeting.organizer is not None and meeting.organizer.email == "roberts@company.com"
    assert [p.email for p in meeting.people()].count("roberts@company.com") == 1


@pytest.mark.parametrize(
    ("fixture", "provider", "prefix"),
    [
        ("google-meet-invite-request.ics", "meet", "https://meet.google.com/pyb-ndcu-hhc"),
        (
            "exchange-teams-invite-request-fle-tz.ics",
            "teams",
            "https://teams.microsoft.com/l/meetup-join/",
        ),
        (
            "google-weekly-zoom-link-in-html-description.ics",
            "zoom",
            "https://videoconf-colibri.zoom.us/j/93800310242",
        ),
        ("thunderbird-exchange-teams-windows-tzid-exdate.ics", "teams", ""),
    ],
    ids=["meet-in-description", "teams-property", "zoom-in-html", "teams-named-in-location"],
)
def test_video_links(fixture: str, provider: str, prefix: str) -> None:
    meeting = read(fixture).meetings[0]
    assert meeting.video is not None
    assert meeting.video.provider == provider
    assert meeting.video.url.startswith(prefix)
    assert "&amp;" not in meeting.video.url


def test_no_video_link_in_an_in_person_meeting() -> None:
    assert only(read("exchange-2010-blank-tzid.ics")).video is None


def test_all_day_events_are_marked_and_start_at_local_midnight() -> None:
    reading = read("nextcloud-calendar-allday-recurrence-id.ics", tz="Europe/Berlin")
    assert reading.meetings and all(m.all_day for m in reading.meetings)
    assert reading.meetings[0].start == utc(2022, 10, 12, 22, 0)
    assert reading.meetings[0].recurrence_id == "20221013"


@pytest.mark.parametrize(
    ("fixture", "why"),
    [
        ("broken-rrule-until-missing.ics", "UNTIL"),
        ("exchange-cdo-request-custom-tzid-bad-byday.ics", "UNTIL"),
        ("google-contacts-birthdays-calendar.ics", "RDATE"),
    ],
)
def test_a_bad_event_is_reported_and_the_rest_still_read(fixture: str, why: str) -> None:
    reading = read(fixture)
    assert reading.problems and why in reading.problems[0].reason
    if fixture.startswith("google-contacts"):
        assert len(reading.meetings) == 3  # the other birthdays


def test_a_broken_empty_exdate_does_not_stop_the_read() -> None:
    reading = read("google-broken-empty-exdate.ics")
    assert len(reading.meetings) == 20


def test_the_window_bounds_a_daily_series() -> None:
    reading = read(
        "outlook-11-daily-standup-windows-tz-name.ics",
        start=utc(2010, 1, 4),
        end=utc(2010, 1, 11),
    )
    assert len(reading.meetings) == 5  # weekdays only
    assert all(utc(2010, 1, 4) <= m.start < utc(2010, 1, 11) for m in reading.meetings)
    assert len({m.recurrence_id for m in reading.meetings}) == 5


def test_an_empty_calendar_with_a_bom_has_no_meetings() -> None:
    reading = read("utf8-bom-empty-calendar.ics")
    assert reading.meetings == () and reading.problems == ()


def test_trailing_junk_after_the_calendar_is_ignored() -> None:
    assert only(read("podio-tab-folding-trailing-junk.ics")).title.startswith("Termin 4353")


def test_a_google_calendar_name_is_read() -> None:
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-CALNAME:ana@example.com\r\n"
        "X-WR-TIMEZONE:Europe/Lisbon\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20240701T100000\r\n"
        "SUMMARY:Floating in Lisbon\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    reading = read_calendar(text, **WIDE)
    assert reading.name == "ana@example.com"
    assert only(reading).start == utc(2024, 7, 1, 9, 0)  # WEST, from X-WR-TIMEZONE


@pytest.mark.parametrize(
    "body",
    [b"", b"<html><body>Sign in</body></html>", b'{"error": "not found"}', b"\x00\xff" * 50],
    ids=["empty", "html", "json", "binary"],
)
def test_what_is_not_a_calendar_at_all_is_one_clear_error(body: bytes) -> None:
    with pytest.raises(UnreadableCalendarError, match="iCalendar"):
        read_calendar(body, **WIDE)


def test_one_garbled_event_among_good_ones_costs_only_itself() -> None:
    good = (
        "BEGIN:VEVENT\r\nUID:good-{n}\r\nDTSTART:2024070{n}T100000Z\r\nSUMMARY:ok\r\nEND:VEVENT\r\n"
    )
    bad = "BEGIN:VEVENT\r\nUID:bad\r\nDTSTART:not-a-date\r\nSUMMARY:bad\r\nEND:VEVENT\r\n"
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        + good.format(n=1)
        + bad
        + good.format(n=2)
        + "END:VCALENDAR\r\n"
    )
    reading = read_calendar(text, **WIDE)
    assert [m.uid for m in reading.meetings] == ["good-1", "good-2"]
    assert [p.uid for p in reading.problems] == ["bad"]


def test_an_event_without_a_uid_is_named_the_same_on_every_read() -> None:
    first = only(read("outlook-non-ascii-windows-tzid.ics"))
    again = only(read("outlook-non-ascii-windows-tzid.ics"))
    assert first.uid == again.uid and first.uid.startswith("no-uid-")


def test_meetings_are_immutable() -> None:
    meeting = only(read("evolution-method-reply.ics"))
    with pytest.raises(AttributeError):
        meeting.title = "changed"  # type: ignore[misc]


def test_a_naive_window_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        read_calendar(b"BEGIN:VCALENDAR", start=datetime(2020, 1, 1), end=datetime(2021, 1, 1))  # noqa: DTZ001


def test_a_fastmail_caldav_object_with_a_duration_and_a_cyrus_time_zone() -> None:
    # 12:45 in Prague (CET) on 5 December 2025, for three hours (DURATION, no DTEND).
    meeting = only(read("fastmail-caldav-cyrus-duration-prague.ics", tz="Asia/Tokyo"))
    assert (meeting.title, meeting.start, meeting.end) == (
        "Test",
        utc(2025, 12, 5, 11, 45),
        utc(2025, 12, 5, 14, 45),
    )
    assert not meeting.all_day and not meeting.floating and meeting.people() == ()
