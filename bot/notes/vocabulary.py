"""The words a workspace's notes use, so recall can forgive: "acountant" → "accountant",
"zoe" → "zoë", and "animal" → the "cat" and "parrot" that notes actually mention.

One `Vocabulary` per workspace, kept in memory by the recall use case and brought up to date
before each search by reading only the notes logged since (`Note.id` above the last one read),
so it works the same on SQLite and PostgreSQL and needs no table of its own. Words of team notes
count for everyone; words of a private note only for its author — a spelling fix or a related
word never comes from a note the viewer may not read.

A note edited after it was read keeps its old words here until the process restarts: expansion
may then miss a new word (the plain search still finds it) or try a dropped one (which matches
nothing).

Spelling: a query word that no visible note uses and that is not an English noun is matched to
the workspace's words within an optimal-string-alignment distance (a transposition is one edit)
by rapidfuzz: 1 for words of 4–7 letters, 2 from 8. Related words: WordNet's synonyms and
narrower words (bot.notes.wordnet), kept only when some visible note uses them, nearest first.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy import literal, select
from sqlmodel import Session, col

from bot.notes import business_words, wordnet
from bot.parsing.gazetteer import gazetteer
from bot.store.db import SessionFactory
from bot.store.models import Note

log = logging.getLogger("rapport")

_WORD = re.compile(r"[^\W_]+")
MAX_FIXES = 2  # spelling fixes kept for one word
MAX_RELATED = 12  # related words kept for one word
NEAR = 2  # steps in WordNet within which a related word ranks with the spelling fixes
PROPER_DEPTH = 3  # steps within which a capitalised word ("Rottweiler") may be a related word
# A related word in more than this share of the notes tells nothing ("event" → "meeting").
COMMON_SHARE = 0.05
MIN_LETTERS_TO_FIX = 4
MIN_LETTERS_TO_VARY = 7  # an English word this long may be a variant of a word notes use
BATCH = 5_000  # notes read in one statement
SYNC_BATCHES = 2  # batches a question reads itself (~1 s at most); the rest in the background


@functools.lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """Lower case without accents: "Zoë" and "zoe" are one word, as FTS5 reads them."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _sentence_start(text: str, at: int) -> bool:
    before = text[max(0, at - 8) : at].rstrip(" \t*_~>\"'(")
    return not before or before[-1] in ".!?:;\n•-–—"


def words(text: str) -> set[str]:
    return {m.group(0) for m in _WORD.finditer(text.casefold()) if not m.group(0).isdigit()}


@dataclass(frozen=True)
class Expansion:
    """What a query word may also be: its spellings in notes, fixes and related words."""

    word: str
    forms: tuple[str, ...] = ()  # "zoë" for "zoe": the same word as notes write it
    fixes: tuple[str, ...] = ()  # "accountant" for "acountant"
    near: tuple[str, ...] = ()  # related within NEAR steps: "parrot" for "bird"
    far: tuple[str, ...] = ()  # related further away: "cat" for "animal"

    @property
    def close(self) -> tuple[str, ...]:
        return (*self.forms, *self.fixes, *self.near)

    @property
    def alternatives(self) -> tuple[str, ...]:
        return (*self.close, *self.far)

    @property
    def related(self) -> tuple[str, ...]:
        return (*self.near, *self.far)


