"""Filing a parsed note whose names are settled: the note, its contact links and #tags, the loops
it opens and the ones it settles, its occasions, the Slack event it came from, and what it means
for the team (contact pressure, a serendipity suggestion). One transaction; the caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.domain.notes import LogResult
from bot.notes import news, organisations, serendipity, settle, team
from bot.notes.resolve import Resolution, pick, unique
from bot.notes.values import loop_view, occasion_view
from bot.parsing import ParsedNote
from bot.store import repo
from bot.store.models import Contact, Loop, Note, NoteContact, Occasion, User
from bot.usecases import contact_ref


def file_note(
    session: Session,
    *,
    workspace_id: str,
    user: User,
    parsed: ParsedNote,
    resolution: Resolution,
    at: datetime | None,
    source: str,
    permalink: str | None,
    event_id: str | None,
    note: Note | None,
    now: datetime,
    tz: str,
    shared: bool = False,
) -> LogResult:
    """Write `parsed` (into `note` when re-filing an edit) and say what was understood."""
    assert user.id is not None
    workspace = repo.get_or_create_workspace(session, workspace_id=workspace_id, now=now)
    # "private:" always wins; "team:" shares a note in a workspace whose default is private.
    if parsed.private:
        visibility = "private"
    elif shared:
        visibility = "team"
    else:
        visibility = workspace.default_visibility
    occurred = parsed.occurred_at or at or now
    not_understood = list(parsed.not_understood)
    if note is None:
        note = Note(workspace_id=workspace_id, author_id=user.id, logged_at=now, text="")
        note.source, note.permalink = source, permalink
    note.text = parsed.text
    note.kind = parsed.kind
    note.initiator = parsed.initiator.value if parsed.initiator else None
    note.visibility = visibility
    note.occurred_at = occurred
    note.needs = list(parsed.needs)
    note.tags = list(parsed.tags)
    note.sensitive = list(parsed.sensitive)
    session.add(note)
    session.flush()
    assert note.id is not None

    contacts = unique(resolution.contacts)
    whose = news.topics_by_contact(parsed, resolution, contacts)
    for contact in contacts:
        assert contact.id is not None
        session.add(
            NoteContact(
                note_id=note.id,
                contact_id=contact.id,
                workspace_id=workspace_id,
                sensitive=whose.get(contact.id, []),
            )
        )
        if parsed.tags:
            repo.add_tags(
                session, workspace_id=workspace_id, contact_id=contact.id, tags=parsed.tags
            )
    main = contacts[0] if contacts else None
    filed_orgs = organisations.file_under(
        session,
        workspace_id=workspace_id,
        note_id=note.id,
        orgs=parsed.organisations,
        user_id=user.id,
        now=now,
    )
    learned: list[str] = []
    if visibility == "team":  # a private note's facts stay with its author
        learned = organisations.learn(
            session,
            workspace_id=workspace_id,
            people=parsed.people,
            contacts=resolution.by_name,
            user_id=user.id,
            now=now,
        )

    closed = _settle(
        session, user=user, parsed=parsed, resolution=resolution, main=main, note=note, now=now
    )

    opened: list[Loop] = []
    for spec in parsed.loops:
        target = pick(resolution, spec.person, main)
        if target is None or target.id is None:
            not_understood.append(f'couldn\'t tell who "{spec.what}" is owed by or to')
            continue
        loop = Loop(
            workspace_id=workspace_id,
            owner_id=user.id,
            contact_id=target.id,
            direction=spec.direction.value,
            what=spec.what,
            due_at=spec.due,
            source_note_id=note.id,
            created_at=now,
        )
        session.add(loop)
        opened.append(loop)

    occasions: list[Occasion] = []
    for occ in parsed.occasions:
        target = pick(resolution, occ.person, main)
        if target is None or target.id is None:
            not_understood.append(f"couldn't tell whose {occ.kind} that is")
            continue
        occasions.append(
            repo.upsert_occasion(
                session,
                workspace_id=workspace_id,
                contact_id=target.id,
                kind=occ.kind,
                month=occ.month,
                day=occ.day,
                year=occ.year,
                source_note_id=note.id,
            )
        )
    note.not_understood = not_understood
    session.add(note)
    if event_id is not None:
        repo.record_event_note(
            session, workspace_id=workspace_id, event_id=event_id, note_id=note.id
        )
    session.flush()
    by_id = {c.id: c for c in contacts if c.id is not None}
    pressure = team.pressure(
        session,
        workspace_id=workspace_id,
        viewer_id=user.id,
        contacts=contacts,
        now=now,
        exclude_note_id=note.id,
    )
    suggestion = serendipity.find(
        session, workspace_id=workspace_id, viewer_id=user.id, note=note, contacts=contacts, now=now
    )
    return LogResult(
        note_id=note.id,
        text=note.text,
        contacts=tuple(contact_ref(c) for c in contacts),
        created_contacts=tuple(contact_ref(c) for c in unique(resolution.created)),
        kind=note.kind,
        occurred_at=occurred,
        private=visibility == "private",
        loops_opened=tuple(loop_view(loop, by_id, now) for loop in opened),
        loops_closed=tuple(
            loop_view(loop, repo.contacts_by_id(session, [loop.contact_id]), now) for loop in closed
        ),
        occasions=tuple(occasion_view(o, by_id, now, tz) for o in occasions),
        needs=parsed.needs,
        tags=parsed.tags,
        sensitive=news.heard(whose, contacts, note.text, occurred),
        not_understood=tuple(not_understood),
        pressure=pressure,
        serendipity=suggestion,
        organisations=tuple(organisations.ref(o) for o in filed_orgs),
        learned=tuple(learned),
    )


def _settle(
    session: Session,
    *,
    user: User,
    parsed: ParsedNote,
    resolution: Resolution,
    main: Contact | None,
    note: Note,
    now: datetime,
) -> list[Loop]:
    """Close the author's open loops that this note settles ("sent Raj the deck")."""
    assert user.id is not None
    closed: list[Loop] = []
    for settlement in parsed.settles:
        target = pick(resolution, settlement.person, main)
        scope = [target.id] if target and target.id else [c.id for c in resolution.contacts if c.id]
        if not scope:
            continue
        candidates = [
            loop
            for loop in repo.open_loops(session, owner_id=user.id, contact_ids=scope)
            if loop.direction == settlement.direction.value and loop not in closed
        ]
        candidates.sort(key=lambda loop: (loop.created_at, loop.id or 0))
        best = settle.best(candidates, settlement.what)
        if best is None:
            continue
        best.status = "closed"
        best.closed_by_note_id = note.id
        best.closed_at = now
        session.add(best)
        closed.append(best)
    return closed
