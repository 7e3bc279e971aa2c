"""Team memory in Slack: `/rapport who-knows`, `alias`, `rename`, `merge`, `forget` (with a
confirmation button); the blocks are bot/blocks/team.py's.

Thin like every handler: parse the words, call the use cases, render blocks. Two names are split
on `=` ("/rapport merge Jane Doe = Jane Miller") because names have spaces. The Forget button
carries the contact id and the id of the person who asked; its handler takes the acting user from
the payload, refuses anyone else, and the use case re-checks the workspace on the contact.
"""

from __future__ import annotations

from typing import Any, Final

from slack_bolt import Ack, App, Respond

from bot.blocks.card import candidates_blocks
from bot.blocks.ids import ACTION_FORGET_CANCEL, ACTION_FORGET_CONFIRM
from bot.blocks.kit import (
    context,
    escape,
)
from bot.blocks.team import (
    change_blocks,
    forget_confirm_blocks,
    parse_forget_value,
    who_knows_blocks,
)
from bot.domain.errors import AmbiguousNameError, UserInputError
from bot.domain.notes import ContactChange
from bot.handlers.common import (
    BUTTON_OUT_OF_DATE,
    Deps,
    actor_from_interaction,
    first_action,
    friendly_errors,
    replies,
)
from bot.handlers.registry import Invocation, Subcommand

# --- subcommands ------------------------------------------------------------------------------


def _pair(call: Invocation, example: str) -> tuple[str, str]:
    left, sep, right = call.rest.partition("=")
    if not sep or not left.strip() or not right.strip():
        raise UserInputError(f"Use `=` between the two names: `/rapport {call.word} {example}`.")
    return left.strip(), right.strip()


def _who_knows(call: Invocation) -> None:
    answer = call.deps.rapport.team.who_knows(actor=call.actor, query=call.rest)
    call.reply(escape(f"Who knows {answer.query}"), who_knows_blocks(answer, now=call.now))


def _change(call: Invocation, change: ContactChange) -> None:
    call.reply(escape(change.summary), change_blocks(change))


def _with_choice(call: Invocation, run: Any) -> None:
    try:
        run()
    except AmbiguousNameError as exc:
        call.reply(str(exc), candidates_blocks(exc.name, exc.candidates))


def _alias(call: Invocation) -> None:
    name, alias = _pair(call, "Jennifer Park = Jen")
    contacts = call.deps.rapport.contacts
    _with_choice(
        call, lambda: _change(call, contacts.add_alias(actor=call.actor, name=name, alias=alias))
    )


def _rename(call: Invocation) -> None:
    name, new = _pair(call, "Jon Smyth = Jonathan Smith")
    contacts = call.deps.rapport.contacts
    _with_choice(
        call, lambda: _change(call, contacts.rename(actor=call.actor, name=name, new_name=new))
    )


def _merge(call: Invocation) -> None:
    keep, other = _pair(call, "Jane Doe = Jane Miller")
    contacts = call.deps.rapport.contacts
    _with_choice(
        call, lambda: _change(call, contacts.merge(actor=call.actor, keep=keep, other=other))
    )


def _forget(call: Invocation) -> None:
    def ask() -> None:
        contact = call.deps.rapport.contacts.forget_preview(actor=call.actor, name=call.rest)
        call.reply(
            escape(f"Forget {contact.display_name}?"),
            forget_confirm_blocks(contact.id, contact.display_name, asked_by=call.actor.user_id),
        )

    _with_choice(call, ask)


SUBCOMMANDS: Final[tuple[Subcommand, ...]] = (
    Subcommand(
        "who-knows",
        "`/rapport who-knows Globex` lists teammates who know someone there",
        _who_knows,
    ),
    Subcommand(
        "alias",
        "`/rapport alias Jennifer Park = Jen` lets a short name find a contact",
        _alias,
    ),
    Subcommand(
        "rename",
        "`/rapport rename Jon Smyth = Jonathan Smith` renames a contact",
        _rename,
    ),
    Subcommand(
        "merge",
        "`/rapport merge Jane Doe = Jane Miller` folds the second contact into the first",
        _merge,
    ),
    Subcommand(
        "forget",
        "`/rapport forget Jane Doe` erases a contact, after you confirm",
        _forget,
    ),
)


# --- buttons ----------------------------------------------------------------------------------


def register(app: App, deps: Deps) -> None:
    @app.action(ACTION_FORGET_CONFIRM)
    def on_forget(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()

        replace, _tell = replies(respond)
        with friendly_errors(replace):
            actor = actor_from_interaction(body)  # who clicked, from the payload
            try:
                contact_id, asked_by = parse_forget_value(str(first_action(body).get("value")))
            except (ValueError, KeyError, TypeError):
                raise UserInputError(BUTTON_OUT_OF_DATE) from None
            if asked_by != actor.user_id:
                raise UserInputError(
                    "Only the person who asked to forget this contact can confirm."
                )
            change = deps.rapport.contacts.forget(actor=actor, contact_id=contact_id)
            replace(escape(change.summary), change_blocks(change))

    @app.action(ACTION_FORGET_CANCEL)
    def on_cancel(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        respond(
            text="Kept.",
            blocks=[context("Kept — nothing was forgotten.")],
            replace_original=True,
        )
