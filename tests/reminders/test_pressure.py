"""Contact pressure in the reminders, by tables: a stay-in-touch nudge about someone teammates
already reached often this week waits until the hold ends (never dropped), other reminders about
them go out and say so; and the same story as a conversation through the service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.blocks.reminders import item_line
from bot.domain.reminders import HEADS_UP, STAY_IN_TOUCH, YOU_OWE, Item
from bot.domain.sensitive import News
from bot.notes.news import Said
from bot.reminders import planner
from bot.reminders.evaluate import evaluate
from bot.reminders.facts import Facts
from bot.reminders.planner import Schedule
from bot.reminders.tracks import EPOCH
from bot.store.models import Contact, Loop, User
from bot.store.reminder_models import ReminderCadence, ReminderTrack
from tests.kit import utc
from tests.reminders.world import World

# Wednesday 4 March 2026, 10:00 UTC.
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
OWNER, JANE, TRACK = 1, 7, 100


def facts(
    *,
    last_touch_days: int = 45,
    hold: datetime | None = None,
    sensitive_days: int | None = None,
) -> Facts:
    out = Facts(
        users={OWNER: User(id=OWNER, workspace_id="T1", external_id="alice", created_at=NOW)},
        schedules={OWNER: Schedule()},
        contacts={
            JANE: Contact(
                id=JANE,
                workspace_id="T1",
                display_name="Jane Doe",
                name_key="jane doe",
                created_at=NOW,
            )
        },
        contact_cadence={
            (OWNER, JANE): ReminderCadence(
                id=1,
                workspace_id="T1",
                owner_id=OWNER,
                kind="contact",
                subject=f"contact:{JANE}",
                contact_id=JANE,
                every_days=30,
                created_at=NOW - timedelta(days=90),
            )
        },
        touches={(JANE, OWNER): (NOW - timedelta(days=last_touch_days), 4)},
    )
    if hold is not None:
        out.holds[OWNER] = {JANE: hold}
    if sensitive_days is not None:
        fire = News("house fire", "a house fire", NOW - timedelta(days=sensitive_days), 55)
        out.sensitive[JANE] = [Said(fire, author_id=2, visibility="team")]
    return out


def cadence_track(next_due_at: datetime = NOW - timedelta(hours=1)) -> ReminderTrack:
    """Alice's track for Jane, planned for this morning's 09:00 slot."""
    return ReminderTrack(
        id=TRACK,
        workspace_id="T1",
        owner_id=OWNER,
        kind=planner.TRACK_CADENCE,
        subject=f"contact:{JANE}",
        contact_id=JANE,
        next_due_at=next_due_at,
        verified_at=EPOCH,
        created_at=NOW - timedelta(days=90),
    )


@pytest.mark.parametrize(
    ("hold", "expected_slot", "due_now"),
    [
        pytest.param(None, utc(2026, 3, 4, 9), True, id="no-pressure-due-this-morning"),
        pytest.param(
            utc(2026, 3, 6, 15), utc(2026, 3, 9, 9), False, id="held-to-friday-pm-back-monday-9"
        ),
        pytest.param(utc(2026, 3, 5, 8), utc(2026, 3, 5, 9), False, id="held-to-thursday-morning"),
        pytest.param(utc(2026, 3, 4, 9), utc(2026, 3, 4, 9), True, id="hold-already-over"),
    ],
)
def test_a_stay_in_touch_nudge_waits_for_the_hold_then_comes_back(
    hold: datetime | None, expected_slot: datetime, due_now: bool
) -> None:
    evaluation = evaluate(cadence_track(), facts(hold=hold), NOW)
    assert evaluation.item is not None and evaluation.item.kind == STAY_IN_TOUCH
    assert evaluation.next_due_at == expected_slot  # postponed, never dropped (None)
    assert evaluation.due is due_now
    # Once its slot comes and the hold is over, it is due.
    later = evaluate(cadence_track(expected_slot), facts(hold=hold), expected_slot)
    assert later.due and later.item is not None and later.item.kind == STAY_IN_TOUCH


def test_a_held_contacts_other_reminders_still_go_out_and_carry_the_hold() -> None:
    found = facts(hold=utc(2026, 3, 8, 12))
    found.loops[9] = Loop(
        id=9,
        workspace_id="T1",
        owner_id=OWNER,
        contact_id=JANE,
        direction="you_owe",
        what="the deck",
        due_at=NOW,
        source_note_id=1,
        created_at=NOW - timedelta(days=2),
    )
    track = ReminderTrack(  # planned for this morning's slot
        id=101,
        workspace_id="T1",
        owner_id=OWNER,
        kind=planner.TRACK_LOOP,
        subject="loop:9",
        contact_id=JANE,
        next_due_at=NOW - timedelta(hours=1),
        verified_at=EPOCH,
        created_at=NOW - timedelta(days=2),
    )
    evaluation = evaluate(track, found, NOW)
    assert evaluation.due and evaluation.item is not None
    assert evaluation.item.kind == YOU_OWE
    assert evaluation.item.held_until == utc(2026, 3, 8, 12)


def test_bad_news_still_gives_its_heads_up_at_once_and_the_nudge_waits_for_both() -> None:
    found = facts(hold=utc(2026, 3, 6, 15), sensitive_days=2)
    heads = evaluate(cadence_track(), found, NOW)
    assert heads.due and heads.item is not None and heads.item.kind == HEADS_UP
    assert heads.item.held_until == utc(2026, 3, 6, 15)


@pytest.mark.parametrize(
    ("holds", "expected"),
    [
        pytest.param({}, None, id="none"),
        pytest.param({JANE: utc(2026, 3, 6)}, utc(2026, 3, 6), id="held"),
        pytest.param({JANE: NOW}, None, id="ends-now"),
        pytest.param({8: utc(2026, 3, 6)}, None, id="someone-else"),
    ],
)
def test_pressure_hold(holds: dict[int, datetime], expected: datetime | None) -> None:
    assert planner.pressure_hold(holds, JANE, NOW) == expected


def _item(kind: str = STAY_IN_TOUCH, **values: object) -> Item:
    base = Item(
        key=f"{kind}:contact:{JANE}",
        kind=kind,
        subject=f"contact:{JANE}",
        contact_id=JANE,
        contact="Jane Doe",
        due=NOW,
        slot=NOW,
        every_days=30,
        last_touch=NOW - timedelta(days=45),
        what="the deck",
    )
    return Item.from_json({**base.to_json(), **{k: v for k, v in values.items()}})


@pytest.mark.parametrize(
    ("item", "says"),
    [
        pytest.param(_item(), None, id="no-pressure-no-line"),
        pytest.param(
            _item(
                team_recent=3,
                team_recent_by=["Bob", "Sam"],
                held_until="2026-03-08T12:00:00+00:00",
                kind=YOU_OWE,
            ),
            "Bob and Sam were in touch with Jane 3 times in the last 7 days, so stay-in-touch "
            "nudges about them wait until Sun 8 Mar 2026.",
            id="you-owe-while-held",
        ),
        pytest.param(
            _item(team_recent=2, team_recent_by=["Bob"]),
            "Bob was in touch with Jane twice in the last 7 days.",
            id="stay-in-touch-after-the-hold",
        ),
        pytest.param(
            _item(held_until="2026-03-08T12:00:00+00:00"),
            "Teammates were in touch with them often this week, so stay-in-touch nudges about "
            "them wait until Sun 8 Mar 2026.",
            id="held-without-counts-app-home",
        ),
        pytest.param(
            _item(team_recent=1, team_recent_by=["<!channel>"]),
            "&lt;!channel&gt; was in touch with Jane once in the last 7 days.",
            id="names-escaped",
        ),
    ],
)
def test_the_nudge_says_so(item: Item, says: str | None) -> None:
    line = item_line(item, now=NOW, tz="UTC")
    if says is None:
        assert "in touch with Jane" not in line.split(":", 1)[1] or "last spoke" in line
        assert "wait until" not in line
    else:
        assert line.endswith(says)


def test_pressure_fields_round_trip_through_json() -> None:
    item = _item(
        team_recent=3, team_recent_by=["Bob", "Sam"], held_until="2026-03-08T12:00:00+00:00"
    )
    assert Item.from_json(item.to_json()) == item
    assert item.team_recent_by == ("Bob", "Sam") and item.held_until == utc(2026, 3, 8, 12)


# --- the conversation ---------------------------------------------------------------------------


def test_bob_and_sam_called_jane_three_times_so_alices_nudge_waits_a_week(world: World) -> None:
    jane = world.contacts.get("Jane Doe") or world.contact("Jane Doe")
    world.note("alice", "coffee with Jane", about=("Jane Doe",), days_ago=40, kind="coffee")
    world.cadence("alice", "Jane Doe", 30)  # monthly: ten days overdue
    world.note("bob", "called Jane", about=("Jane Doe",), days_ago=3, kind="call")
    world.note("sam", "called Jane", about=("Jane Doe",), days_ago=2, kind="call")
    world.note("bob", "called Jane again", about=("Jane Doe",), days_ago=1, kind="call")
    alice = world.actor("alice")
    nudge = f"stay_in_touch:contact:{jane}"

    world.later(hours=1)  # Wednesday 11:00
    due = world.app.due.due(actor=alice)
    assert nudge not in [item.key for item in due.items]
    home = world.app.due.upcoming(actor=alice)
    (waiting,) = [item for item in home.this_week if item.key == nudge]
    assert "Bob and Sam were in touch with Jane 3 times in the last 7 days" in waiting.text
    assert "wait until Sun 8 Mar 2026" in waiting.text  # Bob's first call ages out then
    assert world.tick().sent == 0

    world.at(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))  # Friday: still held
    assert nudge not in [item.key for item in world.app.due.due(actor=alice).items]
    assert world.tick().sent == 0
    # The 7-day window passes (Bob's first call, Sunday 1 March, is a week old on Sunday the
    # 8th): Monday morning's digest has the nudge, saying who was in touch lately.
    world.at(datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    due = world.app.due.due(actor=alice)
    (item,) = [item for item in due.items if item.key == nudge]
    assert item.text.endswith("Bob and Sam were in touch with Jane twice in the last 7 days.")
    assert world.tick().sent == 1
    assert world.keys_sent("alice") == [nudge]


def test_a_you_owe_about_a_held_contact_goes_out_and_mentions_the_team(world: World) -> None:
    world.cadence("alice", "Jane Doe", 30)
    for author, days in (("bob", 3), ("sam", 2), ("bob", 1)):
        world.note(author, "called Jane", about=("Jane Doe",), days_ago=days, kind="call")
    world.loop("alice", "Jane Doe", "the deck", due=datetime(2026, 3, 5, 17, 0, tzinfo=UTC))
    world.later(hours=23)  # Thursday 09:00: the deck is due today
    world.tick()
    keys = world.keys_sent("alice")
    assert [k.split(":")[0] for k in keys] == ["you_owe"]
    (dm,) = world.notifier.sent
    assert dm.text.endswith(
        "You owe Jane Doe the deck — due today. "
        "Bob and Sam were in touch with Jane 3 times in the last 7 days."
    )


def test_private_calls_do_not_hold_or_show(world: World) -> None:
    world.cadence("alice", "Jane Doe", 30)
    for days in (3, 2, 1):
        world.note(
            "bob",
            "secret call",
            about=("Jane Doe",),
            days_ago=days,
            kind="call",
            visibility="private",
        )
    world.later(hours=23)
    world.tick()
    (dm,) = world.notifier.sent
    assert world.keys_sent("alice") == [f"stay_in_touch:contact:{world.contacts['Jane Doe']}"]
    assert "Bob" not in dm.text and "Bob" not in str(dm.blocks)


def test_a_threshold_of_one_holds_after_a_single_call(world: World) -> None:
    from bot.store.models import Workspace

    with world.sessions() as session:
        workspace = session.get(Workspace, "T1")
        assert workspace is not None
        workspace.pressure_threshold = 1
        session.add(workspace)
        session.commit()
    world.cadence("alice", "Jane Doe", 30)
    world.note("bob", "called Jane", about=("Jane Doe",), days_ago=1, kind="call")
    world.later(hours=23)
    assert world.tick().sent == 0
    world.at(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))  # a week after the call, to the hour
    assert world.tick().sent == 0
    world.at(datetime(2026, 3, 11, 9, 0, tzinfo=UTC))  # the first slot after the hold
    assert world.tick().sent == 1
