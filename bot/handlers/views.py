"""Modal submissions: "Save as note" and "Edit note".

Empty text is refused inside the modal (`response_action: errors`); otherwise the modal closes at
once (the ack) and the use case does the work, answering through the original message's
response_url or, failing that, in the person's DM.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Final

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.ids import BLOCK_ABOUT, BLOCK_TEXT, INPUT_ACTION, VIEW_EDIT_NOTE, VIEW_SAVE_NOTE
from bot.blocks.modals import joined_text
from bot.blocks.notes import log_confirmation, log_fallback_text
from bot.handlers.common import (
    Deps,
    actor_from_interaction,
    dm_or_webhook_reply,
    friendly_errors,
    names_via,
    parse_int,
    prepare_actor,
)

log = logging.getLogger("rapport.slack")

EMPTY_NOTE: Final = "Write something to save."
_MENTION: Final = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")


def _value(view: dict[str, Any], block_id: str) -> str:
    values = (view.get("state") or {}).get("values") or {}
    field = (values.get(block_id) or {}).get(INPUT_ACTION) or {}
    return str(field.get("value") or "")


def _note_text(view: dict[str, Any]) -> str:
    """The note's text: one box, or the parts a long note was shown in, joined again."""
    values = (view.get("state") or {}).get("values") or {}
    boxes = {
        str(block_id): str(((fields or {}).get(INPUT_ACTION) or {}).get("value") or "")
        for block_id, fields in values.items()
        if isinstance(fields, dict)
    }
    return joined_text(boxes)


def _submitted_text(ack: Ack, view: dict[str, Any]) -> str | None:
    """The note's text, the modal closed; or None, the modal kept open with "write something"."""
    text = _note_text(view)
    if not text.strip():
        ack(response_action="errors", errors={BLOCK_TEXT: EMPTY_NOTE})
        return None
    ack()
    return text


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def register(app: App, deps: Deps) -> None:
    def resolve_mentions(text: str, client: WebClient) -> str:
        """Modal inputs are raw text, except `<@U…>` a person may paste: use the name."""
        name = names_via(deps, client)
        return _MENTION.sub(lambda m: m.group(2) or name(m.group(1)) or "someone", text)

    @app.view(VIEW_SAVE_NOTE)
    def on_save(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        text = _submitted_text(ack, view)
        if text is None:
            return
        meta = _metadata(view)
        actor = actor_from_interaction(body)
        reply = dm_or_webhook_reply(client, response_url=meta.get("r"), user_id=actor.user_id)
        with friendly_errors(reply):
            actor = prepare_actor(deps, client, actor)
            about = resolve_mentions(_value(view, BLOCK_ABOUT), client).strip()
            result = deps.rapport.notes.log(
                actor=actor,
                text=text.strip(),
                about=_about(about, meta),
                source="shortcut",
                permalink=_permalink(client, meta.get("c"), meta.get("ts")),
            )
            blocks = log_confirmation(result, tz=deps.tz_for(actor.user_id), now=deps.now())
            reply(log_fallback_text(result), blocks)

    @app.view(VIEW_EDIT_NOTE)
    def on_edit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        text = _submitted_text(ack, view)
        if text is None:
            return
        meta = _metadata(view)
        actor = actor_from_interaction(body)
        tell = dm_or_webhook_reply(client, response_url=meta.get("r"), user_id=actor.user_id)
        replace = dm_or_webhook_reply(
            client, response_url=meta.get("r"), user_id=actor.user_id, replace_original=True
        )
        with friendly_errors(tell):
            note_id = parse_int(str(meta.get("n") or ""))
            result = deps.rapport.notes.edit(actor=actor, note_id=note_id, text=text.strip())
            blocks = log_confirmation(result, tz=deps.tz_for(actor.user_id), now=deps.now())
            replace(log_fallback_text(result), blocks)


def _about(about: str, meta: dict[str, Any]) -> list[str]:
    """Who the note is about: the people a "How did it go?" filled in, one each, while the box
    still says exactly them; else what the box says, as one name."""
    filled = meta.get("a")
    if (
        isinstance(filled, list)
        and all(isinstance(n, str) for n in filled)
        and about == ", ".join(filled)
    ):
        return [n for n in filled if n.strip()]
    return [about] if about else []


def _permalink(client: WebClient, channel: Any, ts: Any) -> str | None:
    if not channel or not ts:
        return None
    try:
        link = client.chat_getPermalink(channel=str(channel), message_ts=str(ts)).get("permalink")
    except SlackApiError as exc:
        log.warning("chat.getPermalink failed: %s", exc.response.get("error"))
        return None
    return str(link) if link else None
