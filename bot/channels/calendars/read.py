"""An iCalendar file → its meetings in a window, as `Meeting` values; one bad event never stops
a read.

icalendar parses (Windows zone names and `/vendor/Olson` ids it maps itself);
recurring-ical-events expands each series with its EXDATEs and RECURRENCE-ID overrides. Each
series is expanded on its own, so a broken RRULE costs that series only and is reported as a
`Problem`. What real exports get wrong, and what is done about it:

- a blank TZID (`DTSTART;TZID=:…`, Exchange 2010) or a VTIMEZONE without an id: the file is
  re-read without them, and those times are floating;
- a TZID that names nothing known but matches a VTIMEZONE once trimmed (GroupWise's
  "Mitteleuropäische Zeit "): that VTIMEZONE;
- floating times (no zone at all): the calendar's X-WR-TIMEZONE, else the zone the caller gave;
- a file that still does not parse: each VEVENT is parsed alone, and only the bad ones are lost;
- METHOD:CANCEL with no start (Thunderbird cancelling a series): the whole series is cancelled;
- bytes that are not UTF-8 (Latin-1 exports without a charset): read as Windows-1252.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events

from bot.channels.calendars.links import find_video_link
from bot.domain.calendars import (
    Attendee,
    Meeting,
    Problem,
    Reading,
    UnreadableCalendarError,
)

_BLANK_TZID_PARAM = re.compile(r";TZID=(?=:)", re.I)
_VTIMEZONE = re.compile(r"BEGIN:VTIMEZONE\r?\n.*?END:VTIMEZONE\r?\n?", re.S | re.I)
_VEVENT = re.compile(r"BEGIN:VEVENT\r?\n.*?END:VEVENT", re.S | re.I)
_BLANK_TZID_LINE = re.compile(r"^TZID:[ \t]*\r?$", re.M | re.I)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_VIDEO_FIELDS = (
    "X-GOOGLE-CONFERENCE",
    "CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK",
    "LOCATION",
    "URL",
    "DESCRIPTION",
    "X-ALT-DESC",
)


def read_calendar(data: bytes | str, *, start: datetime, end: datetime, tz: str = "UTC") -> Reading:
    """The meetings of `data` that start in [start, end), with every problem it had.

    Raises UnreadableCalendarError only when `data` is not a calendar at all.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("the window must be aware datetimes")
    text = _decode(data)
    if "BEGIN:VCALENDAR" not in text.upper():
        raise UnreadableCalendarError("That isn't an iCalendar (.ics) file: no BEGIN:VCALENDAR.")
    with warnings.catch_warnings():
        # icalendar warns about guessed zone ids; a guess is what we want, and warnings must
        # not become errors (pytest runs with -W error) or reach a user's terminal.
        warnings.simplefilter("ignore")
        calendar, events, problems = _parse(text)
        floating = _zone(_text(calendar.get("X-WR-TIMEZONE")), default=_zone(tz, default=UTC))
        method = _text(calendar.get("METHOD")).upper()
        zones = {
            _text(vtz.get("TZID")).strip(): vtz
            for vtz in calendar.walk("VTIMEZONE")
            if _text(vtz.get("TZID")).strip()
        }
        meetings: list[Meeting] = []
        cancelled_series: set[str] = set()
        uids: set[str] = set()
        for uid, components in _by_uid(events).items():
            try:
                found, whole = _series(
                    uid, components, method, start, end, floating, zones, problems
                )
            except Exception as exc:  # one broken series, never the whole calendar
                problems.append(Problem(uid=uid, reason=_reason(exc)))
                continue
            meetings.extend(found)
            uids.add(uid)
            if whole:
                cancelled_series.add(uid)
    meetings.sort(key=lambda m: (m.start, m.uid, m.recurrence_id))
    return Reading(
        meetings=tuple(meetings),
        problems=tuple(problems),
        cancelled_series=frozenset(cancelled_series),
        uids=frozenset(uids - cancelled_series),
        name=_text(calendar.get("X-WR-CALNAME")) or None,
        events=len(events),
    )


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _parse(text: str) -> tuple[icalendar.Calendar, list[icalendar.Event], list[Problem]]:
    """The calendar and its events, however broken the file is around them."""
    problems: list[Problem] = []
    for attempt in (text, _without_blank_zones(text)):
        try:
            calendar = icalendar.Calendar.from_ical(attempt)
        except Exception:
            continue
        return (
            calendar,
            [e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)],
            problems,
        )
    # Event by event: each VEVENT alone, with the file's VTIMEZONEs that still parse.
    cleaned = _without_blank_zones(text)
    zones = [z for z in _VTIMEZONE.findall(cleaned) if _parses(_wrap(z))]
    shell = icalendar.Calendar()
    events: list[icalendar.Event] = []
    for index, block in enumerate(_VEVENT.findall(cleaned)):
        try:
            part = icalendar.Calendar.from_ical(_wrap("".join(zones) + block + "\r\n"))
            events.extend(e for e in part.walk("VEVENT") if isinstance(e, icalendar.Event))
        except Exception as exc:
            uid = re.search(r"^UID:(.*)$", block, re.M)
            problems.append(
                Problem(
                    uid=uid.group(1).strip() if uid else f"event #{index + 1}", reason=_reason(exc)
                )
            )
    if not events and not problems:
        raise UnreadableCalendarError("That calendar file could not be read at all.")
    return shell, events, problems


