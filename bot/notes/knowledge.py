"""What the workspace knows, as the snapshot the pure parser reads (`bot.parsing.Knowledge`):
contacts with their aliases and companies, organisations, the corrections people made, and the
names of the workspace's Slack users.

One snapshot per workspace is kept in the process and reused while the workspace's *stamp*
(the highest id of each of those tables: one indexed query) is unchanged, so the parser's lookup
tables are built once, not per note. A rename or a removal changes no id, so a snapshot is also
rebuilt after `MAX_AGE`; this process's own corrections drop it at once. A big workspace's
snapshot takes long to build (about 0.5 s at 10,000 contacts here, 8-10 s at 100,000), so after a
build taking `b` seconds (more than `SLOW_BUILD`, 0.2 s) the next one, for a change or for age,
waits at least `REBUILD_FACTOR` × `b`: building stays under a tenth of the time. One thread
builds a workspace's snapshot at a time while the others use the one they have. A stale
snapshot only makes the parser less helpful: every name is still settled against the database
(bot.notes.resolve), so a contact made a moment ago is found by its name.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session, col, select

from bot.parsing import Knowledge, KnownPerson
from bot.parsing.known import index
from bot.store.models import Contact, ContactAlias, User
from bot.store.organisation_models import NameCorrection, Organisation

MAX_AGE = timedelta(seconds=60)
REBUILD_FACTOR = 10.0
SLOW_BUILD = 0.2  # seconds; a quicker build (some 4,000 contacts) is redone at every change
# Names in a snapshot below which no build counts as slow: ~0.03 s of work at this size. A
# slower one was a cold start (the first note's lazy imports and compiled patterns billed to the
# build), and throttling it left "Initrode", filed a moment ago, out of the next note's snapshot.
SLOW_SIZE = 1_000
MAX_WORKSPACES = 256  # snapshots kept at once; the least recently built goes first

Stamp = tuple[object, ...]


# One statement, written out (built with the expression language it cost ~1.8 ms a note on
# SQLite here, as text ~0.2 ms). Each max(id) is one step down a (workspace_id, id) index, so
# the check costs the same with 100 contacts or 100,000; a count would scan them all. Removals
# (a forgotten contact, a dropped alias) and renames change no max: `MAX_AGE` catches them.
_STAMP = text(
    "SELECT "
    "(SELECT max(id) FROM contact WHERE workspace_id = :ws), "
    "(SELECT max(id) FROM contactalias WHERE workspace_id = :ws), "
    "(SELECT max(id) FROM organisation WHERE workspace_id = :ws), "
    "(SELECT max(id) FROM name_correction WHERE workspace_id = :ws), "
    "(SELECT count(id) FROM name_correction WHERE workspace_id = :ws), "
    '(SELECT max(id) FROM "user" WHERE workspace_id = :ws)'
)


def stamp(session: Session, *, workspace_id: str) -> Stamp:
    """Changes whenever a contact, alias, organisation, correction or user is added (and a
    correction removed)."""
    return tuple(session.execute(_STAMP, {"ws": workspace_id}).one())


def snapshot(session: Session, *, workspace_id: str) -> Knowledge:
    """Build the workspace's snapshot from the database."""
    aliases: dict[int, list[str]] = defaultdict(list)
    for contact_id, alias in session.exec(
        select(ContactAlias.contact_id, ContactAlias.alias).where(
            ContactAlias.workspace_id == workspace_id
        )
    ).all():
        aliases[contact_id].append(alias)
    people = tuple(
        KnownPerson(
            name=name,
            aliases=tuple(aliases.get(cid, ())),
            slack_user_id=slack_id,
            company=company,
        )
        for cid, name, slack_id, company in session.exec(
            select(Contact.id, Contact.display_name, Contact.slack_user_id, Contact.company)
            .where(Contact.workspace_id == workspace_id)
            .order_by(col(Contact.id))
        ).all()
        if cid is not None
    )
    corrections = session.exec(
        select(NameCorrection.name, NameCorrection.kind).where(
            NameCorrection.workspace_id == workspace_id
        )
    ).all()
    organisations = list(
        session.exec(
            select(Organisation.name)
            .where(Organisation.workspace_id == workspace_id)
            .order_by(col(Organisation.id))
        ).all()
    )
    organisations += [name for name, kind in corrections if kind == "organisation"]
    # an imported address book's companies are organisations too, with or without a record
    organisations += [p.company for p in people if p.company]
    users = session.exec(
        select(User.external_id, User.display_name).where(User.workspace_id == workspace_id)
    ).all()
    return Knowledge(
        people=people,
        organisations=tuple(dict.fromkeys(organisations)),
        not_people=tuple(name for name, kind in corrections if kind == "not_person"),
        slack_users=tuple((uid, name) for uid, name in users if name and name != uid),
    )


