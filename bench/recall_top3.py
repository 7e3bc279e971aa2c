"""Recall top-3 on the query corpus: tests/corpus/queries/*.toml, answered by the real service.

    python -m bench understanding --recall            # the row, by class, and the misses
    python -m bench understanding --recall --db URL   # the same on PostgreSQL

Each query file either names a story of tests/corpus (`story = "s01-founder-nyc"`) or is a story
of its own (`id`, `tz` and `[[note]]`s, unlabelled: they exist for recall). Every story is a
workspace on one scratch database: its known people become contacts (with aliases), then each
note is logged through `Rapport.notes.log` by one author at the note's time. A day after the last
note, each `[[query]]` is asked through `Rapport.recall.recall` as that author, and the first
three hits are compared with `expect` (note ids; order does not matter).

- **recall@3**: of the expected notes (at most 3 a query), the share found in the top 3.
- **precision@3**: of the hits in the slots the expected notes could fill (the top
  max(1, min(3, expected)) positions), the share that are expected. A query expecting nothing
  (a person with no open loop, a pet nobody has) scores a false positive for any first hit.
- **exact**: queries whose top 3 holds every expected note and nothing else in those slots.
"""

from __future__ import annotations

import secrets
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.understanding import CORPUS, Story, load_corpus, load_story  # noqa: E402

QUERIES = CORPUS / "queries"
TOP = 3
TARGET = 0.90
CLASSES = ("word", "inflection", "misspelling", "related", "need", "occasion", "loop")
QUERY_KEYS = {"q", "class", "expect", "why"}


@dataclass(frozen=True)
class QueryLabel:
    story: str
    q: str
    cls: str
    expect: tuple[str, ...]
    why: str = ""


@dataclass
class Outcome:
    label: QueryLabel
    top: list[str]  # note ids of the first TOP hits ("?" for a hit the corpus doesn't know)
    seconds: float

    @property
    def slots(self) -> int:
        return max(1, min(TOP, len(self.label.expect)))

    @property
    def found(self) -> int:
        return len(set(self.top) & set(self.label.expect))

    @property
    def true_positives(self) -> int:
        return sum(1 for note in self.top[: self.slots] if note in self.label.expect)

    @property
    def shown(self) -> int:
        return len(self.top[: self.slots])

    @property
    def exact(self) -> bool:
        wanted = min(TOP, len(self.label.expect))
        return self.found == wanted and self.true_positives == self.shown


@dataclass
class RecallScore:
    outcomes: list[Outcome] = field(default_factory=list)

    def _tally(self, outcomes: Sequence[Outcome]) -> tuple[float, float, int]:
        expected = sum(min(TOP, len(o.label.expect)) for o in outcomes)
        found = sum(o.found for o in outcomes)
        shown = sum(o.shown for o in outcomes)
        tp = sum(o.true_positives for o in outcomes)
        precision = tp / shown if shown else 1.0
        recall = found / expected if expected else 1.0
        return precision, recall, sum(o.exact for o in outcomes)

    def row(self, cls: str | None = None) -> tuple[float, float, int, int]:
        chosen = [o for o in self.outcomes if cls is None or o.label.cls == cls]
        p, r, exact = self._tally(chosen)
        return p, r, exact, len(chosen)

    def latency_ms(self) -> tuple[float, float]:
        secs = sorted(o.seconds for o in self.outcomes)
        if not secs:
            return 0.0, 0.0
        p95 = secs[min(len(secs) - 1, int(0.95 * len(secs)))]
        return statistics.median(secs) * 1000, p95 * 1000


