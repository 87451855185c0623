"""What an interview comes to: one result per question reached, and the summary over them.

The session builds these as it goes; a transcript is turned back into the same models, so the
terminal, the web dashboard, compare and history all count scores one way.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from interviewer.engine.critique import Critique, Verdict


class QuestionResult(BaseModel):
    number: int
    text: str
    score: float | None = None
    covered: list[str] = Field(default_factory=list)
    partial: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    skipped: bool = False
    follow_ups: int = 0

    @classmethod
    def from_critique(cls, text: str, critique: Critique, follow_ups: int = 0) -> QuestionResult:
        return cls(
            number=critique.question_number,
            text=text,
            score=critique.score,
            covered=critique.texts(Verdict.covered),
            partial=critique.texts(Verdict.partial),
            missing=critique.texts(Verdict.missing),
            flags=critique.flags,
            follow_ups=follow_ups,
        )


class Summary(BaseModel):
    results: list[QuestionResult]
    overall: float
    answered: int
    total: int
    work_on: list[str]
    finished: bool
    tokens: dict[str, int] = Field(default_factory=lambda: {"prompt": 0, "completion": 0})


def summarize(results: list[QuestionResult], *, total: int, finished: bool) -> Summary:
    """Overall score over the questions reached (a skip counts 0), and the three points to
    work on: missed before partly covered, weakest questions first."""
    scored = [r.score or 0.0 for r in results]
    work_on: list[str] = []
    for result in sorted(results, key=lambda r: r.score or 0.0):
        for text in result.missing + result.partial:
            if text not in work_on:
                work_on.append(text)
    return Summary(
        results=results,
        overall=round(sum(scored) / len(scored), 1) if scored else 0.0,
        answered=sum(1 for r in results if not r.skipped),
        total=total,
        work_on=work_on[:3],
        finished=finished,
    )
