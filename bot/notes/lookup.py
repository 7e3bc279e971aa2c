"""Finding a contact by what a person typed: the one resolver every use case shares.

Exact name or alias first, then a unique first name ("Jane" → "Jane Doe"), then the same with
a title the contact was saved with ("Nkechi" → "Dr. Nkechi Eze", "John" → "Mr. John Richter"),
then rapidfuzz
`token_sort_ratio` over contacts sharing the first three letters (a range scan on
`(workspace_id, name_key)`, so it stays cheap with 100,000 contacts). When several candidates are
close, the caller gets them all and asks "which one?" instead of guessing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from bot.domain.errors import AmbiguousNameError, NotFoundError, UserInputError
from bot.domain.names import name_key
from bot.parsing.lexicon import TITLES
from bot.store import repo
from bot.store.models import Contact

FUZZY_CUTOFF = 85.0  # below this a name is someone new, not a typo
FUZZY_MARGIN = 8.0  # candidates this close to the best are too close to pick between
FUZZY_POOL = 500


def match_contact(
    session: Session, *, workspace_id: str, name: str
) -> Contact | list[Contact] | None:
    """The contact `name` means; a list when several are too close to choose; None if nobody."""
    key = name_key(name)
    if not key:
        return None
    exact = list(repo.contacts_with_key(session, workspace_id=workspace_id, key=key))
    if exact:
        return exact[0] if len(exact) == 1 else exact
    alias = repo.contact_by_alias(session, workspace_id=workspace_id, key=key)
    if alias is not None:
        return alias
    title, _, rest = key.partition(" ")
    if title in TITLES and rest:  # "Dr. Nkechi Eze" for a contact saved as "Nkechi Eze"
        return match_contact(session, workspace_id=workspace_id, name=rest)
    if " " not in key:
        same_first = list(
            repo.contacts_with_key_prefix(
                session, workspace_id=workspace_id, prefix=key + " ", limit=20
            )
        )
        if same_first:
            return same_first[0] if len(same_first) == 1 else same_first
    if key.split(" ", 1)[0] not in TITLES:
        titled = list(
            repo.contacts_with_keys_or_prefixes(
                session,
                workspace_id=workspace_id,
                keys=[f"{t} {key}" for t in TITLES],
                prefixes=[f"{t} {key} " for t in TITLES] if " " not in key else [],
                limit=20,
            )
        )
        if titled:
            return titled[0] if len(titled) == 1 else titled
    return _fuzzy(session, workspace_id, key)


def _fuzzy(session: Session, workspace_id: str, key: str) -> Contact | list[Contact] | None:
    from rapidfuzz import fuzz, process

    pool = repo.contacts_with_key_prefix(
        session, workspace_id=workspace_id, prefix=key[:3], limit=FUZZY_POOL
    )
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
) -> Contact:
    """By id (a button's value, re-checked against the workspace), else by name.

    Raises NotFoundError, AmbiguousNameError (with the candidates) or UserInputError.
    """
    if contact_id is not None:
        found = repo.get_contact(session, workspace_id=workspace_id, contact_id=contact_id)
        if found is None:
            raise NotFoundError("I don't know that contact.")
        return found
    if not name or not name_key(name):
        raise UserInputError(f"Which contact? Give a name, e.g. `{example}`.")
    match = match_contact(session, workspace_id=workspace_id, name=name)
    if isinstance(match, list):
        raise ambiguous(name, match)
    if match is None:
        raise NotFoundError(f"I don't know anyone called {name!r} yet.")
    return match
