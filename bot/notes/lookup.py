"""Finding a contact by what a person typed: the one resolver every use case shares.

Exact name or alias first, then a unique first name ("Jane" → "Jane Doe"), then rapidfuzz
`token_sort_ratio` over contacts sharing the first three letters (a range scan on
`(workspace_id, name_key)`, so it stays cheap with 100,000 contacts). When several candidates are
close, the caller gets them all and asks "which one?" instead of guessing.

Given the viewer, only contacts known to them are candidates (bot.notes.known): a name that lives
only in someone else's private note is nobody to them. Filing (`exact_any`) may still put a
note under such a contact when the author typed its exact name — that reveals nothing the
author didn't write, and keeps one contact per person.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from bot.domain.errors import AmbiguousNameError, NotFoundError, UserInputError
from bot.domain.names import name_key
from bot.notes.known import is_known, known_to
from bot.store import repo
from bot.store.models import Contact, ContactAlias

FUZZY_CUTOFF = 85.0  # below this a name is someone new, not a typo
FUZZY_MARGIN = 8.0  # candidates this close to the best are too close to pick between
FUZZY_POOL = 500


def match_contact(
    session: Session,
    *,
    workspace_id: str,
    name: str,
    viewer_id: int | None = None,
    exact_any: bool = False,
) -> Contact | list[Contact] | None:
    """The contact `name` means; a list when several are too close to choose; None if nobody.

    With `viewer_id`, only contacts known to that viewer; with `exact_any` too, a contact of
    exactly that name that the viewer doesn't know is the last resort before "nobody".
    """
    key = name_key(name)
    if not key:
        return None
    known = _Known(session, workspace_id, viewer_id)
    exact = known.contacts(col(Contact.name_key) == key)
    if exact:
        return exact[0] if len(exact) == 1 else exact
    alias = known.by_alias(key)
    if alias is not None:
        return alias
    if " " not in key:
        same_first = known.contacts(*_prefix(key + " "), limit=20)
        if same_first:
            return same_first[0] if len(same_first) == 1 else same_first
    fuzzy = _fuzzy(key, known.contacts(*_prefix(key[:3]), limit=FUZZY_POOL))
    if fuzzy is None and exact_any and viewer_id is not None:
        anyone = list(repo.contacts_with_key(session, workspace_id=workspace_id, key=key))
        if anyone:
            return anyone[0] if len(anyone) == 1 else anyone
    return fuzzy


class _Known:
    """Contact queries in one workspace, limited to what the viewer knows when there is one."""

    def __init__(self, session: Session, workspace_id: str, viewer_id: int | None) -> None:
        self.session, self.workspace_id, self.viewer_id = session, workspace_id, viewer_id

    def _scope(self) -> list[ColumnElement[bool]]:
        scope = [col(Contact.workspace_id) == self.workspace_id]
        if self.viewer_id is not None:
            scope.append(known_to(self.workspace_id, self.viewer_id))
        return scope

    def contacts(self, *where: ColumnElement[bool], limit: int | None = None) -> list[Contact]:
        query = select(Contact).where(*self._scope(), *where).order_by(col(Contact.name_key))
        return list(self.session.exec(query.limit(limit) if limit else query).all())

    def by_alias(self, key: str) -> Contact | None:
        return self.session.exec(
            select(Contact)
            .join(ContactAlias, col(ContactAlias.contact_id) == col(Contact.id))
            .where(*self._scope(), ContactAlias.alias_key == key)
        ).first()


def _prefix(prefix: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Name keys starting with `prefix`: a range scan on (workspace_id, name_key)."""
    return col(Contact.name_key) >= prefix, col(Contact.name_key) < prefix + "\uffff"


def _fuzzy(key: str, pool: list[Contact]) -> Contact | list[Contact] | None:
    from rapidfuzz import fuzz, process

    if not pool:
        return None
    scored = process.extract(
        key,
        {c.id: c.name_key for c in pool},
        scorer=fuzz.token_sort_ratio,
        score_cutoff=FUZZY_CUTOFF,
        limit=3,
    )
    if not scored:
        return None
    by_id = {c.id: c for c in pool}
    close = [by_id[s[2]] for s in scored if scored[0][1] - s[1] < FUZZY_MARGIN]
    return close[0] if len(close) == 1 else close


def ambiguous(name: str, contacts: Sequence[Contact]) -> AmbiguousNameError:
    """ "Which Jane?" with at most five candidates (more would not fit as buttons anyway)."""
    return AmbiguousNameError(
        name, [(c.id, c.display_name) for c in contacts[:5] if c.id is not None]
    )


def find_contact(
    session: Session,
    *,
    workspace_id: str,
    name: str | None = None,
    contact_id: int | None = None,
    example: str = "Jane Doe",
    viewer_id: int | None = None,
) -> Contact:
    """By id (a button's value, re-checked against the workspace and the viewer), else by name.

    With `viewer_id`, a contact the viewer doesn't know is not found, by name or by id.
    Raises NotFoundError, AmbiguousNameError (with the candidates) or UserInputError.
    """
    if contact_id is not None:
        found = repo.get_contact(session, workspace_id=workspace_id, contact_id=contact_id)
        if found is None or (
            viewer_id is not None
            and not is_known(
                session, workspace_id=workspace_id, viewer_id=viewer_id, contact_id=contact_id
            )
        ):
            raise NotFoundError("I don't know that contact.")
        return found
    if not name or not name_key(name):
        raise UserInputError(f"Which contact? Give a name, e.g. `{example}`.")
    match = match_contact(session, workspace_id=workspace_id, name=name, viewer_id=viewer_id)
    if isinstance(match, list):
        raise ambiguous(name, match)
    if match is None:
        raise NotFoundError(f"I don't know anyone called {name!r} yet.")
    return match
