"""Which contacts exist for a viewer: authority and visibility share one definition.

A contact is a row the whole workspace shares, but what made it is not always shared: a contact
first named in Alice's private note is Alice's to know about. So a contact is *known* to a viewer
when the viewer may see something about it — a note linking it (`repo.visible`), a loop of
their own, an occasion they may see (imported, or from a note they may see) — when they added
it themselves (`Contact.created_by`: their import, their first note; cleared when a teammate's
`forget` or `merge` leaves it to someone else's private notes), when it came from an imported
address book (`Contact.shared`: the team was given it, whatever private notes follow), or when
nothing at all is written about it, which the whole team may see. A contact known to
a viewer only through someone else's private note does not exist for them: no card, no name, no
"which Jane?" button, nothing to rename, merge or forget.

The export (bot.notes.export) gathers its rows by the same rule, except that it does not yet
count `created_by`: an imported contact someone has since written a private note about is left
out of the importer's export (it shows nothing private either way).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, exists, not_, or_
from sqlmodel import Session, col, select

from bot.store import repo
from bot.store.models import Contact, Loop, Note, NoteContact, Occasion


def _knowable(workspace_id: str, viewer_id: int) -> ColumnElement[bool]:
    """Something about the contact the viewer may see, or nothing written about it at all."""
    seen_note = exists(
        select(NoteContact.note_id)
        .join(Note, col(Note.id) == col(NoteContact.note_id))
        .where(
            col(NoteContact.contact_id) == col(Contact.id), *repo.visible(workspace_id, viewer_id)
        )
    )
    own_loop = exists(
        select(Loop.id).where(col(Loop.contact_id) == col(Contact.id), Loop.owner_id == viewer_id)
    )
    seen_occasion = exists(
        select(Occasion.id)
        .outerjoin(Note, col(Note.id) == col(Occasion.source_note_id))
        .where(
            col(Occasion.contact_id) == col(Contact.id),
            or_(
                col(Occasion.source_note_id).is_(None),
                and_(*repo.visible(workspace_id, viewer_id)),
            ),
        )
    )
    bare = and_(
        not_(
            exists(
                select(NoteContact.note_id).where(col(NoteContact.contact_id) == col(Contact.id))
            )
        ),
        not_(exists(select(Loop.id).where(col(Loop.contact_id) == col(Contact.id)))),
        not_(exists(select(Occasion.id).where(col(Occasion.contact_id) == col(Contact.id)))),
    )
    mine = col(Contact.created_by) == viewer_id  # they added it (an import, their first note)
    imported = col(Contact.shared).is_(True)  # an address book given to the team
    return or_(seen_note, own_loop, seen_occasion, mine, imported, bare)


def known_to(workspace_id: str, viewer_id: int) -> ColumnElement[bool]:
    """A WHERE clause on `Contact`: the contact is in the workspace and known to the viewer."""
    return and_(col(Contact.workspace_id) == workspace_id, _knowable(workspace_id, viewer_id))


def known_ids(
    session: Session, *, workspace_id: str, viewer_id: int, contact_ids: Iterable[int]
) -> set[int]:
    """Those of `contact_ids` the viewer knows."""
    wanted = set(contact_ids)
    if not wanted:
        return set()
    # By primary key: with the workspace in the WHERE clause too, SQLite would rather walk the
    # workspace's name index (every contact) than look up these few ids.
    rows = session.exec(
        select(Contact.id).where(
            col(Contact.id).in_(wanted),
            col(Contact.workspace_id) + "" == workspace_id,
            _knowable(workspace_id, viewer_id),
        )
    ).all()
    return {contact_id for contact_id in rows if contact_id is not None}


def is_known(session: Session, *, workspace_id: str, viewer_id: int, contact_id: int) -> bool:
    return bool(
        known_ids(session, workspace_id=workspace_id, viewer_id=viewer_id, contact_ids=[contact_id])
    )


def has_anything(session: Session, *, contact_id: int) -> bool:
    """Anything still written about the contact (by anyone): a note link, a loop, an occasion."""
    for model, column in (
        (NoteContact, NoteContact.contact_id),
        (Loop, Loop.contact_id),
        (Occasion, Occasion.contact_id),
    ):
        if session.exec(select(model).where(column == contact_id).limit(1)).first() is not None:
            return True
    return False
