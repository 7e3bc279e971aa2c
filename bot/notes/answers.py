"""How recall finds its answers: a forgiving search, and needs, occasions and loops answered as
such rather than as words to look for.

The search runs in tiers, each only while the page is not full, and keeps the first tier's
order: notes with every word as written, then every word or one of its alternatives (spelling
fixes, the same word with accents, related words that notes use — bot.notes.vocabulary), then
any word as written, then any word or alternative. So a literal match always ranks above a
forgiven one, and "acountant" or "animal" still find something.

Needs: notes whose stated needs (Note.needs) match the question's words or their alternatives
come first. Occasions: the birthdays and anniversaries the viewer may see, filtered by month,
kind and person, soonest first. Loops: the asker's own open loops with that person, in that
direction. Each answer is a note the viewer may see, with a line saying why it answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.domain.errors import NotFoundError
from bot.domain.occasions import next_occurrence
from bot.notes.lookup import find_contact
from bot.notes.questions import LoopAsk, NeedAsk, OccasionAsk
from bot.notes.values import loop_view, sorted_loops
from bot.notes.vocabulary import Vocabulary, fold
from bot.parsing import Direction
from bot.store import repo
from bot.store.search import MATCH_LIMIT, query_words, search_alternatives

NEED_WINDOW = 20  # candidates looked at for a matching need
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Found:
    note_id: int
    score: float
    answer: str | None = None
    # What the note says someone needs, when that is the answer: worded with the person's name
    # once the note's contacts are loaded ("Jane wants a shelter dog").
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answers:
    found: list[Found]
    total: int
    summary: str | None = None
    also: tuple[str, ...] = ()


def search(
    session: Session,
    *,
    vocabulary: Callable[[], Vocabulary],
    workspace_id: str,
    viewer_id: int,
    terms: Sequence[str],
    limit: int,
    offset: int,
    now: datetime,
    need: NeedAsk | None = None,
) -> Answers:
    """The tiers in order, each only while the page is not full; the vocabulary is read (and
    brought up to date) only when the words as written do not fill it."""
    words = list(query_words(terms).words)
    if not words:
        return Answers(found=[], total=0)
    window = offset + limit if need is None else max(offset + limit, NEED_WINDOW)
    merged: dict[int, float] = {}
    total = 0

    def run(groups: list[list[str]], any_group: bool) -> None:
        nonlocal total
        ranked, count = search_alternatives(
            session,
            workspace_id=workspace_id,
            viewer_id=viewer_id,
            groups=groups,
            any_group=any_group,
            limit=window,
            offset=0,
            now=now,
        )
        total = max(total, count)
        for note_id, score in ranked:
            merged.setdefault(note_id, score)

    plain = [[w] for w in words]
    run(plain, False)
    also: tuple[str, ...] = ()
    if len(merged) < window:
        known = vocabulary()
        expansions = [known.expand(w, viewer_id=viewer_id) for w in words]
        compounds = _compounds(known, words, viewer_id)
        pairs = list(zip(words, expansions, compounds, strict=True))
        close = [[w, *x.close, *c[0]] for w, x, c in pairs]
        wider = [[w, *x.alternatives, *c[0], *c[1]] for w, x, c in pairs]
        tiers: list[tuple[list[list[str]], bool]] = [(plain, False)]
        for any_group in (False, True) if len(words) > 1 else (False,):
            for groups in (plain, close, wider):
                if (groups, any_group) not in tiers:  # no expansion: one tier, not three
                    tiers.append((groups, any_group))
        for groups, any_group in tiers[1:]:
            if len(merged) >= window:
                break
            run(groups, any_group)
        also = tuple(
            dict.fromkeys(
                [a for x in expansions for a in (*x.fixes, *x.related)]
                + [a for c in compounds for a in (*c[0], *c[1])]
            )
        )
    else:
        wider = plain
    total = min(MATCH_LIMIT, max(total, len(merged)))
    found = [Found(note_id, score) for note_id, score in merged.items()]
    if need is not None:
        found = _needs_first(session, found, wider)
    return Answers(found=found[offset : offset + limit], total=total, also=also)


def _compounds(
    vocabulary: Vocabulary, words: Sequence[str], viewer_id: int
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Related words of two-word nouns ("musical instrument" → "guitar"), added to both words'
    groups so a note with the narrower word alone matches the pair."""
    out: list[tuple[tuple[str, ...], tuple[str, ...]]] = [((), ()) for _ in words]
    for i in range(len(words) - 1):
        pair = f"{fold(words[i])}_{fold(words[i + 1])}"
        near, far = vocabulary.related((pair,), viewer_id=viewer_id)
        if near or far:
            for k in (i, i + 1):
                out[k] = (out[k][0] + near, out[k][1] + far)
    return out


