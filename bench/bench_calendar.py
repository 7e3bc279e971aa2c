"""Calendars: reading and filing one feed, and a scheduler tick over many connected calendars
served by a real HTTP server on 127.0.0.1: secret iCal addresses (ETag, 304) and CalDAV accounts
(getctag, calendar-query REPORT), each in a database of its own.

    python bench/bench_calendar.py [--calendars 50] [--events 300] [--source ical|caldav|both]

Generates `--events` events per calendar (most single meetings, a few weekly series; every
attendee outside the team, half of them contacts), connects `--calendars` calendars (one owner
each) and measures: reading one feed (the reader alone), the first tick (fetch, read, file every
calendar), and a second tick an interval later with nothing changed (every feed answers 304;
every CalDAV collection's ctag is the same, so a read is one PROPFIND and no event bodies).
The issue's target: the second tick costs at most 10% of the first. Failures (a calendar whose
read did not end "ok" / "not modified") are counted as a figure. Exit code 1 when a target is
missed or anything failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.fernet import Fernet

from bot.app import Rapport
from bot.channels.calendars import read_calendar
from bot.domain.refs import Actor
from bot.store.db import make_engine, session_factory
from bot.store.migrate import upgrade

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _fmt(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def feed(owner: int, events: int) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//rapport bench//EN",
        f"X-WR-CALNAME:user{owner}@acme.com",
    ]
    for i in range(events):
        start = NOW - timedelta(days=(i * 7) % 330, hours=i % 9)
        person = (owner * 31 + i) % 400
        lines += [
            "BEGIN:VEVENT",
            f"UID:u{owner}-e{i}@bench",
            f"DTSTAMP:{_fmt(NOW)}",
            f"DTSTART:{_fmt(start)}",
            f"DTEND:{_fmt(start + timedelta(minutes=30))}",
            f"SUMMARY:Meeting {i} about the pilot",
            f"ORGANIZER;CN=User {owner}:mailto:user{owner}@acme.com",
            f"ATTENDEE;PARTSTAT=ACCEPTED;CN=Person {person}:mailto:p{person}@ext{person % 50}.com",
        ]
        if i % 30 == 0:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=12")
        if i % 4 == 0:
            lines.append("LOCATION:https://meet.google.com/abc-defg-hij")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def dav_report(body: bytes) -> bytes:
    """A calendar-query REPORT's answer for a feed: one resource (its own VCALENDAR) per VEVENT,
    as a CalDAV server stores and sends them."""
    text = body.decode()
    head, _, rest = text.partition("BEGIN:VEVENT")
    events = ("BEGIN:VEVENT" + rest).rsplit("END:VCALENDAR", 1)[0].split("BEGIN:VEVENT")[1:]
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:" '
        'xmlns:C="urn:ietf:params:xml:ns:caldav">'
    ]
    for i, vevent in enumerate(events):
        resource = f"{head}BEGIN:VEVENT{vevent}END:VCALENDAR\r\n"
        data = resource.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.append(
            f"<D:response><D:href>e{i}.ics</D:href><D:propstat><D:prop>"
            f'<D:getetag>"{i}"</D:getetag><C:calendar-data>{data}</C:calendar-data>'
            "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
        )
    out.append("</D:multistatus>")
    return "".join(out).encode()


def dav_collection(path: str, ctag: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:" '
        'xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/">'
        f"<D:response><D:href>{path}</D:href><D:propstat><D:prop>"
        "<D:resourcetype><D:collection/><C:calendar/></D:resourcetype>"
        f"<D:displayname>Work</D:displayname><CS:getctag>{ctag}</CS:getctag>"
        "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
        "</D:multistatus>"
    ).encode()


@contextmanager
def serving(feeds: dict[str, bytes]) -> Iterator[str]:
    """The feeds at /uN/basic.ics (GET, ETag) and as CalDAV collections at /dav/uN/ (PROPFIND
    with a ctag, REPORT with every event)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; without this, Nagle holds the second until
        # the client's delayed ACK (40 ms), which a real server does not cost.
        disable_nagle_algorithm = True

        def log_message(self, *_args: object) -> None:
            return

        def _answer(self, status: int, body: bytes, content_type: str = "") -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _dav(self) -> bytes | None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            name = self.path.strip("/").removeprefix("dav/")
            return feeds.get(f"/{name}/basic.ics")

        def do_PROPFIND(self) -> None:
            body = self._dav()
            if body is None:
                self._answer(404, b"")
                return
            ctag = f'"{len(body)}-{hash(body) & 0xFFFF:x}"'
            self._answer(207, dav_collection(self.path, ctag), "application/xml")

        def do_REPORT(self) -> None:
            body = self._dav()
            if body is None:
                self._answer(404, b"")
                return
            self._answer(207, dav_report(body), "application/xml")

        def do_GET(self) -> None:
            body = feeds.get(self.path)
            tag = f'"{len(body)}-{hash(body) & 0xFFFF:x}"' if body is not None else ""
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.send_header("ETag", tag)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_response(200)
                self.send_header("ETag", tag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def measure(source: str, args: argparse.Namespace, feeds: dict[str, bytes], base: str) -> Row:
    """One fresh database, `args.calendars` calendars of `source`, two ticks."""
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    upgrade(engine)
    clock = [NOW]
    app = Rapport(
        sessions=session_factory(engine),
        clock=lambda: clock[0],
        calendar_key=Fernet.generate_key().decode(),
        calendar_allow_private=True,  # the feeds are served on 127.0.0.1
    )
    contacts = Path(tempfile.mkdtemp()) / "contacts.vcf"
    contacts.write_text(
        "".join(
            f"BEGIN:VCARD\nVERSION:3.0\nFN:Person {p}\nEMAIL:p{p}@ext{p % 50}.com\nEND:VCARD\n"
            for p in range(0, 400, 2)
        )
    )
    owners = [Actor("T1", f"U{n}", f"User {n}", "UTC") for n in range(args.calendars)]
    app.transfer.import_contacts(actor=owners[0], path=contacts)
    for n, owner in enumerate(owners):
        if source == "caldav":
            app.calendars.connect(
                actor=owner,
                url=f"{base}/dav/u{n}/",
                username=f"user{n}",
                password=f"app-password-{n}",
                me=f"user{n}@acme.com",
            )
        else:
            app.calendars.connect(actor=owner, url=f"{base}/u{n}/basic.ics", me=f"user{n}@acme.com")
    budget = 100_000.0
    started = time.perf_counter()
    first = app.calendars.sync_due(limit=args.calendars, budget_seconds=budget)
    first_s = time.perf_counter() - started
    clock[0] = NOW + timedelta(minutes=61)
    started = time.perf_counter()
    second = app.calendars.sync_due(limit=args.calendars, budget_seconds=budget)
    second_s = time.perf_counter() - started
    filed = sum(s.summary.added for s in first.synced if s.summary)
    failures = sum(1 for s in first.synced if s.status != "ok") + sum(
        1 for s in second.synced if s.status != "not modified"
    )
    failures += (args.calendars - len(first.synced)) + (args.calendars - len(second.synced))
    engine.dispose()
    return Row(source, first_s, second_s, filed, failures)


@dataclass(frozen=True)
class Row:
    source: str
    first_s: float
    second_s: float
    filed: int
    failures: int

    @property
    def ratio(self) -> float:
        return self.second_s / self.first_s if self.first_s else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calendars", type=int, default=50)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--source", choices=("ical", "caldav", "both"), default="both")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file per source)")
    args = parser.parse_args()
    feeds = {f"/u{n}/basic.ics": feed(n, args.events) for n in range(args.calendars)}

    sample = feeds["/u0/basic.ics"]
    started = time.perf_counter()
    reading = read_calendar(sample, start=NOW - timedelta(days=365), end=NOW + timedelta(days=14))
    read_s = time.perf_counter() - started
    sources = ("ical", "caldav") if args.source == "both" else (args.source,)
    with serving(feeds) as base:
        results = [measure(source, args, feeds, base) for source in sources]

    n = args.calendars
    rows = [
        (
            "read one feed",
            f"{read_s * 1000:.0f} ms",
            f"{len(sample) // 1024} kB, {len(reading.meetings)} occurrences",
        )
    ]
    for r in results:
        unchanged = "304" if r.source == "ical" else "ctag, 1 PROPFIND"
        rows += [
            (
                f"{r.source}: first tick",
                f"{r.first_s:.2f} s",
                f"{n} calendars, {r.first_s / n * 1000:.0f} ms each, {r.filed} interactions filed",
            ),
            (
                f"{r.source}: second tick ({unchanged})",
                f"{r.second_s:.2f} s",
                f"{r.second_s / n * 1000:.1f} ms each",
            ),
            (f"{r.source}: second / first", f"{r.ratio:.1%}", "target ≤ 10%"),
            (f"{r.source}: failures", str(r.failures), "target 0"),
        ]
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>9}  {note}")
    ok = all(r.ratio <= 0.10 and r.failures == 0 for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
