"""Connected calendars: a secret iCal address stored encrypted (bot/store/secrets.py), read on
its own interval by the scheduler with conditional requests, and each read filed like an import.

No database transaction is open while a calendar is fetched: a sync claims the calendar (moves
its next read past a lease, so another process skips it), fetches, then files in a short
transaction of its own. A failing address is retried later and later (up to a day), and its
owner is told once per new failure that needs them (401/403/404/410: revoked or unshared).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from bot.channels.calendars import read_calendar
from bot.channels.calendars.caldav import Account, check_account, read_caldav
from bot.channels.calendars.fetch import (
    Fetched,
    fetch_calendar,
    make_client,
    mask,
)
from bot.channels.filing import apply_reading
from bot.channels.meetings import LOOKAHEAD, LOOKBACK, calendar_of, settle_owner
from bot.domain.calendars import (
    CalendarSync,
    CalendarView,
    ImportSummary,
    SyncReport,
    UnreadableCalendarError,
    check_email,
    normalize_address,
)
from bot.domain.errors import NotFoundError, UserInputError
from bot.domain.refs import Actor
from bot.store.calendar_models import DEFAULT_INTERVAL_MINUTES, Calendar, CalendarEvent
from bot.store.db import SessionFactory
from bot.store.models import User
from bot.store.secrets import SecretBox, SecretKeyError
from bot.usecases import Clock, UseCases

log = logging.getLogger("rapport.calendars")

MIN_INTERVAL_MINUTES = 15
MAX_INTERVAL_MINUTES = 24 * 60
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(days=1)
PER_TICK = 25  # calendars read per scheduler run at most…
TICK_BUDGET_SECONDS = 20.0  # …and for at most this long, so reminders are not held up
_HOST_NAMES = (
    ("calendar.google.com", "Google Calendar"),
    ("outlook.office365.com", "Outlook"),
    ("outlook.live.com", "Outlook"),
    ("icloud.com", "iCloud"),
    ("fastmail.com", "Fastmail"),
    ("user.fm", "Fastmail"),
)


class CalendarLinks(UseCases):
    """connect, status, disconnect, sync now; and the scheduler's `sync_due`."""

    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        default_tz: str = "UTC",
        box: SecretBox,
        allow_private: bool = False,
        client: Callable[[], httpx.Client] | None = None,
    ) -> None:
        super().__init__(sessions=sessions, clock=clock, default_tz=default_tz)
        self.box = box
        self.client: Callable[[], httpx.Client] = client or (
            lambda: make_client(allow_private=allow_private)
        )

    def connect(
        self,
        *,
        actor: Actor,
        url: str,
        name: str | None = None,
        me: str | None = None,
        private: bool | None = None,
        every_minutes: int | None = None,
        add_new: bool | None = None,
        username: str | None = None,
        password: str | None = None,
    ) -> CalendarView:
        """Keep `url` (encrypted) as one of the actor's calendars, to be read at once and then
        every `every_minutes`. Raises SecretKeyError without a key: nothing is stored then.

        With `username` it is a CalDAV account: the address, the user name and the (app)
        password are sealed together; the first read finds the calendar (`name` picks one of
        the account's calendars by its name when the address leads to several)."""
        kind = "url" if username is None else "caldav"
        address = normalize_address(url)
        owner_email = check_email(me) if me else None
        if every_minutes is not None and not (
            MIN_INTERVAL_MINUTES <= every_minutes <= MAX_INTERVAL_MINUTES
        ):
            raise UserInputError(
                f"Read a calendar every {MIN_INTERVAL_MINUTES} minutes to "
                f"{MAX_INTERVAL_MINUTES // 60} hours (`--every 60`)."
            )
        if kind == "caldav":
            account = check_account(address, username or "", password or "")
            plain = Account(account.url, account.username, account.password, pick=name).dumps()
        else:
            plain = address
        secret = self.box.seal(plain)  # before anything is written
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            row = calendar_of(
                session,
                actor=actor,
                user=user,
                name=name or _name_for(address),
                kind=kind,
                now=now,
            )
            row.kind = kind
            row.secret = secret
            row.address_hint = mask(address)
            row.etag = row.last_modified = None
            row.failures = 0
            row.told_status = None
            row.last_status = "connected, not read yet"
            row.next_sync_at = now
            if every_minutes is not None:
                row.interval_minutes = every_minutes
            settle_owner(row, owner_email=owner_email, private=private, guess=None, add_new=add_new)
            session.add(row)
            session.commit()
            return _view(session, row)

    def status(self, *, actor: Actor) -> tuple[CalendarView, ...]:
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            rows = session.exec(
                select(Calendar).where(Calendar.owner_id == user.id).order_by(col(Calendar.name))
            ).all()
            return tuple(_view(session, row) for row in rows)

    def disconnect(self, *, actor: Actor, name: str | None = None) -> CalendarView:
        """Forget a calendar's address (the meetings it filed stay: they happened)."""
        with self._session() as session:
            user = self._user(session, actor)
            row = self._one(session, user, name)
            row.secret = None
            row.address_hint = ""
            row.etag = row.last_modified = None
            row.next_sync_at = None
            row.last_status = "disconnected"
            session.add(row)
            session.commit()
            return _view(session, row)

    def sync(self, *, actor: Actor, name: str | None = None) -> CalendarSync:
        """Read one of the actor's connected calendars now (the console's `calendar sync`)."""
        with self._session() as session:
            user = self._user(session, actor)
            row = self._one(session, user, name)
            assert row.id is not None
            calendar_id = row.id
            session.commit()
        with self.client() as client:
            return self._sync_one(client, calendar_id, claim=False)

    def sync_due(
        self, *, limit: int = PER_TICK, budget_seconds: float = TICK_BUDGET_SECONDS
    ) -> SyncReport:
        """Every connected calendar whose next read is due, within the tick's budget."""
        now = self._now()
        with self._session() as session:
            due = list(
                session.exec(
                    select(Calendar.id)
                    .where(
                        col(Calendar.secret).is_not(None),
                        col(Calendar.next_sync_at).is_not(None),
                        col(Calendar.next_sync_at) <= now,
                    )
                    .order_by(col(Calendar.next_sync_at))
                    .limit(limit + 1)
                ).all()
            )
        if not due:
            return SyncReport()
        started = time.monotonic()
        synced: list[CalendarSync] = []
        with self.client() as client:
            for calendar_id in due[:limit]:
                if time.monotonic() - started > budget_seconds:
                    break
                assert calendar_id is not None
                try:
                    result = self._sync_one(client, calendar_id, claim=True)
                except Exception:
                    # One calendar's failure never stops the others (logged without its address).
                    log.exception("calendar %s: sync failed", calendar_id)
                    continue
                if result.status != "skipped":
                    synced.append(result)
        return SyncReport(synced=tuple(synced), due_left=max(0, len(due) - len(synced)))

    # --- one calendar ----------------------------------------------------------------------

    def _sync_one(self, client: httpx.Client, calendar_id: int, *, claim: bool) -> CalendarSync:
        now = self._now()
        with self._session() as session:
            row = session.get(Calendar, calendar_id)
            if row is None or row.secret is None:
                return _result(row, calendar_id, "skipped", session)
            if claim and not _claim(session, row, now):
                session.rollback()
                return _result(row, calendar_id, "skipped", session)
            try:
                address = self.box.open(row.secret)
            except SecretKeyError as exc:
                return self._failed(session, row, now, str(exc), alert=True)
            etag, last_modified, kind = row.etag, row.last_modified, row.kind
            owner = session.get(User, row.owner_id)
            tz = self._tz(None, owner)
            session.commit()
        resealed = None
        forget = False
        if kind == "caldav":
            account = Account.loads(address)
            dav = read_caldav(
                client, account, version=etag, start=now - LOOKBACK, end=now + LOOKAHEAD
            )
            fetched = dav.fetched
            forget = dav.unanswerable
            if dav.account != account:  # discovery found the collection: keep it for next time
                resealed = self.box.seal(dav.account.dumps())
        else:
            fetched = fetch_calendar(client, address, etag=etag, last_modified=last_modified)
        now = self._now()
        with self._session() as session:
            row = session.get(Calendar, calendar_id)
            if row is None or row.secret is None:  # disconnected meanwhile
                return _result(row, calendar_id, "skipped", session)
            if resealed is not None:
                row.secret = resealed
            if fetched.status == "not_modified":
                return self._succeeded(session, row, now, fetched, "not modified", None)
            if forget:
                # Retrying cannot help until the owner names a calendar: forget the login, keep
                # the reason as the calendar's status.
                row.secret = None
                row.address_hint = ""
            if fetched.status == "error":
                return self._failed(
                    session, row, now, fetched.error, alert=fetched.gone, fetched=fetched
                )
            since = now - LOOKBACK
            try:
                reading = read_calendar(fetched.body, start=since, end=now + LOOKAHEAD, tz=tz)
            except UnreadableCalendarError:
                return self._failed(session, row, now, "the address did not send a calendar")
            settle_owner(row, owner_email=None, private=None, guess=reading.name)
            summary = apply_reading(session, calendar=row, reading=reading, since=since, now=now)
            return self._succeeded(session, row, now, fetched, "ok", summary)

    def _succeeded(
        self,
        session: Session,
        row: Calendar,
        now: datetime,
        fetched: Fetched,
        status: str,
        summary: ImportSummary | None,
    ) -> CalendarSync:
        row.etag, row.last_modified = fetched.etag, fetched.last_modified
        row.failures = 0
        row.told_status = None
        row.last_status = status
        row.last_synced_at = now
        row.next_sync_at = now + timedelta(minutes=row.interval_minutes)
        session.add(row)
        result = _result(row, row.id or 0, status, session, summary=summary)
        session.commit()
        return result

    def _failed(
        self,
        session: Session,
        row: Calendar,
        now: datetime,
        error: str,
        *,
        alert: bool = False,
        fetched: Fetched | None = None,
    ) -> CalendarSync:
        status = f"error: {error}"
        row.failures += 1
        row.last_status = status[:300]
        row.last_synced_at = now
        backoff = timedelta(minutes=row.interval_minutes) * min(2 ** (row.failures - 1), 64)
        row.next_sync_at = now + min(backoff, MAX_BACKOFF)
        message = None
        if alert and row.told_status != row.last_status:
            row.told_status = row.last_status
            message = _alert_text(row, error, fetched)
        session.add(row)
        result = _result(row, row.id or 0, status, session, alert=message)
        session.commit()
        return result

    def _one(self, session: Session, user: User, name: str | None) -> Calendar:
        rows = session.exec(
            select(Calendar).where(
                Calendar.owner_id == user.id,
                col(Calendar.kind).in_(("url", "caldav")),
                col(Calendar.secret).is_not(None),
            )
        ).all()
        if name is not None:
            wanted = " ".join(name.split()).casefold()
            rows = [r for r in rows if r.name.casefold() == wanted]
            if not rows:
                raise NotFoundError(f"You have no connected calendar called {name!r}.")
        if not rows:
            raise NotFoundError("You have no connected calendar. `calendar connect URL` first.")
        if len(rows) > 1:
            raise UserInputError(
                "Which calendar? You have " + ", ".join(sorted(r.name for r in rows)) + "."
            )
        return rows[0]


