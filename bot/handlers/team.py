"""Team memory in Slack: `/rapport who-knows`, `alias`, `rename`, `merge`, `forget` (with a
confirmation button), and the card and confirmation lines for the team view.

Thin like every handler: parse the words, call the service, render blocks. Two names are split
on `=` ("/rapport merge Jane Doe = Jane Miller") because names have spaces. The Forget button
carries the contact id and the id of the person who asked; its handler takes the acting user from
the payload, refuses anyone else, and the service re-checks the workspace on the contact.
"""

from __future__ import annotations

import json
from typing import Any, Final

from slack_bolt import Ack, App, Respond

from bot.blocks import (
    Block,
    actions,
    button,
    candidates_blocks,
    context,
    escape,
    fit,
    section,
    sections_from_lines,
    truncate,
)
from bot.domain.errors import AmbiguousNameError, UserInputError
from bot.domain.humanize import ago
from bot.domain.notes import ContactChange, WhoKnows
from bot.handlers.common import Deps, actor_from_interaction, friendly_errors
from bot.handlers.registry import Invocation, Subcommand

ACTION_FORGET_CONFIRM: Final = "team_forget_confirm"
ACTION_FORGET_CANCEL: Final = "team_forget_cancel"
MAX_WHO_KNOWS_LINES: Final = 40


# --- renderers (pure) -------------------------------------------------------------------------


def who_knows_blocks(answer: WhoKnows, *, now: Any) -> list[Block]:
    query = escape(truncate(answer.query, 100))
    if not answer.contacts:
        return [section(f"Nobody on the team seems to know anyone for *{query}* yet.")]
    lines = [f"*Who knows {query}*"]
    for person in answer.teammates:
        known = "; ".join(
            f"{escape(c.contact.display_name)}"
            + (
                f" ({escape(', '.join(x for x in (c.role, c.company) if x))})"
                if c.role or c.company
                else ""
            )
            + (f", {ago(c.last_at, now)}" if c.last_at else "")
            for c in person.contacts[:10]
        )
        more = f" and {len(person.contacts) - 10} more" if len(person.contacts) > 10 else ""
        lines.append(f"• *{escape(person.user)}*: {known}{more}")
    listed = {c.contact for p in answer.teammates for c in p.contacts}
    loose = [c for c in answer.contacts if c.contact not in listed]
    if loose:
        names = ", ".join(escape(c.contact.display_name) for c in loose[:20])
        lines.append(f"Also matching, with no teammate's notes you can see: {names}")
    return fit(sections_from_lines(lines[:MAX_WHO_KNOWS_LINES]), 50)


def change_blocks(change: ContactChange) -> list[Block]:
    return [section(":white_check_mark: " + escape(change.summary))]


def forget_value(contact_id: int, asked_by: str) -> str:
    return json.dumps({"c": contact_id, "u": asked_by}, separators=(",", ":"))


def parse_forget_value(value: str) -> tuple[int, str]:
    data = json.loads(value)
    return int(data["c"]), str(data["u"])


def forget_confirm_blocks(contact_id: int, name: str, *, asked_by: str) -> list[Block]:
    value = forget_value(contact_id, asked_by)
    return [
        section(
            f":warning: Forget *{escape(name)}*? This erases the notes only about them, their "
            "loops and occasions, and removes them from shared notes. It cannot be undone; the "
            "audit log will record that you did it."
        ),
        actions(
            [
                button("Forget", ACTION_FORGET_CONFIRM, value, style="danger"),
                button("Cancel", ACTION_FORGET_CANCEL, value),
            ],
            block_id="team_forget",
        ),
    ]


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
    _with_choice(
        call,
        lambda: _change(
            call, call.deps.rapport.contacts.add_alias(actor=call.actor, name=name, alias=alias)
        ),
    )


def _rename(call: Invocation) -> None:
    name, new = _pair(call, "Jon Smyth = Jonathan Smith")
    _with_choice(
        call,
        lambda: _change(
            call, call.deps.rapport.contacts.rename(actor=call.actor, name=name, new_name=new)
        ),
    )


def _merge(call: Invocation) -> None:
    keep, other = _pair(call, "Jane Doe = Jane Miller")
    _with_choice(
        call,
        lambda: _change(
            call, call.deps.rapport.contacts.merge(actor=call.actor, keep=keep, other=other)
        ),
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
        needs="a company, role or topic",
    ),
    Subcommand(
        "alias",
        "`/rapport alias Jennifer Park = Jen` lets a short name find a contact",
        _alias,
        needs="a name, `=` and the alias",
    ),
    Subcommand(
        "rename",
        "`/rapport rename Jon Smyth = Jonathan Smith` renames a contact",
        _rename,
        needs="a name, `=` and the new name",
    ),
    Subcommand(
        "merge",
        "`/rapport merge Jane Doe = Jane Miller` folds the second contact into the first",
        _merge,
        needs="two names separated by `=`",
    ),
    Subcommand(
        "forget",
        "`/rapport forget Jane Doe` erases a contact, after you confirm",
        _forget,
        needs="a name",
    ),
)


# --- buttons ----------------------------------------------------------------------------------


def _action(body: dict[str, Any]) -> dict[str, Any]:
    found = (body.get("actions") or [{}])[0]
    return found if isinstance(found, dict) else {}


def register(app: App, deps: Deps) -> None:
    @app.action(ACTION_FORGET_CONFIRM)
    def on_forget(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()

        def replace(text: str, blocks: list[Block] | None) -> None:
            respond(text=text, blocks=blocks, replace_original=True)

        with friendly_errors(replace):
            actor = actor_from_interaction(body)  # who clicked, from the payload
            try:
                contact_id, asked_by = parse_forget_value(str(_action(body).get("value")))
            except (ValueError, KeyError, TypeError):
                raise UserInputError("That button is out of date; please try again.") from None
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
