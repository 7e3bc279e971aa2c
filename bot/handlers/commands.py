"""/rapport and its subcommands; every answer is ephemeral (only its author sees it)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import (
    RECALL_ALIASES,
    RECALL_PAGE_SIZE,
    Block,
    candidates_blocks,
    card_blocks,
    card_fallback_text,
    help_blocks,
    log_confirmation,
    log_fallback_text,
    loops_blocks,
    recall_blocks,
    recall_fallback_text,
)
from bot.errors import AmbiguousNameError
from bot.handlers.common import (
    Deps,
    Reply,
    actor_from_command,
    friendly_errors,
    from_slack,
    names_via,
    prepare_actor,
)

COMMAND = "/rapport"


def register(app: App, deps: Deps) -> None:
    @app.command(COMMAND)
    def on_rapport(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()  # within 3 s, before any database or Web API work

        def reply(text: str, blocks: list[Block] | None) -> None:
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)

        with friendly_errors(reply):
            run_subcommand(deps, client, body=body, reply=reply)


def run_subcommand(deps: Deps, client: WebClient, *, body: dict[str, Any], reply: Reply) -> None:
    raw = str(body.get("text") or "").strip()
    word, _, rest_raw = raw.partition(" ")
    sub = word.lower()
    if sub in ("", "help"):
        reply("How to use /rapport", help_blocks())
        return
    if sub not in ("log", "who", "loops", *RECALL_ALIASES):
        reply("How to use /rapport", help_blocks(unknown=word))
        return
    actor = prepare_actor(deps, client, actor_from_command(body))
    rest = from_slack(rest_raw, user_name=names_via(deps, client)).strip()
    tz = deps.tz_for(actor.user_id)
    now = deps.service.clock()
    if sub == "log":
        result = deps.service.log(actor=actor, text=rest, source="command")
        reply(log_fallback_text(result), log_confirmation(result, tz=tz, now=now))
    elif sub in RECALL_ALIASES:
        if not rest:
            reply("Recall what?", help_blocks(unknown=f"{word} (with nothing to look for)"))
            return
        found = deps.service.recall(actor=actor, query=rest, limit=RECALL_PAGE_SIZE)
        reply(recall_fallback_text(found), recall_blocks(found, tz=tz, now=now))
    elif sub == "who":
        if not rest:
            reply("Who?", help_blocks(unknown="who (without a name)"))
            return
        try:
            card = deps.service.card(actor=actor, name=rest)
        except AmbiguousNameError as exc:
            reply(str(exc), candidates_blocks(exc.name, exc.candidates))
            return
        reply(card_fallback_text(card), card_blocks(card, tz=tz, now=now))
    else:  # loops
        loops = deps.service.loops(actor=actor)
        reply("Your open loops", loops_blocks(loops, tz=tz))
