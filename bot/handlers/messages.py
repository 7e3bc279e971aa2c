"""Direct messages (message.im) and @mentions (app_mention).

A DM is a conversation: a command (`next`, `loops`, `cadence Jane Doe monthly`, `undo`: every
word of bot/domain/commands.py, run as `/rapport WORD` runs it), a question to recall, or a note
to log. A DM gets its answer in the DM. An @mention is answered only to its author, ephemerally:
notes and recall results never appear in a channel. Events are acked by bolt before these run,
and the work goes to the worker pool (`Deps.later`) so bolt's listener threads stay free for
other acks; a retried event carries the same `event_id`, which the log use case uses to store a
note once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks.kit import Block, escape, section
from bot.blocks.notes import (
    help_blocks,
    log_confirmation,
    log_fallback_text,
    recall_blocks,
    recall_fallback_text,
)
from bot.blocks.standing import card_standing_blocks
from bot.blocks.team import who_knows_blocks
from bot.domain.commands import SLACK, YOU_ARE_WELCOME, Match, is_greeting, is_thanks, recognise
from bot.domain.refs import Actor
from bot.handlers.commands import run, subcommand_named, usage_lines
from bot.handlers.common import (
    OUTSIDER,
    Deps,
    Reply,
    actor_from_event,
    friendly_errors,
    from_outside,
    from_slack,
    names_via,
    prepare_actor,
    strip_mention,
)

HELP_WORDS: Final = frozenset({"help", "?", "usage"})


def _asks_for_help(text: str) -> bool:
    return not text or text.lower().strip(" !.") in HELP_WORDS or is_greeting(text)


def handle_text(
    deps: Deps,
    client: WebClient,
    *,
    actor: Actor,
    raw_text: str,
    source: str,
    event_id: str | None,
    reply: Reply,
    statement: bool = False,
) -> None:
    """The shared conversation: help, a question to recall, or a note to log. A `statement`
    (a `/me …` message: words about oneself) is never read as a question."""
    with friendly_errors(reply):
        actor = prepare_actor(deps, client, actor)
        text = from_slack(raw_text, user_name=names_via(deps, client)).strip()
        tz = deps.tz_for(actor.user_id)
        now = deps.now()
        if _asks_for_help(text):
            if deps.answered.first_time(event_id):
                reply("How to use Rapport", help_blocks(usage_lines()))
            return
        if is_thanks(text):
            if deps.answered.first_time(event_id):
                reply(YOU_ARE_WELCOME, [section(YOU_ARE_WELCOME)])
            return
        match = recognise(text) if source == "dm" else None
        if match is not None:
            if deps.answered.first_time(event_id):
                _command(deps, client, match, actor=actor, reply=reply, event_id=event_id)
            return
        if not statement and deps.rapport.notes.is_question(text):
            if not deps.answered.first_time(event_id):
                return
            subject = deps.rapport.team.who_knows_subject(text)  # "who knows someone at Globex?"
            if subject is not None:
                answer = deps.rapport.team.who_knows(actor=actor, query=subject)
                reply(f"Who knows {subject}", who_knows_blocks(answer, now=now))
                return
            whose = deps.rapport.standing.whose_turn_subject(text)  # "whose turn is it with X?"
            if whose is not None:
                standing = deps.rapport.standing.contact(actor=actor, name=whose)
                turn = standing.turn.text if standing.turn else standing.why
                reply(turn, card_standing_blocks(standing))
                return
            result = deps.rapport.recall.recall(actor=actor, query=text)
            reply(recall_fallback_text(result), recall_blocks(result, tz=tz, now=now))
            return
        logged = deps.rapport.notes.log(actor=actor, text=text, source=source, event_id=event_id)
        if logged.duplicate:
            return  # a retry of an event already filed (and already confirmed)
        if logged.note_id is not None:
            deps.last_notes.remember(actor, logged.note_id)
        reply(log_fallback_text(logged), log_confirmation(logged, tz=tz, now=now))


NOTHING_TO_UNDO: Final = (
    "Nothing to undo here: I haven't filed a note from you since I last started. "
    "The *Undo* button on a confirmation removes that note."
)
FILES_UNREAD: Final = (
    "I can't read files or images. Tell me in words what happened, "
    "e.g. _met Jane Doe for coffee, she wants a shelter dog_."
)


def _command(
    deps: Deps,
    client: WebClient,
    match: Match,
    *,
    actor: Actor,
    reply: Reply,
    event_id: str | None,
) -> None:
    """A DM that is a command: what `/rapport WORD` does, answered in the DM."""
    name = match.command.name
    if name == "undo":
        note_id = deps.last_notes.take(actor)
        if note_id is None:
            reply(NOTHING_TO_UNDO, [section(NOTHING_TO_UNDO)])
            return
        deps.rapport.notes.undo(actor=actor, note_id=note_id)
        reply(f"Removed note #{note_id}.", [section(f"Removed note #{note_id}.")])
        return
    found = subcommand_named(name)
    if found is None or SLACK not in match.command.where:
        text = f"`{escape(match.word)}` works in the terminal: `rapport {escape(name)} --help`."
        reply(text, [section(text)])
        return
    run(
        deps,
        client,
        found,
        actor=actor,
        word=match.word,
        rest=match.rest,
        reply=reply,
        event_id=event_id,
        source="dm",
    )


def answer_later(
    deps: Deps,
    client: WebClient,
    body: Mapping[str, Any],
    event: Mapping[str, Any],
    raw_text: str,
    source: str,
    reply: Reply,
) -> None:
    """Queue the conversation for the worker pool; the listener returns at once."""
    actor = actor_from_event(body, event)
    event_id = body.get("event_id")
    if from_outside(body, event):
        if deps.answered.first_time(event_id):
            deps.later(lambda: reply(OUTSIDER, [section(OUTSIDER)]), reply=reply)
        return
    deps.later(
        lambda: handle_text(
            deps,
            client,
            actor=actor,
            raw_text=raw_text,
            source=source,
            event_id=event_id,
            reply=reply,
            statement=event.get("subtype") == "me_message",
        ),
        reply=reply,
    )


# Slack's classic uploads put its own sentence in `text`; the person's words are the comment.
_CLASSIC_UPLOAD: Final = re.compile(
    r"<@[UW][A-Z0-9]+(?:\|[^>]*)?> uploaded a file: <[^>]*>(?: and commented: (?P<comment>.*))?",
    re.DOTALL,
)


def caption(event: Mapping[str, Any]) -> str:
    """What the person wrote with a message: its text, or a classic upload's comment only."""
    text = str(event.get("text") or "")
    if event.get("subtype") == "file_share":
        classic = _CLASSIC_UPLOAD.fullmatch(text.strip())
        if classic is not None:
            return classic.group("comment") or ""
    return text