@dataclass
class Vocabulary:
    """Words of one workspace's notes: how many notes use each, by who may see them."""

    high_water: int = 0  # the last Note.id read
    batch: int = BATCH
    team_notes: int = 0
    team: Counter[str] = field(default_factory=Counter)  # folded word → team notes using it
    private: dict[int, Counter[str]] = field(default_factory=dict)  # author → folded → notes
    forms: dict[str, set[str]] = field(default_factory=dict)  # folded → lower-case spellings
    by_length: dict[int, list[str]] = field(default_factory=dict)  # folded words by length
    lemmas: dict[str, set[str]] = field(default_factory=dict)  # WordNet noun → folded words
    # Seen in lower case / capitalised inside a sentence: a given name or surname only ever
    # capitalised there is a name ("Mina", "Tom"), never a related word for "bird".
    lowered: set[str] = field(default_factory=set)
    capitalised: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, text: str, *, author_id: int, private: bool) -> None:
        counts = self.private.setdefault(author_id, Counter()) if private else self.team
        if not private:
            self.team_notes += 1
        seen: set[str] = set()
        for m in _WORD.finditer(text):
            raw = m.group(0)
            if raw.isdigit():
                continue
            word = raw.casefold()
            key = fold(word)
            if raw == word:
                self.lowered.add(key)
            elif not _sentence_start(text, m.start()):
                self.capitalised.add(key)
            forms = self.forms.get(key)
            if forms is None:
                forms = self.forms[key] = set()
                self.by_length.setdefault(len(key), []).append(key)
                base = wordnet.lemma(key)
                if base is not None:
                    self.lemmas.setdefault(base, set()).add(key)
            forms.add(word)
            seen.add(key)
        counts.update(seen)

    def uses(self, key: str, viewer_id: int) -> int:
        """How many notes the viewer may see use the folded word (team + own private)."""
        own = self.private.get(viewer_id)
        return self.team.get(key, 0) + (own.get(key, 0) if own else 0)

    def refresh(self, session: Session, *, workspace_id: str, batches: int | None = None) -> bool:
        """Read the notes logged since the last call, oldest first, in batches (at most
        `batches` of them); True when nothing is left to read."""
        done = 0
        with self.lock:
            while batches is None or done < batches:
                done += 1
                rows = session.execute(
                    select(col(Note.id), col(Note.author_id), col(Note.visibility), col(Note.text))
                    .where(
                        col(Note.id) > self.high_water,
                        # `|| ''` keeps both planners on the primary key (the few notes since
                        # the last read) instead of the workspace index (all of its notes).
                        (col(Note.workspace_id) + literal("")) == workspace_id,
                    )
                    .order_by(col(Note.id))
                    .limit(self.batch)
                ).all()
                for note_id, author_id, visibility, text in rows:
                    self.add(text, author_id=author_id, private=visibility == "private")
                    self.high_water = max(self.high_water, note_id)
                if len(rows) < self.batch:
                    return True
        return False

    def expand(self, word: str, *, viewer_id: int) -> Expansion:
        with self.lock:  # a background read may be adding words
            return self._expand(word, viewer_id=viewer_id)

    def _expand(self, word: str, *, viewer_id: int) -> Expansion:
        if not self.forms:
            return Expansion(word=word)  # no notes: nothing to fix towards or relate to
        key = fold(word)
        low = word.casefold()
        forms = tuple(sorted(f for f in self.forms.get(key, ()) if f != low))
        fixes: tuple[str, ...] = ()
        if not self.uses(key, viewer_id):
            # An English word is a misspelling only of a long word's variant, one edit away
            # ("chocolate" for "Chocolat"); "cat" is never "car".
            english = wordnet.is_word(key)
            if not english or len(key) >= MIN_LETTERS_TO_VARY:
                fixes = self._fixes(key, viewer_id, limit=1 if english else None)
        near, far = self.related((key, *fixes), viewer_id=viewer_id, gerund=key.endswith("ing"))
        return Expansion(word=word, forms=forms, fixes=fixes, near=near, far=far)

    def _fixes(self, key: str, viewer_id: int, *, limit: int | None = None) -> tuple[str, ...]:
        if len(key) < MIN_LETTERS_TO_FIX:
            return ()
        if limit is None:
            limit = 1 if len(key) < 8 else 2
        choices: list[str] = []
        for length in range(len(key) - limit, len(key) + limit + 1):
            choices.extend(self.by_length.get(length, ()))
        found = process.extract(key, choices, scorer=OSA.distance, score_cutoff=limit, limit=None)
        # Not the word itself in another number ("rottweilers"): the search's stemming has it.
        same = wordnet.lemma(key) or key
        visible = [
            (c, d)
            for c, d, _ in found
            if self.uses(c, viewer_id) and (wordnet.lemma(c) or c) != same
        ]
        if not visible:
            return ()
        best = min(d for _, d in visible)
        closest = [c for c, d in visible if d == best]
        closest.sort(key=lambda c: (-self.uses(c, viewer_id), c))
        return tuple(self._spelling(c) for c in closest[:MAX_FIXES])

    def related(
        self, keys: Iterable[str], *, viewer_id: int, gerund: bool = False
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Words the viewer's notes use that WordNet relates to any of `keys`: (near, far),
        nearest first. Not names, not words most notes use, and not "-ing" words (in notes
        they are mostly verbs: "giving", "waiting") unless the question's word is one."""
        keys = tuple(keys)
        common = max(2.0, COMMON_SHARE * self.team_notes)
        ranked: dict[str, tuple[int, int]] = {}
        for key in keys:
            for lemma, depth in wordnet.related(key).items():
                for found in self.lemmas.get(lemma, ()):
                    uses = self.uses(found, viewer_id)
                    if (
                        found in keys
                        or not uses
                        or uses > common
                        or (found.endswith("ing") and not gerund)
                        or self._is_name(found, depth)
                    ):
                        continue
                    best = ranked.get(found)
                    if best is None or (depth, -uses) < best:
                        ranked[found] = (depth, -uses)
            for word in business_words.related(key):
                for found in (word, word + "s"):
                    uses = self.uses(found, viewer_id)
                    if found in keys or not uses or uses > common:
                        continue
                    best = ranked.get(found)
                    if best is None or (0, -uses) < best:
                        ranked[found] = (0, -uses)  # a synonym, as WordNet's are
        nearest = sorted(ranked, key=lambda w: (*ranked[w], w))[:MAX_RELATED]
        near = tuple(self._spelling(w) for w in nearest if ranked[w][0] <= NEAR)
        far = tuple(self._spelling(w) for w in nearest if ranked[w][0] > NEAR)
        return near, far

    def _is_name(self, key: str, depth: int) -> bool:
        """A word written capitalised inside sentences and never in lower case names something
        ("Mina", "Tom", "Snowflake"): it is a related word only when it is nobody's name and
        near ("dog" → "Rottweiler"), not a far homonym ("bird" → a snowflake, a snow bunting)."""
        if key not in self.capitalised or key in self.lowered:
            return False
        return depth > PROPER_DEPTH or gazetteer().is_name_part(key)

    def _spelling(self, key: str) -> str:
        spellings = self.forms.get(key)
        return min(spellings) if spellings else key


class Vocabularies:
    """One vocabulary per workspace, for one database (the use case that owns it).

    A question reads up to SYNC_BATCHES batches of new notes itself (a small workspace, or the
    notes since the last question); a large workspace's first read goes on in a background
    thread, and questions meanwhile use the words read so far."""

    def __init__(
        self, sessions: SessionFactory, *, batch: int = BATCH, sync_batches: int = SYNC_BATCHES
    ) -> None:
        self._sessions = sessions
        self._batch = batch
        self._sync_batches = sync_batches
        self._by_workspace: dict[str, Vocabulary] = {}
        self._reading: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def of(self, session: Session, *, workspace_id: str) -> Vocabulary:
        with self._lock:
            vocabulary = self._by_workspace.setdefault(workspace_id, Vocabulary(batch=self._batch))
            reading = workspace_id in self._reading
        if not reading and not vocabulary.refresh(
            session, workspace_id=workspace_id, batches=self._sync_batches
        ):
            with self._lock:
                if workspace_id in self._reading:
                    return vocabulary
                thread = threading.Thread(
                    target=self._finish,
                    args=(vocabulary, workspace_id),
                    name=f"vocabulary-{workspace_id}",
                    daemon=True,
                )
                self._reading[workspace_id] = thread
            thread.start()
        return vocabulary

    def wait(self, timeout: float | None = None) -> None:
        """Until every background read has finished (tests, and a clean shutdown)."""
        with self._lock:
            threads = list(self._reading.values())
        for thread in threads:
            thread.join(timeout)

    def _finish(self, vocabulary: Vocabulary, workspace_id: str) -> None:
        try:
            with self._sessions() as session:
                # One batch a transaction: on SQLite every transaction holds the write lock
                # (BEGIN IMMEDIATE), and notes being logged must not wait for the whole read.
                while not vocabulary.refresh(session, workspace_id=workspace_id, batches=1):
                    session.rollback()
        except Exception:  # a database gone away: the next question starts a new read
            log.exception("reading the vocabulary of %s", workspace_id)
        finally:
            with self._lock:
                self._reading.pop(workspace_id, None)
