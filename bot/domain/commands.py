"""Every command word Rapport understands, and when a line of chat is a command and not a note.

One registry for the three places people type: `/rapport WORD …` (bot/handlers/), a DM to the
bot (bot/handlers/messages.py) and `rapport console` (bot/console/repl.py), and beside them the
`rapport WORD` subcommands (bot/console/args.py). Tests hold each surface to this list, so a word
cannot be a command in one place and a note in another.

A DM and the console take free text: "next week I owe Raj the deck" is a note, "next" alone is a
command. So each command says what may follow its word in a chat line (`takes`); a line whose
rest does not fit is not that command, and is filed (or recalled) as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

# Where a word works. SLACK: `/rapport WORD` and a DM; CONSOLE: the REPL; CLI: `rapport WORD`.
SLACK: Final = "slack"
CONSOLE: Final = "console"
CLI: Final = "cli"
EVERYWHERE: Final = frozenset({SLACK, CONSOLE, CLI})
CHAT: Final = frozenset({SLACK, CONSOLE})  # a conversation: a DM, the REPL
TERMINAL: Final = frozenset({CONSOLE, CLI})

Takes = Callable[[str], bool]


def nothing(rest: str) -> bool:
    return not rest


def anything(rest: str) -> bool:
    return True


# A name after a command word: a few words, not a question ("who is Jane?" recalls) and not a
# sentence about someone ("who wanted a dog" recalls, "focus on the deck" is a note).
_NOT_A_NAME: Final = frozenset(
    {"is", "was", "are", "were", "did", "does", "do", "has", "had", "have", "it", "me"}
    | {"wanted", "wants", "said", "says", "knows", "knew", "owes", "owed", "asked", "mentioned"}
    | {"on", "for", "the", "a", "an", "to", "of", "about", "with", "at", "in", "this", "that"}
    | {"my", "our"}
)


def a_name(rest: str) -> bool:
    words = rest.split()
    if not 1 <= len(words) <= 5 or rest.rstrip().endswith("?") or "," in rest:
        return False
    return words[0].casefold() not in _NOT_A_NAME


def nothing_or_a_name(rest: str) -> bool:
    return not rest or a_name(rest)


_CALENDAR_ACTIONS: Final = frozenset({"connect", "import", "status", "sync", "disconnect"})


def calendar_words(rest: str) -> bool:
    """ "calendar", "calendar status", "calendar import ~/Downloads/work.ics"."""
    return not rest or rest.split()[0].casefold() in _CALENDAR_ACTIONS


def brief_words(rest: str) -> bool:
    """ "brief", "brief off", "brief minutes 10", "brief Jane Doe"."""
    words = rest.casefold().split()
    if not words or words in (["off"], ["on"], ["status"], ["settings"]):
        return True
    if words[0] in ("minutes", "min") or (len(words) == 1 and words[0].isdigit()):
        return True
    return a_name(rest)


def two_names(rest: str) -> bool:
    """ "Jennifer Park = Jen": the `=` that the two names need (they have spaces)."""
    left, sep, right = rest.partition("=")
    return bool(sep and left.strip() and right.strip())


_EVERY: Final = re.compile(
    r"(?:^|\s)(?:every\s+(?:\d+\s+)?\w+|weekly|monthly|quarterly|yearly|annually|biweekly|"
    r"fortnightly|\d+[dwmqy]|stop|off|never|none)$",
    re.IGNORECASE,
)


def cadence_words(rest: str) -> bool:
    """Nothing (list them), or a name or #tag and then an interval or `stop`."""
    return not rest or (len(rest.split()) >= 2 and _EVERY.search(rest) is not None)


_DURATION: Final = re.compile(
    r"\s(?:\d+[dwmqy]|tomorrow|\d+\s+(?:day|week|month)s?|a\s+(?:day|week|month)|"
    r"(?:day|week|month))$",
    re.IGNORECASE,
)


def snooze_words(rest: str) -> bool:
    """A name and how long: "Jane Doe 1w", "Sam 2 weeks", "Raj tomorrow"."""
    return _DURATION.search(rest) is not None


_SETTINGS: Final = frozenset({"digest", "individual", "hour", "at", "days", "hours", "cap", "max"})


def settings_words(rest: str) -> bool:
    words = rest.casefold().split()
    return not words or words[0] in _SETTINGS


def review_words(rest: str) -> bool:
    return rest.casefold().split() in ([], ["weekly", "on"], ["weekly", "off"])


_TEAM_WORDS: Final = frozenset({"team", "--team", "everyone"})


def parse_fading_words(text: str) -> tuple[int, str | None, bool] | None:
    """ "2 #investors team" → (page 2, tag "investors", team), words in any order; None when a
    word is none of those."""
    page, tag, team = 1, None, False
    for word in text.split():
        lowered = word.casefold()
        if lowered.isdigit():
            page = max(1, min(int(lowered), 10_000))
        elif lowered in _TEAM_WORDS:
            team = True
        elif lowered.startswith("#") and len(lowered) > 1:
            tag = lowered[1:]
        else:
            return None
    return page, tag, team


