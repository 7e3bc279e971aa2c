"""A CalDAV account, read from a real CalDAV server (Radicale, started by the tests): found from
the account's address, read with its own change detection (an unchanged calendar costs one small
PROPFIND and no event bodies), its meetings on the contacts' cards, a change on the server moved
on the next read, a wrong password told once; the password never shown, logged or exported."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import ClassVar

import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from bot.app import Rapport
from bot.channels.calendars.caldav import Account
from bot.channels.calendars.fetch import make_client
from bot.reminders.notifier import MemoryNotifier
from bot.store.calendar_models import Calendar
from bot.store.db import SessionFactory
from bot.store.secrets import SecretBox
from tests.calendar.conftest import ANA, CONTACTS, ME, NOW, RAJ, World, days_ago, event
from tests.calendar.radicale import Radicale, running_radicale
from tests.cli_kit import run

KEY = Fernet.generate_key().decode()
PASSWORD = "app-pw-Zq7x-K2m9-Wv4c"
_users = count(1)

LISBON = """BEGIN:VTIMEZONE\r
TZID:Europe/Lisbon\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0000\r
TZOFFSETTO:+0100\r
TZNAME:WEST\r
DTSTART:19700329T010000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0000\r
TZNAME:WET\r
DTSTART:19701025T020000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
"""


def resource(*components: str) -> str:
    """One calendar object as a CalDAV client stores it: a VCALENDAR per UID."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Nextcloud calendar v4//EN\r\n"
        + "".join(components)
        + "END:VCALENDAR\r\n"
    )


def _series_with_exceptions() -> str:
    """Weekly on Mondays at 10:00 UTC, 8 times from 5 October; 19 October taken out (EXDATE),
    9 November moved to Tuesday 10 November 11:00; Raj has no name on the invitation."""
    master = event(
        "weekly-raj",
        datetime(2026, 10, 5, 10, tzinfo=UTC),
        title="Weekly sync",
        people=(ME, RAJ),
        rrule="FREQ=WEEKLY;COUNT=8",
        extra="EXDATE:20261019T100000Z",
    )
    moved = event(
        "weekly-raj",
        datetime(2026, 11, 10, 11, tzinfo=UTC),
        title="Weekly sync (moved)",
        people=(ME, RAJ),
        recurrence_id=datetime(2026, 11, 9, 10, tzinfo=UTC),
    )
    return resource(master, moved)


def _dst_series() -> str:
    """Thursdays at 15:00 in Lisbon from 15 October, 4 times: summer time ends on 25 October, so
    two are at 14:00 UTC and two at 15:00 UTC."""
    return resource(
        LISBON,
        "BEGIN:VEVENT\r\nUID:dst-priya\r\nDTSTAMP:20261001T000000Z\r\n"
        "DTSTART;TZID=Europe/Lisbon:20261015T150000\r\n"
        "DTEND;TZID=Europe/Lisbon:20261015T160000\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Lisbon pairing\r\n"
        "ORGANIZER;CN=Ana Lima:mailto:ana@acme.com\r\n"
        'ATTENDEE;PARTSTAT=ACCEPTED;CN="Priya Nair":mailto:priya@umbrella.org\r\n'
        "END:VEVENT\r\n",
    )


def _all_day() -> str:
    return resource(
        "BEGIN:VEVENT\r\nUID:offsite\r\nDTSTAMP:20261001T000000Z\r\n"
        "DTSTART;VALUE=DATE:20261120\r\nDTEND;VALUE=DATE:20261121\r\nSUMMARY:Offsite\r\n"
        "ORGANIZER;CN=Ana Lima:mailto:ana@acme.com\r\n"
        'ATTENDEE;PARTSTAT=ACCEPTED;CN="Jane Doe":mailto:jane.doe@globex.com\r\n'
        "END:VEVENT\r\n"
    )


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    with running_radicale(tmp_path_factory.mktemp("radicale")) as server:
        yield server


class Account_:
    """One user on the server, with one calendar of Ana's meetings."""

    def __init__(self, server: Radicale, display: str = "Work") -> None:
        self.server = server
        self.user = f"ana{next(_users)}"
        server.add_user(self.user, PASSWORD)
        self.calendar = server.make_calendar(self.user, PASSWORD, "work", display)

    def put(self, name: str, ics: str) -> None:
        self.server.put(self.user, PASSWORD, f"{self.calendar}{name}.ics", ics)

    def fill(self) -> None:
        self.put("renewal", resource(event("single-renewal", days_ago(2), title="Renewal")))
        self.put("weekly", _series_with_exceptions())
        self.put("dst", _dst_series())
        self.put("offsite", _all_day())
        self.put(
            "cancelled",
            resource(event("cancelled", days_ago(3), title="Dropped", status="CANCELLED")),
        )

    @property
    def root(self) -> str:
        return self.server.base + "/"


@pytest.fixture
def account(radicale: Radicale) -> Account_:
    found = Account_(radicale)
    found.fill()
    return found


