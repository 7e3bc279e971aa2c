"""Dates in plain words, read in the author's time zone.

Candidate spans are found with our own patterns and every one ("yesterday", "last Tuesday",
"in 2 weeks", "March 3", "in March", "3/7/2026", ISO dates) is resolved here with date
arithmetic. dateparser is not used: left alone on a whole note it reads "may", "Sun" or "April"
(a person) as dates, it cannot say a numeric date is ambiguous, and on the month-only spans it
last read it was a third of a dated note's parse time, for answers these few lines give.

How a date-only phrase becomes a moment:
- when something happened (`Lean.PAST`): 12:00 local, or now when that noon is still ahead;
- when something is due (`Lean.FUTURE`): 17:00 local, the end of a working day.
Weekday names never mean today: "on Tuesday" said on a Tuesday is last week's, "by Friday" said
on a Friday is next week's ("this Friday" may be today).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.parsing.gazetteer import gazetteer, read_list
from bot.parsing.known import fold
from bot.parsing.lexicon import FULL_WEEKDAYS, MONTHS, WEEKDAYS, words


class Lean(Enum):
    PAST = "past"
    FUTURE = "future"
    EITHER = "either"


@dataclass(slots=True)
class DayOffset:
    days: int


@dataclass(slots=True)
class MonthOffset:
    months: int


@dataclass(slots=True)
class WeekdayRef:
    weekday: int  # Monday is 0
    mode: str  # "last" | "next" | "this" | "bare" ("on Friday") | "plain" ("Friday retro")


@dataclass(slots=True)
class WeekRel:
    weeks: int  # 0: this week, 1: next week
    weekday: int


@dataclass(slots=True)
class MonthEnd:
    months: int


@dataclass(slots=True)
class MonthDay:
    month: int
    day: int
    year: int | None


@dataclass(slots=True)
class DayOfMonth:
    day: int


@dataclass(slots=True)
class NumericDate:
    """ "3/14", "14.03.", "12/15/26": which part is the day depends on the author's locale."""

    a: int
    b: int
    year: int | None
    text: str
    day_first: bool | None  # True for "14.03." (always day-first), None: ask the locale


@dataclass(slots=True)
class MonthOnly:
    """ "in March", "March 2025", "early June": the month's first day unless a day is pinned."""

    month: int
    year: int | None
    day: int = 1  # "early/mid/late March": 5, 15, 25
    before_this_one: bool = False  # "last July" said in July is a year ago


Spec = (
    DayOffset
    | MonthOffset
    | WeekdayRef
    | WeekRel
    | MonthEnd
    | MonthDay
    | DayOfMonth
    | NumericDate
    | MonthOnly
)


@dataclass(slots=True)
class DateHit:
    start: int
    end: int
    text: str  # as written, including a leading "by"/"on"
    lean: Lean
    spec: Spec | None
    time: tuple[int, int] | None = None
    error: str | None = None


@dataclass(slots=True)
class Clock:
    now: datetime  # aware, UTC
    zone: tzinfo
    zone_name: str
    local_now: datetime  # aware, in `zone`
    today: date
    date_order: str | None  # "MDY" or "DMY" for numeric dates like 3/7; None: the zone can't say

    def moment(self, day: date, hm: tuple[int, int]) -> datetime:
        return datetime(day.year, day.month, day.day, hm[0], hm[1], tzinfo=self.zone).astimezone(
            UTC
        )


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except Exception:  # unknown, empty or malformed names all mean "we don't know the zone"
        return None


# Zones whose people write the month first in "3/7": the US and English Canada, the Philippines;
# and East Asia, where a two-part date is month/day too. Elsewhere the day comes first, and UTC
# or an unknown zone says nothing about the author: "3/4" is then a question, not a guess.
_MONTH_FIRST_PREFIXES = ("US/", "Canada/", "America/Indiana/", "America/Kentucky/")
_MONTH_FIRST_ZONES = words(
    """
    America/New_York America/Chicago America/Denver America/Los_Angeles America/Phoenix
    America/Anchorage America/Detroit America/Boise America/Juneau America/Adak America/Nome
    America/Sitka America/Yakutat America/Metlakatla America/Menominee America/Toronto
    America/Vancouver America/Edmonton America/Winnipeg America/Halifax America/St_Johns
    America/Regina America/Whitehorse America/Yellowknife America/Moncton America/Montreal
    America/North_Dakota/Center America/North_Dakota/New_Salem America/North_Dakota/Beulah
    America/Puerto_Rico Pacific/Honolulu Pacific/Guam Asia/Manila Asia/Tokyo Asia/Seoul
    Asia/Shanghai Asia/Taipei Asia/Chongqing Asia/Harbin Asia/Urumqi
    """
)
_NO_ORDER_ZONES = frozenset({"UTC", "GMT", "Etc/UTC", "Etc/GMT", "Universal", "Zulu", ""})


