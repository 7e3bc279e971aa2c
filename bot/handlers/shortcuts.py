"""The "Save as note" message shortcut: open a modal prefilled from the message."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import save_note_modal
from bot.handlers.common import Deps, from_slack, names_via

CALLBACK_ID = "save_as_note"


def register(app: App, deps: Deps) -> None:
    @app.message_shortcut(CALLBACK_ID)
    def on_save_as_note(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        author = message.get("user")
        text = from_slack(str(message.get("text") or ""), user_name=names_via(deps, client))
        about = ""
        if author:
            user = deps.users.lookup(client, str(author))
            about = user.name if user is not None and user.name else f"<@{author}>"
        metadata = {
            "c": channel,
            "ts": message.get("ts"),
            "r": body.get("response_url"),
        }
        # The trigger_id is good for 3 s: open the modal before anything slow.
        client.views_open(
            trigger_id=body["trigger_id"],
            view=save_note_modal(text=text, about=about, private_metadata=json.dumps(metadata)),
        )
