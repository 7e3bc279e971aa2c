"""The database goes away mid-run and comes back.

SQLite: another connection holds the write lock beyond the busy timeout (1 s here, set in the URL).
PostgreSQL: a loopback TCP relay between the app and the server is cut (open connections dropped,
new ones refused) and restored; the shared server itself never stops.

While it is away, each `/rapport log` is still acked at once, and the person gets "Couldn't save
that — try again" within 3 s; nothing is half-written (every stored note has its contact links and
its loops, and was confirmed); when the database is back, the next note is saved.

A process killed with SIGKILL during delivery is covered by tests/reminders/test_multiprocess.py
(test_a_process_killed_mid_batch_loses_nothing: once the lease runs out, the survivors send every
claimed reminder, once).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import pytest
from sqlalchemy import make_url

from bot.handlers.common import STORAGE_UNAVAILABLE
from tests.scale.conftest import TcpProxy, count, serve_app, sqlite_write_lock
from tests.slack.fakeslack import Call, FakeSlack, running_fake_slack
from tests.slack.payloads import SlackSender, command_payload

REPLY_WITHIN = 3.0
NOTES = [
    "log coffee with Jane Doe, I owe her the pricing deck by Friday",
    "log lunch with Raj Patel and Priya Nair, asked Priya for the contract",
    "log call with Omar Haddad, he wants an intro to an accountant",
]


@contextlib.contextmanager
def outage_for(
    db_url: str,
) -> Iterator[tuple[str, Callable[[], contextlib.AbstractContextManager[None]]]]:
    """The URL the app should use, and a context manager during which the database is away."""
    if db_url.startswith("sqlite"):
        app_url = db_url + "?timeout=1"

        def locked() -> contextlib.AbstractContextManager[None]:
            return sqlite_write_lock(db_url)

        yield app_url, locked
        return
    target = make_url(db_url)
    proxy = TcpProxy((target.host or "127.0.0.1", target.port or 5432))

    @contextlib.contextmanager
    def cut() -> Iterator[None]:
        proxy.cut()
        try:
            yield
        finally:
            proxy.restore()

    try:
        yield proxy.url_for(db_url), cut
    finally:
        proxy.close()


def send_log(sender: SlackSender, fake: FakeSlack, text: str, key: str) -> float:
    fields = command_payload(text, user="UALICE", response_url=fake.response_url(key))
    answer = sender.post(urlencode(fields).encode(), "application/x-www-form-urlencoded")
    assert answer.status == 200, answer
    assert answer.elapsed < REPLY_WITHIN
    return time.monotonic()


def refused_one(fake: FakeSlack, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not any(c.params.get("text") == STORAGE_UNAVAILABLE for c in fake.calls("response_url")):
        if time.monotonic() > deadline:
            got = [(c.path.rsplit("/", 1)[1], c.params.get("text", "")[:60]) for c in fake.calls()]
            raise AssertionError(f"no note was refused within {timeout} s of the outage: {got}")
        time.sleep(0.02)


def reply_for(fake: FakeSlack, key: str, *, timeout: float) -> Call:
    deadline = time.monotonic() + timeout
    while True:
        found = [c for c in fake.calls("response_url") if c.path.endswith("/" + key)]
        if found:
            assert len(found) == 1, found
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no reply for {key} within {timeout} s")
        time.sleep(0.02)


def assert_nothing_half_written(db_url: str) -> None:
    orphans = count(
        db_url,
        "SELECT count(*) FROM note n WHERE NOT EXISTS "
        "(SELECT 1 FROM notecontact nc WHERE nc.note_id = n.id)",
    )
    assert orphans == 0
    loops_without_note = count(
        db_url,
        "SELECT count(*) FROM loop l WHERE l.source_note_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM note n WHERE n.id = l.source_note_id)",
    )
    assert loops_without_note == 0


@pytest.mark.slow
def test_database_away_gets_a_clear_reply_and_service_resumes(db_url: str) -> None:
    with (
        running_fake_slack() as fake,
        outage_for(db_url) as (app_url, away),
        serve_app(app_url, fake) as sender,
    ):
        send_log(sender, fake, NOTES[0], "before")
        assert "Couldn't" not in reply_for(fake, "before", timeout=10).text_dump()
        assert count(db_url, "SELECT count(*) FROM note") == 1

        with away():
            for i, text in enumerate(NOTES[1:]):
                sent = send_log(sender, fake, text, f"away{i}")
                reply = reply_for(fake, f"away{i}", timeout=REPLY_WITHIN + 2)
                assert reply.at - sent < REPLY_WITHIN, f"reply after {reply.at - sent:.1f} s"
                assert reply.params["text"] == STORAGE_UNAVAILABLE
        assert count(db_url, "SELECT count(*) FROM note") == 1

        send_log(sender, fake, NOTES[1], "after")
        reply = reply_for(fake, "after", timeout=10)
        assert "Couldn't" not in reply.text_dump(), reply.text_dump()
    assert count(db_url, "SELECT count(*) FROM note") == 2
    assert_nothing_half_written(db_url)


@pytest.mark.slow
def test_outage_in_the_middle_of_a_burst_leaves_whole_notes_only(db_url: str) -> None:
    """30 notes in flight while the database goes away and returns: each person gets exactly one
    answer; every confirmed note is stored with its links and loops, no refused one is, and a
    note whose commit lost its answer is said to be in doubt, never refused."""
    total, before = 30, 10
    outage_on = threading.Event()
    with (
        running_fake_slack() as fake,
        outage_for(db_url) as (app_url, away),
        serve_app(app_url, fake) as sender,
    ):

        def burst() -> None:
            for i in range(total):
                if i == before:
                    # The rest are sent while the database is away. (Taking SQLite's lock can
                    # wait behind the app's own writers until a burst sent at once is all done.)
                    assert outage_on.wait(timeout=60)
                text = f"{NOTES[i % 3]} (take {i})"
                send_log(sender, fake, text, f"burst{i}")
                time.sleep(0.03)

        sending = threading.Thread(target=burst)
        sending.start()
        reply_for(fake, "burst0", timeout=30)
        # Away until a note in flight has been refused (not for a fixed time: on a loaded host
        # the work after the acks can lag the burst by more than any fixed outage).
        with away():
            outage_on.set()
            refused_one(fake, timeout=60)
        sending.join(timeout=60)
        replies = fake.wait_for("response_url", total, timeout=60)
        fake.settle(0.5, timeout=10)

    by_key = {c.path.rsplit("/", 1)[1]: c for c in fake.calls("response_url")}
    assert len(by_key) == total == len(fake.calls("response_url"))
    said = {int(k.removeprefix("burst")): c.params.get("text", "") for k, c in by_key.items()}
    refused = {i for i, text in said.items() if text == STORAGE_UNAVAILABLE}
    in_doubt = {i for i, text in said.items() if "can't tell whether it was kept" in text}
    confirmed = {i for i, text in said.items() if text.startswith("Saved a note about")}
    assert refused | in_doubt | confirmed == set(range(total)), said
    assert refused, "the outage should have refused some notes"
    assert confirmed, "the notes before and after the outage should be saved"
    stored = {i for i in range(total) if stored_take(db_url, i)}
    assert confirmed <= stored, "a confirmed note was lost"
    assert not refused & stored, "a note was stored although its author was told to try again"
    assert stored <= confirmed | in_doubt
    assert len(replies) >= total
    assert_nothing_half_written(db_url)


def stored_take(db_url: str, i: int) -> bool:
    return count(db_url, "SELECT count(*) FROM note WHERE text LIKE :t", t=f"%(take {i})") == 1
