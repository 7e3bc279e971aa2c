"""What to write to someone after bad news, in the words a person would use.

The parser names what happened with a label ("bereavement", "laid off", "illness"); a label is
for sorting, not for a message. "I heard about the bereavement" reads like a form letter, and
naming a diagnosis or a divorce back to someone is not kind. So each kind of news gets a short
message of its own, the most serious news in a note decides, and anything unknown gets the
gentlest general one.
"""

from __future__ import annotations

from collections.abc import Iterable

CLOSING = "Thinking of you — no need to reply."

# Most serious first: a note about a funeral after a hospital stay is about the loss.
_MESSAGES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"bereavement", "funeral"}), "I was so sorry to hear of your loss."),
    (frozenset({"miscarriage"}), "I'm so sorry for your loss."),
    (frozenset({"house fire"}), "I heard about the fire and I'm so sorry. I hope you're all safe."),
    (
        frozenset({"lost home"}),
        "I heard you've had to leave your home and I'm so sorry. I hope you're all safe.",
    ),
    (
        frozenset({"illness", "hospital", "surgery", "accident"}),
        "I heard things have been hard lately and I'm sorry. Wishing you and yours strength.",
    ),
    (
        frozenset({"laid off"}),
        "I heard about the news at work and I'm sorry. If an intro or a reference would help, "
        "just say.",
    ),
    (frozenset({"divorce", "breakup"}), "I heard things have been hard lately and I'm sorry."),
)
_GENERAL = "I heard things have been hard lately and I'm sorry."


def topics_of(text: str | None) -> list[str]:
    """ "funeral, bereavement" (how a note's topics are joined) → ["funeral", "bereavement"]."""
    return [t.strip().casefold() for t in (text or "").split(",") if t.strip()]


def sympathy_message(first_name: str, topics: Iterable[str]) -> str:
    """ "Hi Jane, I was so sorry to hear of your loss. Thinking of you — no need to reply." """
    said = {t.strip().casefold() for t in topics}
    words = next((message for kinds, message in _MESSAGES if kinds & said), _GENERAL)
    return f"Hi {first_name}, {words} {CLOSING}"
