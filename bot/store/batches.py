"""IN-list batches: bulk queries load ids in chunks well under both databases' parameter limits
(SQLite's 32,766, PostgreSQL's 65,535)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final, TypeVar

T = TypeVar("T")

CHUNK: Final = 500


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
