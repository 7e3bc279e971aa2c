"""Console subcommands for where relationships stand, added to `rapport`'s parser by bot.cli.

Imports stay light at module level: the parser is built for every `rapport` invocation,
including --help. The store and the service are imported inside `dispatch`.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from bot.app import Rapport
    from bot.config import Settings
    from bot.domain.refs import Actor
    from bot.domain.standing import ContactStanding, NextAction

COMMANDS: frozenset[str] = frozenset({"fading", "focus", "unfocus", "next", "review"})


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add fading, focus, unfocus, next and review to `sub`."""
    fading = sub.add_parser("fading", parents=[common], help="your contacts, longest silence first")
    fading.add_argument("--tag", metavar="TAG", help="only contacts tagged TAG (e.g. investors)")
    fading.add_argument(
        "--team",
        action="store_true",
        help="count anyone's interactions you may see, not just yours",
    )
    fading.add_argument("--page", type=int, default=1, help="page number (default 1)")
    fading.add_argument("--limit", type=int, default=20, help="people per page (default 20)")

    focus = sub.add_parser(
        "focus", parents=[common], help="keep a few people close: rapport focus Jane Doe"
    )
    focus.add_argument("name", nargs="*", help="who; nothing lists your focus list")
    focus.add_argument(
        "--limit", type=int, metavar="N", help="your soft limit (default 25): past it, a warning"
    )
    unfocus = sub.add_parser("unfocus", parents=[common], help="rapport unfocus Jane Doe")
    unfocus.add_argument("name", nargs="+")

    nxt = sub.add_parser("next", parents=[common], help="your next best actions")
    nxt.add_argument("--limit", type=int, default=5, help="how many (default 5)")

    review = sub.add_parser(
        "review", parents=[common], help="your week in relationships; --weekly on for a DM"
    )
    review.add_argument(
        "--weekly", choices=["on", "off"], help="a review DM every Monday morning (opt-in)"
    )
    review.add_argument(
        "--send",
        action="store_true",
        help="send the weekly DMs that are due (cron); prints them without SLACK_BOT_TOKEN",
    )
    review.add_argument("--now", metavar="WHEN", help="as of WHEN (2026-07-06T09:00)")


def dispatch(args: argparse.Namespace, settings: Settings, rapport: Rapport, actor: Actor) -> int:
    from bot.console import parse_when

    out = _Out(json_mode=bool(getattr(args, "json", False)), tz=settings.tz, now=rapport.clock())
    if args.command == "fading":
        out.fading(
            rapport.standing.fading(
                actor=actor, tag=args.tag, team=args.team, page=args.page, page_size=args.limit
            )
        )
        return 0
    if args.command == "focus":
        if args.limit is not None:
            rapport.standing.update_settings(actor=actor, focus_limit=args.limit)
        if not args.name:
            out.focus_list(rapport.standing.focus_list(actor=actor))
            return 0
        out.focus_change(rapport.standing.focus(actor=actor, name=" ".join(args.name)))
        return 0
    if args.command == "unfocus":
        out.focus_change(rapport.standing.unfocus(actor=actor, name=" ".join(args.name)))
        return 0
    if args.command == "next":
        out.next_actions(rapport.standing.next_actions(actor=actor, limit=args.limit))
        return 0
    if args.command == "review":
        now = parse_when(args.now, settings.tz, date_hour=9, flag="--now") if args.now else None
        if args.send:
            return _send(rapport, settings, now=now, json_mode=out.json_mode)
        if args.weekly is not None:
            view = rapport.standing.update_settings(actor=actor, weekly_review=args.weekly == "on")
            if out.json_mode:
                out.dump(view)
            else:
                state = "on: every Monday morning" if view.weekly_review else "off"
                print(f"Weekly review DM {state}.")
            return 0
        out.review(rapport.reviews.review(actor=actor, now=now))
        return 0
    raise AssertionError(f"unhandled command {args.command}")


