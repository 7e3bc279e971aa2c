"""Reminder settings: the digest hour, working days and hours, the daily cap, one digest or one DM
per reminder. Changing them re-checks every live track of the user on the next tick.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col

from bot.domain.errors import UserInputError
from bot.domain.refs import Actor
from bot.domain.reminders import (
    SettingsView,
)
from bot.reminders import planner
from bot.reminders.facts import schedule_for
from bot.reminders.planner import Schedule
from bot.store import identity
from bot.store.reminder_models import (
    ReminderSettings,
    ReminderTrack,
)
from bot.usecases import UseCases


class Schedules(UseCases):
    """When and how much each user is reminded: digest hour, work days and hours, cap, mode."""

    def settings(self, *, actor: Actor) -> SettingsView:
        with self._session() as session:
            user = self._user(session, actor)
            session.commit()
            return _settings_view(schedule_for(session, user, actor, self.default_tz))

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
            # Enterprise Grid: the same person in the org's other workspaces is reminded the
            # same way (their settings are theirs, not a workspace's).
            identity.share_settings(session, row, identity.linked_users(session, user), now=now)
            session.commit()
            return _settings_view(schedule_for(session, user, actor, self.default_tz))

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
