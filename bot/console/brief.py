"""`rapport brief [NAME | off | on | minutes N]`: what to know before meeting someone (with your
next meeting with them), your next meeting's brief, or the brief setting. The same points as
the DM (bot/domain/briefs.py), as plain lines."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bot.console.notes import card_interactively
from bot.console.output import Output
from bot.domain.briefs import Brief, Point, points
from bot.domain.errors import AmbiguousNameError
from bot.domain.zones import zone

if TYPE_CHECKING:
    from bot.app import Rapport
    from bot.config import Settings
    from bot.domain.refs import Actor

_LABELS = {"heads_up": "Heads-up: ", "about": "", "standing": "", "last": "", "next": ""}


def point_text(point: Point) -> str:
    return f"{_LABELS.get(point.kind, '')}{point.text}"


def brief_lines(brief: Brief, out: Output) -> Iterator[str]:
    if brief.meeting is not None:
        yield f"Before {brief.meeting.title} — {out.local_datetime(brief.meeting.start)}"
    today = out.now.astimezone(zone(out.tz)).date()
    for card in brief.people:
        yield card.contact.display_name
        found = points(card, now=out.now, today=today)
        for point in found:
            yield f"  {point_text(point)}"
        if not found:
            yield "  Nothing noted about them yet."
    if brief.meeting is not None and brief.meeting.others:
        yield f"Also there (not contacts): {', '.join(brief.meeting.others)}"


def run(args: argparse.Namespace, settings: Settings, rapport: Rapport, actor: Actor) -> int:
    out = Output(json=bool(getattr(args, "json", False)), tz=settings.tz, now=rapport.clock())
    words = " ".join(args.words)
    briefs = rapport.briefs
    changed = briefs.setting_words(actor=actor, words=words)
    if changed is not None:
        out.show(changed, [changed.text])
        return 0
    if not words:
        upcoming = briefs.next_meetings(actor=actor, limit=1)
        if not upcoming:
            current = briefs.settings(actor=actor)
            out.show(current, ["No meeting with your contacts is coming up.", current.text])
            return 0
        out.show(upcoming[0], brief_lines(upcoming[0], out))
        return 0
    try:
        brief = briefs.about(actor=actor, name=words)
    except AmbiguousNameError:
        card = card_interactively(rapport, actor, words)  # asks which one, at a terminal
        brief = briefs.about(actor=actor, name=words, contact_id=card.contact.id)
    out.show(brief, brief_lines(brief, out))
    return 0
