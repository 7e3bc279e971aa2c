"""The notes in the console: `rapport log`, `recall`, `who`, `loops`, and the team's words
(`who-knows`, `workspace`, `alias`, `rename`, `merge`, `forget`, `import`, `export`); their
arguments, running them, and what they print."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from bot.blocks.kit import mrkdwn_to_text
from bot.blocks.notes import correction_lines
from bot.blocks.team import nobody_knows_sentence, pressure_sentence
from bot.console.inputs import parse_when
from bot.console.output import Grid, Output
from bot.domain.errors import AmbiguousNameError
from bot.domain.humanize import every, need_sentence, plural
from bot.domain.names import first_name
from bot.domain.notes import (
    Ambiguity,
    Candidate,
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

if TYPE_CHECKING:
    from bot.app import Rapport
    from bot.domain.refs import Actor

EXIT_USER_ERROR: Final = 1


def run(args: argparse.Namespace, rapport: Rapport, actor: Actor, tz: str) -> int:
    out = Output(json=args.json, tz=tz, now=rapport.clock())
    if args.command == "log":
        at = parse_when(args.at, tz) if args.at else None
        result = log_interactively(rapport, actor, " ".join(args.text), at=at)
        out.show(result, log_lines(result, out))
        saved = result.note_id is not None or result.correction is not None
        return 0 if saved else EXIT_USER_ERROR
    if args.command == "recall":
        found = rapport.recall.recall(actor=actor, query=" ".join(args.query), limit=args.limit)
        out.show(found, recall_lines(found, out))
    elif args.command == "who":
        card = card_interactively(rapport, actor, " ".join(args.name))
        out.show(card, card_lines(card, out))
    elif args.command == "loops":
        loops = rapport.recall.loops(actor=actor)
        out.show(loops, loops_lines(loops, out), loops_grid(loops, out))
    else:
        return _team(args, rapport, actor, out)
    return 0


def _team(args: argparse.Namespace, rapport: Rapport, actor: Actor, out: Output) -> int:
    if args.command == "who-knows":
        answer = rapport.team.who_knows(actor=actor, query=" ".join(args.query))
        out.show(answer, who_knows_lines(answer, out))
    elif args.command == "workspace":
        if args.default_visibility is None and args.pressure_threshold is None:
            settings = rapport.workspace.settings(actor=actor)
        else:
            settings = rapport.workspace.update(
                actor=actor,
                default_visibility=args.default_visibility,
                pressure_threshold=args.pressure_threshold,
            )
        out.show(settings, workspace_lines(settings))
    elif args.command == "alias":
        change = rapport.contacts.add_alias(actor=actor, name=args.name, alias=args.alias)
        out.show(change, [change.summary])
    elif args.command == "rename":
        change = rapport.contacts.rename(actor=actor, name=args.name, new_name=args.new_name)
        out.show(change, [change.summary])
    elif args.command == "merge":
        change = rapport.contacts.merge(actor=actor, keep=args.keep, other=args.other)
        out.show(change, [change.summary])
    elif args.command == "forget":
        return _forget(args, rapport, actor, out)
    elif args.command == "import":
        summary = rapport.transfer.import_contacts(
            actor=actor, path=Path(args.file), progress=_progress_line(), dry_run=args.dry_run
        )
        out.show(summary, import_lines(summary))
        if summary.created + summary.merged + summary.skipped == 0:
            return EXIT_USER_ERROR  # nothing in the file was a person Rapport could import
    elif args.command == "export":
        text = rapport.transfer.export(actor=actor, format=args.format)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
            print(f"Wrote {args.out}.", file=sys.stderr)
        else:
            sys.stdout.write(text)
    return 0


def _forget(args: argparse.Namespace, rapport: Rapport, actor: Actor, out: Output) -> int:
    contact = rapport.contacts.forget_preview(actor=actor, name=" ".join(args.name))
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                f"rapport: forgetting {contact.display_name} erases notes; "
                "add --yes to confirm from a script.",
                file=sys.stderr,
            )
            return EXIT_USER_ERROR
        if not confirmed(forget_question(contact.display_name), input):
            print("Kept.")
            return 0
    change: ContactChange = rapport.contacts.forget(actor=actor, contact_id=contact.id)
    out.show(change, [change.summary])
    return 0


# --- "which Jane?", asked in the terminal --------------------------------------------------------


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
        ambiguity = Ambiguity(
            name=exc.name, candidates=tuple(Candidate(cid, label) for cid, label in exc.candidates)
        )
        chosen = _ask(ambiguity, ask or input)
        if chosen is None:
            raise
        return rapport.recall.card(actor=actor, contact_id=chosen)


def forget_question(name: str) -> str:
    return (
        f"Forget {name}, the notes you can see only about them, their loops and occasions? "
        "This cannot be undone. [y/N] "
    )


def confirmed(question: str, ask: Callable[[str], str]) -> bool:
    """A yes/no question; input that ends (Ctrl-D, a pipe run dry) or Ctrl-C is a no."""
    try:
        answer = ask(question)
    except (EOFError, KeyboardInterrupt):
        print()  # end the question's line
        return False
    return answer.strip().lower() in {"y", "yes"}


def _ask(ambiguity: Ambiguity, ask: Callable[[str], str]) -> int | None:
    lines = [f'Which "{ambiguity.name}"?']
    for number, candidate in enumerate(ambiguity.candidates, start=1):
        hint = f" ({candidate.hint})" if candidate.hint else ""
        lines.append(f"  {number}) {candidate.display_name}{hint}")
    try:
        answer = ask("\n".join(lines) + "\nNumber: ").strip()
    except (EOFError, KeyboardInterrupt):
        print()  # end the "Number: " line; the note waits, as for an answer that is no number
        return None
    if answer.isdigit() and 1 <= int(answer) <= len(ambiguity.candidates):
        return ambiguity.candidates[int(answer) - 1].contact_id
    return None


def _interactive() -> bool:
    return sys.stdin.isatty()


def _progress_line() -> Callable[[int, int], None]:
    """ "importing 2500/10000" on stderr, rewritten in place; only for files worth waiting on."""

    def show(done: int, total: int) -> None:
        if total < 1000:
            return
        end = "\n" if done >= total else ""
        print(f"\rimporting {done:,}/{total:,} contacts", end=end, file=sys.stderr, flush=True)

    return show


# --- what the notes look like as text ----------------------------------------------------------


def log_lines(result: LogResult, out: Output) -> Iterator[str]:
    if result.correction is not None:
        yield "\n".join(mrkdwn_to_text(line) for line in correction_lines(result.correction))
        for refiled in result.correction.refiled:
            yield from log_lines(refiled, out)
        return
    if result.note_id is None:
        for ambiguity in result.ambiguities:
            names = ", ".join(c.display_name for c in ambiguity.candidates)
            yield f'Not saved yet: "{ambiguity.name}" could be {names}.'
        yield "Log it again with the full name, or from `rapport console` to pick one."
        return
    who = ", ".join(c.display_name for c in result.contacts)
    orgs = ", ".join(o.name for o in result.organisations)
    if who and orgs:
        who += f" ({orgs})"
    elif orgs:
        who = f"{orgs} (organisation)"  # a note about an organisation only is filed under it
    new = [c.display_name for c in result.created_contacts]
    lines = [
        f"Saved note #{result.note_id}{' (private)' if result.private else ''} "
        f"about {who or 'no one in particular'}."
    ]
    if new:
        lines.append(f"  New contact{'s' if len(new) > 1 else ''}: {', '.join(new)}")
    what = result.kind or "note"
    lines.append(f"  {what.capitalize()}, {out.when(result.occurred_at)}")
    for loop in result.loops_opened:
        lines.append(f"  {loop_line(loop, out)}")
    for loop in result.loops_closed:
        lines.append(f"  Closed: {loop_line(loop, out)}")
    for occasion in result.occasions:
        lines.append(
            f"  {occasion.contact.display_name}'s {occasion.kind}: "
            f"{date(2000, occasion.month, occasion.day):%-d %B}"
        )
    one = (
        first_name(result.contacts[0].display_name, default="")
        if len(result.contacts) == 1
        else None
    )
    lines += [f"  {need_sentence(one, n)}" for n in result.needs]
    if result.tags:
        lines.append(f"  Tags: {' '.join('#' + t for t in result.tags)}")
    if result.sensitive:
        lines.append(f"  Heads-up: {', '.join(result.sensitive)} (reminders will go gently)")
    for item in result.not_understood:
        lines.append(f"  Didn't understand: {item}")
    lines += [f"  {pressure_line(p)}" for p in result.pressure]
    if result.serendipity is not None:
        lines.append(f"  Idea: {result.serendipity.text}")
    lines += [f"  Noted: {fact}" for fact in result.learned]
    if new:  # the console's "⋯" menu: a correction is a note of its own
        lines.append(f'  Not a person? Log "{new[0]} is not a person" or "… is a company".')
    yield "\n".join(lines)


def recall_lines(result: RecallResult, out: Output) -> Iterator[str]:
    if result.summary:
        yield result.summary
    elif not result.terms:
        yield "Nothing to search for in that; try a few keywords, e.g. `recall dog`."
        return
    if not result.hits:
        if not result.summary:
            yield f"No notes match {' '.join(result.terms)}."
        return
    if result.also:
        yield f"(also searched: {', '.join(result.also)})"
    for number, hit in enumerate(result.hits, start=result.offset + 1):
        who = ", ".join(c.display_name for c in hit.contacts) or "no contact"
        private = " · private" if hit.private else ""
        yield f"{number}. {who} — {out.when(hit.occurred_at)}, noted by {hit.author}{private}"
        if hit.answer:
            yield f"   → {hit.answer}"
        yield f"   {_clip(hit.text, 300)}"
    shown = result.offset + len(result.hits)
    if result.total > shown:
        yield f"({result.total - shown} more; use --limit to see more)"


def card_lines(card: ContactCard, out: Output) -> Iterator[str]:
    extra = ", ".join(x for x in (card.role, card.company) if x)
    yield f"{card.contact.display_name}{f' — {extra}' if extra else ''}"
    if card.aliases:
        yield f"  Also known as: {', '.join(card.aliases)}"
    if card.emails:
        yield f"  Email: {', '.join(card.emails)}"
    if card.phones:
        yield f"  Phone: {', '.join(card.phones)}"
    if card.last_interaction:
        yield f"  Last interaction: {_entry_line(card.last_interaction, out)}"
    if card.last_by_you and card.last_by_you != card.last_interaction:
        yield f"  Last by you: {_entry_line(card.last_by_you, out)}"
    if card.last_by_team and card.last_by_team != card.last_interaction:
        yield f"  Last by the team: {_entry_line(card.last_by_team, out)}"
    if card.standing is not None:
        focus = " (focus)" if card.standing.focus else ""
        yield f"  {card.standing.label.capitalize()}{focus}: {card.standing.why}"
        if card.standing.turn is not None:
            yield f"  {card.standing.turn.text}"
        action = card.standing.action
        if action is not None:
            yield f"  Next: {action.text}"
            if action.draft:
                yield f"    “{action.draft}”"
    if card.per_month and any(card.per_month):
        yield f"  Last 12 months: {card.sparkline}  ({plural(sum(card.per_month), 'note')})"
    if card.knows_best:
        best = ", ".join(
            f"{a.user} ({a.interactions} interaction{'s' if a.interactions != 1 else ''}"
            f"{', both ways' if a.two_way else ''}, last {out.ago(a.last_at)})"
            for a in card.knows_best
        )
        yield f"  Knows them best: {best}"
    if card.cadence_days:
        yield f"  Stay in touch: {every(card.cadence_days)}"
    if card.pressure is not None:
        yield f"  {pressure_line(card.pressure)}"
    for topic, when in card.heads_ups():
        yield f"  Heads-up: {topic}, {out.ago(when)}"
    for occasion in card.occasions:
        day = date.fromisoformat(occasion.next_date)
        yield f"  {occasion.kind.capitalize()}: {day:%-d %B} (next {day.isoformat()})"
    who = first_name(card.contact.display_name, default="They")
    for need in card.needs:
        yield f"  {need_sentence(who, need)}"
    if card.tags:
        yield f"  Tags: {' '.join('#' + t for t in card.tags)}"
    for loop in card.open_loops:
        yield f"  {loop_line(loop, out)}"
    if not card.timeline:
        yield "  No notes you can see yet."
        return
    yield "  Timeline:"
    for entry in card.timeline:
        # Who noted it and how long ago: "Sun 21 Sep 2025 (14 months ago) · Sam: …".
        private = " (private)" if entry.private else ""
        yield (
            f"    {out.when(entry.occurred_at)} · {entry.author}{private}: {_clip(entry.text, 200)}"
        )


def loops_lines(loops: LoopList, out: Output) -> Iterator[str]:
    if not loops.you_owe and not loops.waiting_on:
        yield "No open loops. Nice."
        return
    for title, views in (("You owe:", loops.you_owe), ("Waiting on:", loops.waiting_on)):
        if views:
            yield title
            yield from (f"  {loop_line(loop, out, arrow=False)}" for loop in views)


def loops_grid(loops: LoopList, out: Output) -> Grid | None:
    """The loops as tables on a terminal: who, what, when it is due."""
    if not loops.you_owe and not loops.waiting_on:
        return None
    grid = []
    for title, views in (("You owe", loops.you_owe), ("Waiting on", loops.waiting_on)):
        if views:
            rows = [
                [
                    loop.contact.display_name,
                    loop.what,
                    ""
                    if loop.due_at is None
                    else out.local_date(loop.due_at) + (" OVERDUE" if loop.overdue else ""),
                ]
                for loop in views
            ]
            grid.append((title, ("who", "what", "due"), rows))
    return grid


def who_knows_lines(result: WhoKnows, out: Output) -> Iterator[str]:
    if not result.contacts:
        yield mrkdwn_to_text(nobody_knows_sentence(result.query))
        return
    for person in result.teammates:
        yield "You know:" if person.you else f"{person.user} knows:"
        yield from (f"  {_who_knows_line(known, out)}" for known in person.contacts)
    unknown = [
        c
        for c in result.contacts
        if not any(c.contact in [k.contact for k in p.contacts] for p in result.teammates)
    ]
    if unknown:
        yield "Contacts with no teammate's notes you can see:"
        yield from (f"  {_who_knows_line(known, out)}" for known in unknown)


def import_lines(summary: ImportSummary) -> Iterator[str]:
    if summary.created + summary.merged + summary.skipped == 0:
        # Not "Imported 1 record: 0 new contacts…" above it: that read as a success.
        yield "Nothing would be imported." if summary.dry_run else "Nothing was imported."
        if not summary.problems:
            yield "  no contacts found in the file (no vCard cards, or no rows under a header)"
        yield from _import_problems(summary)
        return
    verb = "Would import" if summary.dry_run else "Imported"
    line = (
        f"{verb} {plural(summary.total, 'record')}: {plural(summary.created, 'new contact')}, "
        f"{summary.merged} existing {'one' if summary.merged == 1 else 'ones'} updated, "
        f"{summary.skipped} already known; "
        f"{plural(summary.occasions, 'occasion')} (birthdays, anniversaries) added"
    )
    if summary.notes or summary.loops:
        line += f", {plural(summary.notes, 'note')} and {plural(summary.loops, 'loop')} restored"
    yield line + "."
    yield from _import_problems(summary)
    if summary.dry_run:
        for label, names in (("new", summary.new_contacts), ("updated", summary.updated_contacts)):
            if names:
                more = f" and {len(names) - 20} more" if len(names) > 20 else ""
                yield f"  {label}: {', '.join(names[:20])}{more}"
        yield "Dry run: nothing was changed."


def _import_problems(summary: ImportSummary) -> Iterator[str]:
    for problem in summary.problems[:50]:
        where = f"line {problem.line}: " if problem.line else ""
        who = f"{problem.name}: " if problem.name else ""
        skipped = "skipped " if problem.skipped else ""  # else imported, without what it says
        yield f"  {where}{skipped}{who}{problem.message}"
    if len(summary.problems) > 50:
        yield f"  …and {len(summary.problems) - 50} more problems."


def workspace_lines(settings: WorkspaceSettings) -> Iterator[str]:
    yield (
        f"Workspace {settings.workspace_id}: new notes are {settings.default_visibility} "
        f"by default; contact pressure warns at {settings.pressure_threshold} teammate "
        "interactions in 7 days."
    )


def pressure_line(pressure: PressureNote) -> str:
    return "Heads-up: " + mrkdwn_to_text(pressure_sentence(pressure))


def loop_line(loop: LoopView, out: Output, *, arrow: bool = True) -> str:
    due = ""
    if loop.due_at is not None:
        due = f", due {out.local_date(loop.due_at)}" + (" — OVERDUE" if loop.overdue else "")
    if not arrow:
        return f"{loop.contact.display_name}: {loop.what}{due}"
    if loop.direction == "you_owe":
        return f"You owe {loop.contact.display_name}: {loop.what}{due}"
    return f"Waiting on {loop.contact.display_name}: {loop.what}{due}"


def _who_knows_line(known: WhoKnowsContact, out: Output) -> str:
    about = ", ".join(x for x in (known.role, known.company) if x)
    last = f", last note {out.ago(known.last_at)}" if known.last_at else ""
    return f"{known.contact.display_name}{f' ({about})' if about else ''} — {known.why}{last}"


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _entry_line(entry: TimelineEntry, out: Output) -> str:
    return f"{entry.kind or 'note'}, {out.when(entry.occurred_at)}, noted by {entry.author}"
