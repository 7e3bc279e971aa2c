"""Malformed and hostile Slack requests: a 4xx or a polite refusal, never a 500, a crash or a leak.

Each request goes through bot/slack/server.py's real HTTP server and bolt's signature check, as
Slack's would. After each batch the server must still answer a well-formed command.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from bot.blocks.ids import (
    ACTION_CARD_PREFIX,
    ACTION_CHOOSE_PREFIX,
    ACTION_EDIT,
    ACTION_FADING_PAGE_PREFIX,
    ACTION_FOCUS_PREFIX,
    ACTION_FORGET_CONFIRM,
    ACTION_RECALL_PAGE_PREFIX,
    ACTION_SNOOZE,
    ACTION_UNDO,
    VIEW_SAVE_NOTE,
)
from tests.scale.conftest import count, serve_app
from tests.slack.fakeslack import FakeSlack, running_fake_slack
from tests.slack.payloads import (
    SlackSender,
    block_action,
    command_payload,
    dm,
    event_envelope,
    sign,
    view_submission,
)

FORM = "application/x-www-form-urlencoded"
# In Alice's note but never in what Mallory asks (answers echo the question's own words).
SECRET_WORDS = ("Rottweiler", "Jane Doe")


@pytest.fixture
def served(db_url: str) -> Iterator[tuple[SlackSender, FakeSlack, str]]:
    with running_fake_slack() as fake, serve_app(db_url, fake) as sender:
        yield sender, fake, db_url


def still_serves(sender: SlackSender, fake: FakeSlack) -> None:
    key = f"alive{time.monotonic_ns()}"
    assert sender.command("help", response_key=key).status == 200
    # Waits for this command's own answer: an earlier test step's answer already counts as a
    # response_url call, and waiting for "one call" returned before this one arrived (a flake).
    fake.wait_for_path(key, timeout=30)


def no_errors_told(fake: FakeSlack) -> None:
    for call in fake.calls():
        assert "Traceback" not in call.text_dump()


def raw_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with opener.open(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return int(exc.code)


def test_unsigned_badly_signed_and_replayed_requests_are_refused(
    served: tuple[SlackSender, FakeSlack, str],
) -> None:
    sender, fake, db_url = served
    body = urlencode(command_payload("log met Jane Doe, she wants a shelter dog")).encode()
    url = sender.base_url + "/slack/events"
    now = int(time.time())
    assert raw_post(url, body, {"Content-Type": FORM}) == 401  # no signature at all
    assert sender.post(body, FORM, secret="f" * 32).status == 401  # another app's secret
    assert sender.post(body, FORM, timestamp=now - 6 * 60).status == 401  # replayed, 6 min old
    assert sender.post(body, FORM, timestamp=now + 6 * 60).status == 401  # from the future
    stale = {"X-Slack-Request-Timestamp": str(now), "Content-Type": FORM}
    stale["X-Slack-Signature"] = sign(sender.secret, now, body + b"&extra=1")  # body tampered
    assert raw_post(url, body, stale) == 401
    fake.settle(0.3)
    assert count(db_url, "SELECT count(*) FROM note") == 0
    assert not fake.calls("response_url")
    still_serves(sender, fake)


def test_huge_bodies_are_refused_before_they_are_read_into_bolt(
    served: tuple[SlackSender, FakeSlack, str],
) -> None:
    sender, fake, db_url = served
    text = "log met Jane Doe " + "x" * (2 * 1024 * 1024)
    body = urlencode(command_payload(text)).encode()
    assert sender.post(body, FORM).status == 413
    huge_json = json.dumps(event_envelope(dm("y" * (1024 * 1024 + 10)))).encode()
    assert sender.post(huge_json, "application/json").status == 413
    # Just under the limit but far over a note's length: acked, then a polite refusal.
    long_note = urlencode(
        command_payload("log " + "word " * 60_000, response_url=fake.response_url("long"))
    ).encode()
    assert sender.post(long_note, FORM).status == 200
    reply = fake.wait_for("response_url", 1, timeout=60)[0]
    assert "Something went wrong" not in reply.text_dump()
    assert count(db_url, "SELECT count(*) FROM note") == 0
    still_serves(sender, fake)


MALFORMED_COMMANDS = [
    pytest.param({"team_id": None}, id="no-team"),
    pytest.param({"user_id": None}, id="no-user"),
    pytest.param({"text": None}, id="no-text"),
    pytest.param({"command": None}, id="no-command"),
    pytest.param({"response_url": "not a url"}, id="bad-response-url"),
    pytest.param({"user_id": ""}, id="empty-user"),
    pytest.param({"team_id": "", "user_id": ""}, id="empty-ids"),
    pytest.param({"text": "log \x00\x01\x02 <@> <#> <!> <http://|>"}, id="control-chars"),
    pytest.param({"text": "recall \"' OR 1=1 -- * AND NEAR("}, id="fts-syntax"),
    pytest.param({"command": "/other"}, id="unknown-command"),
]


@pytest.mark.slow  # a battery of cases, each on a fresh server
@pytest.mark.parametrize("change", MALFORMED_COMMANDS)
def test_malformed_commands_never_answer_500(
    served: tuple[SlackSender, FakeSlack, str], change: dict[str, str | None]
) -> None:
    sender, fake, db_url = served
    fields = command_payload("log met Jane Doe", response_url=fake.response_url("m"))
    for key, value in change.items():
        if value is None:
            fields.pop(key, None)
        else:
            fields[key] = value
    answer = sender.post(urlencode(fields).encode(), FORM)
    assert 200 <= answer.status < 500, answer
    fake.settle(0.3)
    stored = count(db_url, "SELECT count(*) FROM note")
    if {"team_id", "user_id", "text", "command"} & {k for k, v in change.items() if not v}:
        assert stored == 0  # no identity, no text or not our command: nothing filed
    no_errors_told(fake)
    still_serves(sender, fake)


MALFORMED_BODIES = [
    pytest.param(b"not json at all", "application/json", id="event-not-json"),
    pytest.param(b"[1, 2, 3]", "application/json", id="event-a-list"),
    pytest.param(b'{"type": "event_callback"}', "application/json", id="event-no-event"),
    pytest.param(
        b'{"type": "event_callback", "event": "message", "team_id": 7}',
        "application/json",
        id="event-wrong-types",
    ),
    pytest.param(
        json.dumps(
            event_envelope({"type": "message", "channel_type": "im", "user": ["U1"], "text": 5})
        ).encode(),
        "application/json",
        id="dm-wrong-types",
    ),
    pytest.param(
        json.dumps(event_envelope({"type": "app_mention", "text": "hi"})).encode(),
        "application/json",
        id="mention-no-user",
    ),
    pytest.param(b"payload=not-json", FORM, id="interaction-not-json"),
    pytest.param(b"payload=%5B%5D", FORM, id="interaction-a-list"),
    pytest.param(
        urlencode({"payload": json.dumps({"type": "block_actions"})}).encode(),
        FORM,
        id="action-no-user",
    ),
    pytest.param(
        urlencode(
            {"payload": json.dumps({**block_action(ACTION_UNDO, "1"), "actions": "x"})}
        ).encode(),
        FORM,
        id="action-actions-a-string",
    ),
    pytest.param(
        urlencode({"payload": json.dumps(block_action(ACTION_UNDO, "DROP TABLE"))}).encode(),
        FORM,
        id="undo-value-not-an-id",
    ),
    pytest.param(
        urlencode({"payload": json.dumps(block_action(ACTION_EDIT, "9" * 40))}).encode(),
        FORM,
        id="edit-value-huge-int",
    ),
    pytest.param(b"%%%&&&===", FORM, id="form-garbage"),
    pytest.param(b"", FORM, id="empty-body"),
]


@pytest.mark.slow  # a battery of cases, each on a fresh server
@pytest.mark.parametrize(("body", "content_type"), MALFORMED_BODIES)
def test_malformed_events_and_interactions_never_answer_500(
    served: tuple[SlackSender, FakeSlack, str], body: bytes, content_type: str
) -> None:
    sender, fake, db_url = served
    answer = sender.post(body, content_type)
    assert answer.status < 500, answer
    fake.settle(0.3)
    assert count(db_url, "SELECT count(*) FROM note") == 0
    no_errors_told(fake)
    still_serves(sender, fake)


def _without_view_type() -> dict[str, object]:
    payload = view_submission(VIEW_SAVE_NOTE, {"note": "met Jane Doe, she wants a shelter dog"})
    del payload["view"]["type"]
    return payload


# Signed, and JSON objects, but not what Slack sends: bolt would index what isn't there.
BAD_INTERACTIONS = [
    pytest.param({**block_action(ACTION_UNDO, "1"), "actions": []}, id="actions-empty"),
    pytest.param({**block_action(ACTION_UNDO, "1"), "actions": [{}]}, id="action-no-action-id"),
    pytest.param(
        {**block_action(ACTION_UNDO, "1"), "actions": [{"action_id": 7}]}, id="action-id-a-number"
    ),
    pytest.param(_without_view_type(), id="view-submission-no-view-type"),
    pytest.param({**_without_view_type(), "view": None}, id="view-submission-no-view"),
    pytest.param({**_without_view_type(), "type": "view_closed"}, id="view-closed-no-view-type"),
    pytest.param({**block_action(ACTION_UNDO, "1"), "type": 5}, id="type-a-number"),
    pytest.param({**block_action(ACTION_UNDO, "1"), "user": {}}, id="user-without-id"),
]


@pytest.mark.slow  # each case on a fresh server
@pytest.mark.parametrize("payload", BAD_INTERACTIONS)
def test_a_malformed_interaction_is_a_400_and_stores_nothing(
    served: tuple[SlackSender, FakeSlack, str], payload: dict[str, object]
) -> None:
    """A signed interaction Slack would never send is the client's error (400), not ours (a
    500 from bolt indexing `actions[0]` or `view.type`), and nothing is filed or answered."""
    sender, fake, db_url = served
    answer = sender.interact(payload)
    assert answer.status == 400, answer
    fake.settle(0.3)
    assert count(db_url, "SELECT count(*) FROM note") == 0
    assert fake.calls("response_url") == [] and fake.calls("chat.postMessage") == []
    still_serves(sender, fake)


def test_another_workspaces_ids_in_buttons_are_refused_without_a_leak(
    served: tuple[SlackSender, FakeSlack, str],
) -> None:
    sender, fake, db_url = served
    sender.command(
        "log met Jane Doe, she wants a shelter dog, prefers Rottweilers",
        user="UALICE",
        response_key="alice",
    )
    fake.wait_for("response_url", 1, timeout=10)
    note_id = count(db_url, "SELECT max(id) FROM note")
    contact_id = count(db_url, "SELECT max(id) FROM contact")
    fake.clear()

    other = "T0OTHER"
    for action_id, value in (
        (ACTION_UNDO, str(note_id)),
        (ACTION_EDIT, str(note_id)),
        (f"{ACTION_CARD_PREFIX}:0", str(contact_id)),
    ):
        payload = block_action(
            action_id,
            value,
            user="UMALLORY",
            team=other,
            response_url=fake.response_url(f"mallory-{action_id}"),
        )
        assert sender.interact(payload).status == 200
    sender.command("recall shelter dog", user="UMALLORY", team=other, response_key="mallory-recall")
    sender.command("who Jane", user="UMALLORY", team=other, response_key="mallory-who")
    fake.wait_for("response_url", 3, timeout=10)
    fake.settle(0.5)

    assert count(db_url, "SELECT count(*) FROM note WHERE id = :id", id=note_id) == 1
    for call in fake.calls():
        dump = call.text_dump()
        for word in SECRET_WORDS:
            assert word not in dump, (call.method, call.path, dump[:300])
    still_serves(sender, fake)


# --- numbers and text the client controls -------------------------------------------------------


@pytest.mark.parametrize(
    "timestamp",
    ["abc", "", "1e9", "-5", "1700000000.5", " 1700000000", "0x6553f100", "9" * 5000],
    ids=["word", "empty", "exponent", "negative", "fraction", "space", "hex", "5000-digits"],
)
def test_a_request_timestamp_that_is_not_a_number_is_401(
    served: tuple[SlackSender, FakeSlack, str], timestamp: str
) -> None:
    sender, fake, db_url = served
    body = urlencode(command_payload("log met Jane Doe", response_url=fake.response_url("t")))
    raw = body.encode()
    # Signed over the very timestamp sent, so only the timestamp itself is wrong.
    signature = (
        "v0="
        + hmac.new(
            sender.secret.encode(), f"v0:{timestamp}:".encode() + raw, hashlib.sha256
        ).hexdigest()
    )
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }
    assert raw_post(sender.base_url + "/slack/events", raw, headers) == 401
    assert count(db_url, "SELECT count(*) FROM note") == 0
    still_serves(sender, fake)


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


HUGE_BUTTONS = [
    pytest.param(ACTION_UNDO, "9" * 40, id="undo-40-digits"),
    pytest.param(ACTION_UNDO, "9" * 5000, id="undo-5000-digits"),
    pytest.param(ACTION_UNDO, str(2**31), id="undo-past-int32"),
    pytest.param(ACTION_UNDO, str(2**63), id="undo-past-int64"),
    pytest.param(ACTION_UNDO, "-1", id="undo-negative"),
    pytest.param(ACTION_UNDO, "1e30", id="undo-exponent"),
    pytest.param(f"{ACTION_CARD_PREFIX}:0", "9" * 25, id="card"),
    pytest.param(
        f"{ACTION_CHOOSE_PREFIX}:0", _json({"p": 10**30, "n": "Jane", "c": 1}), id="which"
    ),
    pytest.param(
        f"{ACTION_CHOOSE_PREFIX}:0", _json({"p": 1, "n": "Jane", "c": 2**64}), id="which-contact"
    ),
    pytest.param(f"{ACTION_RECALL_PAGE_PREFIX}:0", _json({"q": "dog", "o": 10**40}), id="page"),
    pytest.param(ACTION_FORGET_CONFIRM, _json({"c": 10**20, "u": "UALICE"}), id="forget"),
    pytest.param(f"{ACTION_FOCUS_PREFIX}:0", "9" * 30, id="focus"),
    pytest.param(
        f"{ACTION_FADING_PAGE_PREFIX}:0", _json({"p": 10**30, "t": None, "m": False}), id="fading"
    ),
]


@pytest.mark.parametrize(("action_id", "value"), HUGE_BUTTONS)
def test_a_huge_number_in_a_button_is_an_out_of_date_button(
    served: tuple[SlackSender, FakeSlack, str], action_id: str, value: str
) -> None:
    sender, fake, _ = served
    payload = block_action(action_id, value, response_url=fake.response_url("huge"))
    assert sender.interact(payload).status == 200
    reply = fake.wait_for("response_url", 1, timeout=10)[0]
    assert "out of date" in reply.text_dump(), reply.text_dump()[:300]
    assert "Something went wrong" not in reply.text_dump()
    fake.clear()
    still_serves(sender, fake)


def test_a_huge_snooze_in_a_reminder_menu_is_out_of_date(
    served: tuple[SlackSender, FakeSlack, str],
) -> None:
    sender, fake, _ = served
    for days in ("9" * 30, "99999999", "0", "x"):
        payload = block_action(ACTION_SNOOZE, "", response_url=fake.response_url(f"s{days[:3]}"))
        payload["actions"][0] = {
            "action_id": ACTION_SNOOZE,
            "block_id": "b",
            "type": "overflow",
            "selected_option": {"value": f"{days}|stay:1:1"},
        }
        assert sender.interact(payload).status == 200
        reply = fake.wait_for("response_url", 1, timeout=10)[0]
        assert "out of date" in reply.text_dump(), (days, reply.text_dump()[:300])
        fake.clear()
    still_serves(sender, fake)


UNSTORABLE = [
    pytest.param("lunch with Jane Doe\x00", id="nul"),
    pytest.param("lunch with Jane\x00 Doe, I owe her the deck by Friday", id="nul-with-a-loop"),
    pytest.param("lunch with Jane Doe \ud83d", id="lone-high-surrogate"),
    pytest.param("\udc00 lunch with Jane Doe", id="lone-low-surrogate"),
]


@pytest.mark.parametrize("text", [p for p in UNSTORABLE if "nul" in str(p.id)])
def test_a_nul_in_a_slash_command_is_bad_input_not_an_outage(
    served: tuple[SlackSender, FakeSlack, str], text: str
) -> None:
    # (A form is UTF-8: a lone surrogate cannot arrive in one, only escaped in a JSON event.)
    sender, fake, db_url = served
    assert sender.command("log " + text, response_key="nul").status == 200
    reply = fake.wait_for("response_url", 1, timeout=10)[0]
    assert "can't be stored" in reply.text_dump(), reply.text_dump()[:300]
    assert "database is unavailable" not in reply.text_dump()
    assert count(db_url, "SELECT count(*) FROM note") == 0
    fake.clear()
    still_serves(sender, fake)


@pytest.mark.parametrize("text", UNSTORABLE)
def test_unstorable_text_in_a_dm_is_bad_input_not_an_outage(
    served: tuple[SlackSender, FakeSlack, str], text: str
) -> None:
    sender, fake, db_url = served
    assert sender.event(dm(text)).status == 200
    said = fake.wait_for("chat.postMessage", 1, timeout=10)[0]
    assert "can't be stored" in said.text_dump(), said.text_dump()[:300]
    assert "database is unavailable" not in said.text_dump()
    assert count(db_url, "SELECT count(*) FROM note") == 0
    assert count(db_url, "SELECT count(*) FROM loop") == 0
    fake.clear()
    still_serves(sender, fake)