def _needs_first(session: Session, found: list[Found], groups: list[list[str]]) -> list[Found]:
    """Notes whose stated needs match the question come first, saying what they need."""
    stems = {_stem(w) for group in groups for w in group}
    notes = repo.notes_by_id(session, [f.note_id for f in found])
    first: list[Found] = []
    rest: list[Found] = []
    for f in found:
        note = notes.get(f.note_id)
        needs = [n for n in (note.needs if note else []) if _need_matches(n, stems)]
        if needs:
            first.append(Found(f.note_id, f.score, needs=tuple(needs)))
        else:
            rest.append(f)
    return first + rest


def _stem(word: str) -> str:
    w = fold(word)
    for ending in ("ing", "ers", "es", "er", "s"):
        if w.endswith(ending) and len(w) - len(ending) >= 3:
            return w[: -len(ending)]
    return w


def _need_matches(need: str, stems: set[str]) -> bool:
    return any(_stem(w) in stems for w in need.replace("-", " ").split())


def occasions(
    session: Session,
    *,
    ask: OccasionAsk,
    workspace_id: str,
    viewer_id: int,
    now: datetime,
    tz: str,
) -> Answers | None:
    """The occasions asked about, soonest first; None when the person named is unknown."""
    contact_id = None
    if ask.person:
        try:
            contact = find_contact(session, workspace_id=workspace_id, name=ask.person)
        except NotFoundError:
            return None
        contact_id = contact.id
    today = now.astimezone(ZoneInfo(tz)).date()
    month = ask.month
    if month is None and ask.relative is not None:
        month = today.month if ask.relative == "this" else today.month % 12 + 1
    rows = [
        o
        for o in repo.visible_occasions(
            session, workspace_id=workspace_id, viewer_id=viewer_id, contact_id=contact_id
        )
        if (ask.kind is None or o.kind == ask.kind) and (month is None or o.month == month)
    ]
    rows.sort(key=lambda o: next_occurrence(o.month, o.day, today))
    contacts = repo.contacts_by_id(session, [o.contact_id for o in rows])
    kind = "Anniversaries" if ask.kind == "anniversary" else "Birthdays"
    scope = f" in {MONTH_NAMES[month - 1]}" if month else ""
    lines = []
    found: list[Found] = []
    seen: set[int] = set()
    for o in rows:
        whose = contacts.get(o.contact_id)
        name = whose.display_name if whose else "someone"
        when = f"{MONTH_NAMES[o.month - 1][:3]} {o.day}"
        lines.append(f"{name} ({when})")
        if o.source_note_id is not None and o.source_note_id not in seen:
            seen.add(o.source_note_id)
            found.append(Found(o.source_note_id, 1.0, f"{o.kind}: {when}"))
    if ask.person and contacts:
        who = next(iter(contacts.values())).display_name  # the one contact asked about
        summary = f"{kind} of {who}: " + ", ".join(lines) if lines else None
    elif lines:
        summary = f"{kind}{scope}: " + ", ".join(lines)
    else:
        summary = None
    if summary is None:
        about = f" for {ask.person}" if ask.person else scope
        summary = f"No {kind.lower()}{about} that I know of."
    return Answers(found=found, total=len(found), summary=summary)


def loops(
    session: Session,
    *,
    ask: LoopAsk,
    workspace_id: str,
    owner_id: int,
    now: datetime,
    tz: str,
) -> Answers | None:
    """The asker's open loops in that direction (with that person); None when the person
    named is unknown, so the question is searched as words instead."""
    contact_ids = None
    name = None
    if ask.person:
        try:
            contact = find_contact(session, workspace_id=workspace_id, name=ask.person)
        except NotFoundError:
            return None
        assert contact.id is not None
        contact_ids, name = [contact.id], contact.display_name
    rows = [
        lp
        for lp in repo.open_loops(session, owner_id=owner_id, contact_ids=contact_ids)
        if lp.direction == ask.direction.value
    ]
    contacts = repo.contacts_by_id(session, [lp.contact_id for lp in rows])
    views = sorted_loops([loop_view(lp, contacts, now) for lp in rows])
    you_owe = ask.direction == Direction.YOU_OWE
    zone = ZoneInfo(tz)
    found: list[Found] = []
    lines: list[str] = []
    for view in views:
        due = f" (due {view.due_at.astimezone(zone):%a %-d %b})" if view.due_at else ""
        late = " — overdue" if view.overdue else ""
        who = view.contact.display_name
        line = f"{'you owe' if you_owe else 'waiting on'} {who}: {view.what}{due}{late}"
        lines.append(line)
        found.append(Found(view.source_note_id, 1.0, line))
    if lines:
        things = f"{len(lines)} thing{'s' if len(lines) != 1 else ''}"
        if you_owe:
            summary = f"You owe {name} {things}" if name else f"You owe {things}"
        else:
            summary = (
                f"You're waiting on {name} for {things}"
                if name
                else (f"You're waiting on {things}")
            )
    elif name:
        summary = (
            f"Nothing open: you don't owe {name} anything."
            if you_owe
            else f"Nothing open: you're not waiting on {name} for anything."
        )
    else:
        summary = (
            "Nothing open: you don't owe anyone anything."
            if you_owe
            else ("Nothing open: you're not waiting on anyone.")
        )
    return Answers(found=found, total=len(found), summary=summary)
