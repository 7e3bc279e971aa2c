"""A small world builder for reminder tests: rows written with the SQLModel classes, at fixed
times, under the composition root's use cases (tests/world.py). Reads like the story it sets up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.names import name_key
from bot.domain.refs import Actor
from bot.reminders.notifier import MemoryNotifier
from bot.reminders.tick import TickReport
from bot.store.models import (
    Contact,
    ContactTag,
    Loop,
    Note,
    NoteContact,
    Occasion,
    User,
    Workspace,
)
from tests.world import World as BaseWorld

WS = "T1"


@dataclass
class World(BaseWorld):
    users: dict[str, int] = field(default_factory=dict)
    contacts: dict[str, int] = field(default_factory=dict)
    notifier: MemoryNotifier = field(default_factory=MemoryNotifier)

    def __post_init__(self) -> None:
        super().__post_init__()
        with self.sessions() as session:
            if session.get(Workspace, WS) is None:
                session.add(Workspace(id=WS, name="Acme", created_at=self.now))
                session.commit()

    def actor(self, user: str) -> Actor:
        return Actor(workspace_id=WS, user_id=user, display_name=user.title())

    # --- rows -------------------------------------------------------------------------------

    def user(self, name: str, *, tz: str | None = None) -> int:
        if name in self.users:
            return self.users[name]
        with self.sessions() as session:
            row = User(
                workspace_id=WS,
                external_id=name,
                display_name=name.title(),
                tz=tz,
                created_at=self.now,
            )
            session.add(row)
            session.commit()
            assert row.id is not None
            self.users[name] = row.id
            return row.id

    def contact(self, name: str, *, tags: tuple[str, ...] = ()) -> int:
        """A contact; `tags` are only its ContactTag rows (no note carries them), which alone
        put nobody under a #tag cadence: use `note(..., tags=...)` for that."""
        if name not in self.contacts:
            with self.sessions() as session:
                row = Contact(
                    workspace_id=WS,
                    display_name=name,
                    name_key=name_key(name),
                    created_at=self.now,
                )
                session.add(row)
                session.commit()
                assert row.id is not None
                self.contacts[name] = row.id
        cid = self.contacts[name]
        if tags:
            with self.sessions() as session:
                for tag in tags:
                    if session.get(ContactTag, (cid, tag)) is None:
                        session.add(ContactTag(workspace_id=WS, contact_id=cid, tag=tag))
                session.commit()
        return cid

    def note(
        self,
        author: str,
        text: str,
        *,
        about: tuple[str, ...],
        days_ago: float = 0,
        sensitive: tuple[str, ...] = (),
        kind: str | None = None,
        visibility: str = "team",
        tags: tuple[str, ...] = (),
    ) -> int:
        """A note, filed as the service files one: #tags on the note and on its contacts."""
        author_id = self.user(author)
        ids = [self.contact(name, tags=tags) for name in about]
        with self.sessions() as session:
            row = Note(
                workspace_id=WS,
                author_id=author_id,
                text=text,
                kind=kind,
                visibility=visibility,
                occurred_at=self.now - timedelta(days=days_ago),
                logged_at=self.now,
                sensitive=list(sensitive),
                tags=list(tags),
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            for cid in ids:
                session.add(
                    NoteContact(
                        note_id=row.id, contact_id=cid, workspace_id=WS, sensitive=list(sensitive)
                    )
                )
            session.commit()
            return row.id

    def loop(
        self,
        owner: str,
        about: str,
        what: str,
        *,
        direction: str = "you_owe",
        due: datetime | None = None,
        days_ago: float = 0,
    ) -> int:
        note_id = self.note(owner, f"{direction} {about} {what}", about=(about,), days_ago=days_ago)
        with self.sessions() as session:
            row = Loop(
                workspace_id=WS,
                owner_id=self.users[owner],
                contact_id=self.contacts[about],
                direction=direction,
                what=what,
                due_at=due,
                source_note_id=note_id,
                created_at=self.now - timedelta(days=days_ago),
            )
            session.add(row)
            session.commit()
            assert row.id is not None
            return row.id

    def close_loop(self, loop_id: int) -> None:
        with self.sessions() as session:
            row = session.get(Loop, loop_id)
            assert row is not None
            row.status = "closed"
            row.closed_at = self.now
            session.add(row)
            session.commit()

    def occasion(
        self, owner: str, about: str, *, month: int, day: int, kind: str = "birthday"
    ) -> int:
        note_id = self.note(owner, f"{about} {kind} {month}/{day}", about=(about,))
        with self.sessions() as session:
            row = Occasion(
                workspace_id=WS,
                contact_id=self.contacts[about],
                kind=kind,
                month=month,
                day=day,
                source_note_id=note_id,
            )
            session.add(row)
            session.commit()
            assert row.id is not None
            return row.id

    # --- acting -----------------------------------------------------------------------------

    def cadence(self, owner: str, target: str, days: int) -> None:
        self.user(owner)
        if not target.startswith("#"):
            self.contact(target)
        self.app.cadences.set_cadence(actor=self.actor(owner), target=target, every_days=days)

    def tick(self, **options: object) -> TickReport:
        return self.app.delivery.tick(
            notifier=self.notifier,
            now=self.now,
            worker="test",
            **options,  # type: ignore[arg-type]
        )

    def items_sent(self, user: str | None = None) -> list[dict[str, object]]:
        """Every reminder item delivered so far (to `user`), from the blocks' button values."""
        out: list[dict[str, object]] = []
        for sent in self.notifier.sent:
            if user is not None and sent.user != user:
                continue
            for block in sent.blocks:
                if block.get("type") == "actions":
                    out.append({"user": sent.user, "key": block["elements"][0]["value"]})
        return out

    def keys_sent(self, user: str | None = None) -> list[str]:
        return [str(i["key"]) for i in self.items_sent(user)]
