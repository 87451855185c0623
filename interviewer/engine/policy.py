"""When to probe, decided by code so that every candidate gets the same interviewer.

Probe the first key point the answers have not covered (in the bank's order, once each),
while coverage is low; probe a vague answer once for specifics; never more than the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.bank.models import KeyPoint, Question
from interviewer.engine.critique import Critique, Verdict

PROBE_BELOW_COVERAGE = 0.75
VAGUE_BELOW_SPECIFICITY = 0.25


@dataclass(frozen=True)
class ProbeDecision:
    target: KeyPoint | None  # None: ask for specifics rather than a theme


def decide(
    question: Question,
    critique: Critique,
    *,
    used: int,
    limit: int,
    probed: set[str],
    asked_for_specifics: bool,
) -> ProbeDecision | None:
    if used >= limit or {"empty", "binary"} & set(critique.flags):
        return None
    if critique.coverage < PROBE_BELOW_COVERAGE:
        by_id = {p.id: p for p in question.key_points}
        for point in critique.points:
            if point.verdict == Verdict.missing and point.point_id not in probed:
                return ProbeDecision(target=by_id[point.point_id])
    if critique.specificity < VAGUE_BELOW_SPECIFICITY and critique.coverage < 0.9 and not asked_for_specifics:
        return ProbeDecision(target=None)
    return None