@lru_cache(maxsize=256)
def zone_date_order(name: str) -> str | None:
    """ "MDY", "DMY", or None when the zone says nothing about how its people write dates."""
    if name in _NO_ORDER_ZONES or name.startswith("Etc/") or "/" not in name:
        return None
    if name in _MONTH_FIRST_ZONES or name.startswith(_MONTH_FIRST_PREFIXES):
        return "MDY"
    return "DMY"


def make_clock(now: datetime, tz: str | tzinfo, date_order: str | None = None) -> Clock:
    zone: tzinfo
    if isinstance(tz, tzinfo):
        zone = tz
        name = str(getattr(tz, "key", None) or "UTC")
    else:
        found = _zone(tz) if isinstance(tz, str) else None
        zone, name = (found, tz) if found is not None else (UTC, "UTC")
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    local = now.astimezone(zone)
    order = date_order.upper() if date_order else zone_date_order(name)
    if order == "YMD":
        order = "MDY"  # "3/7" in Tokyo is March 7; only four-digit years lead
    if order not in ("MDY", "DMY", None):
        order = zone_date_order(name)
    return Clock(now.astimezone(UTC), zone, name, local, local.date(), order)


# --- candidate patterns -----------------------------------------------------------------------

_NUM = (
    r"(?P<num>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|a\s+couple\s+of|a\s+couple|couple\s+of|a\s+few|few|several)"
)
_UNIT = r"(?P<unit>days?|d|weeks?|wks?|w|months?|mos?|mths?|years?|yrs?|y|fortnights?)(?![\w'])"
_GAP = r"(?:(?<=\d)\s*|\s+)"  # "3 days", "3days", "1d"; words need a space: "a week"
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_PART = r"(?:\s+(?P<part>morning|afternoon|evening|night))?"
_NUM_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "few": 3,
    "several": 3,
}
_PART_TIMES = {"morning": (9, 0), "afternoon": (15, 0), "evening": (19, 0), "night": (20, 0)}

_I = re.IGNORECASE
_YESTERDAY = r"yesterday|yday|yest|ystd|yesterdy|yesteday|yestarday"
_TOMORROW = r"tomorrow|tmrw|tmr|tmw|tomorow|tommorow|tommorrow|tomorrw|2moro|2morrow|2mrw"
_TONIGHT = r"tonight|tonite|2nite"
_REL_DAY_RE = re.compile(
    r"\b(?P<rel>(?:the\s+)?day\s+before\s+yesterday|(?:the\s+)?day\s+after\s+tomorrow"
    rf"|{_YESTERDAY}|today|tdy|2day|{_TOMORROW}|{_TONIGHT}|last\s+night"
    r"|this\s+(?:morning|afternoon|evening|arvo|am|pm))\b" + _PART,
    _I,
)
_IN_RE = re.compile(rf"\b(?:in|within)\s+{_NUM}{_GAP}{_UNIT}", _I)
_FROM_NOW_RE = re.compile(rf"\b{_NUM}{_GAP}{_UNIT}\s+from\s+(?:now|today)\b", _I)
_AGO_RE = re.compile(rf"\b{_NUM}{_GAP}{_UNIT}\s+ago\b", _I)
_PERIOD_RE = re.compile(
    r"\b(?P<which>last|next|nxt|this\s+coming|coming|this|over\s+the)\s+(?P<period>week|wk"
    r"|month|mth|year|yr|weekend)\b",
    _I,
)
# "1st wk of July", "the last week of June", "mid-July" is handled with the months
_WEEK_OF_RE = re.compile(
    r"\b(?:the\s+)?(?P<nth>1st|first|2nd|second|3rd|third|4th|fourth|last)\s+(?:wk|week)"
    rf"\s+(?:of|in)\s+{_MONTH}\b",
    _I,
)
_END_RE = re.compile(
    r"\b(?:(?:the\s+)?end\s+of\s+(?P<which>the\s+|this\s+|next\s+)?(?P<period>day|week|month)"
    r"|(?P<abbr>eod|eow|eom|cob|close\s+of\s+business))\b"
    # "by end of day tomorrow", "EOD tmrw": the end of tomorrow, not of today
    r"(?P<tomorrow>\s+(?:tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow)\b)?"
    # "by EOD thurs", "COB on Friday": the end of that day, not of today
    r"(?P<eod_wd>\s+(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon"
    r"|tues?|weds?|thu(?:rs?)?|fri|sat|sun)\b)?",
    _I,
)
_WEEKDAY_RE = re.compile(
    r"\b(?:(?P<mode>last|next|this\s+coming|coming|this)\s+)?(?P<wd>monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday|mon|tues?|weds?|thu(?:rs?)?|fri|sat|sun)\b"
    # "by fri next week": that day of next week, not this one
    r"(?P<next_week>\s+next\s+(?:week|wk)\b)?" + _PART,
    _I,
)
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
_MD_RE = re.compile(
    rf"\b{_MONTH}\.?\s+(?:the\s+)?(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b"
    r"(?![:.]\d|\s*(?:%|percent|people|times|minutes|mins|hours|hrs|min|km|miles|x)\b)" + _YEAR,
    _I,
)
_DM_RE = re.compile(
    rf"\b(?:the\s+)?(?P<day>[0-3]?\d)(?:st|nd|rd|th|\.)?\s+(?:of\s+)?{_MONTH}\b\.?" + _YEAR, _I
)
_ISO_RE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
_NUMERIC_RE = re.compile(
    r"\b(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?\b(?![/.]\d)"
)
_MONTH_ONLY_RE = re.compile(
    rf"\b(?:(?P<mod>in|last|next|this|early|mid|late|since|by|until|till|before"
    rf"|(?:by\s+|before\s+)?(?:the\s+)?end\s+of|fin)[\s-]+)?"
    rf"{_MONTH}\b(?:\s+(?P<year>(?:19|20)\d\d)\b)?",
    _I,
)
_ON_THE_RE = re.compile(
    r"\b(?P<pre>on|by|before|until|till)\s+the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\b", _I
)
_PREFIX_RE = re.compile(
    r"\b(?P<p>on|by|before|b4|until|till|til|due(?:\s+(?:on|by))?|no\s+later\s+than|from|since"
    r"|around|ideally\s+(?:by|before))"
    r"\s+$",
    _I,
)
_TIME_AFTER_RE = re.compile(
    r"\s*,?\s*(?:(?:at|@|around|about|~)\s*)?(?P<h>[01]?\d|2[0-3])(?::(?P<m>[0-5]\d))?\s*"
    r"(?P<ap>[ap])\.?m\b\.?"
    r"|\s*,?\s*(?:at|@)\s*(?P<h2>[01]?\d|2[0-3])[:h](?P<m2>[0-5]\d)\b"
    r"|\s*,?\s*at\s+(?P<word>noon|midday|midnight)\b",
    _I,
)
_TIME_BEFORE_RE = re.compile(
    r"(?:at|@)\s*(?P<h>[01]?\d|2[0-3])(?::(?P<m>[0-5]\d))?\s*(?P<ap>[ap])?\.?m?\.?\s+(?:on\s+)?$",
    _I,
)
_FUTURE_PREFIXES = ("by", "before", "b4", "until", "till", "til", "due", "no", "ideally")


