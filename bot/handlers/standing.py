"""/rapport fading, focus, unfocus, next and review, and the Focus / Unfocus and page buttons.

Thin like every surface: pull fields, call the standing use cases, render bot/blocks/standing.py.
Button values carry a contact id or a page number; the actor is always the payload's user and
team, and the use cases only ever read or change that user's own focus list.
"""

from __future__ import annotations

import re
from typing import Any, Final

from slack_bolt import Ack, App, Respond

from bot.blocks.card import candidates_blocks
from bot.blocks.ids import (
    ACTION_FADING_PAGE_PREFIX,
    ACTION_FOCUS_PICK_PREFIX,
    ACTION_FOCUS_PREFIX,
    ACTION_UNFOCUS_PREFIX,
)
from bot.blocks.kit import escape, section
from bot.blocks.standing import (
    fading_blocks,
    fading_fallback_text,
    focus_change_blocks,
    focus_change_text,
    focus_list_blocks,
    next_actions_blocks,
    nothing_pressing_sentence,
    parse_fading_page_value,
    review_blocks,
    review_fallback_text,
    weekly_review_sentence,
)
from bot.domain.commands import parse_fading_words
from bot.domain.errors import AmbiguousNameError, UserInputError
from bot.handlers.common import (
    Deps,
    actor_from_interaction,
    first_action,
    friendly_errors,
    parse_int,
    replies,
)
from bot.handlers.registry import Invocation, Subcommand

FADING_PAGE_SIZE: Final = 10  # two blocks a person: well inside one message's 50


def parse_fading_args(text: str) -> tuple[int, str | None, bool]:
    """ "2 #investors team" → (page 2, tag "investors", team); words in any order."""
    parsed = parse_fading_words(text)
    if parsed is None:
        word = next((w for w in text.split() if parse_fading_words(w) is None), text.split()[0])
        raise UserInputError(
            f"`/rapport fading` takes a page number, a #tag and `team`, not “{word}”. "
            "Try `/rapport fading 2 #investors`."
        )
    return parsed


def _fading(call: Invocation) -> None:
    page, tag, team = parse_fading_args(call.rest)
    found = call.deps.rapport.standing.fading(
        actor=call.actor, tag=tag, team=team, page=page, page_size=FADING_PAGE_SIZE
    )
    call.reply(fading_fallback_text(found), fading_blocks(found, tz=call.tz, now=call.now))


def _focus(call: Invocation) -> None:
    standing = call.deps.rapport.standing
    if not call.rest:
        listed = standing.focus_list(actor=call.actor)
        call.reply("Your focus list", focus_list_blocks(listed, tz=call.tz, now=call.now))
        return
    try:
        change = standing.focus(actor=call.actor, name=call.rest)
    except AmbiguousNameError as exc:
        which = candidates_blocks(
            exc.name, exc.candidates, action_prefix=ACTION_FOCUS_PICK_PREFIX, block_id=None
        )
        call.reply(str(exc), which)
        return
    call.reply(escape(focus_change_text(change)), focus_change_blocks(change))


def _unfocus(call: Invocation) -> None:
    change = call.deps.rapport.standing.unfocus(actor=call.actor, name=call.rest)
    call.reply(escape(focus_change_text(change)), focus_change_blocks(change))


def _next(call: Invocation) -> None:
    items = call.deps.rapport.standing.next_actions(actor=call.actor)
    blocks = next_actions_blocks(items) or [section(nothing_pressing_sentence())]
    call.reply("Your next five", blocks)


def _review(call: Invocation) -> None:
    standing = call.deps.rapport.standing
    words = call.rest.casefold().split()
    if words[:1] == ["weekly"]:
        if words[1:] not in (["on"], ["off"]):
            raise UserInputError("Say `/rapport review weekly on` or `/rapport review weekly off`.")
        view = standing.update_settings(actor=call.actor, weekly_review=words[1] == "on")
        text = weekly_review_sentence(view.weekly_review)
        call.reply(text, [section(text)])
        return
    if words:
        raise UserInputError("`/rapport review` takes nothing, or `weekly on` / `weekly off`.")
    review = call.deps.rapport.reviews.review(actor=call.actor)
    call.reply(review_fallback_text(review), review_blocks(review, tz=call.tz))


SUBCOMMANDS: Final[tuple[Subcommand, ...]] = (
    Subcommand(
        "fading",
        "`/rapport fading` lists people by how long since you were in touch "
        "(`/rapport fading 2 #investors team`)",
        _fading,
    ),
    Subcommand(
        "focus",
        "`/rapport focus Jane Doe` keeps someone close; `/rapport focus` lists them",
        _focus,
    ),
    Subcommand("unfocus", "`/rapport unfocus Jane Doe` takes them off", _unfocus),
    Subcommand("next", "`/rapport next` suggests your next five things to do", _next),
    Subcommand(
        "review",
        "`/rapport review` is your week in relationships (`/rapport review weekly on` DMs it)",
        _review,
    ),
)


def register(app: App, deps: Deps) -> None:
    @app.action(re.compile(rf"^{ACTION_FADING_PAGE_PREFIX}:"))
    def on_page(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        replace, tell = replies(respond)
        with friendly_errors(tell):
            actor = actor_from_interaction(body)
            try:
                page, tag, team = parse_fading_page_value(str(first_action(body).get("value")))
            except (ValueError, KeyError, TypeError):
                raise UserInputError("That button is out of date; try `/rapport fading`.") from None
            found = deps.rapport.standing.fading(
                actor=actor, tag=tag, team=team, page=page, page_size=FADING_PAGE_SIZE
            )
            tz, now = deps.tz_for(actor.user_id), deps.now()
            replace(fading_fallback_text(found), fading_blocks(found, tz=tz, now=now))

    @app.action(re.compile(rf"^({ACTION_FOCUS_PREFIX}|{ACTION_FOCUS_PICK_PREFIX}):"))
    def on_focus(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        _replace, tell = replies(respond)
        with friendly_errors(tell):
            actor = actor_from_interaction(body)
            contact_id = parse_int(first_action(body).get("value"))
            change = deps.rapport.standing.focus(actor=actor, contact_id=contact_id)
            tell(escape(focus_change_text(change)), focus_change_blocks(change))

    @app.action(re.compile(rf"^{ACTION_UNFOCUS_PREFIX}:"))
    def on_unfocus(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        _replace, tell = replies(respond)
        with friendly_errors(tell):
            actor = actor_from_interaction(body)
            contact_id = parse_int(first_action(body).get("value"))
            change = deps.rapport.standing.unfocus(actor=actor, contact_id=contact_id)
            tell(escape(focus_change_text(change)), focus_change_blocks(change))
