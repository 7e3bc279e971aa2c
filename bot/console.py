"""The local console: the same use cases as Slack, rendered as short text (or JSON)."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.app import Rapport
from bot.config import Settings
from bot.domain.errors import AmbiguousNameError, RapportError, UserInputError
from bot.domain.humanize import ago, local_date, plural
from bot.domain.notes import (
    Ambiguity,
    ContactCard,
    ContactChange,
    ImportSummary,
    LogResult,
    LoopList,
    LoopView,
    PressureNote,
    RecallResult,
    TimelineEntry,
    WhoKnows,
    WhoKnowsContact,
    WorkspaceSettings,
)
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


def parse_when(value: str, tz: str, *, date_hour: int = 12, flag: str = "--at") -> datetime:
    """`--at` / `--now` values: an ISO date (at `date_hour` local) or a date-time (local unless
    it carries an offset), as aware UTC."""
    zone = ZoneInfo(tz)
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day, time(date_hour, 0), tzinfo=zone).astimezone(UTC)
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise UserInputError(
            f"{flag} {value!r} is not a date; use 2026-07-01 or 2026-07-01T09:30"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def _ask(ambiguity: Ambiguity, ask: Callable[[str], str]) -> int | None:
    lines = [f'Which "{ambiguity.name}"?']
    for number, candidate in enumerate(ambiguity.candidates, start=1):
        hint = f" ({candidate.hint})" if candidate.hint else ""
        lines.append(f"  {number}) {candidate.display_name}{hint}")
    answer = ask("\n".join(lines) + "\nNumber: ").strip()
    if answer.isdigit() and 1 <= int(answer) <= len(ambiguity.candidates):
        return ambiguity.candidates[int(answer) - 1].contact_id
    return None


def _interactive() -> bool:
    return sys.stdin.isatty()


def log_interactively(
    rapport: Rapport,
    actor: Actor,
    text: str,
    *,
    at: datetime | None = None,
    ask: Callable[[str], str] | None = None,
) -> LogResult:
    """Log a note; when a name is ambiguous, ask which contact was meant (if someone can answer)."""
    result = rapport.notes.log(actor=actor, text=text, at=at, source="console")
    if ask is None and not _interactive():
        return result
    prompt = ask or input
    while result.note_id is None and result.pending_id is not None and result.ambiguities:
        ambiguity = result.ambiguities[0]
        chosen = _ask(ambiguity, prompt)
        if chosen is None:
            break
        result = rapport.notes.choose(
            actor=actor, pending_id=result.pending_id, name=ambiguity.name, contact_id=chosen
        )
    return result


def card_interactively(
    rapport: Rapport, actor: Actor, name: str, *, ask: Callable[[str], str] | None = None
) -> ContactCard:
    try:
        return rapport.recall.card(actor=actor, name=name)
    except AmbiguousNameError as exc:
        if ask is None and not _interactive():
            raise
        from bot.domain.notes import Candidate

        ambiguity = Ambiguity(
            name=exc.name, candidates=tuple(Candidate(cid, label) for cid, label in exc.candidates)
        )
        chosen = _ask(ambiguity, ask or input)
        if chosen is None:
            raise
        return rapport.recall.card(actor=actor, contact_id=chosen)


def to_jsonable(value: Any) -> Any:
    """Result dataclasses as JSON-ready values for `--json`: fields, and properties such as a
    report's `items`; datetimes as ISO 8601."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name, attr in vars(type(value)).items():
            if isinstance(attr, property):
                out[name] = to_jsonable(getattr(value, name))
        return out
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class Output:
    """Renders service results for a person (short lines) or a script (--json)."""

    def __init__(self, *, json: bool, tz: str, now: datetime, stream: TextIO | None = None) -> None:
        self.json = json
        self.tz = tz
        self.now = now
        self.stream = stream or sys.stdout

    def _print(self, text: str = "") -> None:
        print(text, file=self.stream)

    def _dump(self, value: Any) -> None:
        self._print(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))

    def _when(self, moment: datetime) -> str:
        return f"{local_date(moment, self.tz)} ({ago(moment, self.now)})"

    def log(self, result: LogResult) -> None:
        if self.json:
            self._dump(result)
            return
        if result.note_id is None:
            for ambiguity in result.ambiguities:
                names = ", ".join(c.display_name for c in ambiguity.candidates)
                self._print(f'Not saved yet: "{ambiguity.name}" could be {names}.')
            self._print("Log it again with the full name, or from `rapport console` to pick one.")
            return
        who = ", ".join(c.display_name for c in result.contacts) or "no one in particular"
        new = [c.display_name for c in result.created_contacts]
        lines = [
            f"Saved note #{result.note_id}{' (private)' if result.private else ''} about {who}."
        ]
        if new:
            lines.append(f"  New contact{'s' if len(new) > 1 else ''}: {', '.join(new)}")
        what = result.kind or "note"
        lines.append(f"  {what.capitalize()}, {self._when(result.occurred_at)}")
        for loop in result.loops_opened:
            lines.append(f"  {_loop_line(loop, self.tz)}")
        for loop in result.loops_closed:
            lines.append(f"  Closed: {_loop_line(loop, self.tz)}")
        for occasion in result.occasions:
            lines.append(
                f"  {occasion.contact.display_name}'s {occasion.kind}: "
                f"{date(2000, occasion.month, occasion.day):%-d %B}"
            )
        if result.needs:
            lines.append(f"  Wants: {'; '.join(result.needs)}")
        if result.tags:
            lines.append(f"  Tags: {' '.join('#' + t for t in result.tags)}")
        if result.sensitive:
            lines.append(f"  Heads-up: {', '.join(result.sensitive)} (reminders will go gently)")
        for item in result.not_understood:
            lines.append(f"  Didn't understand: {item}")
        lines += [f"  {pressure_line(p)}" for p in result.pressure]
        if result.serendipity is not None:
            lines.append(f"  Idea: {result.serendipity.text}")
        self._print("\n".join(lines))

    def recall(self, result: RecallResult) -> None:
        if self.json:
            self._dump(result)
            return
        if not result.terms:
            self._print("Nothing to search for in that; try a few keywords, e.g. `recall dog`.")
            return
        if not result.hits:
            self._print(f"No notes match {' '.join(result.terms)}.")
            return
        for number, hit in enumerate(result.hits, start=result.offset + 1):
            who = ", ".join(c.display_name for c in hit.contacts) or "no contact"
            private = " · private" if hit.private else ""
            self._print(
                f"{number}. {who} — {self._when(hit.occurred_at)}, noted by {hit.author}{private}"
            )
            self._print(f"   {_clip(hit.text, 300)}")
        shown = result.offset + len(result.hits)
        if result.total > shown:
            self._print(f"({result.total - shown} more; use --limit to see more)")

    def card(self, card: ContactCard) -> None:
        if self.json:
            self._dump(card)
            return
        title = card.contact.display_name
        extra = ", ".join(x for x in (card.role, card.company) if x)
        self._print(f"{title}{f' — {extra}' if extra else ''}")
        if card.aliases:
            self._print(f"  Also known as: {', '.join(card.aliases)}")
        if card.last_interaction:
            self._print(f"  Last interaction: {_entry_line(card.last_interaction, self)}")
        if card.last_by_you and card.last_by_you != card.last_interaction:
            self._print(f"  Last by you: {_entry_line(card.last_by_you, self)}")
        if card.last_by_team and card.last_by_team != card.last_interaction:
            self._print(f"  Last by the team: {_entry_line(card.last_by_team, self)}")
        if card.standing is not None:
            focus = " (focus)" if card.standing.focus else ""
            self._print(f"  {card.standing.label.capitalize()}{focus}: {card.standing.why}")
            action = card.standing.action
            if action is not None:
                self._print(f"  Next: {action.text}")
                if action.draft:
                    self._print(f"    “{action.draft}”")
        if card.per_month and any(card.per_month):
            count = plural(sum(card.per_month), "note")
            self._print(f"  Last 12 months: {card.sparkline}  ({count})")
        if card.knows_best:
            best = ", ".join(
                f"{a.user} ({a.interactions} interaction{'s' if a.interactions != 1 else ''}"
                f"{', both ways' if a.two_way else ''}, last {ago(a.last_at, self.now)})"
                for a in card.knows_best
            )
            self._print(f"  Knows them best: {best}")
        if card.cadence_days:
            self._print(f"  Stay in touch: every {card.cadence_days} days")
        if card.pressure is not None:
            self._print(f"  {pressure_line(card.pressure)}")
        for topic, when in card.sensitive:
            self._print(f"  Heads-up: {topic}, {ago(when, self.now)}")
        for occasion in card.occasions:
            day = date.fromisoformat(occasion.next_date)
            self._print(f"  {occasion.kind.capitalize()}: {day:%-d %B} (next {day.isoformat()})")
        if card.needs:
            self._print(f"  Wants: {'; '.join(card.needs)}")
        if card.tags:
            self._print(f"  Tags: {' '.join('#' + t for t in card.tags)}")
        for loop in card.open_loops:
            self._print(f"  {_loop_line(loop, self.tz)}")
        if card.timeline:
            self._print("  Timeline:")
            for entry in card.timeline:
                # Who noted it and how long ago: "Sun 21 Sep 2025 (14 months ago) · Sam: …".
                private = " (private)" if entry.private else ""
                self._print(
                    f"    {local_date(entry.occurred_at, self.tz)} "
                    f"({ago(entry.occurred_at, self.now)}) · {entry.author}{private}: "
                    f"{_clip(entry.text, 200)}"
                )
        else:
            self._print("  No notes you can see yet.")

    def loops(self, loops: LoopList) -> None:
        if self.json:
            self._dump(loops)
            return
        if not loops.you_owe and not loops.waiting_on:
            self._print("No open loops. Nice.")
            return
        if loops.you_owe:
            self._print("You owe:")
            for loop in loops.you_owe:
                self._print(f"  {_loop_line(loop, self.tz, arrow=False)}")
        if loops.waiting_on:
            self._print("Waiting on:")
            for loop in loops.waiting_on:
                self._print(f"  {_loop_line(loop, self.tz, arrow=False)}")

    def who_knows(self, result: WhoKnows) -> None:
        if self.json:
            self._dump(result)
            return
        if not result.contacts:
            self._print(f"Nobody on the team seems to know anyone for {result.query!r} yet.")
            return
        for person in result.teammates:
            self._print(f"{person.user} knows:")
            for known in person.contacts:
                self._print(f"  {_who_knows_line(known, self)}")
        unknown = [
            c
            for c in result.contacts
            if not any(c.contact in [k.contact for k in p.contacts] for p in result.teammates)
        ]
        if unknown:
            self._print("Contacts with no teammate's notes you can see:")
            for known in unknown:
                self._print(f"  {_who_knows_line(known, self)}")

    def change(self, change: ContactChange) -> None:
        if self.json:
            self._dump(change)
            return
        self._print(change.summary)

    def import_summary(self, summary: ImportSummary) -> None:
        if self.json:
            self._dump(summary)
            return
        self._print(
            f"Imported {summary.total} records: {summary.created} new contacts, "
            f"{summary.merged} existing ones updated, {summary.skipped} already known; "
            f"{summary.occasions} birthdays added."
        )
        for problem in summary.problems[:50]:
            self._print(f"  line {problem.line}: {problem.message}")
        if len(summary.problems) > 50:
            self._print(f"  …and {len(summary.problems) - 50} more problems.")

    def workspace(self, settings: WorkspaceSettings) -> None:
        if self.json:
            self._dump(settings)
            return
        self._print(
            f"Workspace {settings.workspace_id}: new notes are {settings.default_visibility} "
            f"by default; contact pressure warns at {settings.pressure_threshold} teammate "
            "interactions in 7 days."
        )


