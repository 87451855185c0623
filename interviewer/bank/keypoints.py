"""Drafting key points from a reference answer, for a person to edit.

The reference is cut where it enumerates (第一/首先/1./（1）/First…), else at sentences; each
part becomes a point whose evidence words are its most distinctive terms.
"""

from __future__ import annotations

import re
from collections import Counter

from interviewer.bank.models import KeyPoint, Question
from interviewer.engine.signals import is_buzzword, split_sentences, tokens
from interviewer.text.chinese import has_cjk

ENUMERATION = re.compile(
    r"(?:第[一二三四五六七八九十]+(?:步|是|点|个)?[，,：:、]?|(?:首先|其次|再次|然后|最后|此外|另外)(?:是|，|,)?|"
    r"(?<![\d.])\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[）)]|\b(?:First|Second|Third|Then|Finally|Also),?\s)"
)
MIN_POINTS, MAX_POINTS = 4, 8


def _parts(reference: str) -> list[str]:
    cuts = [m.start() for m in ENUMERATION.finditer(reference)]
    pieces = [reference[a:b] for a, b in zip([0, *cuts], [*cuts, len(reference)], strict=True)]
    pieces = [p.strip() for p in pieces if len(p.strip()) >= 12]
    if len(pieces) < MIN_POINTS:
        pieces = [s.text for s in split_sentences(reference) if len(s.text) >= 12]
    if len(pieces) > MAX_POINTS:
        size = -(-len(pieces) // MAX_POINTS)
        pieces = [
            "".join(pieces[i : i + size]) if has_cjk(pieces[0]) else " ".join(pieces[i : i + size])
            for i in range(0, len(pieces), size)
        ]
    return pieces


def _salient(text: str, language: str, common: set[str], limit: int = 5) -> list[str]:
    counts = Counter(w for w in tokens(text, language) if w not in common and not is_buzzword(w))
    return [w for w, _ in counts.most_common(limit)]


def _statement(part: str) -> str:
    part = ENUMERATION.sub("", part, count=1).strip(" ：:，,")
    first = re.split(r"[。；;.!?！？]", part)[0]
    return first[:60].strip() or part[:60].strip()


def draft_key_points(question: Question, language: str) -> list[KeyPoint]:
    parts = _parts(question.reference)
    common = set(tokens(question.text, language))
    seen: Counter = Counter()
    for part in parts:
        seen.update(set(tokens(part, language)))
    everywhere = {w for w, n in seen.items() if len(parts) > 2 and n > len(parts) / 2}
    points = []
    for index, part in enumerate(parts, start=1):
        keywords = _salient(part, language, common | everywhere)
        if not keywords:
            continue
        points.append(
            KeyPoint(
                id=f"{question.id}-k{index}",
                text=_statement(part),
                theme=keywords[0],
                keywords=keywords[:4],
                synonyms=keywords[4:],
            )
        )
    return points
