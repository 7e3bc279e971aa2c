"""Data in and out: import an address book (vCard, a contacts CSV) or a Rapport JSON export,
export what you may see.

The formats are in bot/notes/importer.py, bot/notes/restore.py and bot/notes/export.py; this is
the use case around them (one transaction, one audit row per import; a dry run rolls it back).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.domain.errors import UserInputError
from bot.domain.notes import ImportSummary
from bot.domain.refs import Actor
from bot.notes import export, importer, restore
from bot.notes.contacts import audit
from bot.usecases import UseCases


class Transfer(UseCases):
    """Import contacts from a file; export everything the actor may see."""

    def import_contacts(
        self,
        *,
        actor: Actor,
        path: Path,
        progress: importer.Progress | None = None,
        dry_run: bool = False,
    ) -> ImportSummary:
        """Import a .vcf, a contacts .csv or a Rapport .json export; idempotent; records that
        are skipped, or only partly read, are reported by line with the reason. A dry run says
        what the import would change and changes nothing."""
        if not path.is_file():
            raise UserInputError(f"There is no file at {path}.")
        payload = None
        if path.suffix.lower() == ".json":
            payload = restore.payload_of(path.read_bytes().decode("utf-8-sig", errors="replace"))
            records = restore.records(payload)
            total = len(payload["contacts"])
        else:
            records = importer.read_records(path)
            total = importer.count_records(path)
        with self._session() as session:
            user = self._user(session, actor)
            now = self._now()
            summary = importer.apply(
                session,
                records,
                workspace_id=actor.workspace_id,
                user=user,
                now=now,
                total=total,
                progress=progress,
            )
            if payload is not None:
                notes, loops, problems = restore.restore_notes_and_loops(
                    session, payload, workspace_id=actor.workspace_id, user=user, now=now
                )
                summary = dataclasses.replace(
                    summary, notes=notes, loops=loops, problems=summary.problems + tuple(problems)
                )
            if dry_run:
                session.rollback()
                return dataclasses.replace(summary, dry_run=True)
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
                    "notes": summary.notes,
                    "loops": summary.loops,
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