@pytest.fixture
def world(sessions: SessionFactory, tmp_path: Path) -> World:
    found = World(sessions=sessions, now=NOW)
    found.app = Rapport(
        sessions=sessions, clock=lambda: found.now, calendar_key=KEY, calendar_allow_private=True
    )
    found.contacts(tmp_path)
    return found


def timeline(world: World, name: str) -> list[tuple[str, datetime]]:
    card = world.app.recall.card(actor=ANA, name=name)
    return [(e.text, e.occurred_at.astimezone(UTC)) for e in card.timeline]


def connect(world: World, account: Account_, url: str | None = None, **kw: object) -> None:
    world.app.calendars.connect(
        actor=ANA,
        url=url or account.root,
        username=account.user,
        password=PASSWORD,
        me="ana@acme.com",
        **kw,  # type: ignore[arg-type]
    )


def test_found_from_the_server_address_and_its_meetings_on_the_cards(
    world: World, account: Account_
) -> None:
    connect(world, account)
    synced = world.app.calendars.sync(actor=ANA)
    assert synced.status == "ok" and synced.summary is not None
    assert timeline(world, "Jane Doe") == [("Renewal", days_ago(2))]  # not the all-day, cancelled
    raj = timeline(world, "Raj Patel")
    assert len(raj) == 7  # 8 Mondays less the one taken out
    assert ("Weekly sync (moved)", datetime(2026, 11, 10, 11, tzinfo=UTC)) in raj
    assert all(when != datetime(2026, 10, 19, 10, tzinfo=UTC) for _, when in raj)
    assert sorted(when.hour for _, when in timeline(world, "Priya Nair")) == [14, 14, 15, 15]
    assert synced.summary.skipped_all_day == 1
    [view] = world.app.calendars.status(actor=ANA)
    assert view.kind == "caldav" and view.connected and view.address == "http://127.0.0.1/…"


def test_a_calendar_collection_address_works_as_well(world: World, account: Account_) -> None:
    connect(world, account, url=account.server.base + account.calendar)
    assert world.app.calendars.sync(actor=ANA).status == "ok"
    assert timeline(world, "Jane Doe") == [("Renewal", days_ago(2))]


def test_an_unchanged_calendar_costs_one_propfind_and_no_event_bodies(
    world: World, account: Account_
) -> None:
    connect(world, account)
    assert world.app.calendars.sync(actor=ANA).status == "ok"
    before = len(account.server.requests())
    world.later(hours=1)
    second = world.app.calendars.sync(actor=ANA)
    assert second.status == "not modified" and second.summary is None
    assert account.server.requests()[before:] == [("PROPFIND", account.calendar)]


def test_a_change_on_the_server_moves_the_meeting_on_the_next_read(
    world: World, account: Account_
) -> None:
    connect(world, account)
    world.app.calendars.sync(actor=ANA)
    account.put("renewal", resource(event("single-renewal", days_ago(1), title="Renewal")))
    account.server.delete(account.user, PASSWORD, f"{account.calendar}cancelled.ics")
    world.later(hours=1)
    before = len(account.server.requests())
    moved = world.app.calendars.sync(actor=ANA)
    assert moved.status == "ok" and moved.summary is not None and moved.summary.moved == 1
    assert timeline(world, "Jane Doe") == [("Renewal", days_ago(1))]
    assert [m for m, _ in account.server.requests()[before:]] == ["PROPFIND", "REPORT"]


def test_several_calendars_ask_which_one_and_a_name_picks_it(
    world: World, radicale: Radicale
) -> None:
    account = Account_(radicale, display="Work")
    radicale.make_calendar(account.user, PASSWORD, "home", "Home")
    account.fill()
    connect(world, account)
    failed = world.app.calendars.sync(actor=ANA)
    assert failed.status.startswith("error: that account has 2 calendars (Home, Work)")
    [first] = world.app.calendars.status(actor=ANA)  # not retried: its login is forgotten
    assert not first.connected and world.app.calendars.sync_due().synced == ()
    connect(world, account, name="work")
    assert world.app.calendars.sync(actor=ANA, name="work").status == "ok"
    assert timeline(world, "Jane Doe") == [("Renewal", days_ago(2))]


def test_a_wrong_password_is_told_once(world: World, account: Account_) -> None:
    world.app.calendars.connect(
        actor=ANA, url=account.root, username=account.user, password="not-" + PASSWORD
    )
    notifier = MemoryNotifier()
    for _ in range(3):
        world.app.sync_calendars(notifier)
        [view] = world.app.calendars.status(actor=ANA)
        assert view.last_status == "error: HTTP 401"
        assert view.next_sync_at is not None
        world.now = view.next_sync_at
    assert len(notifier.sent) == 1
    told = notifier.sent[0].text
    assert "refused the user name or app password" in told
    assert PASSWORD not in told and account.user not in told


