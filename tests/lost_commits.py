"""A connection that drops around COMMIT, for the tests of what a person is told then.

SQLAlchemy session events stand in for the network: raising after a commit is a server that kept
the data while its answer was lost; raising before it is one that never got the COMMIT.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session


def dropped() -> OperationalError:
    # What SQLAlchemy raises when the driver reports a disconnect (it invalidates the connection).
    return OperationalError(
        "COMMIT", {}, Exception("server closed the connection"), connection_invalidated=True
    )


class Network:
    """The faults to inject; every listener is removed when the `faults()` block ends."""

    def __init__(self) -> None:
        self._listeners: list[tuple[str, Callable[..., None]]] = []

    def _listen(self, name: str, listener: Callable[..., None]) -> None:
        event.listen(Session, name, listener)
        self._listeners.append((name, listener))

    def lose_the_next_commits_answer(self, times: int = 1, *, then_stay_away: bool = False) -> None:
        """The data is kept, the caller hears an error (and, `then_stay_away`, every query
        after it fails as if the server were still unreachable, until `come_back()`)."""
        left = [times]

        def after_commit(session: Session) -> None:
            if left[0] > 0:
                left[0] -= 1
                if then_stay_away:
                    self._listen("do_orm_execute", _still_away)
                raise dropped()

        self._listen("after_commit", after_commit)

    def fail_the_next_commit(self) -> None:
        """The COMMIT never reached the server: nothing is kept."""
        left = [1]

        def before_commit(session: Session) -> None:
            if left[0] > 0:
                left[0] -= 1
                raise dropped()

        self._listen("before_commit", before_commit)

    def come_back(self) -> None:
        while self._listeners:
            event.remove(Session, *self._listeners.pop())


def _still_away(state: object) -> None:
    raise dropped()


@contextlib.contextmanager
def faults() -> Iterator[Network]:
    network = Network()
    try:
        yield network
    finally:
        network.come_back()
