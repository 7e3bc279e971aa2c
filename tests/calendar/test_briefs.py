"""The brief before a meeting and the "how did it go?" after it, from a connected calendar read
over HTTP from the local ICS server, planned and delivered by the real reminder tick on a clock
the test moves: once each, never after the meeting began, moved and cancelled with the meeting,
and showing only what the calendar's owner may see."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from bot.app import Rapport
from bot.channels.calendars.fetch import make_client
from bot.domain.refs import Actor
from bot.reminders.notifier import DeliveryResult, MemoryNotifier, Sent
from bot.store.db import SessionFactory
from bot.store.reminder_models import ReminderOutbox
from tests.calendar.conftest import ANA, ME, Person, World, calendar, event
from tests.calendar.icsserver import Feed, Server, serving

KEY = Fernet.generate_key().decode()
PATH = "/calendar/ical/ana%40acme.com/private-0123456789abcdef/basic.ics"
# Tuesday 24 November 2026, 9:00 in Lisbon (UTC in winter); the meeting is tomorrow at 10:00.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
MEETING = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
CHRIS = Person("chris@young.io", "Chris Young")
BOB = Actor(workspace_id="T1", user_id="U_BOB", display_name="Bob Stone", tz="UTC")
FIRE = (
    "Chris Young called: there was a fire in the kitchen of their house, smoke damage "
    "everywhere, family is fine"
)


@pytest.fixture
def server() -> Iterator[Server]:
    with serving() as running:
        yield running


@pytest.fixture
def world(sessions: SessionFactory, tmp_path: Path, server: Server) -> World:
    found = World(sessions=sessions, now=NOW)
    found.app = Rapport(sessions=sessions, clock=lambda: found.now, calendar_key=KEY)
    found.app.calendars.client = lambda: make_client(allow_private=True)
    found.contacts(tmp_path)
    log = found.app.notes.log
    log(
        actor=ANA,
        text="coffee with Chris Young, talked about the Q1 renewal",
        at=NOW - timedelta(days=40),
    )
    log(actor=ANA, text=FIRE, at=NOW - timedelta(days=14))
    log(actor=ANA, text="I owe Chris Young the pricing deck", at=NOW - timedelta(days=13))
    serve(server, event("m1", MEETING, title="Renewal with Chris", people=(ME, CHRIS)))
    found.app.calendars.connect(actor=ANA, url=server.base + PATH, me="ana@acme.com")
    assert found.app.calendars.sync_due().synced[0].status == "ok"
    return found


def serve(server: Server, *events: str, version: str = "v1") -> None:
    server.feeds[PATH] = Feed(body=calendar(*events), etag=f'"{version}"')


def reread(world: World, server: Server, *events: str, version: str) -> None:
    serve(server, *events, version=version)
    world.app.calendars.sync(actor=ANA)


def tick(world: World, notifier: MemoryNotifier, at: datetime) -> list[Sent]:
    before = len(notifier.sent)
    world.at(at)
    world.app.delivery.tick(notifier=notifier, now=at)
    return notifier.sent[before:]


def text_of(sent: Sent) -> str:
    out = [sent.text]
    for block in sent.blocks:
        if "text" in block and isinstance(block["text"], dict):
            out.append(str(block["text"]["text"]))
        for element in block.get("elements", []):
            if isinstance(element.get("text"), str):
                out.append(element["text"])
    return "\n".join(out)


def briefs(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.key and s.key.startswith("brief:")]


def test_the_kitchen_fire_story_brief_before_tomorrows_meeting_has_the_heads_up(
    world: World,
) -> None:
    notifier = MemoryNotifier()
    assert briefs(tick(world, notifier, MEETING - timedelta(minutes=16))) == []
    (brief,) = briefs(tick(world, notifier, MEETING - timedelta(minutes=15)))
    assert brief.user == ANA.user_id
    said = text_of(brief)
    assert "Renewal with Chris" in said
    assert "Chris Young" in said
    assert "*Heads-up:* kitchen fire 2 weeks ago — check in, don't pitch" in said
    assert "You owe them: the pricing deck" in said
    assert "Last spoke: Ana Lima" in said
    assert ":arrow_right: *Next:" in said
    # Exactly once, however often the tick runs before the meeting.
    assert briefs(tick(world, notifier, MEETING - timedelta(minutes=10))) == []
    assert briefs(tick(world, notifier, MEETING - timedelta(minutes=1))) == []


def test_after_the_meeting_one_how_did_it_go_with_a_button_for_the_log_form(world: World) -> None:
    notifier = MemoryNotifier()
    tick(world, notifier, MEETING - timedelta(minutes=15))
    assert [s for s in tick(world, notifier, MEETING + timedelta(minutes=29))] == []
    (after,) = tick(world, notifier, MEETING + timedelta(minutes=31))
    assert after.key and after.key.startswith("after:")
    assert "How did it go with *Chris Young*?" in text_of(after)
    (button,) = [e for b in after.blocks if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == "meeting_log"
    assert button["value"] == '["Chris Young"]'
    assert tick(world, notifier, MEETING + timedelta(hours=2)) == []


def test_a_brief_that_could_not_go_before_the_meeting_began_is_skipped_not_sent_late(
    world: World,
) -> None:
    down = MemoryNotifier(script=lambda user, key: DeliveryResult(ok=False, error="timeout"))
    assert tick(world, down, MEETING - timedelta(minutes=15)) == []
    up = MemoryNotifier()
    assert briefs(tick(world, up, MEETING + timedelta(minutes=5))) == []
    with world.sessions() as session:
        row = session.exec(select(ReminderOutbox).where(ReminderOutbox.kind == "brief")).one()
    assert row.status == "skipped"
    assert row.last_error == "late: the meeting had begun"


def test_a_moved_meeting_moves_its_brief_and_a_cancelled_one_cancels_it(
    world: World, server: Server
) -> None:
    notifier = MemoryNotifier()
    later = MEETING + timedelta(hours=4)
    world.at(NOW + timedelta(hours=2))
    reread(
        world,
        server,
        event("m1", later, title="Renewal with Chris", people=(ME, CHRIS)),
        version="v2",
    )
    assert briefs(tick(world, notifier, MEETING - timedelta(minutes=15))) == []
    (moved,) = briefs(tick(world, notifier, later - timedelta(minutes=15)))
    assert "Renewal with Chris" in text_of(moved)
    world.at(later + timedelta(hours=1))
    reread(
        world,
        server,
        event("m1", later, title="Renewal with Chris", people=(ME, CHRIS)),
        event("m2", later + timedelta(days=1), title="Follow-up", people=(ME, CHRIS)),
        version="v3",
    )
    world.at(later + timedelta(hours=2))
    reread(
        world,
        server,
        event(
            "m2",
            later + timedelta(days=1),
            title="Follow-up",
            people=(ME, CHRIS),
            status="CANCELLED",
        ),
        version="v4",
    )
    sent = tick(world, notifier, later + timedelta(days=1, minutes=-15))
    assert briefs(sent) == []


def test_a_meeting_moved_after_its_brief_was_planned_does_not_send_the_old_one(
    world: World, server: Server
) -> None:
    down = MemoryNotifier(script=lambda user, key: DeliveryResult(ok=False, error="timeout"))
    tick(world, down, MEETING - timedelta(minutes=15))  # planned, not sent yet
    later = MEETING + timedelta(hours=3)
    reread(
        world,
        server,
        event("m1", later, title="Renewal with Chris", people=(ME, CHRIS)),
        version="v2",
    )
    notifier = MemoryNotifier()
    assert briefs(tick(world, notifier, MEETING - timedelta(minutes=5))) == []
    (brief,) = briefs(tick(world, notifier, later - timedelta(minutes=15)))
    assert brief.key and brief.key.endswith("T130000Z")


def test_the_brief_setting_changes_the_lead_and_turns_briefs_off(world: World) -> None:
    notifier = MemoryNotifier()
    assert world.app.briefs.setting_words(actor=ANA, words="minutes 10") is not None
    assert briefs(tick(world, notifier, MEETING - timedelta(minutes=15))) == []
    assert len(briefs(tick(world, notifier, MEETING - timedelta(minutes=10)))) == 1
    off = world.app.briefs.setting_words(actor=ANA, words="off")
    assert off is not None and not off.on
    tomorrow = MEETING + timedelta(days=1)
    world.app.notes.log(actor=ANA, text="note", at=NOW)
    assert "off" in off.text
    assert briefs(tick(world, notifier, tomorrow - timedelta(minutes=10))) == []


def test_the_brief_shows_only_what_its_reader_may_see(world: World) -> None:
    world.app.notes.log(actor=BOB, text="private: Chris Young is about to be fired, keep it quiet")
    world.app.notes.log(actor=BOB, text="lunch with Chris Young, they want a shelter dog")
    notifier = MemoryNotifier()
    (brief,) = briefs(tick(world, notifier, MEETING - timedelta(minutes=15)))
    said = text_of(brief)
    assert "fired" not in said
    assert "Last spoke: Bob Stone" in said
    assert "shelter dog" in said


def test_on_demand_the_same_brief_by_name_with_the_next_meeting(world: World) -> None:
    brief = world.app.briefs.about(actor=ANA, name="Chris")
    assert brief.meeting is not None and brief.meeting.title == "Renewal with Chris"
    assert [c.contact.display_name for c in brief.people] == ["Chris Young"]
    (home,) = world.app.briefs.next_meetings(actor=ANA)
    assert home.meeting == brief.meeting


def test_the_how_did_it_go_waits_for_working_hours(world: World, server: Server) -> None:
    evening = datetime(2026, 11, 25, 18, 30, tzinfo=UTC)
    reread(world, server, event("m1", evening, title="Drinks", people=(ME, CHRIS)), version="v2")
    notifier = MemoryNotifier()
    tick(world, notifier, evening - timedelta(minutes=15))
    assert tick(world, notifier, evening + timedelta(minutes=45)) == []
    (after,) = tick(world, notifier, datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    assert "How did it go" in after.text


def test_how_did_it_go_counts_against_the_daily_cap(world: World, server: Server) -> None:
    world.app.schedules.update_settings(actor=ANA, daily_cap=1)
    second = MEETING + timedelta(hours=2)
    reread(
        world,
        server,
        event("m1", MEETING, title="Renewal with Chris", people=(ME, CHRIS)),
        event("m2", second, title="Second with Chris", people=(ME, CHRIS)),
        version="v2",
    )
    notifier = MemoryNotifier()
    (first,) = tick(world, notifier, MEETING + timedelta(minutes=31))
    assert "Renewal with Chris" in first.text
    # Briefs are not reminders: the cap, reached, holds none back.
    assert len(briefs(tick(world, notifier, second - timedelta(minutes=15)))) == 1
    later = tick(world, notifier, second + timedelta(minutes=31))
    assert [s for s in later if s.key and s.key.startswith("after:")] == []
    (held,) = tick(world, notifier, datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    assert "Second with Chris" in held.text
