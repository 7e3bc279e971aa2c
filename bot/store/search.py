"""Full-text search over notes: SQLite FTS5 or PostgreSQL tsvector, behind one function.

What `search_notes` does, in order:

1. Query terms. The caller's terms are user text, so they are re-tokenized here: Unicode NFC,
   possessive 's dropped ("Raj's" → "Raj"), words are runs of letters and digits, English stop
   words and question words dropped (unless nothing else is left), duplicates dropped, words over
   MAX_TOKEN_CHARS ignored (no real word is that long; PostgreSQL would not index it anyway), at
   most MAX_TERMS kept. A `*` right after the last word makes it a prefix ("shel*").
   Each word is quoted for FTS5 ("tok", inner quotes doubled) or passed alone to `to_tsquery` as a
   bound parameter, so no input can be read as query syntax and nothing is interpolated into SQL.
   Stemming comes from the index: FTS5's porter tokenizer and PostgreSQL's 'english' config, so
   "dogs" finds "dog" and "rottweilers" finds "Rottweilers".
2. Matching. All words must match (AND). When that finds nothing and there were several words,
   any word may match (OR), so "who wanted a shelter dog" still finds "looking for a dog ...";
   relevance then favours notes that match more of the words.
3. Bounding. Ranking costs per matching row (~1 µs per row in FTS5, more in PostgreSQL where each
   tsvector is read back). Only the MATCH_LIMIT most recently logged visible matches (highest note
   id) are ranked: FTS5 walks its index in rowid order and stops there, and for common words the
   newest notes are the ones worth showing. The total returned is exact up to MATCH_LIMIT; a total
   of MATCH_LIMIT means "at least that many".
4. Ranking. score = relevance / (1 + age_days / 365), where relevance is -bm25() in SQLite (bm25
   is negative, lower is better) and ts_rank_cd() in PostgreSQL, and age_days is the age of the
   note's occurred_at at `now` (0 for future dates). A year-old note needs twice the relevance of
   today's to rank level with it. Ties go to the newer note, then the higher id. Scores compare
   within one result list only, not across databases.

Visibility is enforced in SQL: the note's workspace, and team notes or the viewer's own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Float, Integer, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TextualSelect

MATCH_LIMIT = 5_000  # most matches ranked per search, and the cap on the total returned
MAX_TERMS = 16  # words beyond this add cost, not precision
MAX_TOKEN_CHARS = 64
MAX_ALTERNATIVES = 16  # a word and its spelling fixes and related words, in one OR group

_DAYS_PER_YEAR = 365.0

_POSSESSIVE = re.compile(r"(?<=[^\W_])['’]s(?![^\W_])", re.IGNORECASE)
# Letters and digits, as FTS5's unicode61 tokenizer sees words; "_" and punctuation separate.
_WORD = re.compile(r"([^\W_]+)(\*)?")

# PostgreSQL's english stop list (its index ignores these words anyway; it already holds the
# question words) plus "whose", so that both databases ignore the same words and common words
# do not flood the ranking.
_STOP_WORDS_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now whose
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class QueryWords:
    words: tuple[str, ...]
    prefix_last: bool


def query_words(terms: Sequence[str]) -> QueryWords:
    """The words a search will look for, from arbitrary user terms (see the module docstring)."""
    raw = unicodedata.normalize("NFC", " ".join(terms))
    raw = _POSSESSIVE.sub("", raw)
    found: list[tuple[str, bool]] = []
    seen: set[str] = set()
    for match in _WORD.finditer(raw):
        word, star = match.group(1), match.group(2) is not None
        key = word.casefold()
        if len(word) > MAX_TOKEN_CHARS or key in seen:
            continue
        seen.add(key)
        found.append((word, star))
    kept = [(w, s) for w, s in found if w.casefold() not in STOP_WORDS] or found
    kept = kept[:MAX_TERMS]
    if not kept:
        return QueryWords(words=(), prefix_last=False)
    return QueryWords(words=tuple(w for w, _ in kept), prefix_last=kept[-1][1])


def fts5_match(words: QueryWords, *, any_word: bool = False) -> str:
    """An FTS5 MATCH expression in which every word is a quoted string, never syntax."""
    return _fts5_groups(_single(words), any_group=any_word)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _single(words: QueryWords) -> list[list[str]]:
    groups = [[_quoted(word)] for word in words.words]
    if words.prefix_last and groups:
        groups[-1][0] += "*"
    return groups


def _fts5_groups(groups: Sequence[Sequence[str]], *, any_group: bool) -> str:
    """Quoted words: OR within a group (a word and its alternatives), AND (or OR) across."""
    parts = [g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups]
    return (" OR " if any_group else " AND ").join(parts)


def alternative_words(groups: Sequence[Sequence[str]]) -> list[list[str]]:
    """Each group's words as the search will look for them: every word re-tokenized like a
    query word (letters and digits only, at most MAX_TOKEN_CHARS), one-token words only,
    duplicates dropped, at most MAX_ALTERNATIVES a group and MAX_TERMS groups. A group whose
    first word is a stop word or empty is dropped."""
    out: list[list[str]] = []
    for group in groups:
        kept: list[str] = []
        for raw in group:
            word = unicodedata.normalize("NFC", raw)
            tokens = _WORD.findall(word)
            if len(tokens) != 1 or tokens[0][1]:
                continue
            token = tokens[0][0]
            if len(token) > MAX_TOKEN_CHARS or token.casefold() in STOP_WORDS:
                continue
            if token.casefold() not in {k.casefold() for k in kept}:
                kept.append(token)
        if kept:
            out.append(kept[:MAX_ALTERNATIVES])
    return out[:MAX_TERMS]


def search_alternatives(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    groups: Sequence[Sequence[str]],
    any_group: bool,
    limit: int,
    offset: int = 0,
    now: datetime,
) -> tuple[list[tuple[int, float]], int]:
    """Like `search_notes`, for words with alternatives: [["dog", "puppy", "rottweiler"],
    ["shelter"]] matches notes with (dog OR puppy OR rottweiler) AND shelter — or, with
    `any_group`, any of them. No fallback: the caller decides what to try next."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset must not be negative")
    cleaned = alternative_words(groups)
    if not cleaned:
        return [], 0
    where = (workspace_id, viewer_id, None)
    found = _ranked(session, cleaned, False, any_group, where, now, limit, offset)
    return found or ([], 0)