def fading_words(rest: str) -> bool:
    return parse_fading_words(rest) is not None


def one_word(rest: str) -> bool:
    return len(rest.split()) == 1


@dataclass(frozen=True)
class Command:
    name: str
    takes: Takes  # what may follow the word in a chat line (a DM, the console)
    where: frozenset[str] = EVERYWHERE
    aliases: tuple[str, ...] = ()
    needs: str | None = None  # what must follow the word ("a name"); None: nothing must
    # A rest that is this command with a part missing ("cadence Jane", "snooze Jane"): still the
    # command, which says what it needs, rather than a note about Jane that says "cadence".
    partial: Takes | None = None

    @property
    def words(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


COMMANDS: Final[tuple[Command, ...]] = (
    Command("log", anything, needs="what happened"),
    Command("recall", anything, aliases=("find", "search"), needs="something to look for"),
    Command("who", a_name, needs="a name"),
    Command("loops", nothing),
    Command("fading", fading_words),
    Command("focus", nothing_or_a_name),
    Command("unfocus", a_name, needs="a name"),
    Command("next", nothing),
    Command("review", review_words),
    Command("cadence", cadence_words, partial=a_name),
    Command("snooze", snooze_words, needs="a name and how long", partial=a_name),
    Command("settings", settings_words),
    Command("due", nothing),
    Command("who-knows", anything, needs="a company, role or topic"),
    Command("alias", two_names, needs="a name, `=` and the alias"),
    Command("rename", two_names, needs="a name, `=` and the new name"),
    Command("merge", two_names, needs="two names separated by `=`"),
    Command("forget", a_name, needs="a name"),
    Command("calendar", calendar_words),
    Command("brief", brief_words),
    # Slack Connect: typed in the shared channel itself (a DM or the terminal has no channel).
    Command("track", nothing, where=frozenset({SLACK})),
    Command("untrack", nothing, where=frozenset({SLACK})),
    Command("undo", nothing, where=CHAT),
    Command("help", nothing, aliases=("?",), where=CHAT),
    Command("quit", nothing, aliases=("exit", "bye"), where=frozenset({CONSOLE})),
    # The terminal's own: files, the workspace's defaults, delivery by cron.
    Command("workspace", nothing, where=TERMINAL),
    Command("workspaces", one_word, where=frozenset({CLI})),
    Command("import", one_word, where=TERMINAL, needs="a file"),
    Command("export", nothing, where=TERMINAL),
    Command("deliver", nothing, where=TERMINAL),
    Command("console", nothing, where=frozenset({CLI})),
    Command("db", one_word, where=frozenset({CLI})),
    Command("serve", nothing, where=frozenset({CLI})),
)

_BY_WORD: Final = {word: command for command in COMMANDS for word in command.words}


def command_named(word: str) -> Command | None:
    return _BY_WORD.get(word.casefold())


def words_for(surface: str) -> frozenset[str]:
    """Every word (names and aliases) that is a command on `surface`."""
    return frozenset(w for c in COMMANDS if surface in c.where for w in c.words)


@dataclass(frozen=True)
class Match:
    command: Command
    word: str  # as typed, lower-cased
    rest: str  # what followed it, stripped


def recognise(line: str) -> Match | None:
    """The command a chat line is, or None for a note or a question.

    The word must be a command's and what follows must fit it (`Command.takes`); a command typed
    without what it needs ("who", "snooze") is still that command, so it can say what it needs.
    In the console, flags ("fading --team") make any rest a command's.
    """
    word, _, rest = line.strip().partition(" ")
    command = command_named(word)
    if command is None:
        return None
    rest = rest.strip()
    incomplete = (not rest and command.needs) or (command.partial and command.partial(rest))
    if command.takes(rest) or incomplete or rest.startswith("--"):
        return Match(command=command, word=word.casefold(), rest=rest)
    return None


# Chat that is not a note: a hello on its own (often a new user's first words) gets the help
# text; a thank-you (a reply to a reminder) a short answer. Neither is filed about no one.
_POLITE_TAIL: Final = r"(?:,? (?:there|rapport|bot|all|everyone|team|so much|a lot|again))?"
_PUNCTUATION_AND_EMOJI: Final = r"(?:[\s!.,]|:[a-z0-9_+-]+:|[:;]-?[)D]|<3)*"
_GREETING: Final = re.compile(
    r"(?:hi+|hello|hey+|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening))"
    + _POLITE_TAIL
    + _PUNCTUATION_AND_EMOJI,
    re.IGNORECASE,
)
_THANKS: Final = re.compile(
    r"(?:thanks|thank you|thx|ty|cheers|great|perfect|awesome|cool|ok(?:ay)?|got it)"
    + _POLITE_TAIL
    + _PUNCTUATION_AND_EMOJI,
    re.IGNORECASE,
)
YOU_ARE_WELCOME: Final = "You're welcome! Tell me what happened any time, or ask me something."


def is_greeting(line: str) -> bool:
    return _GREETING.fullmatch(line.strip()) is not None


def is_thanks(line: str) -> bool:
    return _THANKS.fullmatch(line.strip()) is not None
