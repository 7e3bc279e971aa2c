"""Choosing a time zone: the first valid IANA name of those given, else UTC.

A zone name comes from a person (RAPPORT_TZ, --as), from Slack's users.info (sometimes null, or a
name this machine's tz database lacks) or from a cached row: a bad one must never stop a reply or
a reminder, so every use of a stored name goes through `pick_zone`.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def valid_zone(name: str | None) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def pick_zone(*names: str | None) -> str:
    """The first valid zone name among `names` (the actor's, the user's, the default), else UTC."""
    return next((name for name in names if name and valid_zone(name)), "UTC")


def zone(*names: str | None) -> ZoneInfo:
    """`pick_zone` as a ZoneInfo."""
    return ZoneInfo(pick_zone(*names))
