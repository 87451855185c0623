"""A transcript read back as an interview: questions with their turns, critiques and usage.

Replay, report, history, resume and regrade all work from this one view of the events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from interviewer.bank.models import Question
from interviewer.engine.events import (
    Answer,
    CritiqueMade,
    Degraded,
    Draft,
    FollowUp,
    Hint,
    QuestionAsked,
    Resume,
    SessionEnd,
    SessionStart,
    Skip,
    Usage,
)
from interviewer.transcript.reader import Transcript, read_transcript


@dataclass
class Turn:
    kind: str  # question, follow_up, answer, hint, skip
    text: str
    seconds: float | None = None
    spoken: dict | None = None  # a spoken answer: its recording, what was heard, delivery
    seq: int = 0  # the event's place in the transcript (a web form names the prompt it answers)


@dataclass
class QuestionRecord:
    number: int
    text: str = ""
    turns: list[Turn] = field(default_factory=list)
    critique: CritiqueMade | None = None
    graded_against: Question | None = None  # recorded since schema 2
    skipped: bool = False
    drafts: list[str] = field(default_factory=list)
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
    start: SessionStart
    questions: list[QuestionRecord]
    degraded: list[Degraded]
    end: SessionEnd | None

    @property
    def path(self) -> Path:
        return self.transcript.path

    @property
    def finished(self) -> bool:
        return bool(self.end and self.end.finished)

    @property
    def language(self) -> str:
        return self.start.language

    @property
    def overall(self) -> float | None:
        scores = [q.critique.score if q.critique else 0.0 for q in self.questions if q.closed]
        return round(sum(scores) / len(scores), 1) if scores else None

    @property
    def last_seq(self) -> int:
        return max((e.seq for e in self.transcript.events), default=0)


def build_record(transcript: Transcript) -> InterviewRecord:
    by_number: dict[int, QuestionRecord] = {}
    degraded: list[Degraded] = []
    end = None
    for event in transcript.events:
        if isinstance(event, QuestionAsked):
            record = by_number.setdefault(event.number, QuestionRecord(number=event.number, text=event.text))
            record.graded_against = event.graded_against or record.graded_against
            record.turns.append(Turn("question", event.text, seq=event.seq))
            continue
        record = by_number.get(getattr(event, "number", None))
        if isinstance(event, Degraded):
            degraded.append(event)
        elif isinstance(event, SessionEnd):
            end = event
        elif isinstance(event, Resume):
            end = None
        elif record is not None:
            _add(record, event)
    return InterviewRecord(
        transcript=transcript,
        start=transcript.start,
        questions=list(by_number.values()),
        degraded=degraded,
        end=end,
    )


def _add(record: QuestionRecord, event: object) -> None:
    """One event about a question already asked."""
    if isinstance(event, Answer):
        spoken = {k: v for k in ("audio", "recognised", "delivery") if (v := getattr(event, k)) is not None}
        record.turns.append(Turn("answer", event.text, event.seconds, spoken or None, event.seq))
    elif isinstance(event, FollowUp | Hint):
        record.turns.append(Turn(event.type, event.text, seq=event.seq))
        if isinstance(event, FollowUp) and event.point_id:
            record.probed.add(event.point_id)
    elif isinstance(event, Skip) and not event.follow_up:
        record.skipped = True
    elif isinstance(event, Draft):
        record.drafts.append(event.text)
    elif isinstance(event, CritiqueMade):
        record.critique = event
    elif isinstance(event, Usage):
        record.prompt_tokens += event.prompt_tokens
        record.completion_tokens += event.completion_tokens


def load_record(path: str | Path) -> InterviewRecord:
    return build_record(read_transcript(path))
