"""The reminder use cases: cadences, snoozes, settings, what is due, and the buttons on a DM.

Like bot.service.Rapport: keyword-only session factory, clock and default zone; every method
takes the acting `Actor` (identity from the Slack payload or --as); no Slack types here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.domain.errors import NotFoundError, UserInputError
from bot.domain.refs import Actor, ContactRef
from bot.domain.reminders import (
    HEADS_UP,
    KINDS,
    OCCASION,
    STAY_IN_TOUCH,
    WAITING_ON,
    YOU_OWE,
    ActionResult,
    CadenceView,
    DueItem,
    DueMessage,
    DueReport,
    Item,
    SettingsView,
    SnoozeView,
    Upcoming,
)
from bot.notes.lookup import find_contact
from bot.reminders import plan, planner
from bot.reminders.notifier import Notifier
from bot.reminders.planner import TRACK_CADENCE, Schedule
from bot.reminders.render import item_line
from bot.reminders.tick import TickReport, pending, tick
from bot.store import repo
from bot.store.models import Contact, ContactTag, Loop, Note, NoteContact, User
from bot.store.reminder_models import (
    ReminderCadence,
    ReminderSettings,
    ReminderSnooze,
    ReminderTrack,
)
from bot.usecases import UseCases

_TAG = re.compile(r"^#?([\w-]+)$", re.UNICODE)


class Reminders(UseCases):
    """Cadences, snoozes, settings, what is due, and the reminder buttons."""

    def _schedule(self, session: Session, user: User, actor: Actor | None = None) -> Schedule:
        assert user.id is not None
        row = session.get(ReminderSettings, user.id)
        tz = (actor.tz if actor else None) or user.tz
        return plan.schedule_of(row, tz, self.default_tz)

    def _contact(self, session: Session, actor: Actor, name: str) -> Contact:
        return find_contact(session, workspace_id=actor.workspace_id, name=name)

    def _touch_track(self, session: Session, owner_id: int, subject: str, now: datetime) -> None:
        """Make the next collect re-check this track now (a change may have made it earlier)."""
        session.execute(
            update(ReminderTrack)
            .where(col(ReminderTrack.owner_id) == owner_id, col(ReminderTrack.subject) == subject)
            .values(next_due_at=now, verified_at=plan.EPOCH)
            .execution_options(synchronize_session=False)
        )

    # --- cadences ---------------------------------------------------------------------------

    def set_cadence(
        self, *, actor: Actor, target: str, every_days: int, contact_id: int | None = None
    ) -> CadenceView:
        """ "Stay in touch with `target` (a name, or #tag) every N days". Counts from the last
        interaction, not from now. `contact_id` settles a "which Jane?" the caller asked."""
        if not 1 <= every_days <= 3650:
            raise UserInputError("A cadence is between 1 day and 10 years, e.g. `every 30 days`.")
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            tag = _tag(target) if contact_id is None else None
            if tag is not None:
                cadence = self._upsert_cadence(
                    session, actor, user.id, subject=f"tag:{tag}", tag=tag, days=every_days
                )
                session.flush()
                assert cadence.id is not None
                plan.expand_tags(session, now=now, cadence_id=cadence.id)
                members = select(ContactTag.contact_id).where(
                    ContactTag.workspace_id == actor.workspace_id, ContactTag.tag == tag
                )
                session.execute(
                    update(ReminderTrack)
                    .where(
                        col(ReminderTrack.owner_id) == user.id,
                        col(ReminderTrack.contact_id).in_(members),
                        col(ReminderTrack.kind) == TRACK_CADENCE,
                    )
                    .values(next_due_at=now)
                    .execution_options(synchronize_session=False)
                )
                session.commit()
                return CadenceView(target=f"#{tag}", every_days=every_days, tag=tag)
            contact = self._pick_contact(session, actor, target, contact_id)
            assert contact.id is not None
            self._upsert_cadence(
                session,
                actor,
                user.id,
                subject=f"contact:{contact.id}",
                contact_id=contact.id,
                days=every_days,
            )
            plan.ensure_track(
                session,
                workspace_id=actor.workspace_id,
                owner_id=user.id,
                kind=TRACK_CADENCE,
                subject=f"contact:{contact.id}",
                now=now,
            )
            self._touch_track(session, user.id, f"contact:{contact.id}", now)
            session.commit()
            return self._cadence_view(session, actor, user, contact)

    def _pick_contact(
        self, session: Session, actor: Actor, name: str, contact_id: int | None
    ) -> Contact:
        if contact_id is not None:
            found = repo.get_contact(
                session, workspace_id=actor.workspace_id, contact_id=contact_id
            )
            if found is None:
                raise NotFoundError("I don't know that contact.")
            return found
        return self._contact(session, actor, name)

    def _upsert_cadence(
        self,
        session: Session,
        actor: Actor,
        owner_id: int,
        *,
        subject: str,
        days: int,
        tag: str | None = None,
        contact_id: int | None = None,
    ) -> ReminderCadence:
        now = self._now()
        cadence = session.exec(
            select(ReminderCadence).where(
                ReminderCadence.owner_id == owner_id, ReminderCadence.subject == subject
            )
        ).first()
        if cadence is None:
            cadence = ReminderCadence(
                workspace_id=actor.workspace_id,
                owner_id=owner_id,
                kind="tag" if tag else "contact",
                subject=subject,
                contact_id=contact_id,
                tag=tag,
                every_days=days,
                created_at=now,
            )
        cadence.every_days = days
        cadence.stopped_at = None if days > 0 else now
        session.add(cadence)
        return cadence

    def stop_cadence(
        self, *, actor: Actor, target: str, contact_id: int | None = None
    ) -> CadenceView:
        """No more stay-in-touch nudges for a contact (even one a #tag cadence covers) or a tag."""
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            tag = _tag(target) if contact_id is None else None
            if tag is not None:
                cadence = session.exec(
                    select(ReminderCadence).where(
                        ReminderCadence.owner_id == user.id,
                        ReminderCadence.subject == f"tag:{tag}",
                    )
                ).first()
                if cadence is None:
                    raise NotFoundError(f"You have no cadence for #{tag}.")
                cadence.stopped_at = now
                session.add(cadence)
                session.commit()
                return CadenceView(
                    target=f"#{tag}", every_days=cadence.every_days, tag=tag, stopped=True
                )
            contact = self._pick_contact(session, actor, target, contact_id)
            assert contact.id is not None
            # A stop row, even without a cadence of its own: it overrides any #tag cadence.
            self._upsert_cadence(
                session,
                actor,
                user.id,
                subject=f"contact:{contact.id}",
                contact_id=contact.id,
                days=0,
            )
            session.commit()
            return CadenceView(
                target=contact.display_name,
                every_days=0,
                contact=_ref(contact),
                stopped=True,
            )

    def set_cadence_text(self, *, actor: Actor, text: str) -> CadenceView:
        """`/rapport cadence Jane Doe every 30 days`, `#investors quarterly`, `Jane Doe stop`."""
        target, days = parse_cadence_args(text)
        if days == 0:
            return self.stop_cadence(actor=actor, target=target)
        return self.set_cadence(actor=actor, target=target, every_days=days)

    def cadences(self, *, actor: Actor) -> tuple[CadenceView, ...]:
        """The actor's cadences, contacts first by name, then tags."""
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            rows = session.exec(
                select(ReminderCadence).where(ReminderCadence.owner_id == user.id)
            ).all()
            contacts = repo.contacts_by_id(session, [r.contact_id for r in rows if r.contact_id])
            views = []
            for row in rows:
                if row.tag is not None:
                    views.append(
                        CadenceView(
                            target=f"#{row.tag}",
                            every_days=row.every_days,
                            tag=row.tag,
                            stopped=row.stopped_at is not None,
                        )
                    )
                elif row.contact_id in contacts:
                    views.append(self._cadence_view(session, actor, user, contacts[row.contact_id]))
            return tuple(sorted(views, key=lambda v: (v.tag is not None, v.target.casefold())))

    def _cadence_view(
        self, session: Session, actor: Actor, user: User, contact: Contact
    ) -> CadenceView:
        assert user.id is not None and contact.id is not None
        track = session.exec(
            select(ReminderTrack).where(
                ReminderTrack.owner_id == user.id,
                ReminderTrack.subject == f"contact:{contact.id}",
            )
        ).first()
        cadence = session.exec(
            select(ReminderCadence).where(
                ReminderCadence.owner_id == user.id,
                ReminderCadence.subject == f"contact:{contact.id}",
            )
        ).first()
        now = self._now()
        evaluation = None
        if track is not None:
            facts = plan.load_facts(session, [track], now=now, default_tz=self.default_tz)
            plan.load_holds(session, facts, [track], now=now)
            if actor.tz:
                facts.schedules[user.id] = self._schedule(session, user, actor)
            evaluation = plan.evaluate(track, facts, now)
        every = cadence.every_days if cadence else 0
        stopped = cadence is None or cadence.stopped_at is not None or every <= 0
        item = evaluation.item if evaluation else None
        return CadenceView(
            target=contact.display_name,
            every_days=every,
            contact=_ref(contact),
            stopped=stopped,
            next_due=evaluation.next_due_at if evaluation else None,
            last_touch=item.last_touch if item else None,
        )

    # --- snoozes ----------------------------------------------------------------------------

    def snooze(
        self, *, actor: Actor, target: str, days: int, contact_id: int | None = None
    ) -> SnoozeView:
        """No stay-in-touch nudge about a contact for `days` local days."""
        if not 1 <= days <= 3650:
            raise UserInputError("Snooze for 1 day up to 10 years, e.g. `1d`, `1w`, `1m`.")
        with self._session() as session:
            user = self._user(session, actor)
            contact = self._pick_contact(session, actor, target, contact_id)
            assert user.id is not None and contact.id is not None
            until = self._snooze(session, actor, user, f"contact:{contact.id}", contact.id, days)
            session.commit()
            return SnoozeView(target=contact.display_name, until=until)

    def snooze_text(self, *, actor: Actor, text: str) -> SnoozeView:
        """`/rapport snooze Jane Doe 1w` (also `2 weeks`, `1 month`, `tomorrow`)."""
        words = text.split()
        for size in (2, 1):
            if len(words) > size:
                days = planner.parse_duration_days(" ".join(words[-size:]))
                if days is not None:
                    return self.snooze(actor=actor, target=" ".join(words[:-size]), days=days)
        raise UserInputError("Snooze whom, for how long? Try `snooze Jane Doe 1w`.")

    def _snooze(
        self,
        session: Session,
        actor: Actor,
        user: User,
        subject: str,
        contact_id: int | None,
        days: int,
        *,
        until: datetime | None = None,
    ) -> datetime:
        assert user.id is not None
        now = self._now()
        until = until or planner.snooze_until(now, days, self._schedule(session, user, actor))
        row = session.get(ReminderSnooze, (user.id, subject))
        if row is None:
            row = ReminderSnooze(
                owner_id=user.id,
                subject=subject,
                workspace_id=actor.workspace_id,
                contact_id=contact_id,
                until=until,
                created_at=now,
            )
        row.until = until
        session.add(row)
        # A shorter snooze can bring a reminder earlier: have the next tick re-check it.
        self._touch_track(session, user.id, subject, now)
        return until

    # --- settings ---------------------------------------------------------------------------

    def settings(self, *, actor: Actor) -> SettingsView:
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            return _settings_view(self._schedule(session, user, actor))

    def update_settings(
        self,
        *,
        actor: Actor,
        digest_hour: int | None = None,
        work_days: str | None = None,
        work_hours: tuple[int, int] | None = None,
        daily_cap: int | None = None,
        mode: str | None = None,
    ) -> SettingsView:
        if digest_hour is not None and not 0 <= digest_hour <= 23:
            raise UserInputError("The digest hour is 0–23, e.g. `--digest-hour 9`.")
        if daily_cap is not None and not 1 <= daily_cap <= planner.MAX_DAILY_CAP:
            raise UserInputError(f"The daily cap is 1–{planner.MAX_DAILY_CAP} reminders.")
        if mode is not None and mode not in ("digest", "individual"):
            raise UserInputError("Choose `digest` (one DM a morning) or `individual`.")
        if work_hours is not None:
            start, end = work_hours
            if not (0 <= start < end <= 24):
                raise UserInputError("Working hours look like `9-18` (start before end).")
        try:
            days_mask = planner.parse_days(work_days) if work_days is not None else None
        except ValueError as exc:
            raise UserInputError(str(exc)) from exc
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            row = session.get(ReminderSettings, user.id)
            if row is None:
                row = ReminderSettings(
                    user_id=user.id, workspace_id=actor.workspace_id, updated_at=now
                )
            if days_mask is not None:
                row.work_days = days_mask
            if work_hours is not None:
                row.work_start, row.work_end = work_hours
            if digest_hour is not None:
                row.digest_hour = digest_hour
                # Asking for the digest at 8 says 8 o'clock is fine: widen the hours to it.
                row.work_start = min(row.work_start, digest_hour)
                row.work_end = max(row.work_end, digest_hour + 1)
            if daily_cap is not None:
                row.daily_cap = daily_cap
            if mode is not None:
                row.mode = mode
            row.updated_at = now
            session.add(row)
            # Slots moved: re-check every live track of this user on the next tick.
            session.execute(
                update(ReminderTrack)
                .where(
                    col(ReminderTrack.owner_id) == user.id,
                    col(ReminderTrack.next_due_at).is_not(None),
                )
                .values(next_due_at=now)
                .execution_options(synchronize_session=False)
            )
            session.commit()
            return _settings_view(self._schedule(session, user, actor))

    def settings_text(self, *, actor: Actor, text: str) -> SettingsView:
        """`/rapport settings digest 8 | days mon-fri | hours 9-17 | cap 3 | individual`."""
        words = text.casefold().split()
        if not words:
            return self.settings(actor=actor)
        changes: dict[str, object] = {}
        index = 0
        while index < len(words):
            word = words[index]
            value = words[index + 1] if index + 1 < len(words) else None
            if word in ("digest", "individual") and (value is None or not value.isdigit()):
                changes["mode"] = word
                index += 1
                continue
            if value is None:
                raise UserInputError(f"`{word}` needs a value, e.g. `cap 3`.")
            try:
                if word in ("digest", "hour", "digest-hour", "at"):
                    changes["digest_hour"] = int(value.removesuffix(":00"))
                elif word == "days":
                    changes["work_days"] = value
                elif word == "hours":
                    start, _, end = value.partition("-")
                    changes["work_hours"] = (int(start), int(end))
                elif word in ("cap", "max"):
                    changes["daily_cap"] = int(value)
                else:
                    raise UserInputError(
                        f"I don't know the setting `{word}`: use digest, days, hours, cap, "
                        "individual."
                    )
            except ValueError as exc:
                raise UserInputError(f"`{word} {value}` isn't a value I understand.") from exc
            index += 2
        return self.update_settings(actor=actor, **changes)  # type: ignore[arg-type]

    # --- what is due ------------------------------------------------------------------------

    def due(self, *, actor: Actor | None = None, now: datetime | None = None) -> DueReport:
        """What the next tick would send at `now` (default: the clock): the queued DMs and the
        ones it would plan, for the actor (or everyone when `actor` is None). Writes nothing:
        the planning runs in a transaction that is rolled back."""
        now = (now or self._now()).astimezone(UTC)
        with self._session() as session:
            owner_ids: set[int] | None = None
            if actor is not None:
                user = repo.get_user(
                    session, workspace_id=actor.workspace_id, external_id=actor.user_id
                )
                if user is None or user.id is None:
                    return DueReport(now=now, messages=())
                owner_ids = {user.id}
        messages: list[DueMessage] = []
        for row in pending(self.sessions, now=now, user_ids=owner_ids):
            items = [Item.from_json(i) for i in row["payload"].get("items", [])]
            tz = str(row["payload"].get("tz") or self.default_tz)
            messages.append(
                DueMessage(
                    user=row["user"],
                    kind=row["kind"],
                    dedupe_key=row["dedupe_key"],
                    due_at=row["due_at"],
                    status="queued",
                    items=tuple(_due_item(i, now, tz) for i in items),
                )
            )
        held: list[DueItem] = []
        with self._session() as session:
            plan.ingest(session, now=now)
            plan.sweep(session, now=now, default_tz=self.default_tz)
            plans = plan.collect(session, now=now, default_tz=self.default_tz, owner_ids=owner_ids)
            session.rollback()
        for user_plan in plans:
            for message in user_plan.messages:
                messages.append(
                    DueMessage(
                        user=message.user,
                        kind=message.kind,
                        dedupe_key=message.dedupe_key,
                        due_at=message.due_at,
                        status="planned",
                        items=tuple(_due_item(i, now, message.tz) for i in message.items),
                    )
                )
            tz = next((m.tz for m in user_plan.messages), self.default_tz)
            held.extend(_due_item(i, now, tz) for i in user_plan.held)
        return DueReport(now=now, messages=tuple(messages), held=tuple(held))

    def upcoming(self, *, actor: Actor, days: int = 7) -> Upcoming:
        """App Home: reminders whose slot falls today, and in the next `days` days."""
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            assert user.id is not None
            schedule = self._schedule(session, user, actor)
            tz = schedule.zoneinfo
            today = planner.local_date(now, tz)
            horizon = planner.local_midnight(today + timedelta(days=days + 1), tz)
            tracks = session.exec(
                select(ReminderTrack).where(
                    ReminderTrack.owner_id == user.id,
                    col(ReminderTrack.next_due_at) < horizon,
                )
            ).all()
            facts = plan.load_facts(session, tracks, now=now, default_tz=self.default_tz)
            plan.load_holds(session, facts, tracks, now=now)
            facts.schedules[user.id] = schedule
            shown: list[tuple[Item, datetime]] = []
            for track in tracks:
                evaluation = plan.evaluate(track, facts, now)
                item = evaluation.item
                if item is None or evaluation.next_due_at is None:
                    continue
                if evaluation.next_due_at >= horizon:
                    continue
                shown.append((item, evaluation.next_due_at))
            items = plan.with_context(
                session, [item for item, _ in shown], owner=user, schedule=schedule, now=now
            )
            soon: list[DueItem] = []
            later: list[DueItem] = []
            for item, (_, next_due) in zip(items, shown, strict=True):
                view = _due_item(item, now, schedule.tz)
                if planner.local_date(next_due, tz) <= today:
                    soon.append(view)
                else:
                    later.append(view)
            soon.sort(key=lambda v: (v.slot, v.key))
            later.sort(key=lambda v: (v.slot, v.key))
            return Upcoming(today=tuple(soon), this_week=tuple(later))

    # --- the buttons ------------------------------------------------------------------------

    def _own_track(self, session: Session, user: User, key: str) -> tuple[str, ReminderTrack]:
        kind, subject = parse_item_key(key)
        track = session.exec(
            select(ReminderTrack).where(
                ReminderTrack.owner_id == user.id, ReminderTrack.subject == subject
            )
        ).first()
        if track is None:
            raise NotFoundError("That reminder isn't yours, or it no longer exists.")
        return kind, track

    def done(self, *, actor: Actor, key: str) -> ActionResult:
        """Done: logs a touch (stay in touch), closes the loop (owe / waiting on), or just
        acknowledges (occasion, heads-up)."""
        now = self._now()
        with self._session() as session:
            user = self._user(session, actor)
            assert user.id is not None
            kind, track = self._own_track(session, user, key)
            contact = repo.get_contact(
                session, workspace_id=actor.workspace_id, contact_id=track.contact_id or 0
            )
            name = contact.display_name if contact else "them"
            if kind == STAY_IN_TOUCH and contact is not None and contact.id is not None:
                workspace = repo.get_or_create_workspace(
                    session, workspace_id=actor.workspace_id, now=now
                )
                note = Note(
                    workspace_id=actor.workspace_id,
                    author_id=user.id,
                    text=f"Got in touch with {name} (marked done on a reminder)",
                    visibility=workspace.default_visibility,
                    occurred_at=now,
                    logged_at=now,
                    source="reminder",
                )
                session.add(note)
                session.flush()
                assert note.id is not None
                session.add(
                    NoteContact(
                        note_id=note.id, contact_id=contact.id, workspace_id=actor.workspace_id
                    )
                )
                self._touch_track(session, user.id, track.subject, now)
                text = f"Logged that you got in touch with {name}."
            elif kind in (YOU_OWE, WAITING_ON):
                loop = session.get(Loop, plan.subject_id(track.subject))
                if loop is None or loop.owner_id != user.id:
                    raise NotFoundError("That loop no longer exists.")
                if loop.status == "open":
                    loop.status = "closed"
                    loop.closed_at = now
                    session.add(loop)
                track.next_due_at = None
                session.add(track)
                text = f"Closed: {loop.what} ({name})."
            elif kind == OCCASION:
                text = f"Great — {name}'s day is taken care of."
            else:
                text = "Thanks, noted."
            session.commit()
            return ActionResult(text=text, key=key)

    def snooze_item(self, *, actor: Actor, key: str, days: int) -> ActionResult:
        """Snooze (1 day / 1 week / 1 month) from a reminder's menu."""
        if not 1 <= days <= 3650:
            raise UserInputError("Snooze for 1 day up to 10 years.")
        with self._session() as session:
            user = self._user(session, actor)
            _kind, track = self._own_track(session, user, key)
            until = self._snooze(session, actor, user, track.subject, track.contact_id, days)
            session.commit()
            schedule = self._schedule(session, user, actor)
            back = planner.next_slot(until, schedule)
            from bot.domain.humanize import local_date

            return ActionResult(text=f"Snoozed until {local_date(back, schedule.tz)}.", key=key)

    def stop(self, *, actor: Actor, key: str) -> ActionResult:
        """Stop: ends the cadence (stay in touch) or silences this loop / occasion for good."""
        kind = parse_item_key(key)[0]
        with self._session() as session:
            user = self._user(session, actor)
            _kind, track = self._own_track(session, user, key)
            contact_id = track.contact_id
            if kind not in (STAY_IN_TOUCH, HEADS_UP):
                self._snooze(
                    session,
                    actor,
                    user,
                    track.subject,
                    contact_id,
                    1,
                    until=self._now() + plan.STOPPED,
                )
                track.next_due_at = None
                session.add(track)
                session.commit()
                return ActionResult(text="OK, no more reminders about that one.", key=key)
            session.commit()
        if contact_id is None:
            raise NotFoundError("That reminder no longer exists.")
        view = self.stop_cadence(actor=actor, target="", contact_id=contact_id)
        return ActionResult(
            text=f"Stopped stay-in-touch nudges for {view.target}. "
            f"`/rapport cadence {view.target} monthly` starts them again.",
            key=key,
        )

    # --- delivery ---------------------------------------------------------------------------

    def tick(
        self, *, notifier: Notifier, now: datetime | None = None, **options: object
    ) -> TickReport:
        """One planning + delivery pass (what the scheduler and `rapport deliver` run)."""
        return tick(
            sessions=self.sessions,
            notifier=notifier,
            now=now or self._now(),
            clock=None if now else self.clock,
            default_tz=self.default_tz,
            **options,  # type: ignore[arg-type]
        )


# --- helpers ------------------------------------------------------------------------------------


def _ref(contact: Contact) -> ContactRef:
    assert contact.id is not None
    return ContactRef(id=contact.id, display_name=contact.display_name)


def _tag(target: str) -> str | None:
    cleaned = target.strip()
    if not cleaned.startswith("#"):
        return None
    match = _TAG.match(cleaned)
    if match is None:
        raise UserInputError(f"{cleaned!r} is not a tag; tags look like `#investors`.")
    return match.group(1).casefold()


def parse_cadence_args(text: str) -> tuple[str, int]:
    """ "Jane Doe every 30 days" → ("Jane Doe", 30); "#investors quarterly" → ("#investors",
    91); "Jane Doe stop" → ("Jane Doe", 0)."""
    words = text.split()
    if len(words) >= 2 and words[-1].casefold() in ("stop", "off", "never", "none"):
        return " ".join(words[:-1]), 0
    for size in (3, 2, 1):
        if len(words) > size:
            days = planner.parse_every(" ".join(words[-size:]))
            if days is not None:
                return " ".join(words[:-size]), days
    raise UserInputError(
        "Try `cadence Jane Doe every 30 days`, `cadence #investors quarterly` "
        "(also weekly, monthly, every 2 weeks), or `cadence Jane Doe stop`."
    )


def parse_item_key(key: str) -> tuple[str, str]:
    """A reminder key → (kind, track subject). "you_owe:loop:5" → ("you_owe", "loop:5")."""
    parts = key.split(":")
    if len(parts) < 3 or parts[0] not in KINDS or not parts[2].isdigit():
        raise NotFoundError("That reminder isn't one I know.")
    return parts[0], f"{parts[1]}:{parts[2]}"


def _due_item(item: Item, now: datetime, tz: str) -> DueItem:
    return DueItem(
        key=item.key,
        kind=item.kind,
        contact=ContactRef(id=item.contact_id, display_name=item.contact),
        text=item_line(item, now=now, tz=tz).replace("*", ""),
        due=item.due,
        slot=item.slot,
        what=item.what,
        greeting=item.greeting,
        context=item.context,
    )


def _settings_view(schedule: Schedule) -> SettingsView:
    return SettingsView(
        tz=schedule.tz,
        digest_hour=schedule.digest_hour,
        work_days=planner.format_days(schedule.work_days),
        work_start=schedule.work_start,
        work_end=schedule.work_end,
        daily_cap=schedule.daily_cap,
        mode=schedule.mode,
    )
