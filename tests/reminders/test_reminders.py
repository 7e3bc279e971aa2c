"""Reminders end to end over a real database (SQLite and PostgreSQL): set up a story, tick with a
fixed clock, and read the DMs the in-memory notifier received."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import AmbiguousNameError, NotFoundError
from tests.reminders.world import World

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_cadence_counts_from_the_last_interaction_not_from_when_it_was_set(
    world: World,
) -> None:
    world.note("ana", "coffee with Jane", about=("Jane Doe",), days_ago=45)
    world.cadence("ana", "Jane Doe", 30)
    # Set on Wednesday 10:00 UTC: Jane is 15 days overdue, so she comes in Thursday's digest.
    assert world.tick().sent == 0
    world.later(hours=23)  # Thursday 09:00
    report = world.tick()
    assert report.sent == 1
    assert world.keys_sent("ana") == [f"stay_in_touch:contact:{world.contacts['Jane Doe']}"]
    (dm,) = world.notifier.sent
    assert dm.text == (
        "Your reminders for Thu 5 Mar 2026: Time to get back in touch with Jane Doe: "
        "you last spoke 7 weeks ago (every 30 days)."
    )
    assert world.tick().sent == 0  # once


def test_logging_an_interaction_pushes_the_next_nudge_out(world: World) -> None:
    world.note("ana", "coffee with Jane", about=("Jane Doe",), days_ago=25)
    world.cadence("ana", "Jane Doe", 30)
    world.later(days=4)  # Sunday: due on Monday 9:00
    world.note("ana", "lunch with Jane", about=("Jane Doe",))
    world.later(days=1, hours=-1)  # Monday 09:00
    assert world.tick().sent == 0
    world.later(days=28)  # Mon 6 Apr: not yet
    assert world.tick().sent == 0
    world.later(days=1)  # Tue 7 Apr 09:00: 30 calendar days after Sunday's lunch
    assert world.tick().sent == 1


def test_never_in_touch_is_due_at_the_next_slot(world: World) -> None:
    world.cadence("ana", "Jane Doe", 30)
    world.later(hours=23)
    assert world.tick().sent == 1


def test_teammates_interactions_are_shown_as_context(world: World) -> None:
    world.note("ana", "coffee", about=("Jane Doe",), days_ago=40)
    world.note("bob", "dinner with Jane", about=("Jane Doe",), days_ago=3, kind="dinner")
    world.note("cy", "secret", about=("Jane Doe",), days_ago=1, visibility="private")
    world.cadence("ana", "Jane Doe", 30)
    world.later(hours=23)
    world.tick()
    (dm,) = world.notifier.sent
    text = str(dm.blocks)
    assert "Bob logged dinner with them on Sun 1 Mar 2026" in text
    assert "Cy" not in text


def test_tag_cadence_is_a_default_and_a_contact_cadence_wins(world: World) -> None:
    world.note("ana", "call #investors", about=("Vera Venture",), days_ago=100, tags=("investors",))
    world.note("bob", "met #investors", about=("Ian Investor",), days_ago=200, tags=("investors",))
    world.note("ana", "call", about=("Ian Investor",), days_ago=100)
    world.cadence("ana", "#investors", 91)
    world.cadence("ana", "Ian Investor", 365)
    world.later(hours=23)
    world.tick()
    assert world.keys_sent() == [f"stay_in_touch:contact:{world.contacts['Vera Venture']}"]
    # A contact tagged later joins the tag's cadence on the next expansion.
    world.note("bob", "intro #investors", about=("Nia New",), days_ago=300, tags=("investors",))
    world.later(days=1, hours=2)  # Friday 11:00: the hourly expansion finds her
    world.tick()
    world.at(datetime(2026, 3, 9, 9, 0, tzinfo=UTC))  # Monday
    world.tick()
    assert f"stay_in_touch:contact:{world.contacts['Nia New']}" in world.keys_sent()


def test_a_tag_only_in_someone_elses_private_note_puts_nobody_under_your_tag_cadence(
    world: World,
) -> None:
    # Bob's private "#investors" about Priya must not show Ana that Priya is tagged: no nudge.
    world.note(
        "bob",
        "met Priya #investors",
        about=("Priya Nair",),
        days_ago=100,
        visibility="private",
        tags=("investors",),
    )
    world.note(
        "cy", "dinner #investors", about=("Vera Venture",), days_ago=100, tags=("investors",)
    )
    world.contact("Tom Tagged", tags=("investors",))  # a tag no note carries any more
    world.cadence("ana", "#investors", 30)
    world.cadence("bob", "#investors", 30)
    world.later(hours=23)
    world.tick()
    priya, vera = world.contacts["Priya Nair"], world.contacts["Vera Venture"]
    assert world.keys_sent("ana") == [f"stay_in_touch:contact:{vera}"]
    assert sorted(world.keys_sent("bob")) == sorted(
        [f"stay_in_touch:contact:{priya}", f"stay_in_touch:contact:{vera}"]
    )
    # Once a note Ana may see tags Priya, the sweep brings her under Ana's cadence.
    world.note("cy", "Priya #investors", about=("Priya Nair",), days_ago=60, tags=("investors",))
    world.later(days=1)  # Friday
    world.tick()
    assert f"stay_in_touch:contact:{priya}" in world.keys_sent("ana")


def test_snooze_moves_the_nudge_and_stop_ends_it(world: World) -> None:
    world.cadence("ana", "Jane Doe", 30)
    view = world.app.cadences.snooze_text(actor=world.actor("ana"), text="Jane Doe 1w")
    assert view.until == datetime(2026, 3, 11, 0, 0, tzinfo=UTC)
    world.later(hours=23)
    assert world.tick().sent == 0
    world.at(datetime(2026, 3, 11, 9, 0, tzinfo=UTC))
    assert world.tick().sent == 1
    key = world.keys_sent()[0]
    world.app.reminder_buttons.stop(actor=world.actor("ana"), key=key)
    world.later(days=60)
    assert world.tick().sent == 0


def test_an_ignored_nudge_comes_back_after_a_week_not_every_day(world: World) -> None:
    world.cadence("ana", "Jane Doe", 30)
    world.later(hours=23)
    assert world.tick().sent == 1
    for _ in range(6):
        world.later(days=1)
        assert world.tick().sent == 0
    world.later(days=1)
    assert world.tick().sent == 1


def test_loops_remind_on_their_due_day_or_after_a_week_and_closed_ones_never(
    world: World,
) -> None:
    friday = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
    deck = world.loop("ana", "Raj Patel", "the pricing deck", due=friday)
    contract = world.loop("ana", "Priya Nair", "the signed contract", direction="they_owe")
    closed = world.loop("ana", "Tom Baker", "the intro", direction="they_owe")
    world.close_loop(closed)
    world.at(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    assert world.tick().sent == 0
    world.at(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))
    world.tick()
    assert world.keys_sent() == [f"you_owe:loop:{deck}"]
    assert "due today" in world.notifier.sent[-1].text
    world.at(datetime(2026, 3, 12, 9, 0, tzinfo=UTC))  # a week after the undated loop
    world.tick()
    assert world.keys_sent()[-1] == f"waiting_on:loop:{contract}"
    assert "nudge Priya?" in world.notifier.sent[-1].text
    assert f"waiting_on:loop:{closed}" not in world.keys_sent()


def test_done_closes_a_loop_so_it_never_comes_back(world: World) -> None:
    loop = world.loop("ana", "Raj Patel", "the deck", due=datetime(2026, 3, 5, 12, tzinfo=UTC))
    world.at(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    world.tick()
    result = world.app.reminder_buttons.done(actor=world.actor("ana"), key=f"you_owe:loop:{loop}")
    assert "Closed" in result.text
    world.later(days=30)
    assert world.tick().sent == 0


def test_buttons_refuse_someone_elses_reminder(world: World) -> None:
    loop = world.loop("ana", "Raj Patel", "the deck")
    world.user("eve")
    with pytest.raises(NotFoundError):
        world.app.reminder_buttons.done(actor=world.actor("eve"), key=f"you_owe:loop:{loop}")
    world.tick()  # ana's track exists now
    with pytest.raises(NotFoundError):
        world.app.reminder_buttons.done(actor=world.actor("eve"), key=f"you_owe:loop:{loop}")
    with pytest.raises(NotFoundError):
        world.app.reminder_buttons.done(actor=world.actor("eve"), key="nonsense")


def test_birthdays_a_week_ahead_and_on_the_day_with_a_greeting(world: World) -> None:
    occasion = world.occasion("ana", "Jane Doe", month=3, day=20)  # a Friday
    world.at(datetime(2026, 3, 13, 9, 0, tzinfo=UTC))
    world.tick()
    assert world.keys_sent() == [f"occasion:occasion:{occasion}:ahead:2026-03-20"]
    assert "in 7 days" in world.notifier.sent[-1].text
    world.at(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))
    world.tick()
    assert world.keys_sent()[-1] == f"occasion:occasion:{occasion}:day:2026-03-20"
    assert "Happy birthday, Jane!" in str(world.notifier.sent[-1].blocks)
    world.at(datetime(2027, 3, 12, 9, 0, tzinfo=UTC))  # Friday before Sat 13 Mar 2027
    world.tick()
    assert world.keys_sent()[-1] == f"occasion:occasion:{occasion}:ahead:2027-03-20"


def test_a_weekend_birthday_is_mentioned_on_the_friday_before(world: World) -> None:
    world.occasion("ana", "Jane Doe", month=3, day=22)  # a Sunday
    world.at(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))
    world.tick()
    assert world.keys_sent()[-1].endswith(":day:2026-03-22")
    assert "in 2 days" in world.notifier.sent[-1].text


def test_29_february_birthdays_are_on_28_february_in_other_years(world: World) -> None:
    world.occasion("ana", "Leap Lee", month=2, day=29)
    world.at(datetime(2027, 2, 26, 9, 0, tzinfo=UTC))  # a Friday; 28 Feb 2027 is a Sunday
    world.tick()
    assert any(key.endswith(":2027-02-28") for key in world.keys_sent())


def test_bad_news_turns_a_nudge_into_one_heads_up_then_waits(world: World) -> None:
    world.note("ana", "coffee", about=("Chris Lee",), days_ago=60)
    fire = world.note(
        "bob",
        "Chris had a fire at home",
        about=("Chris Lee",),
        days_ago=14,
        sensitive=("house fire",),
    )
    world.cadence("ana", "Chris Lee", 30)
    world.later(hours=23)
    world.tick()
    assert world.keys_sent() == [f"heads_up:contact:{world.contacts['Chris Lee']}:note:{fire}"]
    assert (
        "heads-up: a fire at home 2 weeks ago — check in, don't pitch"
        in world.notifier.sent[-1].text
    )
    world.later(days=7)
    assert world.tick().sent == 0  # muted, no second heads-up
    world.at(datetime(2026, 3, 22, 9, 0, tzinfo=UTC))  # cool-down over, but a Sunday
    assert world.tick().sent == 0
    world.at(datetime(2026, 3, 23, 9, 0, tzinfo=UTC))
    assert world.tick().sent == 1
    assert world.keys_sent()[-1].startswith("stay_in_touch:")
    # the first nudge after the cool-down still says why to go gently
    assert "heads-up: a fire at home 5 weeks ago" in world.notifier.sent[-1].text


def test_daily_cap_spreads_the_overflow_most_overdue_first(world: World) -> None:
    for index in range(8):
        world.note("ana", "hi", about=(f"Person {index}",), days_ago=40 + index)
        world.cadence("ana", f"Person {index}", 30)
    world.later(hours=23)
    world.tick()
    first = world.keys_sent()
    assert len(first) == 5 and len(world.notifier.sent) == 1  # one digest
    expected = [f"stay_in_touch:contact:{world.contacts[f'Person {i}']}" for i in (7, 6, 5, 4, 3)]
    assert first == expected
    world.later(hours=2)
    assert world.tick().sent == 0  # cap reached today
    world.later(days=1, hours=-2)  # Friday 09:00
    world.tick()
    assert len(world.keys_sent()) == 8


def test_individual_mode_sends_one_dm_per_reminder(world: World) -> None:
    world.cadence("ana", "Jane Doe", 30)
    world.cadence("ana", "Raj Patel", 30)
    world.app.schedules.update_settings(actor=world.actor("ana"), mode="individual")
    world.later(hours=23)
    world.tick()
    assert len(world.notifier.sent) == 2
    assert all(
        len([b for b in s.blocks if b["type"] == "actions"]) == 1 for s in world.notifier.sent
    )


def test_working_days_and_digest_hour_are_the_users_own_in_their_zone(world: World) -> None:
    world.user("ana", tz="Europe/Berlin")
    world.app.schedules.update_settings(
        actor=world.actor("ana"), digest_hour=8, work_days="sun-thu"
    )
    world.cadence("ana", "Jane Doe", 30)
    world.at(datetime(2026, 3, 5, 7, 0, tzinfo=UTC))  # Thu 08:00 Berlin
    assert world.tick().sent == 1
    world.app.reminder_buttons.done(actor=world.actor("ana"), key=world.keys_sent()[0])
    # Done logged a touch now: 30 days on is Sat 4 Apr -> Sunday 5 Apr, 08:00 CEST = 06:00Z.
    world.at(datetime(2026, 4, 5, 5, 59, tzinfo=UTC))
    assert world.tick().sent == 0
    world.at(datetime(2026, 4, 5, 6, 0, tzinfo=UTC))
    assert world.tick().sent == 1


def test_dst_the_nine_oclock_digest_stays_at_nine_in_berlin(world: World) -> None:
    world.user("ana", tz="Europe/Berlin")
    world.app.schedules.update_settings(actor=world.actor("ana"), work_days="all")
    world.at(datetime(2026, 3, 19, 11, 0, tzinfo=UTC))
    world.note("ana", "coffee", about=("Jane Doe",))
    world.cadence("ana", "Jane Doe", 7)
    # Thu 26 Mar, before the change (CET, UTC+1): 09:00 local is 08:00Z.
    world.at(datetime(2026, 3, 26, 7, 59, tzinfo=UTC))
    assert world.tick().sent == 0
    world.at(datetime(2026, 3, 26, 8, 0, tzinfo=UTC))
    assert world.tick().sent == 1
    world.app.reminder_buttons.done(actor=world.actor("ana"), key=world.keys_sent()[-1])
    # Thu 2 Apr, after the change (CEST, UTC+2): 09:00 local is 07:00Z.
    world.at(datetime(2026, 4, 2, 6, 59, tzinfo=UTC))
    assert world.tick().sent == 0
    world.at(datetime(2026, 4, 2, 7, 0, tzinfo=UTC))
    assert world.tick().sent == 1
    # October: touched Thu 22 Oct (CEST); due Thu 29 Oct after the change back (CET): 08:00Z.
    world.at(datetime(2026, 10, 22, 7, 0, tzinfo=UTC))
    world.app.reminder_buttons.done(actor=world.actor("ana"), key=world.keys_sent()[-1])
    world.at(datetime(2026, 10, 29, 7, 59, tzinfo=UTC))
    assert world.tick().sent == 0
    world.at(datetime(2026, 10, 29, 8, 0, tzinfo=UTC))
    assert world.tick().sent == 1
    assert [s.blocks[0]["text"]["text"] for s in world.notifier.sent] == [
        "Your reminders for Thu 26 Mar 2026",
        "Your reminders for Thu 2 Apr 2026",
        "Your reminders for Thu 29 Oct 2026",
    ]


def test_after_downtime_missed_reminders_go_out_once_late_with_their_age(world: World) -> None:
    world.cadence("ana", "Jane Doe", 30)
    world.loop("ana", "Raj Patel", "the deck", due=datetime(2026, 3, 5, 12, tzinfo=UTC))
    world.at(datetime(2026, 3, 9, 10, 0, tzinfo=UTC))  # down from Wed to the next Monday
    report = world.tick()
    assert report.sent == 1 and len(world.keys_sent()) == 2
    assert "Sent late: this was due Thu 5 Mar 2026 09:00 (4 days ago)" in str(
        world.notifier.sent[0].blocks
    )
    world.later(hours=1)
    assert world.tick().sent == 0


def test_outside_working_hours_a_queued_dm_waits_for_the_morning(world: World) -> None:
    world.cadence("ana", "Jane Doe", 30)
    world.at(datetime(2026, 3, 5, 22, 0, tzinfo=UTC))  # the tick at 9:00 never ran
    report = world.tick()
    assert report.postponed == 1 and report.sent == 0
    world.at(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))
    assert world.tick().sent == 1
    assert len(world.keys_sent()) == 1


def test_due_lists_exactly_what_the_next_tick_sends(world: World) -> None:
    world.note("ana", "coffee", about=("Jane Doe",), days_ago=40)
    world.note("bob", "coffee", about=("Jane Doe",), days_ago=40)
    world.cadence("ana", "Jane Doe", 30)
    world.cadence("bob", "Jane Doe", 30)
    world.loop("ana", "Raj Patel", "the deck", due=datetime(2026, 3, 5, 12, tzinfo=UTC))
    world.occasion("bob", "Priya Nair", month=3, day=12)
    world.later(hours=23)
    everyone = world.app.due.due()
    ana = world.app.due.due(actor=world.actor("ana"))
    assert {i.key for i in ana.items} < {i.key for i in everyone.items}
    assert world.app.due.due().items == everyone.items  # due writes nothing
    world.tick()
    sent = sorted(world.keys_sent())
    assert sorted(i.key for i in everyone.items) == sent and len(sent) == 4
    assert world.app.due.due().messages == ()


def test_upcoming_for_app_home(world: World) -> None:
    world.cadence("ana", "Jane Doe", 30)
    world.loop("ana", "Raj Patel", "the deck", due=datetime(2026, 3, 6, 12, tzinfo=UTC))
    world.loop("ana", "Tom Baker", "the intro", due=datetime(2026, 4, 30, 12, tzinfo=UTC))
    world.tick()
    upcoming = world.app.due.upcoming(actor=world.actor("ana"))
    assert [i.kind for i in upcoming.today] == []
    assert [i.contact.display_name for i in upcoming.this_week] == ["Jane Doe", "Raj Patel"]
    world.later(hours=23)
    upcoming = world.app.due.upcoming(actor=world.actor("ana"))
    assert [i.contact.display_name for i in upcoming.today] == ["Jane Doe"]


def test_names_resolve_like_the_core_and_ask_when_ambiguous(world: World) -> None:
    world.contact("Jane Doe")
    world.contact("Jane Smith")
    with pytest.raises(AmbiguousNameError):
        world.app.cadences.set_cadence(actor=world.actor("ana"), target="Jane", every_days=30)
    with pytest.raises(NotFoundError):
        world.app.cadences.set_cadence(actor=world.actor("ana"), target="Zed", every_days=30)
    view = world.app.cadences.set_cadence_text(actor=world.actor("ana"), text="jane doe monthly")
    assert view.contact is not None and view.contact.display_name == "Jane Doe"
    view = world.app.cadences.set_cadence_text(
        actor=world.actor("ana"), text="Jane Smth every 2 weeks"
    )
    assert view.target == "Jane Smith" and view.every_days == 14
    assert [c.target for c in world.app.cadences.cadences(actor=world.actor("ana"))] == [
        "Jane Doe",
        "Jane Smith",
    ]


def test_settings_text(world: World) -> None:
    view = world.app.schedules.settings_text(
        actor=world.actor("ana"), text="digest 8 days sun-thu hours 8-17 cap 3 individual"
    )
    assert (view.digest_hour, view.work_days, view.work_start, view.work_end) == (
        8,
        "mon,tue,wed,thu,sun",
        8,
        17,
    )
    assert (view.daily_cap, view.mode) == (3, "individual")


def test_undoing_the_latest_note_brings_a_nudge_back_earlier_via_the_sweep(world: World) -> None:
    world.note("ana", "old", about=("Jane Doe",), days_ago=40)
    latest = world.note("ana", "new", about=("Jane Doe",), days_ago=1)
    world.cadence("ana", "Jane Doe", 30)
    world.later(hours=23)
    assert world.tick().sent == 0
    from sqlmodel import delete

    from bot.store.models import Note, NoteContact

    with world.sessions() as session:
        session.execute(delete(NoteContact).where(NoteContact.note_id == latest))  # type: ignore[arg-type]
        session.execute(delete(Note).where(Note.id == latest))  # type: ignore[arg-type]
        session.commit()
    world.later(days=1)
    assert world.tick().sent == 1


def test_the_digest_puts_focus_first_and_adds_what_else_is_worth_doing(world: World) -> None:

    world.note("ana", "coffee with Jane", about=("Jane Doe",), days_ago=45)
    world.note("ana", "lunch with Zoe", about=("Zoe Quist",), days_ago=40)
    world.note(
        "ana",
        "Chris had a house fire",
        about=("Chris Young",),
        days_ago=5,
        sensitive=("house fire",),
    )
    world.cadence("ana", "Jane Doe", 30)
    world.cadence("ana", "Zoe Quist", 30)
    world.app.standing.focus(actor=world.actor("ana"), name="Zoe Quist")
    world.later(hours=23)  # Thursday 09:00: the digest
    assert world.tick().sent == 1
    (dm,) = world.notifier.sent
    dump = "\n".join(str(block) for block in dm.blocks)
    assert dump.index("Zoe Quist") < dump.index("Jane Doe")  # the focus contact first
    assert "Also worth doing today" in dump and "Chris" in dump and "house fire" in dump
