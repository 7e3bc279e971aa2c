"""`rapport console`: a DM with the bot, in a terminal. Commands run, questions recall, anything
else is logged as a note, as in Slack.

Which lines are commands is decided once, for the DM and the console alike, by
bot/domain/commands.py; a command runs here as `rapport WORD …` runs it (the same parser, the
same code), so `next`, `fading --team`, `cadence Jane Doe monthly` and `export --format csv`
all work at the prompt. On a terminal the line is edited with readline (arrows, Ctrl-R), its
history kept in the user's data directory; Ctrl-C clears the line, Ctrl-D leaves.
"""

from __future__ import annotations

import contextlib
import os
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO

from bot.blocks.kit import mrkdwn_to_text
from bot.blocks.reminders import settings_sentence
from bot.console.args import HelpShown, build_parser
from bot.console.notes import (
    card_interactively,
    card_lines,
    confirmed,
    forget_question,
    log_interactively,
    log_lines,
    recall_lines,
    who_knows_lines,
)
from bot.console.output import Output
from bot.console.run import run_command
from bot.domain.commands import (
    CONSOLE,
    YOU_ARE_WELCOME,
    Match,
    is_greeting,
    is_thanks,
    parse_fading_words,
    recognise,
)
from bot.domain.errors import RapportError, UserInputError
from bot.domain.notes import ContactChange

if TYPE_CHECKING:
    from bot.app import Rapport
    from bot.config import Settings
    from bot.domain.refs import Actor

HISTORY_FILE: Final = "console_history"
HISTORY_LENGTH: Final = 1000

HELP = """\
Tell me what happened, in plain words, and I'll file it:
  met Jane Doe for coffee, she wants a shelter dog
  I owe Raj the pricing deck by Friday
  private: Sam's birthday is March 3
Ask a question and I'll look it up:
  who wanted a shelter dog?
Commands (the same as `rapport COMMAND` in a shell, and in a DM to the bot):
  log TEXT          the same as just typing it (log --at 2026-07-01 TEXT backdates it)
  who NAME          a contact's card (timeline, loops, birthday)
  loops             what you owe and what you're waiting on
  next              your next best actions
  fading            who you're losing touch with (fading 2 #investors team, fading --team)
  focus [NAME]      keep a few people close; unfocus NAME takes them off
  cadence NAME monthly · cadence NAME stop · cadence    how often to stay in touch
  snooze NAME 1w    pause reminders about someone
  due · settings · review    what's due, your reminder settings, your week
  recall WORDS      search your team's notes (also find, search)
  who-knows WORDS   teammates who know someone at a company or in a role
  calendar import FILE.ics   meetings from a calendar file become interactions
  brief NAME        what to know before meeting someone (brief off, brief minutes 10)
  alias NAME = ALIAS, rename NAME = NEW, merge KEEP = OTHER, forget NAME
  import FILE · export --format csv --out FILE · workspace · deliver --once --print
  undo              remove the last note you logged here
  help              this text (COMMAND --help for one command's options)
  quit              leave (Ctrl-D works too; Ctrl-C clears the line)"""


def repl(
    rapport: Rapport,
    actor: Actor,
    *,
    settings: Settings,
    read: Callable[[str], str] | None = None,
    stream: TextIO | None = None,
    history: Path | None = None,
) -> int:
    """A DM with the bot, in a terminal: commands run, questions recall, anything else logs."""
    session = _Session(rapport, actor, settings, read=read, stream=stream)
    save_history = _line_editing(history) if read is None else None
    session.out().print("Rapport console — type `help` for examples, `quit` to leave.")
    try:
        return session.loop()
    finally:
        if save_history is not None:
            save_history()


