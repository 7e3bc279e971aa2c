"""`/rapport calendar` and its connect form: the secret address goes into a modal (private), never
into a command or a channel; the first read's summary comes back by DM."""

from __future__ import annotations

import re
from typing import Any, Final

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.calendars import (
    URL_IN_A_COMMAND,
    connect_modal,
    disconnected_line,
    status_blocks,
    sync_blocks,
    warning_blocks,
)
from bot.blocks.ids import (
    ACTION_CALENDAR_CONNECT,
    BLOCK_CALENDAR_EMAIL,
    BLOCK_CALENDAR_PASSWORD,
    BLOCK_CALENDAR_URL,
    BLOCK_CALENDAR_USERNAME,
    INPUT_ACTION,
    VIEW_CALENDAR_CONNECT,
)
from bot.blocks.kit import mrkdwn_to_text, section
from bot.domain.calendars import BadAddressError, BadEmailError
from bot.domain.errors import UserInputError
from bot.handlers.common import (
    Deps,
    actor_from_interaction,
    dm_or_webhook_reply,
    friendly_errors,
    prepare_actor,
)
from bot.handlers.registry import Invocation, Subcommand

_LOOKS_LIKE_AN_ADDRESS: Final = re.compile(r"(?:https?|webcal)://|\.ics\b", re.IGNORECASE)


def _calendar(call: Invocation) -> None:
    word, _, rest = call.rest.partition(" ")
    action = word.lower()
    links = call.deps.rapport.calendars
    if _LOOKS_LIKE_AN_ADDRESS.search(call.rest):
        # Someone typed the secret into the command: don't keep it, say why, offer the form.
        call.reply(URL_IN_A_COMMAND, warning_blocks(URL_IN_A_COMMAND))
        return
    if action in ("", "status", "connect"):
        views = links.status(actor=call.actor)
        call.reply("Your calendars", status_blocks(views, now=call.now))
    elif action == "disconnect":
        view = links.disconnect(actor=call.actor, name=rest.strip() or None)
        line = disconnected_line(view)
        call.reply(mrkdwn_to_text(line, keep_entities=True), [section(line)])
    elif action == "sync":
        synced = links.sync(actor=call.actor, name=rest.strip() or None)
        blocks = sync_blocks(synced, now=call.now)
        call.reply(f"Calendar {synced.name}: {synced.status}", blocks)
    else:
        raise UserInputError(
            "`/rapport calendar` shows your calendars; then `connect`, `status`, `sync` or "
            "`disconnect`."
        )


SUBCOMMANDS: Final[tuple[Subcommand, ...]] = (
    Subcommand(
        "calendar",
        "`/rapport calendar` connects your calendar (a private form), shows its status; also "
        "`/rapport calendar sync`, `/rapport calendar disconnect`",
        _calendar,
    ),
)


def _value(view: dict[str, Any], block_id: str) -> str:
    values = (view.get("state") or {}).get("values") or {}
    field = (values.get(block_id) or {}).get(INPUT_ACTION) or {}
    return str(field.get("value") or "").strip()


def _raw(view: dict[str, Any], block_id: str) -> str:
    """A field as typed (a password's spaces are its own)."""
    values = (view.get("state") or {}).get("values") or {}
    field = (values.get(block_id) or {}).get(INPUT_ACTION) or {}
    return str(field.get("value") or "")


def register(app: App, deps: Deps) -> None:
    @app.action(ACTION_CALENDAR_CONNECT)
    def on_connect(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=connect_modal())

    @app.view(VIEW_CALENDAR_CONNECT)
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        actor = actor_from_interaction(body)
        links = deps.rapport.calendars
        username = _value(view, BLOCK_CALENDAR_USERNAME) or None
        password = _raw(view, BLOCK_CALENDAR_PASSWORD) or None
        if password and not username:
            ack(
                response_action="errors",
                errors={BLOCK_CALENDAR_USERNAME: "CalDAV needs your user name too."},
            )
            return
        if username and not password:
            ack(
                response_action="errors",
                errors={BLOCK_CALENDAR_PASSWORD: "CalDAV needs an app password."},
            )
            return
        try:
            # Quick (no network): checks the address and the key, and stores it encrypted; a
            # CalDAV account's calendar is found by the first read, below.
            connected = links.connect(
                actor=actor,
                url=_value(view, BLOCK_CALENDAR_URL),
                me=_value(view, BLOCK_CALENDAR_EMAIL) or None,
                username=username,
                password=password,
            )
        except BadEmailError as exc:
            ack(response_action="errors", errors={BLOCK_CALENDAR_EMAIL: str(exc)[:150]})
            return
        except (BadAddressError, UserInputError) as exc:
            ack(response_action="errors", errors={BLOCK_CALENDAR_URL: str(exc)[:150]})
            return
        ack()
        reply = dm_or_webhook_reply(client, response_url=None, user_id=actor.user_id)

        def first_read() -> None:
            with friendly_errors(reply):
                who = prepare_actor(deps, client, actor)
                synced = links.sync(actor=who, name=connected.name)
                blocks = sync_blocks(synced, now=deps.now())
                reply(f"Connected {connected.name}: {synced.status}", blocks)

        deps.later(first_read, reply=reply)
