"""`rapport console`: a DM with the bot, in a terminal. Questions recall, commands run, anything
else is logged as a note, as in Slack."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from bot.console.notes import (
    card_interactively,
    card_lines,
    log_interactively,
    log_lines,
    loops_lines,
    recall_lines,
    who_knows_lines,
)
from bot.console.output import Output
from bot.domain.errors import RapportError, UserInputError
from bot.domain.notes import ContactChange

if TYPE_CHECKING:
    from bot.app import Rapport
    from bot.domain.refs import Actor

HELP = """\
Tell me what happened, in plain words, and I'll file it:
  met Jane Doe for coffee, she wants a shelter dog
  I owe Raj the pricing deck by Friday
  private: Sam's birthday is March 3
Ask a question and I'll look it up:
  who wanted a shelter dog?
Commands:
  who NAME        a contact's card (timeline, loops, birthday)
  who-knows WORDS teammates who know someone at a company or in a role
  alias NAME = ALIAS, rename NAME = NEW, merge KEEP = OTHER, forget NAME
  loops           what you owe and what you're waiting on
  recall WORDS    search your team's notes
  undo            remove the last note you logged here
  help            this text
  quit            leave (Ctrl-D works too)"""


def repl(
    rapport: Rapport,
    actor: Actor,
    *,
    tz: str,
    read: Callable[[str], str] | None = None,
    stream: TextIO | None = None,
) -> int:
    """A DM with the bot, in a terminal: questions recall, commands run, anything else logs."""
    read = read or input  # looked up per call, so tests can type into builtins.input
    out_stream = stream or sys.stdout
    print("Rapport console — type `help` for examples, `quit` to leave.", file=out_stream)
    last_note: int | None = None
    while True:
        try:
            line = read("rapport> ").strip()
        except EOFError:
            print(file=out_stream)
            return 0
        if not line:
            continue
        out = Output(json=False, tz=tz, now=rapport.clock(), stream=out_stream)
        word, _, rest = line.partition(" ")
        command = word.lower()
        try:
            if command in {"quit", "exit", "bye"}:
                return 0
            if command in {"help", "?"}:
                out.print(HELP)
            elif rapport.team.who_knows_subject(line) is not None:
                answer = rapport.team.who_knows(actor=actor, query=line)
                out.show(answer, who_knows_lines(answer, out))
            elif (whose := rapport.standing.whose_turn_subject(line)) is not None:
                standing = rapport.standing.contact(actor=actor, name=whose)
                out.show(standing, [standing.turn.text if standing.turn else standing.why])
            elif command == "who" and rest and not rest.rstrip().endswith("?"):
                card = card_interactively(rapport, actor, rest, ask=read)
                out.show(card, card_lines(card, out))
            elif command == "who-knows" and rest:
                answer = rapport.team.who_knows(actor=actor, query=rest)
                out.show(answer, who_knows_lines(answer, out))
            elif command in {"alias", "rename", "merge"} and "=" in rest:
                left, _, right = rest.partition("=")
                out.print(_change(rapport, actor, command, left.strip(), right.strip()).summary)
            elif command == "forget" and rest:
                contact = rapport.contacts.forget_preview(actor=actor, name=rest)
                answer_text = read(
                    f"Forget {contact.display_name} and every note only about them? [y/N] "
                )
                if answer_text.strip().lower() in {"y", "yes"}:
                    out.print(rapport.contacts.forget(actor=actor, contact_id=contact.id).summary)
                else:
                    out.print("Kept.")
            elif command == "loops" and not rest:
                loops = rapport.recall.loops(actor=actor)
                out.show(loops, loops_lines(loops, out))
            elif command in {"recall", "find", "search"} and rest:
                found = rapport.recall.recall(actor=actor, query=rest)
                out.show(found, recall_lines(found, out))
            elif command == "undo" and not rest:
                if last_note is None:
                    out.print("Nothing to undo in this session.")
                else:
                    rapport.notes.undo(actor=actor, note_id=last_note)
                    out.print(f"Removed note #{last_note}.")
                    last_note = None
            elif rapport.notes.is_question(line):
                found = rapport.recall.recall(actor=actor, query=line)
                out.show(found, recall_lines(found, out))
            else:
                result = log_interactively(rapport, actor, line, ask=read)
                out.show(result, log_lines(result, out))
                last_note = result.note_id or last_note
        except RapportError as exc:
            out.print(str(exc))


def _change(rapport: Rapport, actor: Actor, command: str, left: str, right: str) -> ContactChange:
    if not left or not right:
        raise UserInputError(f"Try `{command} Jennifer Park = Jen`.")
    if command == "alias":
        return rapport.contacts.add_alias(actor=actor, name=left, alias=right)
    if command == "rename":
        return rapport.contacts.rename(actor=actor, name=left, new_name=right)
    return rapport.contacts.merge(actor=actor, keep=left, other=right)
