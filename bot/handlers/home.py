"""App Home: what is due, open loops, birthdays and recent notes, published when the tab opens."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.brief import home_brief_blocks
from bot.blocks.card import home_view
from bot.blocks.kit import MAX_SURFACE_BLOCKS, fit
from bot.blocks.standing import home_blocks
from bot.handlers.common import Deps, actor_from_event, prepare_actor


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        actor = prepare_actor(deps, client, actor_from_event(body, event))
        home = deps.rapport.recall.home(actor=actor)
        upcoming = deps.rapport.due.upcoming(actor=actor)
        due = [
            ("Due today", [item.text for item in upcoming.today]),
            ("This week", [item.text for item in upcoming.this_week]),
        ]
        tz, now = deps.tz_for(actor.user_id), deps.now()
        view = home_view(home, tz=tz, now=now, due=due)
        # Your next five and your focus list come first: what to do, then what is owed.
        standing = deps.rapport.standing
        top = home_blocks(
            standing.next_actions(actor=actor), standing.focus_list(actor=actor), tz=tz, now=now
        )
        # Then the next meetings with contacts, each with its brief (from the calendar).
        meetings = home_brief_blocks(deps.rapport.briefs.next_meetings(actor=actor), now=now, tz=tz)
        view["blocks"] = fit(top + meetings + view["blocks"], MAX_SURFACE_BLOCKS)
        client.views_publish(user_id=actor.user_id, view=view)