def test_the_password_is_sealed_and_never_shown(
    world: World, account: Account_, sessions: SessionFactory
) -> None:
    connect(world, account)
    world.app.calendars.sync(actor=ANA)
    with sessions() as session:
        row = session.exec(select(Calendar)).one()
        assert row.secret is not None and PASSWORD not in row.secret
        stored = " ".join(str(v) for v in row.model_dump().values())
        assert PASSWORD not in stored and account.user not in stored.replace(row.secret, "")
        opened = Account.loads(SecretBox(KEY).open(row.secret))
    assert opened.password == PASSWORD
    assert opened.collection == account.server.base + account.calendar  # found once, kept
    assert PASSWORD not in repr(opened)
    assert PASSWORD not in repr(world.app.calendars.status(actor=ANA))


def test_the_console_reads_the_password_from_standard_input(
    account: Account_,
    db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("RAPPORT_CALENDAR_KEY", KEY)
    monkeypatch.setenv("RAPPORT_CALENDAR_ALLOW_PRIVATE", "1")
    vcf = tmp_path / "contacts.vcf"
    vcf.write_text(CONTACTS)
    assert run(capsys, "import", "--db", db, str(vcf))[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, out, err = run(
        capsys,
        "calendar",
        "connect",
        "--db",
        db,
        account.root,
        "--caldav",
        "--username",
        account.user,
        "--me",
        "ana@acme.com",
        "--name",
        "Work",
    )
    assert (code, err) == (0, ""), err
    assert "Read " in out and "Filed " in out and "Jane Doe" in out
    code, out, _ = run(capsys, "calendar", "status", "--db", db)
    assert "Work: http://127.0.0.1/… (CalDAV), as ana@acme.com" in out
    code, out, _ = run(capsys, "calendar", "sync", "--db", db)
    assert code == 0 and "unchanged since the last read" in out
    # a password as an argument is not a thing; a missing one is one line
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(
        capsys, "calendar", "connect", "--db", db, account.root, "--caldav", "--username", "x"
    )
    assert code == 1 and err.count("\n") == 1 and "No password given" in err
    code, _, err = run(capsys, "calendar", "connect", "--db", db, account.root, "--caldav")
    assert code == 1 and "needs --username" in err
    logs = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert PASSWORD not in logs and PASSWORD not in out


def test_reads_through_the_same_guarded_client(world: World, account: Account_) -> None:
    # Without RAPPORT_CALENDAR_ALLOW_PRIVATE a CalDAV server on this machine is refused too.
    strict = Rapport(sessions=world.sessions, clock=lambda: world.now, calendar_key=KEY)
    strict.calendars.client = lambda: make_client()
    strict.calendars.connect(actor=ANA, url=account.root, username=account.user, password=PASSWORD)
    before = len(account.server.requests())
    assert "private network" in strict.calendars.sync(actor=ANA).status
    assert account.server.requests()[before:] == []


def test_a_real_fastmail_calendar_object_served_over_caldav(
    world: World, radicale: Radicale
) -> None:
    account = Account_(radicale)
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "ics"
    account.put("fastmail", (fixture / "fastmail-caldav-cyrus-duration-prague.ics").read_text())
    connect(world, account)
    synced = world.app.calendars.sync(actor=ANA)
    # Read (its DURATION and Cyrus time zone), and not filed: nobody but Ana was invited.
    assert synced.status == "ok" and synced.summary is not None
    assert (synced.summary.meetings_read, synced.summary.skipped_internal) == (1, 1)


class _Tokenless(BaseHTTPRequestHandler):
    """A CalDAV collection that answers neither sync-token nor getctag (some older servers):
    only its events' ETags tell a change."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    bodies: ClassVar[list[bytes]] = []  # each REPORT's request body, in order
    resource = resource(event("tokenless-1", days_ago(2), title="Renewal"))

    def log_message(self, *_args: object) -> None:
        return

    def _reply(self, xml: str) -> None:
        data = xml.encode()
        self.send_response(207)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PROPFIND(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self._reply(
            '<?xml version="1.0"?><D:multistatus xmlns:D="DAV:" '
            'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:response><D:href>/cal/</D:href>'
            "<D:propstat><D:prop><D:resourcetype><D:collection/><C:calendar/></D:resourcetype>"
            "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
            "</D:multistatus>"
        )

    def do_REPORT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).bodies.append(body)
        data = ""
        if b"calendar-data" in body:
            data = "<C:calendar-data>" + self.resource.replace("&", "&amp;") + "</C:calendar-data>"
        self._reply(
            '<?xml version="1.0"?><D:multistatus xmlns:D="DAV:" '
            'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:response><D:href>/cal/1.ics</D:href>'
            f'<D:propstat><D:prop><D:getetag>"e1"</D:getetag>{data}</D:prop>'
            "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>"
        )


def test_a_server_without_tokens_is_compared_by_its_events_etags(world: World) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Tokenless)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}/cal/"
        world.app.calendars.connect(actor=ANA, url=base, username="ana", password=PASSWORD)
        assert world.app.calendars.sync(actor=ANA).status == "ok"
        assert timeline(world, "Jane Doe") == [("Renewal", days_ago(2))]
        _Tokenless.bodies.clear()
        world.later(hours=1)
        assert world.app.calendars.sync(actor=ANA).status == "not modified"
        # one REPORT for the ETags alone: no event bodies asked for
        assert [b"calendar-data" in b for b in _Tokenless.bodies] == [False]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
