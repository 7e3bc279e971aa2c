"""Which encoding an exported file is in, when nothing may come out as U+FFFD: a UTF-16/UTF-32 BOM,
UTF-16 without one (every other byte NUL), a UTF-8 BOM; otherwise UTF-8 when the bytes decode as
it, else Windows-1252 (what Outlook and Excel write on Western Windows), whose five undefined bytes
read as Latin-1."""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_file(data: bytes) -> tuple[bytes, str | None]:
    """The file's bytes as UTF-8 when a BOM (or UTF-16's NULs) says what they are, with the charset
    that then overrides every CHARSET parameter; otherwise the bytes as they are and None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            return text.encode("utf-8"), ("utf-8" if encoding != "utf-8" else None)
    head = data[:200]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):  # UTF-16 without a BOM
        encoding = "utf-16-le" if head[1] == 0 else "utf-16-be"
        return data.decode(encoding, errors="replace").encode("utf-8"), "utf-8"
    return data, None


def text_of(raw: bytes, charset: str | None) -> str:
    """Bytes of one value as text; never U+FFFD unless the named charset itself says so."""
    if charset:
        try:
            return raw.decode(_codec(charset))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="latin1_fallback")


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    # Windows-1252 leaves five bytes undefined; Latin-1 (what Windows shows) reads them.
    assert isinstance(error, UnicodeDecodeError)
    chunk = error.object[error.start : error.end]
    return bytes(chunk).decode("latin-1"), error.end


codecs.register_error("latin1_fallback", _latin1_fallback)


def _codec(charset: str) -> str:
    name = charset.strip().strip('"').lower()
    aliases = {"windows-1252": "cp1252", "ansi": "cp1252", "shift-jis": "shift_jis"}
    return codecs.lookup(aliases.get(name, name)).name


def decode_text(data: bytes) -> str:
    """A whole file as text (CSV): its BOM's encoding, else UTF-8, else Windows-1252."""
    raw, forced = decode_file(data)
    return text_of(raw, forced)
