"""Recall questions: is a line a question, and what should the search look for."""

from __future__ import annotations

import re

from bot.parsing.lexicon import (
    CALENDAR_WORDS,
    NOT_NAMES,
    QUESTION_STARTS,
    QUESTION_VERBS,
    STOP_WORDS,
)
from bot.parsing.model import Query

_TERM_RE = re.compile(r"\w+")
_POSSESSIVE_RE = re.compile(r"(?<=\w)['’]s\b")
_MARKUP_RE = re.compile(r"<[^<>]{0,500}>")
_FIRST_WORD_RE = re.compile(r"[^\W\d_]+")
MAX_TERMS = 24
MAX_QUERY_CHARS = 2000


def is_question(text: str) -> bool:
    """A recall question: ends with "?" or opens with a question word ("who", "did", "find")."""
    if not isinstance(text, str):
        return False
    stripped = text.strip()
    if stripped.endswith(("?", "？")):
        return True
    m = _FIRST_WORD_RE.search(stripped[:64])
    return m is not None and m.start() <= 3 and m.group(0).lower() in QUESTION_STARTS


def parse_query(text: str) -> Query:
    """Lower-case content words to search for, and the person a question names.

    "who wanted a shelter dog?" -> terms ("shelter", "dog"): question words, stop words and, in a
    question, the verbs that carry it ("wanted", "looking", "need") are dropped. "Raj's deck" ->
    ("raj", "deck"). When dropping leaves nothing, the question verbs are kept after all.
    """
    if not isinstance(text, str):
        return Query(text="", terms=())
    body = _MARKUP_RE.sub(" ", text[:MAX_QUERY_CHARS])
    body = _POSSESSIVE_RE.sub("", body)
    question = is_question(text)
    words = [m.group(0) for m in _TERM_RE.finditer(body)]
    terms: list[str] = []
    held: list[str] = []
    for w in words:
        low = w.lower()
        if low in STOP_WORDS or (low.isdigit() and len(low) < 2) or low == "_" * len(low):
            continue
        if question and low in QUESTION_VERBS:
            held.append(low)
            continue
        if low not in terms:
            terms.append(low)
    if not terms:
        terms = list(dict.fromkeys(held))
    return Query(text=text, terms=tuple(terms[:MAX_TERMS]), person=_person(words))


def _person(words: list[str]) -> str | None:
    """The first capitalised word that isn't a question word, calendar word or common word."""
    run: list[str] = []
    for i, w in enumerate(words):
        low = w.lower()
        good = (
            w[0].isupper()
            and not (len(w) > 1 and w.isupper())
            and low not in STOP_WORDS
            and low not in NOT_NAMES
            and low not in CALENDAR_WORDS
            and not (i == 0 and low in QUESTION_STARTS)
        )
        if good:
            run.append(w)
            if len(run) == 3:
                break
        elif run:
            break
    return " ".join(run) if run else None
