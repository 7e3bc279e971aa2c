"""Read vCard files as phones and address books actually write them (2.1, 3.0 and 4.0).

Why our own reader and not vobject: on the 59 real exports in tests/fixtures/vcard, vobject read
88 cards, rejected 20 whole (quoted-printable soft line breaks from Outlook and Android, CR CR LF
from iOS, a second PROFILE line, `#` comment lines, Shift_JIS and UTF-16 bytes) and put U+FFFD
into 6 names; this reader reads all 139 named cards (133 people, 6 groups and organisations it
then skips), rejects none and breaks no name
(`pytest -q -s tests/team/test_vcard_reader_vs_vobject.py` prints both). It is tolerant on purpose:

- the file's encoding: a UTF-16/UTF-32 BOM, UTF-16 without one, a UTF-8 BOM; otherwise each value
  in its CHARSET, or the card's first CHARSET, or UTF-8 when it decodes, else Windows-1252
  (bytes it leaves undefined read as Latin-1), so a name never gets U+FFFD;
- line endings CRLF, LF, CR, CR CR LF and mixtures; folding with a space or a tab;
  quoted-printable values whose lines end in a soft break `=`, with or without folding;
- 2.1's bare parameters (`TEL;WORK;VOICE`, `QUOTED-PRINTABLE`) and 3.0/4.0's `TYPE=a,b`;
- `#` comment lines (some Android exports), blank lines, text between cards.

This module turns bytes into properties; bot.notes.importer decides what they mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.notes.encodings import decode_file, text_of

_LINE_BREAK = re.compile(rb"\r\r\n|\r\n|\n|\r")
_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}
_QP_BYTE = re.compile(rb"=([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Property:
    name: str  # upper case, without its group
    group: str  # "item1" in item1.X-ABLABEL, upper case; "" when none
    params: dict[str, tuple[str, ...]]  # upper-case keys; TYPE values upper case
    value: str  # decoded text, vCard escapes still in place
    line: int  # where the property starts in the file

    def types(self) -> set[str]:
        return set(self.params.get("TYPE", ()))


@dataclass
class Card:
    line: int  # where BEGIN:VCARD is
    version: str = ""
    properties: list[Property] = field(default_factory=list)

    def all(self, name: str) -> list[Property]:
        return [p for p in self.properties if p.name == name]

    def first(self, name: str) -> str:
        for prop in self.all(name):
            if prop.value.strip():
                return prop.value.strip()
        return ""


@dataclass(frozen=True)
class Broken:
    """A card that could not be read at all, with the line it starts on."""

    line: int
    message: str


def decode_qp(raw: bytes) -> bytes:
    """Quoted-printable as vCard writers use it: `=XX` bytes, soft breaks already joined; a stray
    `=` is kept (Outlook writes some)."""
    return _QP_BYTE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def _is_qp(line: bytes) -> bool:
    head = line.split(b":", 1)[0].upper()
    return b"QUOTED-PRINTABLE" in head


def logical_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, unfolded line) for every property line in the file."""
    current: bytes | None = None
    start = 0
    lines = _LINE_BREAK.split(data)
    if lines and lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if current is not None and _is_qp(current) and current.endswith(b"="):
            if line.strip():  # a soft break joins the next line as it is
                current = current[:-1] + line.lstrip(b" \t")
                continue
            current = current[:-1]
            yield start, current
            current = None
            continue
        if current is not None and line[:1] in (b" ", b"\t"):
            current += line[1:]
            continue
        if current is not None:
            yield start, current
            current = None
        if not line.strip() or line.startswith(b"#"):
            continue
        current, start = line, number
    if current is not None:
        yield start, current


def _split_outside_quotes(text: bytes, separator: bytes) -> list[bytes]:
    parts, buf, quoted = [], bytearray(), False
    for byte in text:
        char = bytes([byte])
        if char == b'"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append(bytes(buf))
            buf = bytearray()
        else:
            buf += char
    parts.append(bytes(buf))
    return parts


