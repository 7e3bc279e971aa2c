"""Buttons on reminder DMs (sent by bot/reminders/slack_notifier.py): Done, Snooze, Stop.

The key in the button names a reminder; the reminders service checks that it belongs to the
clicking user (NotFoundError otherwise), so a forged value cannot touch someone else's reminders.
"""

from __future__ import annotations

from typing import Any, Final

from slack_bolt import Ack, App, Respond

from bot.blocks import Block
from bot.errors import UserInputError
from bot.handlers.common import Deps, actor_from_interaction, friendly_errors
from bot.handlers.registry import Subcommand

# /rapport words for reminders (see bot/handlers/registry.py).
SUBCOMMANDS: Final[tuple[Subcommand, ...]] = ()

# The action_ids bot/reminders/render.py puts on its buttons (kept in step by a test).
ACTION_DONE: Final = "reminder_done"
ACTION_SNOOZE: Final = "reminder_snooze"
ACTION_STOP: Final = "reminder_stop"


def _action(body: dict[str, Any]) -> dict[str, Any]:
    found = (body.get("actions") or [{}])[0]
    return found if isinstance(found, dict) else {}


def register(app: App, deps: Deps) -> None:
    reminders = deps.reminders
    if reminders is None:
        return

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
            result = reminders.done(actor=actor_from_interaction(body), key=key)
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
            result = reminders.snooze_item(
                actor=actor_from_interaction(body), key=key, days=int(days)
            )
            reply(result.text, None)

    @app.action(ACTION_STOP)
    def on_stop(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        reply = tell(respond)
        with friendly_errors(reply):
            key = str(_action(body).get("value") or "")
            result = reminders.stop(actor=actor_from_interaction(body), key=key)
            reply(result.text, None)
