"""Where relationships stand, in the console: `rapport fading`, `focus`, `unfocus`, `next`,
`review`; their arguments, running them, and what they print."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from bot.blocks.kit import mrkdwn_to_text
from bot.blocks.standing import (
    empty_focus_sentence,
    focus_change_text,
    nothing_pressing_sentence,
    review_text_lines,
    weekly_review_sentence,
)
from bot.console.inputs import parse_when
from bot.console.notifier import notifier_for
from bot.console.output import Grid, Output
from bot.domain.humanize import every, plural
from bot.domain.standing import (
    ContactStanding,
    FadingPage,
    FocusChange,
    FocusList,
    NextAction,
    Review,
)

if TYPE_CHECKING:
    from bot.app import Rapport
    from bot.config import Settings
    from bot.domain.refs import Actor


def run(args: argparse.Namespace, settings: Settings, rapport: Rapport, actor: Actor) -> int:
    out = Output(json=bool(getattr(args, "json", False)), tz=settings.tz, now=rapport.clock())
    standing = rapport.standing
    if args.command == "fading":
        page = standing.fading(
            actor=actor, tag=args.tag, team=args.team, page=args.page, page_size=args.limit
        )
        out.show(page, fading_lines(page, out), standing_grid(page.rows, out, more=page.has_more))
    elif args.command == "focus":
        if args.limit is not None:
            standing.update_settings(actor=actor, focus_limit=args.limit)
        if not args.name:
            focus = standing.focus_list(actor=actor)
            title = f"Your focus list ({len(focus.rows)} of {focus.limit})"
            out.show(
                focus, focus_list_lines(focus, out), standing_grid(focus.rows, out, title=title)
            )
        else:
            change = standing.focus(actor=actor, name=" ".join(args.name))
            out.show(change, focus_change_lines(change))
    elif args.command == "unfocus":
        change = standing.unfocus(actor=actor, name=" ".join(args.name))
        out.show(change, focus_change_lines(change))
    elif args.command == "next":
        items = standing.next_actions(actor=actor, limit=args.limit)
        out.show(items, next_action_lines(items))
    elif args.command == "review":
        now = parse_when(args.now, settings.tz, date_hour=9, flag="--now") if args.now else None
        if args.send:
            notifier = notifier_for(settings, print_only=False, json_mode=out.json)
            report = rapport.send_weekly_reviews(notifier, now=now)
            if out.json:
                out.show(report, [])
            else:
                print(
                    f"rapport: {plural(len(report.sent), 'review')} sent, "
                    f"{len(report.failed)} failed",
                    file=sys.stderr,
                )
            return 0 if not report.failed else 1
        if args.weekly is not None:
            view = standing.update_settings(actor=actor, weekly_review=args.weekly == "on")
            out.show(view, [weekly_review_sentence(view.weekly_review)])
        else:
            review = rapport.reviews.review(actor=actor, now=now)
            out.show(review, review_lines(review, out))
    return 0


def fading_lines(page: FadingPage, out: Output) -> Iterator[str]:
    if not page.rows:
        yield "Nobody to show." if page.page > 1 else "No notes yet, so nobody is fading."
        return
    for row in page.rows:
        yield from _row_lines(row, out)
    if page.has_more:
        yield f"(more: --page {page.page + 1})"


def focus_list_lines(focus: FocusList, out: Output) -> Iterator[str]:
    if not focus.rows:
        yield mrkdwn_to_text(empty_focus_sentence("rapport"))
        return
    yield f"Your focus list ({len(focus.rows)} of {focus.limit}):"
    for row in focus.rows:
        yield from _row_lines(row, out)


def focus_change_lines(change: FocusChange) -> Iterator[str]:
    yield focus_change_text(change)
    if change.warning:
        yield change.warning


def next_action_lines(items: Sequence[NextAction]) -> Iterator[str]:
    if not items:
        yield mrkdwn_to_text(nothing_pressing_sentence())
        return
    for index, item in enumerate(items, 1):
        star = " (focus)" if item.focus else ""
        yield f"{index}. {item.action.text}{star}"
        if item.action.draft:
            yield f"   {item.action.draft}"


def review_lines(review: Review, out: Output) -> Iterator[str]:
    yield from (mrkdwn_to_text(line) for line in review_text_lines(review, tz=out.tz))
    if review.people_met:
        named = [p.label for p in review.people_met if "@" not in p.label]
        example = named[0] if named else "Jane Doe"
        yield (
            f"  Not contacts yet: log a note about them (met {example} …) or "
            "rapport calendar import FILE.ics --add-new-people"
        )
    if review.next_actions:
        yield "Next:"
        yield from next_action_lines(review.next_actions)


def standing_grid(
    rows: Sequence[ContactStanding], out: Output, *, title: str | None = None, more: bool = False
) -> Grid | None:
    """Contacts and where they stand, as a table on a terminal."""
    if not rows:
        return None
    cells = []
    for row in rows:
        if row.last_at is not None:
            kind = f", {row.last_kind}" if row.last_kind else ""
            by = f" by {row.last_by}" if row.last_by else ""
            last = f"{out.local_date(row.last_at)} ({out.ago(row.last_at)}{kind}){by}"
        else:
            last = "not in touch yet"
        cadence = f"every {row.cadence.every_days} days, {row.cadence.text}" if row.cadence else ""
        why = row.why + (f"; next: {row.action.text}" if row.action is not None else "")
        name = row.contact.display_name + (" (focus)" if row.focus else "")
        cells.append([name, row.label, last, cadence, why])
    if more:
        title = (title or "") + " (more: --page N)"
    return [(title, ("who", "state", "last in touch", "cadence", "why"), cells)]


def _row_lines(row: ContactStanding, out: Output) -> Iterator[str]:
    star = " *" if row.focus else ""
    if row.last_at is not None:
        kind = f", {row.last_kind}" if row.last_kind else ""
        by = f" by {row.last_by}" if row.last_by else ""
        last = f"last {out.local_date(row.last_at)} ({out.ago(row.last_at)}{kind}){by}"
    else:
        last = "not in touch yet"
    cadence = f"; {every(row.cadence.every_days)}, {row.cadence.text}" if row.cadence else ""
    yield f"{row.contact.display_name}{star} — {row.label}, {last}{cadence}"
    yield f"    {row.why}"
    if row.action is not None:
        yield f"    next: {row.action.text}"