def parse_line(line: bytes) -> tuple[str, str, dict[str, tuple[str, ...]], bytes] | None:
    """(name, group, params, raw value) of one unfolded line; None when it has no colon."""
    head_value = _split_outside_quotes(line, b":")
    if len(head_value) < 2:
        return None
    head, value = head_value[0], b":".join(head_value[1:])
    parts = _split_outside_quotes(head, b";")
    name = parts[0].decode("ascii", errors="replace").strip().upper()
    group = ""
    if "." in name:
        group, _, name = name.rpartition(".")
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        text = part.decode("utf-8", errors="replace").strip()
        if not text:
            continue
        key, eq, val = text.partition("=")
        if not eq:  # 2.1's bare parameters
            upper = key.upper()
            key, val = ("ENCODING" if upper in _ENCODINGS else "TYPE"), key
        key = key.strip().upper()
        values = [v.strip().strip('"') for v in val.strip().strip('"').split(",")]
        if key == "TYPE":
            values = [v.upper() for v in values]
        params.setdefault(key, []).extend(v for v in values if v)
    return name, group, {k: tuple(v) for k, v in params.items()}, value


def read_cards(data: bytes) -> Iterator[Card | Broken]:
    """Every card in the file, in order; text outside cards is ignored, a card without END is
    reported."""
    data, forced = decode_file(data)
    card: Card | None = None
    depth = 0
    raw: list[tuple[int, str, str, dict[str, tuple[str, ...]], bytes]] = []
    for number, line in logical_lines(data):
        parsed = parse_line(line)
        if parsed is None:
            continue
        name, group, params, value = parsed
        word = value.strip().upper()
        if name == "BEGIN" and word == b"VCARD":
            if card is not None:
                depth += 1  # a card inside a card (2.1 AGENT): not a person of its own
                continue
            card, raw = Card(line=number), []
            continue
        if name == "END" and word == b"VCARD":
            if depth:
                depth -= 1
                continue
            if card is not None:
                yield _finish(card, raw, forced)
                card = None
            continue
        if card is None or depth:
            continue
        raw.append((number, name, group, params, value))
    if card is not None:
        yield Broken(line=card.line, message="the card has no END:VCARD")


def _finish(
    card: Card,
    raw: list[tuple[int, str, str, dict[str, tuple[str, ...]], bytes]],
    forced: str | None,
) -> Card:
    # Values without a CHARSET are in the card's own charset when it names one anywhere (AOSP
    # Shift_JIS cards name it on some lines only).
    declared = next((p["CHARSET"][0] for _, _, _, p, _ in raw if p.get("CHARSET")), None)
    for number, name, group, params, value in raw:
        encoding = {e.upper() for e in params.get("ENCODING", ())}
        if encoding & {"B", "BASE64"}:
            text = ""  # a photo or a key: nothing Rapport keeps
        else:
            if "QUOTED-PRINTABLE" in encoding:
                value = decode_qp(value)
            charset = forced or (params.get("CHARSET") or (declared,))[0]
            text = text_of(value, charset)
        if name == "VERSION":
            card.version = text.strip()
        card.properties.append(Property(name, group.upper(), params, text, number))
    return card


_ESCAPES_3 = re.compile(r"\\(.)", re.DOTALL)


def unescape(text: str, version: str) -> str:
    """A text value without its escapes: 3.0/4.0 escape `\\n , ; \\`; 2.1 only `\\;`."""
    if version.startswith("2"):
        return text.replace("\\;", ";")

    def one(match: re.Match[str]) -> str:
        char = match.group(1)
        return "\n" if char in "nN" else char

    return _ESCAPES_3.sub(one, text)


def components(text: str, version: str) -> list[str]:
    """A structured value (N, ORG, ADR) split at its unescaped semicolons, each unescaped."""
    parts, buf, i = [], "", 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            buf += text[i : i + 2]
            i += 2
            continue
        if char == ";":
            parts.append(buf)
            buf = ""
        else:
            buf += char
        i += 1
    parts.append(buf)
    return [unescape(p, version).strip() for p in parts]
