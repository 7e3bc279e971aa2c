"""What every Slack surface shares: dependencies, identity from the payload, Slack text, errors.

Nothing here knows about the database or parsing: handlers call the use cases and render blocks.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.webhook import WebhookClient

from bot.blocks.ids import value_int
from bot.blocks.kit import Block
from bot.blocks.notes import error_blocks
from bot.domain.errors import (
    StorageFullError,
    StorageInDoubtError,
    StorageReadOnlyError,
    StorageUnavailableError,
    UserInputError,
)
from bot.domain.refs import Actor

if TYPE_CHECKING:  # the composition root pulls in the store; handlers only need its type
    from bot.app import Rapport

log = logging.getLogger("rapport.slack")

STORAGE_UNAVAILABLE: Final = "Couldn't save that — the database is unavailable. Please try again."
SOMETHING_WENT_WRONG: Final = (
    "Something went wrong on my side and I couldn't finish that. "
    "It has been logged; please try again."
)
BUTTON_OUT_OF_DATE: Final = "That button is out of date; please try again."
USER_CACHE_SECONDS: Final = 24 * 3600
# Threads that do the work after an ack (parse, store, search, answer). Bounded: on two cores more
# threads only fight over the GIL; a burst waits in the queue instead (a response_url is good for
# 30 minutes), while acks keep flowing because bolt's own listener threads are never held up.
BACKGROUND_WORKERS: Final = 2

Reply = Callable[[str, list[Block] | None], None]


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str | None
    tz: str | None
    enterprise_user_id: str | None = None  # Enterprise Grid: users.info's enterprise_user.id


def slack_name(data: Mapping[str, Any]) -> str | None:
    """The name a users.info answer gives a person: their real name first, then what they
    display, then their handle."""
    profile = data.get("profile") or {}
    return (
        profile.get("real_name")
        or data.get("real_name")
        or profile.get("display_name")
        or data.get("name")
        or None
    )


class UserDirectory:
    """users.info, cached per process for a day: names for `<@U…>` mentions and the user's zone.

    Cached per installation (the client's token) and user id: with OAuth one process serves many
    workspaces, and a user id says nothing about which workspace's person it is (the same id in
    two workspaces may be two people; in an Enterprise Grid org, whose one token serves all its
    workspaces, it is one person)."""

    def __init__(self, *, ttl: float = USER_CACHE_SECONDS) -> None:
        self._ttl = ttl
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], tuple[float, SlackUser | None]] = {}
        self._zones: dict[str, dict[str, str | None]] = {}  # user id -> token -> zone

    def lookup(self, client: WebClient, user_id: str) -> SlackUser | None:
        now = time.monotonic()
        key = (client.token or "", user_id)
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        user: SlackUser | None
        try:
            data = client.users_info(user=user_id).get("user") or {}
        except (SlackApiError, SlackRequestError, OSError) as exc:
            log.warning("users.info failed for %s: %s", user_id, exc)
            return None  # not cached: try again next time
        name = slack_name(data)
        tz = data.get("tz") or None
        enterprise_user = data.get("enterprise_user") or {}
        user = SlackUser(
            id=user_id,
            name=name,
            tz=tz,
            enterprise_user_id=str(enterprise_user.get("id") or "") or None,
        )
        with self._lock:
            self._cache[key] = (now, user)
            self._zones.setdefault(user_id, {})[key[0]] = tz
        return user

    def cached_tz(self, user_id: str) -> str | None:
        """The zone for fallback texts, when every installation that looked the user id up
        agrees on it (two workspaces' different people with one id: none, the default)."""
        with self._lock:
            zones = set((self._zones.get(user_id) or {}).values())
        return zones.pop() if len(zones) == 1 else None


class RecentEvents:
    """A bounded set of event ids this process has already answered.

    Notes are deduplicated by the database (the note's Slack `event_id`); recall answers store
    nothing, so a retried question is recognised here instead, within one process.
    """

    def __init__(self, *, size: int = 10_000) -> None:
        self._size = size
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str | None) -> bool:
        if not event_id:
            return True
        with self._lock:
            if event_id in self._seen:
                return False
            self._seen[event_id] = None
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)
            return True


