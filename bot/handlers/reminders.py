"""Buttons on reminder DMs (sent by bot/reminders/slack_notifier.py): Done, Snooze, Stop.

The key in the button names a reminder; the reminders service checks that it belongs to the
clicking user (NotFoundError otherwise), so a forged value cannot touch someone else's reminders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from slack_bolt import Ack, App, Respond

if TYPE_CHECKING:
    from bot.domain.reminders import CadenceView

from bot.blocks import Block, context, escape, section, sections_from_lines, slack_date
from bot.domain.errors import UserInputError
from bot.handlers.common import Deps, actor_from_interaction, friendly_errors
from bot.handlers.registry import Invocation, Subcommand
from bot.reminders.render import ACTION_DONE, ACTION_SNOOZE, ACTION_STOP


def _cadence_line(view: CadenceView, tz: str) -> str:
    if view.stopped:
        return f"*{escape(view.target)}*: no stay-in-touch nudges."
    line = f"*{escape(view.target)}*: every {view.every_days} days"
    if view.next_due is not None:
        line += f"; next nudge {slack_date(view.next_due, fallback_tz=tz, with_time=False)}"
    return line + "."


def _cadence(call: Invocation) -> None:
    cadences = call.deps.rapport.cadences
    if not call.rest:
        views = cadences.cadences(actor=call.actor)
        lines = [_cadence_line(v, call.tz) for v in views] or [
            "No cadences yet. Try `/rapport cadence Jane Doe every 30 days` or "
            "`/rapport cadence #investors quarterly`."
        ]
        call.reply("Your cadences", sections_from_lines(lines))
        return
    view = cadences.set_cadence_text(actor=call.actor, text=call.rest)
    call.reply(f"Cadence for {view.target}", [section(_cadence_line(view, call.tz))])


def _snooze(call: Invocation) -> None:
    view = call.deps.rapport.cadences.snooze_text(actor=call.actor, text=call.rest)
    until = slack_date(view.until, fallback_tz=call.tz)
    call.reply(
        f"Snoozed {view.target}", [section(f"Snoozed *{escape(view.target)}* until {until}.")]
    )


def _settings(call: Invocation) -> None:
    view = call.deps.rapport.schedules.settings_text(actor=call.actor, text=call.rest)
    mode = "one DM a morning" if view.mode == "digest" else "one DM per reminder"
    text = (
        f"Digest at {view.digest_hour}:00 ({escape(view.tz)}), on {view.work_days}, working hours "
        f"{view.work_start}–{view.work_end}, at most {view.daily_cap} nudges a day, {mode}."
    )
    hint = "Change with e.g. `/rapport settings digest 8 days mon-fri hours 9-17 cap 3 individual`."
    call.reply("Your reminder settings", [section(text), context(hint)])


def _due(call: Invocation) -> None:
    upcoming = call.deps.rapport.due.upcoming(actor=call.actor)
    blocks: list[Block] = []
    for title, items in (("Due today", upcoming.today), ("This week", upcoming.this_week)):
        if items:
            blocks.append(section(f"*{title}*"))
            blocks += sections_from_lines(
                f"• {escape(item.text)} — {slack_date(item.slot, fallback_tz=call.tz)}"
                for item in items
            )
    call.reply("What is due", blocks or [section("Nothing is due this week.")])


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
        needs="a name and how long",
    ),
    Subcommand(
        "settings",
        "`/rapport settings digest 8 days mon-fri cap 3` sets when and how much I remind you",
        _settings,
    ),
    Subcommand("due", "`/rapport due` shows what I will remind you of today and this week", _due),
)


def _action(body: dict[str, Any]) -> dict[str, Any]:
    found = (body.get("actions") or [{}])[0]
    return found if isinstance(found, dict) else {}


def register(app: App, deps: Deps) -> None:
    buttons = deps.rapport.reminder_buttons

    def tell(respond: Respond) -> Any:
        def reply(text: str, blocks: list[Block] | None) -> None:
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)

        return reply

    @app.action(ACTION_DONE)
    def on_done(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        reply = tell(respond)
        with friendly_errors(reply):
            key = str(_action(body).get("value") or "")
            result = buttons.done(actor=actor_from_interaction(body), key=key)
            reply(result.text, None)

    @app.action(ACTION_SNOOZE)
    def on_snooze(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        reply = tell(respond)
        with friendly_errors(reply):
            value = str((_action(body).get("selected_option") or {}).get("value") or "")
            days, _, key = value.partition("|")
            if not days.isdigit() or not key:
                raise UserInputError("That menu is out of date; please try again.")
            result = buttons.snooze_item(
                actor=actor_from_interaction(body), key=key, days=int(days)
            )
            reply(result.text, None)

    @app.action(ACTION_STOP)
    def on_stop(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        reply = tell(respond)
        with friendly_errors(reply):
            key = str(_action(body).get("value") or "")
            result = buttons.stop(actor=actor_from_interaction(body), key=key)
            reply(result.text, None)
