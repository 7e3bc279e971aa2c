"""Calendars: reading and filing one feed, and a scheduler tick over many connected calendars
served by a real HTTP server on 127.0.0.1 (ETag, 304).

    python bench/bench_calendar.py [--calendars 50] [--events 300] [--db URL]

Generates `--events` events per calendar (most single meetings, a few weekly series; every
attendee outside the team, half of them contacts), connects `--calendars` calendars (one owner
each) and measures: reading one feed (the reader alone), the first tick (fetch, read, file every
calendar), and a second tick an interval later with nothing changed (every feed answers 304).
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


@contextmanager
def serving(feeds: dict[str, bytes]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:
            return

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calendars", type=int, default=50)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()

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
    feeds = {f"/u{n}/basic.ics": feed(n, args.events) for n in range(args.calendars)}

    sample = feeds["/u0/basic.ics"]
    started = time.perf_counter()
    reading = read_calendar(sample, start=NOW - timedelta(days=365), end=NOW + timedelta(days=14))
    read_s = time.perf_counter() - started

    with serving(feeds) as base:
        for n, owner in enumerate(owners):
            app.calendars.connect(actor=owner, url=f"{base}/u{n}/basic.ics", me=f"user{n}@acme.com")
        budget = 10_000.0
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
    ratio = second_s / first_s if first_s else 0.0
    rows = [
        (
            "read one feed",
            f"{read_s * 1000:.0f} ms",
            f"{len(sample) // 1024} kB, {len(reading.meetings)} occurrences",
        ),
        (
            "first tick",
            f"{first_s:.2f} s",
            f"{args.calendars} calendars, {first_s / args.calendars * 1000:.0f} ms each, "
            f"{filed} interactions filed",
        ),
        (
            "second tick (304)",
            f"{second_s:.2f} s",
            f"{second_s / args.calendars * 1000:.1f} ms each",
        ),
        ("second / first", f"{ratio:.1%}", "target ≤ 10%"),
        ("failures", str(failures), "target 0"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>9}  {note}")
    return 0 if ratio <= 0.10 and failures == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
