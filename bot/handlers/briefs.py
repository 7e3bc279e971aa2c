"""`/rapport brief Jane` (her brief, with your next meeting with her), `/rapport brief off|on|
minutes 10` (the setting); the "How did it go?" button, which opens the log form with the
meeting's attendees filled in; and the "Add" buttons under "You met 3 new people"."""

from __future__ import annotations

import json
import re
from typing import Any, Final

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.brief import brief_blocks, brief_fallback_text
from bot.blocks.card import candidates_blocks
from bot.blocks.ids import ACTION_ADD_PERSON_PREFIX, ACTION_MEETING_LOG
from bot.blocks.kit import escape, section
from bot.blocks.modals import save_note_modal
from bot.blocks.people_met import parse_add_value
from bot.domain.errors import AmbiguousNameError, UserInputError
from bot.handlers.common import (
    Deps,
    actor_from_interaction,
    first_action,
    friendly_errors,
    prepare_actor,
    replies,
)
from bot.handlers.registry import Invocation, Subcommand

OUT_OF_DATE: Final = "That button is out of date."


def _brief(call: Invocation) -> None:
    briefs = call.deps.rapport.briefs
    changed = briefs.setting_words(actor=call.actor, words=call.rest)
    if changed is not None:
        call.reply(changed.text, [section(escape(changed.text))])
        return
    if not call.rest:
        upcoming = briefs.next_meetings(actor=call.actor, limit=1)
        if not upcoming:
            text = briefs.settings(actor=call.actor).text
            call.reply(
                text, [section(escape(text) + " No meeting with your contacts is coming up.")]
            )
            return
        brief = upcoming[0]
    else:
        try:
            brief = briefs.about(actor=call.actor, name=call.rest)
        except AmbiguousNameError as exc:
            call.reply(str(exc), candidates_blocks(exc.name, exc.candidates))
            return
    call.reply(
        brief_fallback_text(brief, tz=call.tz), brief_blocks(brief, now=call.now, tz=call.tz)
    )


SUBCOMMANDS: Final[tuple[Subcommand, ...]] = (
    Subcommand(
        "brief",
        "`/rapport brief Jane Doe` shows what to know before meeting her; alone, your next "
        "meeting's brief; `/rapport brief minutes 10` or `/rapport brief off|on` sets the DM "
        "I send before each meeting",
        _brief,
    ),
)


def _names(value: str) -> list[str]:
    try:
        found = json.loads(value)
    except ValueError:
        raise UserInputError(OUT_OF_DATE) from None
    if not isinstance(found, list) or not all(isinstance(n, str) for n in found):
        raise UserInputError(OUT_OF_DATE)
    return [n for n in found if n.strip()][:10]


def register(app: App, deps: Deps) -> None:
    @app.action(ACTION_MEETING_LOG)
    def on_log_meeting(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        _replace, tell = replies(respond)
        with friendly_errors(tell):
            names = _names(str(first_action(body).get("value") or ""))
            # The trigger_id is good for 3 s: open the form before anything slow.
            client.views_open(
                trigger_id=body["trigger_id"],
                view=save_note_modal(
                    text="",
                    about=", ".join(names),
                    private_metadata=json.dumps({"a": names}),
                ),
            )

    @app.action(re.compile(f"^{ACTION_ADD_PERSON_PREFIX}:"))
    def on_add_person(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        _replace, tell = replies(respond)
        with friendly_errors(tell):
            try:
                name, email = parse_add_value(str(first_action(body).get("value") or ""))
            except ValueError:
                raise UserInputError(OUT_OF_DATE) from None
            actor = prepare_actor(deps, client, actor_from_interaction(body))
            contact, created = deps.rapport.meetings.add_person(actor=actor, name=name, email=email)
            who = escape(contact.display_name)
            text = (
                f"Added *{who}* to your contacts; your meetings with them are filed on the next "
                "read of your calendar."
                if created
                else f"*{who}* is already one of your contacts."
            )
            tell(text, [section(text)])