def _send(rapport: Rapport, settings: Settings, *, now: datetime | None, json_mode: bool) -> int:
    """One pass of the weekly review DMs: through Slack with a bot token, else printed."""
    from bot.reminders.notifier import ConsoleNotifier, Notifier
    from bot.standing_blocks import review_sender

    notifier: Notifier
    if settings.slack_bot_token:
        from bot.reminders.slack_notifier import SlackNotifier
        from bot.slack_client import build_client

        notifier = SlackNotifier(build_client(settings))
    else:
        notifier = ConsoleNotifier(sys.stderr if json_mode else sys.stdout)

    report = rapport.reviews.deliver_reviews(send=review_sender(notifier, tz=settings.tz), now=now)
    if json_mode:
        import json

        print(json.dumps({"sent": list(report.sent), "failed": list(report.failed)}))
    else:
        print(
            f"rapport: {len(report.sent)} reviews sent, {len(report.failed)} failed",
            file=sys.stderr,
        )
    return 0 if not report.failed else 1


class _Out:
    def __init__(self, *, json_mode: bool, tz: str, now: datetime) -> None:
        self.json_mode = json_mode
        self.tz = tz
        self.now = now

    def dump(self, value: Any) -> None:
        import json

        from bot.console import to_jsonable

        print(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))

    def _row(self, row: ContactStanding) -> None:
        from bot.domain.humanize import ago, local_date

        star = " *" if row.focus else ""
        if row.last_at is not None:
            kind = f", {row.last_kind}" if row.last_kind else ""
            by = f" by {row.last_by}" if row.last_by else ""
            last = (
                f"last {local_date(row.last_at, self.tz)} ({ago(row.last_at, self.now)}{kind}){by}"
            )
        else:
            last = "not in touch yet"
        cadence = (
            f"; every {row.cadence.every_days} days, {row.cadence.text}" if row.cadence else ""
        )
        print(f"{row.contact.display_name}{star} — {row.label}, {last}{cadence}")
        print(f"    {row.why}")
        if row.action is not None:
            print(f"    next: {row.action.text}")

    def fading(self, page: Any) -> None:
        if self.json_mode:
            self.dump(page)
            return
        if not page.rows:
            print("Nobody to show." if page.page > 1 else "No notes yet, so nobody is fading.")
            return
        for row in page.rows:
            self._row(row)
        if page.has_more:
            print(f"(more: --page {page.page + 1})")

    def focus_list(self, focus: Any) -> None:
        if self.json_mode:
            self.dump(focus)
            return
        if not focus.rows:
            print("Your focus list is empty. Try `rapport focus Jane Doe`.")
            return
        print(f"Your focus list ({len(focus.rows)} of {focus.limit}):")
        for row in focus.rows:
            self._row(row)

    def focus_change(self, change: Any) -> None:
        from bot.standing_blocks import focus_change_text

        if self.json_mode:
            self.dump(change)
            return
        print(focus_change_text(change))
        if change.warning:
            print(change.warning)

    def next_actions(self, items: tuple[NextAction, ...]) -> None:
        if self.json_mode:
            self.dump(items)
            return
        if not items:
            print("Nothing pressing: you're square with everyone.")
            return
        for index, item in enumerate(items, 1):
            star = " (focus)" if item.focus else ""
            print(f"{index}. {item.action.text}{star}")
            if item.action.draft:
                print(f"   {item.action.draft}")

    def review(self, review: Any) -> None:
        from bot.standing_blocks import review_text_lines

        if self.json_mode:
            self.dump(review)
            return
        for line in review_text_lines(review, tz=self.tz):
            print(_plain(line))
        if review.next_actions:
            print("Next:")
            self.next_actions(review.next_actions)


def _plain(line: str) -> str:
    """mrkdwn lines back to console text: no bold, no entities."""
    return line.replace("*", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
