"""Reading a CalDAV calendar (Nextcloud, Fastmail, iCloud with an app password, Radicale…) with
three WebDAV requests over the same httpx client as a secret address, so the same time-outs, size
limit, private-network check, no proxy and quiet logs hold.

Plain PROPFIND/REPORT rather than the `caldav` package: the three requests below are all Rapport
needs, and its own client keeps the guarantees the iCal path already has (fetch.py), which a
second HTTP stack (requests/niquests, with its own logging of URLs) would not.

- **Discovery** (the first read, and after a 404): the address may be a calendar collection, a
  principal, a calendar home, or the server's root (`/.well-known/caldav`, RFC 6764). From a
  principal or home the calendars are listed (Depth 1); one that holds events is taken when it
  is the only one, or the one whose name the owner gave. The collection found is kept (in the
  encrypted secret) so later reads skip discovery.
- **Change detection**: one Depth-0 PROPFIND of the collection's `sync-token` (RFC 6578) or
  `getctag` (CalendarServer): when it equals the last read's, nothing else is sent. A server with
  neither is asked for its events' ETags only (a REPORT without calendar data) and their digest
  stands in for the token.
- **Events**: one `calendar-query` REPORT with a time range (the reader's window): every event
  resource's calendar data, merged into one iCalendar text for the reader (read.py), so CalDAV is
  just another source of VEVENTs and one bad event still costs only itself.

The password is a credential: it travels only in the Authorization header (Basic, or Digest when
the server asks for it), never in a message, an exception or a log line.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from bot.channels.calendars.fetch import MAX_BYTES, Fetched, describe_failure
from bot.domain.calendars import normalize_address
from bot.domain.errors import UserInputError

DEADLINE_SECONDS = 30.0
MAX_TOKEN = 500
_CHUNK = 64 * 1024
_DAV = "DAV:"
_CAL = "urn:ietf:params:xml:ns:caldav"
_CS = "http://calendarserver.org/ns/"
_NS = f'xmlns:D="{_DAV}" xmlns:C="{_CAL}" xmlns:CS="{_CS}"'
_VTIMEZONE = re.compile(r"BEGIN:VTIMEZONE\r?\n.*?END:VTIMEZONE\r?\n?", re.S | re.I)
_VEVENT = re.compile(r"BEGIN:VEVENT\r?\n.*?END:VEVENT\r?\n?", re.S | re.I)
_TZID = re.compile(r"^TZID:(.*?)\r?$", re.M | re.I)
_DOCTYPE = re.compile(rb"^\s*(?:<\?.*?\?>\s*)?(?:<!--.*?-->\s*)*<!DOCTYPE", re.S | re.I)
MAX_LISTED = 10


@dataclass(frozen=True)
class Account:
    """What a CalDAV calendar's secret holds: the address given, the user name, the app
    password, the calendar the owner named (when the address finds several), and the
    collection discovery found."""

    url: str
    username: str
    password: str
    pick: str | None = None
    collection: str | None = None

    def dumps(self) -> str:
        return json.dumps(
            {
                "v": 1,
                "url": self.url,
                "username": self.username,
                "password": self.password,
                "pick": self.pick,
                "collection": self.collection,
            }
        )

    @classmethod
    def loads(cls, text: str) -> Account:
        data = json.loads(text)
        return cls(
            url=str(data["url"]),
            username=str(data["username"]),
            password=str(data["password"]),
            pick=data.get("pick"),
            collection=data.get("collection"),
        )

    def __repr__(self) -> str:  # never the password, in a traceback or a debugger
        return f"Account(url=<hidden>, username=<hidden>, collection={bool(self.collection)})"

    __str__ = __repr__


@dataclass(frozen=True)
class DavRead:
    """One CalDAV read: the fetch's outcome (a merged iCalendar body when something changed) and
    the account as it is now (with the collection found on a first read)."""

    fetched: Fetched
    account: Account
    unanswerable: bool = False  # the address names no one calendar: only the owner can say which


class _Stop(Exception):
    """A request did not give what the read needs: the Fetched that says why."""

    def __init__(self, fetched: Fetched) -> None:
        super().__init__(fetched.error)
        self.fetched = fetched


class _NoOneCalendar(_Stop):
    """Discovery found no calendar, or several and no name to choose by."""


@dataclass(frozen=True)
class _Entry:
    href: str
    props: dict[str, ET.Element]


class _Dav:
    """The requests of one read, under one deadline and one size limit each."""

    def __init__(
        self, client: httpx.Client, account: Account, *, max_bytes: int, deadline: float
    ) -> None:
        self.client = client
        self.max_bytes = max_bytes
        self.started = time.monotonic()
        self.deadline = deadline
        self.auth: httpx.Auth = httpx.BasicAuth(account.username, account.password)
        self.account = account
        self.sent: list[str] = []  # request methods, for the tests and the bench
        self._wants_digest = False

    def request(self, method: str, url: str, body: str, depth: str) -> tuple[str, list[_Entry]]:
        """`method` on `url`; the multistatus's entries and the URL that answered."""
        status, final_url, data = self._send(method, url, body, depth)
        if status == 401 and isinstance(self.auth, httpx.BasicAuth) and self._wants_digest:
            self.auth = httpx.DigestAuth(self.account.username, self.account.password)
            status, final_url, data = self._send(method, url, body, depth)
        if status != 207:
            raise _Stop(Fetched(status="error", error=f"HTTP {status}", http_status=status))
        return final_url, _multistatus(data)

    def _send(self, method: str, url: str, body: str, depth: str) -> tuple[int, str, bytes]:
        self.sent.append(method)
        headers = {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"}
        try:
            with self.client.stream(
                method, url, content=body.encode(), headers=headers, auth=self.auth
            ) as response:
                final = str(response.url)
                if response.status_code == 401:
                    challenge = response.headers.get("WWW-Authenticate", "")
                    self._wants_digest = challenge.lower().startswith("digest")
                if response.status_code != 207:
                    return response.status_code, final, b""
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise _Stop(_too_big(self.max_bytes))
                data = bytearray()
                for chunk in response.iter_bytes(_CHUNK):
                    data.extend(chunk)
                    if len(data) > self.max_bytes:
                        raise _Stop(_too_big(self.max_bytes))
                    if time.monotonic() - self.started > self.deadline:
                        raise _Stop(
                            Fetched(status="error", error=f"took longer than {self.deadline:.0f} s")
                        )
                return 207, final, bytes(data)
        except _Stop:
            raise
        except Exception as exc:
            raise _Stop(describe_failure(exc)) from None


def read_caldav(
    client: httpx.Client,
    account: Account,
    *,
    version: str | None,
    start: datetime,
    end: datetime,
    max_bytes: int = MAX_BYTES,
    deadline: float = DEADLINE_SECONDS,
) -> DavRead:
    """Read `account`'s calendar: "not_modified" when its token is `version`, else its events
    in [start, end) as one iCalendar body (Fetched.etag is the new token). Never raises for
    anything the server or the network does."""
    dav = _Dav(client, account, max_bytes=max_bytes, deadline=deadline)
    try:
        collection = account.collection or _discover(dav, account)
        account = replace(account, collection=collection)
        try:
            token, name = _token(dav, collection)
        except _Stop as stop:
            if stop.fetched.http_status not in (404, 410) or collection == account.url:
                raise
            # The collection found earlier is gone: look again from the address given.
            collection = _discover(dav, account)
            account = replace(account, collection=collection)
            token, name = _token(dav, collection)
        if token is not None and token == version:
            return DavRead(Fetched(status="not_modified", etag=token, http_status=207), account)
        if token is None:
            # A server without tokens: its events' ETags alone (no calendar data) stand in.
            token = _digest(_events(dav, collection, start=start, end=end, data=False))
            if token == version:
                return DavRead(Fetched(status="not_modified", etag=token, http_status=207), account)
        entries = _events(dav, collection, start=start, end=end, data=True)
        body = merge([_text(e.props.get(f"{{{_CAL}}}calendar-data")) for e in entries], name=name)
        return DavRead(Fetched(status="ok", body=body, etag=token, http_status=207), account)
    except _Stop as stop:
        return DavRead(stop.fetched, account, unanswerable=isinstance(stop, _NoOneCalendar))


def _discover(dav: _Dav, account: Account) -> str:
    """The calendar collection the account's address leads to (see the module's docstring)."""
    url = normalize_address(account.url)
    props = (
        "<D:resourcetype/><D:displayname/><D:current-user-principal/>"
        "<C:calendar-home-set/><C:supported-calendar-component-set/>"
    )
    try:
        here, entries = dav.request("PROPFIND", url, _propfind(props), "0")
    except _Stop as stop:
        if stop.fetched.http_status in (404, 405, 501) and urlsplit(url).path in ("", "/"):
            here, entries = dav.request(
                "PROPFIND", urljoin(url, "/.well-known/caldav"), _propfind(props), "0"
            )
        else:
            raise
    first = entries[0] if entries else _Entry(here, {})
    if _is_calendar(first):
        return here
    home = _href(first.props.get(f"{{{_CAL}}}calendar-home-set"), here)
    if home is None:
        principal = _href(first.props.get(f"{{{_DAV}}}current-user-principal"), here)
        if principal is not None and principal != here:
            there, found = dav.request(
                "PROPFIND", principal, _propfind("<C:calendar-home-set/>"), "0"
            )
            if found:
                home = _href(found[0].props.get(f"{{{_CAL}}}calendar-home-set"), there)
    home = home or here  # an address that is itself a calendar home
    there, listed = dav.request("PROPFIND", home, _propfind(props), "1")
    calendars = [
        (urljoin(there, e.href), _text(e.props.get(f"{{{_DAV}}}displayname")) or _last(e.href))
        for e in listed
        if _is_calendar(e) and _holds_events(e)
    ]
    return _choose(calendars, account.pick)


def _choose(calendars: list[tuple[str, str]], pick: str | None) -> str:
    if not calendars:
        raise _NoOneCalendar(
            Fetched(
                status="error",
                error="no calendar with events at that address (give the calendar's own address)",
            )
        )
    if pick:
        wanted = " ".join(pick.split()).casefold()
        for url, name in calendars:
            if name.casefold() == wanted or _last(url).casefold() == wanted:
                return url
    if len(calendars) == 1:
        return calendars[0][0]
    names = sorted({name for _, name in calendars}, key=str.casefold)
    shown = ", ".join(names[:MAX_LISTED]) + (", …" if len(names) > MAX_LISTED else "")
    said = f"no calendar called {pick!r}; " if pick else ""
    raise _NoOneCalendar(
        Fetched(
            status="error",
            error=f"{said}that account has {len(calendars)} calendars ({shown}): connect again "
            "naming one (--name), or with that calendar's own address",
        )
    )


def _token(dav: _Dav, collection: str) -> tuple[str | None, str | None]:
    """The collection's sync-token or ctag (None when it has neither), and its display name."""
    _, entries = dav.request(
        "PROPFIND",
        collection,
        _propfind("<D:sync-token/><CS:getctag/><D:displayname/>"),
        "0",
    )
    if not entries:
        return None, None
    props = entries[0].props
    token = _text(props.get(f"{{{_DAV}}}sync-token")) or _text(props.get(f"{{{_CS}}}getctag"))
    if token and len(token) > MAX_TOKEN:
        token = "sha256:" + hashlib.sha256(token.encode()).hexdigest()
    return token or None, _text(props.get(f"{{{_DAV}}}displayname")) or None


def _events(
    dav: _Dav, collection: str, *, start: datetime, end: datetime, data: bool
) -> list[_Entry]:
    wanted = "<D:getetag/><C:calendar-data/>" if data else "<D:getetag/>"
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><C:calendar-query {_NS}>'
        f"<D:prop>{wanted}</D:prop>"
        '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
        f'<C:time-range start="{_utc(start)}" end="{_utc(end)}"/>'
        "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
    )
    _, entries = dav.request("REPORT", collection, body, "1")
    return entries


