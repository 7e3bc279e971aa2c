"""The working copy of a note that every extractor reads: cleaned text, word tokens, clause edges.

Slack markup is neutralised first so that a link, a channel or an escaped `&lt;@U1&gt;` can never
pass for a date, a name or a mention; real mentions become placeholder words that behave like names
and are mapped back when results are built.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.parsing.lexicon import TITLES

_MENTION_RE = re.compile(r"<@([UW][A-Z0-9]{1,30})(?:\|([^<>|]{0,80}))?>")
# Slack escapes a typed "<", so anything left in angle brackets is markup: links, channels, !here.
_OTHER_MARKUP_RE = re.compile(r"<[^<>]{0,500}>")
# Letters with inner apostrophes or hyphens: "O'Brien", "Jean-Luc", "intro'd", "Sam's". Runs that
# touch digits ("U123ABC", "3rd", "2pm") are ids and numbers, not words.
WORD_RE = re.compile(r"(?<!\w)[^\W\d_]+(?:['\-][^\W\d_]+)*(?!\w)")
# "<#C123|general>" is a channel, and "&#39;" an entity: neither may precede the "#".
TAG_RE = re.compile(r"(?<![<\w&#/])#(\w[\w-]{0,63})")
_SENTENCE_GAP_RE = re.compile(r"[.!?\n:;•]")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_EMOJI_RE = re.compile(r"(?<![\w:]):[a-z0-9_+\-]{1,40}:(?![\w:])")
_MRKDWN_RE = re.compile(r"(?<!\w)[*_~`]+|[*_~`]+(?!\w)|`")
# Where a clause ends, for "what is owed" phrases: punctuation (not inside numbers) and the
# conjunctions that start a new thought.
# The lookahead lets the engine skip most spaces without trying each conjunction.
CLAUSE_EDGE_RE = re.compile(
    r"[,.;:!?\n()\"•|\u2600-\u27bf\U0001f000-\U0001faff]|\s(?=[-–—abstwpABSTWP])(?:[-–—]+\s"
    r"|(?:and|but|so|because|then|while|although|though|since|whereas|plus)\b)",
    re.IGNORECASE,
)
CLAUSE_WINDOW = 240  # chars; bounds every scan so a 10,000-char note stays linear


def _placeholder(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return f"Zzq{letters}q"


@dataclass(slots=True)
class Token:
    text: str  # as written, without a possessive 's
    lower: str
    start: int
    end: int
    possessive: bool
    sentence_start: bool
    capitalised: bool  # "Jane", "Łukasz"; not "CEO", not "jane"
    caseless: bool  # scripts without case: "李雷"


@dataclass(slots=True)
class Mention:
    placeholder: str
    name: str  # the label when Slack gave one, else the raw mention
    slack_user_id: str


class SpanSet:
    """Character spans, merged, for O(log n) "is this position inside one?" checks."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                if e > merged[-1][1]:
                    merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def covers(self, pos: int) -> bool:
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]


@dataclass
class Doc:
    text: str
    tokens: list[Token]
    mentions: dict[str, Mention] = field(default_factory=dict)
    words: frozenset[str] = frozenset()  # every token in lower case, also split at ' and -
    _starts: list[int] = field(default_factory=list)
    _edge_starts: list[int] | None = None  # clause edges, found on first use
    _edge_ends: list[int] = field(default_factory=list)

    def _edges(self) -> list[int]:
        if self._edge_starts is None:
            text = self.text
            edges = [
                (m.start(), m.end())
                for m in CLAUSE_EDGE_RE.finditer(text)
                if not _inside_number(text, m.start())
            ]
            self._edge_starts = [s for s, _ in edges]
            self._edge_ends = [e for _, e in edges]
        return self._edge_starts

    def clause_end(self, pos: int) -> int:
        """Where the clause holding `pos` ends (at most CLAUSE_WINDOW ahead)."""
        starts = self._edges()
        i = bisect_left(starts, pos)
        end = starts[i] if i < len(starts) else len(self.text)
        return min(end, pos + CLAUSE_WINDOW, len(self.text))

    def clause_start(self, pos: int) -> int:
        """Where the clause holding `pos` starts (at most CLAUSE_WINDOW back)."""
        self._edges()
        i = bisect_right(self._edge_ends, pos) - 1
        start = self._edge_ends[i] if i >= 0 else 0
        return max(start, pos - CLAUSE_WINDOW, 0)

    def token_index_at(self, pos: int) -> int | None:
        """Index of the first token starting at or after `pos`."""
        i = bisect_left(self._starts, pos)
        return i if i < len(self.tokens) else None

    def restore(self, s: str) -> str:
        """Put mention names back where placeholders stand in `s`."""
        if self.mentions and "Zzq" in s:
            for m in self.mentions.values():
                s = s.replace(m.placeholder, m.name)
        return s


# "14.05." is a date; "at 1.52." a price ending its sentence
_DOTTED_DATE_END_RE = re.compile(r"(?<![\d.])(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])$")


