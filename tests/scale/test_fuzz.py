"""Hypothesis over the handlers' payload parsing, through the real HTTP server and bolt.

Slash-command form fields and interactivity payloads with arbitrary values, all correctly signed
(the worst case: only Slack, or someone holding the secret, can send these): the answer is always
below 500, and nothing is stored for a request that could not file a note. The parser and recall
have their own property tests (tests/parsing/test_parse_properties.py, tests/store/test_search.py).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.blocks.ids import (
    ACTION_CARD_PREFIX,
    ACTION_CHOOSE_PREFIX,
    ACTION_EDIT,
    ACTION_RECALL_PAGE_PREFIX,
    ACTION_UNDO,
)
from tests.scale.conftest import count, serve_app
from tests.slack.fakeslack import FakeSlack, running_fake_slack
from tests.slack.payloads import SlackSender, command_payload

FORM = "application/x-www-form-urlencoded"
_examples = itertools.count()
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SlackSender, FakeSlack, str]]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'rapport.db'}"
    with running_fake_slack() as fake, serve_app(url, fake) as sender:
        yield sender, fake, url


ids = st.one_of(
    st.just(""), st.text(max_size=12), st.from_regex(r"[UTW][A-Z0-9]{1,10}", fullmatch=True)
)
words = st.sampled_from(["log", "recall", "who", "loops", "help", "find", "snooze", "", "LOG"])
texts = st.builds(lambda w, rest: f"{w} {rest}".strip(), words, st.text(max_size=200))


@FUZZ
@given(
    team=st.one_of(st.none(), ids),
    user=st.one_of(st.none(), ids),
    text=st.one_of(st.none(), texts),
    command=st.sampled_from(["/rapport", "/rapport", "/other", "", None]),
    extra=st.dictionaries(st.text(max_size=10), st.text(max_size=30), max_size=3),
)
@pytest.mark.slow
def test_any_slash_command_fields_answer_below_500(
    served: tuple[SlackSender, FakeSlack, str],
    team: str | None,
    user: str | None,
    text: str | None,
    command: str | None,
    extra: dict[str, str],
) -> None:
    sender, fake, url = served
    before = count(url, "SELECT count(*) FROM note")
    reply_key = f"f{next(_examples)}"
    fields: dict[str, str] = {
        **extra,
        **command_payload("", response_url=fake.response_url(reply_key)),
    }
    for key, value in (("team_id", team), ("user_id", user), ("text", text), ("command", command)):
        if value is None:
            fields.pop(key, None)
        else:
            fields[key] = value
    answer = sender.post(urlencode(fields).encode(), FORM)
    assert answer.status < 500, (answer, fields)
    if answer.status == 200 and command == "/rapport":
        # Acked: its work runs in the background and ends with one answer on its response_url.
        # Wait for that answer (not for a quiet spell), so its note is in before the next
        # example counts.
        fake.wait_for_path(f"/response/{reply_key}", timeout=30)
    can_file = (
        answer.status == 200
        and (command or "") == "/rapport"
        and bool((team or "").strip())
        and bool((user or "").strip())
        and (text or "").lower().startswith("log ")
    )
    if not can_file:
        assert count(url, "SELECT count(*) FROM note") == before, fields


json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
json_values = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
action_ids = st.sampled_from(
    [
        ACTION_UNDO,
        ACTION_EDIT,
        f"{ACTION_CHOOSE_PREFIX}:0",
        f"{ACTION_CARD_PREFIX}:0",
        f"{ACTION_RECALL_PAGE_PREFIX}:0",
        "reminder_done",
        "reminder_snooze",
        "reminder_stop",
        "nonsense",
    ]
)
actions = st.lists(
    st.fixed_dictionaries(
        {"action_id": action_ids, "type": st.just("button")},
        optional={"value": st.one_of(st.text(max_size=40), json_values), "block_id": ids},
    ),
    max_size=2,
)
payloads = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["block_actions", "view_submission", "message_action", "shortcut", "view_closed", "x"]
        ),
    },
    optional={
        "user": st.one_of(st.fixed_dictionaries({"id": ids}), json_values),
        "team": st.one_of(st.fixed_dictionaries({"id": ids}), st.none()),
        "actions": st.one_of(actions, json_values),
        "callback_id": st.one_of(st.sampled_from(["save_as_note", "edit_note", "x"]), json_leaf),
        "view": st.one_of(
            st.fixed_dictionaries(
                {"callback_id": st.sampled_from(["save_as_note", "edit_note", "x"])},
                optional={"private_metadata": st.text(max_size=40), "state": json_values},
            ),
            json_values,
        ),
        "message": st.one_of(st.fixed_dictionaries({"text": st.text(max_size=40)}), json_values),
        "trigger_id": st.text(max_size=10),
    },
)


@pytest.mark.slow
@FUZZ
@given(payload=payloads)
def test_any_interaction_payload_answers_below_500_and_files_nothing(
    served: tuple[SlackSender, FakeSlack, str], payload: dict[str, Any]
) -> None:
    sender, fake, url = served
    before = count(url, "SELECT count(*) FROM note")
    payload = {**payload, "response_url": fake.response_url("i")}
    answer = sender.post(urlencode({"payload": json.dumps(payload)}).encode(), FORM)
    assert answer.status < 500, (answer, payload)
    fake.settle(0.05, timeout=5)
    assert count(url, "SELECT count(*) FROM note") == before, payload