def search_notes(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    terms: Sequence[str],
    limit: int,
    offset: int = 0,
    now: datetime,
    contact_id: int | None = None,
) -> tuple[list[tuple[int, float]], int]:
    """Notes the viewer may see that match `terms`: ([(note_id, score)] best first, total).

    `total` counts matches up to MATCH_LIMIT. Empty or stop-word-free-of-meaning input gives
    ([], 0). With `contact_id`, only notes filed under that contact.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset must not be negative")
    words = query_words(terms)
    if not words.words:
        return [], 0
    where = (workspace_id, viewer_id, contact_id)
    groups = [[w] for w in words.words]
    found = _ranked(session, groups, words.prefix_last, False, where, now, limit, offset)
    if found is None and len(words.words) > 1:
        found = _ranked(session, groups, words.prefix_last, True, where, now, limit, offset)
    return found or ([], 0)


def _ranked(
    session: Session,
    groups: Sequence[Sequence[str]],
    prefix_last: bool,
    any_word: bool,
    where: tuple[str, int, int | None],
    now: datetime,
    limit: int,
    offset: int,
) -> tuple[list[tuple[int, float]], int] | None:
    """One page of (note_id, score) and the total, ranked in the database; None if no match.

    The score and the order are computed in SQL over the bounded match set, so only the page
    travels back to Python (turning 5,000 rows into objects cost more than the search itself).
    A page past the end comes back empty but not None.
    """
    workspace_id, viewer_id, contact_id = where
    params: dict[str, object] = {
        "workspace_id": workspace_id,
        "viewer_id": viewer_id,
        "match_limit": MATCH_LIMIT,
        "page_limit": limit,
        "page_offset": offset,
    }
    if contact_id is not None:
        params["contact_id"] = contact_id
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        quoted = [[_quoted(w) for w in group] for group in groups]
        if prefix_last:
            quoted[-1][0] += "*"
        params["query"] = _fts5_groups(quoted, any_group=any_word)
        # Stored the way UTCDateTime stores datetimes on SQLite: naive UTC text.
        params["now"] = now.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        statement = _sqlite_statement(with_contact=contact_id is not None)
    elif dialect == "postgresql":
        sizes = []
        n = 0
        for g, group in enumerate(groups):
            for k, word in enumerate(group):
                star = prefix_last and g == len(groups) - 1 and k == 0
                # The word holds letters and digits only, so ':*' is the sole operator it carries.
                params[f"w{n}"] = word + (":*" if star else "")
                n += 1
            sizes.append(len(group))
        params["now"] = now
        statement = _postgres_statement(
            tuple(sizes), any_word=any_word, with_contact=contact_id is not None
        )
    else:
        raise NotImplementedError(f"full-text search is not available on {dialect}")
    rows = session.execute(statement, params).all()
    if not rows and offset > 0:
        # Past the last page: the first row still carries the total, so the caller can page back.
        rows = session.execute(statement, {**params, "page_limit": 1, "page_offset": 0}).all()
        return ([], int(rows[0][2])) if rows else None
    if not rows:
        return None
    return [(int(r[0]), float(r[1])) for r in rows], int(rows[0][2])


_VISIBLE = "n.workspace_id = :workspace_id AND (n.visibility = 'team' OR n.author_id = :viewer_id)"
_OF_CONTACT = (
    " AND EXISTS (SELECT 1 FROM notecontact AS nc"
    " WHERE nc.note_id = n.id AND nc.contact_id = :contact_id)"
)

# The bounded match set is ranked by relevance / (1 + age in years); the window count gives
# the total in the same pass. Ties: newer first, then the higher id.
_PAGE = """
    ORDER BY score DESC, occurred_at DESC, id DESC
    LIMIT :page_limit OFFSET :page_offset
