"""The small error tree caught at the boundaries (console, Slack handlers)."""

from __future__ import annotations


class RapportError(Exception):
    """Base of every error Rapport raises on purpose."""


class UserInputError(RapportError):
    """The person asked for something we cannot do; the message is safe to show them."""


class NotFoundError(UserInputError):
    """A contact, note or loop the person named does not exist (or is not theirs to see)."""


class AmbiguousNameError(UserInputError):
    """A name matches several contacts closely; the caller should ask "which one?"."""

    def __init__(self, name: str, candidates: list[tuple[int, str]]) -> None:
        self.name = name
        self.candidates = candidates
        names = ", ".join(label for _, label in candidates)
        super().__init__(f'"{name}" could be {names}. Which one did you mean?')


class StorageUnavailableError(RapportError):
    """The database could not be reached (or was busy); nothing was written. Safe to retry.

    `lost_connection`: the connection itself went (not a refusal or a lock), so a commit on its
    way may have been kept by the server although its answer never came."""

    def __init__(self, message: str, *, lost_connection: bool = False) -> None:
        super().__init__(message)
        self.lost_connection = lost_connection


class StorageInDoubtError(StorageUnavailableError):
    """The connection dropped while a note's commit was on its way and the database did not
    come back in time to say whether it kept the note: trying again blindly may file it twice,
    so the message says where to look first."""


class StorageReadOnlyError(StorageUnavailableError):
    """The database takes no writes (a read-only file or server); reads still work."""


class StorageFullError(StorageUnavailableError):
    """The disk holding the database is full; nothing was written."""


class DatabaseConfigError(RapportError):
    """The database URL cannot work as given (no scheme, an unsupported database, a missing
    driver or folder); the message says what to change."""
