"""`calendar import`: meetings that happened with people outside the team become interactions
for the calendar's owner, once each, and follow the calendar when it changes."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.calendars import UnreadableCalendarError
from bot.domain.errors import NotFoundError, UserInputError
from bot.domain.refs import Actor
from tests.calendar.conftest import (
    ANA,
    BOB,
    JANE,
    ME,
    NOW,
    OTHER,
    PRIYA,
    RAJ,
    STRANGER,
    TEAMMATE,
    Person,
    World,
    calendar,
    days_ago,
    event,
)

ICS = Path(__file__).resolve().parents[1] / "fixtures" / "ics"


def timeline(world: World, name: str, actor: Actor = ANA) -> list[tuple[str, datetime, str | None]]:
    card = world.app.recall.card(actor=actor, name=name)
    return [(e.text, e.occurred_at, e.kind) for e in card.timeline]


def test_a_past_meeting_with_a_contact_is_an_interaction_dated_at_its_start(world: World) -> None:
    start = days_ago(3, hour=14)
    summary = world.import_ics(calendar(event("m1", start, title="Pricing review")))
    assert (summary.added, summary.meetings_read) == (1, 1)
    assert [c.display_name for c in summary.contacts] == ["Jane Doe"]
    assert timeline(world, "Jane Doe") == [("Pricing review", start, "meeting")]
    standing = world.app.standing.contact(actor=ANA, name="Jane Doe")
    assert standing.last_at == start and standing.last_kind == "meeting"
    assert (standing.label, standing.why.split(";")[0]) == ("new", "first met 2 days ago")


def test_reimporting_the_same_file_changes_nothing(world: World) -> None:
    data = calendar(event("m1", days_ago(3)), event("m2", days_ago(10), people=(ME, RAJ)))
    first = world.import_ics(data)
    again = world.import_ics(data)
    assert (first.added, first.unchanged) == (2, 0)
    assert (again.added, again.moved, again.unchanged, again.removed) == (0, 0, 2, 0)
    assert len(timeline(world, "Jane Doe")) == 1 and len(timeline(world, "Raj Patel")) == 1


def test_a_moved_event_moves_its_interaction(world: World) -> None:
    world.import_ics(calendar(event("m1", days_ago(3))))
    moved = world.import_ics(calendar(event("m1", days_ago(5), title="Catch-up (moved)")))
    assert (moved.added, moved.moved) == (0, 1)
    assert timeline(world, "Jane Doe") == [("Catch-up (moved)", days_ago(5), "meeting")]


def test_a_moved_event_that_now_has_another_contact_moves_to_them(world: World) -> None:
    world.import_ics(calendar(event("m1", days_ago(3))))
    world.import_ics(calendar(event("m1", days_ago(3), people=(ME, RAJ))))
    assert timeline(world, "Jane Doe") == []
    assert len(timeline(world, "Raj Patel")) == 1


def test_a_cancelled_event_removes_its_interaction(world: World) -> None:
    world.import_ics(calendar(event("m1", days_ago(3))))
    gone = world.import_ics(calendar(event("m1", days_ago(3), status="CANCELLED")))
    assert gone.removed == 1
    assert timeline(world, "Jane Doe") == []
    # and it comes back if the meeting is reinstated
    back = world.import_ics(calendar(event("m1", days_ago(3))))
    assert back.added == 1 and len(timeline(world, "Jane Doe")) == 1


def test_a_meeting_the_owner_declined_is_not_an_interaction(world: World) -> None:
    declined = Person(ME.email, ME.name, partstat="DECLINED")
    world.import_ics(calendar(event("m1", days_ago(3))))
    summary = world.import_ics(
        calendar(event("m1", days_ago(3), people=(declined, JANE), organizer=JANE))
    )
    assert summary.removed == 1 and timeline(world, "Jane Doe") == []


def test_an_attendee_who_declined_did_not_meet_the_owner(world: World) -> None:
    no = Person(JANE.email, JANE.name, partstat="DECLINED")
    summary = world.import_ics(calendar(event("m1", days_ago(3), people=(ME, no, RAJ))))
    assert [c.display_name for c in summary.contacts] == ["Raj Patel"]
    assert timeline(world, "Jane Doe") == []


def test_teammates_only_meetings_are_ignored_even_when_a_teammate_is_a_contact(
    world: World, tmp_path: Path
) -> None:
    world.contacts(
        tmp_path, "BEGIN:VCARD\nVERSION:3.0\nFN:Carl Berg\nEMAIL:carl@acme.com\nEND:VCARD\n"
    )
    summary = world.import_ics(calendar(event("m1", days_ago(2), people=(ME, TEAMMATE))))
    assert (summary.added, summary.skipped_internal) == (0, 1)
    assert summary.owner_email == "ana@acme.com"  # from Google's X-WR-CALNAME
    assert timeline(world, "Carl Berg") == []


def test_a_teammate_by_workspace_user_name_is_not_external(world: World) -> None:
    world.app.notes.log(actor=BOB, text="met Raj Patel for coffee")  # Bob is a workspace user
    bob = Person(None, "Bob Stone")
    summary = world.import_ics(calendar(event("m1", days_ago(2), people=(ME, bob))))
    assert summary.skipped_internal == 1 and summary.new_people == ()


def test_a_video_link_makes_a_video_call(world: World) -> None:
    link = "DESCRIPTION:Join: https://us02web.zoom.us/j/812345?pwd=abc&amp;x=1 thanks."
    world.import_ics(calendar(event("m1", days_ago(1), extra=link)))
    [(text, _, kind)] = timeline(world, "Jane Doe")
    assert kind == "video call" and text == "Catch-up"


def test_a_future_meeting_is_filed_once_it_has_happened(world: World) -> None:
    data = calendar(event("m1", NOW + timedelta(hours=2)))
    early = world.import_ics(data)
    assert (early.added, early.skipped_future) == (0, 1)
    world.later(hours=3)
    assert world.import_ics(data).added == 1


def test_a_meeting_in_progress_is_not_filed_yet(world: World) -> None:
    summary = world.import_ics(calendar(event("m1", NOW - timedelta(minutes=10), minutes=60)))
    assert summary.skipped_future == 1 and summary.added == 0


def test_external_people_who_are_not_contacts_are_offered_not_added(world: World) -> None:
    summary = world.import_ics(
        calendar(
            event("m1", days_ago(1), people=(ME, JANE, STRANGER)),
            event("m2", days_ago(8), people=(ME, STRANGER, Person("lee@hooli.com"))),
            event("m3", days_ago(9), people=(ME, Person("kim@wayne.com", "Kim Wu"))),
        )
    )
    assert [(p.label, p.meetings) for p in summary.new_people] == [
        ("Sam Vega", 2),
        ("Kim Wu", 1),
        ("lee@hooli.com", 1),
    ]
    assert summary.new_people[0].last_met == days_ago(1)
    assert summary.added == 1 and summary.skipped_no_contact == 2
    with pytest.raises(NotFoundError):
        world.app.recall.card(actor=ANA, name="Sam Vega")


def test_contacts_are_matched_by_address_first_then_by_exact_name(world: World) -> None:
    # Priya's contact has no address: her name finds her. A "Jane Doe" at another address is
    # someone else with the same name; "Jane Do" is not a near miss to guess at.
    other_jane = Person("jane@elsewhere.net", "Jane Doe")
    near = Person("jd@somewhere.org", "Jane Do")
    summary = world.import_ics(
        calendar(
            event("m1", days_ago(2), people=(ME, PRIYA)),
            event("m2", days_ago(3), people=(ME, other_jane)),
            event("m3", days_ago(4), people=(ME, near)),
        )
    )
    assert [c.display_name for c in summary.contacts] == ["Priya Nair"]
    assert {p.email for p in summary.new_people} == {"jane@elsewhere.net", "jd@somewhere.org"}
    assert timeline(world, "Jane Doe") == []


def test_an_alias_matches_a_name_without_an_address(world: World) -> None:
    world.app.contacts.add_alias(actor=ANA, name="Priya Nair", alias="PN")
    summary = world.import_ics(calendar(event("m1", days_ago(2), people=(ME, Person(None, "PN")))))
    assert [c.display_name for c in summary.contacts] == ["Priya Nair"]


def test_a_nickname_two_contacts_go_by_matches_neither(world: World) -> None:
    world.app.notes.log(actor=ANA, text="coffee with Paul Nguyen")
    world.app.contacts.add_alias(actor=ANA, name="Priya Nair", alias="PN")
    world.app.contacts.add_alias(actor=ANA, name="Paul Nguyen", alias="PN")
    summary = world.import_ics(calendar(event("m1", days_ago(2), people=(ME, Person(None, "PN")))))
    assert summary.contacts == ()


def test_one_meeting_with_two_contacts_is_one_interaction_with_both(world: World) -> None:
    world.import_ics(calendar(event("m1", days_ago(2), people=(ME, JANE, RAJ, TEAMMATE))))
    assert len(timeline(world, "Jane Doe")) == 1
    card = world.app.recall.card(actor=ANA, name="Raj Patel")
    assert (
        card.timeline[0].note_id
        == world.app.recall.card(actor=ANA, name="Jane Doe").timeline[0].note_id
    )


def test_a_weekly_series_files_each_past_occurrence_and_follows_its_exceptions(
    world: World,
) -> None:
    first = days_ago(21, hour=8)  # today's is at 08:00-08:30, before NOW (09:00)
    series = event("s1", first, title="Weekly sync", people=(ME, RAJ), rrule="FREQ=WEEKLY;COUNT=5")
    summary = world.import_ics(calendar(series))
    assert summary.added == 4 and summary.skipped_future == 1  # the 5th is next week
    assert [d for _, d, _ in timeline(world, "Raj Patel")] == [
        first + timedelta(weeks=3),
        first + timedelta(weeks=2),
        first + timedelta(weeks=1),
        first,
    ]
    # One occurrence excluded, one moved a day later.
    exdate = f"EXDATE:{(first + timedelta(weeks=1)).strftime('%Y%m%dT%H%M%SZ')}"
    series2 = event(
        "s1",
        first,
        title="Weekly sync",
        people=(ME, RAJ),
        rrule="FREQ=WEEKLY;COUNT=5",
        extra=exdate,
    )
    moved = event(
        "s1",
        first + timedelta(weeks=2, days=1),
        title="Weekly sync (moved)",
        people=(ME, RAJ),
        recurrence_id=first + timedelta(weeks=2),
    )
    again = world.import_ics(calendar(series2, moved))
    assert (again.removed, again.moved, again.unchanged) == (1, 1, 2)
    assert timeline(world, "Raj Patel") == [
        ("Weekly sync", first + timedelta(weeks=3), "meeting"),
        ("Weekly sync (moved)", first + timedelta(weeks=2, days=1), "meeting"),
        ("Weekly sync", first, "meeting"),
    ]


def test_a_series_cancelled_whole_removes_every_occurrence(world: World) -> None:
    first = days_ago(21, hour=16)
    world.import_ics(calendar(event("s1", first, people=(ME, RAJ), rrule="FREQ=WEEKLY;COUNT=3")))
    cancel = (
        "BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20261124T090000Z\r\nSTATUS:CANCELLED\r\n"
        "SUMMARY:Catch-up\r\nEND:VEVENT\r\n"
    )
    summary = world.import_ics(calendar(cancel, method="CANCEL"))
    assert summary.removed == 3 and timeline(world, "Raj Patel") == []


def test_the_title_is_private_to_the_owner_by_default(world: World) -> None:
    world.import_ics(calendar(event("m1", days_ago(2), title="Acquisition talks")))
    assert [h.text for h in world.app.recall.recall(actor=ANA, query="acquisition").hits] == [
        "Acquisition talks"
    ]
    assert world.app.recall.recall(actor=BOB, query="acquisition").hits == ()
    # Bob never sees the meeting: Jane, known to him only through Ana's private meeting, may not
    # even exist for him (authority follows visibility); if she does, her timeline is empty.
    with contextlib.suppress(NotFoundError):
        assert timeline(world, "Jane Doe", actor=BOB) == []


def test_the_owner_can_share_titles_with_the_team(world: World) -> None:
    world.import_ics(calendar(event("m1", days_ago(2), title="Kickoff")), private=False)
    assert [t for t, _, _ in timeline(world, "Jane Doe", actor=BOB)] == ["Kickoff"]
    # the choice is kept on the calendar: the next import shares too, and can be taken back
    world.import_ics(calendar(event("m2", days_ago(1), title="Follow-up")))
    assert len(timeline(world, "Jane Doe", actor=BOB)) == 2
    world.import_ics(calendar(event("m2", days_ago(1), title="Follow-up")), private=True)
    assert [t for t, _, _ in timeline(world, "Jane Doe", actor=BOB)] == ["Kickoff"]


def test_a_meeting_resets_the_cadence(world: World) -> None:
    world.app.notes.log(actor=ANA, text="coffee with Jane Doe", at=NOW - timedelta(days=40))
    world.app.cadences.set_cadence(actor=ANA, target="Jane Doe", every_days=30)
    before = {i.contact.display_name for i in world.app.due.due(actor=ANA).items}
    world.import_ics(calendar(event("m1", days_ago(2))))
    after = {i.contact.display_name for i in world.app.due.due(actor=ANA).items}
    assert "Jane Doe" in before and "Jane Doe" not in after


def test_an_interaction_the_owner_deleted_is_not_filed_again(world: World) -> None:
    world.app.notes.log(actor=ANA, text="lunch with Jane Doe", at=NOW - timedelta(days=20))
    world.import_ics(calendar(event("m1", days_ago(2))))
    [meeting] = [
        e
        for e in world.app.recall.card(actor=ANA, name="Jane Doe").timeline
        if e.text == "Catch-up"
    ]
    world.app.notes.undo(actor=ANA, note_id=meeting.note_id)
    again = world.import_ics(calendar(event("m1", days_ago(2))))
    assert (again.added, again.kept_deleted) == (0, 1)
    assert [t for t, _, _ in timeline(world, "Jane Doe")] == ["lunch with Jane Doe"]
    # a new note later taking a freed id is not mistaken for the deleted meeting
    world.app.notes.log(actor=ANA, text="call with Raj Patel")
    assert world.import_ics(calendar(event("m1", days_ago(2)))).added == 0


def test_each_owner_has_their_own_interaction_for_a_shared_meeting(world: World) -> None:
    data = calendar(
        event("m1", days_ago(2), people=(ME, Person("bob@acme.com", "Bob Stone"), JANE))
    )
    world.import_ics(data)
    world.import_ics(data, actor=BOB, me="bob@acme.com")
    assert len(timeline(world, "Jane Doe", actor=ANA)) == 1
    assert len(timeline(world, "Jane Doe", actor=BOB)) == 1


def test_workspaces_never_cross(world: World, tmp_path: Path) -> None:
    (tmp_path / "t2").mkdir()
    world.contacts(tmp_path / "t2", actor=OTHER)
    world.import_ics(calendar(event("m1", days_ago(2))))
    assert timeline(world, "Jane Doe", actor=OTHER) == []
    summary = world.import_ics(calendar(event("m1", days_ago(2))), actor=OTHER, me="zed@zz.com")
    assert summary.added == 1
    assert len(timeline(world, "Jane Doe", actor=ANA)) == 1


def test_without_the_owners_address_contacts_still_count(world: World) -> None:
    data = calendar(event("m1", days_ago(2), people=(ME, JANE, TEAMMATE)), name="Work")
    summary = world.import_ics(data)
    assert summary.owner_email is None and summary.added == 1
    # Ana is known by her name as a workspace user; Carl is offered, since nothing says he is
    # a teammate
    assert {p.email for p in summary.new_people} == {"carl@acme.com"}
    # once she says who she is, her colleagues are not offered again
    told = world.import_ics(data, me="Ana@Acme.com")
    assert told.owner_email == "ana@acme.com" and told.new_people == ()


def test_a_public_mail_domain_is_not_a_team(world: World, tmp_path: Path) -> None:
    world.contacts(
        tmp_path, "BEGIN:VCARD\nVERSION:3.0\nFN:Lena Ko\nEMAIL:lena@gmail.com\nEND:VCARD\n"
    )
    me = Person("ana.lima@gmail.com", "Ana Lima")
    lena = Person("lena@gmail.com", "Lena Ko")
    summary = world.import_ics(
        calendar(event("m1", days_ago(2), people=(me, lena)), name="ana.lima@gmail.com")
    )
    assert [c.display_name for c in summary.contacts] == ["Lena Ko"]


def test_one_bad_event_is_reported_and_the_rest_filed(world: World) -> None:
    bad = (
        "BEGIN:VEVENT\r\nUID:bad\r\nDTSTART:20261120T1000\r\nSUMMARY:broken\r\n"
        "RRULE:FREQ=WEEKLY;UNTL=x\r\nEND:VEVENT\r\n"
    )
    summary = world.import_ics(calendar(event("m1", days_ago(2)), bad))
    assert summary.added == 1
    assert [p.uid for p in summary.problems] == ["bad"]


def test_what_is_not_a_calendar_is_refused_and_nothing_is_written(world: World) -> None:
    with pytest.raises(UnreadableCalendarError):
        world.import_ics(b"<html>Sign in to continue</html>")
    assert world.app.meetings.import_file(actor=ANA, data=calendar()).added == 0


def test_an_address_that_is_not_one_is_refused(world: World) -> None:
    with pytest.raises(UserInputError, match="not an email address"):
        world.import_ics(calendar(event("m1", days_ago(2))), me="ana at acme")


def test_a_real_khal_export_matches_by_address(world: World, tmp_path: Path) -> None:
    world.contacts(
        tmp_path,
        "BEGIN:VCARD\nVERSION:3.0\nFN:John Q Public\nEMAIL:JQPublic@example.com\nEND:VCARD\n",
    )
    summary = world.import_ics(
        (ICS / "khal-attendees-partstat-declined-no-cn.ics").read_bytes(),
        since=datetime(2014, 1, 1, tzinfo=UTC),
    )
    assert [c.display_name for c in summary.contacts] == ["John Q Public"]
    assert timeline(world, "John Q Public") == [
        ("An Event", datetime(2014, 4, 9, 7, 30, tzinfo=UTC), "meeting")
    ]


def test_a_real_google_meet_invite_is_a_video_call(world: World, tmp_path: Path) -> None:
    world.contacts(
        tmp_path, "BEGIN:VCARD\nVERSION:3.0\nFN:Homer Simpson\nEMAIL:homer@example.com\nEND:VCARD\n"
    )
    summary = world.import_ics(
        (ICS / "google-meet-invite-request.ics").read_bytes(),
        since=datetime(2021, 1, 1, tzinfo=UTC),
        me="example@gmail.com",
    )
    assert summary.added == 1
    [(_, at, kind)] = timeline(world, "Homer Simpson")
    assert kind == "video call" and at == datetime(2021, 3, 22, 9, 30, tzinfo=UTC)


def test_a_real_recurring_export_with_a_cancelled_occurrence(world: World, tmp_path: Path) -> None:
    # Thunderbird daily series, one occurrence STATUS:CANCELLED: nobody on it, so nothing is
    # filed, but it reads without a problem and counts as internal (no attendees at all).
    summary = world.import_ics(
        (ICS / "thunderbird-cancelled-occurrence.ics").read_bytes(),
        since=datetime(2020, 1, 1, tzinfo=UTC),
    )
    assert summary.problems == () and summary.added == 0 and summary.meetings_read == 3


@pytest.mark.parametrize(
    "thing",
    [
        Person("c_1889abc@resource.calendar.google.com", "Room 4.01 (8)", cutype="RESOURCE"),
        Person("c_1889abc@resource.calendar.google.com", "Room 4.01 (8)"),  # no CUTYPE: by domain
        Person("boardroom@globex.com", "Boardroom", cutype="ROOM"),
        Person("sales-team@globex.com", "Globex sales", cutype="GROUP"),
        Person("abc123@group.calendar.google.com", "Team holidays"),
    ],
    ids=["google-room", "google-room-no-cutype", "room", "mailing-list", "shared-calendar"],
)
def test_rooms_and_lists_are_not_people_met(world: World, thing: Person) -> None:
    summary = world.import_ics(calendar(event("m1", days_ago(2), people=(ME, TEAMMATE, thing))))
    assert summary.new_people == () and summary.skipped_internal == 1
    # beside a contact, the meeting is still one with that contact
    summary = world.import_ics(calendar(event("m2", days_ago(3), people=(ME, thing, JANE))))
    assert summary.added == 1 and summary.new_people == ()


def test_an_organizer_listed_again_as_a_declining_attendee_declined(world: World) -> None:
    # Jane organised it, then declined her own meeting: nobody from outside was there.
    no = Person(JANE.email, None, partstat="DECLINED")
    summary = world.import_ics(calendar(event("m1", days_ago(2), people=(ME, no), organizer=JANE)))
    assert summary.added == 0 and timeline(world, "Jane Doe") == []


def test_the_add_new_people_setting_makes_named_outsiders_contacts(world: World) -> None:
    lee = Person("lee@hooli.com")  # no name: not a contact to make
    data = calendar(
        event("m1", days_ago(2), people=(ME, STRANGER, lee)),
        event("m2", days_ago(9), people=(ME, STRANGER, TEAMMATE)),
    )
    summary = world.import_ics(data, add_new=True)
    assert [c.display_name for c in summary.created_contacts] == ["Sam Vega"]
    assert summary.added == 2 and [p.email for p in summary.new_people] == ["lee@hooli.com"]
    assert [t for t, _, _ in timeline(world, "Sam Vega")] == ["Catch-up", "Catch-up"]
    # the contact has the address, so the next read matches it without creating another
    again = world.import_ics(data)
    assert again.created_contacts == () and again.unchanged == 2
    # the setting is kept on the calendar until it is turned off
    later = world.import_ics(
        calendar(event("m3", days_ago(1), people=(ME, Person("kim@wayne.com", "Kim Wu"))))
    )
    assert [c.display_name for c in later.created_contacts] == ["Kim Wu"]
    off = world.import_ics(
        calendar(event("m4", days_ago(1), people=(ME, Person("al@acme.org", "Al Ng")))),
        add_new=False,
    )
    assert off.created_contacts == () and [p.label for p in off.new_people] == ["Al Ng"]


def test_adding_new_people_never_duplicates_a_contact_by_name(world: World) -> None:
    # Priya is a contact without an address: her name finds her; no second Priya is made.
    summary = world.import_ics(calendar(event("m1", days_ago(2), people=(ME, PRIYA))), add_new=True)
    assert summary.created_contacts == () and [c.display_name for c in summary.contacts] == [
        "Priya Nair"
    ]