"""


def _sqlite_statement(*, with_contact: bool) -> TextualSelect:
    # CROSS JOIN keeps note_fts as the outer loop: FTS5 hands out matches newest id first
    # (it consumes the ORDER BY, no sort), visibility is checked per row through the primary
    # key, bm25() is evaluated only for rows that pass, and the LIMIT ends the walk.
    # (Ranking kept candidates in a second pass, rowid by rowid, re-runs the MATCH for each:
    # ~20 s for 5,000 candidates over 300k notes, against ~20 ms this way.)
    # Only constant SQL fragments are formatted in; user input travels as bound parameters.
    sql = f"""
        SELECT id, relevance / (1.0 + max(0.0, julianday(:now) - julianday(occurred_at))
                                / {_DAYS_PER_YEAR}) AS score,
               count(*) OVER () AS total, occurred_at
        FROM (
            SELECT n.id AS id, -bm25(note_fts) AS relevance, n.occurred_at AS occurred_at
            FROM note_fts CROSS JOIN note AS n ON n.id = note_fts.rowid
            WHERE note_fts MATCH :query AND {_VISIBLE}{_OF_CONTACT if with_contact else ""}
            ORDER BY note_fts.rowid DESC
            LIMIT :match_limit
        ) AS matched
        {_PAGE}
    """  # noqa: S608
    return _typed(sql)


def _postgres_statement(
    sizes: tuple[int, ...], *, any_word: bool, with_contact: bool
) -> TextualSelect:
    # Only placeholders are generated here (w0, w1, ...); the words travel as parameters.
    # `sizes` are the groups' lengths: OR within a group, AND (or OR) across groups.
    # The tsquery is written inline rather than in a CTE: to_tsquery(regconfig, text) is
    # immutable, so the planner folds it to a constant and can use the column's statistics to
    # choose between the GIN index (rare words) and walking the primary key backwards (common
    # words, where the LIMIT stops early).
    joiner = " || " if any_word else " && "
    parts, n = [], 0
    for size in sizes:
        words = [f"to_tsquery('english', :w{n + k})" for k in range(size)]
        parts.append(words[0] if size == 1 else "(" + " || ".join(words) + ")")
        n += size
    tsquery = "(" + joiner.join(parts) + ")"
    sql = f"""
        SELECT id, relevance / (1.0 + GREATEST(0.0,
                   EXTRACT(EPOCH FROM (CAST(:now AS timestamptz) - occurred_at)) / 86400.0)
                   / {_DAYS_PER_YEAR}) AS score,
               count(*) OVER () AS total, occurred_at
        FROM (
            SELECT n.id AS id, ts_rank_cd(n.search, {tsquery}) AS relevance,
                   n.occurred_at AS occurred_at
            FROM note AS n
            WHERE n.search @@ {tsquery} AND {_VISIBLE}{_OF_CONTACT if with_contact else ""}
            ORDER BY n.id DESC
            LIMIT :match_limit
        ) AS matched
        {_PAGE}
    """  # noqa: S608
    return _typed(sql)


def _typed(sql: str) -> TextualSelect:
    return text(sql).columns(id=Integer(), score=Float(), total=Integer())
