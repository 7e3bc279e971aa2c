"""Data in and out: import an address book (vCard, Google Contacts CSV), export what you may see.

The formats are in bot/notes/importer.py and bot/notes/export.py; this is the use case around
them (one transaction, one audit row per import).
"""

from __future__ import annotations

from pathlib import Path

from bot.domain.errors import UserInputError
from bot.domain.notes import ImportSummary
from bot.domain.refs import Actor
from bot.notes import export, importer
from bot.notes.contacts import audit
from bot.usecases import UseCases


class Transfer(UseCases):
    """Import contacts from a file; export everything the actor may see."""

    def import_contacts(
        self, *, actor: Actor, path: Path, progress: importer.Progress | None = None
    ) -> ImportSummary:
        """Import a .vcf or Google Contacts .csv; idempotent; bad records reported by line."""
        if not path.is_file():
            raise UserInputError(f"There is no file at {path}.")
        total = importer.count_records(path)
        with self._session() as session:
            user = self._user(session, actor)
            now = self._now()
            summary = importer.apply(
                session,
                importer.read_records(path),
                workspace_id=actor.workspace_id,
                user=user,
                now=now,
                total=total,
                progress=progress,
            )
            audit(
                session,
                workspace_id=actor.workspace_id,
                user=user,
                action="import",
                subject="workspace",
                now=now,
                detail={
                    "created": summary.created,
                    "merged": summary.merged,
                    "skipped": summary.skipped,
                    "problems": len(summary.problems),
                },
            )
            session.commit()
            return summary

    def export(self, *, actor: Actor, format: str = "json") -> str:
        """Everything the actor may see, as json, csv (Google Contacts columns) or vcf."""
        if format not in export.FORMATS:
            raise UserInputError(f"Export as {', '.join(export.FORMATS)}, not {format!r}.")
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            session.commit()
            data = export.gather(
                session, workspace_id=actor.workspace_id, viewer_id=user.id, now=self._now()
            )
        return export.render(data, format)
