"""Where every relationship stands, as a person uses it — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.errors import AmbiguousNameError, NotFoundError
from bot.domain.relationship import CHECK_IN, GREET, NUDGE, REACH_OUT, REPLY
from bot.domain.standing import Review
from bot.reminders.notifier import MemoryNotifier
from bot.store import repo
from tests.standing.conftest import ANA, BOB, World


def names(rows: object) -> list[str]:
    return [r.contact.display_name for r in rows]  # type: ignore[attr-defined]


def notebook(world: World) -> None:
    world.log("lunch with Sam Lee", days_ago=200)
    world.log("coffee with Jane Doe, she wants a shelter dog", days_ago=100)
    world.log("Raj Patel called me about the pilot", days_ago=40)
    world.log("call with Raj Patel about pricing", days_ago=70)
    world.log("drinks with Priya Nair", days_ago=5)


def test_fading_puts_the_longest_silence_first_with_kind_and_state(world: World) -> None:
    notebook(world)
    page = world.app.standing.fading(actor=ANA)
    assert names(page.rows) == ["Sam Lee", "Jane Doe", "Raj Patel", "Priya Nair"]
    sam, jane, raj, priya = page.rows
    assert (sam.last_kind, sam.label) == ("lunch", "cold")
    assert sam.last_at == world.now - timedelta(days=200)
    assert (jane.last_kind, jane.label) == ("coffee", "cooling")
    assert jane.why == "none in 90 days (1 in 180), last 100 days ago"
    assert raj.last_kind == "call" and "they reached out once" in raj.why
    assert priya.label == "new" and priya.cadence is None
    assert page.has_more is False and page.page == 1


def test_fading_pages_in_sql(world: World) -> None:
    notebook(world)
    first = world.app.standing.fading(actor=ANA, page_size=3)
    assert names(first.rows) == ["Sam Lee", "Jane Doe", "Raj Patel"] and first.has_more
    second = world.app.standing.fading(actor=ANA, page=2, page_size=3)
    assert names(second.rows) == ["Priya Nair"] and not second.has_more
    assert world.app.standing.fading(actor=ANA, page=3, page_size=3).rows == ()


def test_fading_shows_the_cadence_status(world: World) -> None:
    notebook(world)
    world.app.cadences.set_cadence(actor=ANA, target="Jane Doe", every_days=30)
    world.app.cadences.set_cadence(actor=ANA, target="Priya Nair", every_days=14)
    rows = {r.contact.display_name: r for r in world.app.standing.fading(actor=ANA).rows}
    jane, priya = rows["Jane Doe"].cadence, rows["Priya Nair"].cadence
    assert jane is not None and jane.text == "overdue by 70 days"
    assert priya is not None and priya.text == "due in 9 days"
    assert rows["Sam Lee"].cadence is None


def test_a_tag_cadence_applies_and_a_stop_wins(world: World) -> None:
    world.log("lunch with Ken Adams #investors", days_ago=20)
    world.log("lunch with Lena Fischer #investors", days_ago=20)
    world.app.cadences.set_cadence(actor=ANA, target="#investors", every_days=91)
    world.app.cadences.stop_cadence(actor=ANA, target="Lena Fischer")
    rows = {r.contact.display_name: r for r in world.app.standing.fading(actor=ANA).rows}
    ken = rows["Ken Adams"].cadence
    assert ken is not None and (ken.every_days, ken.text) == (91, "due in 71 days")
    assert rows["Lena Fischer"].cadence is None


def test_fading_by_tag(world: World) -> None:
    notebook(world)
    world.log("lunch with Ken Adams #investors", days_ago=20)
    page = world.app.standing.fading(actor=ANA, tag="#Investors")
    assert names(page.rows) == ["Ken Adams"] and page.tag == "investors"


def test_a_private_tag_stays_private_in_fading_and_tag_cadences(world: World) -> None:
    world.log("lunch with Ken Adams", days_ago=20)
    world.log("private: call with Ken Adams #investors", days_ago=10, actor=BOB)
    world.log("coffee with Zoë Quist #café", days_ago=15)
    # Only Bob's private note tags Ken: Ana's tag filter and tag cadence don't see it.
    assert names(world.app.standing.fading(actor=ANA, tag="investors").rows) == []
    world.app.cadences.set_cadence(actor=ANA, target="#investors", every_days=30)
    rows = {r.contact.display_name: r for r in world.app.standing.fading(actor=ANA).rows}
    assert rows["Ken Adams"].cadence is None
    assert names(world.app.standing.fading(actor=ANA, tag="café").rows) == ["Zoë Quist"]


def test_fading_is_yours_unless_you_ask_for_the_team(world: World) -> None:
    world.log("coffee with Jane Doe", days_ago=60)
    world.log("lunch with Ken Adams", days_ago=1, actor=BOB)
    world.log("private: dinner with Jane Doe", days_ago=2, actor=BOB)
    world.log("met Olga Petrova", days_ago=3, actor=BOB)
    world.log("private: met Tom Baker", days_ago=3, actor=BOB)
    assert names(world.app.standing.fading(actor=ANA).rows) == ["Jane Doe"]
    team = world.app.standing.fading(actor=ANA, team=True)
    # Bob's private dinner with Jane is not Ana's to see; Tom Baker only exists in private.
    assert names(team.rows) == ["Jane Doe", "Olga Petrova", "Ken Adams"]
    assert [r.last_by for r in team.rows] == ["Ana", "Bob", "Bob"]
    assert team.rows[2].last_kind == "lunch"


def test_focus_adds_a_monthly_cadence_unless_one_is_set(world: World) -> None:
    notebook(world)
    world.app.cadences.set_cadence(actor=ANA, target="Raj Patel", every_days=14)
    jane = world.app.standing.focus(actor=ANA, name="Jane")
    assert (jane.contact.display_name, jane.focused, jane.changed) == ("Jane Doe", True, True)
    assert (jane.cadence_days, jane.cadence_added, jane.count) == (30, True, 1)
    cadences = {c.target: c.every_days for c in world.app.cadences.cadences(actor=ANA)}
    assert cadences == {"Jane Doe": 30, "Raj Patel": 14}

    raj = world.app.standing.focus(actor=ANA, name="Raj Patel")
    assert (raj.cadence_days, raj.cadence_added, raj.count) == (14, False, 2)
    again = world.app.standing.focus(actor=ANA, name="Jane Doe")
    assert again.changed is False and again.count == 2

    world.app.cadences.stop_cadence(actor=ANA, target="Sam Lee")
    sam = world.app.standing.focus(actor=ANA, name="Sam Lee")
    assert sam.cadence_added is False and sam.cadence_days is None  # a stop is a choice


def test_past_the_soft_limit_a_friendly_warning(world: World) -> None:
    notebook(world)
    world.app.standing.update_settings(actor=ANA, focus_limit=2)
    assert world.app.standing.focus(actor=ANA, name="Jane Doe").warning is None
    assert world.app.standing.focus(actor=ANA, name="Raj Patel").warning is None
    third = world.app.standing.focus(actor=ANA, name="Sam Lee")
    assert third.focused and third.count == 3
    assert third.warning is not None and "Less is more" in third.warning


def test_unfocus_and_the_focus_list_most_in_need_first(world: World) -> None:
    notebook(world)
    for name in ("Priya Nair", "Jane Doe", "Sam Lee"):
        world.app.standing.focus(actor=ANA, name=name)
    listed = world.app.standing.focus_list(actor=ANA)
    assert listed.limit == 25
    assert names(listed.rows) == ["Sam Lee", "Jane Doe", "Priya Nair"]
    assert all(r.focus for r in listed.rows)
    assert listed.rows[0].action is not None and listed.rows[0].action.kind == REACH_OUT
    gone = world.app.standing.unfocus(actor=ANA, name="Sam Lee")
    assert (gone.focused, gone.changed, gone.count) == (False, True, 2)
    assert gone.cadence_days == 30  # the cadence focus gave stays until you stop it
    assert world.app.standing.unfocus(actor=ANA, name="Sam Lee").changed is False
    assert names(world.app.standing.focus_list(actor=ANA).rows) == ["Jane Doe", "Priya Nair"]


def test_focus_is_personal(world: World) -> None:
    notebook(world)
    world.app.standing.focus(actor=ANA, name="Jane Doe")
    assert world.app.standing.focus_list(actor=BOB).rows == ()


def test_focus_asks_which_one_and_knows_when_nobody_matches(world: World) -> None:
    world.log("coffee with Jane Doe")
    world.log("coffee with Jane Smith")
    with pytest.raises(AmbiguousNameError) as asked:
        world.app.standing.focus(actor=ANA, name="Jane")
    assert sorted(label for _, label in asked.value.candidates) == ["Jane Doe", "Jane Smith"]
    chosen = world.app.standing.focus(actor=ANA, contact_id=asked.value.candidates[0][0])
    assert chosen.focused
    with pytest.raises(NotFoundError):
        world.app.standing.focus(actor=ANA, name="Nobody Known")


def test_your_next_five_in_order(world: World) -> None:
    notebook(world)
    world.log("lunch with Chris Park, pitched the enterprise plan", days_ago=60)
    world.log("Chris Park had a house fire", days_ago=2, actor=BOB)
    world.log("I owe Raj Patel the pricing deck by Friday", days_ago=10)
    world.log("Sam Lee birthday is November 23", days_ago=300)
    world.log("asked Priya Nair for the signed contract, waiting on her reply", days_ago=9)
    world.app.standing.focus(actor=ANA, name="Jane Doe")
    world.log("met Olga Petrova, she had a funeral in the family", days_ago=1, actor=BOB)

    actions = world.app.standing.next_actions(actor=ANA)
    assert [(a.contact.display_name, a.action.kind) for a in actions] == [
        ("Chris Park", CHECK_IN),  # the house fire: kindness, not the enterprise plan
        ("Raj Patel", REPLY),  # the deck was due last Friday
        ("Sam Lee", GREET),  # birthday on Monday
        ("Priya Nair", NUDGE),  # asked nine days ago
        ("Jane Doe", REACH_OUT),  # focus, cooling
    ]
    assert "enterprise" not in str(actions[0].action)
    assert actions[2].action.draft is not None and "Sam!" in actions[2].action.draft
    assert actions[4].action.draft == "Ask how it's going: wants a shelter dog."
    assert actions[4].focus
    # Olga is only Bob's acquaintance: her news is his to act on.
    assert "Olga Petrova" not in names(world.app.standing.next_actions(actor=ANA, limit=20))


def test_the_card_can_show_state_and_action(world: World) -> None:
    world.log("coffee with Jane Doe", days_ago=10)
    world.log("I owe Jane Doe the pricing deck", days_ago=1)
    standing = world.app.standing.contact(actor=ANA, name="Jane Doe")
    assert standing.label == "new"
    assert standing.action is not None and standing.action.kind == REPLY
    assert standing.action.text == "You owe Jane Doe the pricing deck."


def test_the_weekly_review(world: World) -> None:
    world.log("coffee with Jane Doe", days_ago=3)
    world.log("lunch with Jane Doe and Raj Patel", days_ago=2)
    world.log("I owe Raj Patel the pricing deck", days_ago=2)
    world.log("sent Raj Patel the pricing deck", days_ago=1)
    world.log("asked Priya Nair for the contract, waiting on her", days_ago=1)
    # Ken: met every two weeks for half a year (a 24-day rhythm), last 30 days ago: warm a week
    # ago, cooling now.
    for days in range(30, 171, 14):
        world.log(f"coffee with Ken Adams, catch-up {days}", days_ago=days)
    world.log("call with Omar Haddad", days_ago=20)  # still warm
    world.app.standing.focus(actor=ANA, name="Jane Doe")

    review = world.app.reviews.review(actor=ANA)
    assert (review.interactions, review.people) == (5, 3)
    assert review.kinds == (("coffee", 1), ("lunch", 1))
    assert sorted((x.contact.display_name, x.what) for x in review.loops_opened) == [
        ("Priya Nair", "the contract"),
        ("Raj Patel", "the pricing deck"),
    ]
    assert [(x.contact.display_name, x.what) for x in review.loops_closed] == [
        ("Raj Patel", "the pricing deck")
    ]
    assert names(review.cooled) == ["Ken Adams"]
    assert names(review.focus) == ["Jane Doe"] and review.focus[0].label == "new"


def test_weekly_review_dm_is_opt_in_once_a_week_on_monday_morning(world: World) -> None:
    world.log("coffee with Jane Doe", days_ago=3)
    world.app.reviews.review(actor=BOB)  # Bob exists but never opted in
    notifier = MemoryNotifier()

    def send(user: str, workspace: str, review: Review, key: str) -> bool:
        return notifier.send(user, workspace, f"{review.interactions}", [], key=key).ok

    assert world.app.standing.settings(actor=ANA).weekly_review is False
    world.app.standing.update_settings(actor=ANA, weekly_review=True)
    monday = world.now + timedelta(days=3)  # Mon 23 Nov, 15:00 UTC
    assert world.app.reviews.deliver_reviews(send=send, now=monday - timedelta(hours=7)).sent == ()
    assert world.app.reviews.deliver_reviews(send=send, now=monday).sent == ("U_ANA",)
    assert world.app.reviews.deliver_reviews(send=send, now=monday + timedelta(hours=1)).sent == ()
    assert world.app.reviews.deliver_reviews(send=send, now=monday + timedelta(days=1)).sent == ()
    assert [s.key for s in notifier.sent] == ["review:1:2026-W48"]
    assert notifier.sent[0].text == "1"

    failures = iter([False])

    def flaky(user: str, workspace: str, review: Review, key: str) -> bool:
        return next(failures, True)

    next_monday = monday + timedelta(days=7)
    assert world.app.reviews.deliver_reviews(send=flaky, now=next_monday).failed == ("U_ANA",)
    assert world.app.reviews.deliver_reviews(send=flaky, now=next_monday).sent == ("U_ANA",)
    world.app.standing.update_settings(actor=ANA, weekly_review=False)
    assert (
        world.app.reviews.deliver_reviews(send=send, now=next_monday + timedelta(days=7)).sent == ()
    )


def test_forgetting_or_merging_a_focus_contact(world: World) -> None:
    world.log("coffee with Jane Doe")
    world.log("coffee with Tom Baker")
    world.log("coffee with Jane Smith")
    for name in ("Jane Doe", "Tom Baker", "Jane Smith"):
        world.app.standing.focus(actor=ANA, name=name)
    world.app.contacts.forget(actor=ANA, name="Tom Baker")
    assert names(world.app.standing.focus_list(actor=ANA).rows) == ["Jane Doe", "Jane Smith"]
    keep = world.app.standing.contact(actor=ANA, name="Jane Doe").contact.id
    other = world.app.standing.contact(actor=ANA, name="Jane Smith").contact.id
    with world.sessions() as session:
        repo.move_focus(session, keep_id=keep, other_id=other)
        session.commit()
    world.app.contacts.merge(actor=ANA, keep="Jane Doe", other="Jane Smith")
    assert names(world.app.standing.focus_list(actor=ANA).rows) == ["Jane Doe"]
