"""200 signed `/rapport log` commands at once into a real `rapport serve --http`: every one acked
within Slack's 3 s, every note stored exactly once, every person answered exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.scale.conftest import Replica, count
from tests.slack.fakeslack import running_fake_slack
from tests.slack.payloads import Response, SlackSender, command_payload

CONCURRENT = 200
SLACK_ACK_LIMIT = 3.0
FIRST = "Jane Raj Priya Omar Chen Olga Ana Bob Liam Noor Sam Ken Maria Tom Lena Aiko Zoe Ivan Ravi"
FIRST += " Ida"
LAST = "Doe Patel Nakamura Okonkwo Fischer Haddad Silva Kowalski Petrova Quist"
# 200 different people: each note names its own new contact. (Notes that all name one *new*
# person at once are test_concurrent_first_mentions_make_one_contact's business.)
PEOPLE = [f"{first} {last}" for first in FIRST.split() for last in LAST.split()]


@pytest.mark.slow
def test_200_concurrent_commands_are_acked_in_time_and_stored_once(
    db_url: str, tmp_path: Path
) -> None:
    with running_fake_slack() as fake:
        replica = Replica(db_url, fake, log=tmp_path / "serve.log").wait_ready()
        try:
            sender = SlackSender(replica.base_url, response_url_base=fake.url)
            bodies = [
                urlencode(
                    command_payload(
                        f"log coffee with {PEOPLE[i]}, talked about plan {i}",
                        user=f"U{i % 20:03d}",
                        response_url=fake.response_url(f"load{i}"),
                    )
                ).encode()
                for i in range(CONCURRENT)
            ]
            answers: list[Response | None] = [None] * CONCURRENT
            start = threading.Barrier(CONCURRENT)

            def send(i: int) -> None:
                start.wait()
                answers[i] = sender.post(bodies[i], "application/x-www-form-urlencoded")

            threads = [threading.Thread(target=send, args=(i,)) for i in range(CONCURRENT)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)

            statuses = Counter(a.status if a else None for a in answers)
            assert statuses == {200: CONCURRENT}, statuses
            slowest = max(a.elapsed for a in answers if a)
            assert slowest < SLACK_ACK_LIMIT, f"slowest ack {slowest:.2f} s"

            replies = fake.wait_for("response_url", CONCURRENT, timeout=120)
            fake.settle(0.5, timeout=30)
        finally:
            replica.stop()

    per_url = Counter(c.path for c in fake.calls("response_url"))
    assert len(per_url) == CONCURRENT and set(per_url.values()) == {1}, per_url.most_common(3)
    assert not [c for c in replies if "Couldn't" in c.text_dump()]
    assert count(db_url, "SELECT count(*) FROM note") == CONCURRENT
    assert count(db_url, "SELECT count(DISTINCT text) FROM note") == CONCURRENT
    # Each note with its link to its contact: nothing half-written under load either.
    assert (
        count(
            db_url,
            "SELECT count(*) FROM note n WHERE NOT EXISTS "
            "(SELECT 1 FROM notecontact nc WHERE nc.note_id = n.id)",
        )
        == 0
    )


@pytest.mark.slow
@pytest.mark.postgres
def test_concurrent_first_mentions_make_one_contact(pg_database: str, tmp_path: Path) -> None:
    from tests.conftest import reset_postgres

    reset_postgres(pg_database)
    with running_fake_slack() as fake:
        replica = Replica(pg_database, fake, log=tmp_path / "serve.log").wait_ready()
        try:
            sender = SlackSender(replica.base_url, response_url_base=fake.url)
            start = threading.Barrier(20)

            def send(i: int) -> None:
                start.wait()
                sender.command(f"log lunch with Wanda Newperson, idea {i}", user=f"U{i:03d}")

            threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            fake.wait_for("response_url", 20, timeout=60)
        finally:
            replica.stop()
    assert count(pg_database, "SELECT count(*) FROM contact") == 1
    assert count(pg_database, "SELECT count(*) FROM note") == 20
