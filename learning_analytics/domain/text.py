"""Character rules for the strings clients send: ids, topics and free text."""

from __future__ import annotations

import re
import unicodedata

# Control characters (Unicode category Cc: U+0000–U+001F and U+007F–U+009F) and lone surrogates
# (U+D800–U+DFFF, which no UTF-8 encoder or database accepts). Free text may hold tabs and newlines.
_BAD_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# The first code point of category Cf (format: zero-width space and joiners, BOM, bidi marks…) is
# U+00AD, so anything below it is decided without a Unicode database look-up.
_FIRST_FORMAT = "\xad"


def bad_character(value: str, *, free_text: bool = False) -> str | None:
    """Why `value` cannot be stored, naming its first forbidden character; None when it can.

    Forbidden: control characters (tab, line feed and carriage return are allowed in free text)
    and lone surrogates.
    """
    found = (_BAD_IN_TEXT if free_text else _BAD_IN_NAME).search(value)
    if found is None:
        return None
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        return f"a lone surrogate (U+{ord(char):04X}) at position {found.start()} is not valid Unicode"
    return f"a control character (U+{ord(char):04X}) at position {found.start()} is not allowed"


_C0_AND_DEL = bytes([*range(0x20), 0x7F])
_C0_AND_DEL_IN_TEXT = bytes(b for b in _C0_AND_DEL if b not in b"\t\n\r")
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")


def strings_clean(values: list[str], *, free_text: bool = False) -> bool:
    """True when none of `values` holds a forbidden character; the same verdict as `bad_character`.

    One pass over all of them as UTF-8, several times faster than a regex over the text: a lone
    surrogate cannot be encoded, C0 controls and DEL are single bytes, C1 controls are U+0080–U+009F.
    """
    try:
        raw = "".join(values).encode("utf-8")
    except UnicodeEncodeError:
        return False
    if len(raw.translate(None, _C0_AND_DEL_IN_TEXT if free_text else _C0_AND_DEL)) != len(raw):
        return False
    return raw.isascii() or _C1_UTF8.search(raw) is None


def _invisible(char: str) -> bool:
    return char.isspace() or (char >= _FIRST_FORMAT and unicodedata.category(char) == "Cf")


def trim_topic(raw: str) -> str:
    """A topic without the whitespace and invisible format characters (U+200B, U+FEFF, joiners…) at its ends.

    Format characters inside a topic stay: a zero-width joiner binds an emoji sequence, a
    zero-width non-joiner is part of Persian spelling.
    """
    start, end = 0, len(raw)
    while start < end and _invisible(raw[start]):
        start += 1
    while end > start and _invisible(raw[end - 1]):
        end -= 1
    return raw[start:end]


def topic_trimmed(name: str) -> bool:
    """True when `name` is non-empty and `trim_topic` would leave it as it is."""
    if not name or name.strip() != name:
        return False
    first, last = name[0], name[-1]
    return (first < _FIRST_FORMAT or unicodedata.category(first) != "Cf") and (
        last < _FIRST_FORMAT or unicodedata.category(last) != "Cf"
    )
