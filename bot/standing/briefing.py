"""The people on a meeting as its brief needs them: a card each, holding only what a brief says
(company and role, the latest note the viewer may see and who wrote it, open loops, needs,
birthdays, bad news, where you stand and the next best action), for several contacts at once.

A whole card (bot.notes.recall) also reads the timeline, the monthly counts, who knows them
best and the team's pressure: about thirty queries a contact. A brief for a meeting of three
reads the relationship facts in one batch (bot.standing.facts.gather) and the rest in a few
queries a contact, so it stays within its 50 ms at a million notes (bench/bench_brief.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.domain.notes import ContactCard
from bot.domain.zones import pick_zone
from bot.notes import news
from bot.notes.values import loop_view, occasion_view, sorted_loops, timeline
from bot.standing.facts import gather, standing_row
from bot.store import repo
from bot.store.models import Note, NoteContact
from bot.usecases import contact_ref

SENSITIVE_COOLDOWN = timedelta(days=30)  # as on the card (bot.notes.recall)
NEEDS_FROM = 50  # the latest visible notes a contact's needs are read from, as on the card


def brief_cards(
    session: Session,
    *,
    workspace_id: str,
    viewer_id: int,
    contact_ids: Sequence[int],
    now: datetime,
    tz: str,
) -> tuple[ContactCard, ...]:
    """A brief's card for each of `contact_ids` still in the workspace, in their order."""
    tz = pick_zone(tz)
    gathered = gather(
        session,
        workspace_id=workspace_id,
        viewer_id=viewer_id,
        contact_ids=contact_ids,
        now=now,
        tz=tz,
    )
    ids = [cid for cid in dict.fromkeys(contact_ids) if cid in gathered.contacts]
    if not ids:
        return ()
    by_id = {cid: gathered.contacts[cid] for cid in ids}
    loops = repo.open_loops(session, owner_id=viewer_id, contact_ids=ids)
    said = news.about(
        session,
        contact_ids=ids,
        since=now - SENSITIVE_COOLDOWN,
        now=now,
        workspace_id=workspace_id,
        viewer_id=viewer_id,
    )
    through_links = repo.visible_by_link(workspace_id, viewer_id)
    needs: dict[int, list[str]] = {}
    firsts: dict[int, int] = {}
    for cid in ids:
        # Two columns of the latest visible notes, not fifty whole notes: the needs they name,
        # and which one is the latest (read whole below, all contacts' at once).
        found = needs.setdefault(cid, [])
        for note_id, said_needs, note_ws in session.execute(
            sa_select(col(Note.id), col(Note.needs), col(Note.workspace_id))
            .select_from(NoteContact)
            .join(Note, col(Note.id) == col(NoteContact.note_id))
            .where(col(NoteContact.contact_id) == cid, *through_links)
            .order_by(col(Note.occurred_at).desc(), col(Note.id).desc())
            .limit(NEEDS_FROM)
        ).all():
            if note_ws != workspace_id:  # never so (a link carries its note's workspace)
                continue
            firsts.setdefault(cid, note_id)
            found.extend(n for n in (said_needs or ()) if n not in found)
    latest_notes = (
        session.exec(select(Note).where(col(Note.id).in_(set(firsts.values())))).all()
        if firsts
        else []
    )
    latest = {entry.note_id: entry for entry in timeline(session, latest_notes)}
    cards = []
    for cid in ids:
        contact = by_id[cid]
        last = latest.get(firsts.get(cid, 0))
        cards.append(
            ContactCard(
                contact=contact_ref(contact),
                aliases=(),
                company=contact.company,
                role=contact.role,
                timeline=(last,) if last else (),
                last_interaction=last,
                last_by_you=None,
                open_loops=tuple(
                    sorted_loops(
                        [loop_view(lp, by_id, now) for lp in loops if lp.contact_id == cid]
                    )
                ),
                occasions=tuple(
                    occasion_view(o, by_id, now, tz)
                    for o in repo.visible_occasions(
                        session, workspace_id=workspace_id, viewer_id=viewer_id, contact_id=cid
                    )
                ),
                sensitive=tuple((s.news.words, s.news.at) for s in said.get(cid, ())),
                needs=tuple(needs.get(cid, ())),
                tags=(),
                standing=standing_row(gathered, cid, team=False) if cid in gathered.facts else None,
            )
        )
    return tuple(cards)