def _num(m: re.Match[str]) -> int:
    raw = re.sub(r"\s+", " ", m.group("num").lower())
    if raw.isdigit():
        return int(raw)
    if "couple" in raw:
        return 2
    return _NUM_WORDS.get(raw.split()[-1], 1)


def _month_of(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _valid(month: int, day: int, year: int | None) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    return day <= calendar.monthrange(year if year is not None else 2000, month)[1]


_Builder = Callable[[re.Match[str], str | None], "tuple[Lean, Spec | None, str | None] | None"]


def _rel_day(m: re.Match[str], pre: str | None) -> tuple[Lean, Spec | None, str | None] | None:
    rel = re.sub(r"\s+", " ", m.group("rel").lower()).removeprefix("the ")
    table: dict[str, tuple[Lean, int]] = {
        "day before yesterday": (Lean.PAST, -2),
        "day after tomorrow": (Lean.FUTURE, 2),
        "last night": (Lean.PAST, -1),
    }
    if rel in table:
        lean, days = table[rel]
    elif re.fullmatch(_YESTERDAY, rel):
        lean, days = Lean.PAST, -1
    elif re.fullmatch(_TOMORROW, rel):
        lean, days = Lean.FUTURE, 1
    else:
        lean, days = Lean.EITHER, 0
    return lean, DayOffset(days), None


def _offset(m: re.Match[str], future: bool) -> tuple[Lean, Spec | None, str | None]:
    n = min(_num(m), 999)
    unit = _UNITS.get(m.group("unit").lower().rstrip("s") or "s", "day")
    sign = 1 if future else -1
    lean = Lean.FUTURE if future else Lean.PAST
    if unit == "month":
        return lean, MonthOffset(sign * n), None
    if unit == "year":
        return lean, MonthOffset(sign * n * 12), None
    days = {"day": 1, "week": 7, "fortnight": 14}[unit]
    return lean, DayOffset(sign * n * days), None


_UNITS = {
    "day": "day",
    "d": "day",
    "week": "week",
    "wk": "week",
    "w": "week",
    "month": "month",
    "mo": "month",
    "mth": "month",
    "year": "year",
    "yr": "year",
    "y": "year",
    "fortnight": "fortnight",
}


def _period(m: re.Match[str], pre: str | None) -> tuple[Lean, Spec | None, str | None] | None:
    which = re.sub(r"\s+", " ", m.group("which").lower()).replace("nxt", "next")
    period = {"wk": "week", "mth": "month", "yr": "year"}.get(m.group("period").lower())
    period = period or m.group("period").lower()
    if period == "weekend":
        weeks = {"last": -1, "next": 1}.get(which, 0)
        lean = {"last": Lean.PAST, "next": Lean.FUTURE, "coming": Lean.FUTURE}.get(
            which, Lean.EITHER
        )
        if which in ("this", "over the"):
            return lean, WeekdayRef(5, "this"), None
        return lean, WeekRel(weeks, 5), None
    if which in ("this", "over the"):
        # "this week" names no day it happened on, but a thing owed this week is due by its end
        if period == "week":
            return Lean.FUTURE, WeekRel(0, 4), None
        if period == "month":
            return Lean.FUTURE, MonthEnd(0), None
        return None
    sign = -1 if which == "last" else 1
    lean = Lean.PAST if sign < 0 else Lean.FUTURE
    if period == "week":
        return lean, DayOffset(7 * sign), None
    if period == "month":
        return lean, MonthOffset(sign), None
    return lean, MonthOffset(12 * sign), None


def _week_of(m: re.Match[str], pre: str | None) -> tuple[Lean, Spec | None, str | None] | None:
    """ "1st wk of July": due by the end of that week (the 7th), "last week of June" by the end
    of the month."""
    nth = m.group("nth").lower()
    month = _month_of(m.group("mon"))
    if nth == "last":
        return Lean.EITHER, MonthDay(month, calendar.monthrange(2001, month)[1], None), None
    k = {"1st": 1, "first": 1, "2nd": 2, "second": 2, "3rd": 3, "third": 3}.get(nth, 4)
    return Lean.EITHER, MonthDay(month, min(7 * k, 28), None), None


def _end(m: re.Match[str], pre: str | None) -> tuple[Lean, Spec | None, str | None] | None:
    abbr = (m.group("abbr") or "").lower()
    period = (m.group("period") or "").lower()
    nxt = (m.group("which") or "").strip().lower() == "next"
    if abbr in ("eod", "cob") or abbr.startswith("close") or period == "day":
        wd = (m.group("eod_wd") or "").split()
        if wd and not m.group("tomorrow"):
            return Lean.FUTURE, WeekdayRef(WEEKDAYS[wd[-1].lower()], "bare"), None
        return Lean.FUTURE, DayOffset(1 if m.group("tomorrow") else 0), None
    if abbr == "eow" or period == "week":
        return Lean.FUTURE, WeekRel(1 if nxt else 0, 4), None
    return Lean.FUTURE, MonthEnd(1 if nxt else 0), None


def _weekday(m: re.Match[str], pre: str | None) -> tuple[Lean, Spec | None, str | None] | None:
    word = m.group("wd").lower()
    mode = re.sub(r"\s+", " ", (m.group("mode") or "").lower())
    if not word.endswith("day") and not mode and not pre:
        return None  # "we sat down", "met Sun": short forms need "on", "next", "by"...
    wd = WEEKDAYS[word]
    if m.group("next_week") and not mode:
        return Lean.FUTURE, WeekRel(1, wd), None
    if mode == "last":
        return Lean.PAST, WeekdayRef(wd, "last"), None
    if mode in ("next", "coming", "this coming"):
        return Lean.FUTURE, WeekdayRef(wd, "next"), None
    if mode == "this":
        return Lean.EITHER, WeekdayRef(wd, "this"), None
    if pre is None:
        return Lean.EITHER, WeekdayRef(wd, "plain"), None  # "Friday retro", "lunch Monday"
    return Lean.EITHER, WeekdayRef(wd, "bare"), None


def _is_bare_lower_may(m: re.Match[str], pre: str | None) -> bool:
    # "may" is mostly the verb: lower-case "may" counts only after "on"/"by"... or with a year.
    return m.group("mon") == "may" and pre is None and not m.groupdict().get("year")


def _month_day(m: re.Match[str], pre: str | None) -> tuple[Lean, Spec | None, str | None] | None:
    if _is_bare_lower_may(m, pre):
        return None
    month = _month_of(m.group("mon"))
    day = int(m.group("day"))
    year = int(m.group("year")) if m.group("year") else None
    if not _valid(month, day, year):
        return Lean.EITHER, None, f'no such date "{_core_text(m)}"'
    return Lean.EITHER, MonthDay(month, day, year), None


def _core_text(m: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", m.group(0).strip())


def _iso(m: re.Match[str], pre: str | None) -> tuple[Lean, Spec | None, str | None] | None:
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not _valid(mo, d, y) or y < 1:
        return Lean.EITHER, None, f'no such date "{m.group(0)}"'
    return Lean.EITHER, MonthDay(mo, d, y), None


_NOT_BEFORE_NUMERIC = words(
    """
    score scored rated rating rate ratio split out of about approx roughly nearly over under
    than
    """
)
_WORD_BEFORE_RE = re.compile(
    r"([^\W\d_]+):?\s+$|(birthday|bday|b-day|anniversary|dob)\s*[-–—:=]\s*$", re.I
)


def _numeric(m: re.Match[str], pre: str | None) -> tuple[Lean, Spec | None, str | None] | None:
    text = m.string
    dotted = m.group("sep") == "."
    trailing_dot = dotted and text[m.end() : m.end() + 1] == "."
    year_s = m.group("y")
    if dotted and year_s is None and not trailing_dot and pre is None:
        return None  # "3.5 million"
    if year_s is None and pre is None and not trailing_dot:
        # "call w/ raj 2/2": a bare pair right after a word; not "1/2 the team", "— 4/5,"
        w = _WORD_BEFORE_RE.search(text, max(0, m.start() - 24), m.start())
        nxt = text[m.end() : m.end() + 6].lstrip(" ").lower()
        if (
            w is None
            or (w.group(1) or "").lower() in _NOT_BEFORE_NUMERIC
            or nxt.startswith(("of", "the", "%", "people", "ppl"))
        ):
            return None
    a, b = int(m.group("a")), int(m.group("b"))
    if not (1 <= a <= 31 and 1 <= b <= 31):
        return None
    year = None
    if year_s is not None:
        year = int(year_s) + (2000 if len(year_s) == 2 else 0)
    core = m.group(0) + ("." if trailing_dot else "")
    spec = NumericDate(a, b, year, core, True if dotted else None)
    if not _valid(b, a, year) and not _valid(a, b, year):
        return Lean.EITHER, None, f'no such date "{core}"'
    return Lean.EITHER, spec, None


def numeric_order(spec: NumericDate, order: str | None) -> tuple[int, int] | str:
    """(month, day) for a numeric date, or why it can't be read: "3/4" when the locale is
    unknown could be either, so it is asked about rather than guessed."""
    dmy = (spec.b, spec.a)  # month, day when the day comes first
    mdy = (spec.a, spec.b)
    ok_dmy = _valid(dmy[0], dmy[1], spec.year)
    ok_mdy = _valid(mdy[0], mdy[1], spec.year)
    if spec.day_first:
        return dmy if ok_dmy else f'no such date "{spec.text}"'
    if ok_dmy and ok_mdy and dmy != mdy:
        if order == "DMY":
            return dmy
        if order == "MDY":
            return mdy
        first = f"{spec.a} {calendar.month_name[spec.b]}"
        second = f"{calendar.month_name[spec.a]} {spec.b}"
        return f'"{spec.text}": {first} or {second}? Write the month as a word'
    if ok_dmy:
        return dmy
    if ok_mdy:
        return mdy
    return f'no such date "{spec.text}"'


def check_numeric(hits: list[DateHit], order: str | None) -> None:
    """Turn numeric dates the locale cannot settle into "didn't understand" entries."""
    for h in hits:
        if isinstance(h.spec, NumericDate):
            got = numeric_order(h.spec, order)
            if isinstance(got, str):
                h.error, h.spec = got, None


def _month_only(m: re.Match[str], pre: str | None) -> tuple[Lean, Spec | None, str | None] | None:
    mod = (m.group("mod") or "").lower()
    mon = m.group("mon")
    year = m.group("year")
    if not mod and not year:
        return None  # a lone month name: "May the best team win", "April said hi"
    if mon.lower() == "may" and mon[0] != "M" and not year:
        return None
    if len(mon) == 3 and mon.lower() not in ("may",) and not year and mod in ("in", "this"):
        return None  # "in Jan" could be a person; full names only
    lean = Lean.EITHER
    end_of = mod.endswith(" of") or mod == "fin"  # "by end of May", "fin avril"
    if mod in ("last", "since"):
        lean = Lean.PAST
    elif mod in ("next", "by", "until", "till", "before") or mod.startswith(("by", "before")):
        lean = Lean.FUTURE
    if end_of:
        month = _month_of(mon)
        last = calendar.monthrange(int(year) if year else 2001, month)[1]
        return lean, MonthDay(month, last, int(year) if year else None), None
    day = {"early": 5, "mid": 15, "late": 25}.get(mod, 1)
    month = _month_of(mon)
    return lean, MonthOnly(month, int(year) if year else None, day, mod == "last"), None


def _on_the(m: re.Match[str], pre: str | None) -> tuple[Lean, Spec | None, str | None] | None:
    day = int(m.group("day"))
    if not 1 <= day <= 31:
        return Lean.EITHER, None, f'no such date "{_core_text(m)}"'  # "on the 32nd"
    lean = Lean.EITHER if m.group("pre").lower() == "on" else Lean.FUTURE
    return lean, DayOfMonth(day), None


_REL_WORDS = words(
    """
    yesterday yday yest ystd yesterdy yesteday yestarday today tomorrow tmrw tmr tmw tomorow
    tommorow tommorrow tomorrw moro morrow mrw tonight tonite nite night morning afternoon
    evening arvo tdy 2day am pm
    """
)
_UNIT_WORDS = words(
    """
    day days week weeks month months year years fortnight fortnights d w wk wks mo mos mth mths
    y yr yrs ago
    """
)
_END_WORDS = frozenset({"end", "eod", "eow", "eom", "cob", "business"})
_PERIOD_WORDS = frozenset({"week", "wk", "month", "mth", "year", "yr", "weekend"})
_MONTH_WORDS = frozenset(MONTHS)
_WEEKDAY_WORDS = frozenset(WEEKDAYS)
_NO_WORDS: frozenset[str] = frozenset()

# (pattern, builder, words one of which must be in the note, needs a digit). A pattern whose
# anchor words are absent is not run at all, so most notes cost a set lookup, not 13 scans.
_PATTERNS: tuple[tuple[re.Pattern[str], _Builder, frozenset[str], bool], ...] = (
    (_REL_DAY_RE, _rel_day, _REL_WORDS, False),
    (_IN_RE, lambda m, pre: _offset(m, future=True), frozenset({"in", "within"}), False),
    (_FROM_NOW_RE, lambda m, pre: _offset(m, future=True), _UNIT_WORDS, False),
    (_AGO_RE, lambda m, pre: _offset(m, future=False), _UNIT_WORDS, False),
    (_END_RE, _end, _END_WORDS, False),
    (_PERIOD_RE, _period, _PERIOD_WORDS, False),
    (_WEEKDAY_RE, _weekday, _WEEKDAY_WORDS, False),
    (_WEEK_OF_RE, _week_of, frozenset({"wk", "week"}), False),
    (_ISO_RE, _iso, _NO_WORDS, True),
    (_MD_RE, _month_day, _MONTH_WORDS, True),
    (_DM_RE, _month_day, _MONTH_WORDS, True),
    (_NUMERIC_RE, _numeric, _NO_WORDS, True),
    (_MONTH_ONLY_RE, _month_only, _MONTH_WORDS, False),
    (_ON_THE_RE, _on_the, _NO_WORDS, True),
)
_DIGIT_RE = re.compile(r"\d")
_LETTERS_RE = re.compile(r"[a-z]+")


def find_dates(
    text: str, words: frozenset[str] | None = None, *, order: str | None = "DMY"
) -> list[DateHit]:
    """Every date-like span in `text`, left to right, never overlapping.

    `words` (the note's words in lower case) may be passed when already known; with digits in
    the note, runs of letters count too ("d" in "1d ago", "moro" in "2moro"). `order` is the
    author's date order for
    numeric dates ("DMY", "MDY", or None when unknown: an ambiguous "3/4" becomes an error).
    """
    has_digit = _DIGIT_RE.search(text) is not None
    if words is None or has_digit:
        # letters next to digits ("1d ago", "2moro") are no words of the note's own
        words = frozenset(_LETTERS_RE.findall(text.lower())) | (words or frozenset())
    found: list[tuple[int, int, Lean, Spec | None, str | None, tuple[int, int] | None]] = []
    for pattern, build, anchors, needs_digit in _PATTERNS:
        if (needs_digit and not has_digit) or (anchors and anchors.isdisjoint(words)):
            continue
        for m in pattern.finditer(text):
            start = m.start()
            pm = _PREFIX_RE.search(text, max(0, start - 24), start)
            pre = pm.group("p").lower() if pm else None
            built = build(m, pre)
            if built is None:
                continue
            lean, spec, error = built
            if pm is not None:
                start = pm.start()
                if pre is not None and pre.startswith(_FUTURE_PREFIXES):
                    lean = Lean.FUTURE
                elif pre == "since":
                    lean = Lean.PAST
            part = m.groupdict().get("part")
            hm = _PART_TIMES.get(part.lower()) if part else None
            if hm is None and spec is not None:
                hm = _part_of_rel(m)
            found.append((start, m.end(), lean, spec, error, hm))
    found.extend(_other_day_words(text, words))
    found.sort(key=lambda f: (f[0], f[0] - f[1]))
    hits: list[DateHit] = []
    last_end = -1
    for start, end, lean, spec, error, hm in found:
        if start < last_end:
            continue
        time, end = _time_near(text, start, end)
        prev = hits[-1] if hits else None
        if (
            prev is not None
            and isinstance(prev.spec, WeekdayRef)
            and isinstance(spec, (MonthDay, NumericDate, DayOfMonth))
            and text[prev.end : start].strip(" ,") == ""
        ):
            # "Fri 10/4", "mardi 21/4", "Tues 12th": one day, named twice; the date says which
            hits[-1] = DateHit(
                prev.start, end, text[prev.start : end], prev.lean, spec, time or hm, error
            )
        else:
            hits.append(DateHit(start, end, text[start:end], lean, spec, time or hm, error))
        last_end = end
    check_numeric(hits, order)
    return hits


_Found = tuple[int, int, Lean, "Spec | None", "str | None", "tuple[int, int] | None"]
# Prepositions of the languages in foreign_days.txt that make a day a deadline: "até sexta",
# "antes del viernes", "avant jeudi", "bis Freitag", "voor vrijdag", "entro venerdì".
_FOREIGN_BY_RE = re.compile(
    r"(?:\b(?:até|ate|antes\s+del?|avant|bis|vóór|voor|entro|hasta\s+el|by|before|b4|until|till"
    r"|due)\s+)$",
    _I,
)
_FOREIGN_ON_RE = re.compile(r"(?:\b(?:on|this|next|el|le|am|op|il|na|no|em)\s+)$", _I)


@lru_cache(maxsize=1)
def _foreign_days() -> dict[str, tuple[str, int]]:

    out: dict[str, tuple[str, int]] = {}
    for line in read_list("foreign_days.txt"):
        kind, n, word = line.split(" ", 2)
        out[word] = (kind, int(n))
    return out


def _weekday_typo(word: str) -> int | None:
    """ "wendesday", "thrusday", "wednsday": a weekday misspelt by a letter or two."""
    if not 6 <= len(word) <= 11 or word in FULL_WEEKDAYS or not word.endswith(("day", "dy")):
        return None
    for name in FULL_WEEKDAYS:
        if name[0] == word[0] and _distance(word, name) <= 2:
            return WEEKDAYS[name]
    return None


def _distance(a: str, b: str) -> int:
    """Edit distance with transpositions ("thrusday" is one swap from "thursday")."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _other_day_words(text: str, words: frozenset[str]) -> list[_Found]:
    """Days written in another language or misspelt: "hier", "gestern", "até sexta-feira",
    "by wendesday". Found word by word, since a note rarely has any."""

    table = _foreign_days()
    wanted: dict[str, tuple[str, int]] = {}
    for w in words:
        if len(w) < 3:
            continue
        got = table.get(fold(w))
        if got is not None:
            wanted[w] = got
        else:
            n = _weekday_typo(w)
            if n is not None:
                wanted[w] = ("weekday", n)
    if not wanted:
        return []
    out: list[_Found] = []
    alternatives = "|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True))
    for m in re.finditer(rf"(?<![\w-])(?:{alternatives})(?![\w-])", text, _I):
        kind, n = wanted[m.group(0).lower()]
        by = _FOREIGN_BY_RE.search(text, max(0, m.start() - 16), m.start())
        on = _FOREIGN_ON_RE.search(text, max(0, m.start() - 6), m.start())
        if kind == "abbr" and by is None and on is None:
            continue  # "qui", "ter" alone are other words; "by qui" is Thursday
        bare = by is None and on is None
        if (
            kind == "weekday"
            and bare
            and m.group(0)[0].isupper()
            and fold(m.group(0)) in gazetteer().given
        ):
            continue  # "met Domingo": a name, unless "on Domingo", "até Domingo"
        start = by.start() if by is not None else m.start()
        lean = Lean.FUTURE if by is not None else Lean.EITHER
        if kind == "day":
            lean = Lean.PAST if n < 0 else (Lean.FUTURE if n > 0 else Lean.EITHER)
            if by is not None:
                lean = Lean.FUTURE
            spec: Spec = DayOffset(n)
        else:
            spec = WeekdayRef(n, "bare" if on is not None else "plain")
        out.append((start, m.end(), lean, spec, None, None))
    return out


def _part_of_rel(m: re.Match[str]) -> tuple[int, int] | None:
    rel = (m.groupdict().get("rel") or "").lower()
    if rel.endswith("morning"):
        return 9, 0
    if rel.endswith("afternoon"):
        return 15, 0
    if rel.endswith("evening"):
        return 19, 0
    if rel.endswith("night"):
        return 20, 0
    return None


def _clock_time(h: int, minute: int, ap: str | None) -> tuple[int, int]:
    if ap:
        if ap.lower() == "p" and h < 12:
            h += 12
        elif ap.lower() == "a" and h == 12:
            h = 0
    elif 1 <= h <= 6:
        h += 12  # "at 3:30" in a note about a meeting is the afternoon
    return h, minute


def _time_near(text: str, start: int, end: int) -> tuple[tuple[int, int] | None, int]:
    m = _TIME_AFTER_RE.match(text, end, min(len(text), end + 24))
    if m:
        if m.group("word"):
            w = m.group("word").lower()
            return ((0, 0) if w == "midnight" else (12, 0)), m.end()
        if m.group("h") is not None:
            return _clock_time(int(m.group("h")), int(m.group("m") or 0), m.group("ap")), m.end()
        return _clock_time(int(m.group("h2")), int(m.group("m2")), None), m.end()
    b = _TIME_BEFORE_RE.search(text, max(0, start - 20), start)
    if b and (b.group("ap") or b.group("m")):
        return _clock_time(int(b.group("h")), int(b.group("m") or 0), b.group("ap")), end
    return None, end


# --- resolution -------------------------------------------------------------------------------


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    month = month0 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _weekday_date(today: date, ref: WeekdayRef, prefer: Lean) -> date:
    back = (today.weekday() - ref.weekday) % 7
    fwd = (ref.weekday - today.weekday()) % 7
    if ref.mode == "last":
        return today - timedelta(days=back or 7)
    if ref.mode == "next":
        return today + timedelta(days=fwd or 7)
    if ref.mode == "this" or (ref.mode == "plain" and back == 0 and prefer is not Lean.FUTURE):
        # "Friday retro" written on a Friday is today's; "from us Monday" said on a Monday is
        # still next week's
        return today - timedelta(days=back) if prefer is Lean.PAST else today + timedelta(days=fwd)
    if prefer is Lean.FUTURE:
        return today + timedelta(days=fwd or 7)
    return today - timedelta(days=back or 7)


def _yearly(today: date, month: int, day: int, prefer: Lean) -> date | None:
    step = 1 if prefer is Lean.FUTURE else -1
    for i in range(9):  # nine years always include a Feb 29
        year = today.year + step * i
        if _valid(month, day, year):
            d = date(year, month, day)
            if (d >= today) if prefer is Lean.FUTURE else (d <= today):
                return d
    return None


def next_yearly(today: date, month: int, day: int) -> date | None:
    """The next time a yearly date comes round, today included."""
    return _yearly(today, month, day, Lean.FUTURE)


def _monthly(today: date, day: int, prefer: Lean) -> date | None:
    step = 1 if prefer is Lean.FUTURE else -1
    for i in range(13):
        first = _add_months(today.replace(day=1), step * i)
        if _valid(first.month, day, first.year):
            d = first.replace(day=day)
            if (d >= today) if prefer is Lean.FUTURE else (d <= today):
                return d
    return None


def _month_start(today: date, spec: MonthOnly, prefer: Lean) -> date:
    """The month named, as dateparser read it with PREFER_DAY_OF_MONTH=first: looking back,
    the latest one begun by today (this month included); looking ahead, the next one to begin
    (next year's, in its own month); "last July" in July, the one before."""
    if spec.year is not None:
        return date(spec.year, spec.month, spec.day)
    first = date(today.year, spec.month, 1)
    if prefer is Lean.FUTURE:
        year = today.year + 1 if first <= today else today.year
    else:
        this_one = spec.before_this_one and spec.month == today.month
        year = today.year - 1 if first > today or this_one else today.year
    return date(year, spec.month, spec.day)


def resolve_day(hit: DateHit, clock: Clock, prefer: Lean) -> date | None:
    """The local calendar day `hit` names, leaning to the past or the future when it can be both."""
    spec = hit.spec
    today = clock.today
    try:
        if isinstance(spec, DayOffset):
            return today + timedelta(days=spec.days)
        if isinstance(spec, MonthOffset):
            return _add_months(today, spec.months)
        if isinstance(spec, WeekdayRef):
            return _weekday_date(today, spec, prefer)
        if isinstance(spec, WeekRel):
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=spec.weeks)
            return monday + timedelta(days=spec.weekday)
        if isinstance(spec, MonthEnd):
            first = _add_months(today.replace(day=1), spec.months)
            return first.replace(day=calendar.monthrange(first.year, first.month)[1])
        if isinstance(spec, MonthDay):
            if spec.year is not None:
                return date(spec.year, spec.month, spec.day)
            return _yearly(today, spec.month, spec.day, prefer)
        if isinstance(spec, DayOfMonth):
            return _monthly(today, spec.day, prefer)
        if isinstance(spec, NumericDate):
            got = numeric_order(spec, clock.date_order)
            if isinstance(got, str):
                return None
            if spec.year is not None:
                return date(spec.year, got[0], got[1])
            return _yearly(today, got[0], got[1], prefer)
        if isinstance(spec, MonthOnly):
            return _month_start(today, spec, prefer)
    except (ValueError, OverflowError):
        return None
    return None


def occurred_at(hit: DateHit, clock: Clock) -> datetime | None:
    day = resolve_day(hit, clock, Lean.PAST)
    if day is None:
        return None
    try:
        when = clock.moment(day, hit.time or (12, 0))
    except (ValueError, OverflowError):
        return None
    if hit.time is None and day == clock.today and when > clock.now:
        return clock.now  # "today" at 10:00 is earlier today, not noon
    return when


def due_at(hit: DateHit, clock: Clock) -> datetime | None:
    day = resolve_day(hit, clock, Lean.FUTURE)
    if day is None:
        return None
    try:
        return clock.moment(day, hit.time or (17, 0))
    except (ValueError, OverflowError):
        return None


def month_day(
    hit: DateHit, clock: Clock, prefer: Lean = Lean.FUTURE
) -> tuple[int, int, int | None] | None:
    """A yearly date: month, day and the year only when the note gives one. `prefer` reads a
    weekday or a relative day ("her birthday was on Saturday": the one just gone)."""
    if isinstance(hit.spec, MonthDay):
        return hit.spec.month, hit.spec.day, hit.spec.year
    if isinstance(hit.spec, NumericDate):
        got = numeric_order(hit.spec, clock.date_order)
        return None if isinstance(got, str) else (got[0], got[1], hit.spec.year)
    day = resolve_day(hit, clock, prefer)
    return (day.month, day.day, None) if day is not None else None