class LastNotes:
    """The last note each person logged through this process, for `undo` typed in a DM (the
    confirmation's Undo button carries its note; a typed `undo` has nothing else to go on)."""

    def __init__(self, *, size: int = 10_000) -> None:
        self._size = size
        self._notes: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, actor: Actor, note_id: int) -> None:
        with self._lock:
            key = (actor.workspace_id, actor.user_id)
            self._notes.pop(key, None)
            self._notes[key] = note_id
            while len(self._notes) > self._size:
                self._notes.popitem(last=False)

    def take(self, actor: Actor) -> int | None:
        with self._lock:
            return self._notes.pop((actor.workspace_id, actor.user_id), None)


def _background_pool() -> Executor:
    return ThreadPoolExecutor(max_workers=BACKGROUND_WORKERS, thread_name_prefix="rapport-work")


@dataclass
class Deps:
    """What handlers are given: the use cases, small per-process caches, and the worker pool."""

    rapport: Rapport
    users: UserDirectory = field(default_factory=UserDirectory)
    answered: RecentEvents = field(default_factory=RecentEvents)
    last_notes: LastNotes = field(default_factory=LastNotes)
    background: Executor = field(default_factory=_background_pool)

    def later(self, work: Callable[[], None], *, reply: Reply) -> None:
        """Run `work` on the worker pool, after the handler has acked and returned.

        Bolt runs listeners on a small pool of its own, and a slash command's ack() waits for a
        free thread there: slow work on those threads delays every later ack (a p99 of ~6x the
        ack-only floor when it ran there). Here the listener only acks and queues. An unexpected
        error is logged and the person told, as bolt's error handler would.
        """

        def run() -> None:
            try:
                work()
            except Exception:
                log.exception("unhandled error in background work")
                try:
                    reply(SOMETHING_WENT_WRONG, error_blocks(SOMETHING_WENT_WRONG))
                except Exception:  # the error path must not raise in turn
                    log.warning("could not tell the user about an error", exc_info=True)

        self.background.submit(run)

    def now(self) -> datetime:
        return self.rapport.clock()

    def tz_for(self, user_id: str) -> str:
        """The zone for fallback texts; Slack's `<!date>` tokens already show each reader's zone."""
        return self.users.cached_tz(user_id) or self.rapport.default_tz


# --- identity ---------------------------------------------------------------------------------


def actor_from_event(body: Mapping[str, Any], event: Mapping[str, Any]) -> Actor:
    return Actor(
        workspace_id=str(body.get("team_id") or event.get("team") or ""), user_id=str(event["user"])
    )


OUTSIDER: Final = (
    "Rapport answers only members of this workspace, so it can't show or keep notes for you "
    "here. If your own workspace has Rapport, message it there."
)


