"""What every importer produces before a bank is built: questions as found, with the line
they came from, and the findings (every repair and every doubt) to report to the user."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interviewer.bank.clean import Finding
from interviewer.bank.models import Bank, KeyPoint


@dataclass
class Draft:
    number: int
    text: str
    reference: str
    key_points: list[KeyPoint] = field(default_factory=list)
    line: int = 0
    tags: list[str] = field(default_factory=list)
    follow_ups: list[str] = field(default_factory=list)


@dataclass
class Found:
    """One importer's result: the drafts, the bank's own metadata when the file has it, what
    was repaired or doubted, and one sentence saying where the questions were found."""

    drafts: list[Draft]
    meta: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    summary: str = ""
    title: str = ""


@dataclass
class Imported:
    bank: Bank
    findings: list[Finding] = field(default_factory=list)
    summary: str = ""


def split_words(text: str) -> list[str]:
    return [w.strip() for w in re.split(r"[,，、;；]", text) if w.strip()]


def key_points_from_lines(lines: list[str], prefix: str) -> list[KeyPoint]:
    """`text (keywords: a, b; synonyms: c)` or `text :: a, b :: c`, one per line."""
    points = []
    for raw in lines:
        item = raw.strip().lstrip("-*•").strip()
        if not item:
            continue
        keywords: list[str] = []
        synonyms: list[str] = []
        if "::" in item:
            parts = [p.strip() for p in item.split("::")]
            item = parts[0]
            keywords = split_words(parts[1]) if len(parts) > 1 else []
            synonyms = split_words(parts[2]) if len(parts) > 2 else []
        points.append(
            KeyPoint(id=f"{prefix}-k{len(points) + 1}", text=item, keywords=keywords, synonyms=synonyms)
        )
    return points