def merge(texts: list[str], *, name: str | None = None) -> bytes:
    """Calendar resources (one VCALENDAR each) → one VCALENDAR: each VEVENT, each zone once."""
    zones: dict[str, str] = {}
    events: list[str] = []
    for text in texts:
        for zone in _VTIMEZONE.findall(text):
            found = _TZID.search(zone)
            zones.setdefault(found.group(1).strip() if found else zone, zone)
        events.extend(_VEVENT.findall(text))
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Rapport//CalDAV read//EN"]
    if name:
        head.append("X-WR-CALNAME:" + " ".join(name.split()))
    parts = ["\r\n".join(head) + "\r\n"]
    parts += [_crlf(z) for z in zones.values()]
    parts += [_crlf(e) for e in events]
    parts.append("END:VCALENDAR\r\n")
    return "".join(parts).encode()


# --- WebDAV's XML ---------------------------------------------------------------------------


def _propfind(props: str) -> str:
    head = '<?xml version="1.0" encoding="utf-8"?>'
    return f"{head}<D:propfind {_NS}><D:prop>{props}</D:prop></D:propfind>"


def _multistatus(data: bytes) -> list[_Entry]:
    """A 207's responses, each with the properties it answered 200 for."""
    if _DOCTYPE.match(data):  # entities are not for us to expand
        raise _Stop(Fetched(status="error", error="the server's answer was not WebDAV XML"))
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        raise _Stop(
            Fetched(status="error", error="the server's answer was not WebDAV XML")
        ) from None
    entries = []
    for response in root.iter(f"{{{_DAV}}}response"):
        href = _text(response.find(f"{{{_DAV}}}href"))
        props: dict[str, ET.Element] = {}
        for propstat in response.iter(f"{{{_DAV}}}propstat"):
            status = _text(propstat.find(f"{{{_DAV}}}status"))
            if " 200 " not in f"{status} ":
                continue
            for prop in propstat.iter(f"{{{_DAV}}}prop"):
                for child in prop:
                    props[child.tag] = child
        entries.append(_Entry(href, props))
    return entries


