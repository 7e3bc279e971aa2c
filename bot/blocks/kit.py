"""The Block Kit primitives and Slack's limits, once: every renderer builds on these.

Every piece of user text goes through `escape` (so `<!channel>` or a fake `<http://…|link>` in a
note cannot ping or mislead anyone), every section stays within Slack's 3000 characters
(without cutting an escaped entity in half), and lists are cut with `fit`. Times use Slack's
`<!date^…>` token, which each reader's client shows in their own zone. `mrkdwn_to_text` is the
one way back to plain text, for the console and notification fallbacks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final

from bot.domain.humanize import local_date, local_datetime
from bot.domain.refs import ContactRef

Block = dict[str, Any]

# Slack's limits, in one place: every renderer cuts to these.
MAX_MESSAGE_BLOCKS: Final = 50
MAX_SURFACE_BLOCKS: Final = 100  # App Home and modals
MAX_SECTION_TEXT: Final = 3000
MAX_FALLBACK_TEXT: Final = 3000  # a message's notification `text`
MAX_CONTEXT_ELEMENTS: Final = 10
MAX_HEADER_TEXT: Final = 150
MAX_BUTTON_TEXT: Final = 75
MAX_BUTTON_VALUE: Final = 2000
MAX_ACTIONS_ELEMENTS: Final = 25
MAX_INPUT_LENGTH: Final = 3000


def escape(text: str) -> str:
    """Escape the three characters Slack treats as markup, so echoed text stays text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn_to_text(text: str, *, keep_entities: bool = False) -> str:
    """mrkdwn back to plain text, for the console and for a notification's fallback: no bold;
    the escaped `&`, `<`, `>` decoded, unless the text goes back to Slack (`keep_entities`)."""
    plain = text.replace("*", "")
    if keep_entities:
        return plain
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "…"


def _safe_truncate(escaped: str, limit: int) -> str:
    """Truncate already-escaped text without cutting an entity such as `&amp;` in half."""
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(limit - 1, 0)]
    amp = cut.rfind("&", max(len(cut) - 5, 0))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def plain(text: str, *, emoji: bool = True) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": emoji}


def section(text: str) -> Block:
    """A mrkdwn section; `text` is already escaped mrkdwn."""
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": _safe_truncate(text, MAX_SECTION_TEXT)},
    }


def context(*texts: str) -> Block:
    elements = [
        {"type": "mrkdwn", "text": _safe_truncate(t, MAX_SECTION_TEXT)} for t in texts if t
    ][:MAX_CONTEXT_ELEMENTS]
    return {"type": "context", "elements": elements}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(truncate(text, MAX_HEADER_TEXT))}


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str, action_id: str, value: str, *, style: str | None = None, confirm: Block | None = None
) -> Block:
    if len(value) > MAX_BUTTON_VALUE:
        raise ValueError(f"button value too long ({len(value)} > {MAX_BUTTON_VALUE})")
    element: Block = {
        "type": "button",
        "text": plain(truncate(text, MAX_BUTTON_TEXT)),
        "action_id": action_id,
        "value": value,
    }
    if style is not None:
        element["style"] = style
    if confirm is not None:
        element["confirm"] = confirm
    return element


def actions(elements: Sequence[Block], *, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[:MAX_ACTIONS_ELEMENTS]}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def quote(text: str) -> str:
    """Escaped text as a mrkdwn block quote."""
    return "\n".join("&gt; " + line for line in escape(text).splitlines() or [""])


def slack_date(when: datetime, *, fallback_tz: str, with_time: bool = True) -> str:
    """`<!date^…>`: Slack shows it in the reader's own zone; the fallback uses `fallback_tz`."""
    fmt = "{date_short_pretty} at {time}" if with_time else "{date_short_pretty}"
    fallback = local_datetime(when, fallback_tz) if with_time else local_date(when, fallback_tz)
    return f"<!date^{int(when.timestamp())}^{fmt}|{fallback}>"


def sections_from_lines(lines: Iterable[str], *, limit: int = MAX_SECTION_TEXT) -> list[Block]:
    """Pack mrkdwn lines into as few sections as fit 3000 characters each."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for raw in lines:
        line = _safe_truncate(raw, limit)
        if current and size + 1 + len(line) > limit:
            blocks.append(section("\n".join(current)))
            current, size = [], 0
        current.append(line)
        size += len(line) + (1 if size else 0)
    if current:
        blocks.append(section("\n".join(current)))
    return blocks


def fit(blocks: list[Block], limit: int, *, more: str = "…and more not shown here.") -> list[Block]:
    """Cut a block list to `limit`, saying so in the last block."""
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], context(more)]


def names(contacts: Iterable[ContactRef]) -> str:
    return ", ".join(f"*{escape(c.display_name)}*" for c in contacts)
