"""Serendipity: a new note may answer what an older note needed, or need what an older note (or a
contact's role) offers. Rapport suggests at most one such connection, and stays quiet when unsure.

How "sure" is decided (pure, table-tested in tests/team/test_serendipity_rules.py):

- Both sides are reduced to *content stems*: words, lower-cased, plural folded ("dogs" → "dog"),
  without stop words and without words that say someone wants something rather than what
  ("wants", "looking", "hiring", "intro", "good", …). A few near-synonyms share one concept
  ("rescue" ↔ "shelter", "developer" ↔ "engineer"), because people describe the same thing
  from the two sides of a need.
- A need matches an offer when they share at least two stems ("shelter dog" ↔ "dog rescue"), or
  when every stem of a one-word need is in the offer ("an intro to a good accountant" ↔
  "accountant"). One shared word of a longer need ("dog" of "shelter dog" in "dog-walking
  app") is not enough: that is the quiet case.
- The best match wins by shared stems, then by the newer note; ties beyond that stay quiet only
  in the sense that one is shown, never several.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, func, or_
from sqlmodel import Session, col, select

from bot.domain import humanize
from bot.domain.notes import Serendipity
from bot.domain.refs import ContactRef
from bot.store import repo
from bot.store.models import Contact, Note
from bot.store.search import STOP_WORDS, search_notes

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CLAUSE = re.compile(r"[.;!?\n]+|,\s+|\s+-\s+|\s+—\s+")

# Words that carry the wanting, not the thing wanted; and vague words that match too much.
_GENERIC_TEXT = """
    want wants wanted wanting need needs needed needing look looks looking looked find finding
    search searching seek seeking hire hires hiring hired recruit recruiting someone somebody
    anyone anybody something thing things good great nice best new intro introduction introduce
    help helping get getting like likes would could maybe really also just one two friend
    friends know knows knew meet met talk talked said says told tell about love interested
    interest idea ideas time day week month year today tomorrow yesterday coffee lunch dinner
    drinks call called email emailed chat chatted pinged text texted run runs running ran work
    works working worked company team people person guy girl man woman bit lot kind sort
    job position role opportunity advice feedback chance place
"""
GENERIC = frozenset(_GENERIC_TEXT.split())

# Near-synonyms folded to one concept, so the two sides of a need can meet.
CONCEPTS: dict[str, str] = {
    "rescue": "shelter",
    "shelter": "shelter",
    "puppy": "dog",
    "doggy": "dog",
    "kitten": "cat",
    "developer": "engineer",
    "programmer": "engineer",
    "lawyer": "attorney",
    "accounting": "accountant",
    "bookkeeper": "accountant",
    "cpa": "accountant",
    "apartment": "flat",
    "realtor": "estate",
}


def stem(word: str) -> str:
    """Lower-case, plural folded, concept applied: "Rescues" → "shelter", "dogs" → "dog"."""
    w = word.casefold()
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return CONCEPTS.get(w, w)


def content_stems(text: str) -> frozenset[str]:
    out = set()
    for match in _WORD.finditer(text):
        word = match.group(0).casefold()
        if len(word) < 3 or word in STOP_WORDS or word in GENERIC:
            continue
        stemmed = stem(word)
        if stemmed in GENERIC:
            continue
        out.add(stemmed)
    return frozenset(out)


def shared_stems(need: str, offer: str) -> frozenset[str] | None:
    """The stems that make `offer` a plausible answer to `need`; None when unsure."""
    wanted = content_stems(need)
    if not wanted:
        return None
    shared = wanted & content_stems(offer)
    if len(shared) >= 2 or (shared and shared == wanted and len(wanted) == 1):
        return shared
    return None


def clauses(text: str, *, without: Iterable[str] = ()) -> list[str]:
    """The note's clauses, with its own need phrases taken out (a need is not an offer)."""
    rest = text
    for need in without:
        if need:
            rest = re.sub(re.escape(need), " ", rest, flags=re.IGNORECASE)
    return [c.strip() for c in _CLAUSE.split(rest) if c and c.strip() and _WORD.search(c)]


@dataclass(frozen=True)
class Need:
    text: str  # "wants a shelter dog"
    who: str | None  # the contact who has it
    who_id: int | None
    note_id: int | None
    at: datetime | None


@dataclass(frozen=True)
class Offer:
    text: str  # a clause ("his friend runs a dog rescue") or a role ("Data Engineer")
    who: str | None
    who_id: int | None
    note_id: int | None
    at: datetime | None
    is_role: bool = False


@dataclass(frozen=True)
class Match:
    need: Need
    offer: Offer
    shared: frozenset[str]


def best_match(pairs: Iterable[tuple[Need, Offer]]) -> Match | None:
    """The most convincing (need, offer) pair, or None when no pair is convincing."""
    best: Match | None = None
    best_key: tuple[int, float] | None = None
    for need, offer in pairs:
        if need.who_id is not None and need.who_id == offer.who_id:
            continue  # someone cannot be introduced to themselves
        shared = shared_stems(need.text, offer.text)
        if shared is None:
            continue
        older = [m for m in (need.at, offer.at) if m is not None]
        key = (len(shared), max((m.timestamp() for m in older), default=0.0))
        if best_key is None or key > best_key:
            best, best_key = Match(need=need, offer=offer, shared=shared), key
    return best