def _without_blank_zones(text: str) -> str:
    text = _BLANK_TZID_PARAM.sub("", text)
    return _VTIMEZONE.sub(lambda m: "" if _BLANK_TZID_LINE.search(m.group(0)) else m.group(0), text)


def _wrap(body: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rapport//read//EN\r\n"
        + body
        + "END:VCALENDAR\r\n"
    )


def _parses(text: str) -> bool:
    try:
        icalendar.Calendar.from_ical(text)
    except Exception:
        return False
    return True


def _by_uid(events: Iterable[icalendar.Event]) -> dict[str, list[icalendar.Event]]:
    groups: dict[str, list[icalendar.Event]] = defaultdict(list)
    for event in events:
        uid = _text(event.get("UID")).strip()
        if not uid:
            # No UID: name it by what it says, so that the next read names it the same.
            seed = f"{_text(event.get('SUMMARY'))}|{_raw(event.get('DTSTART'))}"
            uid = "no-uid-" + hashlib.sha1(seed.encode(), usedforsecurity=False).hexdigest()[:16]
            event["UID"] = uid
        groups[uid].append(event)
    return groups


def _series(
    uid: str,
    components: list[icalendar.Event],
    method: str,
    start: datetime,
    end: datetime,
    floating: tzinfo,
    zones: dict[str, Any],
    problems: list[Problem],
) -> tuple[list[Meeting], bool]:
    """The occurrences of one UID in the window, and whether the whole series is cancelled."""
    cancelled_all = method == "CANCEL" or all(_cancelled(c) for c in components)
    dated = [c for c in components if c.get("DTSTART") is not None]
    if len(dated) < len(components):
        if cancelled_all and not any(c.get("RECURRENCE-ID") for c in components):
            return [], True
        problems.append(Problem(uid=uid, reason="an event without a start time (DTSTART)"))
        if not dated:
            return [], False
    is_series = any(
        c.get("RRULE") is not None or c.get("RDATE") is not None or c.get("RECURRENCE-ID")
        for c in dated
    )
    one = icalendar.Calendar()
    for component in dated:
        _attach_zones(component, zones)
        one.add_component(component)
    meetings: list[Meeting] = []
    for occurrence in recurring_ical_events.of(one).between(start, end):
        meetings.append(_meeting(uid, occurrence, is_series, method, floating, zones))
    return meetings, cancelled_all and not any(c.get("RECURRENCE-ID") for c in components)


