"""Why Rapport reads vCards itself: measured on every real export in tests/fixtures/vcard, our
reader against vobject (the maintained library Rapport used before, still used to write vCards).

`pytest -q -s tests/team/test_vcard_reader_vs_vobject.py` prints the figures. vobject is given the
best chance we gave it in production: the file split into cards first, each card read on its own,
the text decoded as UTF-8 (the only encoding it takes) with undecodable bytes replaced."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import vobject

from bot.domain.names import name_key
from bot.domain.notes import ImportProblem
from bot.notes.vcard_records import records_from_vcards

FIXTURES = Path(__file__).parents[1] / "fixtures" / "vcard"


@dataclass
class Score:
    named: int = 0  # cards read with a name (people, and groups or organisations we skip)
    people: int = 0  # of those, the people
    unreadable: int = 0  # cards rejected whole because the reader failed on them
    broken_names: int = 0  # names with U+FFFD

    def line(self, who: str) -> str:
        return (
            f"{who:8} named cards={self.named:3} (people={self.people:3})  "
            f"rejected unread={self.unreadable:3}  "
            f"names with U+FFFD={self.broken_names}"
        )


def _vobject_name(card: object) -> str:
    contents = getattr(card, "contents", {})
    for prop in contents.get("fn", []):
        if str(prop.value).strip():
            return str(prop.value).strip()
    for prop in contents.get("n", []):
        return f"{prop.value.given} {prop.value.family}".strip()
    return ""


def score_vobject(path: Path) -> Score:
    score = Score()
    chunk: list[str] = []
    for line in path.read_bytes().decode("utf-8-sig", errors="replace").splitlines(True):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            chunk = [line]
            continue
        if chunk:
            chunk.append(line)
        if upper == "END:VCARD" and chunk:
            try:
                name = _vobject_name(vobject.readOne("".join(chunk)))
            except Exception:  # vobject raises many kinds; each is a rejected card
                score.unreadable += 1
            else:
                if name_key(name):
                    score.named += 1
                    score.people += 1  # vobject cannot tell a group from a person
                    score.broken_names += "\ufffd" in name
            chunk = []
    return score


def score_ours(path: Path) -> Score:
    score = Score()
    for found in records_from_vcards(path.read_bytes()):
        if isinstance(found, ImportProblem):
            score.unreadable += found.message.startswith("the card has no END")
            score.named += bool(found.name)
            continue
        score.named += 1
        score.people += 1
        score.broken_names += "\ufffd" in found.name
    return score


def test_our_reader_reads_more_real_cards_than_vobject() -> None:
    ours, theirs = Score(), Score()
    worse = []
    for path in sorted(FIXTURES.glob("*.vcf")):
        mine, other = score_ours(path), score_vobject(path)
        if mine.named < other.named:
            worse.append(path.name)
        for total, one in ((ours, mine), (theirs, other)):
            total.named += one.named
            total.people += one.people
            total.unreadable += one.unreadable
            total.broken_names += one.broken_names
    files = len(list(FIXTURES.glob("*.vcf")))
    print(f"\n{files} files\n{ours.line('ours')}\n{theirs.line('vobject')}")
    assert worse == []  # no file where vobject reads a card we miss
    assert ours.unreadable == 0 and ours.broken_names == 0
    assert ours.named > theirs.named