def pressure_line(pressure: PressureNote) -> str:
    who = ", ".join(pressure.teammates[:3]) + (" and others" if len(pressure.teammates) > 3 else "")
    return (
        f"Heads-up: {pressure.contact.display_name} heard from the team {pressure.count} times "
        f"in the last {pressure.since_days} days ({who}) — maybe give them some room."
    )


def _who_knows_line(known: WhoKnowsContact, out: Output) -> str:
    about = ", ".join(x for x in (known.role, known.company) if x)
    last = f", last note {ago(known.last_at, out.now)}" if known.last_at else ""
    return f"{known.contact.display_name}{f' ({about})' if about else ''} — {known.why}{last}"


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _entry_line(entry: TimelineEntry, out: Output) -> str:
    kind = entry.kind or "note"
    return f"{kind}, {out._when(entry.occurred_at)}, noted by {entry.author}"


def _loop_line(loop: LoopView, tz: str, *, arrow: bool = True) -> str:
    due = ""
    if loop.due_at is not None:
        due = f", due {local_date(loop.due_at, tz)}" + (" — OVERDUE" if loop.overdue else "")
    if not arrow:
        return f"{loop.contact.display_name}: {loop.what}{due}"
    if loop.direction == "you_owe":
        return f"You owe {loop.contact.display_name}: {loop.what}{due}"
    return f"Waiting on {loop.contact.display_name}: {loop.what}{due}"


