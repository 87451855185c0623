"""What a form field may hold: no NUL or control characters (they break PostgreSQL and hide
text), a length cap said out loud instead of silent cutting, and names a person can see. A field is named
by its catalogue key (`web_field_…`), so that a refusal is said in the page's language."""

from __future__ import annotations

import re
import unicodedata

from interviewer.web.reasons import Refusal, Term

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Letters and symbols that draw nothing: Hangul fillers and the blank Braille pattern.
BLANK_GLYPHS = set("\u115f\u1160\u3164\uffa0\u2800")


def visible(value: str) -> bool:
    """Whether any character draws something: a letter, digit, punctuation or symbol (format
    characters, combining marks alone, spaces and blank glyphs do not)."""
    return any(unicodedata.category(c)[0] in "LNPS" and c not in BLANK_GLYPHS for c in value)


def text(value: str, field: str, limit: int, *, required: bool = False, lines: bool = False) -> str:
    """The field's text, or a 400 saying what is wrong with it and what to do."""
    if CONTROL.search(value) or (not lines and ("\n" in value or "\r" in value)):
        raise Refusal(400, "web_detail_control", field=Term(field))
    if len(value) > limit:
        raise Refusal(400, "web_detail_too_long", field=Term(field), limit=limit)
    if required and not visible(value):
        raise Refusal(400, "web_detail_blank", field=Term(field))
    return value.strip()


def number(value: str, field: str, low: int, high: int) -> int | None:
    """An optional whole number within bounds (blank: none)."""
    if not value.strip():
        return None
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise Refusal(400, "web_detail_number", field=Term(field), low=low, high=high)
    return int(value)
