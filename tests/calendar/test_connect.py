"""A connected calendar: the secret address kept encrypted and never shown or logged, read on a
schedule from a real local HTTP server with conditional requests, and every way a feed fails
(404, 401, a stall, a huge body, a page that is not a calendar) costing only that read."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from bot.app import Rapport
from bot.channels.calendars.fetch import (
    BlockedAddressError,
    check_public_host,
    fetch_calendar,
    make_client,
    mask,
)
from bot.domain.calendars import normalize_address
from bot.domain.errors import NotFoundError, UserInputError
from bot.reminders.notifier import MemoryNotifier
from bot.store.calendar_models import Calendar
from bot.store.db import SessionFactory
from bot.store.secrets import SecretBox, SecretKeyError
from tests.calendar.conftest import ANA, BOB, JANE, ME, NOW, World, calendar, days_ago, event
from tests.calendar.icsserver import Feed, Server, serving

KEY = Fernet.generate_key().decode()
TOKEN = "private-5f3a9c2e7b1d4c8aa0e6b2d9c4f17e3b"
PATH = f"/calendar/ical/ana%40acme.com/{TOKEN}/basic.ics"
SHORT = httpx.Timeout(0.5, connect=0.5)


@pytest.fixture
def server() -> Iterator[Server]:
    with serving() as running:
        yield running


@pytest.fixture
def world(sessions: SessionFactory, tmp_path: Path) -> World:
    found = World(sessions=sessions, now=NOW)
    found.app = Rapport(sessions=sessions, clock=lambda: found.now, calendar_key=KEY)
    found.app.calendars.client = lambda: make_client(timeout=SHORT, allow_private=True)
    found.contacts(tmp_path)
    return found


def url(server: Server) -> str:
    return server.base + PATH


def feed(*events: str, etag: str | None = '"v1"', **kw: object) -> Feed:
    return Feed(body=calendar(*events), etag=etag, **kw)  # type: ignore[arg-type]


def cards(world: World, name: str = "Jane Doe") -> list[str]:
    return [e.text for e in world.app.recall.card(actor=ANA, name=name).timeline]


# --- the address is a credential ---------------------------------------------------------------


def test_without_a_key_nothing_is_stored_and_one_line_says_why(
    sessions: SessionFactory, server: Server
) -> None:
    app = Rapport(sessions=sessions, clock=lambda: NOW)
    with pytest.raises(SecretKeyError) as error:
        app.calendars.connect(actor=ANA, url=url(server))
    message = str(error.value)
    assert "RAPPORT_CALENDAR_KEY is not set" in message and "\n" not in message
    assert TOKEN not in message
    assert app.calendars.status(actor=ANA) == ()


def test_the_address_is_encrypted_at_rest_and_shown_masked(
    world: World, server: Server, sessions: SessionFactory
) -> None:
    view = world.app.calendars.connect(actor=ANA, url=url(server), name="Work")
    assert view.address == "http://127.0.0.1/…/basic.ics" and view.connected
    with sessions() as session:
        row = session.exec(select(Calendar)).one()
        assert row.secret is not None and TOKEN not in row.secret and "127.0.0.1" not in row.secret
        assert SecretBox(KEY).open(row.secret) == url(server)
        stored = " ".join(str(v) for v in row.model_dump().values())
        assert TOKEN not in stored.replace(row.secret, "")
    status = world.app.calendars.status(actor=ANA)
    assert [s.address for s in status] == ["http://127.0.0.1/…/basic.ics"]
    assert TOKEN not in repr(status)


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        (
            "https://calendar.google.com/calendar/ical/ana%40acme.com/private-abc123/basic.ics",
            "https://calendar.google.com/…/basic.ics",
        ),
        (
            "https://outlook.office365.com/owa/calendar/0f1e2d@acme.com/7a8b9c0d1e/calendar.ics",
            "https://outlook.office365.com/…/calendar.ics",
        ),
        (
            "webcal://p42-caldav.icloud.com/published/2/MTIzNDU2Nzg5MDEy",
            "https://p42-caldav.icloud.com/…",
        ),
        ("https://example.com/feed.ics?token=hunter2", "https://example.com/…/feed.ics"),
        ("https://user:pass@example.com/x/cal.ics", "https://example.com/…/cal.ics"),
        ("https://example.com/u/3f9a1b2c.ics", "https://example.com/…"),
    ],
    ids=["google", "outlook", "icloud-webcal", "query-token", "userinfo", "token-file-name"],
)
def test_masking_keeps_the_host_and_never_the_secret(address: str, shown: str) -> None:
    assert mask(normalize_address(address)) == shown


@pytest.mark.parametrize(
    "address",
    ["ftp://example.com/tok3n.ics", "calendar.google.com/tok3n.ics", "", "https://", "http://[x"],
)
def test_what_is_not_a_web_address_is_refused_without_echoing_it(
    world: World, address: str
) -> None:
    with pytest.raises(UserInputError) as error:
        world.app.calendars.connect(actor=ANA, url=address)
    assert "tok3n" not in str(error.value) and "\n" not in str(error.value)


def test_a_rotated_key_still_opens_the_old_address() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = SecretBox(old).seal("https://example.com/secret.ics")
    assert SecretBox(f"{new},{old}").open(sealed) == "https://example.com/secret.ics"
    with pytest.raises(SecretKeyError, match="Connect the calendar again"):
        SecretBox(new).open(sealed)
    with pytest.raises(ValueError, match="not a Fernet key"):
        SecretBox("not-a-key")


# --- reading it --------------------------------------------------------------------------------


def test_connecting_then_syncing_files_meetings_and_a_second_read_is_conditional(
    world: World, server: Server
) -> None:
    server.feeds[PATH] = feed(event("m1", days_ago(2), title="Renewal"))
    world.app.calendars.connect(actor=ANA, url=url(server), name="Work")
    first = world.app.calendars.sync(actor=ANA)
    assert first.status == "ok" and first.summary is not None and first.summary.added == 1
    assert cards(world) == ["Renewal"]
    assert "if-none-match" not in server.requests(PATH)[0].headers
    world.later(hours=2)
    second = world.app.calendars.sync(actor=ANA)
    assert second.status == "not modified" and second.summary is None
    assert server.requests(PATH)[1].headers["if-none-match"] == '"v1"'
    assert cards(world) == ["Renewal"]


def test_last_modified_alone_is_sent_back_as_if_modified_since(
    world: World, server: Server
) -> None:
    stamp = "Mon, 23 Nov 2026 10:00:00 GMT"
    server.feeds[PATH] = feed(event("m1", days_ago(2)), etag=None, last_modified=stamp)
    world.app.calendars.connect(actor=ANA, url=url(server))
    assert world.app.calendars.sync(actor=ANA).status == "ok"
    assert world.app.calendars.sync(actor=ANA).status == "not modified"
    assert server.requests(PATH)[1].headers["if-modified-since"] == stamp


def test_a_changed_feed_moves_and_removes_what_changed(world: World, server: Server) -> None:
    server.feeds[PATH] = feed(event("m1", days_ago(2)), event("m2", days_ago(4), title="Demo"))
    world.app.calendars.connect(actor=ANA, url=url(server))
    world.app.calendars.sync(actor=ANA)
    server.feeds[PATH] = feed(
        event("m1", days_ago(3)),
        event("m2", days_ago(4), title="Demo", status="CANCELLED"),
        etag='"v2"',
    )
    synced = world.app.calendars.sync(actor=ANA)
    assert synced.summary is not None
    assert (synced.summary.moved, synced.summary.removed) == (1, 1)
    assert cards(world) == ["Catch-up"]


@pytest.mark.parametrize(
    ("feed_", "error"),
    [
        (Feed(status=404), "HTTP 404"),
        (Feed(status=500), "HTTP 500"),
        (Feed(body=calendar(), stall=1.5), "timed out"),
        (Feed(body=b"x" * (1024 * 1024), repeat=11), "larger than 10 MB"),
        (Feed(body=b"x" * (256 * 1024), repeat=44, drip=True), "larger than 10 MB"),
        (
            Feed(body=b"<html><body>Please sign in</body></html>"),
            "the address did not send a calendar",
        ),
        (Feed(body=b"\x00\x01garbage" * 100), "the address did not send a calendar"),
    ],
    ids=["404", "500", "timeout", "oversize", "oversize-chunked", "html", "garbage"],
)
def test_a_failing_feed_costs_only_that_read(
    world: World, server: Server, feed_: Feed, error: str
) -> None:
    server.feeds[PATH] = feed(event("m1", days_ago(2)))
    world.app.calendars.connect(actor=ANA, url=url(server))
    assert world.app.calendars.sync(actor=ANA).status == "ok"
    server.feeds[PATH] = feed_
    failed = world.app.calendars.sync(actor=ANA)
    assert failed.status == f"error: {error}"
    assert TOKEN not in failed.status
    assert cards(world) == ["Catch-up"]  # what was filed stays
    [view] = world.app.calendars.status(actor=ANA)
    assert view.last_status == f"error: {error}" and view.next_sync_at is not None
    assert view.next_sync_at >= world.now + timedelta(minutes=60)


def test_an_address_that_goes_away_is_told_once_and_retried_less_often(
    world: World, server: Server
) -> None:
    server.feeds[PATH] = Feed(status=404)
    world.app.calendars.connect(actor=ANA, url=url(server))
    notifier = MemoryNotifier()
    (sync_calendars,) = [j for j in world.app.jobs(notifier) if j.__name__ == "sync_calendars"]
    waits = []
    for _ in range(4):
        sync_calendars()
        [view] = world.app.calendars.status(actor=ANA)
        assert view.next_sync_at is not None
        waits.append(view.next_sync_at - world.now)
        world.now = view.next_sync_at
    assert waits == [timedelta(hours=1), timedelta(hours=2), timedelta(hours=4), timedelta(hours=8)]
    assert len(notifier.sent) == 1
    sent = notifier.sent[0]
    assert sent.user == "U_ANA" and sent.workspace == "T1"
    assert "it no longer exists" in sent.text and TOKEN not in sent.text
    # It works again: the next failure is news again.
    server.feeds[PATH] = feed(event("m1", days_ago(2)))
    sync_calendars()
    server.feeds[PATH] = Feed(status=401)
    world.now = world.app.calendars.status(actor=ANA)[0].next_sync_at or world.now
    sync_calendars()
    assert len(notifier.sent) == 2 and "asks for a password" in notifier.sent[1].text


def test_the_scheduler_reads_only_due_calendars(world: World, server: Server) -> None:
    server.feeds[PATH] = feed(event("m1", days_ago(2)))
    server.feeds["/bob.ics"] = feed(event("b1", days_ago(1), people=(ME, JANE)))
    world.app.calendars.connect(actor=ANA, url=url(server), every_minutes=30)
    world.app.calendars.connect(actor=BOB, url=server.base + "/bob.ics", me="bob@acme.com")
    first = world.app.calendars.sync_due()
    assert sorted(s.owner for s in first.synced) == ["U_ANA", "U_BOB"]
    assert world.app.calendars.sync_due().synced == ()  # nothing due yet
    world.later(minutes=31)
    again = world.app.calendars.sync_due()
    assert [(s.owner, s.status) for s in again.synced] == [("U_ANA", "not modified")]
    assert len(server.requests(PATH)) == 2 and len(server.requests("/bob.ics")) == 1


def test_a_claimed_calendar_is_not_read_twice(world: World, server: Server) -> None:
    server.feeds[PATH] = feed(event("m1", days_ago(2)))
    world.app.calendars.connect(actor=ANA, url=url(server))
    other = Rapport(
        sessions=world.sessions,
        clock=lambda: world.now,
        calendar_key=KEY,
        calendar_allow_private=True,
    )
    first = world.app.calendars.sync_due()
    second = other.calendars.sync_due()  # same moment, another process: the lease holds it
    assert len(first.synced) == 1 and second.synced == ()


def test_one_failing_calendar_does_not_stop_the_others(world: World, server: Server) -> None:
    server.feeds["/bob.ics"] = feed(event("b1", days_ago(1)))
    world.app.calendars.connect(actor=ANA, url=server.base + "/nothing-here.ics")
    world.app.calendars.connect(actor=BOB, url=server.base + "/bob.ics")
    report = world.app.calendars.sync_due()
    assert sorted(s.status for s in report.synced) == ["error: HTTP 404", "ok"]


def test_disconnect_forgets_the_address_and_keeps_the_meetings(
    world: World, server: Server, sessions: SessionFactory
) -> None:
    server.feeds[PATH] = feed(event("m1", days_ago(2)))
    world.app.calendars.connect(actor=ANA, url=url(server), name="Work")
    world.app.calendars.sync(actor=ANA)
    view = world.app.calendars.disconnect(actor=ANA)
    assert not view.connected and view.address == "" and view.meetings == 1
    with sessions() as session:
        assert session.exec(select(Calendar)).one().secret is None
    assert world.app.calendars.sync_due().synced == ()
    assert cards(world) == ["Catch-up"]
    with pytest.raises(NotFoundError):
        world.app.calendars.sync(actor=BOB)
    # connected again: the meetings it filed are not filed twice
    world.app.calendars.connect(actor=ANA, url=url(server), name="Work")
    again = world.app.calendars.sync(actor=ANA)
    assert again.summary is not None and again.summary.unchanged == 1
    assert cards(world) == ["Catch-up"]


def test_two_connected_calendars_need_a_name(world: World, server: Server) -> None:
    world.app.calendars.connect(actor=ANA, url=url(server), name="Work")
    world.app.calendars.connect(actor=ANA, url=server.base + "/home.ics", name="Home")
    with pytest.raises(UserInputError, match=r"Which calendar\? You have Home, Work\."):
        world.app.calendars.disconnect(actor=ANA)
    assert world.app.calendars.disconnect(actor=ANA, name="home").name == "Home"


def test_an_interval_out_of_range_is_refused(world: World, server: Server) -> None:
    with pytest.raises(UserInputError, match="every 15 minutes"):
        world.app.calendars.connect(actor=ANA, url=url(server), every_minutes=1)


def test_the_address_never_reaches_a_log(
    world: World, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.feeds[PATH] = feed(event("m1", days_ago(2)))
    world.app.calendars.connect(actor=ANA, url=url(server))
    notifier = MemoryNotifier()
    for feed_ in (server.feeds[PATH], Feed(status=404), Feed(body=calendar(), stall=1.5)):
        server.feeds[PATH] = feed_
        for job in world.app.jobs(notifier):
            job()
        world.later(days=2)
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert TOKEN not in text and "ana%40acme.com" not in text
    assert all(TOKEN not in s.text for s in notifier.sent)


def test_fetch_follows_a_redirect_and_refuses_a_redirect_loop(server: Server) -> None:
    server.feeds["/real.ics"] = Feed(body=calendar(), etag='"r"')
    with make_client(timeout=SHORT, allow_private=True) as client:
        assert fetch_calendar(client, server.base + "/real.ics").status == "ok"
        got = fetch_calendar(client, "http://127.0.0.1:9/closed.ics")
    assert got.status == "error" and got.error.startswith("could not fetch it")


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:{port}/cal.ics",
        "http://localhost:{port}/cal.ics",
        "http://[::1]:{port}/cal.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/cal.ics",
        "http://192.168.1.1/cal.ics",
    ],
    ids=["loopback", "localhost", "ipv6-loopback", "cloud-metadata", "10/8", "192.168/16"],
)
def test_private_and_loopback_addresses_are_refused_by_default(
    server: Server, address: str
) -> None:
    # (nothing is sent to these addresses: the check refuses before connecting)
    server.feeds["/cal.ics"] = Feed(body=calendar(), etag='"x"')
    port = server.base.rsplit(":", 1)[1]
    with make_client(timeout=SHORT) as client:
        got = fetch_calendar(client, address.format(port=port))
    assert got.status == "error" and "private network" in got.error
    assert server.requests("/cal.ics") == []


def test_every_request_a_redirect_makes_is_checked_too() -> None:
    # The hook the default client runs on every request, redirects included.
    request = httpx.Request("GET", "http://127.0.0.1/redirected.ics")
    with pytest.raises(BlockedAddressError):
        check_public_host(request)
    public = httpx.Request("GET", "https://93.184.215.14/cal.ics")  # a global address literal
    check_public_host(public)  # no raise, no DNS needed for a literal


def test_the_app_refuses_private_addresses_unless_allowed(
    sessions: SessionFactory, server: Server
) -> None:
    server.feeds[PATH] = feed(event("m1", days_ago(2)))
    strict = Rapport(sessions=sessions, clock=lambda: NOW, calendar_key=KEY)
    strict.calendars.connect(actor=ANA, url=url(server))
    assert "private network" in strict.calendars.sync(actor=ANA).status
    assert server.requests(PATH) == []