def from_outside(body: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """The event's author belongs to another team than the workspace it was delivered to (a
    Slack Connect channel or DM shared with another company, or, in an Enterprise Grid org, a
    channel shared with another workspace of the org): they must not read or write this
    workspace's notes."""
    user_team = event.get("user_team")
    if not user_team:
        return False
    return str(user_team) not in {
        str(body.get("team_id") or ""),
        str(body.get("enterprise_id") or ""),
    }


def actor_from_command(body: Mapping[str, Any]) -> Actor:
    return Actor(
        workspace_id=str(body["team_id"]),
        user_id=str(body["user_id"]),
        display_name=body.get("user_name") or None,
    )


def actor_from_interaction(body: Mapping[str, Any]) -> Actor:
    """Block actions, shortcuts and view submissions: the clicking user, never a button value."""
    user = body.get("user") or {}
    team = body.get("team") or {}
    workspace = team.get("id") or user.get("team_id") or ""
    return Actor(
        workspace_id=str(workspace), user_id=str(user["id"]), display_name=user.get("name") or None
    )


def prepare_actor(deps: Deps, client: WebClient, actor: Actor) -> Actor:
    """On first contact, ask Slack for the user's zone and name; Rapport caches the zone."""
    if not deps.rapport.users.needs_tz(actor=actor):
        return actor
    user = deps.users.lookup(client, actor.user_id)
    if user is None:
        return actor
    if user.name and not actor.display_name:
        actor = Actor(
            workspace_id=actor.workspace_id, user_id=actor.user_id, display_name=user.name
        )
    deps.rapport.users.set_tz(actor=actor, tz=user.tz, enterprise_user_id=user.enterprise_user_id)
    return actor


# --- Slack text -------------------------------------------------------------------------------

_TOKEN: Final = re.compile(r"<([^<>\n]*)>")


def from_slack(text: str, *, user_name: Callable[[str], str | None]) -> str:
    """Slack's wire text to the plain words the person typed.

    Slack escapes `&`, `<`, `>` and wraps mentions, channels and links in `<…>`: mentions become
    names (`user_name`), broadcasts lose their power (`<!channel>` → `@channel`), links keep
    their label. The result is plain text; renderers escape it again on the way out.
    """

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith(("@U", "@W")):
            return user_name(target[1:]) or label or "someone"
        if target.startswith("#C") or target.startswith("#G"):
            # Not "#name": the parser would read a channel as a #tag on the contacts.
            return f"the {label} channel" if label else "a channel"
        if target.startswith("!subteam^"):
            return label or "a group"
        if target.startswith("!date^"):
            return label
        if target.startswith("!"):
            return "@" + target[1:].split("^", 1)[0]
        if target.startswith("mailto:"):
            return label or target[len("mailto:") :]
        return label if label and label != target else target

    replaced = _TOKEN.sub(replace, text)
    return html.unescape(replaced) if "&" in replaced else replaced


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """Drop the bot's own `<@B…>` mention(s) from an @mention's text."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    return " ".join(text.split()) if "\n" not in text else text.strip()


def names_via(deps: Deps, client: WebClient) -> Callable[[str], str | None]:
    def name(user_id: str) -> str | None:
        user = deps.users.lookup(client, user_id)
        return user.name if user is not None else None

    return name


# --- errors -----------------------------------------------------------------------------------


@contextmanager
def friendly_errors(reply: Reply) -> Iterator[None]:
    """UserInputError and StorageUnavailableError become a message to the person; the rest
    propagates to the app's error handler."""
    try:
        yield
    except StorageUnavailableError as exc:
        log.warning("storage unavailable", exc_info=True)
        # A read-only database or a full disk won't pass by trying again, and a note that may
        # have been kept must not be sent again blindly: say which it is.
        own_words = StorageReadOnlyError | StorageFullError | StorageInDoubtError
        said = str(exc) if isinstance(exc, own_words) else None
        reply(said or STORAGE_UNAVAILABLE, error_blocks(said or STORAGE_UNAVAILABLE))
    except UserInputError as exc:
        reply(str(exc), error_blocks(str(exc)))


def first_action(body: Mapping[str, Any]) -> dict[str, Any]:
    """The clicked element of a block action (its value comes from the client: check it)."""
    found = (body.get("actions") or [{}])[0]
    return found if isinstance(found, dict) else {}


def replies(respond: Respond) -> tuple[Reply, Reply]:
    """(replace the message the button is on, say something new to the clicker only)."""

    def replace(text: str, blocks: list[Block] | None) -> None:
        respond(text=text, blocks=blocks, replace_original=True)

    def tell(text: str, blocks: list[Block] | None) -> None:
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)

    return replace, tell


def parse_int(value: str | None) -> int:
    """An id from a button value; anything else (a huge number too) is an out-of-date button."""
    try:
        return value_int(value)
    except ValueError:
        raise UserInputError(BUTTON_OUT_OF_DATE) from None


def dm_or_webhook_reply(
    client: WebClient, *, response_url: str | None, user_id: str, replace_original: bool = False
) -> Reply:
    """Answer through a response_url (ephemeral, or replacing the message it came from); without
    one, or when it has expired, in the person's DM with the bot. The webhook retries as the
    Web API client does (the same retry handlers)."""

    def reply(text: str, blocks: list[Block] | None) -> None:
        if response_url:
            try:
                hook = WebhookClient(response_url, timeout=10, retry_handlers=client.retry_handlers)
                sent = hook.send(
                    text=text,
                    blocks=blocks,
                    response_type="ephemeral",
                    replace_original=replace_original,
                )
                if sent.status_code == 200:
                    return
                log.warning("response_url answered %s; falling back to a DM", sent.status_code)
            except (SlackRequestError, OSError) as exc:
                log.warning("response_url failed (%s); falling back to a DM", exc)
        client.chat_postMessage(channel=user_id, text=text, blocks=blocks, unfurl_links=False)

    return reply