def sentence(match: Match, *, ago: str | None) -> str:
    """ "Ken Adams: his friend runs a dog rescue — Jane Doe wants a shelter dog (4 months ago)." """
    offer, need = match.offer, match.need
    if offer.is_role:
        left = f"{offer.who} is {_article(offer.text)}"
    elif offer.who:
        left = f"{offer.who}: “{offer.text}”"
    else:
        left = f"“{offer.text}”"
    right = f"{need.who} {need.text}" if need.who else f"someone {need.text}"
    when = f" ({ago})" if ago else ""
    return f"{left} — {right}{when}. Worth an intro?"


def _article(role: str) -> str:
    lowered = role.casefold()
    if lowered.startswith(("a ", "an ", "the ")):
        return role
    return ("an " if lowered[:1] in "aeiou" else "a ") + role


# --- finding candidates in the store --------------------------------------------------------------

OLDER_NEEDS_SCANNED = 300  # the most recent visible notes with a need
OFFERS_SEARCHED = 30  # notes found by full-text search for a new need
ROLES_SCANNED = 50


def find(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    note: Note,
    contacts: Sequence[Contact],
    now: datetime,
) -> Serendipity | None:
    """At most one connection for a note just filed, from what `viewer_id` may see."""
    assert note.id is not None
    main = contacts[0] if contacts else None
    who, who_id = (main.display_name, main.id) if main is not None else (None, None)
    new_needs = [
        Need(text=n, who=who, who_id=who_id, note_id=note.id, at=note.occurred_at)
        for n in note.needs
    ]
    new_offers = [
        Offer(text=c, who=who, who_id=who_id, note_id=note.id, at=note.occurred_at)
        for c in clauses(note.text, without=note.needs)
    ]
    pairs: list[tuple[Need, Offer]] = []
    if new_offers:
        older_needs = _older_needs(session, workspace_id, viewer_id, note)
        pairs += [(n, o) for n in older_needs for o in new_offers]
    if new_needs:
        offers = _older_offers(session, workspace_id, viewer_id, note, now)
        pairs += [(n, o) for n in new_needs for o in offers]
    match = best_match(pairs)
    if match is None:
        return None
    older = match.need if match.need.note_id != note.id else match.offer
    ago = humanize.ago(older.at, now) if older.at is not None and older.note_id else None
    return Serendipity(
        text=sentence(match, ago=ago),
        need=match.need.text,
        need_contact=_ref(match.need.who, match.need.who_id),
        offer=match.offer.text,
        offer_contact=_ref(match.offer.who, match.offer.who_id),
        note_id=older.note_id if older.note_id != note.id else None,
        noted_at=older.at if older.note_id != note.id else None,
        because=tuple(sorted(match.shared)),
    )


def _ref(name: str | None, contact_id: int | None) -> ContactRef | None:
    return ContactRef(id=contact_id, display_name=name or "") if contact_id is not None else None


def _first_contacts(session: Session, note_ids: Iterable[int]) -> dict[int, Contact]:
    return {
        note_id: found[0]
        for note_id, found in repo.contacts_of_notes(session, note_ids).items()
        if found
    }


def _older_needs(session: Session, workspace_id: str, viewer_id: int, note: Note) -> list[Need]:
    rows = session.exec(
        select(Note)
        .where(
            *repo.visible(workspace_id, viewer_id),
            col(Note.id) != note.id,
            # JSON columns compare as text on both databases; '[]' is "no needs".
            cast(col(Note.needs), String) != "[]",
        )
        .order_by(col(Note.occurred_at).desc(), col(Note.id).desc())
        .limit(OLDER_NEEDS_SCANNED)
    ).all()
    firsts = _first_contacts(session, [n.id for n in rows if n.id is not None])
    out = []
    for row in rows:
        assert row.id is not None
        contact = firsts.get(row.id)
        for need in row.needs:
            out.append(
                Need(
                    text=need,
                    who=contact.display_name if contact else None,
                    who_id=contact.id if contact else None,
                    note_id=row.id,
                    at=row.occurred_at,
                )
            )
    return out


def _older_offers(
    session: Session, workspace_id: str, viewer_id: int, note: Note, now: datetime
) -> list[Offer]:
    stems: set[str] = set()
    for need in note.needs:
        stems |= content_stems(need)
    words = sorted({w for need in note.needs for w in _WORD.findall(need)} - GENERIC)
    out: list[Offer] = []
    if words:
        ranked, _ = search_notes(
            session,
            workspace_id=workspace_id,
            viewer_id=viewer_id,
            terms=words,
            limit=OFFERS_SEARCHED,
            now=now,
        )
        ids = [note_id for note_id, _ in ranked if note_id != note.id]
        notes = repo.notes_by_id(session, ids)
        firsts = _first_contacts(session, ids)
        for note_id in ids:
            row = notes.get(note_id)
            if row is None:
                continue
            contact = firsts.get(note_id)
            for clause in clauses(row.text, without=row.needs):
                out.append(
                    Offer(
                        text=clause,
                        who=contact.display_name if contact else None,
                        who_id=contact.id if contact else None,
                        note_id=note_id,
                        at=row.occurred_at,
                    )
                )
    if stems:
        likes = [func.lower(col(Contact.role)).like(f"%{s}%") for s in sorted(stems) if s.isalpha()]
        if likes:
            for contact in session.exec(
                select(Contact)
                .where(Contact.workspace_id == workspace_id, col(Contact.role).is_not(None))
                .where(or_(*likes))
                .limit(ROLES_SCANNED)
            ).all():
                assert contact.role is not None
                out.append(
                    Offer(
                        text=contact.role,
                        who=contact.display_name,
                        who_id=contact.id,
                        note_id=None,
                        at=None,
                        is_role=True,
                    )
                )
    return out
