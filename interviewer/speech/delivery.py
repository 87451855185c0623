"""How an answer was said, beside what it said: pace, long pauses and filler words.

Pace is characters per minute for Chinese and words per minute otherwise, over the time the
candidate was actually speaking (leading and trailing silence left out).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from interviewer.text.chinese import count_cjk

FILLERS = {
    "zh": ["嗯", "啊", "呃", "那个", "就是", "然后"],
    "en": ["um", "uh", "erm", "like", "you know", "i mean", "sort of", "kind of"],
}


class Delivery(BaseModel):
    seconds: float = Field(description="Speaking time, silence at both ends left out.")
    pace: float | None = None
    pace_unit: str = ""
    long_pauses: int = 0
    pause_seconds: float = 0.0
    fillers: dict[str, int] = Field(default_factory=dict)

    @property
    def filler_total(self) -> int:
        return sum(self.fillers.values())


def count_fillers(text: str, language: str) -> dict[str, int]:
    zh = language.lower().startswith("zh")
    counts: dict[str, int] = {}
    lowered = text.lower()
    for filler in FILLERS["zh" if zh else "en"]:
        pattern = re.escape(filler) if zh else rf"(?<![a-z']){re.escape(filler)}(?![a-z'])"
        found = len(re.findall(pattern, lowered))
        if found:
            counts[filler] = found
    return counts


def measure(text: str, seconds: float, pauses: list[float], language: str) -> Delivery:
    zh = language.lower().startswith("zh")
    units = count_cjk(text) if zh else len(re.findall(r"[A-Za-z0-9']+", text))
    pace = round(units * 60 / seconds, 1) if seconds > 0 else None
    return Delivery(
        seconds=round(seconds, 2),
        pace=pace,
        pace_unit="chars/min" if zh else "words/min",
        long_pauses=len(pauses),
        pause_seconds=round(sum(pauses), 2),
        fillers=count_fillers(text, language),
    )


def describe(delivery: dict, language: str) -> str:
    """One line for the screen: pace, long pauses, fillers."""
    from interviewer.prompts import say

    fillers = ", ".join(f"{word}×{count}" for word, count in delivery.get("fillers", {}).items()) or "-"
    pace = delivery.get("pace")
    return say(
        language,
        "delivery",
        pace=pace if pace is not None else "-",
        unit=delivery.get("pace_unit", ""),
        pauses=delivery.get("long_pauses", 0),
        fillers=fillers,
    )