def _change(rapport: Rapport, actor: Actor, command: str, left: str, right: str) -> ContactChange:
    if not left or not right:
        raise UserInputError(f"Try `{command} Jennifer Park = Jen`.")
    if command == "alias":
        return rapport.contacts.add_alias(actor=actor, name=left, alias=right)
    if command == "rename":
        return rapport.contacts.rename(actor=actor, name=left, new_name=right)
    return rapport.contacts.merge(actor=actor, keep=left, other=right)


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
                print(HELP, file=out_stream)
            elif rapport.team.who_knows_subject(line) is not None:
                out.who_knows(rapport.team.who_knows(actor=actor, query=line))
            elif command == "who" and rest and not rest.rstrip().endswith("?"):
                out.card(card_interactively(rapport, actor, rest, ask=read))
            elif command == "who-knows" and rest:
                out.who_knows(rapport.team.who_knows(actor=actor, query=rest))
            elif command in {"alias", "rename", "merge"} and "=" in rest:
                left, _, right = rest.partition("=")
                out.change(_change(rapport, actor, command, left.strip(), right.strip()))
            elif command == "forget" and rest:
                contact = rapport.contacts.forget_preview(actor=actor, name=rest)
                answer = read(
                    f"Forget {contact.display_name} and every note only about them? [y/N] "
                )
                if answer.strip().lower() in {"y", "yes"}:
                    out.change(rapport.contacts.forget(actor=actor, contact_id=contact.id))
                else:
                    print("Kept.", file=out_stream)
            elif command == "loops" and not rest:
                out.loops(rapport.recall.loops(actor=actor))
            elif command in {"recall", "find", "search"} and rest:
                out.recall(rapport.recall.recall(actor=actor, query=rest))
            elif command == "undo" and not rest:
                if last_note is None:
                    print("Nothing to undo in this session.", file=out_stream)
                else:
                    rapport.notes.undo(actor=actor, note_id=last_note)
                    print(f"Removed note #{last_note}.", file=out_stream)
                    last_note = None
            elif rapport.notes.is_question(line):
                out.recall(rapport.recall.recall(actor=actor, query=line))
            else:
                result = log_interactively(rapport, actor, line, ask=read)
                out.log(result)
                last_note = result.note_id or last_note
        except RapportError as exc:
            print(str(exc), file=out_stream)


def console_actor(settings: Settings, as_user: str | None) -> Actor:
    """Who acts in the console: `--as USER`, else RAPPORT_USER, in the console's workspace."""
    user = as_user or settings.local_user
    return Actor(workspace_id=settings.workspace, user_id=user, display_name=user, tz=settings.tz)
