"""A transcript read back as an interview: questions with their turns, critiques and usage.

Replay, report, history, resume and regrade all work from this one view of the events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from interviewer.transcript.reader import Transcript, read_transcript


@dataclass
class Turn:
    kind: str  # question, follow_up, answer, hint, skip
    text: str
    seconds: float | None = None
    spoken: dict | None = None  # a spoken answer: its recording, what was heard, delivery


@dataclass
class QuestionRecord:
    number: int
    text: str = ""
    turns: list[Turn] = field(default_factory=list)
    critique: dict | None = None
    skipped: bool = False
    prompt_tokens: int = 0
    completion_tokens: int = 0
    probed: set[str] = field(default_factory=set)

    @property
    def answers(self) -> list[Turn]:
        return [t for t in self.turns if t.kind == "answer"]

    @property
    def answer_text(self) -> str:
        return "\n".join(t.text for t in self.answers)

    @property
    def seconds(self) -> float:
        return sum(t.seconds or 0.0 for t in self.answers)

    @property
    def closed(self) -> bool:
        return self.critique is not None or self.skipped

    @property
    def follow_ups(self) -> int:
        return sum(1 for t in self.turns if t.kind == "follow_up")


@dataclass
class InterviewRecord:
    transcript: Transcript
    start: dict
    questions: list[QuestionRecord]
    degraded: list[dict]
    end: dict | None

    @property
    def path(self) -> Path:
        return self.transcript.path

    @property
    def finished(self) -> bool:
        return bool(self.end and self.end.get("finished"))

    @property
    def language(self) -> str:
        return self.start.get("language", "en")

    @property
    def overall(self) -> float | None:
        scores = [q.critique["score"] if q.critique else 0.0 for q in self.questions if q.closed]
        return round(sum(scores) / len(scores), 1) if scores else None

    @property
    def last_seq(self) -> int:
        return max((e.get("seq", 0) for e in self.transcript.events), default=0)


def build_record(transcript: Transcript) -> InterviewRecord:
    by_number: dict[int, QuestionRecord] = {}
    current: QuestionRecord | None = None
    degraded = []
    end = None
    for event in transcript.events:
        kind = event.get("type")
        number = event.get("number", event.get("question_number"))
        if kind == "question":
            current = by_number.setdefault(number, QuestionRecord(number=number, text=event.get("text", "")))
            current.turns.append(Turn("question", event.get("text", "")))
        elif kind in ("answer", "follow_up", "hint") and number in by_number:
            record = by_number[number]
            spoken = {k: event[k] for k in ("audio", "recognised", "delivery") if k in event} or None
            record.turns.append(Turn(kind, event.get("text", ""), event.get("seconds"), spoken))
            if kind == "follow_up" and event.get("point_id"):
                record.probed.add(event["point_id"])
        elif kind == "skip" and number in by_number:
            by_number[number].skipped = True
        elif kind == "critique" and number in by_number:
            by_number[number].critique = event
        elif kind == "usage" and number in by_number:
            by_number[number].prompt_tokens += event.get("prompt_tokens", 0)
            by_number[number].completion_tokens += event.get("completion_tokens", 0)
        elif kind == "degraded":
            degraded.append(event)
        elif kind == "session_end":
            end = event
        elif kind == "resume":
            end = None
    return InterviewRecord(
        transcript=transcript,
        start=transcript.start,
        questions=list(by_number.values()),
        degraded=degraded,
        end=end,
    )


def load_record(path: str | Path) -> InterviewRecord:
    return build_record(read_transcript(path))