def load_queries(directory: Path = QUERIES) -> tuple[list[Story], list[QueryLabel]]:
    """The stories the queries ask about (corpus stories and the query files' own) and the
    queries, in file order."""
    corpus = {s.id: s for s in load_corpus()}
    stories: dict[str, Story] = {}
    labels: list[QueryLabel] = []
    for path in sorted(directory.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if "story" in data:
            story = corpus.get(data["story"])
            if story is None:
                raise ValueError(f"{path.name}: no story {data['story']!r} in {CORPUS}")
        else:
            story = load_story(path)
        stories.setdefault(story.id, story)
        ids = {n.id for n in story.notes}
        for raw in data.get("query", []):
            unknown = set(raw) - QUERY_KEYS
            if unknown:
                raise ValueError(f"{path.name}: unknown query keys {sorted(unknown)}")
            if raw["class"] not in CLASSES:
                raise ValueError(f"{path.name}: {raw['q']!r}: class must be one of {CLASSES}")
            missing = set(raw["expect"]) - ids
            if missing:
                raise ValueError(f"{path.name}: {raw['q']!r} expects unknown notes {missing}")
            labels.append(
                QueryLabel(
                    story=story.id,
                    q=raw["q"],
                    cls=raw["class"],
                    expect=tuple(raw["expect"]),
                    why=raw.get("why", ""),
                )
            )
    return list(stories.values()), labels


def run(
    db_url: str | None = None, directory: Path = QUERIES, *, trace: str | None = None
) -> RecallScore:
    """Log every story through the service on a scratch database, then ask every query.
    With `trace`, what the service filed for each note of stories starting so (stderr)."""
    from bot.app import Rapport
    from bot.domain.names import name_key
    from bot.domain.refs import Actor
    from bot.parsing import warm_up
    from bot.store.db import make_engine, session_factory
    from bot.store.migrate import upgrade
    from bot.store.models import Contact
    from bot.store.repo import get_or_create_workspace

    stories, labels = load_queries(directory)
    warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(db_url or f"sqlite:///{Path(tmp) / 'recall.db'}")
        upgrade(engine)
        sessions = session_factory(engine)
        clock: dict[str, Any] = {}
        app = Rapport(sessions=sessions, clock=lambda: clock["now"])
        suffix = secrets.token_hex(3)  # a shared PostgreSQL database may hold earlier runs
        by_story: dict[str, tuple[Actor, dict[int, str]]] = {}
        for story in stories:
            actor = Actor(
                workspace_id=f"{story.id}-{suffix}"[:64],
                user_id="U_AUTHOR",
                display_name="Author",
                tz=story.tz,
            )
            first = story.notes[0].at - timedelta(days=1)
            clock["now"] = first
            with sessions() as session:
                get_or_create_workspace(session, workspace_id=actor.workspace_id, now=first)
                for person in story.people:
                    session.add(
                        Contact(
                            workspace_id=actor.workspace_id,
                            display_name=person.name,
                            name_key=name_key(person.name),
                            company=person.company,
                            created_at=first,
                        )
                    )
                session.commit()
            for person in story.people:
                for alias in person.aliases:
                    app.contacts.add_alias(actor=actor, name=person.name, alias=alias)
            stored: dict[int, str] = {}
            for note in story.notes:
                clock["now"] = note.at
                result = app.notes.log(actor=actor, text=note.text, at=note.at)
                while result.note_id is None and result.pending_id is not None:
                    # "which Kai?": the first candidate, as a hurried author would click
                    ask = result.ambiguities[0]
                    result = app.notes.choose(
                        actor=actor,
                        pending_id=result.pending_id,
                        name=ask.name,
                        contact_id=ask.candidates[0].contact_id,
                    )
                if result.note_id is not None:
                    stored[result.note_id] = note.id
                if trace and story.id.startswith(trace):
                    print(note.id, _filed(result), file=sys.stderr)
            by_story[story.id] = (actor, stored)
        last = {s.id: s.notes[-1].at + timedelta(days=1) for s in stories}
        score = RecallScore()
        for label in labels:
            actor, stored = by_story[label.story]
            clock["now"] = last[label.story]
            started = time.perf_counter()
            result = app.recall.recall(actor=actor, query=label.q, limit=TOP)
            seconds = time.perf_counter() - started
            top = [stored.get(hit.note_id, "?") for hit in result.hits[:TOP]]
            score.outcomes.append(Outcome(label, top, seconds))
        engine.dispose()
    return score


def _filed(result: Any) -> str:
    opened = [f"{lp.direction} {lp.contact.display_name}: {lp.what}" for lp in result.loops_opened]
    closed = [f"{lp.contact.display_name}: {lp.what}" for lp in result.loops_closed]
    occasions = [f"{o.kind} {o.contact.display_name} {o.month}/{o.day}" for o in result.occasions]
    return (
        f"{[c.display_name for c in result.contacts]} opened={opened} closed={closed} "
        f"occasions={occasions} needs={list(result.needs)}"
    )


def render(score: RecallScore) -> str:
    rows = [["recall top-3", f"≥ {TARGET:.2f}", *_cells(score.row())]]
    for cls in CLASSES:
        rows.append([f"  {cls}", "", *_cells(score.row(cls))])
    head = ["field", "target", "P@3", "R@3", "exact"]
    table = [head, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    lines = []
    for k, r in enumerate(table):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
        if k == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    med, p95 = score.latency_ms()
    lines.append(
        f"\nrecall: median {med:.1f} ms a query, p95 {p95:.1f} ms (corpus-sized workspaces)"
    )
    return "\n".join(lines)


def _cells(row: tuple[float, float, int, int]) -> list[str]:
    p, r, exact, n = row
    return [f"{p:.2f}", f"{r:.2f}", f"{exact}/{n}"]


def misses(score: RecallScore) -> str:
    lines = ["\nRecall misses: story | class | query | expected | top 3"]
    for o in score.outcomes:
        if not o.exact:
            lines.append(
                f"{o.label.story} | {o.label.cls} | {o.label.q} | "
                f"{', '.join(o.label.expect) or '-'} | {', '.join(o.top) or '-'}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.recall_top3")
    parser.add_argument("--db", help="database URL (default: a scratch SQLite file)")
    parser.add_argument("--failures", action="store_true", help="list every query not exact")
    parser.add_argument("--trace", metavar="STORY", help="print what was filed for a story")
    args = parser.parse_args(argv)
    score = run(args.db, trace=args.trace)
    print(render(score))
    if args.failures:
        print(misses(score))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
