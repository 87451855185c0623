"""One interview as one summary row: what the dashboard, `report --compare` and `history`
show per transcript, counted one way (a skipped question scores 0, like the overall)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from interviewer.engine.critique import Verdict
from interviewer.transcript.record import InterviewRecord


class SummaryRow(BaseModel):
    transcript: str
    session_id: str
    started: str
    bank: str
    bank_ref: str
    bank_title: str
    language: str
    mode: str
    backend: str
    model: str | None
    rubric_version: str
    finished: bool
    overall: float | None
    answered: int = Field(description="Questions closed: answered and graded, or skipped.")
    total: int
    minutes: float
    flags: list[str] = Field(description="Every flag a critique raised, once each.")
    scores: dict[int, float] = Field(description="Score per closed question by number.")
    covered: dict[int, int] = Field(description="Key points covered per graded question.")
    regrade_of: dict[str, str | None] | None = None


def summary_row(record: InterviewRecord) -> SummaryRow:
    start = record.start
    closed = [q for q in record.questions if q.closed]
    graded = [q for q in closed if q.critique]
    return SummaryRow(
        transcript=str(record.path),
        session_id=start.session_id,
        started=start.started,
        bank=start.bank.id,
        bank_ref=start.bank.ref or start.bank.id,
        bank_title=start.bank.title,
        language=start.language,
        mode=start.mode,
        backend=start.backend,
        model=start.model,
        rubric_version=start.rubric_version,
        finished=record.finished,
        overall=record.overall,
        answered=len(closed),
        total=len(start.settings.questions),
        minutes=round(sum(q.seconds for q in record.questions) / 60, 1),
        flags=sorted({flag for q in graded for flag in q.critique.flags}),
        scores={q.number: q.critique.score if q.critique else 0.0 for q in closed},
        covered={q.number: sum(p.verdict == Verdict.covered for p in q.critique.points) for q in graded},
        regrade_of=start.regrade_of,
    )
