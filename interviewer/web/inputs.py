"""What a form field may hold: no NUL or control characters (they break PostgreSQL and hide
text), a length cap said out loud instead of silent cutting, and names a person can see."""

from __future__ import annotations

import re

from fastapi import HTTPException

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2028-\u202f\u2060-\u2064\ufeff\u3164\u115f\u1160]+")


def text(value: str, field: str, limit: int, *, required: bool = False, lines: bool = False) -> str:
    """The field's text, or a 400 saying what is wrong with it and what to do."""
    if CONTROL.search(value) or (not lines and ("\n" in value or "\r" in value)):
        raise HTTPException(status_code=400, detail=f"{field} contains control characters; type it again")
    if len(value) > limit:
        raise HTTPException(status_code=400, detail=f"{field} is longer than {limit} characters; shorten it")
    if required and not INVISIBLE.sub("", value):
        raise HTTPException(status_code=400, detail=f"{field} is empty; give it a name people can read")
    return value.strip()


def number(value: str, field: str, low: int, high: int) -> int | None:
    """An optional whole number within bounds (blank: none)."""
    if not value.strip():
        return None
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise HTTPException(status_code=400, detail=f"{field} must be a whole number from {low} to {high}")
    return int(value)
