"""/rapport and its subcommands; every answer is ephemeral (only its author sees it)."""

from __future__ import annotations

from typing import Any, Final

from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk import WebClient

from bot.blocks.card import candidates_blocks, card_blocks, card_fallback_text, loops_blocks
from bot.blocks.ids import COMMAND
from bot.blocks.kit import Block
from bot.blocks.notes import (
    RECALL_PAGE_SIZE,
    help_blocks,
    log_confirmation,
    log_fallback_text,
    recall_blocks,
    recall_fallback_text,
)
from bot.domain.errors import AmbiguousNameError
from bot.domain.refs import Actor
from bot.handlers.briefs import SUBCOMMANDS as brief_subcommands
from bot.handlers.calendars import SUBCOMMANDS as calendar_subcommands
from bot.handlers.common import (
    Deps,
    Reply,
    actor_from_command,
    friendly_errors,
    from_slack,
    names_via,
    prepare_actor,
)
from bot.handlers.connect import SUBCOMMANDS as connect_subcommands
from bot.handlers.registry import Invocation, Subcommand
from bot.handlers.reminders import SUBCOMMANDS as reminder_subcommands
from bot.handlers.standing import SUBCOMMANDS as standing_subcommands
from bot.handlers.team import SUBCOMMANDS as team_subcommands


def register(app: App, deps: Deps) -> None:
    @app.command(COMMAND)
    def on_rapport(
        ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, request: BoltRequest
    ) -> None:
        ack()  # within 3 s, before any database or Web API work
        replay_key = _replay_key(request)
        if not deps.answered.first_time(replay_key):
            return  # the same signed request again (a replay within Slack's 5 minutes)

        def reply(text: str, blocks: list[Block] | None) -> None:
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)

        def work() -> None:
            with friendly_errors(reply):
                run_subcommand(deps, client, body=body, reply=reply, event_id=replay_key)

        deps.later(work, reply=reply)


def _replay_key(request: BoltRequest) -> str | None:
    """The request's signature: Slack signs `v0:{timestamp}:{body}`, so a new command always
    has a new one and a replayed request the same. (Socket Mode requests are not signed, and
    cannot be replayed by anyone but Slack.)"""
    signatures = request.headers.get("x-slack-signature") or []
    return f"cmd:{signatures[0]}" if signatures else None


def _log(call: Invocation) -> None:
    result = call.deps.rapport.notes.log(
        actor=call.actor, text=call.rest, source=call.source, event_id=call.event_id
    )
    if result.duplicate:
        return  # filed (and answered) the first time this request came
    call.remember_note(result.note_id)
    call.reply(log_fallback_text(result), log_confirmation(result, tz=call.tz, now=call.now))


def _recall(call: Invocation) -> None:
    found = call.deps.rapport.recall.recall(
        actor=call.actor, query=call.rest, limit=RECALL_PAGE_SIZE
    )
    call.reply(recall_fallback_text(found), recall_blocks(found, tz=call.tz, now=call.now))


def _who(call: Invocation) -> None:
    try:
        card = call.deps.rapport.recall.card(actor=call.actor, name=call.rest)
    except AmbiguousNameError as exc:
        call.reply(str(exc), candidates_blocks(exc.name, exc.candidates))
        return
    call.reply(card_fallback_text(card), card_blocks(card, tz=call.tz, now=call.now))


def _loops(call: Invocation) -> None:
    call.reply(
        "Your open loops",
        loops_blocks(call.deps.rapport.recall.loops(actor=call.actor), tz=call.tz),
    )


CORE: Final = (
    Subcommand(
        "log",
        "`/rapport log met Jane Doe for coffee, she wants a shelter dog` saves a note",
        _log,
    ),
    Subcommand(
        "recall",
        "`/rapport recall shelter dog` finds notes (also `find`, `search`)",
        _recall,
    ),
    Subcommand("who", "`/rapport who Jane Doe` shows a contact's card", _who),
    Subcommand("loops", "`/rapport loops` lists what you owe and what you are waiting on", _loops),
)
HELP_USAGE: Final = "`/rapport help` shows this"


def all_subcommands() -> tuple[Subcommand, ...]:
    """Every subcommand /rapport understands, in the order help lists them."""
    return (
        CORE
        + standing_subcommands
        + reminder_subcommands
        + team_subcommands
        + calendar_subcommands
        + brief_subcommands
        + connect_subcommands
    )


def usage_lines() -> list[str]:
    return [sub.usage for sub in all_subcommands()] + [HELP_USAGE]


def subcommand_named(word: str) -> Subcommand | None:
    by_word = {w: sub for sub in all_subcommands() for w in sub.words}
    return by_word.get(word.casefold())


def run_subcommand(
    deps: Deps, client: WebClient, *, body: dict[str, Any], reply: Reply, event_id: str | None
) -> None:
    raw = str(body.get("text") or "").strip()
    word, _, rest_raw = raw.partition(" ")
    key = word.lower()
    if key in ("", "help"):
        reply("How to use /rapport", help_blocks(usage_lines()))
        return
    found = subcommand_named(key)
    if found is None:
        reply("How to use /rapport", help_blocks(usage_lines(), unknown=word))
        return
    actor = prepare_actor(deps, client, actor_from_command(body))
    rest = from_slack(rest_raw, user_name=names_via(deps, client)).strip()
    run(
        deps,
        client,
        found,
        actor=actor,
        word=key,
        rest=rest,
        reply=reply,
        event_id=event_id,
        channel_id=str(body.get("channel_id") or "") or None,
        channel_name=str(body.get("channel_name") or ""),
    )


def run(
    deps: Deps,
    client: WebClient,
    found: Subcommand,
    *,
    actor: Actor,
    word: str,
    rest: str,
    reply: Reply,
    event_id: str | None,
    source: str = "command",
    channel_id: str | None = None,
    channel_name: str = "",
) -> None:
    """Run one subcommand for `/rapport WORD REST` or a DM that is a command (`rest` is plain
    text already, mentions turned into names)."""
    if found.needs and not rest:
        reply(
            f"{word} needs {found.needs}",
            help_blocks(usage_lines(), unknown=f"{word} (without {found.needs})"),
        )
        return
    found.run(
        Invocation(
            deps=deps,
            client=client,
            actor=actor,
            word=word,
            rest=rest,
            reply=reply,
            tz=deps.tz_for(actor.user_id),
            now=deps.now(),
            event_id=event_id,
            source=source,
            channel_id=channel_id,
            channel_name=channel_name,
        )
    )