@dataclass
class _Entry:
    stamp: Stamp
    built_at: float  # on the cache's timer
    knowledge: Knowledge
    took: float  # seconds the build took
    stale: bool = False  # invalidated while it was being built: rebuild at the next note


class KnowledgeCache:
    """The latest snapshot of each workspace this process has seen; safe across threads."""

    def __init__(
        self,
        *,
        max_age: timedelta = MAX_AGE,
        timer: Callable[[], float] = time.monotonic,
        rebuild_factor: float = REBUILD_FACTOR,
        slow_build: float = SLOW_BUILD,
        slow_size: int = SLOW_SIZE,
        # The building thread's CPU time, not the wall clock: the throttle bounds the share of
        # the interpreter spent building, and on a loaded host a small workspace's build could
        # take 0.2 s of wall time, be throttled as slow, and miss the contact made a moment ago.
        stopwatch: Callable[[], float] = time.thread_time,
    ) -> None:
        # Age is measured on the process's own clock, not the use cases' (which tests and the
        # bench move by hours between notes): it bounds how stale this process's copy may get.
        self.max_age = max_age.total_seconds()
        self.timer = timer
        self.rebuild_factor = rebuild_factor
        self.slow_build = slow_build
        self.slow_size = slow_size
        self.stopwatch = stopwatch  # times the builds (and the stamp checks)
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        # One build per workspace at a time: the others go on with the snapshot they have
        # (two workers each building the same 100,000 contacts doubled seconds of GIL-bound
        # work while requests waited to be acked), or, for a workspace's first, wait for it.
        self._building: dict[str, threading.Event] = {}
        self._generation: dict[str, int] = {}  # bumped by invalidate()
        self.builds = 0  # how many snapshots were built (the tests and the bench read it)
        self.build_seconds = 0.0  # time spent building them, and checking stamps (the bench)
        self.stamp_seconds = 0.0
        self.checks = 0

    def get(self, session: Session, *, workspace_id: str) -> Knowledge:
        started = self.stopwatch()
        current = stamp(session, workspace_id=workspace_id)
        self.stamp_seconds += self.stopwatch() - started
        self.checks += 1
        while True:
            now = self.timer()
            with self._lock:
                entry = self._entries.get(workspace_id)
                if entry is not None and self._usable(entry, current, now):
                    return entry.knowledge
                building = self._building.get(workspace_id)
                if building is None:
                    building = self._building[workspace_id] = threading.Event()
                    generation = self._generation.get(workspace_id, 0)
                    break
                if entry is not None:
                    return entry.knowledge  # another thread is building the next one
            building.wait()  # the first snapshot of this workspace: wait for that build
        try:
            knowledge, took = self._build(session, workspace_id)
            with self._lock:
                # Invalidated while building: the build may have read the old rows.
                stale = self._generation.get(workspace_id, 0) != generation
                self._entries.pop(workspace_id, None)
                self._entries[workspace_id] = _Entry(current, now, knowledge, took, stale)
                while len(self._entries) > MAX_WORKSPACES:
                    self._entries.pop(next(iter(self._entries)))
        finally:
            with self._lock:
                self._building.pop(workspace_id, None)
            building.set()
        return knowledge

    def _usable(self, entry: _Entry, current: Stamp, now: float) -> bool:
        if entry.stale:
            return False
        # A slow snapshot ages slower too: building stays under a tenth of the time.
        slow = entry.took >= self.slow_build
        max_age = max(self.max_age, self.rebuild_factor * entry.took) if slow else self.max_age
        if not 0 <= now - entry.built_at < max_age:
            return False
        if entry.stamp == current:
            return True
        return slow and now - entry.built_at < self.rebuild_factor * entry.took

    def _build(self, session: Session, workspace_id: str) -> tuple[Knowledge, float]:
        started = self.stopwatch()
        knowledge = snapshot(session, workspace_id=workspace_id)
        index(knowledge)  # the parser's lookup tables, built now and kept in the snapshot
        took = self.stopwatch() - started
        with self._lock:
            self.builds += 1
            self.build_seconds += took
        size = len(knowledge.people) + len(knowledge.organisations) + len(knowledge.slack_users)
        if size < self.slow_size:
            return knowledge, 0.0  # quick by its size, whatever this one build cost
        if took >= self.slow_build:
            # Hundreds of thousands of sets and tuples that live until the next build: out of
            # the collector's reach, or every full collection walks them all, pausing every
            # thread (~0.3 s at 100,000 contacts, while requests wait to be acked). Dropped
            # later, they are freed by their reference counts as before (they hold no cycles).
            # Collected first: garbage cycles pending now would be frozen too and never freed
            # (one full collection per slow build, against one at every gen-2 threshold).
            gc.collect()
            gc.freeze()
        return knowledge, took

    def invalidate(self, workspace_id: str) -> None:
        with self._lock:
            self._entries.pop(workspace_id, None)
            self._generation[workspace_id] = self._generation.get(workspace_id, 0) + 1
