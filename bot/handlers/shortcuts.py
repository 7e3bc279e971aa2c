"""The "Save as note" message shortcut: open a modal prefilled from the message."""

from __future__ import annotations

import json
import threading
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.ids import SHORTCUT_SAVE_AS_NOTE
from bot.blocks.modals import save_note_modal
from bot.handlers.common import Deps, from_slack, names_via

# The trigger_id dies 3 s after the click: a slow users.info must not take the modal with it.
NAME_BUDGET_SECONDS = 0.8


def register(app: App, deps: Deps) -> None:
    @app.message_shortcut(SHORTCUT_SAVE_AS_NOTE)
    def on_save_as_note(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        author = message.get("user")
        text = from_slack(str(message.get("text") or ""), user_name=names_via(deps, client))
        about = ""
        if author:
            name = _name_within(deps, client, str(author), seconds=NAME_BUDGET_SECONDS)
            about = name or f"<@{author}>"  # resolved to a name when the modal is submitted
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


def _name_within(deps: Deps, client: WebClient, user_id: str, *, seconds: float) -> str | None:
    """The user's name if users.info answers within `seconds` (the lookup still fills the cache)."""
    found: list[str | None] = []

    def look() -> None:
        user = deps.users.lookup(client, user_id)
        found.append(user.name if user is not None else None)

    worker = threading.Thread(target=look, name="users-info", daemon=True)
    worker.start()
    worker.join(seconds)
    return found[0] if found else None