def _is_calendar(entry: _Entry) -> bool:
    kinds = entry.props.get(f"{{{_DAV}}}resourcetype")
    return kinds is not None and kinds.find(f"{{{_CAL}}}calendar") is not None


def _holds_events(entry: _Entry) -> bool:
    comps = entry.props.get(f"{{{_CAL}}}supported-calendar-component-set")
    if comps is None or len(comps) == 0:
        return True  # not said: any component
    return any((c.get("name") or "").upper() == "VEVENT" for c in comps)


def _href(prop: ET.Element | None, base: str) -> str | None:
    if prop is None:
        return None
    href = prop.find(f"{{{_DAV}}}href")
    text = _text(href)
    return urljoin(base, text) if text else None


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _last(href: str) -> str:
    return href.rstrip("/").rsplit("/", 1)[-1]


def _digest(entries: list[_Entry]) -> str:
    pairs = sorted((e.href, _text(e.props.get(f"{{{_DAV}}}getetag"))) for e in entries)
    return "etags:" + hashlib.sha256(repr(pairs).encode()).hexdigest()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _crlf(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text if text.endswith("\r\n") else text + "\r\n"


def _too_big(max_bytes: int) -> Fetched:
    return Fetched(status="error", error=f"larger than {max_bytes // (1024 * 1024)} MB")


def check_account(url: str, username: str, password: str) -> Account:
    """The account as typed, checked without echoing any of it."""
    address = normalize_address(url)
    if not username.strip():
        raise UserInputError("CalDAV needs your user name (--username).")
    if not password:
        raise UserInputError("CalDAV needs your app password (typed, or on standard input).")
    return Account(url=address, username=username.strip(), password=password)
