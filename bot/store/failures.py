"""What a database failure means to the person who hit it: one sentence, and the right error.

The drivers say why in their own terms (SQLite's extended result codes, PostgreSQL's SQLSTATE);
a person needs to know whether trying again helps. A read-only database or a full disk is not
an outage that passes: "try again" would be a lie, so they get their own errors and sentences.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy.exc import DBAPIError

from bot.domain.errors import StorageFullError, StorageReadOnlyError, StorageUnavailableError

READ_ONLY: Final = (
    "Couldn't save that — the database is read-only. Reading still works; whoever runs Rapport "
    "needs to make the database writable again."
)
DISK_FULL: Final = (
    "Couldn't save that — the disk holding the database is full. Free some space, then try again."
)
BUSY: Final = (
    "Couldn't save that — the database is busy (its write lock was held too long), so nothing "
    "was saved. Please try again."
)

# PostgreSQL SQLSTATEs (Appendix A of its manual) that are not "the server went away".
_PG_READ_ONLY: Final = {"25006"}  # read_only_sql_transaction (a hot standby, a read-only role)
_PG_FULL: Final = {"53100"}  # disk_full


def storage_error(exc: DBAPIError) -> StorageUnavailableError:
    """The error to raise, with a sentence for a person, for a driver-level database failure."""
    orig = exc.orig
    sqlite_name = getattr(orig, "sqlite_errorname", None)
    if isinstance(sqlite_name, str):
        if sqlite_name.startswith("SQLITE_READONLY"):
            return StorageReadOnlyError(READ_ONLY)
        if sqlite_name == "SQLITE_FULL":
            return StorageFullError(DISK_FULL)
        if sqlite_name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StorageUnavailableError(BUSY)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _PG_READ_ONLY:
        return StorageReadOnlyError(READ_ONLY)
    if sqlstate in _PG_FULL:
        return StorageFullError(DISK_FULL)
    return StorageUnavailableError(
        f"Couldn't reach the database ({_reason(orig)}), so nothing was saved. Please try again.",
        lost_connection=exc.connection_invalidated,
    )


def _reason(orig: BaseException | None) -> str:
    # The driver's first line names the host and what failed ("connection refused"), never a
    # password; the rest (hints, SQL) is for logs.
    lines = str(orig or "").strip().splitlines()
    first = lines[0].strip() if lines else ""
    return (first[:200] or type(orig).__name__) if orig is not None else "no answer"