def _claim(session: Session, row: Calendar, now: datetime) -> bool:
    """Move the calendar's next read past a lease, unless another process just did."""
    claimed = session.execute(
        update(Calendar)
        .where(
            col(Calendar.id) == row.id,
            or_(col(Calendar.next_sync_at).is_(None), col(Calendar.next_sync_at) <= now),
        )
        .values(next_sync_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return False
    session.refresh(row)
    return True


def _result(
    row: Calendar | None,
    calendar_id: int,
    status: str,
    session: Session,
    *,
    summary: ImportSummary | None = None,
    alert: str | None = None,
) -> CalendarSync:
    owner = session.get(User, row.owner_id) if row is not None else None
    return CalendarSync(
        calendar_id=calendar_id,
        owner=owner.external_id if owner else "",
        workspace_id=row.workspace_id if row else "",
        name=row.name if row else "",
        status=status,
        summary=summary,
        alert=alert,
    )


def _alert_text(row: Calendar, error: str, fetched: Fetched | None) -> str:
    code = fetched.http_status if fetched and fetched.http_status else 0
    name = row.name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if row.kind == "caldav":
        why = {
            401: "the server refused the user name or app password",
            403: "the server refused access to it",
            404: "it no longer exists",
            410: "it no longer exists",
        }.get(code, error)
        return (
            f"I couldn't read your calendar *{name}* ({row.address_hint}): {why}. If you "
            "changed or revoked the app password, connect it again with `/rapport calendar` (or "
            "`rapport calendar connect --caldav`); I'll keep trying, less often, and won't tell "
            "you again about this."
        )
    why = {
        401: "it now asks for a password",
        403: "access to it was refused",
        404: "it no longer exists",
        410: "it no longer exists",
    }.get(code, error)
    return (
        f"I couldn't read your calendar *{name}* ({row.address_hint}): {why}. If you reset its "
        "secret address, connect the new one with `/rapport calendar` (or `rapport calendar "
        "connect`); I'll keep trying the old one, less often, and won't tell you again about this."
    )


def _view(session: Session, row: Calendar) -> CalendarView:
    assert row.id is not None
    meetings = session.exec(
        select(func.count())
        .select_from(CalendarEvent)
        .where(CalendarEvent.calendar_id == row.id, CalendarEvent.state == "filed")
    ).one()
    return CalendarView(
        id=row.id,
        name=row.name,
        kind=row.kind,
        address=row.address_hint if row.secret else "",
        owner_email=row.owner_email,
        private=row.private,
        interval_minutes=row.interval_minutes or DEFAULT_INTERVAL_MINUTES,
        last_synced_at=row.last_synced_at,
        last_status=row.last_status,
        meetings=int(meetings),
        connected=row.secret is not None,
        next_sync_at=row.next_sync_at,
        add_new_people=row.add_new_people,
    )


def _name_for(address: str) -> str:
    host = (httpx.URL(address).host or "").lower()
    for suffix, name in _HOST_NAMES:
        if host == suffix or host.endswith("." + suffix):
            return name
    return host or "calendar"
