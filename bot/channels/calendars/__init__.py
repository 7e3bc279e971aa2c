"""Reading calendars: an iCalendar file's bytes → `Meeting` values (read), video links in an
event's text (links), a calendar address fetched with conditional requests (fetch). Nothing here
touches the database."""

from bot.channels.calendars.read import read_calendar

__all__ = ["read_calendar"]
