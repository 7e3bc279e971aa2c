"""Buttons: Undo, Edit, "isn't a person" / "is a company", "which Jane?", "which contact?" for
cards, and recall pagination.

Button values come back from the client and are not trusted for identity: the actor is always
the payload's user and team, and the use case refuses (NotFoundError) a note that isn't theirs.
"""

from __future__ import annotations

import json
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.card import card_blocks, card_fallback_text
from bot.blocks.ids import (
    ACTION_CARD_PREFIX,
    ACTION_CHOOSE_PREFIX,
    ACTION_EDIT,
    ACTION_FIX_NAME,
    ACTION_RECALL_PAGE_PREFIX,
    ACTION_UNDO,
)
from bot.blocks.modals import edit_note_modal
from bot.blocks.notes import (
    RECALL_PAGE_SIZE,
    log_confirmation,
    log_fallback_text,
    parse_choice_value,
    parse_fix_value,
    parse_recall_page_value,
    recall_blocks,
    recall_fallback_text,
    undone_blocks,
)
from bot.domain.errors import UserInputError
from bot.handlers.common import (
    BUTTON_OUT_OF_DATE,
    Deps,
    actor_from_interaction,
    first_action,
    friendly_errors,
    parse_int,
    prepare_actor,
    replies,
)


def register(app: App, deps: Deps) -> None:
    @app.action(ACTION_UNDO)
    def on_undo(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        replace, tell = replies(respond)
        with friendly_errors(tell):
            actor = actor_from_interaction(body)
            note_id = parse_int(first_action(body).get("value"))
            note = deps.rapport.recall.note(
                actor=actor, note_id=note_id
            )  # NotFoundError if not theirs
            deps.rapport.notes.undo(actor=actor, note_id=note_id)
            replace("Removed that note.", undone_blocks(note.text))

    @app.action(ACTION_EDIT)
    def on_edit(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        _, tell = replies(respond)
        with friendly_errors(tell):
            actor = actor_from_interaction(body)
            note_id = parse_int(first_action(body).get("value"))
            note = deps.rapport.recall.note(actor=actor, note_id=note_id)
            metadata = json.dumps({"n": note_id, "r": body.get("response_url")})
            client.views_open(
                trigger_id=body["trigger_id"],
                view=edit_note_modal(text=note.text, private_metadata=metadata),
            )

    @app.action(re.compile(rf"^{ACTION_CHOOSE_PREFIX}:"))
    def on_choose(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        replace, tell = replies(respond)
        with friendly_errors(tell):
            actor = prepare_actor(deps, client, actor_from_interaction(body))
            try:
                pending_id, name, contact_id = parse_choice_value(
                    str(first_action(body).get("value"))
                )
            except (ValueError, KeyError, TypeError):
                raise UserInputError(BUTTON_OUT_OF_DATE) from None
            result = deps.rapport.notes.choose(
                actor=actor, pending_id=pending_id, name=name, contact_id=contact_id
            )
            blocks = log_confirmation(result, tz=deps.tz_for(actor.user_id), now=deps.now())
            replace(log_fallback_text(result), blocks)

    @app.action(ACTION_FIX_NAME)
    def on_fix_name(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        """ "Expo isn't a person" / "Plaid is a company", from a note's confirmation."""
        ack()
        replace, tell = replies(respond)
        with friendly_errors(tell):
            actor = prepare_actor(deps, client, actor_from_interaction(body))
            try:
                chosen = first_action(body).get("selected_option") or {}
                note_id, contact_id, kind = parse_fix_value(str(chosen.get("value")))
            except (ValueError, KeyError, TypeError):
                raise UserInputError(BUTTON_OUT_OF_DATE) from None
            result = deps.rapport.notes.correct(
                actor=actor, kind=kind, note_id=note_id, contact_id=contact_id
            )
            blocks = log_confirmation(result, tz=deps.tz_for(actor.user_id), now=deps.now())
            replace(log_fallback_text(result), blocks)

    @app.action(re.compile(rf"^{ACTION_CARD_PREFIX}:"))
    def on_card(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        replace, tell = replies(respond)
        with friendly_errors(tell):
            actor = actor_from_interaction(body)
            contact_id = parse_int(first_action(body).get("value"))
            card = deps.rapport.recall.card(actor=actor, contact_id=contact_id)
            blocks = card_blocks(card, tz=deps.tz_for(actor.user_id), now=deps.now())
            replace(card_fallback_text(card), blocks)

    @app.action(re.compile(rf"^{ACTION_RECALL_PAGE_PREFIX}:"))
    def on_page(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        replace, tell = replies(respond)
        with friendly_errors(tell):
            actor = actor_from_interaction(body)
            try:
                query, offset = parse_recall_page_value(str(first_action(body).get("value")))
            except (ValueError, KeyError, TypeError):
                raise UserInputError("That button is out of date; please search again.") from None
            found = deps.rapport.recall.recall(
                actor=actor, query=query, limit=RECALL_PAGE_SIZE, offset=offset
            )
            blocks = recall_blocks(found, tz=deps.tz_for(actor.user_id), now=deps.now())
            replace(recall_fallback_text(found), blocks)