class _Session:
    def __init__(
        self,
        rapport: Rapport,
        actor: Actor,
        settings: Settings,
        *,
        read: Callable[[str], str] | None,
        stream: TextIO | None,
    ) -> None:
        self.rapport = rapport
        self.actor = actor
        self.settings = settings
        self._read = read
        self.stream = stream
        self.last_note: int | None = None
        self.parser = build_parser(in_console=True)

    def read(self, prompt: str) -> str:
        read = self._read or input  # looked up per call, so tests can type into builtins.input
        return read(prompt)

    def out(self) -> Output:
        return Output(json=False, tz=self.settings.tz, now=self.rapport.clock(), stream=self.stream)

    def loop(self) -> int:
        while True:
            try:
                line = self.read("rapport> ").strip()
            except EOFError:  # Ctrl-D
                self.out().print()
                return 0
            except KeyboardInterrupt:  # Ctrl-C: a fresh line, as in a shell
                self.out().print()
                continue
            if not line:
                continue
            try:
                if self.line(line) == "quit":
                    return 0
            except RapportError as exc:
                self.out().print(str(exc))
            except KeyboardInterrupt:
                self.out().print("(stopped)")

    def line(self, line: str) -> str | None:
        out = self.out()
        match = recognise(line)
        if match is not None:
            return self.command(match, out)
        if is_greeting(line):
            out.print(HELP)
            return None
        if is_thanks(line):
            out.print(YOU_ARE_WELCOME)
            return None
        rapport, actor = self.rapport, self.actor
        if rapport.team.who_knows_subject(line) is not None:
            answer = rapport.team.who_knows(actor=actor, query=line)
            out.show(answer, who_knows_lines(answer, out))
        elif (whose := rapport.standing.whose_turn_subject(line)) is not None:
            standing = rapport.standing.contact(actor=actor, name=whose)
            out.show(standing, [standing.turn.text if standing.turn else standing.why])
        elif rapport.notes.is_question(line):
            found = rapport.recall.recall(actor=actor, query=line)
            out.show(found, recall_lines(found, out))
        else:
            self.log(line, out)
        return None

    def log(self, text: str, out: Output) -> None:
        result = log_interactively(self.rapport, self.actor, text, ask=self.read)
        out.show(result, log_lines(result, out))
        self.last_note = result.note_id or self.last_note

    def command(self, match: Match, out: Output) -> str | None:
        command, rest = match.command, match.rest
        name = command.name
        flags = rest.startswith("-")
        if CONSOLE not in command.where:
            out.print(f"`{name}` runs from your shell: `rapport {name}` (leave with `quit`).")
        elif name == "quit":
            return "quit"
        elif name == "help":
            out.print(HELP)
        elif command.needs and not rest:
            out.print(f"`{match.word}` needs {command.needs}; type `help` for examples.")
        elif name == "undo":
            self.undo(out)
        elif name == "log" and not flags:
            self.log(rest, out)
        elif name == "who" and not flags:
            card = card_interactively(self.rapport, self.actor, rest, ask=self.read)
            out.show(card, card_lines(card, out))
        elif name in ("alias", "rename", "merge") and not flags:
            left, _, right = rest.partition("=")
            out.print(_change(self.rapport, self.actor, name, left.strip(), right.strip()).summary)
        elif name == "forget" and not flags:
            self.forget(rest, out)
        elif name == "settings" and rest and not flags:
            view = self.rapport.schedules.settings_text(actor=self.actor, text=rest)
            out.print(mrkdwn_to_text(settings_sentence(view)))
        else:
            self.run([name, *_as_flags(name, rest)])
        return None

    def run(self, argv: list[str]) -> None:
        """The words as `rapport ARGV` would take them, on this console's database and user."""
        try:
            args = self.parser.parse_args(argv)
        except HelpShown:
            return
        except UserInputError as exc:
            raise UserInputError(
                f"{argv[0]}: {exc}; `{argv[0]} --help` lists its options."
            ) from None
        for name, option in (("db", "--db"), ("as_user", "--as")):
            if getattr(args, name, None) is not None:
                raise UserInputError(
                    f"{option} is chosen when the console starts: `rapport console {option} …`."
                )
        args.db, args.as_user, args.json = None, None, bool(getattr(args, "json", False))
        run_command(args, self.settings, self.rapport, self.actor)

    def undo(self, out: Output) -> None:
        if self.last_note is None:
            out.print("Nothing to undo in this session.")
            return
        self.rapport.notes.undo(actor=self.actor, note_id=self.last_note)
        out.print(f"Removed note #{self.last_note}.")
        self.last_note = None

    def forget(self, name: str, out: Output) -> None:
        contact = self.rapport.contacts.forget_preview(actor=self.actor, name=name)
        if confirmed(forget_question(contact.display_name), self.read):
            out.print(self.rapport.contacts.forget(actor=self.actor, contact_id=contact.id).summary)
        else:
            out.print("Kept.")


def _as_flags(name: str, rest: str) -> list[str]:
    """A chat line's words as `rapport NAME`'s arguments: "fading 2 #investors team" is
    `fading --page 2 --tag investors --team`, "review weekly on" is `review --weekly on`."""
    if not rest.startswith("-"):
        if name == "fading" and rest:
            page, tag, team = parse_fading_words(rest) or (1, None, False)
            return ["--page", str(page), *(["--tag", tag] if tag else []), *(["--team"] * team)]
        if name == "review" and rest:
            return ["--weekly", rest.split()[-1]]
    try:
        return shlex.split(rest)
    except ValueError:  # an apostrophe in a name: "who-knows O'Brien's firm"
        return rest.split()


def _change(rapport: Rapport, actor: Actor, command: str, left: str, right: str) -> ContactChange:
    if not left or not right:
        raise UserInputError(f"Try `{command} Jennifer Park = Jen`.")
    if command == "alias":
        return rapport.contacts.add_alias(actor=actor, name=left, alias=right)
    if command == "rename":
        return rapport.contacts.rename(actor=actor, name=left, new_name=right)
    return rapport.contacts.merge(actor=actor, keep=left, other=right)


def history_path() -> Path:
    """Where the console keeps what was typed: the user's data directory (beside the default
    database), e.g. ~/.local/share/rapport/console_history."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("rapport", appauthor=False)) / HISTORY_FILE


def _line_editing(history: Path | None) -> Callable[[], None] | None:
    """readline for input() on a terminal: editing, history across sessions. Returns what saves
    the history at the end, or None when stdin is not a terminal (a pipe has no lines to edit)."""
    if not os.isatty(0):
        return None
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input() still works
        return None
    path = history or history_path()
    readline.set_history_length(HISTORY_LENGTH)
    readline.set_auto_history(True)
    with contextlib.suppress(OSError):  # no history yet
        readline.read_history_file(path)

    def save() -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)
            path.chmod(0o600)  # notes, private ones too: the owner's eyes only
        except OSError:
            pass  # a read-only home: the session worked, only its history is not kept

    return save