def register(app: App, deps: Deps) -> None:
    @app.event("message")
    def on_message(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        if not _is_person_dm(event, context):
            return
        channel = str(event["channel"])

        def reply(text: str, blocks: list[Block] | None) -> None:
            client.chat_postMessage(channel=channel, text=text, blocks=blocks, unfurl_links=False)

        text = caption(event)
        if event.get("subtype") == "file_share" and not text.strip():
            # A file alone: nothing to file, but say so rather than stay silent.
            if deps.answered.first_time(body.get("event_id")):
                deps.later(lambda: reply(FILES_UNREAD, [section(FILES_UNREAD)]), reply=reply)
            return
        answer_later(deps, client, body, event, text, "dm", reply)

    @app.event("app_mention")
    def on_mention(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        if event.get("bot_id") or not event.get("user") or event.get("user") == context.bot_user_id:
            return
        channel = str(event["channel"])
        user = str(event["user"])
        thread_ts = event.get("thread_ts")

        def reply(text: str, blocks: list[Block] | None) -> None:
            # Only the author sees this: the note and any recall stay out of the channel.
            client.chat_postEphemeral(
                channel=channel, user=user, text=text, blocks=blocks, thread_ts=thread_ts
            )

        raw_text = strip_mention(str(event.get("text") or ""), context.bot_user_id)
        answer_later(deps, client, body, event, raw_text, "mention", reply)


# A person's own new words: a plain message, `/me …`, or a file with (or without) a caption.
PERSON_SUBTYPES: Final = frozenset({None, "me_message", "file_share", "thread_broadcast"})


def _is_person_dm(event: Mapping[str, Any], context: BoltContext) -> bool:
    """A person's own new message in a DM with the bot (no edits, joins, bots or our echoes)."""
    if event.get("channel_type") != "im":
        return False
    if (
        event.get("subtype") not in PERSON_SUBTYPES
        or event.get("bot_id")
        or event.get("bot_profile")
    ):
        return False
    user = event.get("user")
    return bool(user) and user != context.bot_user_id