def _meeting(
    uid: str,
    event: icalendar.Event,
    is_series: bool,
    method: str,
    floating: tzinfo,
    zones: dict[str, Any],
) -> Meeting:
    begin, all_day, was_floating = _when(event.get("DTSTART"), floating, zones)
    finish: datetime
    if event.get("DTEND") is not None:
        finish, _, _ = _when(event.get("DTEND"), floating, zones)
    elif event.get("DURATION") is not None:
        finish = begin + event.get("DURATION").dt
    else:
        finish = begin + (timedelta(days=1) if all_day else timedelta())
    recurrence_id = ""
    if is_series:
        original = event.get("RECURRENCE-ID") or event.get("DTSTART")
        value = getattr(original, "dt", None)
        if isinstance(value, date) and not isinstance(value, datetime):
            recurrence_id = value.strftime("%Y%m%d")  # the day itself, in no zone
        else:
            original_at, _, _ = _when(original, floating, zones)
            recurrence_id = original_at.strftime("%Y%m%dT%H%M%SZ")
    attendees = event.get("ATTENDEE")
    if attendees is None:
        attendees = []
    elif not isinstance(attendees, list):
        attendees = [attendees]
    return Meeting(
        uid=uid,
        recurrence_id=recurrence_id,
        title=" ".join(_text(event.get("SUMMARY")).split()),
        start=begin,
        end=max(finish, begin),
        all_day=all_day,
        cancelled=method == "CANCEL" or _cancelled(event),
        organizer=_person(event.get("ORGANIZER")),
        attendees=tuple(p for p in (_person(a) for a in attendees) if p is not None),
        video=find_video_link(
            (_text(event.get(name)) for name in _VIDEO_FIELDS),
            location=_text(event.get("LOCATION")),
        ),
        location=" ".join(_text(event.get("LOCATION")).split()),
        floating=was_floating,
    )


def _when(prop: Any, floating: tzinfo, zones: dict[str, Any]) -> tuple[datetime, bool, bool]:
    """(UTC instant, all day?, was floating?) of a DTSTART/DTEND/RECURRENCE-ID."""
    value = prop.dt if hasattr(prop, "dt") else prop
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC), False, False
        zone = _declared_zone(prop, zones)
        return value.replace(tzinfo=zone or floating).astimezone(UTC), False, zone is None
    if isinstance(value, date):
        # An all-day date is a day in the calendar's zone; its instant is that day's midnight.
        midnight = datetime(value.year, value.month, value.day, tzinfo=floating)
        return midnight.astimezone(UTC), True, True
    raise ValueError(f"unreadable time {value!r}")


def _attach_zones(component: icalendar.Event, zones: dict[str, Any]) -> None:
    """Give naive times whose TZID icalendar could not resolve the zone a trimmed VTIMEZONE
    id or a known name gives them, before expansion (which drops the parameter)."""
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        prop = component.get(name)
        value = getattr(prop, "dt", None)
        if not isinstance(value, datetime) or value.tzinfo is not None:
            continue
        zone = _declared_zone(prop, zones)
        if zone is not None:
            component.pop(name)
            component.add(name, value.replace(tzinfo=zone))


def _declared_zone(prop: Any, zones: dict[str, Any]) -> tzinfo | None:
    """The zone a TZID parameter means when icalendar could not tell (a trimmed VTIMEZONE id)."""
    params = getattr(prop, "params", None) or {}
    tzid = str(params.get("TZID", "")).strip()
    if not tzid:
        return None
    if tzid in zones:
        try:
            made = zones[tzid].to_tz(lookup_tzid=False)
        except Exception:
            made = None
        if isinstance(made, tzinfo):
            return made
    found = icalendar.timezone.tzp.timezone(tzid)
    return found if isinstance(found, tzinfo) else None


def _zone(name: str, *, default: tzinfo) -> tzinfo:
    if not name:
        return default
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return default


def _person(value: Any) -> Attendee | None:
    if value is None:
        return None
    address = str(value).strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    email = address.strip().lower() if _EMAIL.match(address.strip()) else None
    params = getattr(value, "params", None) or {}
    name = str(params.get("CN", "")).strip().strip("\"'").strip()
    if not name or name.lower() == email or _EMAIL.match(name):
        name = ""
    if email is None and not name:
        return None
    return Attendee(
        email=email,
        name=name or None,
        status=str(params.get("PARTSTAT", "")).upper(),
        cutype=str(params.get("CUTYPE", "")).upper(),
    )


def _cancelled(event: icalendar.Event) -> bool:
    return _text(event.get("STATUS")).upper() == "CANCELLED"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _raw(value: Any) -> str:
    return value.to_ical().decode() if hasattr(value, "to_ical") else str(value)


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
