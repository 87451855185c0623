"""The structured critique and the score computed from it.

A backend only says, per key point, covered / partial / missing and quotes the answer; the
engine checks every quote against the answer and computes the score itself, so a score never
depends on a number a model wrote and stays comparable across models.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

from interviewer.bank.models import Question

RUBRIC_VERSION = "rubric-1"
CREDIT = {"covered": 1.0, "partial": 0.5, "missing": 0.0}
COVERAGE_POINTS = 85
TOPIC_POINTS = 5
SPECIFICS_POINTS = 10


class Verdict(str, Enum):
    covered = "covered"
    partial = "partial"
    missing = "missing"


class PointVerdict(BaseModel):
    """What a backend says about one key point."""

    point_id: str
    verdict: Verdict
    evidence: str = Field(default="", description="Verbatim quote from the candidate's answer.")
    reference: str = Field(default="", description="The matching sentence of the reference answer.")
    suggestion: str = Field(default="", description="What to say instead, for a partial or missing point.")


class PointCritique(PointVerdict):
    point: str = ""
    weight: float = 1.0
    note: str = ""


class Critique(BaseModel):
    question_number: int
    question_id: str
    points: list[PointCritique]
    flags: list[str] = Field(default_factory=list)
    coverage: float = 0.0
    topicality: float = 0.0
    specificity: float = 0.0
    score: float = 0.0
    feedback: str = ""
    backend: str = ""
    model: str | None = None
    rubric_version: str = RUBRIC_VERSION
    notes: list[str] = Field(default_factory=list)
    delivery: list[dict] = Field(default_factory=list, description="How each spoken answer was said.")
    hints: list[str] = Field(default_factory=list, description="The hints given for this question, in order.")

    def texts(self, verdict: Verdict) -> list[str]:
        return [p.point for p in self.points if p.verdict == verdict]

    @property
    def missing_ids(self) -> list[str]:
        return [p.point_id for p in self.points if p.verdict != Verdict.covered]


def _in_answer(quote: str, answer: str) -> bool:
    quote = quote.strip().strip("\"'“”「」")
    return bool(quote) and quote in answer


def finalize(
    question: Question,
    verdicts: list[PointVerdict],
    answer: str,
    *,
    topicality: float,
    specificity: float,
    flags: list[str],
    excluded: list[str] = (),
    feedback: str = "",
    backend: str = "",
    model: str | None = None,
    notes: list[str] = (),
) -> Critique:
    """Check every quote, fill the key point texts, and compute the score.

    A quote that is not a verbatim substring of the answer, or that lies in text addressed to
    the grader (`excluded`), is dropped and the point counts as missing: a claim without
    evidence earns nothing, not half.
    """
    by_id = {v.point_id: v for v in verdicts}
    points: list[PointCritique] = []
    all_notes = list(notes)
    for key_point in question.key_points:
        given = by_id.get(key_point.id) or PointVerdict(point_id=key_point.id, verdict=Verdict.missing)
        verdict, evidence, note = given.verdict, given.evidence.strip(), ""
        if verdict != Verdict.missing:
            bad_quote = not _in_answer(evidence, answer) or any(
                evidence and (evidence in part or part in evidence) for part in excluded
            )
            if bad_quote:
                note = "quote not found in the answer; dropped" if evidence else "no quote given"
                verdict, evidence = Verdict.missing, ""
        elif evidence and not _in_answer(evidence, answer):
            evidence = ""
        if note:
            all_notes.append(f"{key_point.id}: {note}")
        points.append(
            PointCritique(
                point_id=key_point.id,
                verdict=verdict,
                evidence=evidence.strip().strip("\"'“”「」") if verdict != Verdict.missing else evidence,
                reference=given.reference,
                suggestion=given.suggestion,
                point=key_point.text,
                weight=key_point.weight,
                note=note,
            )
        )
    total_weight = sum(p.weight for p in points) or 1.0
    coverage = sum(CREDIT[p.verdict.value] * p.weight for p in points) / total_weight
    score = compute_score(coverage, topicality, specificity)
    return Critique(
        question_number=question.number,
        question_id=question.id,
        points=points,
        flags=sorted(set(flags)),
        coverage=round(coverage, 3),
        topicality=round(topicality, 3),
        specificity=round(specificity, 3),
        score=score,
        feedback=feedback,
        backend=backend,
        model=model,
        notes=all_notes,
    )


def compute_score(coverage: float, topicality: float, specificity: float) -> float:
    """Coverage of the key points carries the grade; staying on topic and being concrete add a
    little, so two answers of different quality rarely tie. Specifics count only on topic."""
    gated_specifics = specificity * min(1.0, 2 * topicality)
    raw = COVERAGE_POINTS * coverage + TOPIC_POINTS * topicality + SPECIFICS_POINTS * gated_specifics
    return round(max(0.0, min(100.0, raw)), 1)
