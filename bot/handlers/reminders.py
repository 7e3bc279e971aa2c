"""Buttons on reminder DMs (sent by bot/slack/notifier.py): Done, Snooze, Stop.

The key in the button names a reminder; the reminder buttons use case checks that it belongs to the
clicking user (NotFoundError otherwise), so a forged value cannot touch someone else's reminders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from slack_bolt import Ack, App, Respond

from bot.blocks.ids import (
    ACTION_DONE,
    ACTION_SNOOZE,
    ACTION_STOP,
    MAX_SNOOZE_DAYS,
    value_int,
)
from bot.blocks.kit import context, section, sections_from_lines, slack_date
from bot.blocks.reminders import (
    cadence_line,
    no_cadences_sentence,
    settings_sentence,
    snooze_sentence,
    upcoming_blocks,
)
from bot.domain.errors import UserInputError
from bot.handlers.common import Deps, actor_from_interaction, first_action, friendly_errors, replies
from bot.handlers.registry import Invocation, Subcommand


def _day(tz: str) -> Callable[[datetime], str]:
    return lambda when: slack_date(when, fallback_tz=tz, with_time=False)


def _cadence(call: Invocation) -> None:
    cadences = call.deps.rapport.cadences
    if not call.rest:
        views = cadences.cadences(actor=call.actor)
        lines = [cadence_line(v, when=_day(call.tz)) for v in views] or [no_cadences_sentence()]
        call.reply("Your cadences", sections_from_lines(lines))
        return
    view = cadences.set_cadence_text(actor=call.actor, text=call.rest)
    call.reply(f"Cadence for {view.target}", [section(cadence_line(view, when=_day(call.tz)))])


def _snooze(call: Invocation) -> None:
    view = call.deps.rapport.cadences.snooze_text(actor=call.actor, text=call.rest)
    sentence = snooze_sentence(view, when=lambda when: slack_date(when, fallback_tz=call.tz))
    call.reply(f"Snoozed {view.target}", [section(sentence)])


def _settings(call: Invocation) -> None:
    view = call.deps.rapport.schedules.settings_text(actor=call.actor, text=call.rest)
    hint = "Change with e.g. `/rapport settings digest 8 days mon-fri hours 9-17 cap 3 individual`."
    call.reply("Your reminder settings", [section(settings_sentence(view)), context(hint)])


def _due(call: Invocation) -> None:
    upcoming = call.deps.rapport.due.upcoming(actor=call.actor)
    call.reply("What is due", upcoming_blocks(upcoming, tz=call.tz))


# /rapport words for reminders (see bot/handlers/registry.py).
SUBCOMMANDS: Final[tuple[Subcommand, ...]] = (
    Subcommand(
        "cadence",
        "`/rapport cadence Jane Doe every 30 days` (or `#investors quarterly`, `Jane Doe stop`) "
        "sets how often to stay in touch; alone, lists your cadences",
        _cadence,
    ),
    Subcommand(
        "snooze",
        "`/rapport snooze Jane Doe 1w` pauses reminders about someone",
        _snooze,
    ),
    Subcommand(
        "settings",
        "`/rapport settings digest 8 days mon-fri cap 3` sets when and how much I remind you",
        _settings,
    ),
    Subcommand("due", "`/rapport due` shows what I will remind you of today and this week", _due),
)


def register(app: App, deps: Deps) -> None:
    buttons = deps.rapport.reminder_buttons

    @app.action(ACTION_DONE)
    def on_done(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        _replace, reply = replies(respond)
        with friendly_errors(reply):
            key = str(first_action(body).get("value") or "")
            result = buttons.done(actor=actor_from_interaction(body), key=key)
            reply(result.text, None)

    @app.action(ACTION_SNOOZE)
    def on_snooze(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        _replace, reply = replies(respond)
        with friendly_errors(reply):
            value = str((first_action(body).get("selected_option") or {}).get("value") or "")
            days, _, key = value.partition("|")
            try:
                snooze_days = value_int(days, high=MAX_SNOOZE_DAYS)
            except ValueError:
                raise UserInputError("That menu is out of date; please try again.") from None
            if not key:
                raise UserInputError("That menu is out of date; please try again.")
            result = buttons.snooze_item(
                actor=actor_from_interaction(body), key=key, days=snooze_days
            )
            reply(result.text, None)

    @app.action(ACTION_STOP)
    def on_stop(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        _replace, reply = replies(respond)
        with friendly_errors(reply):
            key = str(first_action(body).get("value") or "")
            result = buttons.stop(actor=actor_from_interaction(body), key=key)
            reply(result.text, None)
