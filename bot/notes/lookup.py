"""Finding a contact by what a person typed: the one resolver every use case shares.

Exact name first, then alias (several contacts may go by one nickname), then a unique first name
("Jane" → "Jane Doe"), then rapidfuzz `token_sort_ratio` over contacts sharing the first three
letters (a range scan on `(workspace_id, name_key)`, so it stays cheap with 100,000 contacts).
When several candidates are close, the caller gets them all and asks "which one?" instead of
guessing.

Given the viewer, only contacts known to them are candidates (bot.notes.known): a name that lives
only in someone else's private note is nobody to them. Filing (`exact_any`) may still put a
note under such a contact when the author typed its exact name — that reveals nothing the
author didn't write, and keeps one contact per person.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from bot.domain.errors import AmbiguousNameError, NotFoundError, UserInputError
from bot.domain.names import name_key
from bot.notes.known import is_known, known_ids
from bot.parsing.lexicon import TITLES
from bot.store import repo
from bot.store.models import Contact

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
    # Each step reads the workspace's contacts as before (cheap index scans) and only then
    # keeps those the viewer knows: one small query over a few ids, not a check on every row.
    known = _Known(session, workspace_id, viewer_id)
    exact = known.only(repo.contacts_with_key(session, workspace_id=workspace_id, key=key))
    if exact:
        return exact[0] if len(exact) == 1 else exact
    # Several people may go by one nickname: those the viewer knows are asked about.
    alias = known.only(repo.contacts_by_alias(session, workspace_id=workspace_id, key=key))
    if alias:
        return alias[0] if len(alias) == 1 else alias[:20]
    title, _, rest = key.partition(" ")
    if title in TITLES and rest:  # "Dr. Nkechi Eze" for a contact saved as "Nkechi Eze"
        return match_contact(
            session, workspace_id=workspace_id, name=rest, viewer_id=viewer_id, exact_any=exact_any
        )
    if " " not in key:
        prefix = key + " "
        same_first = known.only(
            repo.contacts_with_key_prefix(
                session, workspace_id=workspace_id, prefix=prefix, limit=known.widen(20)
            )
        )[:20]
        if same_first:
            return same_first[0] if len(same_first) == 1 else same_first
    if title not in TITLES:  # "Nkechi" or "John Richter" for a contact saved with a title
        titled = known.only(
            repo.contacts_with_keys_or_prefixes(
                session,
                workspace_id=workspace_id,
                keys=[f"{t} {key}" for t in TITLES],
                prefixes=[f"{t} {key} " for t in TITLES] if " " not in key else [],
                limit=known.widen(20),
            )
        )[:20]
        if titled:
            return titled[0] if len(titled) == 1 else titled
    pool = repo.contacts_with_key_prefix(
        session, workspace_id=workspace_id, prefix=key[:3], limit=FUZZY_POOL
    )
    fuzzy = _fuzzy(key, pool, known)
    if fuzzy is None and exact_any and viewer_id is not None:
        anyone = list(repo.contacts_with_key(session, workspace_id=workspace_id, key=key))
        if anyone:
            return anyone[0] if len(anyone) == 1 else anyone
    return fuzzy


class _Known:
    """Keeps the contacts a viewer knows (all of them when there is no viewer)."""

    def __init__(self, session: Session, workspace_id: str, viewer_id: int | None) -> None:
        self.session, self.workspace_id, self.viewer_id = session, workspace_id, viewer_id

    def widen(self, limit: int) -> int:
        """Read more rows when some may be dropped, so `limit` known ones can still be found."""
        return limit if self.viewer_id is None else limit * 5

    def only(self, contacts: Sequence[Contact]) -> list[Contact]:
        if self.viewer_id is None or not contacts:
            return list(contacts)
        seen = known_ids(
            self.session,
            workspace_id=self.workspace_id,
            viewer_id=self.viewer_id,
            contact_ids=[c.id for c in contacts if c.id is not None],
        )
        return [c for c in contacts if c.id in seen]


def _fuzzy(key: str, pool: Sequence[Contact], known: _Known) -> Contact | list[Contact] | None:
    from rapidfuzz import fuzz, process

    if not pool:
        return None
    by_id = {c.id: c for c in pool}
    scored = process.extract(
        key,
        {c.id: c.name_key for c in pool},
        scorer=fuzz.token_sort_ratio,
        score_cutoff=FUZZY_CUTOFF,
        limit=20,
    )
    kept = {c.id for c in known.only([by_id[s[2]] for s in scored])}
    scored = [s for s in scored if s[2] in kept][:3]
    if not scored:
        return None
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
