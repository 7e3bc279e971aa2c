"""Through the service, every note of the own corpus that should ask "which one?" asks, and no
other does: the stories with `asks` labels (a first name two contacts share, a nickname two go by:
s39's "wanjiru" and "OA"), each logged on a fresh database as `bench understanding` does.

The parser's floor (tests/parsing/test_corpus_floor.py) can't see this: the parser was told
both Wanjirus go by "Wanjiru", while the store kept a nickname for one contact only, so the
service never asked (asks R 0.80 before migration 0021)."""

from __future__ import annotations

from bench.understanding import CORPUS, load_story, read_with_service, score

STORIES = [p for p in sorted(CORPUS.glob("*.toml")) if any(n.asks for n in load_story(p).notes)]


def test_the_service_asks_which_one_exactly_where_the_corpus_says() -> None:
    assert len(STORIES) >= 3
    scored = score([load_story(p) for p in STORIES], read_with_service)
    asks = scored.tallies["asks"]
    failures = [
        f"{f.note_id}: {f.expected} | {f.got}" for f in scored.failures if f.field == "asks"
    ]
    assert (round(asks.precision, 2), round(asks.recall, 2)) == (1.00, 1.00), failures
