"""Cutting text into clauses: the unit that states one thing.

A sentence often makes two points ("send it to a lab, then admit the fault"), so grading looks
at clauses: sentences cut at commas and semicolons where both sides are long enough to say
something on their own. Spans keep their place in the original text, so evidence is verbatim.
"""

from __future__ import annotations

import re

from interviewer.text.chinese import CJK, has_cjk
from interviewer.text.words import Span, split_sentences

CUT_ZH = re.compile(r"[，,；;：:]|…+")
CUT_EN = re.compile(r"[;:]|,(?=\s)|\s[-–—]\s")
MIN_ZH = 6  # characters a Chinese clause needs to stand alone
MIN_EN = 4  # words an English clause needs to stand alone
MAX_CLAUSES = 80
UNIT_ZH = re.compile(f"[{CJK}]|[A-Za-z0-9]+")  # a Han character, or a Latin word or number


def _size(text: str, cjk: bool) -> int:
    return len(UNIT_ZH.findall(text)) if cjk else len(text.split())


def _cut(sentence: Span, cjk: bool) -> list[Span]:
    pattern, minimum = (CUT_ZH, MIN_ZH) if cjk else (CUT_EN, MIN_EN)
    pieces: list[Span] = []
    start = 0
    text = sentence.text
    for match in pattern.finditer(text):
        end = match.end()
        pieces.append(Span(sentence.start + start, sentence.start + end, text[start:end]))
        start = end
    if start < len(text):
        pieces.append(Span(sentence.start + start, sentence.end, text[start:]))
    merged: list[Span] = []
    for piece in pieces:
        if merged and (_size(merged[-1].text, cjk) < minimum or _size(piece.text, cjk) < minimum):
            last = merged[-1]
            merged[-1] = Span(last.start, piece.end, last.text + piece.text)
        else:
            merged.append(piece)
    return [_strip(p) for p in merged if p.text.strip()]


def _strip(span: Span) -> Span:
    text = span.text
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    return Span(span.start + lead, span.start + lead + len(body), body)


def split_clauses(text: str, sentences: list[Span] | None = None) -> list[Span]:
    """Clauses of `text` (or of the given sentences of it), in order, at most MAX_CLAUSES."""
    cjk = has_cjk(text)
    spans = [c for s in (sentences if sentences is not None else split_sentences(text)) for c in _cut(s, cjk)]
    return spans[:MAX_CLAUSES]