def _inside_number(text: str, i: int) -> bool:
    """ "3.5", "10,000", "10:30": a point, comma or colon between digits ends no clause; nor
    does the last dot of a date written "14.05."."""
    if text[i] not in ",.:" or not 0 < i < len(text) - 1:
        return False
    if text[i - 1].isdigit() and text[i + 1].isdigit():
        return True
    return text[i] == "." and _DOTTED_DATE_END_RE.search(text, max(0, i - 5), i) is not None


def anchored(
    doc: Doc, pattern: re.Pattern[str], anchors: frozenset[str], *, contractions: bool = False
) -> Iterator[re.Match[str]]:
    """Matches of `pattern`, tried only where a token in `anchors` starts (and, with
    `contractions`, at the "'ll" of "she'll"), left to right and not overlapping.

    Much cheaper than `finditer` for patterns full of alternatives: a note has a handful of
    tokens, and a set lookup rules most of them out.
    """
    text = doc.text
    after = 0
    for t in doc.tokens:
        if t.start < after:
            continue
        if t.lower in anchors:
            m = pattern.match(text, t.start)
            if m is not None:
                after = m.end()
                yield m
                continue
        if contractions and "'" in t.lower:
            i = t.lower.find("'ll")
            if i > 0:
                m = pattern.match(text, t.start + i)
                if m is not None:
                    after = m.end()
                    yield m


def _clean(raw: str) -> tuple[str, dict[str, Mention]]:
    # Each step is skipped when it cannot apply: most notes are short plain ASCII.
    text = raw
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u2018", "'")
        # Zero-width characters (pasted from docs and chat apps) must never split a name.
        text = text.translate(_INVISIBLE)
    if "\x00" in text:
        text = text.replace("\x00", " ")
    if ":" in text:
        text = _EMOJI_RE.sub(" ", text)  # ":tada:", ":coffee:" are pictures, not words
    if "*" in text or "_" in text or "~" in text or "`" in text:
        # Slack mrkdwn: *bold*, _italic_, ~strike~, `code`. Only the markers go; "snake_case"
        # inside a word stays.
        text = _MRKDWN_RE.sub(" ", text)
    mentions: dict[str, Mention] = {}
    if "<" not in text and "#" not in text and "&" not in text:
        return text, mentions

    def mention(m: re.Match[str]) -> str:
        ph = _placeholder(len(mentions))
        label = (m.group(2) or "").strip()
        mentions[ph] = Mention(ph, label or m.group(0), m.group(1))
        return ph

    text = _MENTION_RE.sub(mention, text)
    text = _OTHER_MARKUP_RE.sub(" ", text)
    # Tags are read from the raw note; here they would only pass for words or names.
    text = TAG_RE.sub(lambda m: " " * len(m.group(0)), text)
    # Slack escapes only these three; an escaped "<" must never turn into markup.
    text = text.replace("&amp;", "&").replace("&lt;", " ").replace("&gt;", " ")
    return text, mentions


def _is_acronym(word: str) -> bool:
    """ "CEO", "SDRs", "KPIs": upper case, maybe with a plural s. Not "Jane", not "O'Brien"."""
    if word.isupper():
        return True
    return len(word) > 2 and word[-1] == "s" and word[:-1].isupper()


def make_doc(raw: str) -> Doc:
    text, mentions = _clean(raw)
    tokens: list[Token] = []
    prev_end = 0
    prev_lower = ""
    gap_re = _SENTENCE_GAP_RE
    append = tokens.append
    for m in WORD_RE.finditer(text):
        word = m.group(0)
        possessive = False
        if word.endswith("'s") and len(word) > 2:
            word = word[:-2]
            possessive = True
        elif word[-1] in "sz" and text.startswith("' ", m.end()) and word[0].isupper():
            possessive = True  # "Ines' father", "Léa Dubois' birthday"
        start = m.start()
        lower = word.lower()
        if not tokens:
            sentence_start = True
        elif start - prev_end == 1 and text[prev_end] == " ":
            sentence_start = False  # the usual case, without a regex
        else:
            gap = text[prev_end:start]
            sentence_start = gap_re.search(gap) is not None and not (
                prev_lower in TITLES and gap.startswith(".")
            )
        first = word[0]
        upper = first.isupper()
        append(
            Token(
                word,
                lower,
                start,
                start + len(word),
                possessive,
                sentence_start,
                upper and not (len(word) > 1 and word[1].isupper() and _is_acronym(word)),
                not upper and not first.islower(),
            )
        )
        prev_end = m.end()
        prev_lower = lower
    words = {t.lower for t in tokens}
    for w in [w for w in words if "'" in w or "-" in w]:
        words.update(w.replace("'", " ").replace("-", " ").split())
    return Doc(
        text=text,
        tokens=tokens,
        mentions=mentions,
        words=frozenset(words),
        _starts=[t.start for t in tokens],
    )
